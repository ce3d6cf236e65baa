"""Blocks: what every extractor adapter returns, one paragraph (or line) of main text each.

A block is one non-empty line, white space collapsed. The text stages number
lines from here on (``removed`` entries and the ``extractors`` audit point at
them), so a block must never hold a line break of any kind that repair would
later turn into one (``\\r``, U+2028, U+2029, U+0085, vertical tab, form feed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every character that str.splitlines() breaks at, i.e. everything ftfy's
# line-break fix or the repair stage could make a new line of.
_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def to_blocks(text: str | Iterable[str]) -> list[str]:
    """The non-empty lines of ``text`` (or of each string of it), white space collapsed."""
    pieces = _BREAKS.split(text) if isinstance(text, str) else [p for t in text for p in _BREAKS.split(t)]
    return [block for block in (" ".join(piece.split()) for piece in pieces) if block]
