"""Readability (readability-lxml, the Python port of Mozilla's Readability.js): the
page's best-scoring content element and its siblings, as paragraphs.

Precise where trafilatura is generous (navigation and teaser lists it leaves
out), and it misses text where an article is split across containers: its
errors differ from trafilatura's and Resiliparse's, which is what the
combination needs.

Options (readability-lxml's ``Document``):

* ``min_text_length=25``, ``retry_length=250`` (its defaults, written out): a
  paragraph candidate needs 25 characters, and a result under 250 characters
  makes it retry with fewer elements removed;
* no ``positive_keywords``/``negative_keywords``: no site-specific class names;
* no ``url``: with one, it makes every link of the page absolute (4 ms a page),
  and links are not kept.

The summary is rendered to text block by block by Resiliparse's renderer (one
line per block element or ``<br>``), as the page itself is in the combination.
Readability drops hidden elements from the tree it is given, so it runs last
on the page's lxml tree.

One change to how readability-lxml runs, for speed: before scoring, it cleans
a copy of the page with lxml_html_clean, whose ``javascript=True`` pass
rewrites every link of the page to find ``javascript:`` URLs and ``on...``
handler attributes (3 ms of its 15 ms a page). Neither is text, so the adapter
runs Readability's own ``_parse`` with the same cleaner less that pass
(:class:`_Readability`); the text is the same (``tests/test_extractors.py``
compares it with readability-lxml's unchanged output).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from pipeline.extractors.align import RENDER_OPTIONS
from pipeline.extractors.blocks import to_blocks
from pipeline.extractors.page import Page

NAME = "readability"
OPTIONS: dict[str, Any] = {"min_text_length": 25, "retry_length": 250}


@lru_cache(maxsize=1)
def _document_class() -> Any:
    """readability-lxml's Document, whose page cleaning skips the JavaScript pass (see above)."""
    import readability.readability as module
    from lxml_html_clean import Cleaner

    logging.getLogger("readability").setLevel(logging.CRITICAL)  # "ruthless removal did not work" per page
    library_cleaner = getattr(module, "html_cleaner", None)
    if not isinstance(library_cleaner, Cleaner):
        return module.Document  # a release that cleans differently: run it as it is
    settings = {name: getattr(library_cleaner, name) for name in _CLEANER_SETTINGS}
    cleaner = Cleaner(**{**settings, "javascript": False})

    class _Readability(module.Document):  # type: ignore[misc]
        def _parse(self, input: Any) -> Any:
            module.html_cleaner = cleaner
            try:
                return super()._parse(input)
            finally:
                module.html_cleaner = library_cleaner

    return _Readability


# The settings of readability-lxml's cleaner that are copied (all of lxml_html_clean's that it sets).
_CLEANER_SETTINGS = ("scripts", "javascript", "comments", "style", "links", "meta", "add_nofollow",
                     "page_structure", "processing_instructions", "embedded", "frames", "forms",
                     "annoying_tags", "remove_tags", "remove_unknown_tags", "safe_attrs_only")


def render(fragment: str) -> list[str]:
    """An HTML fragment's visible text as blocks (Resiliparse's renderer, main-content detection off)."""
    from resiliparse.extract.html2text import extract_plain_text

    return to_blocks(extract_plain_text(fragment, noscript=False, **RENDER_OPTIONS))


def blocks(page: Page, keep_comments: bool = False) -> list[str]:
    """Readability's main text of ``page``. It has no notion of comments: ``keep_comments`` is
    accepted for the common interface and changes nothing."""
    document = _document_class()(page.tree, **OPTIONS)
    try:
        summary = document.summary(html_partial=True)
    except Exception as exc:  # readability.Unparseable wraps whatever lxml raised on this page
        if type(exc).__name__ == "Unparseable":
            return []
        raise
    return render(summary)


def versions() -> dict[str, str]:
    return {NAME: version("readability-lxml")}
