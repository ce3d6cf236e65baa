"""Resiliparse (``resiliparse.extract.html2text``, ChatNoir's extractor in C over the
Lexbor HTML5 parser): the main content as its blocks, at about 1 ms a page.

It finds nearly all of a page's main text (its recall is the highest of the
extractors here) and keeps more boilerplate than the others; it is the fast
mode's only extractor and the combination's cheapest voter.

Options (``extract_plain_text``):

* ``main_content=True``: its main-content heuristics (navigation, footers,
  sidebars and hidden elements left out);
* ``preserve_formatting=True``: one line per block element and ``<br>``, so
  its output is blocks;
* ``comments``: off unless ``--keep-comments``;
* ``list_bullets=False``: "•" and "1." are drawn by CSS, not page text;
* ``alt_texts=False``, ``links=False``, ``form_fields=False``, ``noscript=False``:
  none of them is text a reader sees on the page.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from pipeline.extractors.blocks import to_blocks
from pipeline.extractors.page import Page

NAME = "resiliparse"
OPTIONS: dict[str, Any] = {
    "main_content": True,
    "preserve_formatting": True,
    "list_bullets": False,
    "alt_texts": False,
    "links": False,
    "form_fields": False,
    "noscript": False,
}


def blocks(page: Page, keep_comments: bool = False) -> list[str]:
    """Resiliparse's main text of ``page`` (reader comments too, with ``keep_comments``)."""
    from resiliparse.extract.html2text import extract_plain_text

    return to_blocks(extract_plain_text(page.lexbor, comments=keep_comments, **OPTIONS))


def versions() -> dict[str, str]:
    return {NAME: version("resiliparse")}
