"""Stage 1b (HTML input only): the page's main content and its metadata.

The work is in :mod:`pipeline.extractors`: trafilatura, Readability and
Resiliparse combined block by block (the default), Resiliparse alone (``fast``)
or trafilatura alone (today's path before the combination), with jusText as
the last resort, and the page's metadata. This stage sanitises the page
source first, applies the page-size limit, and fills the record: ``text``
(one block a line), ``extractor``, ``extractors`` (the audit: which extractors
kept each line) and the metadata fields the caller did not supply.

The extracted text then goes through the same repair, rules, line model and
normalisation as plain text: extractors leave debris behind. So do the
metadata fields: the repair stage repairs them with the text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline import flags as F
from pipeline.document import Document
from pipeline.errors import InputTooLargeError, UnextractableInputError
from pipeline.extractors import DEFAULT_MODE, Extraction, extract_page, versions
from pipeline.extractors.page import parse_page
from pipeline.options import CleanOptions
from pipeline.stages import Stage
from pipeline.stages.line_model import load_line_model

if TYPE_CHECKING:
    from pipeline.extractors import Scorer

__all__ = ["Extract", "arbiter_scorer", "check_page_size", "extract", "parse_page", "silence_library_logs", "warm_up"]

# Lone surrogates: a str can hold them (a JSONL "\ud800" escape, a caller's
# string), no encoder can, and lxml silently drops the page's text after one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters XML forbids (C0 controls but tab, LF, CR; U+FFFE/U+FFFF): lxml
# parses them, but refuses them when a cleaner moves text between elements
# (jusText's preprocessing raised ValueError on a page with a stray U+001F).
# Repair would remove them from the text anyway. Form feed is HTML whitespace.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
# Either of the two above, or a form feed: what `extract` has to clean before parsing.
_NEEDS_SANITISING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def silence_library_logs() -> None:
    """Keep the extraction libraries' per-page log lines ("discarding data", "empty HTML tree",
    "ruthless removal did not work") off stderr: boilerstrip reports what matters itself, as
    flags and errors."""
    for name in ("trafilatura", "htmldate", "justext", "courlan", "readability", "readability.readability"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def warm_up(mode: str = DEFAULT_MODE) -> None:
    """Import the extractors a mode uses and build jusText's stop-word list now rather than on
    the first page that needs them (a third of a second, and 75 ms)."""
    page = "<html><head><title>t</title></head><body><p>warm up</p></body></html>"
    extract_page(page, None, mode)
    if mode != "fast":
        from pipeline.extractors.justext_adapter import all_stopwords

        all_stopwords()


def sanitise(html: str) -> tuple[str, tuple[str, ...]]:
    """``html`` without lone surrogates (made U+FFFD) and characters XML forbids (removed; a form
    feed becomes a space), and the flags saying so."""
    flags = []
    if _NEEDS_SANITISING.search(html):  # rare; one scan settles the common case (0.6 ms a page, not 1.4)
        if _LONE_SURROGATE.search(html):
            html = _LONE_SURROGATE.sub("\ufffd", html)
            flags.append(F.SURROGATES_REPAIRED)
        if _XML_FORBIDDEN.search(html) or "\x0c" in html:
            html = _XML_FORBIDDEN.sub("", html).replace("\x0c", " ")
            flags.append(F.CONTROL_CHARS_REMOVED)
    return html, tuple(flags)


def extract_main_text(html: str, url: str | None = None, include_comments: bool = False,
                      mode: str = DEFAULT_MODE, scorer: Scorer | None = None) -> Extraction:
    """The page's main text, what found it and its metadata (:func:`pipeline.extractors.extract_page`).

    Raises :class:`UnextractableInputError` when the source holds nothing to
    parse (see :func:`parse_page`), when the parser stopped at one of its
    limits (more than 255 nested elements: the rest of the page would be lost
    without a trace) and when the extractors run out of Python stack.
    """
    try:
        return extract_page(html, url, mode, include_comments, scorer)
    except RecursionError:
        # trafilatura, Readability and jusText walk the tree recursively; the depth limit
        # keeps trees shallow enough today, but a bug must not become an internal error.
        raise UnextractableInputError("HTML nested too deeply for the extractors (Python's recursion limit)") from None


def check_page_size(html: str, limit: int | None) -> None:
    """Raise :class:`InputTooLargeError` when the page source is longer than ``limit`` characters."""
    if limit and len(html) > limit:
        raise InputTooLargeError(
            f"page is {len(html):,} characters long; over the {limit:,}-character limit for one HTML page "
            "(see --max-page-chars)")


def extract(doc: Document, include_comments: bool = False, mode: str = DEFAULT_MODE,
            scorer: Scorer | None = None) -> Document:
    """Stage function: fill ``text``, ``extractor``, ``extractors`` and page metadata from ``html``.

    Metadata the caller supplied (a JSONL record's ``url``/``date``) wins over
    what the page says.
    """
    if doc.html is None:
        raise ValueError("extract() needs a document with an HTML source")
    html, flags = sanitise(doc.html)
    found = extract_main_text(html, doc.url, include_comments, mode, scorer)
    fields = {k: v for k, v in found.metadata.items() if v and getattr(doc, k) is None}
    text = found.text
    extracted = doc.evolve(text=text, extractor=found.extractor, extractors=found.kept_by, add_flags=flags,
                           **fields)
    return extracted if text.strip() else extracted.with_flags(F.NO_MAIN_CONTENT)


@lru_cache(maxsize=1)
def arbiter_scorer() -> Scorer:
    """The shipped line model, scoring a page's blocks for the combination's arbitration."""
    model = load_line_model()

    def scores(blocks: Sequence[str]) -> list[float | None]:
        return model.scores(blocks, [False] * len(blocks), score_removed=False)

    return scores


class Extract(Stage):
    """A page's main content and metadata (text documents pass through), within the page-size limit."""

    name = "extract"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.mode = options.html_extractor
        # The combination asks the line model about blocks the extractors disagree on (and
        # decides them by a weighted majority when it is switched off).
        self.arbitrates = self.mode == "combined" and options.line_model

    def __call__(self, doc: Document) -> Document:
        if doc.html is None:
            return doc
        check_page_size(doc.html, self.options.max_page_chars)
        scorer = arbiter_scorer() if self.arbitrates else None
        return extract(doc, self.options.keep_comments, self.mode, scorer)

    def fingerprint(self) -> dict[str, object]:
        found: dict[str, object] = {"extractors": versions(self.mode), "max_page_chars": self.options.max_page_chars,
                                    "keep_comments": self.options.keep_comments, "html_extractor": self.mode}
        if self.mode == "combined":
            found["arbiter"] = load_line_model().sha256 if self.arbitrates else None
        return found
