"""trafilatura: the main text of a page as its paragraphs.

Options are set explicitly, and differ from trafilatura's defaults where the
cleaning pipeline needs it:

* ``include_comments``: off unless ``--keep-comments`` (reader comments are not
  the article, and the rules would only have to find them again); trafilatura
  keeps comments apart from the text, so they are appended after it;
* ``include_tables=True`` (the default): tables often carry the article's facts;
* no links, images or formatting markup: the output is plain text;
* ``with_metadata=False``: metadata is read once per page, more cheaply
  (:mod:`pipeline.extractors.metadata`);
* ``deduplicate=False``: its per-process state would make results depend on
  the order of pages;
* ``fast``: trafilatura's default mode asks its own copies of Readability and
  jusText for a second opinion when its result looks short or poor. In the
  combination Readability runs anyway and jusText is the last resort, so
  there it is ``fast=True`` (35% less time); alone (``--html-extractor
  trafilatura``), it keeps its fallbacks.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version
from typing import Any

from pipeline.extractors.blocks import to_blocks
from pipeline.extractors.page import Page

NAME = "trafilatura"
OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "with_metadata": False,
    "deduplicate": False,
}


@lru_cache(maxsize=1)
def _bare_extraction() -> Any:
    from trafilatura import bare_extraction

    return bare_extraction


def blocks(page: Page, keep_comments: bool = False, fast: bool = False) -> list[str]:
    """trafilatura's main text of ``page`` (and its comments after it, with ``keep_comments``)."""
    result = _bare_extraction()(page.tree, url=page.url, **{**OPTIONS, "include_comments": keep_comments},
                                fast=fast)
    if result is None:
        return []
    text = result.text or ""
    if keep_comments and result.comments:
        text = f"{text}\n{result.comments}"
    return to_blocks(text)


def versions() -> dict[str, str]:
    return {NAME: version("trafilatura")}
