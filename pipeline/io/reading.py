"""Reading an input's bytes within a size limit, with one-line reasons for what goes wrong.

A limit is enforced while reading (and while inflating ``.gz``), never after:
a gzip bomb costs at most the limit in memory.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import os
import zlib
from collections.abc import Iterator
from typing import Any, Protocol

from pipeline.errors import InputNotFoundError, InputTooLargeError
from pipeline.io.formats import GZIP_SUFFIX
from pipeline.io.storage import is_remote, open_input, read_range

_CHUNK = 1 << 20


class ByteStream(Protocol):
    """What the readers need of an input: a file, a gzip file or stdin's binary buffer."""

    def read(self, size: int = ..., /) -> bytes: ...

    def readline(self, size: int = ..., /) -> bytes: ...

    def seek(self, offset: int, whence: int = ..., /) -> int: ...


def too_large(what: str, limit: int) -> InputTooLargeError:
    return InputTooLargeError(f"{what} exceeds the {limit:,}-byte limit (see --max-bytes)")


def read_limited(stream: ByteStream, limit: int, what: str) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            raise too_large(what, limit)
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def reading(path: str) -> Iterator[ByteStream]:
    """Open ``path`` (decompressing ``.gz``), turning OS and gzip errors into :class:`InputNotFoundError`."""
    try:
        if is_remote(path):
            with open_input(path) as raw, (gzip.open(raw, "rb") if path.endswith(GZIP_SUFFIX) else raw) as stream:
                yield stream
            return
        with (gzip.open(path, "rb") if path.endswith(GZIP_SUFFIX) else open(path, "rb")) as stream:
            yield stream
    except (OSError, EOFError, zlib.error) as exc:
        raise input_error(path, exc) from None


def input_error(path: str, exc: Exception) -> InputNotFoundError:
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


def read_file(path: str, limit: int) -> bytes:
    """A plain file's bytes: read unbuffered, in reads of its own size (a FIFO says 0 and
    is read in chunks); one byte more tells whether it grew meanwhile. An object in a store
    is read in chunks within the limit."""
    if is_remote(path):  # one ranged request: at most one byte past the limit
        try:
            data = read_range(path, 0, limit + 1)
        except OSError as exc:
            raise input_error(path, exc) from None
        if len(data) > limit:
            raise too_large("input", limit)
        return data
    try:
        with open(path, "rb", buffering=0) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise too_large("input", limit)
            data = b""
            while len(data) <= size and (chunk := stream.read(size + 1 - len(data))):
                data += chunk
            if len(data) > size:
                data += read_limited(stream, limit, "input")
                if len(data) > limit:
                    raise too_large("input", limit)
            return data
    except OSError as exc:
        raise input_error(path, exc) from None


class Prefixed(io.RawIOBase):
    """A stream that gives back ``head`` (already read, to sniff it) before the rest of ``rest``."""

    def __init__(self, head: bytes, rest: ByteStream) -> None:
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
