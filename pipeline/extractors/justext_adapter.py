"""jusText: the paragraphs it classifies as content, with the stop words of all its
languages (language-independent, as trafilatura calls it).

The last resort: it runs only when the other extractors find (next to) nothing
on a page, and its text is taken only when it finds several times as many
words (:mod:`pipeline.extractors`). Its defaults are kept (length and stop-word
density thresholds), tuned by its authors on CleanEval.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version
from typing import Any

from pipeline.extractors.blocks import to_blocks
from pipeline.extractors.page import Page

NAME = "justext"


@lru_cache(maxsize=1)
def _justext() -> Any:
    import justext

    return justext


@lru_cache(maxsize=1)
def all_stopwords() -> frozenset[str]:
    """Stop words of every language jusText knows (built once: 75 ms)."""
    justext = _justext()
    words: set[str] = set()
    for language in justext.get_stoplists():
        words.update(justext.get_stoplist(language))
    return frozenset(words)


def blocks(page: Page, keep_comments: bool = False) -> list[str]:
    """jusText's content paragraphs of ``page`` (it has no notion of comments)."""
    try:
        paragraphs = _justext().justext(page.html, all_stopwords())
    except (ValueError, AssertionError, TypeError, AttributeError):
        # jusText's cleaner (lxml_html_clean) fails on some malformed trees, e.g. one whose root
        # is a comment ("<body><!--><html>": ValueError from strip_attributes). It is only the
        # last resort: what the others found stands.
        return []
    return to_blocks(p.text for p in paragraphs if not p.is_boilerplate)


def versions() -> dict[str, str]:
    return {NAME: version("justext")}
