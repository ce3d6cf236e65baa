"""One HTML page, parsed once by each parser its extractors need.

Metadata, trafilatura and Readability read lxml's tree; Resiliparse reads its
own (Lexbor, an HTML5 parser in C). Each parse happens the first time an
extractor asks for it, so the fast mode never builds lxml's tree for its text,
and the libraries are imported only when a page needs them.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from types import SimpleNamespace
from typing import Any

from pipeline.errors import UnextractableInputError


@lru_cache(maxsize=1)
def lxml_parsing() -> SimpleNamespace:
    """lxml's document parser with trafilatura's settings and work-arounds (imported on the first page)."""
    from lxml.etree import ParserError
    from lxml.html import document_fromstring
    from trafilatura.utils import HTML_PARSER, repair_faulty_html

    return SimpleNamespace(HTML_PARSER=HTML_PARSER, repair_faulty_html=repair_faulty_html,
                           document_fromstring=document_fromstring, ParserError=ParserError)


def parse_page(html: str) -> Any:
    """The page as a browser builds it: always an ``<html>`` document with a head and a body.

    Not trafilatura's ``load_html``, which is a format check as much as a
    parser. It refuses a source that lacks "html" in its first 50 characters
    and has fewer than two top-level elements: a fragment (a bare ``<div>``,
    ``<table>`` or ``<pre>``, as CleanEval pages are), or a page whose first
    bytes are a comment, a PHP warning or a broken doctype. And what it
    accepts comes from lxml's ``fromstring``, which hands such a source back
    as the fragment's own element (or its body renamed ``<div>``) rather than
    the document. Here the source is already known to be HTML
    (sniffed, named or declared by the caller), so it is parsed as a
    document, as browsers do: markup and text outside ``<html>``/``<body>``
    go into the body. trafilatura's own work-arounds for libxml2 (a doctype
    on the first line, a self-closing ``<html/>``) still apply.

    Raises :class:`UnextractableInputError` when the parser finds nothing
    at all: no element and no text (only a doctype, comments or processing
    instructions), and when it stopped at one of its limits (see
    :func:`check_parser_limits`). A page with markup but no text is extracted,
    and flagged ``no-main-content``.
    """
    lib = lxml_parsing()
    source = lib.repair_faulty_html(html, html[:50].lower())
    try:
        try:
            tree = lib.document_fromstring(source, parser=lib.HTML_PARSER, ensure_head_body=True)
        except ValueError:  # an XML declaration naming an encoding: lxml takes such a page only as bytes
            data = source.encode("utf-8", "surrogatepass")
            tree = lib.document_fromstring(data, parser=lib.HTML_PARSER, ensure_head_body=True)
    except lib.ParserError:
        raise UnextractableInputError("no HTML content: the page holds no element and no text") from None
    check_parser_limits()
    return tree


def check_parser_limits() -> None:
    """Raise when libxml2 stopped parsing the last page at one of its limits.

    Without its "huge" option (which trafilatura does not set, and which would
    let a hostile page nest a million elements) libxml2 stops at 256 nested
    elements and *drops the rest of the page* with only a log message: the
    extraction would silently come out empty or cut short.
    """
    for entry in lxml_parsing().HTML_PARSER.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message:
            if "depth" in entry.message:
                raise UnextractableInputError(
                    "HTML nested more than 255 elements deep: the HTML parser (libxml2) stops there "
                    "and the rest of the page would be lost")
            raise UnextractableInputError(f"the HTML parser (libxml2) hit one of its limits: {entry.message.strip()}")


class Page:
    """A page's source, its URL, and its parsed trees (each built on first use).

    ``html`` is already sanitised (no lone surrogates, no characters XML forbids):
    see :func:`pipeline.stages.extract.extract`.
    """

    def __init__(self, html: str, url: str | None = None) -> None:
        self.html = html
        self.url = url

    @cached_property
    def tree(self) -> Any:
        """lxml's document (:func:`parse_page`): metadata, trafilatura, Readability, jusText's text."""
        return parse_page(self.html)

    @cached_property
    def lexbor(self) -> Any:
        """Resiliparse's tree (Lexbor, HTML5 parsing as browsers do it, 0.3 ms a page).

        Lexbor has no depth limit, but Resiliparse's main-content search takes time
        quadratic in the nesting (a second at 10,000 levels, minutes at a million), so
        a page nested deeper than lxml's limit is refused here too, with the same
        message: one CSS selector query, 0.2 ms on an ordinary page.
        """
        from resiliparse.parse.html import HTMLTree

        tree = HTMLTree.parse(self.html)
        if tree.document is not None and tree.document.query_selector(_TOO_DEEP) is not None:
            raise UnextractableInputError(
                f"HTML nested more than {MAX_DEPTH} elements deep: libxml2 stops parsing there (the rest "
                "of the page would be lost) and Resiliparse slows down past it")
        return tree


#: The deepest nesting of elements a page may have (libxml2's own limit, without its "huge" option).
MAX_DEPTH = 255
# An element with MAX_DEPTH element ancestors, i.e. at depth MAX_DEPTH + 1.
_TOO_DEEP = "*" + " > *" * MAX_DEPTH
