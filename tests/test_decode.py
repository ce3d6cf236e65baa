"""Stage 1: bytes to text."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

import pipeline.stages.codepages as codepages
import pipeline.stages.decode as decode_module
from pipeline.errors import EmptyInputError, UndecodableInputError
from pipeline.stages.decode import decode_bytes

TEXT = "Les élèves ont réussi l’examen — 95 % d’entre eux, selon le ministère.\nSecond line."


@pytest.mark.parametrize(
    ("data", "encoding", "flag"),
    [
        (TEXT.encode("utf-8"), "utf-8", None),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", "bom-removed"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", "bom-removed"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", "bom-removed"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le", "bom-removed"),
        (TEXT.encode("utf-16-le"), "utf-16-le", None),
        (TEXT.encode("utf-16-be"), "utf-16-be", None),
    ],
)
def test_unicode_encodings(data, encoding, flag):
    text, found, flags = decode_bytes(data)
    assert text == TEXT and found == encoding
    assert (flag in flags) if flag else not flags


def test_cp1252_is_detected_not_guessed_as_utf8():
    text = ("The minister’s “final” offer — worth €5m — was rejected, café owners said. " * 4).strip()
    decoded, encoding, flags = decode_bytes(text.encode("cp1252"))
    assert decoded == text
    assert encoding == "cp1252" and "encoding-detected" in flags


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("El niño español comió en la mañana, según el señor Muñoz y la señora Ibáñez. " * 3, "cp1252"),
        ("Zażółć gęślą jaźń, powiedział minister w poniedziałek rano w Warszawie. " * 3, "cp1250"),
        ("Привет, как дела? Это тестовый текст на русском языке о погоде в Москве. " * 3, "cp1251"),
    ],
)
def test_single_byte_code_pages(text, encoding):
    decoded, found, _ = decode_bytes(text.encode(encoding))
    assert decoded == text and found == encoding


def test_latin1_text():
    text = "Der Bürgermeister äußerte sich am Montag über die Straßenbahn in München. " * 3
    decoded, encoding, _ = decode_bytes(text.encode("latin-1"))
    assert decoded == text


def test_stray_cp1252_bytes_in_utf8_are_read_as_cp1252():
    data = "Café “déjà vu” in Zürich: ".encode() + b"it\x92s fine" + " — über alles.".encode()
    text, encoding, flags = decode_bytes(data)
    assert text == "Café “déjà vu” in Zürich: it’s fine — über alles."
    assert encoding == "utf-8" and "invalid-utf8-bytes-repaired" in flags


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_input_is_an_error(data):
    with pytest.raises(EmptyInputError):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x1f\x8b\x08\x00" + bytes(40), "gzip"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_binary_input_is_refused_with_a_reason(data, kind):
    with pytest.raises(UndecodableInputError, match=kind):
        decode_bytes(data)


def test_a_few_nul_bytes_do_not_make_text_binary():
    text, _, _ = decode_bytes(b"A line of text.\x00\nAnother line of ordinary prose here.\n" * 5)
    assert "Another line" in text


# --- Legacy encodings: genuine text, decoded back to itself --------------------------
#
# Sentences written for these tests. Each is decoded once as written and once
# repeated (a short and a longer document), by the fast path when it takes
# them and by the detector alone (fast path off), which must agree.

FRENCH = (
    "« Le café où j’ai déjeuné hier était fermé à cause d’une grève », a déclaré Hélène Lefèvre, "
    "propriétaire d’un hôtel près de la forêt. Elle a ajouté : « Ça coûte cher, mais nous espérons "
    "que l’été sera meilleur. » Les élèves du lycée ont reçu leurs résultats mercredi ; 95 % d’entre "
    "eux ont réussi l’examen, selon le ministère. Le maître d’œuvre a présenté un projet à 12 € le mètre carré.\n"
)
SPANISH = (
    "«No sabemos cuándo se reabrirá el puerto», dijo el señor Muñoz, alcalde de la ciudad. ¿Quién "
    "pagará la reparación? Según el ministerio, el año pasado llegaron más de 4.000 pingüinos a la "
    "costa. ¡Qué día tan difícil! La compañía invertirá 2 millones de euros en la región, “sin retrasos”.\n"
)
GERMAN = (
    "„Wir müssen die Straßenbahn bis März fertigstellen“, sagte Bürgermeisterin Sabine Köhler am "
    "Dienstag. Die Gebühren für Anwohner steigen um 12 Prozent. Über 3.000 Haushalte waren nach dem "
    "Sturm ohne Strom; die Schäden belaufen sich auf rund 5 Mio. €, schätzt die Behörde.\n"
)
ITALIAN = (
    "«Il sindaco ha detto che la città è pronta», perché l’università riaprirà lunedì. Più di cento "
    "studenti hanno partecipato alla riunione; però il caffè costa già 1,50 € e l’affitto è aumentato del 12 per cento.\n"
)
PORTUGUESE = (
    "O presidente da câmara disse que a população não será afetada pelas obras na estação. As eleições "
    "serão em outubro, e a votação começará às 8 horas, segundo o órgão responsável.\n"
)
ENGLISH = (
    "The minister’s “final” offer — worth £5m — was rejected by the café owners’ association on "
    "Tuesday… A spokesman for Zürich-based Nestlé said the company’s plans were “on track”.\n"
)
POLISH = (
    "„Zmiany w ustawie wejdą w życie od przyszłego miesiąca” – powiedział minister. Źródła w rządzie "
    "twierdzą, że koszty wyniosą około 2 mld zł. Mieszkańcy Łodzi i Gdańska protestowali przed urzędem w piątek.\n"
)
CZECH = (
    "„Vláda schválila nový zákon o ochraně přírody,“ řekl ministr životního prostředí. Podle něj se "
    "změny dotknou zejména lesů na Šumavě a v Krkonoších. Obce dostanou příspěvek ve výši dvou miliard korun.\n"
)
HUNGARIAN = (
    "A kormány szerdán bejelentette, hogy jövőre növeli az egészségügyi dolgozók bérét. A főváros "
    "polgármestere szerint a döntés régóta esedékes volt, és a többség üdvözölte a tervet.\n"
)
RUSSIAN = (
    "«Городской совет одобрил новый бюджет», — заявил мэр в пятницу. По словам чиновников, расходы на "
    "ремонт дорог вырастут на 12 процентов в следующем году. Жители северного района всё ещё ждут "
    "восстановления электроснабжения после шторма.\n"
)
RUSSIAN_PLAIN = (  # KOI8-R and cp866 have no guillemets or dashes
    "Городской совет одобрил новый бюджет, заявил мэр в пятницу. По словам чиновников, расходы на "
    "ремонт дорог вырастут на 12 процентов в следующем году.\n"
)
GREEK = (
    "Το δημοτικό συμβούλιο ενέκρινε τον νέο προϋπολογισμό την Τρίτη. Σύμφωνα με τον δήμαρχο, οι "
    "δαπάνες για την επισκευή των δρόμων θα αυξηθούν κατά 12% τον επόμενο χρόνο.\n"
)
TURKISH = (
    "Belediye meclisi salı günü yeni tramvay hattı planını onayladı. Başkan, çalışmaların gelecek "
    "ilkbaharda başlayacağını ve iki yıl içinde tamamlanacağını söyledi.\n"
)
LITHUANIAN = (
    "Miesto taryba antradienį pritarė naujos tramvajaus linijos planui. Pasak mero, darbai prasidės "
    "kitą pavasarį ir truks dvejus metus.\n"
)
HEBREW = "מועצת העיר אישרה ביום שלישי את התוכנית לקו הרכבת הקלה החדש. לדברי ראש העיר, העבודות יתחילו באביב הבא.\n"
JAPANESE = (
    "市議会は火曜日、新しい路面電車の建設計画を承認した。市長によると、工事は来年の春に始まり、"
    "二年後に完成する予定だという。住民の多くは計画を歓迎している。\n"
)
CHINESE = "市议会周二批准了新的有轨电车建设计划。市长表示，工程将于明年春天开始，预计两年后完工。许多居民对该计划表示欢迎。\n"
SLOVAK = (
    "Mestské zastupiteľstvo v utorok schválilo plán novej električkovej trate. Podľa primátora sa práce "
    "začnú budúcu jar a potrvajú dva roky.\n"
)
CROATIAN = (
    "Gradsko vijeće u utorak je odobrilo plan nove tramvajske pruge. Prema riječima gradonačelnika, "
    "radovi će početi sljedećeg proljeća i trajat će dvije godine.\n"
)
SLOVENE = (
    "Mestni svet je v torek potrdil načrt nove tramvajske proge. Po besedah župana se bodo dela začela "
    "prihodnjo pomlad in bodo trajala dve leti.\n"
)
ROMANIAN = (
    "Consiliul local a aprobat marţi planul noii linii de tramvai. Potrivit primarului, lucrările vor "
    "începe în primăvara viitoare şi vor dura doi ani.\n"
)
LATVIAN = (
    "Pilsētas dome otrdien apstiprināja jaunās tramvaja līnijas plānu. Pēc mēra teiktā, darbi sāksies "
    "nākamajā pavasarī un ilgs divus gadus.\n"
)
DUTCH = (
    "De gemeenteraad keurde dinsdag het plan voor een nieuwe tramlijn goed. Volgens de burgemeester "
    "beginnen de werkzaamheden volgend voorjaar en duren ze twee jaar; “een ideeënrijk project”, zei hij.\n"
)
CATALAN = (
    "L’ajuntament va aprovar dimarts el pla de la nova línia de tramvia. Segons l’alcaldessa, les obres "
    "començaran la primavera vinent i duraran dos anys, però caldrà col·laboració.\n"
)
DANISH = "Byrådet godkendte tirsdag planen for en ny sporvognslinje. Ifølge borgmesteren går arbejdet i gang næste forår og varer to år.\n"
UKRAINIAN = (
    "Міська рада у вівторок схвалила план нової трамвайної лінії. За словами мера, роботи почнуться "
    "наступної весни і триватимуть два роки.\n"
)
ARABIC = "وافق مجلس المدينة يوم الثلاثاء على خطة خط الترام الجديد. وقال رئيس البلدية إن الأعمال ستبدأ في الربيع المقبل وتستمر عامين.\n"
THAI = "สภาเมืองอนุมัติแผนสร้างรถรางสายใหม่เมื่อวันอังคาร นายกเทศมนตรีกล่าวว่างานจะเริ่มในฤดูใบไม้ผลิหน้าและใช้เวลาสองปี\n"
KOREAN = "시의회는 화요일 새 노면전차 노선 계획을 승인했다. 시장은 공사가 내년 봄에 시작되어 2년 동안 진행될 것이라고 말했다.\n"
# Aromanian in the orthography that writes its schwa "ã" (cp1252 holds it; cp1250 reads the byte as Romanian "ă").
AROMANIAN = "Unã gãinã fudzi tu pãduri, shi ficiorlji o cãftarã pãnã seara cu fenerlji aprindzã.\n"
# English about northern Norway: its only letters beyond ASCII are 'ø' and the Sámi 'á', which
# cp1250 reads as Czech 'ř' and 'á'.
NORTHERN_NORWAY = "The ferry from Bodø to Røst sails twice a week, and the Sámi herders near Tromsø say the ice road opened late.\n"
# Antillean Kréyòl: French letters and 'ò', with a French name's 'ë' that no language of
# cp1252 but French has; cp1258 read its 'ò' as a dot below ("bò" as "ḅ").
KREYOL = (
    "Konsèy lavil-la dakò mèkrèdi pou mété an nouvo liy tranmwé. Mè-a, Noëlla Bérard, di travay-la ké "
    "konmansé lò karèm ka fini, é i ké dibouté dé lanné. Moun bò lanmè kontan, mé kèk konmèsan ka pè.\n"
)
GERMAN_PLAIN = "Die Gebühren für Anwohner steigen um 12 Prozent. Über 3.000 Haushalte waren nach dem Sturm ohne Strom; die Schäden sind groß.\n"

# What the fast path settles; DUTCH is left to the detector (its one 'ë' could be Lithuanian 'ė' in cp1257).
FAST_SAMPLES = [FRENCH, SPANISH, GERMAN, ITALIAN, PORTUGUESE, ENGLISH, CATALAN, DANISH]
WESTERN_SAMPLES = [*FAST_SAMPLES, DUTCH]
# (text, the encoding it is written in, the name decode_bytes reports: a superset
# codec that reads those bytes identically is named for Shift-JIS, EUC-JP, GBK,
# ISO-8859-7 and the DOS pages)
LEGACY_SAMPLES = [
    *[(text, "cp1252", "cp1252") for text in WESTERN_SAMPLES],
    (AROMANIAN, "cp1252", "cp1252"),
    (KREYOL, "cp1252", "cp1252"),
    (NORTHERN_NORWAY, "cp1252", "cp1252"),
    (POLISH, "cp1250", "cp1250"),
    (CZECH, "cp1250", "cp1250"),
    (HUNGARIAN, "cp1250", "cp1250"),
    (SLOVAK, "cp1250", "cp1250"),
    (CROATIAN, "cp1250", "cp1250"),
    (SLOVENE, "cp1250", "cp1250"),
    (ROMANIAN, "cp1250", "cp1250"),
    # ISO-8859-2 has no curly quotes; charset-normalizer never tries it after cp1250 fails
    (POLISH.replace("„", '"').replace("”", '"').replace("–", "-"), "iso-8859-2", "iso-8859-2"),
    (CZECH.replace("„", '"').replace("“", '"'), "iso-8859-2", "iso-8859-2"),
    (LATVIAN, "cp1257", "cp1257"),
    (UKRAINIAN, "cp1251", "cp1251"),
    (ARABIC, "cp1256", "cp1256"),
    (THAI, "cp874", "cp874"),
    (KOREAN, "euc_kr", "cp949"),
    (RUSSIAN, "cp1251", "cp1251"),
    (RUSSIAN_PLAIN, "koi8-r", "koi8-r"),
    (GREEK, "cp1253", "cp1253"),
    (GREEK, "iso-8859-7", "cp1253"),
    (TURKISH, "cp1254", "cp1254"),
    (LITHUANIAN, "cp1257", "cp1257"),
    (HEBREW, "cp1255", "cp1255"),
    (JAPANESE, "shift_jis", "cp932"),
    (JAPANESE, "euc_jp", "euc_jis_2004"),
    (CHINESE, "gbk", "gb18030"),
    (RUSSIAN_PLAIN, "cp866", "cp1125"),  # a DOS page stays DOS when no web page reads it as well
    (GERMAN_PLAIN, "cp850", "cp437"),
]


@pytest.mark.parametrize("repeat", [1, 4])
@pytest.mark.parametrize(("text", "written_in", "named"), LEGACY_SAMPLES, ids=lambda v: v[:12] if isinstance(v, str) else None)
def test_legacy_encodings_decode_to_the_original_text(text, written_in, named, repeat, monkeypatch):
    text *= repeat
    data = text.encode(written_in)
    decoded, encoding, flags = decode_bytes(data)
    assert decoded == text
    assert codecs.lookup(encoding).name == codecs.lookup(named).name and flags == ("encoding-detected",)
    monkeypatch.setattr(codepages, "_plain_western", lambda _: False)  # the detector alone agrees
    assert decode_bytes(data) == (decoded, encoding, flags)


VIETNAMESE = "Hội đồng thành phố hôm thứ Ba đã thông qua kế hoạch tuyến tàu điện mới. Ông thị trưởng nói công trình sẽ bắt đầu vào mùa xuân tới.\n"


def _cp1258(text: str) -> bytes:
    """Vietnamese as cp1258 spells it: a base letter, then its tone as a combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


def test_vietnamese_keeps_its_tone_marks_and_kreyol_is_not_read_as_them():
    """cp1258 spells tones as combining marks after a vowel; a reading that puts one after a
    consonant is not Vietnamese (Kréyòl's "bò" as cp1258 is "b" and a dot below)."""
    decoded, encoding, _ = decode_bytes(_cp1258(VIETNAMESE))
    assert (unicodedata.normalize("NFC", decoded), encoding) == (VIETNAMESE, "cp1258")
    assert codepages._marks_after_consonants(KREYOL.encode("cp1252"), frozenset(KREYOL.encode("cp1252")), "cp1258")
    assert not codepages._marks_after_consonants(_cp1258(VIETNAMESE), frozenset(_cp1258(VIETNAMESE)), "cp1258")


@pytest.mark.parametrize("text", FAST_SAMPLES, ids=lambda v: v[:12])
def test_plain_western_text_takes_the_fast_path(text):
    assert codepages._plain_western(text.encode("cp1252"))


def _windows(text: str) -> list[str]:
    """Every run of 3, 6 and 12 words of ``text`` (short documents are where code pages get confused)."""
    words = text.split()
    return sorted({" ".join(words[i : i + n]) for n in (3, 6, 12) for i in range(len(words) - n + 1)})


@pytest.mark.parametrize(("text", "written_in", "_"), LEGACY_SAMPLES, ids=lambda v: v[:12] if isinstance(v, str) else None)
def test_the_fast_path_never_claims_other_text(text, written_in, _):
    """On any window of any sample, cp1252 is only taken when it reads the bytes right."""
    for window in _windows(text):
        data = window.encode(written_in)
        if data.isascii() or decode_module._mostly_utf8(data):
            continue
        if codepages._plain_western(data):
            assert data.decode("cp1252") == window


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_cp1252_documents_of_the_benchmark_corpus_are_cp1252():
    """The generator's cp1252 documents (seed 7), 13 of which charset-normalizer took for
    cp852/cp775 ("cafÚ ownersĺ", "ôreal progressö"): the fast path and the detector alone
    both read cp1252."""
    import random

    from benchmarks.generate_corpus import damage, document

    rng = random.Random(7)
    documents = [damage(document(rng), rng) for _ in range(2000)]
    cp1252 = [data for data in documents if not data.startswith(codecs.BOM_UTF16_LE) and not _is_utf8(data)]
    assert len(cp1252) == 126
    for data in cp1252:
        assert decode_bytes(data) == (data.decode("cp1252"), "cp1252", ("encoding-detected",))
        assert codepages._detect(data) == (data.decode("cp1252"), "cp1252")


def test_dos_reading_of_curly_quotes_gives_way_to_cp1252():
    """cp852 reads 0x92-0x94 as 'ĺ ô ö': a DOS page never wins against a web page that reads the bytes as well."""
    text = "Officials said the café owners’ complaint had made “real progress”.\n" * 3
    assert codepages._detect(text.encode("cp1252")) == (text, "cp1252")


def test_too_many_control_characters_are_refused_in_utf8_and_cp1252():
    text = "Ordinary words\x01\x02\x03 then more\x04\x05 "
    with pytest.raises(UndecodableInputError, match="too many control characters for utf-8"):
        decode_bytes(text.encode("utf-8"))
    with pytest.raises(UndecodableInputError, match="too many control characters for cp1252"):
        decode_bytes((text + "café").encode("cp1252"))
