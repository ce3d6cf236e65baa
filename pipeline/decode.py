"""Stage 1: bytes to text (or to an HTML page's source), with the encoding recorded.

Order of evidence, strongest first: known binary signatures (refuse), a BOM,
the NUL-byte pattern of BOM-less UTF-16/32, strict UTF-8, UTF-8 with a few
stray single-byte characters (common when cp1252 quotes get pasted into a
UTF-8 file), and only then the legacy encodings. A detector is never asked
first: on short texts it mistakes UTF-8 for exotic code pages, while strict
UTF-8 decoding almost never succeeds by accident.

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

HTML pages add one piece of evidence, their declared charset (``<meta
charset>`` or ``http-equiv``), which ranks after a BOM and after strict
UTF-8: pages that declare ISO-8859-1 but are served as UTF-8 are common,
while a real ISO-8859-1 page with accents is practically never valid UTF-8.
Whether the bytes are HTML at all is sniffed the way browsers do (WHATWG
MIME sniffing: the first tag after leading whitespace).
"""

from __future__ import annotations

import codecs
import functools
import unicodedata

import charset_normalizer
import regex
from charset_normalizer import CharsetMatch
from charset_normalizer.utils import is_multi_byte_encoding

from .document import Document
from .errors import EmptyInputError, UndecodableInputError

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)

_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip data (name the file *.gz to have it decompressed)"),
    (b"\x7fELF", "ELF executable"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"(\xb5/\xfd", "zstd data"),
)
_BINARY_PREFIXES = tuple(signature for signature, _ in _BINARY_SIGNATURES)

WESTERN = "cp1252"
_UTF8_MULTIBYTE = regex.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_BYTES = bytes(range(0x80))
# A byte that can start a UTF-8 multi-byte sequence becomes "L", one that can
# continue it "C": without an "LC" pair there is no sequence at all.
_UTF8_PAIRS = bytes(
    ord("L") if 0xC2 <= b <= 0xF4 else ord("C") if 0x80 <= b <= 0xBF else ord(" ") for b in range(256)
)
# Control characters that never occur in text (tab, LF, FF, CR, ESC excluded).
_BINARY_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BINARY_CONTROL_RATIO = 0.05
# Every byte but those control characters: deleting them leaves the controls.
_NOT_BINARY_CONTROL_BYTES = bytes(b for b in range(256) if not _BINARY_CONTROL.match(chr(b)))
# Encodings in which a control character can only come from the same byte, so
# that bytes without one decode to text without one.
_CONTROLS_ARE_BYTES = frozenset({"utf-8", "utf-8-sig", WESTERN})


def _cp1252_for_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: read an invalid UTF-8 byte as cp1252 (latin-1 if undefined)."""
    byte = error.object[error.start : error.start + 1]
    try:
        char = byte.decode("cp1252")
    except UnicodeDecodeError:
        char = byte.decode("latin-1")
    return char, error.start + 1


codecs.register_error("boilerstrip-cp1252", _cp1252_for_stray_bytes)


def _sniff_utf16_32(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16/32 by where its NUL bytes fall.

    Text in Latin, Cyrillic, Greek... scripts has a zero high byte in most
    code units; for UTF-16-LE that puts NULs at odd offsets.
    """
    if len(data) < 4 or data.find(b"\x00", 0, 4096) < 0:  # find: no copy of the sample
        return None
    sample = data[:4096]
    candidates = []
    if len(data) % 4 == 0:
        candidates += [("utf-32-le", 1, 4, (1, 2, 3)), ("utf-32-be", 1, 4, (0, 1, 2))]
    if len(data) % 2 == 0:
        candidates += [("utf-16-le", 1, 2, (1,)), ("utf-16-be", 1, 2, (0,))]
    for name, _, width, zero_offsets in candidates:
        units = len(sample) // width
        zeros = sum(
            1
            for i in range(units)
            if all(sample[i * width + off] == 0 for off in zero_offsets)
        )
        if units and zeros / units >= 0.6:
            try:
                data.decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


def _mostly_utf8(data: bytes) -> bool:
    """True when valid UTF-8 sequences outnumber the stray high bytes."""
    if b"LC" not in data.translate(_UTF8_PAIRS):
        return False  # no sequence can start anywhere (plain cp1252 text): skip the slow scan
    sequences = _UTF8_MULTIBYTE.findall(data)
    stray = len(data) - len(data.translate(None, _HIGH_BYTES)) - sum(map(len, sequences))
    return bool(sequences) and stray <= len(sequences)


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
    ("Latin", "åæéø", "åæø"),  # Danish, Norwegian
    ("Latin", "éèëïöü", ""),  # Dutch
    ("Latin", "äöõüšž", "äöõü"),  # Estonian
    ("Latin", "åäöšž", "äö"),  # Finnish
    ("Latin", "àâæçéèêëîïôœùûüÿ", "é"),  # French
    ("Latin", "äéöüß", "äöüß"),  # German
    ("Latin", "áéíóöőúüű", ""),  # Hungarian
    ("Latin", "áæðéíóöúýþ", "ðþ"),  # Icelandic
    ("Latin", "áéíóú", ""),  # Irish
    ("Latin", "àèéìòóù", ""),  # Italian
    ("Latin", "āčēģīķļņšūž", ""),  # Latvian
    ("Latin", "ąčęėįšųūž", ""),  # Lithuanian
    ("Latin", "ąćęłńóśźż", ""),  # Polish
    ("Latin", "áàâãçéêíóôõú", ""),  # Portuguese
    ("Latin", "ăâîşșţț", ""),  # Romanian
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


@functools.lru_cache(maxsize=None)
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
    inside a word, or when a word mixes ASCII (Latin) letters with letters
    of another script ("ownersТs", cp1125's reading of "owners’s").
    """
    classes = data.translate(_code_page(name)[1])
    if b"aN" in classes or b"Na" in classes or b"LN" in classes or b"NL" in classes:
        return None
    words = classes.translate(_ANY_LETTER)
    if b"LSL" in words or b"LT" in words or b"TL" in words:
        return None
    return _script(_letters(high, name), classes.count(b"L") >= _PARAGRAPH_LETTERS)


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
    first, if there are any. The first of those wins, with two exceptions.

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
    tied = [(m, n) for m, n in named if m.chaos <= named[0][0].chaos + _CHAOS_TIE]
    pool = [(m, n) for m, n in tied if script[n]] or tied
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


# --- Decoding -----------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode by the order of evidence (see the module docstring): ``(text, encoding, flags)``."""
    if data.startswith(_BOM_PREFIXES):
        for bom, name in _BOMS:
            if data.startswith(bom):
                try:
                    text = data[len(bom) :].decode(name)
                except UnicodeDecodeError as exc:
                    raise UndecodableInputError(f"starts with a {name} byte-order mark but is not {name}: {exc.reason}") from None
                return text, name + "-sig" if name == "utf-8" else name, ("bom-removed",)
    if sniffed := _sniff_utf16_32(data):
        return data.decode(sniffed), sniffed, ()
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="boilerstrip-cp1252"), "utf-8", ("invalid-utf8-bytes-repaired",)
    if _plain_western(data):
        return data.decode(WESTERN), WESTERN, ("encoding-detected",)
    text, encoding = _detect(data)
    return text, encoding, ("encoding-detected",)


def decode_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode ``data``; return ``(text, encoding name, flags)``.

    Raises :class:`UndecodableInputError` for binary data and
    :class:`EmptyInputError` when there is nothing but whitespace.
    """
    if data.startswith(_BINARY_PREFIXES):
        kind = next(kind for signature, kind in _BINARY_SIGNATURES if data.startswith(signature))
        raise UndecodableInputError(f"binary data, not text ({kind})")
    text, encoding, flags = _decode(data)
    if not text or text.isspace():  # the same test as text.strip() == "", without the copy
        raise EmptyInputError("empty input (no text)" if not text else "input is whitespace only")
    if encoding not in _CONTROLS_ARE_BYTES or data.translate(None, _NOT_BINARY_CONTROL_BYTES):
        sample = text[:65536]
        if len(_BINARY_CONTROL.findall(sample)) > _BINARY_CONTROL_RATIO * len(sample):
            raise UndecodableInputError(f"binary data, not text (too many control characters for {encoding})")
    return text, encoding, flags


# WHATWG MIME sniffing, "rules for identifying an unknown MIME type": after
# optional whitespace, one of these tags followed by a space or '>' means HTML.
_HTML_START = regex.compile(
    rb"^[\t\n\x0c\r ]*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|meta|!--)[\t\n\x0c\r />]",
    regex.IGNORECASE,
)
# The whitespace both patterns allow before the first '<'.
_HTML_SPACE = b"\t\n\x0c\r "
_XML_WITH_HTML = regex.compile(rb"^[\t\n\x0c\r ]*<\?xml[^>]*>[\s\S]{0,1024}?<(?:!doctype\s+html|html)[\s>]", regex.IGNORECASE)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = regex.compile(rb"<meta\b[^>]{0,512}?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", regex.IGNORECASE)
_XML_ENCODING = regex.compile(rb"^<\?xml[^>]{0,200}?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})", regex.IGNORECASE)
#: How far into a page its charset declaration is looked for (WHATWG says
#: 1024 bytes; real pages put long <script> blocks first, so look further).
CHARSET_PRESCAN_BYTES = 8192
# Labels browsers decode with a superset codec (WHATWG Encoding Standard): pages
# labelled ISO-8859-1 use cp1252's quotes and dashes, GB2312 pages use GBK, ...
_CHARSET_ALIASES = {
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "x-user-defined"), WESTERN),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5"), "cp1254"),
    **dict.fromkeys(("iso-8859-11", "tis-620", "tis620"), "cp874"),
    **dict.fromkeys(("gb2312", "gb_2312", "gb_2312-80", "x-gbk", "chinese"), "gbk"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "ksc5601", "korean"), "cp949"),
}


def sniff_format(data: bytes) -> str:
    """"html" when the bytes start like an HTML document (after a BOM), else "text"."""
    head = data[:2048]
    if head.startswith(_BOM_PREFIXES):
        for bom, name in _BOMS:
            if head.startswith(bom):
                if name == "utf-8":
                    head = head[len(bom):]
                else:  # UTF-16/32: look at the characters, not the bytes
                    head = head[len(bom):].decode(name, errors="ignore").encode("utf-8")
                break
    if head.lstrip(_HTML_SPACE)[:1] != b"<":
        return "text"  # both patterns need a '<' first: skip them for plain text
    return "html" if _HTML_START.match(head) or _XML_WITH_HTML.match(head) else "text"


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares for itself (meta charset or XML declaration), if Python knows it."""
    head = data[:CHARSET_PRESCAN_BYTES]
    m = _XML_ENCODING.match(head.lstrip()) or _META_CHARSET.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode an HTML page: BOM, then strict UTF-8, then the declared charset, then detection.

    Raises like :func:`decode_bytes` for binary and empty input.
    """
    declared = declared_charset(data)
    if declared and declared not in ("utf-8", "utf-16", "utf-32") and not data.startswith(_BOM_PREFIXES):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode(declared)
            except UnicodeDecodeError:
                pass  # the declaration is wrong too: fall back to the evidence of the bytes
            else:
                if text.strip():
                    return text, declared, ()
    return decode_bytes(data)


def decode(doc: Document) -> Document:
    """Stage function: fill ``text`` (or ``html``), ``format`` and ``encoding`` from ``raw``."""
    if doc.raw is None:
        raise ValueError("decode() needs a document with raw bytes")
    kind = doc.format or sniff_format(doc.raw)
    if kind == "html":
        html, encoding, flags = decode_html_bytes(doc.raw)
        return doc.evolve(html=html, format=kind, encoding=encoding, add_flags=flags)
    text, encoding, flags = decode_bytes(doc.raw)
    return doc.evolve(text=text, format=kind, encoding=encoding, add_flags=flags)
