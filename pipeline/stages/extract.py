"""Stage 1b (HTML input only): the page's main content and its metadata.

trafilatura finds the main text. Its default mode already asks jusText and
readability for a second opinion and keeps the better candidate, so jusText
is not run a second time on every page; it runs here only as the *fallback*
when trafilatura returns nothing or next to nothing, and its text is taken
only when it finds substantially more (``JUSTEXT_MIN_GAIN`` times the words).

Options are set explicitly, and differ from trafilatura's defaults where
the cleaning pipeline needs it:

* ``include_comments=False``: reader comments are not the article (and the
  boilerplate rules would only have to find them again);
* ``include_tables=True`` (the default): tables often carry article facts;
* no links, images or formatting markup: the output is plain text;
* metadata comes from trafilatura's own metadata helpers (meta tags, JSON-LD,
  title, canonical URL, site name) called once on the parsed page, plus
  htmldate's quick date search, instead of ``with_metadata=True``, which adds
  categories, tags, licence, a DOM-wide author search and an exhaustive date
  search: together they would take extraction from about 1.05x to 1.4x
  trafilatura's own time per page (``benchmarks/eval_gate.py`` measures it).

The page is parsed once, as browsers parse it (``parse_page``): a fragment
without ``<html>``/``<body>`` or a page with a broken doctype is a document
like any other, not an error.

The extracted text then goes through the same repair, rules and
normalisation as plain text: extractors leave debris behind. So do the
metadata fields: the repair stage repairs them with the text.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

from pipeline import flags as F
from pipeline.document import Document
from pipeline.errors import InputTooLargeError, UnextractableInputError
from pipeline.shape import word_count
from pipeline.stages import Stage

TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "with_metadata": False,  # done once below, more cheaply
    "deduplicate": False,  # per-process state would make results depend on order
}
#: Below this many words trafilatura's text is considered a miss and jusText is asked.
FALLBACK_BELOW_WORDS = 50
#: jusText's text replaces trafilatura's only with at least this many times the words.
JUSTEXT_MIN_GAIN = 3
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


@lru_cache(maxsize=1)
def extractor_versions() -> dict[str, str]:
    """Batch results are keyed on these: a new extractor release may extract differently."""
    return {name: version(name) for name in ("trafilatura", "justext", "htmldate")}


@lru_cache(maxsize=1)
def _libraries() -> SimpleNamespace:
    """trafilatura, jusText and htmldate, imported when the first page arrives: they take
    a third of a second to import, and plain text never needs them."""
    import justext
    import trafilatura
    from htmldate import find_date
    from lxml.etree import ParserError
    from lxml.html import document_fromstring
    from trafilatura import metadata as page_meta
    from trafilatura.utils import HTML_PARSER, repair_faulty_html

    return SimpleNamespace(justext=justext, trafilatura=trafilatura, find_date=find_date,
                           page_meta=page_meta, HTML_PARSER=HTML_PARSER, repair_faulty_html=repair_faulty_html,
                           document_fromstring=document_fromstring, ParserError=ParserError)


@lru_cache(maxsize=1)
def _all_stopwords() -> frozenset[str]:
    """Stop words of every language jusText knows: language-independent, as trafilatura does it."""
    justext = _libraries().justext
    words: set[str] = set()
    for language in justext.get_stoplists():
        words.update(justext.get_stoplist(language))
    return frozenset(words)


def silence_library_logs() -> None:
    """Keep the extraction libraries' per-page log lines ("discarding data", "empty HTML tree")
    off stderr: boilerstrip reports what matters itself, as flags and errors."""
    for name in ("trafilatura", "htmldate", "justext", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def warm_up() -> None:
    """Import the extractors and build the stop-word list now rather than on the first page
    that needs them (0.3 s and 75 ms)."""
    _all_stopwords()


def justext_text(html: str) -> str:
    """jusText's main-content paragraphs, one per line."""
    paragraphs = _libraries().justext.justext(html, _all_stopwords())
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def page_metadata(tree: Any, url: str | None) -> dict[str, str | None]:
    """Title, author, date, publisher (site name), canonical url and description of a parsed page."""
    page_meta = _libraries().page_meta
    meta = page_meta.examine_meta(tree)
    try:
        meta = page_meta.extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD parser trips over malformed JSON-LD; the rest still counts
        pass
    if meta.author and " " not in meta.author:
        meta.author = None  # a single token in a meta tag is usually a handle, not a name
    title = meta.title or page_meta.extract_title(tree)
    # Not trafilatura's DOM-wide author search (extract_author): on the development
    # set it cost 3.5 ms per page, a sixth of trafilatura's whole extraction time,
    # and a quarter of the names it found were wrong (121 right, 45 wrong). Bylines
    # left in the text are still captured by the byline rules.
    author = meta.author
    page_url = meta.url or page_meta.extract_url(tree, url)
    try:
        date = _libraries().find_date(tree, extensive_search=False, original_date=True, url=page_url)
    except Exception:  # htmldate trips over odd trees (an <svg> as the root: lxml's drop_tree asserts);
        date = None    # the date is optional, the page's text still counts
    sitename = meta.sitename or page_meta.extract_sitename(tree)
    return {
        "title": title or None,
        "author": author or None,
        "date": date or None,
        "publisher": sitename.lstrip("@") if sitename else None,
        "url": page_url or None,
        "description": meta.description or None,
    }


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

    Raises :class:`UnextractableInputError` only when the parser finds nothing
    at all: no element and no text (only a doctype, comments or processing
    instructions). A page with markup but no text is extracted, and flagged
    ``no-main-content``.
    """
    lib = _libraries()
    source = lib.repair_faulty_html(html, html[:50].lower())
    try:
        try:
            return lib.document_fromstring(source, parser=lib.HTML_PARSER, ensure_head_body=True)
        except ValueError:  # an XML declaration naming an encoding: lxml takes such a page only as bytes
            data = source.encode("utf-8", "surrogatepass")
            return lib.document_fromstring(data, parser=lib.HTML_PARSER, ensure_head_body=True)
    except lib.ParserError:
        raise UnextractableInputError("no HTML content: the page holds no element and no text") from None


def extract_main_text(html: str, url: str | None = None,
                      include_comments: bool = False) -> tuple[str, str, dict[str, str | None]]:
    """Main text of a page, the extractor that found it, and the page metadata.

    Raises :class:`UnextractableInputError` when the source holds nothing to
    parse (see :func:`parse_page`), when the parser stopped at one of its
    limits (more than 255 nested elements: the rest of the page would be lost
    without a trace) and when the extractors run out of Python stack.
    """
    lib = _libraries()
    try:
        tree = parse_page(html)
        _check_parser_limits()
        meta = page_metadata(tree, url)
        result = lib.trafilatura.bare_extraction(tree, url=url,
                                                 **{**TRAFILATURA_OPTIONS, "include_comments": include_comments})
        text = (result.text if result is not None else None) or ""
        if include_comments and result is not None and result.comments:
            text = f"{text}\n{result.comments}" if text else result.comments  # trafilatura keeps them apart
        extractor = "trafilatura"
        words = word_count(text)
        if words < FALLBACK_BELOW_WORDS:
            try:
                rescue = justext_text(html)
            except (ValueError, AssertionError, TypeError, AttributeError):
                # jusText's cleaner (lxml_html_clean) fails on some malformed trees, e.g. one
                # whose root is a comment ("<body><!--><html>": ValueError from strip_attributes).
                # It is only the fallback: trafilatura's result stands.
                rescue = ""
            if word_count(rescue) >= max(JUSTEXT_MIN_GAIN * words, 1):
                text, extractor = rescue, "justext"
    except RecursionError:
        # trafilatura and jusText walk the tree recursively; libxml2's depth limit
        # keeps trees shallow enough today, but a bug must not become an internal error.
        raise UnextractableInputError("HTML nested too deeply for the extractors (Python's recursion limit)") from None
    return text, extractor, meta


def _check_parser_limits() -> None:
    """Raise when libxml2 stopped parsing the last page at one of its limits.

    Without its "huge" option (which trafilatura does not set, and which would
    let a hostile page nest a million elements) libxml2 stops at 256 nested
    elements and *drops the rest of the page* with only a log message: the
    extraction would silently come out empty or cut short.
    """
    for entry in _libraries().HTML_PARSER.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message:
            if "depth" in entry.message:
                raise UnextractableInputError(
                    "HTML nested more than 255 elements deep: the HTML parser (libxml2) stops there "
                    "and the rest of the page would be lost")
            raise UnextractableInputError(f"the HTML parser (libxml2) hit one of its limits: {entry.message.strip()}")


def check_page_size(html: str, limit: int | None) -> None:
    """Raise :class:`InputTooLargeError` when the page source is longer than ``limit`` characters."""
    if limit and len(html) > limit:
        raise InputTooLargeError(
            f"page is {len(html):,} characters long; over the {limit:,}-character limit for one HTML page "
            "(see --max-page-chars)")


def extract(doc: Document, include_comments: bool = False) -> Document:
    """Stage function: fill ``text``, ``extractor`` and page metadata from ``html``.

    Metadata the caller supplied (a JSONL record's ``url``/``date``) wins over
    what the page says.
    """
    if doc.html is None:
        raise ValueError("extract() needs a document with an HTML source")
    html, flags = doc.html, []
    if _NEEDS_SANITISING.search(html):  # rare; one scan settles the common case (0.6 ms a page, not 1.4)
        if _LONE_SURROGATE.search(html):
            html = _LONE_SURROGATE.sub("\ufffd", html)
            flags.append(F.SURROGATES_REPAIRED)
        if _XML_FORBIDDEN.search(html) or "\x0c" in html:
            html = _XML_FORBIDDEN.sub("", html).replace("\x0c", " ")
            flags.append(F.CONTROL_CHARS_REMOVED)
    text, extractor, meta = extract_main_text(html, doc.url, include_comments)
    fields = {k: v for k, v in meta.items() if v and getattr(doc, k) is None}
    extracted = doc.evolve(text=text, extractor=extractor, add_flags=tuple(flags), **fields)
    return extracted if text.strip() else extracted.with_flags(F.NO_MAIN_CONTENT)


class Extract(Stage):
    """A page's main content and metadata (text documents pass through), within the page-size limit."""

    name = "extract"

    def __call__(self, doc: Document) -> Document:
        if doc.html is None:
            return doc
        check_page_size(doc.html, self.options.max_page_chars)
        return extract(doc, self.options.keep_comments)

    def fingerprint(self) -> dict[str, object]:
        return {"extractors": extractor_versions(), "max_page_chars": self.options.max_page_chars,
                "keep_comments": self.options.keep_comments}
