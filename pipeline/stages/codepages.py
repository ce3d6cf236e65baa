"""Legacy code pages: which single- or multi-byte encoding bytes that are not UTF-8 are in.

:mod:`pipeline.stages.decode` calls :func:`decode_legacy` once a BOM, BOM-less
UTF-16/32, strict UTF-8 and UTF-8 with stray bytes have all been ruled out
(for an HTML page, its declared charset too).

Legacy encodings are settled in two steps, both resting on one observation:
a text is written in one language, so the right reading of its bytes has the
letters of one alphabet and no symbols inside its words, while a wrong code
page scatters its letters over several alphabets or scripts ("população"
read as cp1250 has Portuguese 'ç' next to Romanian 'ă') or puts symbols
inside words (Polish "miesiąca" read as cp1252: "miesi¹ca").

1. A fast path (:func:`_plain_western`) takes cp1252 when its reading is
   plausible Western text and no other Latin code page's reading is
   plausible: microseconds, where detection takes about a millisecond. It
   declines whatever it does not clearly settle (Czech, Hungarian, most
   short French and Italian texts, whose letters cp1250 reads as Slovak or
   Czech ones).
2. Everything else goes to charset-normalizer (:func:`_detect`). Its mess
   ratio tells text from garbage, but readings within :data:`_CHAOS_TIE` of
   the tidiest are practically tied, and it breaks such ties by a
   letter-frequency score that turned cp1252 news into DOS code pages
   ("cafÚ ownersĺ", "ôreal progressö") and cp1250 Polish into cp1257.
   Among single-byte readings, :func:`_choose` decides by the evidence
   above, then prefers web code pages to DOS/Mac/EBCDIC ones, then cp1252.

Compared with the previous rule (charset-normalizer's choice, ties to
cp1252), this changed how some inputs decode, all of them wrong before:
cp1252 documents taken for cp852/cp775 (13 of the 126 in the benchmark
corpus) or, Portuguese, for cp1250; cp1250 Polish and Slovene taken for
cp1257, Czech, Hungarian and Croatian for cp1252; Latvian cp1257 taken for
cp1252; ISO-8859-2 Polish and Czech, which charset-normalizer never tries
after cp1250 fails (:func:`_skipped_readings`). A genuine DOS document now
decodes as a web code page when one reads it as plausibly: cp437/cp850
Western text without the letters that cp1252 leaves undefined ('ü' is
0x81) or reads as punctuation between two letters ('ä' in "B„ume") comes
out as cp1252; cp866 Russian stays DOS.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

import charset_normalizer
from charset_normalizer import CharsetMatch
from charset_normalizer.utils import is_multi_byte_encoding

from pipeline.errors import UndecodableInputError

WESTERN = "cp1252"
_ASCII_BYTES = bytes(range(0x80))


# --- Which language could a reading be? (see the module docstring) -------------

# Letters beyond ASCII of the languages written with single-byte code pages
# (lower case; upper case is derived), by script, and the letters of which
# any paragraph in the language has at least one (a French text of any
# length has an 'é'; Croatian "će početi" read as cp1252, "æe poèeti",
# has French letters but no 'é').
_ALPHABETS = (
    ("Latin", "àçèéíïòóú", ""),  # Catalan
    ("Latin", "čćđšž", ""),  # Croatian, Bosnian, Serbian (Latin), Slovene
    ("Latin", "áčďéěíňóřšťúůýž", ""),  # Czech
    # Danish, Norwegian; "á" for the Sámi names in Norwegian text ("Sámi", "Kárášjohka")
    ("Latin", "áåæéø", "åæø"),
    ("Latin", "éèëïöü", ""),  # Dutch
    ("Latin", "äöõüšž", "äöõü"),  # Estonian
    ("Latin", "åäöšž", "äö"),  # Finnish
    ("Latin", "àâæçéèêëîïôœùûüÿ", "é"),  # French
    # French-based creoles (Haitian, Antillean and Guianese Kréyòl, Louisiana Creole): the
    # French letters they keep and 'ò' ("kréyòl", "bò lanmè"), which French has no word with;
    # not 'æ' or 'œ', which is how cp1252 reads Croatian 'ć' and Polish 'ś'
    ("Latin", "àâçéèêëîïòôùûü", "èò"),
    ("Latin", "äéöüß", "äöüß"),  # German
    ("Latin", "áéíóöőúüű", ""),  # Hungarian
    ("Latin", "áæðéíóöúýþ", "ðþ"),  # Icelandic
    ("Latin", "áéíóú", ""),  # Irish
    ("Latin", "àèéìòóù", ""),  # Italian
    ("Latin", "āčēģīķļņšūž", ""),  # Latvian
    ("Latin", "ąčęėįšųūž", ""),  # Lithuanian
    ("Latin", "ąćęłńóśźż", ""),  # Polish
    ("Latin", "áàâãçéêíóôõú", ""),  # Portuguese
    # Romanian: "şi" and "în" are in every paragraph, so "ă" alone is not Romanian
    # (it is cp1250's reading of the "ã" of Aromanian saved as cp1252).
    ("Latin", "ăâîşșţț", "âîşșţț"),
    ("Latin", "áäčďéíĺľňóôŕšťúýž", ""),  # Slovak
    ("Latin", "áéíñóúü", ""),  # Spanish
    ("Latin", "åäéö", "åäö"),  # Swedish
    ("Latin", "âçğıîöşûüİ", "ğış"),  # Turkish
    ("Cyrillic", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", ""),  # Russian
    ("Cyrillic", "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя", ""),  # Ukrainian
    ("Cyrillic", "абвгдеёжзійклмнопрстуўфхцчшыьэюя", ""),  # Belarusian
    ("Cyrillic", "абвгдежзийклмнопрстуфхцчшщъьюя", ""),  # Bulgarian
    ("Cyrillic", "абвгдђежзијклљмнњопрстћуфхцчџш", ""),  # Serbian
    ("Cyrillic", "абвгдѓежзѕијклљмнњопрстќуфхцчџш", ""),  # Macedonian
    ("Greek", "αβγδεζηθικλμνξοπρστυφχψωςάέήίόύώϊϋΐΰ", ""),
)
#: From this many non-ASCII letters on, a text is a paragraph: it must have
#: one of its language's common letters (fewer: "à la carte", "Köln").
_PARAGRAPH_LETTERS = 5


def _cased(letters: str) -> frozenset[str]:
    return frozenset(c for c in letters + letters.upper() if not c.isascii())


_LETTER_SETS = tuple((script, _cased(letters), _cased(common)) for script, letters, common in _ALPHABETS)
# Scripts of one language (or of close ones) that are taken as a whole.
_SCRIPT_RANGES = (("Hebrew", 0x0590, 0x05FF), ("Arabic", 0x0600, 0x06FF), ("Thai", 0x0E00, 0x0E7F))
# Non-letters that may sit between two letters: apostrophes, dashes, no-break
# and soft hyphen, the Catalan middle dot.
_JOINERS = frozenset("\u2019\u00b4\u2010\u2011\u2013\u2014\u00a0\u00ad\u00b7")
# Signs that may touch a letter on one side ("“Yes”", "¿Qué", "m²", "°C",
# "µg", "Nº"); any other symbol next to a letter is a letter of another code page.
_EDGE_SIGNS = frozenset("‘’‚“”„…«»‹›¿¡²³¹°™®©•§µªº")
# Punctuation and signs any language's text may use (in whatever code page).
_SIGNS = _JOINERS | _EDGE_SIGNS | frozenset("€£¥¢±×÷¼½¾¶")
# Signs that Python counts as letters.
_LETTER_LIKE_SIGNS = frozenset("µªº")


@functools.lru_cache(maxsize=4096)
def _script(letters: frozenset[str], paragraph: bool = False) -> str | None:
    """The script of a language whose alphabet holds all of ``letters`` (non-ASCII), if any.

    No letters at all fit any language; ASCII letters being Latin, "Latin".
    In a ``paragraph`` (see :data:`_PARAGRAPH_LETTERS`) the language's common letters must show.
    """
    if not letters:
        return "Latin"
    for script, alphabet, common in _LETTER_SETS:
        if letters <= alphabet and not (paragraph and common and letters.isdisjoint(common)):
            return script
    for script, low, high in _SCRIPT_RANGES:
        if all(low <= ord(c) <= high for c in letters):
            return script
    return None


@functools.cache
def _code_page(name: str) -> tuple[tuple[str, ...], bytes]:
    """A single-byte code page's 256 characters (U+FFFD where undefined) and a translation
    table to word classes: "a" ASCII letter, "L" other Latin letter, "N" non-Latin letter,
    "S" sign that may touch a letter on one side, "T" symbol that never touches one,
    " " the rest (ASCII non-letters, joiners, combining marks)."""
    chars = tuple(bytes([b]).decode(name, errors="replace") for b in range(256))

    def word_class(char: str) -> int:
        if char.isalpha() and char not in _LETTER_LIKE_SIGNS:
            return ord("a" if char.isascii() else "L" if unicodedata.name(char, "").startswith("LATIN") else "N")
        if char.isascii() or char in _JOINERS or unicodedata.category(char).startswith("M"):
            return ord(" ")
        return ord("S" if char in _EDGE_SIGNS else "T")

    return chars, bytes(map(word_class, chars))


_ANY_LETTER = bytes.maketrans(b"aLN", b"LLL")


def _byte_values(data: bytes) -> frozenset[int]:
    """The distinct byte values of ``data``: those of a sample, then those a pass
    deleting them leaves (``frozenset(data)`` takes a second on 64 MiB)."""
    seen = frozenset(data[:1024])
    return seen | frozenset(data.translate(None, bytes(seen)))


def _letters(high: frozenset[int], name: str) -> frozenset[str]:
    """The non-ASCII letters code page ``name`` reads the bytes ``high`` as."""
    chars = _code_page(name)[0]
    return frozenset(
        c for c in map(chars.__getitem__, high) if c.isalpha() and not c.isascii() and c not in _LETTER_LIKE_SIGNS
    )


def _reading_script(data: bytes, high: frozenset[int], name: str) -> str | None:
    """The script of ``data`` (whose bytes are ``high``) read as single-byte code page
    ``name``, when that reading could be text in one language, else None.

    It could not when its letters fit no one alphabet, when a symbol sits
    inside a word, when a word mixes ASCII (Latin) letters with letters
    of another script ("ownersТs", cp1125's reading of "owners’s"), or when
    it puts a combining mark after a consonant (:func:`_marks_after_consonants`).
    """
    if _marks_after_consonants(data, high, name):
        return None
    classes = data.translate(_code_page(name)[1])
    if b"aN" in classes or b"Na" in classes or b"LN" in classes or b"NL" in classes:
        return None
    words = classes.translate(_ANY_LETTER)
    if b"LSL" in words or b"LT" in words or b"TL" in words:
        return None
    return _script(_letters(high, name), classes.count(b"L") >= _PARAGRAPH_LETTERS)


# Vowels of Vietnamese, the one language whose single-byte code page (cp1258) spells letters
# with combining tone marks: a mark belongs after one of them.
_TONE_BEARERS = frozenset("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")


@functools.cache
def _marks_and_pattern(name: str) -> tuple[frozenset[int], re.Pattern[bytes] | None]:
    """The bytes code page ``name`` reads as combining marks, and a pattern for one of them at
    the start or after a byte it reads as no vowel of :data:`_TONE_BEARERS` (None without marks).
    The pattern is searched on the bytes: a long input is neither decoded nor walked in Python."""
    chars = _code_page(name)[0]
    marks = bytes(b for b in range(256) if unicodedata.category(chars[b]).startswith("M"))
    if not marks:
        return frozenset(), None
    vowels = bytes(b for b in range(256) if chars[b] in _TONE_BEARERS)
    return frozenset(marks), re.compile(b"(?<![" + re.escape(vowels) + b"])[" + re.escape(marks) + b"]")


def _marks_after_consonants(data: bytes, high: frozenset[int], name: str) -> bool:
    """Whether code page ``name`` reads a byte of ``data`` (whose bytes are ``high``) as a
    combining mark that follows no vowel: cp1258 reads Kréyòl's 'ò' as a dot below, so "bò"
    came out "ḅ"."""
    marks, pattern = _marks_and_pattern(name)
    return pattern is not None and not marks.isdisjoint(high) and pattern.search(data) is not None


# --- The cp1252 fast path -----------------------------------------------------------

# What a cp1252 byte is to the fast path: "a" ASCII letter, "d" digit, "H"
# letter, "S" symbol that never sits inside a word, "C" currency sign (before
# a digit), "P" ordinal or exponent (after a digit), " " anything neutral
# (ASCII punctuation, space, joiners), "X" a byte Western text does not use
# (undefined in cp1252, and the letters DOS and Mac code pages put where
# cp1252 has ‚ ƒ ˆ Š Ž š ž Ÿ: their presence needs the detector).
_FAST_CLASSES = {
    "H": "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœ",
    "S": "€…‘“”„•™‹›¡¢§©«®°±µ¶»¼½¾¿×÷",
    "C": "£¥",
    "P": "ª\u00ba²³¹",  # ordinals (º is not °) and exponents
    " ": "’´–—\xa0\xad·",
}


def _fast_class_table() -> bytes:
    table = bytearray(ord("a") if chr(b).isalpha() else ord("d") if chr(b).isdigit() else ord(" ") for b in range(0x80))
    table += b"X" * 0x80
    for cls, chars in _FAST_CLASSES.items():
        for byte in chars.encode(WESTERN):
            table[byte] = ord(cls)
    return bytes(table)


_WESTERN_CLASSES = _fast_class_table()
# Second pass for "a symbol inside a word": any letter "a", any symbol "S".
_WORD_CLASSES = bytes.maketrans(b"HCP", b"aSS")
_BEFORE_DIGIT = frozenset(_FAST_CLASSES["C"].encode(WESTERN))
_AFTER_DIGIT = frozenset(_FAST_CLASSES["P"].encode(WESTERN))
# Latin code pages that read some of those bytes as other letters.
_RIVALS = ("cp1250", "cp1254", "cp1257", "iso8859_2", "iso8859_4", "iso8859_13", "iso8859_15", "iso8859_16")


def _plain_western(data: bytes) -> bool:
    """True when ``data`` (not UTF-8) is clearly cp1252 Western text; False leaves it to the detector.

    Conservative by design: the cp1252 reading must be plausible and no
    other reading may be. Non-Latin scripts write words as runs of non-ASCII
    bytes (three in a row are refused; Western words practically never have
    them); DOS and Mac pages put letters where cp1252 has punctuation, which
    then stands inside words ("B„ume" for "Bäume"); ISO-8859-2 puts letters
    where cp1252 has symbols ("b±d¼" for "bądź"). The other Latin code pages
    (:data:`_RIVALS`) read the same letter bytes as other letters: the bytes
    are cp1252 only when its letters fit one language and no rival's do
    ("año más" is Spanish; as cp1250, "ańo más", it would need Polish 'ń'
    and Czech 'á'). A '’' between two letters is taken as an apostrophe,
    which a Mac Roman 'í' also is; Mac Roman web text is practically extinct.
    """
    classes = data.translate(_WESTERN_CLASSES)
    if b"X" in classes or b"HHH" in classes or b"aSa" in classes.translate(_WORD_CLASSES):
        return False
    high = _byte_values(data.translate(None, _ASCII_BYTES))
    # '£5' and '2º' cannot be the letters ('Ł', 'ş') other pages have there.
    if b"C" in classes and classes.count(b"C") == classes.count(b"Cd"):
        high -= _BEFORE_DIGIT
    if b"P" in classes and classes.count(b"P") == classes.count(b"dP"):
        high -= _AFTER_DIGIT
    return _only_western(high, classes.count(b"H") >= _PARAGRAPH_LETTERS)


@functools.lru_cache(maxsize=4096)
def _only_western(high: frozenset[int], paragraph: bool) -> bool:
    """True when the bytes ``high`` read as cp1252 are the letters of one language
    and no rival code page that reads them differently finds that too."""
    if _script(_letters(high, WESTERN), paragraph) != "Latin":
        return False
    western = _code_page(WESTERN)[0]
    for name in _RIVALS:
        chars = _code_page(name)[0]
        if not any(chars[b] != western[b] for b in high):
            continue  # the same text
        if {chars[b] for b in high} <= _SIGNS | _letters(high, name) and _script(_letters(high, name), paragraph):
            return False
    return True


# --- The detector -------------------------------------------------------------------

#: Readings whose mess ratios differ by less than this are equally tidy: a
#: right and a wrong Latin reading of a news paragraph commonly differ by
#: 0.005-0.015 (one 'ã' after 'ç' counts as mess).
_CHAOS_TIE = 0.02
#: When no reading that tidy could be text in one language, the tidiest one that
#: could, up to this much messier: a short text's few letters outside ASCII weigh
#: heavily in the ratio (Aromanian "pãnã seara" as cp1252 scores 0.06 where its
#: cp1250 reading, Romanian letters without "şi" or "în", scores 0.0).
_CHAOS_NEAR = 0.1
# DOS, EBCDIC and HP code pages (Mac ones are "mac_*"): terminal-era, never
# what a web page or scraped article is in when a web code page reads as well.
_LEGACY_PAGES = frozenset(
    "cp437 cp720 cp737 cp775 cp850 cp852 cp855 cp856 cp857 cp858 cp860 cp861 cp862 cp863 cp864 cp865 "
    "cp866 cp869 cp1125 cp037 cp273 cp424 cp500 cp875 cp1026 cp1140 hp_roman8".split()
)


def _is_legacy(name: str) -> bool:
    return name in _LEGACY_PAGES or name.startswith("mac_")


def _name(match: CharsetMatch) -> str:
    """The code page to name for a match: among those that decode the bytes identically,
    cp1252, else the first web code page, else the detector's."""
    group = match.could_be_from_charset
    if WESTERN in group:
        return WESTERN
    return next((name for name in group if not _is_legacy(name)), match.encoding)


def _choose(data: bytes, readings: list[CharsetMatch]) -> tuple[CharsetMatch, str]:
    """Pick among the detector's single-byte readings (in its order) by evidence it does not weigh.

    Among the readings as tidy as the best (within :data:`_CHAOS_TIE`),
    those that could be text in one language (:func:`_reading_script`) go
    first, if there are any; if there are none, the tidiest reading that could
    be, within :data:`_CHAOS_NEAR` of the best. The first of those wins, with
    two exceptions.

    When no reading is plausible, the tidiest plausible reading by a web
    code page the detector skipped wins (:func:`_skipped_readings`).

    A DOS, Mac or EBCDIC code page gives way to the first web code page
    that plausibly reads the bytes in the same script (in any script if the
    legacy reading is not plausible itself), however tidy: scraped text is
    practically never in a terminal-era code page when a web one reads it as
    well. The detector's scores favour DOS pages that turn cp1252's curly
    quotes into letters ("cafÚ ownersĺ"). A genuine DOS text stays DOS when
    no web code page reads it as one language (cp866 Russian read as cp1251
    has symbols inside its words).

    And cp1252 wins when it is as tidy (within 0.01): Western text often
    decodes identically, or equally plausibly, as cp1250/cp1257, and cp1252
    is by far the most common of these on the web.
    """
    named = [(match, _name(match)) for match in readings]
    high = _byte_values(data)
    script = {name: _reading_script(data, high, name) for _, name in named}
    if not any(script.values()) and (skipped := _skipped_readings(data, high, readings)):
        return skipped[0]
    best = named[0][0].chaos
    tied = [(m, n) for m, n in named if m.chaos <= best + _CHAOS_TIE]
    plausible_tied = [(m, n) for m, n in tied if script[n]]
    nearest_plausible = next(((m, n) for m, n in named if script[n] and m.chaos <= best + _CHAOS_NEAR), None)
    pool = plausible_tied or ([nearest_plausible] if nearest_plausible else tied)
    chosen = pool[0]
    if _is_legacy(chosen[1]):
        web = (r for r in named if not _is_legacy(r[1]) and script[r[1]] and script[chosen[1]] in (None, script[r[1]]))
        chosen = next(web, chosen)
    western = (r for r in pool if r[1] == WESTERN and r[0].chaos <= chosen[0].chaos + 0.01)
    return next(western, chosen)


# Web single-byte code pages, for readings the detector did not list.
_WEB_CODE_PAGES = (
    "cp1250", "iso8859_2", "cp1251", "koi8_r", "cp1253", "iso8859_7", "cp1254",
    "cp1255", "cp1256", "cp1257", "iso8859_13", "cp874",
)


def _skipped_readings(data: bytes, high: frozenset[int], readings: list[CharsetMatch]) -> list[tuple[CharsetMatch, str]]:
    """Plausible readings by web code pages missing from ``readings``, the tidiest first.

    charset-normalizer passes over a code page once a similar one failed:
    ISO-8859-2 Polish is never tried after cp1250, whose reading of it has
    '±' and '¶' inside words.
    """
    listed = {name for match in readings for name in match.could_be_from_charset}
    found = []
    for name in _WEB_CODE_PAGES:
        if name in listed or not _decodes(data, name) or not _reading_script(data, high, name):
            continue
        found += [(match, name) for match in charset_normalizer.from_bytes(data, cp_isolation=[name])]
    return sorted(found, key=lambda reading: reading[0].chaos)


def _decodes(data: bytes, name: str) -> bool:
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _detect(data: bytes) -> tuple[str, str]:
    """Ask charset-normalizer; among single-byte readings, choose with :func:`_choose`."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise UndecodableInputError("binary data, not text (no text encoding fits)")
    if is_multi_byte_encoding(best.encoding):
        return str(best), codecs.lookup(best.encoding).name
    match, name = _choose(data, [m for m in matches if not is_multi_byte_encoding(m.encoding)])
    return str(match), codecs.lookup(name).name


# --- The entry point ----------------------------------------------------------------


def decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode ``data`` (not UTF-8, no BOM) by a legacy code page: ``(text, encoding)``.

    The cp1252 fast path first, then the detector. Raises
    :class:`UndecodableInputError` when no text encoding fits.
    """
    if _plain_western(data):
        return data.decode(WESTERN), WESTERN
    return _detect(data)
