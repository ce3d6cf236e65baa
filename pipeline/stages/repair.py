"""Stage 2: repair the text's encoding damage and canonicalise each line (and each text field).

ftfy fixes mojibake, HTML entities, control characters and line breaks. Its
defaults are changed deliberately where they would rewrite good text:

* ``uncurl_quotes=False``: curly quotes are correct typography; folding them
  is an output option (``--ascii-punctuation``), not a repair.
* ``fix_character_width=False``: full-width forms are normal in CJK text.
* ``unescape_html=True``: the input here is plain text, so ``&amp;`` and
  ``&#39;`` are leftovers to decode, even on lines that contain a ``<``
  (ftfy's ``"auto"`` would stop unescaping for the rest of the text).

After ftfy, each line is canonicalised so that rules see one form: invisible
format characters removed (zero-width joiner/non-joiner kept, they change how
Indic, Persian and emoji text reads), every space character made an ASCII
space, runs of spaces collapsed, the line stripped, NFC.

The record's other text fields (title, description, publisher, author:
``TEXT_FIELDS``) are repaired here too, each as one line (``repair_field``):
a page's meta tags carry the same damage as its body.

Most lines of most documents need none of this, so ``repair_text`` first
finds, with a few scans of the whole document at C speed, the lines that can
change, and runs the per-line repair on those alone; every other line is
copied as it is. The output is exactly what repairing every line gives
(``tests/reference_repair.py`` keeps that implementation as the oracle).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from typing import Any

import ftfy
import regex
from ftfy import badness, chardata

from pipeline import flags as F
from pipeline.document import Document
from pipeline.errors import LineTooLongError
from pipeline.stages import Stage

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=True,
    uncurl_quotes=False,
    fix_character_width=False,
    normalization="NFC",
    explain=True,
)

# Which flag an ftfy explanation step raises.
_STEP_FLAGS = {
    "encode": F.MOJIBAKE_REPAIRED,
    "decode": F.MOJIBAKE_REPAIRED,
    "transcode": F.MOJIBAKE_REPAIRED,
    "unescape_html": F.HTML_ENTITIES_UNESCAPED,
    "fix_c1_controls": F.CONTROL_CHARS_REMOVED,
    "remove_control_chars": F.CONTROL_CHARS_REMOVED,
    "remove_terminal_escapes": F.CONTROL_CHARS_REMOVED,
    "fix_surrogates": F.SURROGATES_REPAIRED,
    "fix_latin_ligatures": F.LIGATURES_EXPANDED,
}

# Format characters (Cf) other than ZWNJ/ZWJ: zero-width space, word joiner,
# BOM, soft hyphen, bidi marks... invisible, and they break tokenisers.
_INVISIBLE = regex.compile(r"[\p{Cf}--[\u200c\u200d]]+", flags=regex.V1)
# Control characters left after ftfy; tab, VT and FF are treated as spaces.
_CONTROL = regex.compile(r"[\p{Cc}--[\n\t\x0b\x0c]]", flags=regex.V1)
# What ftfy could change in a pure-ASCII line: entities and control characters.
_ASCII_FTFY_TARGET = regex.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")
_SPACE_RUN = regex.compile(r"[\p{Zs}\t\x0b\x0c]+")
_NON_ASCII_SPACE = regex.compile(r"[\p{Zs}--[ ]]", flags=regex.V1)


def _ftfy_fixer_characters() -> str:
    """The body of a character class of everything ftfy's fixers other than the mojibake
    detector act on, read from ftfy's own tables (so it follows ftfy upgrades):
    HTML entities (``&``), C1 controls, Latin ligatures, line and paragraph
    separators, surrogates, terminal escapes, control characters."""
    chars = {"&", "\x1b", "\r", "\u2028", "\u2029", "\x85"}
    chars.update(map(chr, range(0x80, 0xA0)))
    chars.update(map(chr, chardata.LIGATURES))
    chars.update(map(chr, chardata.CONTROL_CHARS))
    return "".join(re.escape(c) for c in sorted(chars)) + "\ud800-\udfff"


_FIXER_CHARACTERS = _ftfy_fixer_characters()
_FIXER_TARGET = re.compile(f"[{_FIXER_CHARACTERS}]")
# Characters that can match ftfy's mojibake detector on their own (C1 controls,
# 'œ' before a non-letter, 'Ã'/'Â' before a space); every other pattern of the
# detector needs two non-ASCII characters side by side. `_detector_needs_hint()`
# checks that claim against the detector's own regex when this module loads.
_SINGLE_CHAR_MOJIBAKE = "\x80-\x9fŒœÃÂ"
# Two adjacent non-ASCII characters, or one of those. Written to start with a
# character class, which the stdlib `re` scans for quickly (the plain
# alternation `[^\x00-\x7f]{2}|[...]` is tried branch by branch at every position).
_MOJIBAKE_HINT = re.compile(f"[^\\x00-\\x7f](?:[^\\x00-\\x7f]|(?<=[{_SINGLE_CHAR_MOJIBAKE}]))")


def _detector_needs_hint() -> bool:
    """True if every branch of ftfy's ``BADNESS_RE`` must match either a character
    of ``_SINGLE_CHAR_MOJIBAKE`` or two adjacent non-ASCII characters.

    Walks the parsed regex: a branch qualifies when one of its single-character
    items can only match those characters, or two consecutive mandatory items
    can only match non-ASCII ones. Anything the walk does not understand
    disqualifies the branch, and then ``is_bad`` is always consulted.
    """
    try:
        from re import _constants as sre  # type: ignore[attr-defined]  # private: not in typeshed
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        tree = sre_parse.parse(badness.BADNESS_RE.pattern, badness.BADNESS_RE.flags)
        (op, (_, branches)), = tree.data
        if op is not sre.BRANCH:
            return False
    except Exception:  # an ftfy or Python version this walk was not written for
        return False
    single = {c for c in range(0x80, 0xA0)} | set(map(ord, "ŒœÃÂ"))

    def charset(item: tuple[Any, Any]) -> set[int] | None:
        """The code points one item matches, or None for 'not exactly one char / unknown'."""
        op, av = item
        if op is sre.LITERAL:
            return {av}
        if op is not sre.IN:
            return None
        points: set[int] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                points.add(value)
            elif kind is sre.RANGE:
                points.update(range(value[0], value[1] + 1))
            else:  # NEGATE, CATEGORY (\w, \s): includes ASCII
                return None
        return points

    for branch in branches:
        sets = [charset(item) for item in branch]
        if any(s is not None and s <= single for s in sets):
            continue
        if any(a is not None and b is not None and min(a) >= 0x80 and min(b) >= 0x80
               for a, b in zip(sets, sets[1:], strict=False)):
            continue
        return False
    return True


_DETECTOR_NEEDS_HINT = _detector_needs_hint()


# ftfy's mojibake detector is a costly regex, asked twice of a line that needs
# repair (by the document scan and by `needs_ftfy`): remember its recent answers.
_is_bad = lru_cache(maxsize=256)(badness.is_bad)


def needs_ftfy(line: str) -> bool:
    """Cheap exact pre-check: False only when ftfy would return ``line`` unchanged.

    ftfy changes a line only if one of its steps does: unescaping (needs
    ``&``), the mojibake fixer (needs ``is_bad(line)``, a costly regex, which
    in turn needs a hint character, see ``_MOJIBAKE_HINT``), the character
    fixers (need a character of ``_FIXER_TARGET``) or NFC normalisation (needs
    a line that is not NFC already). Most lines of most text have none, and
    skip ftfy. Property tests check the identity against ftfy itself.
    """
    if line.isascii():
        return _ASCII_FTFY_TARGET.search(line) is not None
    if _FIXER_TARGET.search(line) or not unicodedata.is_normalized("NFC", line):
        return True
    if _DETECTOR_NEEDS_HINT and _MOJIBAKE_HINT.search(line) is None:
        return False
    return _is_bad(line)


def repair_line(line: str) -> tuple[str, set[str]]:
    """Repair one line with ftfy; return the fixed line and the flags it raised.

    ftfy may turn a U+2028/U+0085 line separator into ``\\n``, so the result
    can hold several lines.
    """
    if not needs_ftfy(line):
        return line, set()
    fixed, flags = _ftfy_line(line)
    return fixed, set(flags)


@lru_cache(maxsize=1024)
def _ftfy_line(line: str) -> tuple[str, frozenset[str]]:
    """ftfy on one line that needs it, and the flags its steps raise. Remembered for
    recent lines: ftfy takes about 0.2 ms on a line of mojibake, and crawls repeat
    lines (footers, bylines, boilerplate an extractor left)."""
    fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
    flags = (_STEP_FLAGS.get(step.action) or _STEP_FLAGS.get(step.parameter) for step in steps or ())
    return fixed, frozenset(flag for flag in flags if flag)


def canonical_line(line: str) -> tuple[str, set[str]]:
    """Whitespace and invisible-character canonicalisation of one line."""
    flags: set[str] = set()
    if _is_canonical(line):
        return line, flags  # the usual case after ftfy; the code below would change nothing
    if not line.isascii():
        if _NON_ASCII_SPACE.search(line):
            flags.add(F.UNICODE_SPACES_REPLACED)
        stripped = _INVISIBLE.sub("", line)
        if stripped != line:
            flags.add(F.INVISIBLE_CHARS_REMOVED)
            line = unicodedata.normalize("NFC", stripped)
    if _CONTROL.search(line):
        flags.add(F.CONTROL_CHARS_REMOVED)
        line = _CONTROL.sub(" ", line)
    return _SPACE_RUN.sub(" ", line).strip(), flags


def _repair_piece(line: str, flags: set[str], depth: int = 0) -> list[str]:
    """ftfy, then canonicalise; repeat while canonicalising exposes more
    mojibake (``"Ã\u200b©"`` or ``"\u00a0Ã©"`` is ``"é"`` once the invisible
    character or the edge space is gone), so that repairing twice changes nothing."""
    fixed, line_flags = repair_line(line)
    flags |= line_flags
    out: list[str] = []
    for piece in fixed.split("\n"):
        canon, canon_flags = canonical_line(piece)
        flags |= canon_flags
        if canon != piece and depth < 3 and needs_ftfy(canon):
            out.extend(_repair_piece(canon, flags, depth + 1))
        else:
            out.append(canon)
    return out


# --- The whole document at once: which lines can change? ------------------
#
# A line is left exactly as it is by `_repair_piece` when ftfy is not needed
# (`needs_ftfy`) and `canonical_line` changes nothing. Reading both, that holds
# for every line that (1) has no character of `_SUSPECT`, (2) has no double
# space and no space at either end, (3) is NFC and (4) is not flagged by
# ftfy's mojibake detector. `_lines_to_repair` finds the lines failing one of
# them with scans of the whole text, and the per-line repair runs on those alone.

# Printable ASCII but '&', and the line break: bytes no check looks at (spaces
# are checked separately). Deleting them from the UTF-8 text leaves, in order,
# everything the character checks must see: a few dozen characters in most text.
_PLAIN_ASCII = bytes(b for b in range(0x20, 0x7F) if b != ord("&")) + b"\n"
# (1) Characters that make a line change anywhere on it: what ftfy acts on
# (`_FIXER_CHARACTERS`, and `&` and control characters in ASCII lines), what
# `canonical_line` removes or replaces (format characters but ZWNJ/ZWJ, spaces
# but ' ', control characters incl. tab, VT, FF) and what `str.strip` removes
# besides ' ' (all `\p{Zs}`, `\p{Cc}` or U+2028/U+2029: checked in the tests).
# Built with `regex`, like the patterns it stands in for, so the Unicode
# versions agree; it only ever scans the short remainder described above.
_SUSPECT = regex.compile(
    f"[{_FIXER_CHARACTERS}&\\u2028\\u2029[\\p{{Cf}}--[\\u200c\\u200d]][\\p{{Zs}}--[ ]][\\p{{Cc}}--[\\n]]]",
    flags=regex.V1,
)
# More distinct suspect characters than this in a document: one scan for all of
# them instead of one `str.find` pass each (which would cost that many passes).
_FEW_CHARACTERS = 8
# (2) A space in a canonical line sits between two other characters. Looked
# for in the UTF-8 bytes first (the stdlib `re` finds a pattern that starts
# with the rare b"\n" quickly), in the text only when something is there.
_SPACE_FAULTS = ("  ", "\n ", " \n")  # doubled, at a line's start, at its end
_LINE_EDGE_SPACE = re.compile(rb"\n(?: |(?<= \n))")
# (4) ftfy's detector needs a hint (`_MOJIBAKE_HINT`): one of a few characters,
# or two adjacent non-ASCII ones, which in UTF-8 is a continuation byte (the
# last of one character) followed by a lead byte (the first of the next).
# Translating bytes to their kind makes that pair a two-byte needle.
_SINGLE_CHAR_HINT = re.compile(f"[{_SINGLE_CHAR_MOJIBAKE}]")
_UTF8_KINDS = bytes(ord("a") if b < 0x80 else ord("c") if b < 0xC0 else ord("L") for b in range(256))
# Without the hint's guarantee every non-ASCII line goes to the detector.
_DETECTOR_CANDIDATE = _MOJIBAKE_HINT if _DETECTOR_NEEDS_HINT else re.compile(r"[^\x00-\x7f]")


def _lines_to_repair(text: str) -> list[tuple[int, int]]:
    """Start and end of every line of ``text`` (no ``\\r``) that repairing could change,
    in order. It may name lines that turn out unchanged, never miss one.

    Each check first asks the whole document (a few C-speed scans), and looks
    for the lines only when the answer is yes.
    """
    starts: set[int] = set()
    data, rest = _utf8_and_rest(text)
    suspects = set(_SUSPECT.findall(rest))  # (1)
    if len(suspects) > _FEW_CHARACTERS:
        _mark_matching_lines(starts, text, _SUSPECT)
    else:
        for char in suspects:
            _mark_lines(starts, text, char)
    if _has_space_fault(data):  # (2)
        _mark_space_faults(starts, text)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):  # (3)
            _mark_unnormalized_lines(starts, text)
        if _may_hold_mojibake(data, rest):  # (4)
            _mark_matching_lines(starts, text, _DETECTOR_CANDIDATE, _is_bad)
    return [_line_bounds(text, start) for start in sorted(starts)]


def _utf8_and_rest(text: str) -> tuple[bytes, str]:
    """``text`` in UTF-8 (lone surrogates kept), and its characters other than
    ``_PLAIN_ASCII``, in order: what the character checks need to read."""
    data = text.encode("utf-8", "surrogatepass")
    return data, data.translate(None, _PLAIN_ASCII).decode("utf-8", "surrogatepass")


def _is_canonical(line: str) -> bool:
    """True when ``canonical_line`` would return ``line`` unchanged and raise no flag:
    it has no character of ``_SUSPECT``, no space fault and no line break
    (which ``str.strip`` would remove at an end)."""
    data, rest = _utf8_and_rest(line)
    return "\n" not in line and not _SUSPECT.search(rest) and not _has_space_fault(data)


def _has_space_fault(data: bytes) -> bool:
    """True if the UTF-8 ``data`` has a doubled space or a line starting or ending with one."""
    return data[:1] == b" " or data[-1:] == b" " or b"  " in data or _LINE_EDGE_SPACE.search(data) is not None


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end (the ``\\n`` or the end of ``text``) of the line holding ``pos``."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _mark_lines(starts: set[int], text: str, needle: str, offset: int = 0) -> None:
    """Add to ``starts`` the start of each line that holds ``text[pos + offset]``
    for an occurrence of ``needle`` at ``pos``; one ``str.find`` per such line."""
    pos = text.find(needle)
    while pos >= 0:
        start, end = _line_bounds(text, pos + offset)
        starts.add(start)
        pos = text.find(needle, max(end, pos + 1))  # the next line (a needle may start at its "\n")


def _mark_space_faults(starts: set[int], text: str) -> None:
    """Add the lines with a doubled space or a space at either end."""
    for needle in _SPACE_FAULTS:
        _mark_lines(starts, text, needle, offset=needle.index(" "))
    if text.startswith(" "):
        starts.add(0)
    if text.endswith(" "):
        starts.add(text.rfind("\n") + 1)


def _may_hold_mojibake(data: bytes, rest: str) -> bool:
    """False when no line of the text can have a hint (``data``: its UTF-8;
    ``rest``: its characters outside plain ASCII)."""
    if not _DETECTOR_NEEDS_HINT:
        return True
    return _SINGLE_CHAR_HINT.search(rest) is not None or b"cL" in data.translate(_UTF8_KINDS)


def _mark_unnormalized_lines(starts: set[int], text: str) -> None:
    """Add the lines that are not NFC (NFC is decided line by line: a line break
    neither composes nor reorders with its neighbours)."""
    start = 0
    for line in text.split("\n"):
        if not unicodedata.is_normalized("NFC", line):
            starts.add(start)
        start += len(line) + 1


def _mark_matching_lines(starts: set[int], text: str, pattern: re.Pattern[str] | regex.Pattern[str],
                         test: Callable[[str], bool] | None = None) -> None:
    """Add the lines where ``pattern`` matches (and, if given, ``test(line)`` holds,
    asked only of lines not added yet); one search per such line."""
    match = pattern.search(text)
    while match:
        start, end = _line_bounds(text, match.start())
        if start not in starts and (test is None or test(text[start:end])):
            starts.add(start)
        match = pattern.search(text, end)


def repair_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Repair and canonicalise ``text``; return it with the sorted flags raised:
    :func:`repair_lines`, then :func:`decode_residue` on what ftfy left of a
    document's mojibake."""
    repaired, flags = repair_lines(text)
    if F.MOJIBAKE_REPAIRED in flags and _RESIDUE.search(repaired):
        raised = set(flags)
        repaired = decode_residue(repaired, raised)
        flags = tuple(sorted(raised))
    return repaired, flags


#: A UTF-8 lead byte followed by a continuation byte, as cp1252 shows them ("Ã¥" for "å",
#: "Ã¸" for "ø"): what is left of mojibake on a line that ftfy finds plausible.
_RESIDUE = regex.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]")


def decode_residue(text: str, flags: set[str]) -> str:
    """Decode the lines of a repaired document that still read as UTF-8 shown as cp1252; add
    to ``flags`` what repairing the decoded lines raises (an invisible character decoded out
    of "â€‹", say).

    Why: ftfy judges each line alone, and a line whose only mojibake is a plausible pair
    ("Rancher HÃ¥kon Lindgren ...") stays, while the rest of the document, damaged the same
    way, is repaired. Once ftfy has repaired mojibake elsewhere in the document, such a line is
    re-encoded as cp1252 and decoded as UTF-8; a line that does not decode (legitimate text:
    "SÃO PAULO", "Ãs") is left as it is. The decoded line is repaired like any other, so
    repairing the output again changes nothing."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not _RESIDUE.search(line):
            continue
        try:
            decoded = line.encode("sloppy-windows-1252").decode("utf-8")
        except UnicodeError:
            continue
        lines[index] = "\n".join(_repair_piece(decoded, flags))
    return "\n".join(lines)


def repair_lines(text: str) -> tuple[str, tuple[str, ...]]:
    """Repair and canonicalise ``text`` line by line; return it with the sorted flags raised.
    (``benchmarks/reference_repair.py`` keeps the implementation this must equal.)

    Line breaks are unified first (CRLF, then CR, become LF: the lines are
    those of a split at ``\\r\\n|\\r|\\n``); then only the lines
    ``_lines_to_repair`` names go through ``_repair_piece``, and the text
    between them is copied unchanged.
    """
    flags: set[str] = set()
    if "\r" in text:
        flags.add(F.LINE_BREAKS_NORMALIZED)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    spans = _lines_to_repair(text)
    if not spans:
        return text, tuple(sorted(flags))
    out: list[str] = []
    copied = 0
    for start, end in spans:
        out.append(text[copied:start])
        out.append("\n".join(_repair_piece(text[start:end], flags)))
        copied = end
    out.append(text[copied:])
    return "".join(out), tuple(sorted(flags))


#: The record's free-text fields besides ``text``. They come from the page's meta
#: tags and JSON-LD, which hold the same damage as its body (entities, escaped
#: twice or not at all, no-break spaces, stray line breaks, mojibake), and are
#: repaired here, with the body, so that every field leaves this stage in one
#: form. Fields filled later come from repaired lines: rule captures (stripped)
#: and a leading headline. ``url`` and ``date`` are not prose and are left alone.
TEXT_FIELDS = ("title", "description", "publisher", "author")


def repair_field(value: str) -> tuple[str | None, tuple[str, ...]]:
    """Repair a one-line field exactly as a line of the body is repaired; return it
    (None when nothing is left) with the sorted flags raised.

    A field is one line: its line breaks become spaces *before* repair, so the
    result is a fixed point (joining repaired lines afterwards could put two
    characters side by side that ftfy reads as mojibake on a second pass).
    """
    flags: set[str] = set()
    for _ in range(3):  # ftfy can decode a line break out of mojibake ("Â\x85"): fold again
        value, step_flags = repair_text(" ".join(value.splitlines()))
        flags.update(step_flags)
        if "\n" not in value:
            break
    value = " ".join(filter(None, value.split("\n")))
    return value or None, tuple(sorted(flags))


def repair(doc: Document) -> Document:
    """Stage function: repair ``doc.text`` and the text fields present (``TEXT_FIELDS``),
    and record what was fixed in ``flags``."""
    text, text_flags = repair_text(doc.text)
    flags, fields = set(text_flags), {}
    for name in TEXT_FIELDS:
        value = getattr(doc, name)
        if value is not None:
            fixed, field_flags = repair_field(value)
            flags.update(field_flags)
            if fixed != value:
                fields[name] = fixed
    return doc.evolve(text=text, add_flags=tuple(sorted(flags)), **fields)


def check_line_length(text: str, limit: int | None) -> None:
    """Raise :class:`LineTooLongError` when a line of ``text`` (split as repair splits:
    CRLF, CR, LF) is longer than ``limit`` characters.

    Linear and allocation-free: each window of ``limit + 1`` characters either
    holds a line break (and the scan jumps past the last one) or is a line too long.
    """
    if not limit or len(text) <= limit:
        return
    pos, end = 0, len(text)
    while end - pos > limit:
        window = pos + limit + 1
        last = max(text.rfind("\n", pos, window), text.rfind("\r", pos, window))
        if last < 0:  # pos starts a line (it follows a break), and no break within the limit
            stops = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
            length = (min(stops) if stops else end) - pos
            number = text.count("\n", 0, pos) + text.count("\r", 0, pos) - text.count("\r\n", 0, pos) + 1
            raise LineTooLongError(
                f"line {number:,} is {length:,} characters long; over the {limit:,}-character limit "
                "for one paragraph (see --max-line-chars)")
        pos = last + 1


class Repair(Stage):
    """Encoding damage repaired and every line canonical, within the line-length limit."""

    name = "repair"

    def __call__(self, doc: Document) -> Document:
        check_line_length(doc.text, self.options.max_line_chars)
        return repair(doc)

    def fingerprint(self) -> dict[str, object]:
        return {"ftfy": version("ftfy"), "max_line_chars": self.options.max_line_chars}
