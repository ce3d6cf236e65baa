"""What a line looks like: prose or headline.

Block and tail rules, and title detection, need to tell article prose from
link headlines and widget text without knowing the site. The cue that works
across sites and languages is punctuation: prose sentences end with a full
stop (or ``!``/``…``, or the mark their script writes, such as the danda ``।``,
possibly inside closing quotes), headlines and link texts do not. Length
settles the rest.
"""

from __future__ import annotations

import unicodedata

import regex

_WORD = regex.compile(r"\w+")
_BMP = "".join(map(chr, range(0x10000)))
# What may follow a sentence's final mark: closing quotes and brackets, read from the
# regex module's \p{Pf} and \p{Pe} (all in the Basic Multilingual Plane; a test checks).
_CLOSERS = "".join(regex.findall(r"[\p{Pf}\p{Pe}\"'’”»)\]]", _BMP))
#: The combining marks of the Basic Multilingual Plane (Unicode \p{M}). Python's ``re`` ends a
#: ``\w`` run at a mark, so it cuts the words of Devanagari, Thai, Tamil or Bengali at every
#: vowel sign ("पीढ़ी" became "प", "ढ"); a word pattern for ``re`` adds them (:data:`WORD_CHARS`).
COMBINING_MARKS = "".join(regex.findall(r"\p{M}", _BMP))
#: A character class body for ``re``: word characters, combining marks included.
WORD_CHARS = "\\w" + "".join(f"\\u{ord(c):04x}" for c in COMBINING_MARKS)
#: The Unicode sentence terminals (\p{STerm}), read once for the two sets below.
_SENTENCE_TERMINALS = frozenset(regex.findall(r"\p{STerm}", _BMP))
#: Marks that end a sentence as a question: the Unicode sentence terminals named so (?, ？, the
#: Arabic ؟, the Ethiopic ፧ ...).
QUESTION_MARKS = frozenset(c for c in _SENTENCE_TERMINALS if "QUESTION" in unicodedata.name(c, ""))
#: Marks that end a sentence otherwise: every other Unicode sentence terminal (\p{STerm}: the
#: full stop and !, the Chinese 。, the Devanagari danda ।, the Urdu ۔, the Armenian ։, the
#: Ethiopic ።, the Myanmar ။, the Khmer ។ ...) and the ellipsis. Scripts write their own: a
#: Hindi paragraph ends with ।, and read as one that never ends. The Tibetan shads (། ༎ and their
#: kin: Unicode's Terminal_Punctuation, but not its Sentence_Terminal) too: Tibetan and Dzongkha
#: end a sentence with one, and without them every paragraph of those languages read as a line
#: that never ends (corpus_fresh43's Dzongkha file, where the line model then scored the whole
#: article as boilerplate and so, by its own safeguard, removed nothing).
TIBETAN_SHADS = frozenset("\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12")
FULL_STOPS = _SENTENCE_TERMINALS - QUESTION_MARKS | {"…"} | TIBETAN_SHADS
#: The marks that end a sentence, in any script: its full stops and question marks, the danda of
#: Hindi as much as the Latin full stop. The line model's prose gate and the metadata stage's test
#: of a Chinese or Japanese headline (no headline ends as a sentence) share them.
SENTENCE_ENDS = FULL_STOPS | QUESTION_MARKS
del _BMP
#: The letters and marks of the scripts that end a sentence with a space and no mark: Thai and
#: Lao (Unicode gives them no sentence terminal). A paragraph of Thai ends with a letter, as a
#: menu entry does, so only its length tells it from one.
_UNMARKED_SCRIPT = regex.compile(r"[\p{Thai}\p{Lao}]")
#: The spaces French typography sets inside guillemets ("... prochaine. »"): they may stand
#: between a sentence's final mark and its closing quote.
QUOTE_SPACES = " \u00a0\u202f\u2009"
_CLOSERS_AND_SPACES = _CLOSERS + QUOTE_SPACES

#: A question longer than this reads as prose rather than a headline.
QUESTION_HEADLINE_WORDS = 14


def ends_unmarked(line: str) -> bool:
    """Whether ``line`` ends, before closing quotes and brackets, in a script whose sentences end
    with no mark (Thai, Lao): its end says nothing about whether it is a sentence."""
    return _UNMARKED_SCRIPT.match(final_mark(line)) is not None


#: Han and kana: the letters of Chinese and Japanese, which put no space between words (their
#: sentences still end with a mark, "。", unlike Thai's and Lao's).
_UNSPACED_LETTER = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_LETTER = regex.compile(r"\p{L}")


def written_unspaced(line: str) -> bool:
    """Whether most of ``line``'s letters are Han or kana: a Chinese or Japanese line, whose
    spaces (if any) part phrases, so counting words says nothing about whether it is a headline.

    >>> written_unspaced("南後街老攤有人接手 阿伯講「真安心」")
    True
    >>> written_unspaced("Tokyo 東京")
    False
    """
    unspaced = len(_UNSPACED_LETTER.findall(line))
    return unspaced > 0 and 2 * unspaced > len(_LETTER.findall(line))


#: The characters that carry a syllable or a word each: those East Asian typography sets at
#: double width (Han, kana, Hangul, full-width forms), and Ethiopic, whose every letter is a
#: consonant with its vowel.
_WIDE = regex.compile(r"[\p{ea=W}\p{ea=F}\p{Ethiopic}]")


def text_width(line: str) -> int:
    """``line``'s length with each wide character (:data:`_WIDE`) counted twice. A Han character,
    a Hangul syllable or an Ethiopic letter carries what two or three Latin letters do (a Chinese
    translation runs to about a third of its English original's characters), so a gate set in
    characters would hold a whole Chinese sentence of 21 characters to the standard of a
    21-letter English fragment; counted twice, it meets the gate as a 42-letter English sentence
    does. Other syllabaries (Cherokee, Canadian syllabics, Yi) are left as they are: no
    development text in them has shown the need."""
    return len(line) + len(_WIDE.findall(line))


def reaches_width(line: str, width: int) -> bool:
    """Whether ``text_width(line) >= width``, without counting the wide characters when the plain
    length already reaches it: the prose gate asks this of every line that ends as a sentence."""
    return len(line) >= width or text_width(line) >= width


def word_count(line: str) -> int:
    return len(_WORD.findall(line))


def final_mark(line: str) -> str:
    """The line's last character before any closing quotes and brackets ("" if none):
    how a sentence ends ("He said: “No.”" ends with '.')."""
    if line.endswith("\n"):
        line = line[:-1]
    return line.rstrip(_CLOSERS_AND_SPACES)[-1:]


def looks_like_prose(line: str, max_headline_words: int = 24, words: int | None = None) -> bool:
    """True when ``line`` reads as a sentence of article prose (``words``: its
    ``word_count``, when the caller has it).

    >>> looks_like_prose("The isolated state has 1.2 million troops.")
    True
    >>> looks_like_prose("New NATO chief tells allies to ignore Putin's sabre rattling")
    False
    """
    if words is None:
        words = word_count(line)
    if words > max_headline_words:
        return True
    mark = final_mark(line)
    if mark in FULL_STOPS:
        return words >= 2
    return mark in QUESTION_MARKS and words > QUESTION_HEADLINE_WORDS


def looks_like_headline(line: str, max_words: int = 24, min_words: int = 1) -> bool:
    """A short line with at least ``min_words`` words that does not read as prose."""
    if not line:
        return False
    words = word_count(line)
    return min_words <= words <= max_words and not looks_like_prose(line, max_words, words)


#: Separators that join the fields of a row ("News · Sport · Business", "ARTS LEDGER / Classical",
#: "Dales Diary · news from the top of the valley", "14 Jul · 6 min read", "THE LEDGER ~ since
#: 1998", "Home :: Council :: Money"): one of them is enough.
FIELD_SEPARATORS = (" · ", " | ", " • ", " › ", " » ", " / ", " // ", " :: ", " >> ", " ~ ", " ⋯ ", " ✦ ", " ◇ ", " ⦁ ", " ⋮ ", " ▸ ", " ≡ ")
#: A symbol of no script: a mathematical or other sign a site may use as its own separator or
#: bullet. A script's own symbol (Sindhi's "۾") is a word.
_SCRIPTLESS_SYMBOL = r"(?=\p{Common})[\p{Sm}\p{So}]"
#: Or any symbol of no script standing alone between words twice ("Front page ◦ Prices ◦ Sport",
#: "News ∣ City ∣ Port", "Home > Arts > Museums"): a site picks its own, and no list of them is
#: ever complete. Twice, because a headline may use one once ("Tea + cake").
_REPEATED_SEPARATOR = regex.compile(rf"(?<=\S )({_SCRIPTLESS_SYMBOL})(?= \S).*?(?<=\S )\1(?= \S)")
#: Or three to six short names (a word to three each) joined by one spaced dash ("Town - Hobbies
#: - Model railways", "Sport – Rowing – Regattas"), as a breadcrumb or a menu joins them: a
#: headline sets a clause off by its dashes ("Mill to close – and 40 jobs go – in May"), never a
#: list of bare names.
_SPACED_DASH_ROW = regex.compile(r"^[^\s\-–—]+(?: [^\s\-–—]+){0,2}(?: ([-–—]) [^\s\-–—]+(?: [^\s\-–—]+){0,2})(?: \1 [^\s\-–—]+(?: [^\s\-–—]+){0,2}){1,4}$")


def is_row(line: str) -> bool:
    """Whether the line joins fields with a separator, as menus, breadcrumbs, datelines and a
    masthead with its slogan do: no headline of a plain-text article is written so. (Of the
    development corpora's lines, training/corpora.py: one of 1,402 headlines, a French title in
    guillemets, is a row, and 5,287 of 23,880 boilerplate lines are.)"""
    return any(separator in line for separator in FIELD_SEPARATORS) or _REPEATED_SEPARATOR.search(line) is not None \
        or _SPACED_DASH_ROW.match(line) is not None


#: A list item's mark opening a line, then a space ("* ", "• ", "▪ ", "» ", "~ "): a symbol of no
#: script, or a bullet. Not a dash: dialogue opens with one in many languages ("— Мы готовы").
_LIST_MARK = regex.compile(rf"^(?:{_SCRIPTLESS_SYMBOL}|[*•·‣∙›»])\s")


def opens_as_list_item(line: str) -> bool:
    """Whether a list item's mark opens the line: a list's item is no paragraph, and no
    subheading either, however it ends.

    >>> opens_as_list_item("* Church supper runs out of bread by 6 p.m."), opens_as_list_item("— Мы готовы, — сказал он.")
    (True, False)
    """
    return _LIST_MARK.match(line) is not None


#: A label and its colon opening a short line, then a capital: "Lens: Ana Ruiz", "Skozi objektiv: Name".
_LABEL_THEN_CAPITAL = regex.compile(r"^(?:\S+ ){0,3}\S+: \p{Lu}")
#: A person's name ending the line, after a lowercase word or a colon ("… snapper Rhodri Morgan",
#: "… uhvatio Ante Jurišić (Otočni list)"): two or three capitalised words, and perhaps the site
#: in brackets.
_NAME_AT_END = regex.compile(r"(?:(?<!\S)\p{Ll}[\p{L}’'-]*|:) (?:\p{Lu}\p{Ll}+ ){1,2}\p{Lu}\p{Ll}+(?: \([^()]{2,30}\))?$")
#: Or "by" and a person's name, then where the picture was taken ("Snapped by Ana Lima at the
#: harbour wall"): a credit ends with the photographer's spot as often as with the name.
_NAME_THEN_SPOT = regex.compile(r"\bby (?:\p{Lu}\p{Ll}+ ){1,2}\p{Lu}\p{Ll}+ (?:at|on|in|from|off|outside|near|under|over|beside)"
                                r" (?:the )?[\p{L}’'-]+(?: [\p{L}’'-]+){0,2}$")


#: A byline standing where a headline would: a label of two or more words, a colon and a name
#: ("Sideline scribe: Sinéad Ní Ghríofa"), or at most five words ending in a lower-case word
#: and a name ("Ekri pa Woodly Jean-Baptiste", "Words by Ana Lima"). A name is two or three
#: capitalised words, perhaps hyphenated.
_NAME = r"(?:\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?\ ){1,2}\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?"
_BYLINE_SHAPE = regex.compile(rf"""(?x)
    ^(?:\S+\ ){{1,8}}\S+:\ {_NAME}$
   |^(?=(?:\S+\ ){{2,4}}\S+$)\S+(?:\ \S+){{0,2}}?\ \p{{Ll}}[\p{{L}}’'-]*\ {_NAME}$""")


def reads_as_byline(line: str) -> bool:
    """Whether a short line reads as a byline by its shape alone (:data:`_BYLINE_SHAPE`), in a
    language no rule knows: a text whose headline is missing starts with one, and it is no title.
    A headline ending in a name has more words ("Rain tanks go in as hosepipe ban bites at Gorsey
    Lane") or one word before its colon ("Obituary: Jane Doe").

    >>> reads_as_byline("Ekri pa Woodly Jean-Baptiste")
    True
    >>> reads_as_byline("Obituary: Jane Doe")
    False
    """
    return bool(_BYLINE_SHAPE.search(line))


def reads_as_credit(line: str) -> bool:
    """Whether a short line reads as a credit or a byline rather than a subheading: it carries
    a copyright sign ("Bild © Anna Beispiel"), it opens with a label and a colon ("Frame grab:
    Static staff"), or it ends with a person's name
    ("Piccy by Post snapper Rhodri Morgan", "Bildi uzķēra Edgars Kalniņš"). A subheading names
    a topic, and rarely ends with a name; a picture's credit, in any language, does. (On the
    development news corpora, 13 more boilerplate lines go when such lines are no subheadings;
    on wceb-dev's train and dev pages, 30 more boilerplate lines and 17 more main-text lines, of
    which the dev pages alone 3 and 8.)

    >>> reads_as_credit("Snap sent in by reader Gus Tremblay")
    True
    >>> reads_as_credit("What the council decided")
    False
    >>> reads_as_credit("Caught by Rua Tane from the wharf steps")
    True
    """
    return "©" in line or bool(_LABEL_THEN_CAPITAL.search(line) or _NAME_AT_END.search(line)
                               or _NAME_THEN_SPOT.search(line))


#: An elided article that opens a Dutch or Low Saxon headline in lower case before a capital
#: ("'t Olle draaiörgel …", "t Olle …" as Gronings writes it, "'s Winters …").
_ELIDED_ARTICLE = regex.compile(r"['’]?[ts] (?=\p{Lu})")


def starts_lower(line: str) -> bool:
    """Whether ``line`` opens in lower case, an elided article before a capital aside
    (:data:`_ELIDED_ARTICLE`): a headline starts with a capital, or with such an article."""
    return line[:1].islower() and _ELIDED_ARTICLE.match(line) is None


#: An arrow that opens a line makes it a link ("↩ Back to the yard", "← Older posts"), never a headline.
_LEADING_ARROW = regex.compile(r"^[\p{Block=Arrows}\p{Block=Supplemental_Arrows_A}\p{Block=Supplemental_Arrows_B}"
                               r"\p{Block=Miscellaneous_Symbols_And_Arrows}]")


def looks_like_title(line: str, max_words: int, min_words: int) -> bool:
    """A headline that can stand as a document's title: :func:`looks_like_headline`, and it
    starts with a capital or a digit (or an elided article before one, :func:`starts_lower`), not
    with an arrow (:data:`_LEADING_ARROW`: a back link, which the rules test without its
    pictograph), and does not end like a label (``:``, ``,``, ``;``)."""
    if not line or starts_lower(line) or _LEADING_ARROW.match(line) or line.endswith((":", ",", ";")):
        return False
    return looks_like_headline(line, max_words, min_words)
