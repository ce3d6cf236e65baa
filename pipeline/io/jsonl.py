"""JSON Lines input: one document per line, read line by line within the size limit.

A malformed line is a failure naming its line number, and the lines after it
are still read; an over-long line is skipped without being held in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import Enum

from pipeline import flags as F
from pipeline.document import Document, Reject
from pipeline.errors import (
    DocumentError,
    EmptyInputError,
    InputTooLargeError,
    MalformedRecordError,
)
from pipeline.io.reading import ByteStream
from pipeline.stages.metadata import parse_date

_CHUNK = 1 << 20

#: An over-long JSONL line is skipped to its end without being held in memory, but
#: only up to this many times the limit, or SKIP_MIN_BYTES if that is more: a
#: line still going after that (a decompression bomb, a file without line
#: breaks) ends the reading of the file, with an error naming the line, instead
#: of inflating gigabytes to find its end (gzip inflates about 300 MB/s).
SKIP_LIMIT_FACTOR = 4
SKIP_MIN_BYTES = 256 * 1024 * 1024


def skip_budget(limit: int) -> int:
    """How far an over-long JSONL line is followed to find its end (see SKIP_LIMIT_FACTOR)."""
    return max(SKIP_LIMIT_FACTOR * limit, SKIP_MIN_BYTES)


class _Overlong(Enum):
    """What :func:`_lines` yields in place of a line longer than the limit (TOO_LONG), and of one
    that was still going after ``SKIP_LIMIT_FACTOR`` times the limit (ENDLESS: reading stops there)."""

    TOO_LONG = "too long"
    ENDLESS = "endless"


def _lines(stream: ByteStream, limit: int, max_lines: int | None) -> Iterator[bytes | _Overlong]:
    """The stream's lines, at most ``max_lines``. A line longer than ``limit`` is
    skipped without holding it in memory and yields ``TOO_LONG``; one that has
    not ended after ``skip_budget(limit)`` bytes yields ``ENDLESS`` and
    ends the iteration (a gzip bomb of one line is not inflated to its end)."""
    count = 0
    while max_lines is None or count < max_lines:
        line = stream.readline(limit + 1)
        if not line:
            return
        count += 1
        if len(line) > limit and not line.endswith(b"\n"):
            skipped, budget = len(line), skip_budget(limit)
            while (rest := stream.readline(min(_CHUNK, budget - skipped + 1))) and not rest.endswith(b"\n"):
                skipped += len(rest)
                if skipped > budget:
                    yield _Overlong.ENDLESS
                    return
            yield _Overlong.TOO_LONG
        else:
            yield line


def _record_id(line: bytes | _Overlong, number: int, source_id: str) -> str:
    """The id a failed line is reported under: its own, if it can be read, else ``file:line``."""
    fallback = f"{source_id}:{number}"
    if not isinstance(line, bytes):
        return fallback
    try:
        value = json.loads(line).get("id")
    except (ValueError, AttributeError, RecursionError):
        return fallback
    if isinstance(value, str) and not is_unicode(value):
        return fallback
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "" else fallback


def parse_record(line: bytes, number: int, default_id: str, path: str | None = None) -> Document:
    """One JSONL line to a :class:`Document`: ``html`` or ``text``, optional ``id``, ``url``, ``date``.

    An ``html`` field wins over ``text`` (the page is the source; a crawler's
    ``text`` is often its own extraction). Other fields are ignored. Raises
    :class:`MalformedRecordError` naming the line and the problem.
    """
    try:
        record = json.loads(line)
    except UnicodeDecodeError as exc:
        raise MalformedRecordError(f"line {number}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        # json numbers lines within the text it was given; this is one line of the file,
        # so say where in the line instead ("line 2: ... line 2 column 1" misled).
        where = "the end of the line" if exc.pos >= len(exc.doc.rstrip()) else f"character {exc.pos + 1}"
        raise MalformedRecordError(f"line {number}: not valid JSON ({exc.msg} at {where})") from None
    except ValueError as exc:
        raise MalformedRecordError(f"line {number}: not valid JSON ({exc})") from None
    except RecursionError:  # [[[[... a few thousand deep: json recurses once per level
        raise MalformedRecordError(f"line {number}: JSON nested too deeply to read") from None
    if not isinstance(record, dict):
        raise MalformedRecordError(f"line {number}: expected a JSON object, got {type(record).__name__}")
    for key in ("html", "text", "url", "date"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise MalformedRecordError(f"line {number}: field {key!r} must be a string, got {type(record[key]).__name__}")
    for key in ("id", "url"):
        value = record.get(key)
        if isinstance(value, str) and not is_unicode(value):
            # A lone surrogate ("\\ud800") is valid JSON but not text: no output could encode it.
            raise MalformedRecordError(f"line {number}: field {key!r} is not valid Unicode (a lone surrogate escape)")
    doc_id = record.get("id")
    if doc_id is None or doc_id == "":
        doc_id = default_id
    elif isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise MalformedRecordError(f"line {number}: field 'id' must be a string or an integer, got {type(doc_id).__name__}")
    html: str | None = record.get("html")
    text: str | None = record.get("text")
    body = html if html is not None else text
    if body is None:
        raise MalformedRecordError(f"line {number}: no 'text' or 'html' field")
    if not body.strip():
        raise EmptyInputError(f"line {number}: empty {'html' if html is not None else 'text'} field")
    flags: tuple[str, ...] = ()
    date = record.get("date")
    if date is not None:
        date = parse_date(date)
        flags = () if date else (F.UNPARSED_DATE,)
    return Document(
        id=str(doc_id), path=path, url=record.get("url") or None, date=date, flags=flags,
        **({"html": html, "format": "html"} if html is not None else {"text": text, "format": "text"}),
    )


def is_unicode(value: str) -> bool:
    """False for a string holding lone surrogates, which no UTF-8 output can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def records(stream: ByteStream, source_id: str, path: str | None, max_bytes: int, first_line: int = 1,
            max_lines: int | None = None) -> Iterator[Document | Reject]:
    """The documents of a JSONL stream, one per non-blank line (at most ``max_lines`` lines,
    numbered from ``first_line``); a line that is not a usable record is a Reject naming it.

    Raises :class:`EmptyInputError` for a whole stream without a single record:
    an empty dump is a crawl that failed, never "nothing to do".
    """
    whole_file = first_line == 1 and max_lines is None
    lines = found = 0
    for number, line in enumerate(_lines(stream, max_bytes, max_lines), start=first_line):
        lines += 1
        if isinstance(line, bytes) and not line.strip():
            continue  # blank lines separate nothing and hold no document
        found += 1
        try:
            if line is _Overlong.TOO_LONG:
                raise InputTooLargeError(f"line {number}: longer than the {max_bytes:,}-byte limit (see --max-bytes)")
            if line is _Overlong.ENDLESS:
                raise InputTooLargeError(
                    f"line {number}: longer than the {max_bytes:,}-byte limit (see --max-bytes), and still "
                    f"no line break after {skip_budget(max_bytes):,} bytes: the rest of the file "
                    "is not read (a decompression bomb, or not JSONL)")
            yield parse_record(line, number, default_id=f"{source_id}:{number}", path=path)
        except DocumentError as exc:
            yield Reject.of(_record_id(line, number, source_id), path, "read", exc)
    if whole_file and not found:
        # An empty dump is a crawl that failed; never let it pass as "nothing to do".
        raise EmptyInputError("input is whitespace only (no JSONL records)" if lines
                              else "empty input (no JSONL records)")
