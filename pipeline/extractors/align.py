"""The page's blocks, and which of them each extractor's text covers.

The combination decides block by block on one common sequence: the page's
whole visible text, rendered by Resiliparse with main-content detection off,
one block per block element or ``<br>`` (the same rendering as the line
model's "page" view). Each extractor's text is then projected onto it: a block
is covered by an extractor when most of its words lie in word n-grams that
the extractor's text also has. An n-gram may run across block boundaries, so
a short block ("Comments", "Home") counts as covered only where its
neighbours' words come with it, not wherever its words recur on the page.

Words are ``\\w+`` runs, case-folded: extractors differ in spacing and
punctuation around inline markup, and a block's words survive all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extractors.blocks import to_blocks
from pipeline.extractors.page import Page

#: Words per n-gram: long enough that a common phrase ("of the year") alone matches nothing,
#: short enough that a three-word block between two covered ones is covered.
NGRAM = 4
#: A block is covered when at least this share of its words is.
COVERED_SHARE = 0.5

_WORD = re.compile(r"\w+")

# The page is rendered by Resiliparse's HTML2Text with main-content detection off, so every
# block of the page comes out, one line per block element and <br>: a maintained library in C
# over the Lexbor HTML5 parser (it parses as browsers do, 0.7 ms a page). The line model's
# "page" view is rendered the same way (training/make_lines.py imports these).
#
# Options: no list bullets ("•" and "1." are drawn by CSS, not page text), no alt texts (not
# visible), no link targets, form fields or <noscript> content. Hidden elements are skipped:
# Resiliparse skips <script>, <style> and the like, but keeps elements hidden by an attribute
# or inline CSS when main-content detection is off, hence the selectors. Ruby annotations
# (<rt>, <rp>: the readings printed above Japanese and Chinese text) are skipped too: inline
# they would cut every annotated word in two.
RENDER_OPTIONS: dict[str, Any] = {"preserve_formatting": True, "main_content": False, "list_bullets": False,
                                   "alt_texts": False, "links": False, "form_fields": False}
RENDER_SKIP = (
    "script", "style", "noscript", "template", "rt", "rp",
    "[hidden]", "input[type=hidden i]",
    '[style*="display:none" i]', '[style*="display: none" i]',
    '[style*="visibility:hidden" i]', '[style*="visibility: hidden" i]',
)


def page_blocks(page: Page) -> list[str]:
    """Every visible block of ``page``, in page order.

    A page that renders to nothing is rendered again with its ``<noscript>`` content:
    Lexbor parses ``<noscript>`` as a browser without scripts does, so an unclosed
    element inside one (``<noscript><div></noscript>``) takes the rest of the page into
    it, where a browser with scripts on shows the page.
    """
    from resiliparse.extract.html2text import extract_plain_text

    blocks = to_blocks(extract_plain_text(page.lexbor, noscript=False, skip_elements=list(RENDER_SKIP),
                                          **RENDER_OPTIONS))
    if not blocks:
        skip = [selector for selector in RENDER_SKIP if selector != "noscript"]
        blocks = to_blocks(extract_plain_text(page.lexbor, noscript=True, skip_elements=skip, **RENDER_OPTIONS))
    return blocks


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class Skeleton:
    """The page's blocks and their words as one stream (n-grams run across blocks)."""

    blocks: tuple[str, ...]
    #: ``bounds[i]``: the first word of block i in the stream; ``bounds[-1]``: the stream's length
    bounds: tuple[int, ...]
    #: the hash of each word position's n-gram (the n words from it; the last n - 1 padded
    #: with ""): hashed once, since each extractor's text is looked up in the same page
    grams: tuple[int, ...]

    @classmethod
    def of(cls, blocks: Sequence[str], n: int = NGRAM) -> Skeleton:
        stream: list[str] = []
        bounds = [0]
        for block in blocks:
            stream.extend(words(block))
            bounds.append(len(stream))
        return cls(tuple(blocks), tuple(bounds), tuple(map(hash, ngrams(stream, n))))

    def coverage(self, text_blocks: Sequence[str], n: int = NGRAM) -> list[float]:
        """For each block, the share of its words that lie in an n-gram of ``text_blocks``
        (a block without words: 0)."""
        stream = words("\n".join(text_blocks))
        if not stream or not self.grams:
            return [0.0] * len(self.blocks)
        found = set(map(hash, ngrams(stream, n)))
        # Bit p set: the n-gram starting at word p is in the text; a word is covered when an
        # n-gram starting at it or at one of the n - 1 words before it is.
        hits = map(found.__contains__, reversed(self.grams))
        starts = int("".join(map(_BIT.__getitem__, hits)), 2)
        covered = starts
        for shift in range(1, n):
            covered |= starts << shift
        out = []
        for first, end in zip(self.bounds, self.bounds[1:], strict=False):
            size = end - first
            out.append(((covered >> first) & ((1 << size) - 1)).bit_count() / size if size else 0.0)
        return out


_BIT = ("0", "1")


def ngrams(stream: list[str], n: int) -> zip[tuple[str, ...]]:
    """The n-gram starting at each word of ``stream``, the last n - 1 padded with "".

    The n-grams are compared by their hashes (64 bits: two different n-grams of one
    page share one about once in 10**14 pages). Python salts ``str`` hashes per
    process, but a hash is only ever compared with hashes made in the same call.
    """
    padded = stream + [""] * (n - 1)
    return zip(*(padded[i:] for i in range(n)), strict=False)
