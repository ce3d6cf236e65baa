"""The cleaning chain: the stages in order, shared by the API, CLI and batch runs.

Keeping the chain in one place is what makes ``boilerstrip clean`` and the
batch tasks produce byte-identical records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from pipeline.stages.strip import strip
from pipeline.stages.decode import decode
from pipeline.document import Document
from pipeline.errors import LineTooLongError
from pipeline.stages.extract import DEFAULT_MAX_PAGE_CHARS, check_page_size, extract
from pipeline.stages.metadata import extract_metadata
from pipeline.stages.normalize import normalize
from pipeline.stages.repair import repair
from pipeline.rules import RuleSet, cached_rules
from pipeline.rules.model import DEFAULT_MATCH_TIMEOUT

#: Longest line (paragraph) accepted, in characters, after decoding (and, for a
#: page, after extraction): ``--max-line-chars``. Repair and the rules work line
#: by line; ftfy takes about a second per million characters of non-ASCII
#: prose, so a line at this limit costs a second or two, while a 50 MB line
#: would cost minutes and gigabytes. Real paragraphs are a few thousand
#: characters; a line this long is a minified blob, an inline data URI or a
#: whole book without line breaks, not a paragraph. None or 0: no limit.
DEFAULT_MAX_LINE_CHARS = 1_000_000

K = TypeVar("K")
T = TypeVar("T")


@dataclass(frozen=True)
class CleanOptions:
    """Everything that changes the output besides the input itself."""

    rule_dirs: tuple[str, ...] = ()
    builtin_rules: bool = True
    ascii_punctuation: bool = False
    match_timeout: float | None = DEFAULT_MATCH_TIMEOUT
    #: limits on hostile input (None or 0: no limit); see DEFAULT_MAX_LINE_CHARS, DEFAULT_MAX_PAGE_CHARS
    max_line_chars: int | None = DEFAULT_MAX_LINE_CHARS
    max_page_chars: int | None = DEFAULT_MAX_PAGE_CHARS
    rules: RuleSet | None = field(default=None, compare=False)

    def ruleset(self) -> RuleSet:
        if self.rules is not None:
            return self.rules
        return cached_rules(tuple(str(d) for d in self.rule_dirs), self.builtin_rules)


def clean_document(doc: Document, options: CleanOptions = CleanOptions()) -> Document:
    """Run every stage on ``doc``: decode (if it has raw bytes), extract (if it is HTML),
    repair, strip, metadata, normalise.

    Raises a :class:`~pipeline.errors.DocumentError` subclass for input that
    cannot be decoded or parsed; everything after that works on any text.
    """
    for stage in STAGES:
        doc = stage(doc, options)
    return doc


def prepare(doc: Document, options: CleanOptions = CleanOptions()) -> Document:
    """The rule-independent stages: decode, extract, repair (the batch's first task).

    Between extraction and repair, the input limits: a page longer than
    ``options.max_page_chars`` is not parsed, a line longer than
    ``options.max_line_chars`` is not repaired (both raise a DocumentError).
    """
    for stage in PREPARE:
        doc = stage(doc, options)
    return doc


def finish(doc: Document, options: CleanOptions = CleanOptions()) -> Document:
    """The rule-dependent stages on a prepared document: strip, metadata, normalise."""
    for stage in FINISH:
        doc = stage(doc, options)
    return doc


def _decode(doc: Document, options: CleanOptions) -> Document:
    return decode(doc) if doc.raw is not None else doc


def _extract(doc: Document, options: CleanOptions) -> Document:
    if doc.html is None:
        return doc
    check_page_size(doc.html, options.max_page_chars)
    return extract(doc)


def _repair(doc: Document, options: CleanOptions) -> Document:
    check_line_length(doc.text, options.max_line_chars)
    return repair(doc)


def _strip(doc: Document, options: CleanOptions) -> Document:
    return strip(doc, options.ruleset(), options.match_timeout)


def _metadata(doc: Document, options: CleanOptions) -> Document:
    return extract_metadata(doc)


def _normalize(doc: Document, options: CleanOptions) -> Document:
    return normalize(doc, options.ascii_punctuation)


#: The chain, in order; each stage is a function (document, options) -> document.
PREPARE = (_decode, _extract, _repair)
FINISH = (_strip, _metadata, _normalize)
STAGES = PREPARE + FINISH

#: Documents per batch shard, Luigi's unit of work. A Luigi task costs a few
#: milliseconds of its own and a document about 0.3 ms, so a shard of 1,000 is
#: about 0.3 s of work per stage: on 6,000 documents, 100-document shards made
#: a batch run 46% slower than a plain loop (and two workers slower than one),
#: 1,000-document shards 13-18% slower, with two workers 1.3-1.4x one.
DEFAULT_SHARD_SIZE = 1000

#: clean_stream cleans this many documents (or this many bytes of input) at a time.
CHUNK_DOCUMENTS = 64
CHUNK_BYTES = 4 * 1024 * 1024


def clean_stream(items: Iterable[tuple[K, Document | T]], options: CleanOptions = CleanOptions(),
                 ) -> Iterator[tuple[K, Document | Exception | T]]:
    """:func:`clean_document` over a stream of ``(key, item)`` pairs, in order: each item
    comes back with its key as the finished document, or as the exception that stopped
    it (a :class:`~pipeline.errors.DocumentError`, or a bug); items that are not
    documents (a reader's failures) come back unchanged.

    Documents are cleaned a chunk at a time, stage by stage rather than
    document by document, so each stage's tables (the rule screen's
    automaton, the regex engine's patterns, CLD2's model, ftfy's) stay in the
    processor's cache: 15% faster on the benchmark corpus. A chunk holds at
    most CHUNK_DOCUMENTS documents and CHUNK_BYTES of input, so memory stays
    bounded however long the stream.
    """
    chunk: list[tuple[K, Document | Exception | T]] = []
    size = 0
    for key, item in items:
        chunk.append((key, item))
        if isinstance(item, Document):
            size += len(item.raw or b"") + len(item.html or "") + len(item.text)
        if len(chunk) >= CHUNK_DOCUMENTS or size >= CHUNK_BYTES:
            yield from _clean_chunk(chunk, options)
            chunk, size = [], 0
    yield from _clean_chunk(chunk, options)


def _clean_chunk(chunk: list[tuple[K, Document | Exception | T]], options: CleanOptions,
                 ) -> list[tuple[K, Document | Exception | T]]:
    for stage in STAGES:
        for index, (key, item) in enumerate(chunk):
            if isinstance(item, Document):
                try:
                    chunk[index] = (key, stage(item, options))
                except Exception as exc:  # reported by the caller; the rest of the chunk goes on
                    chunk[index] = (key, exc)
    return chunk


def check_line_length(text: str, limit: int | None) -> None:
    """Raise :class:`LineTooLongError` when a line of ``text`` (split as repair splits:
    CRLF, CR, LF) is longer than ``limit`` characters.

    Linear and allocation-free: each window of ``limit + 1`` characters either
    holds a line break (and the scan jumps past the last one) or is a line too long.
    """
    if not limit or len(text) <= limit:
        return
    pos, end = 0, len(text)
    while end - pos > limit:
        window = pos + limit + 1
        last = max(text.rfind("\n", pos, window), text.rfind("\r", pos, window))
        if last < 0:  # pos starts a line (it follows a break), and no break within the limit
            stops = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
            length = (min(stops) if stops else end) - pos
            number = text.count("\n", 0, pos) + text.count("\r", 0, pos) - text.count("\r\n", 0, pos) + 1
            raise LineTooLongError(
                f"line {number:,} is {length:,} characters long; over the {limit:,}-character limit "
                "for one paragraph (see --max-line-chars)")
        pos = last + 1


def clean_text(
    text: str,
    *,
    id: str = "<text>",
    rule_dirs: Iterable[str] = (),
    ascii_punctuation: bool = False,
) -> Document:
    """Clean a string; return the finished :class:`Document` (``.to_record()`` for a dict).

    Never raises on any ``str``: empty input gives an empty record flagged
    ``empty-after-cleaning``. So no line-length limit applies here (a caller
    handing over a string has already decided to clean it); ``clean_bytes``,
    ``clean_html``, the command line and batch runs apply ``max_line_chars``.
    """
    options = CleanOptions(rule_dirs=tuple(rule_dirs), ascii_punctuation=ascii_punctuation, max_line_chars=None)
    return clean_document(Document(id=id, text=text, encoding=None), options)


def clean_bytes(data: bytes, *, id: str = "<bytes>", path: str | None = None, format: str | None = None,
                url: str | None = None, options: CleanOptions = CleanOptions()) -> Document:
    """Clean raw bytes (decoded as described in :mod:`pipeline.stages.decode`).

    ``format`` is "text", "html" or None to sniff; ``url`` helps extraction
    from HTML and is kept in the record.
    """
    return clean_document(Document(id=id, path=path, raw=data, format=format, url=url), options)


def clean_html(html: str, *, id: str = "<html>", url: str | None = None,
               options: CleanOptions = CleanOptions()) -> Document:
    """Clean an HTML page given as a string: main content, page metadata, then the text stages."""
    return clean_document(Document(id=id, html=html, format="html", url=url), options)
