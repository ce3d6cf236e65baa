"""WARC and WET input: the documents of a crawl archive, and what was left out of it and why.

A WARC file is a sequence of records. FastWARC (Resiliparse) frames them: it
reads the WARC headers and hands over each record's block, whatever the file's
compression (``.warc``, ``.warc.gz`` with a gzip member per record, or one
gzip stream). The HTTP part of a ``response`` record is read by
:mod:`pipeline.io.http`, the module that sets aside ``curl -si`` headers, so a
WARC page and a fetched page are judged by the same rules. Why FastWARC and not
warcio: ``benchmarks/warc_bench.py`` (README, "Input formats").

What becomes a document:

* a ``response`` record whose HTTP status is 2xx and whose payload is HTML
  or plain text (or has no Content-Type: the bytes are sniffed). Its
  ``Content-Encoding`` (gzip, deflate, br) is undone here and its charset
  goes with the document, weighed by decoding like a page's own
  declaration;
* a ``conversion`` record (the extracted text of a WET file): plain text.

Each document's id is its ``WARC-Record-ID`` as written (``<urn:uuid:...>``),
or ``FILE@OFFSET`` for a record without one; ``WARC-Target-URI`` becomes its
``url`` and ``WARC-Date`` its ``crawl_date``.

Everything else is a :class:`~pipeline.document.SkippedRecord` with its reason
(counted in the summary and the manifest, never cleaned as text): request,
metadata, warcinfo, revisit and other records, redirects and other non-2xx
responses, payloads that are not text (images, PDFs, scripts, style sheets)
and empty ones. A record that is truncated (the file ends inside it), too
large, or whose payload does not decompress is a
:class:`~pipeline.document.Reject` naming it; WARC data that cannot be framed
at all (a broken header, a corrupt gzip member) is a Reject naming its offset,
and reading resumes at the next record found after it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from pipeline.document import Document, Reject, SkippedRecord
from pipeline.errors import DocumentError, InputTooLargeError, UndecodableInputError
from pipeline.io.formats import WARC_MAGIC
from pipeline.io.http import inflate, split_http_response
from pipeline.io.reading import input_error

if TYPE_CHECKING:
    from fastwarc.warc import WarcRecord

#: Bytes of a response block read before its HTTP headers decide whether it is a document.
_HEAD_BYTES = 64 * 1024
_GZIP_MEMBER = b"\x1f\x8b\x08"
_SCAN_BLOCK = 1 << 20


class TruncatedRecordError(DocumentError):
    """A WARC record whose block is shorter than its Content-Length: the file ends inside it."""


class CorruptWarcError(DocumentError):
    """WARC data that cannot be framed into records (a broken header, a corrupt gzip member)."""


@dataclass(frozen=True)
class _Framed:
    """A record's identity, as every outcome reports it."""

    id: str
    offset: int
    url: str | None
    crawl_date: str | None


def warc_items(path: str, source_id: str, max_bytes: int) -> Iterator[Document | Reject | SkippedRecord]:
    """Every record of the WARC file at ``path``, in file order,
    as a document, a reject or a skipped record (see the module docstring).

    Data that cannot be framed is one Reject, reported where reading resumes (or ends):
    candidates for the next record that fail at once belong to the same damage.
    """
    from fastwarc.warc import ArchiveIterator

    offset = 0
    damage: tuple[int, Exception] | None = None  # where framing failed first, and why
    while True:
        current = -1
        try:
            with _opened(path, offset) as handle:
                for record in ArchiveIterator(handle, parse_http=False):
                    current = record.stream_pos
                    if damage is not None:
                        yield _damaged(source_id, path, *damage, f"reading resumed at offset {current}")
                        damage = None
                    yield _item(record, path, source_id, max_bytes)
            if damage is not None:
                yield _damaged(source_id, path, *damage, "no readable record after it")
            return
        except (OSError, ValueError, RuntimeError) as exc:
            failed = current if current >= 0 else offset
            if damage is None:
                damage = (failed, exc)
            resume = _next_record(path, failed + 1)
            if resume is None:
                yield _damaged(source_id, path, *damage, "the rest of the input is not read")
                return
            offset = resume


def _damaged(source_id: str, path: str | None, offset: int, exc: Exception, then: str) -> Reject:
    error = CorruptWarcError(f"unreadable WARC data at offset {offset} ({exc or type(exc).__name__}); {then}")
    return Reject.of(f"{source_id}@{offset}", path, "read", error)


@contextlib.contextmanager
def _opened(path: str, offset: int) -> Iterator[BinaryIO]:
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise input_error(path, exc) from None
    with handle:
        handle.seek(offset)
        yield handle


def _next_record(path: str, start: int) -> int | None:
    """Where the next record may start at or after ``start``: the next gzip member in a
    compressed file, the next ``WARC/1.x`` line in a plain one; None when there is none."""
    with open(path, "rb") as handle:
        compressed = handle.read(2) == _GZIP_MEMBER[:2]
        # A damaged record can end anywhere, so the next one is looked for anywhere, not only
        # after a line break (a false start fails in its turn and the search goes on).
        marks = (_GZIP_MEMBER,) if compressed else WARC_MAGIC
        position = start
        overlap = max(len(mark) for mark in marks) - 1
        while True:
            handle.seek(position)
            block = handle.read(_SCAN_BLOCK)
            if not block:
                return None
            found = [i for i in (block.find(mark) for mark in marks) if i >= 0]
            if found:
                return position + min(found)
            if len(block) < _SCAN_BLOCK:
                return None
            position += len(block) - overlap


def _item(record: WarcRecord, path: str | None, source_id: str,
          max_bytes: int) -> Document | Reject | SkippedRecord:
    from fastwarc.warc import WarcRecordType

    headers = record.headers
    framed = _Framed(id=headers.get("WARC-Record-ID") or f"{source_id}@{record.stream_pos}",
                     offset=record.stream_pos, url=headers.get("WARC-Target-URI") or None,
                     crawl_date=headers.get("WARC-Date") or None)
    kind = record.record_type
    try:
        if kind == WarcRecordType.response:
            return _response(record, framed, path, max_bytes)
        if kind == WarcRecordType.conversion:
            block = _whole_block(record, framed, max_bytes)
            if not block.strip():
                return SkippedRecord(framed.id, path, "empty payload")
            return Document(id=framed.id, path=path, raw=block, format="text", url=framed.url,
                            crawl_date=framed.crawl_date)
        _skip_rest(record, framed, 0)
        return SkippedRecord(framed.id, path, f"{kind} record")
    except DocumentError as exc:
        return Reject.of(framed.id, path, "read", exc)


def _skip_rest(record: WarcRecord, framed: _Framed, read: int) -> None:
    """Consume the rest of a record's block; raise if the file ended inside it."""
    read += record.reader.consume()
    _check_length(record, framed, read)


def _check_length(record: WarcRecord, framed: _Framed, read: int) -> None:
    if read < record.content_length:
        raise TruncatedRecordError(f"record at offset {framed.offset} is truncated: {read:,} of its "
                                   f"{record.content_length:,} bytes (the file ends inside it)")


def _whole_block(record: WarcRecord, framed: _Framed, max_bytes: int, head: bytes = b"") -> bytes:
    block = head + record.reader.read(max_bytes + 1 - len(head))
    if len(block) > max_bytes:
        record.reader.consume()
        raise InputTooLargeError(f"record at offset {framed.offset} exceeds the {max_bytes:,}-byte limit "
                                 "(see --max-bytes)")
    _check_length(record, framed, len(block))
    return block


def _response(record: WarcRecord, framed: _Framed, path: str | None, max_bytes: int) -> Document | SkippedRecord:
    head = record.reader.read(min(_HEAD_BYTES, max_bytes + 1))
    response = split_http_response(head)
    if response is None:
        _skip_rest(record, framed, len(head))
        kind = record.headers.get("Content-Type") or "no Content-Type"
        return SkippedRecord(framed.id, path, f"not an HTTP response ({kind.split(';')[0].strip()})")
    reason = None
    if 300 <= response.status < 400:
        reason = f"redirect (HTTP {response.status})"
    elif not 200 <= response.status < 300:
        reason = f"HTTP status {response.status}"
    elif not response.is_document:
        reason = f"not text ({response.content_type})"
    if reason is not None:
        _skip_rest(record, framed, len(head))
        return SkippedRecord(framed.id, path, reason)
    block = _whole_block(record, framed, max_bytes, head)
    response = split_http_response(block)
    assert response is not None  # its head parsed above
    try:
        body = inflate(response, max_bytes, complete=True)
    except ValueError as exc:
        raise UndecodableInputError(f"record at offset {framed.offset}: HTTP body: {exc}") from None
    if not body.strip():
        return SkippedRecord(framed.id, path, "empty payload")
    return Document(id=framed.id, path=path, raw=body, format=response.format, charset=response.charset,
                    url=framed.url, crawl_date=framed.crawl_date)
