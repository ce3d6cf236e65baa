"""A page's metadata: title, author, date, publisher (site name), canonical URL, description.

Two readers:

* :func:`page_metadata`, for the combination and trafilatura alone: trafilatura's
  metadata helpers on lxml's tree (meta tags, Open Graph, JSON-LD, ``<title>``,
  headings, canonical link, site name) and htmldate's quick date search;
* :func:`meta_tag_metadata`, for the fast mode: the page's meta tags, ``<title>``,
  a single ``<h1>`` and the canonical link, read from the source. It needs
  neither lxml's tree nor trafilatura and htmldate (together 3.3 ms a page,
  more than Resiliparse's whole extraction), and finds what the page declares;
  it does not read JSON-LD or search the text for a date.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

Metadata = dict[str, "str | None"]


@lru_cache(maxsize=1)
def _libraries() -> SimpleNamespace:
    from htmldate import find_date
    from trafilatura import metadata as page_meta

    return SimpleNamespace(find_date=find_date, page_meta=page_meta)


def page_metadata(tree: Any, url: str | None) -> Metadata:
    """Title, author, date, publisher (site name), canonical url and description of a parsed page."""
    lib = _libraries()
    page_meta = lib.page_meta
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
        date = lib.find_date(tree, extensive_search=False, original_date=True, url=page_url)
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


# Meta tag names and properties, most specific first, for each field (the fast reader).
_META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "dcterms.title", "citation_title", "parsely-title",
              "sailthru.title", "headline"),
    "author": ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator", "citation_author",
               "parsely-author", "sailthru.author", "byl"),
    "date": ("article:published_time", "og:article:published_time", "datepublished", "dc.date.issued",
             "dcterms.issued", "dc.date", "dcterms.date", "citation_publication_date", "citation_date",
             "parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish-date", "date"),
    "publisher": ("og:site_name", "application-name", "dc.publisher", "dcterms.publisher", "publisher"),
    "url": ("og:url",),
    "description": ("description", "og:description", "twitter:description", "dc.description",
                    "dcterms.description"),
}
_RANK = {key: (field, rank) for field, keys in _META_KEYS.items() for rank, key in enumerate(keys)}
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
#: Separators between a headline and the site name in a ``<title>``.
_TITLE_SEPARATOR = re.compile(r"\s+[|–—·»-]\s+")
#: The fast reader reads tags from the source, up to ``</head>`` or this many characters.
HEAD_CHARS = 200_000
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_META = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_LINK = re.compile(r"<link\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _attributes(tag: str) -> dict[str, str]:
    """A tag's attributes (names lower-cased, values with entities decoded); the first of a name wins."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag):
        name = match.group(1).lower()
        if name not in found:
            value = next(v for v in match.group(2, 3, 4) if v is not None)
            found[name] = html.unescape(value)
    return found


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def meta_tag_metadata(source: str, url: str | None) -> Metadata:
    """The fast reader: what the page's meta tags, ``<title>``, a single ``<h1>`` and canonical
    link say (see the module docstring).

    The tags are read from the source with regular expressions, up to ``</head>``
    (a single ``<h1>`` is looked for in the whole page): building Resiliparse's
    node objects for them costs a millisecond a page, as much as its extraction.
    """
    end = _HEAD_END.search(source, 0, HEAD_CHARS)
    head = source[: end.start() if end else HEAD_CHARS]
    found: dict[str, str] = {}
    ranks: dict[str, int] = {}
    for tag in _META.finditer(head):
        attributes = _attributes(tag.group(1))
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
        content = " ".join(attributes.get("content", "").split())
        if key in _RANK and content:
            field, rank = _RANK[key]
            if rank < ranks.get(field, len(_META_KEYS[field])):
                found[field], ranks[field] = content, rank
    if "title" not in found:
        headings = _H1.findall(source)
        heading = _text(headings[0]) if len(headings) == 1 else ""
        title = _TITLE.search(head)
        if heading:
            found["title"] = heading
        elif title and _text(title.group(1)):
            found["title"] = max(_TITLE_SEPARATOR.split(_text(title.group(1))), key=len)
    for tag in _LINK.finditer(head):
        attributes = _attributes(tag.group(1))
        href = attributes.get("href", "").strip()
        if "canonical" in attributes.get("rel", "").lower().split() and href.startswith(("http://", "https://")):
            found["url"] = href
            break
    if "url" not in found and url:
        found["url"] = url
    if found.get("author") and " " not in found["author"]:
        del found["author"]  # a handle, not a name
    date = _ISO_DATE.match(found.pop("date", ""))
    if date and 1990 <= int(date.group(1)) <= 2100 and 1 <= int(date.group(2)) <= 12 \
            and 1 <= int(date.group(3)) <= 31:
        found["date"] = "-".join(date.groups())
    if "publisher" in found:
        found["publisher"] = found["publisher"].lstrip("@")
    return {field: found.get(field) or None for field in _META_KEYS}
