"""The pre-optimisation implementation of ``pipeline/repair.py``, kept as the oracle.

This is ``repair_text`` as it was before the document-level fast path (commit
3416762): every line split off, pre-checked with ``needs_ftfy``, repaired by
ftfy when needed, canonicalised, re-repaired while canonicalising exposes more
mojibake. ``tests/test_repair.py`` and ``benchmarks/throughput.py`` check that
the optimised module returns exactly what this one returns (text and flags).
Do not optimise or "fix" this file: its value is that it is the old code,
unchanged except for this docstring and the stage function (which needs
``Document``) being left out.

Original module docstring:

Stage 2: repair the text's encoding damage and canonicalise each line.

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
"""

from __future__ import annotations

import unicodedata

import ftfy
import regex
from ftfy import badness, chardata

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=True,
    uncurl_quotes=False,
    fix_character_width=False,
    normalization="NFC",
    explain=True,
)

# Which flag an ftfy explanation step raises.
_STEP_FLAGS = {
    "encode": "mojibake-repaired",
    "decode": "mojibake-repaired",
    "transcode": "mojibake-repaired",
    "unescape_html": "html-entities-unescaped",
    "fix_c1_controls": "control-chars-removed",
    "remove_control_chars": "control-chars-removed",
    "remove_terminal_escapes": "control-chars-removed",
    "fix_surrogates": "surrogates-repaired",
    "fix_latin_ligatures": "ligatures-expanded",
}

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
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
    """A character class of everything ftfy's fixers other than the mojibake
    detector act on, read from ftfy's own tables (so it follows ftfy upgrades):
    HTML entities (``&``), C1 controls, Latin ligatures, line and paragraph
    separators, surrogates, terminal escapes, control characters."""
    chars = {"&", "\x1b", "\r", "\u2028", "\u2029", "\x85"}
    chars.update(map(chr, range(0x80, 0xA0)))
    chars.update(map(chr, chardata.LIGATURES))
    chars.update(map(chr, chardata.CONTROL_CHARS))
    return "[" + "".join(regex.escape(c) for c in sorted(chars)) + "\ud800-\udfff]"


_FIXER_TARGET = regex.compile(_ftfy_fixer_characters())
# Characters that can match ftfy's mojibake detector on their own (C1 controls,
# 'œ' before a non-letter, 'Ã'/'Â' before a space); every other pattern of the
# detector needs two non-ASCII characters side by side. `_detector_needs_hint()`
# checks that claim against the detector's own regex when this module loads.
_SINGLE_CHAR_MOJIBAKE = "\x80-\x9fŒœÃÂ"
_MOJIBAKE_HINT = regex.compile(f"[^\\x00-\\x7f]{{2}}|[{_SINGLE_CHAR_MOJIBAKE}]")


def _detector_needs_hint() -> bool:
    """True if every branch of ftfy's ``BADNESS_RE`` must match either a character
    of ``_SINGLE_CHAR_MOJIBAKE`` or two adjacent non-ASCII characters.

    Walks the parsed regex: a branch qualifies when one of its single-character
    items can only match those characters, or two consecutive mandatory items
    can only match non-ASCII ones. Anything the walk does not understand
    disqualifies the branch, and then ``is_bad`` is always consulted.
    """
    try:
        from re import _constants as sre
        from re import _parser as sre_parse

        tree = sre_parse.parse(badness.BADNESS_RE.pattern, badness.BADNESS_RE.flags)
        (op, (_, branches)), = tree.data
        if op is not sre.BRANCH:
            return False
    except Exception:  # an ftfy or Python version this walk was not written for
        return False
    single = {c for c in range(0x80, 0xA0)} | set(map(ord, "ŒœÃÂ"))

    def charset(item) -> set[int] | None:
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
    return badness.is_bad(line)


def repair_line(line: str) -> tuple[str, set[str]]:
    """Repair one line with ftfy; return the fixed line and the flags it raised.

    ftfy may turn a U+2028/U+0085 line separator into ``\\n``, so the result
    can hold several lines.
    """
    flags: set[str] = set()
    if not needs_ftfy(line):
        return line, flags
    fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
    for step in steps or ():
        flag = _STEP_FLAGS.get(step.action) or _STEP_FLAGS.get(step.parameter)
        if flag:
            flags.add(flag)
    return fixed, flags


def canonical_line(line: str) -> tuple[str, set[str]]:
    """Whitespace and invisible-character canonicalisation of one line."""
    flags: set[str] = set()
    if not line.isascii():
        if _NON_ASCII_SPACE.search(line):
            flags.add("unicode-spaces-replaced")
        stripped = _INVISIBLE.sub("", line)
        if stripped != line:
            flags.add("invisible-chars-removed")
            line = unicodedata.normalize("NFC", stripped)
    if _CONTROL.search(line):
        flags.add("control-chars-removed")
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


def repair_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Repair and canonicalise ``text``; return it with the sorted flags raised."""
    flags: set[str] = set()
    if "\r" in text:
        flags.add("line-breaks-normalized")
    out: list[str] = []
    for raw_line in _LINE_BREAK.split(text):
        out.extend(_repair_piece(raw_line, flags))
    return "\n".join(out), tuple(sorted(flags))

