"""Finding inputs and reading their documents: files, ``.gz`` files, directories, stdin, JSONL.

Resolution is lazy and per input: a missing path becomes a :class:`Source`
whose documents are one :class:`ReadFailure`, so one bad argument is
reported in its turn and never stops the others. The same holds inside a
JSONL file: a malformed line is a failure naming its line number, and the
lines after it are still read.

Input formats, by file name (``.gz`` stripped first): ``.txt``/``.text`` are
plain text, ``.html``/``.htm``/``.xhtml`` are pages, ``.jsonl``/``.ndjson`` hold
one document per line. Other files named explicitly, and stdin, are sniffed:
JSONL when every leading line is a JSON object (:func:`looks_like_jsonl`), else
text or HTML (see :func:`pipeline.stages.decode.sniff_format`).

Document ids: a directory's files are named by their path relative to the
directory, a file by its name, stdin ``<stdin>``. With several arguments, ids
are paths relative to the arguments' common parent (``d1/x.txt``,
``d2/x.txt``), so they are unique within one output; an argument already
covered by another (the same file twice, a directory inside another) is
skipped with a note.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.document import Document
from pipeline.errors import DocumentError, EmptyInputError, InputNotFoundError, InputTooLargeError, MalformedRecordError
from pipeline.stages.metadata import parse_date

#: Largest input accepted, after decompression (for JSONL: largest line).
#: Larger inputs are rejected (not truncated), so a gzip bomb costs at most this much memory.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

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

#: File names picked up when walking a directory, by format. Named explicitly, any file is read.
SUFFIXES = {
    "text": (".txt", ".text"),
    "html": (".html", ".htm", ".xhtml"),
    "jsonl": (".jsonl", ".ndjson"),
}
#: What --input-format accepts; "auto" means by file name, else sniffed.
INPUT_FORMATS = ("auto", "text", "html", "jsonl")
GZIP_SUFFIX = ".gz"
STDIN_ID = "<stdin>"
_CHUNK = 1 << 20


def format_of_name(name: str) -> str | None:
    """The input format a file name implies, or None (sniff the content)."""
    base = name[: -len(GZIP_SUFFIX)] if name.endswith(GZIP_SUFFIX) else name
    base = base.lower()
    for kind, suffixes in SUFFIXES.items():
        if base.endswith(suffixes):
            return kind
    return None


def supported_names() -> str:
    """The file names a directory walk reads, for messages: ".txt, .text, ... and their .gz"."""
    suffixes = [suffix for group in SUFFIXES.values() for suffix in group]
    return f"{', '.join(suffixes)} or their {GZIP_SUFFIX}"


#: How much of an input without a telling name is looked at to decide whether it is JSONL.
SNIFF_BYTES = 1 << 20
#: Leading lines that must all be JSON objects for an input to be taken as JSONL.
SNIFF_LINES = 5


def looks_like_jsonl(head: bytes) -> bool:
    """Whether the first bytes of an input are JSON Lines: every leading non-blank line
    (up to SNIFF_LINES of the complete lines in ``head``) is a JSON object.

    A text or HTML document is never a JSON object, so this cannot take an article
    for a dump; a dump whose first record is longer than ``head`` is recognised by
    its start (``{"``).
    """
    lines = head.split(b"\n")
    complete = [line for line in lines[:-1] if line.strip()][:SNIFF_LINES]
    if not complete:
        return head.lstrip().startswith(b'{"')
    for line in complete:
        if not line.lstrip().startswith(b"{"):
            return False
        try:
            if not isinstance(json.loads(line), dict):
                return False
        except (ValueError, RecursionError):
            return False
    return True


class _Prefixed(io.RawIOBase):
    """A stream that gives back ``head`` (already read, to sniff it) before the rest of ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _too_large(what: str, limit: int) -> InputTooLargeError:
    return InputTooLargeError(f"{what} exceeds the {limit:,}-byte limit (see --max-bytes)")


def _read_limited(stream: BinaryIO, limit: int, what: str) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            raise _too_large(what, limit)
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def _reading(path: str) -> Iterator[BinaryIO]:
    """Open ``path`` (decompressing ``.gz``), turning OS and gzip errors into :class:`InputNotFoundError`."""
    try:
        with (gzip.open(path, "rb") if path.endswith(GZIP_SUFFIX) else open(path, "rb")) as stream:
            yield stream
    except (OSError, EOFError, zlib.error) as exc:
        raise _input_error(path, exc) from None


def _input_error(path: str, exc: Exception) -> InputNotFoundError:
    """What an OS or gzip error while reading ``path`` means, in one line."""
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return InputNotFoundError("broken symbolic link (its target does not exist)")
        return InputNotFoundError("no such file")
    if isinstance(exc, IsADirectoryError):
        return InputNotFoundError("is a directory")
    if isinstance(exc, PermissionError):
        return InputNotFoundError("permission denied")
    if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)):
        return InputNotFoundError(f"corrupt gzip data ({exc or type(exc).__name__})")
    if getattr(exc, "errno", None) == errno.ELOOP:
        return InputNotFoundError("symbolic link loop (too many levels of symbolic links)")
    return InputNotFoundError(f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def _read_file(path: str, limit: int) -> bytes:
    """A plain file's bytes: read unbuffered, in reads of its own size (a FIFO says 0 and
    is read in chunks); one byte more tells whether it grew meanwhile."""
    try:
        with open(path, "rb", buffering=0) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise _too_large("input", limit)
            data = b""
            while len(data) <= size and (chunk := stream.read(size + 1 - len(data))):
                data += chunk
            if len(data) > size:
                data += _read_limited(stream, limit, "input")
                if len(data) > limit:
                    raise _too_large("input", limit)
            return data
    except OSError as exc:
        raise _input_error(path, exc) from None


@dataclass(frozen=True)
class ReadFailure:
    """A document that could not be read: reported in its turn, never dropped."""

    id: str
    path: str | None
    error: DocumentError


@dataclass(frozen=True)
class Source:
    """One input file (or stdin): where it is, under which id it is reported, its format."""

    id: str
    path: str | None  # None for stdin
    max_bytes: int = DEFAULT_MAX_BYTES
    #: "text", "html", "jsonl", or None to sniff (JSONL, else text versus HTML)
    format: str | None = None
    #: the first bytes of stdin, already read to sniff its format (stdin cannot be read twice)
    head: bytes | None = field(default=None, repr=False, compare=False)

    @contextlib.contextmanager
    def _stream(self) -> Iterator[BinaryIO]:
        """The input as a binary stream from its first byte (decompressed, after any sniffed head)."""
        if self.path is not None:
            with _reading(self.path) as stream:
                yield stream
        elif self.head is not None:
            yield io.BufferedReader(_Prefixed(self.head, sys.stdin.buffer))  # type: ignore[arg-type]
        else:
            yield sys.stdin.buffer

    def sniffed(self) -> Source:
        """This source with its format decided: "jsonl" when its first lines are JSON
        objects; otherwise the format stays None and decoding tells text from HTML.

        A source whose format is known comes back unchanged, and so does one that
        cannot be read (its documents report why).
        """
        if self.format is not None or self.head is not None:
            return self
        try:
            with self._stream() as stream:
                head = stream.read(SNIFF_BYTES)
        except DocumentError:
            return self
        kind = "jsonl" if looks_like_jsonl(head) else None
        return replace(self, format=kind, head=head if self.path is None else None)

    def read(self) -> bytes:
        """The whole input's bytes, decompressed if the name ends in ``.gz``."""
        if self.path is None:
            with self._stream() as stream:
                return _read_limited(stream, self.max_bytes, "standard input")
        if not self.path.endswith(GZIP_SUFFIX):
            return _read_file(self.path, self.max_bytes)
        with _reading(self.path) as stream:
            return _read_limited(stream, self.max_bytes, "decompressed input")

    def documents(self, first_line: int = 1, max_lines: int | None = None,
                  offset: int = 0) -> Iterator[Document | ReadFailure]:
        """The input's documents: one for a text or HTML file, one per line for JSONL.

        ``first_line``/``max_lines``/``offset`` select a range of a plain
        (uncompressed) JSONL file: the batch cuts big files into shards.
        """
        source = self.sniffed()
        if source.format != "jsonl":
            try:
                yield Document(id=source.id, path=source.path, raw=source.read(), format=source.format)
            except DocumentError as exc:
                yield ReadFailure(source.id, source.path, exc)
            return
        try:
            with source._stream() as stream:
                if offset:
                    stream.seek(offset)
                yield from source._records(stream, first_line, max_lines)
        except DocumentError as exc:
            yield ReadFailure(source.id, source.path, exc)

    def _records(self, stream: BinaryIO, first_line: int, max_lines: int | None) -> Iterator[Document | ReadFailure]:
        whole_file = first_line == 1 and max_lines is None
        lines = records = 0
        for number, line in enumerate(_lines(stream, self.max_bytes, max_lines), start=first_line):
            lines += 1
            if isinstance(line, bytes) and not line.strip():
                continue  # blank lines separate nothing and hold no document
            records += 1
            try:
                if line is _TOO_LONG:
                    raise InputTooLargeError(f"line {number}: longer than the {self.max_bytes:,}-byte limit (see --max-bytes)")
                if line is _ENDLESS:
                    raise InputTooLargeError(
                        f"line {number}: longer than the {self.max_bytes:,}-byte limit (see --max-bytes), and still "
                        f"no line break after {skip_budget(self.max_bytes):,} bytes: the rest of the file "
                        "is not read (a decompression bomb, or not JSONL)")
                yield parse_record(line, number, default_id=f"{self.id}:{number}", path=self.path)
            except DocumentError as exc:
                yield ReadFailure(_record_id(line, number, self.id), self.path, exc)
        if whole_file and not records:
            # An empty dump is a crawl that failed; never let it pass as "nothing to do".
            raise EmptyInputError("input is whitespace only (no JSONL records)" if lines
                                  else "empty input (no JSONL records)")


#: What :func:`_lines` yields in place of a line longer than the limit, and of one
#: that was still going after ``SKIP_LIMIT_FACTOR`` times the limit (reading stops there).
_TOO_LONG = object()
_ENDLESS = object()


def _lines(stream: BinaryIO, limit: int, max_lines: int | None) -> Iterator[bytes | object]:
    """The stream's lines, at most ``max_lines``. A line longer than ``limit`` is
    skipped without holding it in memory and yields ``_TOO_LONG``; one that has
    not ended after ``skip_budget(limit)`` bytes yields ``_ENDLESS`` and
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
                    yield _ENDLESS
                    return
            yield _TOO_LONG
        else:
            yield line


def _record_id(line: bytes | object, number: int, source_id: str) -> str:
    """The id a failed line is reported under: its own, if it can be read, else ``file:line``."""
    fallback = f"{source_id}:{number}"
    if not isinstance(line, bytes):
        return fallback
    try:
        value = json.loads(line).get("id")
    except (ValueError, AttributeError, RecursionError):
        return fallback
    if isinstance(value, str) and not _is_unicode(value):
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
        if isinstance(value, str) and not _is_unicode(value):
            # A lone surrogate ("\\ud800") is valid JSON but not text: no output could encode it.
            raise MalformedRecordError(f"line {number}: field {key!r} is not valid Unicode (a lone surrogate escape)")
    doc_id = record.get("id")
    if doc_id is None or doc_id == "":
        doc_id = default_id
    elif isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise MalformedRecordError(f"line {number}: field 'id' must be a string or an integer, got {type(doc_id).__name__}")
    html, text = record.get("html"), record.get("text")
    if html is None and text is None:
        raise MalformedRecordError(f"line {number}: no 'text' or 'html' field")
    body = html if html is not None else text
    if not body.strip():
        raise EmptyInputError(f"line {number}: empty {'html' if html is not None else 'text'} field")
    flags: tuple[str, ...] = ()
    date = record.get("date")
    if date is not None:
        date = parse_date(date)
        flags = () if date else ("unparsed-date",)
    return Document(
        id=str(doc_id), path=path, url=record.get("url") or None, date=date, flags=flags,
        **({"html": html, "format": "html"} if html is not None else {"text": text, "format": "text"}),
    )


def _is_unicode(value: str) -> bool:
    """False for a string holding lone surrogates, which no UTF-8 output can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Skipped:
    """A directory entry the walk left out, reported so nothing vanishes unnoticed."""

    path: str
    reason: str
    #: True when something that may hold documents could not be read (an
    #: unlistable directory): the CLI reports it as an error, batch as a reject.
    error: bool = False


def _undecodable_name(path: str) -> Skipped:
    """A file whose name is not UTF-8: its id and path could not be written to any
    record (or rejects file) as text, so it is reported, under an escaped name."""
    shown = os.fsencode(path).decode("utf-8", "backslashreplace")
    return Skipped(shown, "file name is not valid UTF-8 (rename the file to read it)", error=True)


def walk_directory(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source | Skipped]:
    """Supported files under ``root``, recursively, in stable (sorted) order.

    Symlinked directories are not followed (each is listed as skipped), so link
    loops cannot trap the walk; a symlinked *file* is read (a loop or a dangling
    link is then an error naming it). FIFOs, sockets and devices are skipped
    (opening a FIFO would wait forever); directories that cannot be listed are
    listed as skipped with the reason. Ids are paths relative to ``root`` with
    ``/`` separators.
    """
    unlistable: list[OSError] = []
    walk = os.walk(root, onerror=unlistable.append, followlinks=False)
    while True:
        step = next(walk, None)
        while unlistable:  # reported in walk order, before the next directory's files
            exc = unlistable.pop(0)
            yield Skipped(str(exc.filename), f"cannot list directory ({exc.strerror or exc}); its files are not read",
                          error=True)
        if step is None:
            return
        dirpath, dirnames, filenames = step
        hidden = {d for d in dirnames if d.startswith(".")}
        linked = sorted(d for d in dirnames if d not in hidden and os.path.islink(os.path.join(dirpath, d)))
        for name in linked:
            yield Skipped(os.path.join(dirpath, name), "symbolic link to a directory, not followed")
        dirnames[:] = sorted(d for d in dirnames if d not in hidden and d not in linked)
        # Path arithmetic once per directory, not per file (it cost more than reading a small file)
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        base_str = str(base)
        for name in sorted(filenames):
            full = name if base_str == "." else os.path.join(base_str, name)
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.startswith("."):
                continue
            if not _is_unicode(full):
                yield _undecodable_name(full)
                continue
            kind = format_of_name(name)
            if kind is None:
                yield Skipped(full, f"unsupported file type (expected {supported_names()})")
                continue
            try:
                mode = os.stat(full).st_mode
            except OSError:
                mode = stat.S_IFREG  # a dangling link or a link loop: reading it reports the problem
            if not stat.S_ISREG(mode):
                yield Skipped(full, "not a regular file (a FIFO, socket or device), not read")
                continue
            yield Source(id=rel, path=full, max_bytes=max_bytes, format=kind)


def overlapping_arguments(args: Sequence[str]) -> str | None:
    """Why the arguments would clean some file twice (one given twice, or inside a directory
    also given), as one line; None when they do not overlap.

    Refused rather than deduplicated: remembering every file read would make memory
    grow with the corpus, and ids must be unique within one output.
    """
    seen: dict[str, str] = {}
    directories: list[tuple[Path, str]] = []
    for arg in args or ["-"]:
        key = "-" if arg == "-" else os.path.realpath(arg)
        if key in seen:
            return f"{arg}: given twice (as {seen[key]})" if seen[key] != arg else f"{arg}: given twice"
        seen[key] = arg
        if arg != "-" and os.path.isdir(arg):
            directories.append((Path(key), arg))
    for arg, key in ((a, Path(k)) for k, a in seen.items() if a != "-"):
        for directory, name in directories:
            if key != directory and key.is_relative_to(directory):
                return f"{arg}: inside {name}, which is also given; its files would be cleaned twice"
    return None


def _id_prefixes(args: Sequence[str]) -> list[str]:
    """The prefix of each argument's document ids: with several arguments, its path relative
    to their common parent ("d1/" for a directory, "d1/x.txt" for a file), so ids are unique
    within one output; with one argument, nothing (ids are relative to it, or its name)."""
    paths = [arg for arg in args if arg != "-" and _is_unicode(arg)]
    if len(args) <= 1 or not paths:
        return ["" for _ in args]
    absolute = {arg: os.path.abspath(arg) for arg in paths}
    common = os.path.commonpath([os.path.dirname(path) for path in absolute.values()])
    prefixes = []
    for arg in args:
        if arg not in absolute:
            prefixes.append("")
            continue
        relative = Path(os.path.relpath(absolute[arg], common)).as_posix()
        prefixes.append("" if relative == "." else relative + ("/" if os.path.isdir(arg) else ""))
    return prefixes


def iter_sources(args: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES,
                 input_format: str = "auto") -> Iterator[Source | Skipped]:
    """Sources for command-line arguments; ``-`` (or no argument) is stdin.

    ``input_format`` other than "auto" overrides what names imply. Ids follow the
    module docstring; callers refuse overlapping arguments first (:func:`overlapping_arguments`).
    """
    forced = None if input_format == "auto" else input_format
    args = list(args) or ["-"]
    for arg, prefix in zip(args, _id_prefixes(args)):
        if arg == "-":
            yield Source(id=STDIN_ID, path=None, max_bytes=max_bytes, format=forced)
        elif os.path.isdir(arg):
            for entry in walk_directory(Path(arg), max_bytes):
                if isinstance(entry, Source) and (prefix or forced):
                    entry = replace(entry, id=prefix + entry.id, format=forced or entry.format)
                yield entry
        elif not _is_unicode(arg):
            yield _undecodable_name(arg)
        else:
            name = os.path.basename(arg.rstrip("/")) or arg
            yield Source(id=prefix or name, path=arg, max_bytes=max_bytes, format=forced or format_of_name(name))
