"""Finding inputs and reading their documents: files, ``.gz`` files, directories, stdin, JSONL.

Resolution is lazy and per input: a missing path becomes a :class:`Source`
whose documents are one :class:`~pipeline.document.Reject`, so one bad
argument is reported in its turn and never stops the others. The same holds
inside a JSONL file (:mod:`pipeline.io.jsonl`).

Formats come from file names, else from the first bytes (:mod:`pipeline.io.formats`).

Document ids: a directory's files are named by their path relative to the
directory, a file by its name, stdin ``<stdin>``. With several arguments, ids
are paths relative to the arguments' common parent (``d1/x.txt``,
``d2/x.txt``), so they are unique within one output; arguments that overlap
(the same file twice, a directory inside another) are refused
(:func:`overlapping_arguments`).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.document import Document, Reject, SkippedRecord
from pipeline.errors import DocumentError, UnsupportedInputError
from pipeline.io import storage
from pipeline.io.formats import (
    GZIP_SUFFIX,
    MULTI_DOCUMENT_FORMATS,
    SNIFF_BYTES,
    format_of_name,
    sniff_container,
    supported_names,
)
from pipeline.io.jsonl import is_unicode, records
from pipeline.io.reading import ByteStream, Prefixed, input_error, read_file, read_limited, reading
from pipeline.options import DEFAULT_MAX_BYTES

STDIN_ID = "<stdin>"


@dataclass(frozen=True)
class Source:
    """One input file (or stdin): where it is, under which id it is reported, its format."""

    id: str
    path: str | None  # None for stdin
    max_bytes: int = DEFAULT_MAX_BYTES
    #: "text", "html", "jsonl", "warc", "parquet", or None to sniff (a container, else text versus HTML)
    format: str | None = None
    #: the first bytes of stdin, already read to sniff its format (stdin cannot be read twice)
    head: bytes | None = field(default=None, repr=False, compare=False)

    @contextlib.contextmanager
    def _stream(self) -> Iterator[ByteStream]:
        """The input as a binary stream from its first byte (decompressed, after any sniffed head)."""
        if self.path is not None:
            with reading(self.path) as stream:
                yield stream
        elif self.head is not None:
            yield io.BufferedReader(Prefixed(self.head, sys.stdin.buffer))
        else:
            yield sys.stdin.buffer

    def sniffed(self) -> Source:
        """This source with its format decided: "warc" or "parquet" by their magic, "jsonl"
        when its first lines are JSON objects; otherwise the format stays None and decoding
        tells text from HTML.

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
        kind = sniff_container(head)
        return replace(self, format=kind, head=head if self.path is None else None)

    def read(self) -> bytes:
        """The whole input's bytes, decompressed if the name ends in ``.gz``."""
        if self.path is None:
            with self._stream() as stream:
                return read_limited(stream, self.max_bytes, "standard input")
        if not self.path.endswith(GZIP_SUFFIX):
            return read_file(self.path, self.max_bytes)
        with reading(self.path) as stream:
            return read_limited(stream, self.max_bytes, "decompressed input")

    def documents(self, first_line: int = 1, max_lines: int | None = None,
                  offset: int = 0) -> Iterator[Document | Reject | SkippedRecord]:
        """The input's documents: one for a text or HTML file, one per line for JSONL, one per
        row for Parquet, one per page record for a WARC file (whose other records come as
        :class:`SkippedRecord`, each with its reason).

        ``first_line``/``max_lines``/``offset`` select a range of a plain
        (uncompressed) JSONL file: the batch cuts big files into shards.
        """
        source = self.sniffed()
        if source.format not in MULTI_DOCUMENT_FORMATS:
            try:
                yield Document(id=source.id, path=source.path, raw=source.read(), format=source.format)
            except DocumentError as exc:
                yield Reject.of(source.id, source.path, "read", exc)
            return
        try:
            if source.format == "warc":
                yield from source._warc_items()
            elif source.format == "parquet":
                yield from source._parquet_items()
            else:
                with source._stream() as stream:
                    if offset:
                        stream.seek(offset)
                    yield from records(stream, source.id, source.path, source.max_bytes, first_line, max_lines)
        except DocumentError as exc:
            yield Reject.of(source.id, source.path, "read", exc)

    def _warc_items(self) -> Iterator[Document | Reject | SkippedRecord]:
        from pipeline.io.warc import warc_items

        if self.path is not None and not storage.is_remote(self.path):
            yield from warc_items(self.path, self.id, self.max_bytes)
            return
        # The WARC reader seeks (and resumes after damage by searching the file), so standard
        # input and an object in a store are spooled to a temporary file first, on disk: a crawl
        # can be far larger than memory.
        with self._spooled("warc") as spool:
            for item in warc_items(spool, self.id, self.max_bytes):
                yield replace(item, path=self.path)

    def _parquet_items(self) -> Iterator[Document | Reject]:
        if self.path is None:
            raise UnsupportedInputError("Parquet is not read from standard input (its index is at the end "
                                        "of the file): give the file's path")
        from pipeline.io.parquet import parquet_items

        if not storage.is_remote(self.path):
            yield from parquet_items(self.path, self.id, self.max_bytes)
            return
        with self._spooled("parquet") as spool:  # its index is at the end: read from a local copy
            for item in parquet_items(spool, self.id, self.max_bytes):
                yield replace(item, path=self.path)

    @contextlib.contextmanager
    def _spooled(self, kind: str) -> Iterator[str]:
        """A local copy of standard input (as read, after sniffing) or of a store's object (its
        bytes as stored, so a compressed WARC reads as it would locally), removed afterwards."""
        with tempfile.TemporaryDirectory(prefix=f"boilerstrip-{kind}-") as tmp:
            name = os.path.basename(self.path) if self.path is not None else f"stdin.{kind}"
            spool = os.path.join(tmp, name)
            try:
                with (storage.open_input(self.path) if self.path is not None else self._stream()) as stream, \
                        open(spool, "wb") as out:
                    shutil.copyfileobj(stream, out, 1 << 20)
            except OSError as exc:
                raise input_error(self.path or "standard input", exc) from None
            yield spool


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
            if not is_unicode(full):
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


def walk_store(root: str, max_bytes: int = DEFAULT_MAX_BYTES,
               listing: list[tuple[str, storage.ObjectInfo]] | None = None) -> Iterator[Source | Skipped]:
    """:func:`walk_directory` for a prefix of an object store (``s3://bucket/corpus``): the same
    ids, in the same order, with the same names left out (hidden ones, unsupported types).
    A store has no links, FIFOs or undecodable names; a prefix that cannot be listed is one
    error, like a directory that cannot be listed. ``listing``: :func:`storage.list_objects`
    of ``root``, when the caller already has it."""
    try:
        listing = storage.list_objects(root) if listing is None else listing
    except OSError as exc:
        yield Skipped(root, f"cannot list directory ({exc}); its files are not read", error=True)
        return
    for relative, found in listing:
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        kind = format_of_name(relative.rsplit("/", 1)[-1])
        if kind is None:
            yield Skipped(found.url, f"unsupported file type (expected {supported_names()})")
            continue
        yield Source(id=relative, path=found.url, max_bytes=max_bytes, format=kind)


def is_directory(arg: str) -> bool:
    """Whether a command-line argument names a directory (in a store: a prefix holding objects).
    A store that cannot be reached answers no: reading the argument as a file then reports why."""
    if not storage.is_remote(arg):
        return os.path.isdir(arg)
    try:
        return storage.is_dir(arg)
    except OSError:
        return False


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
    for arg, real in ((a, Path(k)) for k, a in seen.items() if a != "-"):
        for directory, name in directories:
            if real != directory and real.is_relative_to(directory):
                return f"{arg}: inside {name}, which is also given; its files would be cleaned twice"
    return None


def _id_prefixes(args: Sequence[str]) -> list[str]:
    """The prefix of each argument's document ids: with several arguments, its path relative
    to their common parent ("d1/" for a directory, "d1/x.txt" for a file), so ids are unique
    within one output; with one argument, nothing (ids are relative to it, or its name)."""
    paths = [arg for arg in args if arg != "-" and is_unicode(arg)]
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
    for arg, prefix in zip(args, _id_prefixes(args), strict=True):
        if arg == "-":
            yield Source(id=STDIN_ID, path=None, max_bytes=max_bytes, format=forced)
        elif storage.is_remote(arg) and is_directory(arg):
            for entry in walk_store(arg, max_bytes):
                if isinstance(entry, Source) and (prefix or forced):
                    entry = replace(entry, id=prefix + entry.id, format=forced or entry.format)
                yield entry
        elif os.path.isdir(arg):
            for entry in walk_directory(Path(arg), max_bytes):
                if isinstance(entry, Source) and (prefix or forced):
                    entry = replace(entry, id=prefix + entry.id, format=forced or entry.format)
                yield entry
        elif not is_unicode(arg):
            yield _undecodable_name(arg)
        else:
            name = os.path.basename(arg.rstrip("/")) or arg
            yield Source(id=prefix or name, path=arg, max_bytes=max_bytes, format=forced or format_of_name(name))
