"""The *screened form* of a text: what the rule screen compares.

Case-folded as the ``regex`` module folds (simple folding), every digit
``0``, every run of whitespace one space, every other symbol (``\\p{So}``:
emoji, ``©``, ``▶``) one stand-in character (:data:`SYMBOL`). That turns
``\\d{4}``, ``\\s+`` and ``[\\p{So}]`` in a pattern into plain strings
(``0000``, `` ``, ``\\ue000``), which :mod:`pipeline.rules.factors` derives and
:mod:`pipeline.rules.screen` looks for. Folding follows the ``regex`` module's own
case tables (checked over all of Unicode by ``tests/test_screen.py``).
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

import regex
from regex import _regex

_SIMPLE_FOLDING = regex.IGNORECASE | regex.VERSION0 | regex.UNICODE
#: What screen_text writes for any other symbol (\p{So}); a private-use character.
SYMBOL = "\ue000"

# --- the screened form of a text --------------------------------------------

_DIGIT = regex.compile(r"\d")
_SPACE = regex.compile(r"[^\S\n]")  # the regex module's \s (Unicode White_Space), line breaks aside
_SYMBOL = regex.compile(r"\p{So}")
#: Leading symbols sites put before widget labels (emoji, ⏱, ▶...), but not ©/®: the rules
#: ignore them at the start of a line (see boilerplate).
DECORATION = r"[[\p{So}\p{Sk}\ufe0f\u200d]--[©®℗]]"
_DECORATION = regex.compile(DECORATION, flags=regex.V1)
_LEADING_DECORATION = regex.compile(rf"^{DECORATION}+\s*", flags=regex.V1)
_ASCII_DIGITS = "".join(c for c in map(chr, range(128)) if _DIGIT.match(c))
_ASCII_SPACES = "".join(c for c in map(chr, range(128)) if _SPACE.match(c))
_ASCII_TABLE = bytes.maketrans(
    (string.ascii_uppercase + _ASCII_DIGITS + _ASCII_SPACES).encode(),
    (string.ascii_lowercase + "0" * len(_ASCII_DIGITS) + " " * len(_ASCII_SPACES)).encode(),
)
_ASCII_BYTES = bytes(range(128))
_SPACE_RUN = re.compile(b" {2,}")
SPACE_RUN_TEXT = re.compile(" {2,}")


@lru_cache(maxsize=4096)
def _screen_char(char: str) -> tuple[bytes, bytes, bool]:
    """One non-ASCII character's UTF-8 bytes, their screened form, and whether it is a
    decoration (see DECORATION)."""
    original = char.encode("utf-8", "surrogatepass")
    decoration = _DECORATION.match(char) is not None
    if _DIGIT.match(char):
        return original, b"0", decoration
    if _SPACE.match(char):
        return original, b" ", decoration
    if _SYMBOL.match(char):
        return original, SYMBOL.encode(), decoration
    # regex's simple case folding, except that it keeps the Turkic dotted and dotless
    # i apart from I while its matcher lets i match İ and I match ı: all fold to i here.
    folded: str = _regex.fold_case(_SIMPLE_FOLDING, char)  # type: ignore[attr-defined]  # private: not in types-regex
    if folded in ("I", "\u0130", "\u0131"):
        return original, b"i", decoration
    return original, folded.encode("utf-8", "surrogatepass"), decoration


def screen_text(text: str) -> str:
    """``text`` as the screen compares it (see the module docstring); line breaks stay."""
    return screen_bytes(text)[0].decode("utf-8", "surrogatepass")


@lru_cache(maxsize=4096)
def screened_char(char: str) -> str:
    """One character's screened form (cached: the factor walk asks for the same few again and again)."""
    return screen_text(char)


def screen_bytes(text: str) -> tuple[bytes, bool]:
    """The screened text in UTF-8, and whether ``text`` holds a decoration character.

    Fast because most text is mostly ASCII: the ASCII bytes are mapped with
    one ``bytes.translate``, and the few distinct other characters one by one
    (UTF-8 is self-synchronising: a character's bytes never occur inside another's).
    """
    data = text.encode("utf-8", "surrogatepass")
    screened = data.translate(_ASCII_TABLE)
    decorated = False
    if not text.isascii():
        for char in set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            original, mapped, decoration = _screen_char(char)
            decorated |= decoration
            if mapped != original:
                screened = screened.replace(original, mapped)
    if b"  " in screened:
        screened = _SPACE_RUN.sub(b" ", screened)
    return screened, decorated


def starts_decorated(line: str) -> bool:
    """Whether ``line`` may start with a decoration the rules skip (see boilerplate):
    their ``^`` is then not at the line start."""
    return _DECORATION.match(line) is not None


def undecorated(line: str) -> str:
    """``line`` without its leading pictographs, as the drop rules test it (a line of nothing
    but decoration, a divider, is tested as it is)."""
    return line if line[:1].isascii() else (_LEADING_DECORATION.sub("", line) or line)
