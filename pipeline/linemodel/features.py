"""The line model's features: what one line looks like, as a list of string keys.

Pure Python (``re``, one ``regex`` pattern and ``str`` methods), shared by training
(``training/train_line_model.py``) and scoring (:mod:`pipeline.linemodel.model`), so
the two can never disagree. Every feature is a binary indicator named by a short
string key; a model is a dict from key to weight, and a line's own score is the sum
of its keys' weights (the word and pair keys scaled, below). Keys (``N`` a bin or class):

======== =====================================================================
``LN``   length in characters (bins)
``WN``   words (runs of ``\\w`` and combining marks; bins)
``EN``   how the line ends, after closing quotes and brackets: ``.`` (also
         ``!``, ``…`` and every script's full stop, as ``।``), ``?`` (also ``؟``), ``:``, ``,``, ``;``, ``9`` digit, ``a`` letter,
         ``o`` other (``»``, ``|``, ``>``); ``Eq`` a closer was stripped
``FN``   how it starts: ``A`` capital, ``a`` lower-case, ``9`` digit, ``o`` other
``TN``   share of words that start with a capital (bins; 2+ words), ``T!`` all capitals
``DN``   share of words that are numbers (bins)
``SN``   share of words in the stoplist (bins; 3+ words), ``S-`` none of 2+
``U``    URL-like (``http``, ``www.``, ``.com``...); once each if present: ``@``,
         ``|`` separators, ``>`` breadcrumb arrows, ``C`` copyright sign, ``#``
``s…``   the whole line (lower-cased, digits ``0``), for lines of 1–4 words
``u…``   each word, lower-cased, runs of digits written ``0``; worth 1/sqrt(words)
``b…``   each pair of adjacent words, with ``^``/``$`` at the line's ends; the same
======== =====================================================================

Lexical keys (``u``, ``b``, ``s``) come from the first :data:`MAX_TOKENS` words only, and
everything but the length and the end from the first :data:`MAX_CHARS` characters: a very long
line costs no more than a long one.
"""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import regex

from pipeline.shape import (
    FULL_STOPS,
    QUESTION_MARKS,
    QUOTE_SPACES,
    SENTENCE_ENDS,
    WORD_CHARS,
    ends_unmarked,
    reaches_width,
)

#: Word runs: Unicode \w (letters, digits, underscore) and the combining marks within words
#: (the vowel signs of Devanagari, Thai or Tamil, where ``re``'s \w alone would cut a word).
_TOKEN = re.compile(f"[{WORD_CHARS}]+")
#: Closing quotes and brackets that may follow a sentence's final mark (German closes a quote
#: with “ or ‘, and »quotes« the other way round).
CLOSERS = "\"'’”»)]}›」』】〉》“‘«‹"
#: Closing quotes and brackets with the spaces French typography sets inside guillemets
#: ("... la semaine prochaine. »"): what may follow a sentence's final mark.
CLOSERS_AND_SPACES = CLOSERS + QUOTE_SPACES

#: Lexical keys come from this many words of a line at most.
MAX_TOKENS = 24
#: Words, capitals, digits, URLs and marks are looked for in this many characters at most.
MAX_CHARS = 2000
#: A line of at most this many words also gets its whole text as a key.
SHORT_LINE_WORDS = 4

_LEN_BINS = (4, 10, 20, 40, 80, 160, 320)
_WORD_BINS = (2, 3, 4, 5, 7, 10, 15, 25)
_SHARE_BINS = (0.01, 0.2, 0.4, 0.6, 0.8, 0.99)

#: Marks whose presence is a key of its own (several arrows make one key).
_MARKS = re.compile(r"[@|©#»›>→]")
_MARK_KEYS = {"@": "@", "|": "|", "©": "C", "#": "#", "»": ">", "›": ">", ">": ">", "→": ">"}
_URL = re.compile(r"(?i)https?:|www\.|\.(?:com|org|net|html?|php)\b|://")
#: The start of a word that begins with a capital letter (the regex module: re has no \p{Lu}).
_CAP_START = regex.compile(r"\b\p{Lu}")
_DIGITS = re.compile(r"\d+")

_LEN_KEYS = tuple(f"L{i}" for i in range(len(_LEN_BINS) + 1))
_WORD_KEYS = tuple(f"W{i}" for i in range(len(_WORD_BINS) + 1))
_TITLE_KEYS = tuple(f"T{i}" for i in range(len(_SHARE_BINS) + 1))
_DIGIT_KEYS = tuple(f"D{i}" for i in range(len(_SHARE_BINS) + 1))
_STOP_KEYS = tuple(f"S{i}" for i in range(len(_SHARE_BINS) + 1))


def final_char(line: str) -> tuple[str, bool]:
    """The line's last character before closing quotes and brackets (and the spaces inside
    guillemets), and whether any were there."""
    last = line[-1:]
    if last and last in CLOSERS:
        stripped = line.rstrip(CLOSERS_AND_SPACES)
        return stripped[-1:], True
    return last, False


def _char_class(c: str) -> str:
    if not c:
        return "o"
    if c in FULL_STOPS:
        return "."
    if c in QUESTION_MARKS:
        return "?"
    if c in ":：":
        return ":"
    if c in ",，、":
        return ","
    if c in ";；":
        return ";"
    if c.isdigit():
        return "9"
    if c.isalpha():
        return "a"
    return "o"


_SCALES = tuple(1.0 / (m ** 0.5) if m else 1.0 for m in range(MAX_TOKENS + 1))
_END_KEYS = {c: "E" + _char_class(c) for c in ".!…。！?？:：,，、;；0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def line_keys(line: str, stopwords: frozenset[str] | set[str]) -> tuple[list[str], list[str], float]:
    """The feature keys of one non-blank line (its own features, no context): the keys of its
    shape (and its whole text, if short), each worth 1, and its word and word-pair keys, each
    worth the returned scale, 1/sqrt(words): a long line's many words add up to as much
    evidence as a short line's few, not to ten times as much."""
    n = len(line)
    last, closed = final_char(line)
    first = line[0]
    if n > MAX_CHARS:  # a very long line is judged by its start (and its end mark)
        line = line[:MAX_CHARS]
    words = _TOKEN.findall(_DIGITS.sub("0", line.lower()))
    count = len(words)
    keys = [
        _LEN_KEYS[bisect_right(_LEN_BINS, n)],
        _WORD_KEYS[bisect_right(_WORD_BINS, count)],
        _END_KEYS.get(last) or "E" + _char_class(last),
        "FA" if first.isupper() else "Fa" if first.isalpha() else "F9" if first.isdigit() else "Fo",
    ]
    if closed:
        keys.append("Eq")
    if ("." in line or ":" in line) and _URL.search(line):
        keys.append("U")
    marks = _MARKS.findall(line)
    if marks:
        keys += dict.fromkeys(_MARK_KEYS[m] for m in marks)  # each kind once, in order (sums stay exact)
    if not count:
        return keys, [], 1.0
    if count >= 2:
        keys.append(_TITLE_KEYS[bisect_right(_SHARE_BINS, len(_CAP_START.findall(line)) / count)])
        if line.isupper():
            keys.append("T!")
    keys.append(_DIGIT_KEYS[bisect_right(_SHARE_BINS, words.count("0") / count)])
    del words[MAX_TOKENS:]
    m = len(words)
    stops = sum(map(stopwords.__contains__, words))
    if m >= 3:
        keys.append(_STOP_KEYS[bisect_right(_SHARE_BINS, stops / m)])
    elif m == 2 and not stops:
        keys.append("S-")
    if count <= SHORT_LINE_WORDS:
        keys.append("s" + " ".join(words))
    lexical = ["u" + w for w in words]
    lexical += [f"b{a} {b}" for a, b in zip(["^", *words], words, strict=False)]
    lexical.append(f"b{words[-1]} $")
    return keys, lexical, _SCALES[m]


#: A line this long or longer is prose whoever it addresses (:func:`addresses_reader`).
ADDRESS_MAX_CHARS = 200
#: Words by which a site speaks to its reader or of itself ("you", "your", "our", "we"), in the
#: languages the rules know, by the name of the language's stoplist in jusText (see
#: :func:`_in_its_language`). Words that are also common words of another language are left
#: out: French "du" and "nos", Portuguese "seu", "sua" and "nos", Italian "vi", German "Sie" and
#: "Ihre" (also "they", "their"), and Dutch "onze" (French and Portuguese "eleven").
_ADDRESS_WORDS_BY_LANGUAGE = (
    ("English", "you your yours we our ours us"),
    ("French", "vous votre vos nous notre nôtre"),
    ("German", "wir euch unser unsere unserer unseren unserem unseres eure euer euren eurem eurer eures ihnen"),
    ("Spanish", "usted ustedes tus vosotros nuestro nuestra nuestros nuestras"),
    ("Portuguese", "você vocês nosso nossa nossos nossas"),
    ("Italian", "tuo tua vostro vostra vostri vostre nostro nostra nostri nostre"),
    ("Dutch", "jij jouw uw wij"),
    ("Swedish", "ditt dina vår vårt våra oss"),
    ("Norwegian_Bokmal", "ditt dina vår vårt våra oss"),
    ("Danish", "oss"),
    ("Polish", "twój twoja wasz wasza wasze waszego waszej waszym waszych waszą nasz nasza nasze naszego "
               "naszej naszym naszych naszą"),
    ("Turkish", "siz sizin bizim"),
    ("Indonesian", "anda kami"),
    ("Malay", "anda kami"),
)
#: Words that count only as written so: "us" (not "US"), "Ihnen" (not "ihnen", "them").
_ADDRESS_CASED = ("us", "Ihnen")
#: The address words matched in lower case: every one but those of _ADDRESS_CASED.
_ADDRESS_WORDS = tuple(dict.fromkeys(
    word for _, words in _ADDRESS_WORDS_BY_LANGUAGE for word in words.split()
    if word not in {cased.lower() for cased in _ADDRESS_CASED}))
#: What may stick to a word in a line split at spaces: an opening bracket or mark before it, an
#: English contraction and a punctuation mark after it.
_OPENERS = ("", "(", "¿", "¡")
_CONTRACTIONS = ("", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'d", "’d")
_CLOSING_MARKS = ("", ",", ".", ";", ":", "?", "!", ")", "…")


def _spellings(words: Sequence[str], contracted: Sequence[str] = ("you", "we")) -> frozenset[str]:
    """Every way ``words`` appear in a line split at spaces (see _OPENERS)."""
    return frozenset(opener + word + contraction + mark for word in words for opener in _OPENERS
                     for contraction in (_CONTRACTIONS if word in contracted else ("",)) for mark in _CLOSING_MARKS)


_ADDRESS_TOKENS = _spellings(_ADDRESS_WORDS)
#: English "we" is also Polish "in" ("we wrześniu") and Turkmen "and" ("gelýär we öwrenýär"): in
#: a line with letters of Polish or Turkmen spelling, it alone is no address.
_WE_TOKENS = _spellings(("we",), contracted=())
_WE_OTHER_LETTERS = frozenset("ąćęłńśźżĄĆĘŁŃŚŹŻýňÝŇ")
_ADDRESS_CASED_TOKENS = _spellings(_ADDRESS_CASED)
#: The languages of each address word (lower-cased). Many short words of one language are words
#: of another too (English "we" and "us" are Turkmen "and" and Catalan "you"), so an address word
#: counts only in a line of its own language: beside another common word of that language, and
#: with at least ADDRESS_LANGUAGE_SHARE of the line's words common words of it. "Sign up and
#: we'll send ..." speaks to the reader; a paragraph of another language that happens to spell
#: "we" (Bislama "ol wokman we oli bin bildim": the workers who built) does not. English
#: furniture is noun-heavy, under two fifths common words, so the share asked is low.
_ADDRESS_LANGUAGES: dict[str, tuple[str, ...]] = {
    word: tuple(language for language, words in _ADDRESS_WORDS_BY_LANGUAGE if word in words.split())
    for _, words in _ADDRESS_WORDS_BY_LANGUAGE for word in words.split()
}
#: The share of a line's words that must be common words of an address word's language (its
#: address words included: jusText's English stoplist has "we" but not "our").
ADDRESS_LANGUAGE_SHARE = 0.2
#: What is stripped from a space-split word to compare it with a stoplist.
_WORD_EDGES = "\"“”„«»‘’‚‹›()[]{}¿¡.,;:!?…'-–—"


@cache
def _stoplist(language: str) -> frozenset[str]:
    """jusText's stoplist for ``language``, read from its package data without importing jusText
    (its import costs 50 ms, and a line of prose asks this)."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "stoplists" / f"{language}.txt"
    return frozenset(path.read_text(encoding="utf-8").lower().split())


def _in_its_language(words: Sequence[str]) -> bool:
    """Whether some address word among ``words`` (a line's, lower-cased) is in a line of its
    language (:data:`_ADDRESS_LANGUAGES`): another common word of it beside, and at least
    ADDRESS_LANGUAGE_SHARE of the words common words of it."""
    bare = [w.strip(_WORD_EDGES) for w in words]
    stems = [w.split("'", 1)[0].split("’", 1)[0] for w in bare]
    # each language once, however many of its address words the line holds
    languages = {language for stem in stems for language in _ADDRESS_LANGUAGES.get(stem, ())}
    for language in languages:
        stop = _stoplist(language)
        common = sum(w in stop or language in _ADDRESS_LANGUAGES.get(s, ()) for w, s in zip(bare, stems, strict=True))
        if (common >= ADDRESS_LANGUAGE_SHARE * len(bare)
                and any(w in stop and s not in _ADDRESS_LANGUAGES for w, s in zip(bare, stems, strict=True))):
            return True
    return False
#: Quotation marks: a line with one reports someone's words, and stays prose.
_QUOTES = frozenset("\"“”„«»‘‚‹›「」")  # not ’, which is also the apostrophe
#: Words that report what someone said ("Bring your own cushion, Pile said"): a line with one
#: quotes a person, however it speaks to its reader, and is the article's, not the site's.
_REPORTING_WORDS = frozenset(
    "said says told explained sagte sagt erklärte dijo explicó afirmó "
    "disse afirmou detto zei zegt sade sagde sanoi powiedział powiedziała řekl řekla rekao rekla "
    "déclaré".split())


def _only_partitive_us(split: Sequence[str]) -> bool:
    """Whether every cased address word of a line split at spaces follows "of" ("most of us",
    "all of us"; an "Ihnen" never does):
    the writer counted among the people the story is about, which narrates; "tell us", "join
    us" and "email us" speak to the reader."""
    return all(k > 0 and split[k - 1].lower() == "of"
               for k, word in enumerate(split) if word in _ADDRESS_CASED_TOKENS)


def addresses_reader(line: str) -> bool:
    """Whether a sentence-like line speaks to the reader or of the site itself, in no quotation:
    "Questions or a story idea? Our newsroom reads every note." Such a line is furniture as often as
    prose, so the model scores it instead of passing it as prose; a long paragraph, a quotation
    or a line that reports what someone said (:data:`_REPORTING_WORDS`) stays prose. (Set lookups of the line's space-split words: the model stage asks this of most
    lines of prose, so it must cost about a microsecond.)"""
    if len(line) >= ADDRESS_MAX_CHARS:
        return False
    words = line.lower().split()
    if _ADDRESS_TOKENS.isdisjoint(words):
        # only "us" or "Ihnen" as written can make it an address, and an "us" after "of" does not:
        # "while most of us were asleep" is the neighbourhood narrating, not the site
        if "us" not in line and "Ihnen" not in line:
            return False
        split = line.split()
        if _ADDRESS_CASED_TOKENS.isdisjoint(split) or _only_partitive_us(split):
            return False
    if not _WE_OTHER_LETTERS.isdisjoint(line) and _ADDRESS_TOKENS.intersection(words) <= _WE_TOKENS:
        return False  # Polish "we" ("in"): "we wrześniu"; Turkmen "we" ("and")
    if not _REPORTING_WORDS.isdisjoint(w.strip(_WORD_EDGES) for w in words):
        return False  # someone quoted: "… told you something about Bergen," a regular said
    return _QUOTES.isdisjoint(line) and _in_its_language(words)


#: A line of a script that ends its sentences with no mark (Thai, Lao:
#: :func:`pipeline.shape.ends_unmarked`) is long prose at this many times the gate's length. Its
#: end cannot say "sentence", so length alone must. Release 18 set it at 2 (80 characters) on
#: corpus_fresh39's Thai file (paragraphs 79-158 characters, boilerplate lines 15-51); the first
#: blind Lao text (corpus_fresh42) lost two paragraphs of 66 and 67 characters to the model, and
#: its boilerplate lines are shorter still. 1.5 (60 characters) sits between the two.
UNMARKED_GATE_FACTOR = 1.5


def is_gated(line: str, gate_chars: int) -> bool:
    """Whether a line is long prose with a terminal mark: the model does not score it
    (unless a rule removed it). Its length is counted as :func:`~pipeline.shape.text_width`
    counts it, a wide character twice. A sentence that addresses the reader is scored
    (:func:`addresses_reader`). In Thai or Lao, which write no mark, a line 1.5 times as long is
    prose (:data:`UNMARKED_GATE_FACTOR`)."""
    if 2 * len(line) < gate_chars:  # even all wide, too short
        return False
    last, _ = final_char(line)
    if last in SENTENCE_ENDS:
        return reaches_width(line, gate_chars) and not addresses_reader(line)
    return len(line) >= UNMARKED_GATE_FACTOR * gate_chars and ends_unmarked(line)


def nonblank(lines: Sequence[str]) -> list[int]:
    """The indices of the lines with something on them."""
    return [i for i, line in enumerate(lines) if line and not line.isspace()]
