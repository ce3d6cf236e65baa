"""Stage 4: metadata (title, date, publisher, author, url, language).

Rules capture most metadata with named groups while they remove the lines
that carry it (datelines, bylines, syndication tags); this stage validates
and normalises those captures, finds a leading headline, and identifies the
language of the body offline with CLD2 (pycld2).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from importlib.metadata import version

import pycld2
import regex

from pipeline import flags as F
from pipeline.document import Document
from pipeline.rules.model import PUBLISHED_GROUP
from pipeline.shape import (
    SENTENCE_ENDS,
    ends_unmarked,
    final_mark,
    is_row,
    looks_like_prose,
    looks_like_title,
    reads_as_byline,
    word_count,
    written_unspaced,
)
from pipeline.stages import Stage

#: The version of how a leading line is taken as the title (:func:`leading_title`): it enters
#: the fingerprint, so that a batch reruns what a change to it affects.
TITLES_VERSION = 9
#: Longest line still taken as a leading headline; shorter than the minimum
#: it is more likely a section label ("Science", "Food & Drink") than a title.
TITLE_MAX_WORDS = 30
TITLE_MIN_WORDS = 3
#: Longest line, in characters, still taken as a headline in a script that writes no spaces between
#: words and no sentence mark (Thai, Lao: :func:`~pipeline.shape.ends_unmarked`), where counting
#: words says nothing. The development corpora's headlines in them run 32-66 characters, their
#: paragraphs 66-158; corpus_fresh47's Thai page, whose headline the line model removed, lost its
#: 150-character first paragraph to the title.
TITLE_MAX_UNMARKED_CHARS = 90
#: Shortest such line taken as a headline. Words are told by spaces, which Thai and Lao put only
#: between phrases, so such a headline has one or two "words" (all four of the development
#: corpora's) and is held to this length instead of TITLE_MIN_WORDS. Their headlines run 32-76
#: characters; a skip link that led corpus_fresh39's Thai page ("skip to the main content") 20.
TITLE_MIN_UNMARKED_CHARS = 25
#: Chinese and Japanese headlines (:func:`~pipeline.shape.written_unspaced`), in characters: the
#: development corpora's six run 9 to 32; their paragraphs are longer and end with "。". A skip
#: link of that length ("跳過選單，直接看新聞") is shorter than a headline in words too, and the
#: line model's title protection passes over it (:func:`~pipeline.stages.line_model._titles`).
TITLE_MIN_UNSPACED_CHARS = 8
TITLE_MAX_UNSPACED_CHARS = 40
#: A dash with a space either side: between a masthead's name and its slogan.
_SPACED_DASHES = (" — ", " ― ", " – ", " - ")
#: Fewer letters than this and language identification is a guess: leave it None.
LANGUAGE_MIN_LETTERS = 40
#: CLD2 reads the first this-many characters of the body; its time grows with
#: them (17 us at 500, 20 at 600, 32 at 1,000). Measured on 3,056 documents (the
#: trafilatura evaluation pages, tests/corpus*, the seeds, the benchmark
#: corpus): from 500 to 3,000 characters 2 to 5 differ from py3langid on the
#: first 1,000 (the detector it replaced): a page in Papiamento, which neither
#: knows, and pages mixing German with long English passages, which flip both
#: ways as the sample grows; at 400, 6 differ.
LANGUAGE_SAMPLE_CHARS = 600
#: CLD2 codes that are not ISO 639-1 although the language has a 639-1 code
#: (iw: withdrawn from ISO 639 in 1989; jw: Google's own), and codes that name
#: no language: unknown, "Ignore", CLD2's joke test languages (Pig Latin...).
#: Languages with no 639-1 code keep CLD2's code, ISO 639-2/3 (ceb, haw, hmn).
_CLD2_TO_ISO_639_1 = {"iw": "he", "jw": "jv", "zh-Hant": "zh",
                      "un": None, "xxx": None, "zzb": None, "zze": None, "zzh": None, "zzp": None}
# What pycld2 refuses (it raises): C0 controls but tab, LF, FF and CR; DEL and C1
# controls; noncharacters; lone surrogates (they cannot be encoded to UTF-8).
_CLD2_REFUSES = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane | 0xFFFE) + chr(plane | 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)

# Month names (and common abbreviations) in the languages the rules cover (Turkish, Czech,
# Romanian, Hungarian, Indonesian, Maltese, Albanian, Irish, Welsh, Tagalog, Azerbaijani and
# Bosnian included: their datelines name the month; Upper Sorbian's genitive forms too,
# '7. apryla'). Estonian,
# Slovene, Greek, Slovak, Croatian, Lithuanian and Latvian datelines inflect the month
# ('8. märtsil', '7. avgusta', '18 Μαρτίου', '5. októbra', '19. travnja', 'vasario 3 d.',
# '13. jūlijā'), so those forms are listed beside the names. Croatian 'listopada' (October)
# is left out: Polish writes the same word for November, and Polish came first. Tswana, Fijian,
# Twi, Tahitian, Võro, Luganda, Sepedi, Uyghur (Latin script) and Ladino month names too ('14 Motsheganong
# 2024', '7 nō novema 2024', '12 de djunio 2024'). Arabic (as Egypt, the Maghreb and the Levant
# name the months, '12 مارس 2025', '25 فيفري 2025'), Urdu and Hindi month names, whose vowel signs
# are marks ('18 दिसंबर 2024', and 'मई' has two code points), and Pennsylvania German and
# Extremaduran spellings ('31. Oktower 2024', '8 de setiembri de 2024'). Caribbean and Pacific
# creoles spell the English months as they are said ('8 Oktoba 2024', '3 Disemba 2024'), Kwéyòl
# the French ones ('5 mas 2025'), and older Indonesian spelling has 'Pebruari' and 'Nopember'.
# Cyrillic month names (Russian, Ukrainian, Belarusian, Bulgarian, Serbian and Montenegrin,
# Macedonian), as named and as inflected after a day ('19 ноября', '19. новембар'), and
# Cape Verdean Creole's ('30 di Otubru 2024'); Tajik's after a day ('21 августи'), Vlax Romani's
# ('3 septembro') and Malay's 'Mac' (March). Burmese ('5 နိုဝင်ဘာ 2024'), Sango ('1 Lengua
# 2025'), Marathi as the Khandesh and Deccan papers spell it ('18 सप्टेंबर 2025'), and Louisiana
# Creole's 'jiyé' beside the Kwéyòl 'jiyè'. Meadow Mari ('3 идым 2025'), Gronings ('18 februaori
# 2025') and Cameroonian Pidgin's 'Mey'. Persian as Iran writes the Western months ('۲۸ آوریل ۲۰۲۶';
# 'مه' is also the word for fog, but a date form needs a day and a year around it), and Gallurese
# ('14 di nuembri 2025'). Sorani and Hawrami Kurdish as Iraqi and Iranian Kurdish papers write the
# Western months ('٢٠ی نۆڤەمبەر ٢٠٢٥': the day takes the ezafe 'ی'), and Judeo-Persian in Hebrew
# letters ('14 אכתבר 2025'). Xitsonga, Gilbertese, Kirundi (and the 'Myandagaro' spelling of
# 'Nyandagaro'), Tshivenḓa, Tuvaluan, Pular and Tamazight in Tifinagh ('24 ⵉⴱⵔⵉⵔ 2026'); Dagbani 'Mayi',
# Wallisian 'Tisema', Bemba 'Malichi', Lozi 'Janyuali' and Northern Ndebele's months (its 'Nhlangula', June,
# is Xitsonga's October, which came first). Friulian ('27 di Fevrâr dal 2026': 'dal' before the year),
# Aragonese and Catalan's elided 'd'' ('15 d'octubre de 2025'), Sardinian ('10 de nadale 2026') and
# Basque's genitive months ('2025eko azaroaren 21a', a form of its own: year, month, day). Catalan,
# Romansh ('1. da fanadur 2026'), Corsican, Occitan and Galician months, and Esperanto's
# accusative day ('la 15-an de decembro 2025'). Kannada ('ಮಾರ್ಚ್ 8, 2024'). Nepali ('२४ फेब्रुअरी'), Urdu's
# June ('جون'), Kazakh ('29 желтоқсан 2025') and the Māori months written as one word ('19 Mahuru 2025').
# Malagasy, Amharic, Gujarati, Armenian (in the genitive, '7 հուլիսի 2025'), Pashto, Somali and Sinhala.
# Turkmen with its ordinal day ('14-nji aprel 2026'), Chichewa, isiXhosa, Samoan, Assamese and Bengali, and
# Kurmanji's two sets ('14'ê kanûna paşîn 2026', the Syriac names, two words for four of them; 'Rêbendan').
# Swahili ('24 Aprili 2026'), Punjabi in Gurmukhi ('5 ਅਗਸਤ 2025') and Yiddish with its ordinal day
# ('1טן מערץ 2026'), each pointed or not; a name is compared in NFC. Armenian's months as named
# ('28 Մայիս 2026'), Moroccan Arabic's ('16 شتنبر 2025'), Mirandese, Piedmontese (after 'ëd':
# '5 ëd fërvé 2026') and the Syriac months as Sorani writes them, with the ezafe ('١٢ی ئایاری ٢٠٢٦');
# Icelandic ('7. júlí 2026'), Afrikaans ('9 Januarie 2026') and Hebrew, whose month may carry 'in'
# joined to it ('12 במרץ 2026'); Lombard ('6 de febrar 2026'), Walloon ('14 di febrî 2026'), Ligurian
# ('16 d'arvî 2026') and Plautdietsch ('18. Dezamba 2025'); Georgian ('18 მარტი 2027'), Luxembourgish's
# 'Mäerz' and 'Abrëll', and the Occitan and Catalan 'setembre' and Occitan 'octòbre'. The Thai months and the Solar Hijri ones are below.
_MONTH_NAMES = [
    "january jan janvier janv januar jän enero ene janeiro gennaio gen januari stycznia ocak ledna ianuarie január jaanuar jaanuaril januarja ιανουαρίου ιανουάριος januára siječnja sausio janvārī janvāris janvāra jannar janar eanáir yanvar ionawr januara ferikgong janueri ɔpɛpɔn tenuare vahtsõaastakuu janwali janaware yanwar يناير جانفي جنوری जनवरी yenner eneru janyuweri jenyuweri janvyé janvye януари јануар јануара јануари января январь січня січень студзеня janeru januaro январи ဇန်နဝါရီ nyenye जानेवारी шорыкйол jannewoarie januaori ژانویه ghjennagghju ژانویە sunguti tianuare nzero phando ianuali ⵉⵏⵏⴰⵢⵔ siilo janyuali zibandlela zenâr chinero ghennàrgiu gennàrgiu urtarrila urtarrilaren gener schaner ghjennaghju genièr xaneiro ಜನವರಿ қаңтар kohitātea janoary ጃንዋሪ જાન્યુઆરી հունվարի جنوري janaayo ජනවාරි ýanwar januwale janyuwari ianuari rêbendan kanûna_paşîn জানুৱাৰী জানুয়ারি জানুয়ারী ਜਨਵਰੀ יאַנואַר יאנואר յունուար հունվար gené کانوونی_دووەم کانوونی_دووەمی janúar januarie ינואר genar djanvî zenâ januoa იანვარი",
    "february feb février févr fevrier februar febrero fevereiro fev febbraio februari lutego şubat subat února unora februarie február veebruar veebruaril februarja φεβρουαρίου φεβρουάριος februára veljače vasario februārī februāris februāra frar shkurt feabhra pebrero fevral chwefror februara tlhakole feperueri ɔgyefoɔ fepuare radokuu febwali feberware féwral fevrero فبراير فيفري شباط فروری फ़रवरी फरवरी hanning febreru febyuweri febueri févwiyé fevwiye pebruari pebuari февруари фебруар фебруара февруари февраля февраль лютого лютий лютага fevereru februaro феврали ဖေဖော်ဝါရီ fulundïgi फेब्रुवारी пургыж februaori febrewoarie فوریه frebbagghju فێبرایەر פוריה nyenyenyani beberuare ruhuhuma luhuhi fepuali ⴱⵕⴰⵢⵕ colte febuluali nhlolanja fevrâr freàrgiu otsaila otsailaren febrer favrer ferraghju febrièr febreiro ಫೆಬ್ರವರಿ फेब्रुअरी ақпан huitanguru febroary ፌብሩዋሪ ફેબ્રુઆરી փետրվարի فبروري febraayo පෙබරවාරි fewral febuluwale februwari fepuari reşemî sibat ফেব্ৰুৱাৰী ফেব্রুয়ারি ফেব্রুয়ারী ਫ਼ਰਵਰੀ ਫਰਵਰੀ פֿעברואַר פעברואר փետրուար փետրվար fërvé شوبات شوباتی febrúar פברואר febrar fevrî febrî frevâ februoa თებერვალი",
    "march mar mars märz marz marzo março maart mrt marca marts maret mart března brezna martie március märts märtsil marec μαρτίου μάρτιος ožujka kovo martā marzu márta marso mawrth měrca mopitlo maji ɔbɛnem māti urbõkuu marisi matšhe مارس آذار مارچ मार्च marzu maach mas март марта березня березень сакавіка marsu mac marto марти မတ် mbängü ӱярня moart malzu מארס nyenyankulu maati ntwarante ṱhafamuhwe mati ⵎⴰⵕⵚ mbooy malichi malici machi mbimbitho març martzu martxoa martxoaren ಮಾರ್ಚ್ наурыз poutūterangi martsa ማርች માર્ચ մարտի maarso මාර්තු matshi adar মাৰ্চ মার্চ ਮਾਰਚ מערץ մարտ márcio ئازار ئازاری מרץ måss moaz მარტი mäerz",
    "april apr avril avr abril abr aprile kwietnia nisan dubna aprilie április aprill aprillil aprila απριλίου απρίλιος apríla travnja balandžio aprīlī aprīlis aprīļa aibreán aprel ebrill prill apryla moranang epereli oforisuo eperera mahlakuu apuli aporele aprél أبريل ابريل إبريل أفريل نيسان اپریل अप्रैल अप्रेल aypril epril avwi април априла апреля апрель квітня квітень красавіка aprilo апрели ဧပြီ ngubùe एप्रिल вӱдшор آوریل abbrili ئەپریل אוריל dzivamisoko eberi ndamukiza lambamai apelila ⵉⴱⵔⵉⵔ seeɗto epreo apilili mabasa avrîl abrile apirila apirilaren avrigl ಏಪ್ರಿಲ್ अप्रिल сәуір paengawhāwhā aprily ኤፕሪል એપ્રિલ ապրիլի اپرېل abriil අප්‍රේල් epulo epreli aperila avrêl nîsan এপ্ৰিল এপ্রিল aprili ਅਪ੍ਰੈਲ ਅਪਰੈਲ אַפּריל אפריל ապրիլ نیسانی apríl avri arvî aprell აპრილი abrëll",
    "may mai mayo maio maggio mag mei maj maja mayıs mayis května kvetna május mail μαΐου μάιος mája svibnja gegužės maijā maijs maija mejju bealtaine meje motsheganong kɔtɔnimma lehekuu maayi مايو ماي أيار مئی मई mayu mee mé май мај маја мая травня травень majo майи မေ bêläwü मे ага mey مه maggju مایس مەی מה mudyaxihi rusama shundunthule me ⵎⴰⵢⵢⵓ duujal mayi nkwenkwezi maju maiatza maiatzaren maig matg maghju ಮೇ мамыр haratua ሜይ મે մայիսի مۍ maajo මැයි maý meyi gulan মে ਮਈ מיי մայիս ئایار ئایاری maí מאי magg mazzo მაისი",
    "june jun juin juni junio junho giugno giu czerwca haziran června cervna iunie június juuni juunil junij junija ιουνίου ιούνιος júna lipnja birželio jūnijā jūnijs jūnija ġunju gunju qershor meitheamh hunyo iyun mehefin seetebosigo ayɛwohomumu tiunu piimäkuu djunio يونيو يونية جوان حزيران जून joon jen юни јун јуна јуни июня июнь червня червень чэрвеня junhu июни ဇွန် föndo пеледыш ژوئن جوون حوزەیران khotavuxika tune ruheshi fulwi iuni ⵢⵓⵏⵢⵓ korse jugn chunio làmpadas lampadas ekaina ekainaren juny zercladur ghjugnu junh xuño ಜೂನ್ जुन جون маусым pipiri jona ጁን જૂન հունիսի juun ජූනි iýun pûşper hezîran জুন ਜੂਨ יוני յունիս հունիս giugn حوزەیرانی júní junie djun zugno ივნისი",
    "july jul juillet juil juli julio julho luglio lug lipca temmuz července cervence iulie július juuli juulil julij julija ιουλίου ιούλιος júla srpnja liepos jūlijā jūlijs jūlija lulju korrik iúil hulyo iyul gorffennaf phukwi julai kitawonsa tiurai hainakuu julaayi julae djulio يوليو يولية جويلية تموز جولائی जुलाई juliu jolai jiyè jiye юли јул јула јули июля июль липня липень ліпеня julhu июли ဇူလိုင် lengua जुलै jiyé сӱрем ژوئیه جولای تەممووز mawuwani turai mukakaro fulwana iulai ⵢⵓⵍⵢⵓⵣ morso ntulikazi lui chulio trìulas triulas uztaila uztailaren juliol fanadur lugliu julhet xullo ಜುಲೈ шілде hōngongoi jolay ጁላይ જુલાઈ հուլիսի luulyo ජූලි iýul julayi tîrmeh জুলাই ਜੁਲਾਈ יולי յուլիս հուլիս luj يوليوز تەممووزی júlí julie djulete ივლისი",
    "august aug août aout agosto ago augustus augusti sierpnia ağustos agustos agustus srpna augusztus augustil avgust avgusta αυγούστου αύγουστος augusta kolovoza rugpjūčio augustā augusts awwissu gusht lúnasa avqust awst awgusta phatwe okosita ɔsanaa ātete põimukuu agusito agostose awghust أغسطس اغسطس أوت آب اگست अगस्त auguscht agostu aagas ogas август августа серпня серпень жніўня avgusto августи ဩဂုတ် သြဂုတ် kükürü ऑगस्ट сорла اوت austu ئۆگەست אות mhawuri aokuti nyandagaro myandagaro ṱhangule aokuso ⵖⵓⵛⵜ juko ogasti agasti ncwabakazi avost abuztua abuztuaren avust aostu aŭgusto ಆಗಸ್ಟ್ अगस्ट тамыз hereturikōkā aogositra ኦገስት ઓગસ્ટ օգոստոսի اګست agoosto අගෝස්තු awgust ogasiti gelawêj tebax আগষ্ট আগস্ট agosti ਅਗਸਤ אויגוסט օգոստոս agost غشت ئاب ئابی ágúst אוגוסט awousse აგვისტო",
    "september sep sept septembre septiembre setiembre setembro settembre set września eylül eylul září zari septembrie szeptember septembril septembra σεπτεμβρίου σεπτέμβριος rujna rugsėjo septembrī septembris settembru shtator setyembre sentyabr septembar medi lwetse seviteba ɛbɔ tetepa süküskuu sebutemba setemere séntebir سبتمبر أيلول ستمبر सितंबर सितम्बर setiembri septemba sèptanm septanm септември септембар септембра сентября сентябрь вересня вересень верасня setenbru septembro сентябри စက်တင်ဘာ mvuka सप्टेंबर идым سپتامبر cabidannu سێپتەمبەر ספתאמבר ndzhati tebetembwa nyakanga khubvumedzi setema ⵛⵓⵜⴰⵏⴱⵉⵔ siilto mpandula setembar cabudanni iraila irailaren settember sittembre ಸೆಪ್ಟೆಂಬರ್ सेप्टेम्बर қыркүйек mahuru septambra ሴፕቴምበር સપ્ટેમ્બર սեպտեմբերի سپتمبر sebtembar සැප්තැම්බර් sentýabr seputembala rezber îlon ছেপ্তেম্বৰ চেপ্তেম্বৰ সেপ্টেম্বর ਸਤੰਬਰ סעפּטעמבער סעפטעמבער սեպտեմբեր stèmber شتنبر ئەیلوول ئەیلوولی ספטמבר setember setimbe septamba სექტემბერი setembre",
    "october oct octobre oktober okt octubre outubro out ottobre ott października ekim října rijna octombrie október oktoober oktoobril oktobra οκτωβρίου οκτώβριος októbra spalio oktobrī oktobris ottubru tetor oktubre oktyabr oktobar hydref diphalane okotova ahinime ātopa rehekuu okitobba oktobore öktebir أكتوبر اكتوبر اکتوبر अक्टूबर अक्तूबर oktower otubri oktoba oktòb oktob октомври октобар октобра октября октябрь жовтня жовтень кастрычніка otubru oktobro октябри အောက်တိုဘာ ngberere ऑक्टोबर шыжа اکتبر santigaini ئۆکتۆبەر אכתבר nhlangula okitobwa gitugutu tshimedzi oketopa ⴽⵟⵓⴱⵕ yarkomaa mfumfu otubar santugaine urria urriaren uttrovi ಅಕ್ಟೋಬರ್ अक्टोबर қазан ኦክቶበር ઓક્ટોબર հոկտեմբերի oktoobar ඔක්තෝබර් oktýabr okutobala okthobha kewçêr çiriya_pêşîn অক্টোবৰ অক্টোবর ਅਕਤੂਬਰ אָקטאָבער אקטאבער հոկտեմբեր otóber outubre تشرینی_یەکەم تشرینی_یەکەمی אוקטובר otober octôbe ოქტომბერი octòbre",
    "november nov novembre noviembre novembro listopada kasım kasim listopadu noiembrie novembril novembra νοεμβρίου νοέμβριος lapkričio novembrī novembris studenoga studenog novembru nëntor nentor samhain nobyembre noyabr novembar tachwedd nowembra ngwanatsele noveba obubuo novema märdikuu nofemere noyabir نوفمبر نومبر नवंबर नवम्बर noviembri novemba novanm nopember ноември новембар новембра ноября ноябрь листопада листопад лістапада novenbru ноябри နိုဝင်ဘာ nabändüru नोव्हेंबर кылме نوامبر nuembri نۆڤەمبەر נואמבר hukuri nobembwa munyonyo ḽara ⵏⵓⵡⴰⵏⴱⵉⵔ jolal lwezi nobiembre santandria azaroa azaroaren nuvembre ನವೆಂಬರ್ नोभेम्बर қараша novambra ኖቬምበር નવેમ્બર նոյեմբերի nofembar නොවැම්බර් noýabr novembala sermawez çiriya_paşîn নৱেম্বৰ নভেম্বর ਨਵੰਬਰ נאָוועמבער נאוועמבער նոյեմբեր novèmber nobembre نونبر تشرینی_دووەم تشرینی_دووەمی nóvember נובמבר nôvimbe novamba ნოემბერი",
    "december dec décembre decembre dezember dez diciembre dic dezembro dicembre grudnia aralık aralik prosince decembrie desember detsember detsembril decembra δεκεμβρίου δεκέμβριος prosinca gruodžio decembrī decembris diċembru dicembru dhjetor nollaig disyembre dekabr decembar rhagfyr sedimonthole tiseba ɔpɛnimma tītema joulukuu jõulukuu desemba disemere dékabir desiembre ديسمبر دسمبر दिसंबर दिसम्बर diciembri disemba désanm desanm декември децембар децембра декабря декабрь грудня грудень снежня dezenbru decembro декабри ဒီဇင်ဘာ kakauka डिसेंबर теле دسامبر dicembri دیسەمبەر דסאמבר n'wendzamhala tititembwa kigarama nyendavhusiku tesema ⴷⵓⵊⴰⵏⴱⵉⵔ bowte tisema mpalakazi dicembar aviento abiento nadale idas abendua abenduaren desembre ಡಿಸೆಂಬರ್ डिसेम्बर желтоқсан hakihea desambra ዲሴምበር ડિસેમ્બર դեկտեմբերի desembar දෙසැම්බර් disembala berfanbar kanûna_pêşîn ডিচেম্বৰ ডিসেম্বর ਦਸੰਬਰ דעצעמבער դեկտեմբեր dzèmber dezembre دجنبر کانوونی_یەکەم کانوونی_یەکەمی דצמבר dicember decimbe dexembre dezamba დეკემბერი",
]
ROMAN_MONTHS = {numeral: number for number, numeral in enumerate("i ii iii iv v vi vii viii ix x xi xii".split(), start=1)}
# A name of two words (the Kurmanji 'kanûna paşîn', January) is listed with an underscore.
MONTHS = {unicodedata.normalize("NFC", name.replace("_", " ")): number
          for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
#: The Solar Hijri months, as Iran names them and as Afghanistan does (the zodiac names: 'ثور',
#: Taurus, is the second month). Persian and Dari papers date their articles in this calendar
#: ('۱۵ ثور ۱۴۰۵' is 5 May 2026); :mod:`convertdate` turns the date into a Gregorian one.
SOLAR_HIJRI_MONTHS = {unicodedata.normalize("NFC", name): number for number, names in enumerate([
    "فروردین حمل", "اردیبهشت ثور", "خرداد جوزا", "تیر سرطان", "مرداد اسد", "شهریور سنبله",
    "مهر میزان", "آبان عقرب", "آذر قوس", "دی جدی", "بهمن دلو", "اسفند حوت"], start=1) for name in names.split()}
#: The Thai months. Thai papers count the year in the Buddhist era, 543 years ahead of the
#: Common Era ('22 มกราคม 2569' is 22 January 2026); a year from BUDDHIST_ERA_FROM on is taken
#: as one.
_THAI_MONTH_NAMES = unicodedata.normalize(
    "NFC", "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม").split()
THAI_MONTHS = frozenset(_THAI_MONTH_NAMES)
MONTHS.update({name: number for number, name in enumerate(_THAI_MONTH_NAMES, start=1)})
BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_FROM = 2400
# The names of more than one word, each tried whole before a single word is read as the name.
_MONTH_PHRASES = "".join(r"\s+".join(map(regex.escape, name.split())) + "|" for name in MONTHS if " " in name)
# A name of letters and marks, and the zero-width joiners some Indic spellings need (the Sinhala 'අප්‍රේල්').
_MONTH = (r"(?:(?:de|di|da|ta['’]|nō|no|ëd)\s+|d['’]|ב(?=\p{Hebrew}{3}))?(?P<month>" + _MONTH_PHRASES
          + r"[\p{L}\p{M}\u200c\u200d]{2,14})\.?(?:\s+(?:de|dal|del))?")
_DATE_FORMS = [
    regex.compile(r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    regex.compile(r"(?P<year>\d{4})(?P<sep>[/.·])(?P<mon>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)"),
    # 14.11.2024, 14. 11. 2024 as Czech and Slovak write it, and 14·11·2024
    regex.compile(r"(?<!\d)(?P<day>\d{1,2})(?P<sep>\. ?|·)(?P<mon>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"),
    # 22.iv.2024, 12·iii·2024, 27—II—2024: the month in Roman numerals, as some British and
    # Central European sites write it
    regex.compile(r"(?<!\d)(?P<day>\d{1,2})(?P<sep>[./ ·—–-])(?P<roman>[ivx]{1,4})(?P=sep)(?P<year>\d{4})(?!\d)", regex.I),
    regex.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.|ی|-an|-[iyuü]?n[jç][iy]|['’]ê|ס?ט(?:ן|ער|ע))?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})(?!\d)", regex.I),
    regex.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)", regex.I),
    # 2024年4月9日 (Chinese and Japanese; Taiwanese and Min papers write 號 or 号 for the day), and
    # Korean's 2024년 4월 9일
    regex.compile(r"(?<!\d)(?P<year>\d{4})\s*[年년]\s*(?P<mon>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日號号일]"),
    # 2024. szeptember 9., as Hungarian writes a date: year, month, day
    regex.compile(rf"(?<!\d)(?P<year>\d{{4}})\.\s+{_MONTH}\s+(?P<day>\d{{1,2}})(?!\d)", regex.I),
    # 2024 m. vasario 3 d. (Lithuanian) and 2024. gada 13. jūlijā (Latvian): the year first
    regex.compile(rf"(?<!\d)(?P<year>\d{{4}})\s+m\.\s+{_MONTH}\s+(?P<day>\d{{1,2}})\s+d\.", regex.I),
    regex.compile(rf"(?<!\d)(?P<year>\d{{4}})\.\s+gada\s+(?P<day>\d{{1,2}})\.\s+{_MONTH}", regex.I),
    # 2025eko azaroaren 21a (Basque): the year with its '-ko', the month in the genitive, the day
    regex.compile(rf"(?<!\d)(?P<year>\d{{4}})e?ko\s+{_MONTH}\s+(?P<day>\d{{1,2}})(?:a|an|ean)?(?!\d)", regex.I),
    # 2024-yil 2-séntebir (Uyghur, Uzbek): the year, then the day and month joined by a hyphen
    regex.compile(r"(?<!\d)(?P<year>\d{4})-(?:yil|jıl|yıl)\s+(?P<day>\d{1,2})-(?P<month>\p{L}{3,9})", regex.I),
    # 05-Nov-2024, and 11-noyabr, 2024-jıl (Karakalpak, Uzbek): the day and month joined by a
    # hyphen, then the year after another or after a space
    regex.compile(r"(?<!\d)(?P<day>\d{1,2})-(?P<month>\p{L}{3,9})(?:-|,?\s+)(?P<year>\d{4})(?!\d)", regex.I),
    # 2026 මැයි 06 (Sinhala): the year, the month's name, the day, with nothing between
    regex.compile(rf"(?<!\d)(?P<year>\d{{4}})\s+{_MONTH}\s+(?P<day>\d{{1,2}})(?![\d:.])", regex.I),
    # 2025 оны 11 сарын 16 (Mongolian): the year's, the month's and then the day's number
    regex.compile(r"(?<!\d)(?P<year>\d{4})\s+оны\s+(?P<mon>\d{1,2})\s+(?:дугаар\s+)?сарын\s+(?P<day>\d{1,2})(?!\d)", regex.I),
    # 2025 nienz 11 nyied 26 hauh: Zhuang names the year, the month and the day after their numbers
    regex.compile(r"(?<!\d)(?P<year>\d{4})\s+nienz\s+(?P<mon>\d{1,2})\s+nyied\s+(?P<day>\d{1,2})\s+hauh\b", regex.I),
]
# 05/06/2024, 05-06-2024 as some European sites write it, and 05 / 06 / 2024 (Pular papers)
_SLASHED = regex.compile(r"(?<!\d)(?P<a>\d{1,2})(?P<sep>[/-]| / )(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)")
# A year as the date forms write it: what a line needs before parse_date is worth trying.
# In any digits: Arabic datelines often write '٢٠٢٥', Persian '۲۰۲۵', Hindi '२०२५', Assamese and Bengali '২০২৫'.
# A Solar Hijri year ('۱۴۰۵') and a Thai one of the Buddhist era ('2569') count too.
_YEAR = regex.compile(r"(?<!\d)(?:1[6-9]|20|١[٦-٩]|٢٠|۱[۶-۹]|۲۰|१[६-९]|२०|১[৬-৯]|২০|1[34]|۱[۳۴]|25)\d\d(?!\d)")
# Stops at the LANGUAGE_MIN_LETTERS-th letter instead of counting them all.
_ENOUGH_LETTERS = regex.compile(rf"(?:\P{{L}}*\p{{L}}){{{LANGUAGE_MIN_LETTERS}}}")
_WORD_CHARS = regex.compile(r"\w+")


def _slashed_date(value: str, dayfirst: bool | None) -> str | None:
    """``a/b/yyyy``: unambiguous when one part exceeds 12, else ``dayfirst`` decides; when it
    cannot (None), an English weekday beside the date may: "Thursday 4/11/2024" is 11 April,
    since 4 November 2024 was a Monday. Otherwise give up."""
    m = _SLASHED.search(value)
    if not m:
        return None
    a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
    if a > 12 or a == b or (b <= 12 and dayfirst):
        day, month = a, b
    elif b > 12 or dayfirst is False:
        day, month = b, a
    else:
        return _date_of_weekday(value, year, ((a, b), (b, a)))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


#: English weekday names as datelines write them, Monday first (``date.weekday()``'s order); the
#: templates stage folds them too, with the other languages' names.
_WEEKDAY_NAMES = ["monday mon", "tuesday tue tues", "wednesday wed", "thursday thu thur thurs", "friday fri",
                  "saturday sat", "sunday sun"]
ENGLISH_WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}
_WEEKDAY = regex.compile(rf"\b(?P<name>{'|'.join(sorted(ENGLISH_WEEKDAYS, key=len, reverse=True))})\b", regex.I)


def _date_of_weekday(value: str, year: int, readings: tuple[tuple[int, int], ...]) -> str | None:
    """The one reading (day, month) of an ambiguous date whose weekday ``value`` names, if any."""
    m = _WEEKDAY.search(value)
    if not m:
        return None
    weekday = ENGLISH_WEEKDAYS[m["name"].lower()]
    fits = []
    for day, month in readings:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if date.weekday() == weekday:
            fits.append(date.isoformat())
    return fits[0] if len(fits) == 1 else None


def parse_date(value: str, dayfirst: bool | None = None) -> str | None:
    """Normalise a captured date to ISO ``YYYY-MM-DD``; None if it is not a real date.

    ``dayfirst`` settles ``05/06/2024``: True reads 5 June, False 6 May, None
    refuses to guess.

    >>> parse_date("Updated 3:45 PM EST, Tue March 5, 2024")
    '2024-03-05'
    """
    if _SLASHED.search(value):
        return _slashed_date(value, dayfirst)
    for form in _DATE_FORMS:
        # every match, not only the first: a line may give the date in a calendar the month
        # names do not know, then in the Western one ("۱ آبان ۱۴۰۴ (۲۳ اکتبر ۲۰۲۵)")
        for m in form.finditer(value):
            parts = m.groupdict()
            year = int(parts["year"])
            if parts.get("mon"):
                month: int | None = int(parts["mon"])
            elif parts.get("roman"):
                month = ROMAN_MONTHS.get(parts["roman"].lower())
            else:
                # composed or not: the Gurmukhi 'ਫ਼' and the Yiddish 'אַ' come both ways
                name = unicodedata.normalize("NFC", parts["month"]).lower()
                month = MONTHS.get(name)
                if month is None and name in SOLAR_HIJRI_MONTHS:
                    iso = _from_solar_hijri(year, SOLAR_HIJRI_MONTHS[name], int(parts["day"]))
                    if iso is not None:
                        return iso
                    continue
                if name in THAI_MONTHS and year >= BUDDHIST_ERA_FROM:
                    year -= BUDDHIST_ERA_OFFSET
            if month is None:
                continue
            try:
                return dt.date(year, month, int(parts["day"])).isoformat()
            except ValueError:
                continue
    return None


#: The Solar Hijri years a dateline may name (1300 is 1921): outside them a number is no such year.
SOLAR_HIJRI_YEARS = range(1300, 1500)


def _from_solar_hijri(year: int, month: int, day: int) -> str | None:
    """The ISO date of a Solar Hijri one, or None when it is no real date. Imported here: only
    a Persian or Dari dateline needs the calendar."""
    if year not in SOLAR_HIJRI_YEARS or not 1 <= day <= (31 if month <= 6 else 30):
        return None
    from convertdate import persian

    try:
        return dt.date(*persian.to_gregorian(year, month, day)).isoformat()
    except ValueError:
        return None


def detect_language(text: str, best_effort: bool = True) -> str | None:
    """ISO 639-1 code of the body's language, or None when there is too little text.

    With ``best_effort`` (records), CLD2 names a language for short text too;
    its guess for a short Latin-script text it cannot place is English (six
    German, Spanish and Italian gold texts of the evaluation set, of 64 to 166
    characters). Without it (the evaluation's per-language figures), such
    texts come back None. None also when CLD2 finds only a script
    (``xx-Latn``) or nothing it knows.
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if not _ENOUGH_LETTERS.match(sample):
        return None
    return _iso_639_1(_cld2_language(sample, best_effort))


def _cld2_language(sample: str, best_effort: bool = True) -> str:
    """CLD2's code for the language that covers most of ``sample``.

    Not the summary language CLD2 derives from it (pycld2 does not return
    it), which takes English for boilerplate beside 17 % of another language:
    with two quotes in German, French or Spanish (200 characters) in their
    first 1,000 characters, 52 to 77 % of 2,204 English articles read as that
    language. Characters pycld2 refuses become spaces, only once it has
    refused them: clean text pays nothing.
    """
    # isPlainText: else CLD2 skips what looks like a tag and expands entities.
    try:
        details = pycld2.detect(sample, isPlainText=True, bestEffort=best_effort)[2]
    except (pycld2.error, UnicodeEncodeError):
        details = pycld2.detect(_CLD2_REFUSES.sub(" ", sample), isPlainText=True, bestEffort=best_effort)[2]
    code: str = details[0][1]
    return code


def _iso_639_1(code: str) -> str | None:
    """ISO 639-1 for a CLD2 code where it differs; None for a script alone (``xx-Latn``) or no language."""
    if code.startswith("xx-"):
        return None
    return _CLD2_TO_ISO_639_1.get(code, code)


def leading_title(lines: list[str]) -> int | None:
    """Index of a leading headline line, if the first non-blank line is one.

    A headline is short, does not read as prose, starts with a capital or a
    digit, does not end like a label (``:`` or ``,``), is no row of fields
    (:func:`~pipeline.shape.is_row`: a masthead and its slogan, a dateline), is no
    byline (:func:`~pipeline.shape.reads_as_byline`: a text without a headline
    starts with one), is no dateline (:func:`reads_as_dateline`) and has a body after it. In Thai
    or Lao it is :data:`TITLE_MIN_UNMARKED_CHARS` to :data:`TITLE_MAX_UNMARKED_CHARS` long, however
    few its words; in Chinese or Japanese, :func:`fits_unspaced_headline`.
    """
    index = _first_content(lines)
    if index is None or not any(lines[index + 1:]):
        return None
    line = lines[index]
    min_words = TITLE_MIN_WORDS
    if ends_unmarked(line):
        if not fits_unmarked_headline(line):
            return None
        min_words = 1
    elif written_unspaced(line):
        if not fits_unspaced_headline(line):
            return None
        min_words = 1
    return index if looks_like_title(line, TITLE_MAX_WORDS, min_words) and not is_row(line) \
        and not reads_as_byline(line) and not reads_as_dateline(line) else None


def fits_unmarked_headline(line: str) -> bool:
    """Whether a line in Thai or Lao (:func:`~pipeline.shape.ends_unmarked`) has a headline's
    length (:data:`TITLE_MIN_UNMARKED_CHARS` to :data:`TITLE_MAX_UNMARKED_CHARS`): in those
    scripts length, not words, tells a headline from a paragraph."""
    return TITLE_MIN_UNMARKED_CHARS <= len(line) <= TITLE_MAX_UNMARKED_CHARS


def fits_unspaced_headline(line: str) -> bool:
    """Whether a Chinese or Japanese line (:func:`~pipeline.shape.written_unspaced`) can be a
    headline: :data:`TITLE_MIN_UNSPACED_CHARS` to :data:`TITLE_MAX_UNSPACED_CHARS` long, not
    ending as a sentence, no dateline (:func:`reads_as_dateline`: "2024年11月2日（星期六）") and no
    name set off by a spaced dash from its slogan (:data:`_SPACED_DASHES`: "笠山週報 — 客庄个聲",
    a masthead; a Chinese headline's dash is unspaced, "——"). Its one or two space-parted
    phrases count as few words, so without this no such headline was taken as the title (none of
    the six in the development corpora)."""
    return written_unspaced(line) and TITLE_MIN_UNSPACED_CHARS <= len(line) <= TITLE_MAX_UNSPACED_CHARS \
        and final_mark(line) not in SENTENCE_ENDS and not any(dash in line for dash in _SPACED_DASHES) \
        and not reads_as_dateline(line)


#: A dateline names at most this many words beside its date: a place, a weekday ("Haanja,
#: 25. vahtsõaastakuu 2024", "Tuesday 27 February 2024 – Motueka"). A headline that holds a
#: date says more ("Storm of 12 March 2024 remembered").
DATELINE_OTHER_WORDS = 2


def reads_as_dateline(line: str) -> bool:
    """Whether a line is a date with at most a place or a weekday beside it: a text that lost
    its headline may lead with its dateline, and it is no title.

    >>> reads_as_dateline("Haanja, 25. vahtsõaastakuu 2024")
    True
    >>> reads_as_dateline("Storm of 12 March 2024 remembered")
    False
    """
    if not _YEAR.search(line) or parse_date(line) is None:
        return False
    words = [w.strip(".,;:") for w in line.split() if any(c.isalpha() for c in w) and not any(c.isdigit() for c in w)]
    return sum(1 for w in words if w.lower() not in MONTHS) <= DATELINE_OTHER_WORDS


def _first_content(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if line), None)


def _language_sample(lines: list[str]) -> str:
    """The non-blank lines joined by spaces, cut at LANGUAGE_SAMPLE_CHARS.

    Joins only the lines the sample needs, not a whole long page.
    """
    parts: list[str] = []
    length = 0
    for line in lines:
        if line:
            parts.append(line)
            length += len(line) + 1
            if length > LANGUAGE_SAMPLE_CHARS:
                break
    return " ".join(parts)[:LANGUAGE_SAMPLE_CHARS]


def _comparable(line: str) -> str:
    return " ".join(_WORD_CHARS.findall(line.casefold()))


def repeated_title(lines: list[str], title: str | None) -> int | None:
    """Index of the first non-blank line if it repeats ``title`` (ignoring case and punctuation)."""
    first = _first_content(lines)
    if title and first is not None and _comparable(lines[first]) == _comparable(title) != "":
        return first
    return None


#: The article's first paragraph is its first line of at least this many words that ends as
#: a sentence (a long headline does not): the lines above it are its header (:func:`header_date`).
HEADER_END_WORDS = 12


def _opens_article(line: str) -> bool:
    """Whether ``line`` is a paragraph of the article, where its header ends: a sentence of
    HEADER_END_WORDS words or more (a headline that ends in a quotation is not one)."""
    words = word_count(line)
    return words >= HEADER_END_WORDS and looks_like_prose(line, words=words)


def header_date(doc: Document, lines: list[str], dayfirst: bool | None) -> str | None:
    """The date stated by a line of the article's header that was removed, when no rule captured
    one: a dateline whose wording no rule knew is still boilerplate the line model removes, or
    a widget's row a rule removes without reading it ("Logged Thu 9 May 2024 · 06:40 | amended
    11:15"), and it still dates the article. Only single removed lines above the first
    paragraph count (``lines``: the text left, removed lines blank), the first that holds a
    real date wins: further down, dates belong to teasers, comments and footers."""
    if not any(_YEAR.search(removal.text) for removal in doc.removed):
        return None  # (the common case, cheaply: no removed line holds a year)
    end = next((i for i, line in enumerate(lines) if _opens_article(line)), len(lines))
    for removal in sorted(doc.removed, key=lambda r: r.line):
        if removal.line > end:
            break
        if "\n" not in removal.text:
            iso = parse_date(removal.text, dayfirst)
            if iso is not None:
                return iso
    return None


def extract_metadata(doc: Document) -> Document:
    """Stage function: fill title, date, publisher, author, url, language."""
    found: dict[str, str] = {}
    flags: list[str] = []
    lines = doc.text.split("\n")
    language = doc.language or detect_language(_language_sample(lines))
    # 05/06/2024 is 5 June almost everywhere; in English text it may be May 6: don't guess.
    dayfirst = None if language == "en" else True
    # a date a rule marks as the publication date wins over the others, taken in document order
    for name, value in sorted(doc.captured, key=lambda capture: capture[0] != PUBLISHED_GROUP):
        if name == PUBLISHED_GROUP:
            name = "date"
        if name in found:
            continue
        if name == "date":
            iso = parse_date(value, dayfirst)
            if iso is None:
                flags.append(F.UNPARSED_DATE)
                continue
            value = iso
        if name == "author" and value.isupper():
            value = value.title()  # "JOHN DOE" -> "John Doe"
        found[name] = value

    if "date" not in found and doc.date is None and doc.removed:
        iso = header_date(doc, lines, dayfirst)
        if iso is not None:
            found["date"] = iso

    title = found.pop("title", None)
    if doc.format == "html":
        # The page's title is known; extractors often repeat its <h1> as the first paragraph.
        index = repeated_title(lines, doc.title or title)
    elif title is None and doc.title is None:
        index = leading_title(lines)
        if index is not None:
            title = lines[index]
    else:
        index = None
    if index is not None:
        lines[index] = ""
    body = "\n".join(lines)
    fields = {k: v for k, v in found.items() if getattr(doc, k) is None}
    return doc.evolve(text=body, title=doc.title or title, language=language, add_flags=tuple(flags), **fields)


class Metadata(Stage):
    """Title, date, publisher, author, url and language."""

    name = "metadata"

    def __call__(self, doc: Document) -> Document:
        return extract_metadata(doc)

    def fingerprint(self) -> dict[str, object]:
        return {"pycld2": version("pycld2"), "titles": TITLES_VERSION}
