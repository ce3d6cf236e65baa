"""HTML main-content extraction: four extractors behind one interface, and their combination.

Each extractor is a small adapter (``*_adapter.py``) with its options set and
commented, whose ``blocks(page, keep_comments)`` returns the page's main text
as blocks (paragraphs, one line each): trafilatura, Readability
(readability-lxml), Resiliparse and jusText. :func:`extract_page` runs them in
one of three modes (``--html-extractor``):

* ``combined`` (the default): trafilatura, Resiliparse and, where those two
  disagree, Readability vote block by block on the page's own blocks
  (:mod:`pipeline.extractors.combiner`);
* ``fast``: Resiliparse alone, with metadata from the page's meta tags: for big
  crawls (about 7 times the combination's documents per second);
* ``trafilatura``: trafilatura alone with its own fallbacks, as boilerstrip
  extracted before the combination.

In every mode jusText is the last resort (except ``fast``, which stays fast):
when the text found has fewer than :data:`FALLBACK_BELOW_WORDS` words, jusText's
replaces it if it has at least :data:`JUSTEXT_MIN_GAIN` times as many.

Nothing here imports an extraction library at module level: each is imported
when the first page needs it (plain text never does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extractors import justext_adapter, readability_adapter, resiliparse_adapter, trafilatura_adapter
from pipeline.extractors.combiner import combine, word_total
from pipeline.extractors.metadata import Metadata, meta_tag_metadata, page_metadata
from pipeline.extractors.page import Page

#: The values of ``--html-extractor``.
MODES = ("combined", "fast", "trafilatura")
DEFAULT_MODE = "combined"
#: Below this many words the text found is considered a miss and jusText is asked.
FALLBACK_BELOW_WORDS = 50
#: jusText's text replaces it only with at least this many times the words.
JUSTEXT_MIN_GAIN = 3

#: Boilerplate probabilities of a page's blocks, in order (the line model, for the combination).
Scorer = Callable[[Sequence[str]], Sequence["float | None"]]


@dataclass(frozen=True)
class Extraction:
    """A page's main text as blocks, what kept each block, and the page's metadata."""

    blocks: tuple[str, ...]
    #: for each block, the extractors that kept it
    kept_by: tuple[tuple[str, ...], ...]
    #: what found the text: "combined", "resiliparse", "trafilatura" or "justext" (the last resort)
    extractor: str
    metadata: Metadata

    @property
    def text(self) -> str:
        return "\n".join(self.blocks)


def extract_page(html: str, url: str | None = None, mode: str = DEFAULT_MODE, keep_comments: bool = False,
                 scorer: Scorer | None = None) -> Extraction:
    """The main text and metadata of a sanitised page (see :func:`pipeline.stages.extract.extract`).

    ``scorer`` (the line model) arbitrates the combination's uncertain blocks; None: a
    weighted majority decides them. Raises :class:`~pipeline.errors.UnextractableInputError`
    for a page with nothing to parse or nested past the parsers' limit.
    """
    page = Page(html, url)
    blocks: Sequence[str]
    kept_by: Sequence[tuple[str, ...]]
    if mode == "fast":
        blocks = resiliparse_adapter.blocks(page, keep_comments)
        metadata = meta_tag_metadata(page.html, url)
        return Extraction(tuple(blocks), tuple((resiliparse_adapter.NAME,) for _ in blocks), "resiliparse", metadata)
    metadata = page_metadata(page.tree, url)  # first: it also checks the page is parseable (parse_page)
    if mode == "trafilatura":
        blocks = trafilatura_adapter.blocks(page, keep_comments)
        extractor = trafilatura_adapter.NAME
        kept_by = tuple((extractor,) for _ in blocks)
    elif mode == "combined":
        combination = combine(page, keep_comments, scorer)
        blocks, kept_by, extractor = combination.blocks, combination.kept_by, "combined"
    else:
        raise ValueError(f"no HTML extraction mode {mode!r} (modes: {', '.join(MODES)})")
    words = word_total(blocks)
    if words < FALLBACK_BELOW_WORDS:
        rescue = justext_adapter.blocks(page, keep_comments)
        if word_total(rescue) >= max(JUSTEXT_MIN_GAIN * words, 1):
            blocks, extractor = rescue, justext_adapter.NAME
            kept_by = tuple((extractor,) for _ in blocks)
    return Extraction(tuple(blocks), tuple(kept_by), extractor, metadata)


@lru_cache(maxsize=len(MODES))
def versions(mode: str) -> dict[str, str]:
    """The libraries whose versions a mode's output depends on (batch results are keyed on them)."""
    from importlib.metadata import version

    if mode == "fast":
        return resiliparse_adapter.versions()
    found = {"htmldate": version("htmldate")} | trafilatura_adapter.versions() | justext_adapter.versions()
    if mode == "combined":
        found |= readability_adapter.versions() | resiliparse_adapter.versions()
    return dict(sorted(found.items()))


__all__ = ["DEFAULT_MODE", "MODES", "Extraction", "extract_page", "versions"]
