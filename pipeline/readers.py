"""Finding inputs and reading their bytes: files, ``.gz`` files, directories, stdin.

Resolution is lazy and per input: a missing path becomes a :class:`Source`
whose ``read()`` raises, so one bad argument is reported in its turn and
never stops the others.
"""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputNotFoundError, InputTooLargeError

#: Largest input accepted, after decompression. Larger inputs are rejected
#: (not truncated), so a gzip bomb costs at most this much memory.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

#: File names picked up when walking a directory. Named explicitly, any file is read.
TEXT_SUFFIXES = (".txt", ".text")
GZIP_SUFFIX = ".gz"
STDIN_ID = "<stdin>"

_CHUNK = 1 << 20


def is_supported_name(name: str) -> bool:
    """Whether a directory walk picks up a file of this name."""
    base = name[: -len(GZIP_SUFFIX)] if name.endswith(GZIP_SUFFIX) else name
    return base.lower().endswith(TEXT_SUFFIXES)


def _read_limited(stream: BinaryIO, limit: int, what: str) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            raise InputTooLargeError(f"{what} exceeds the {limit:,}-byte limit (see --max-bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class Source:
    """One input document: where it is and under which id it is reported."""

    id: str
    path: str | None  # None for stdin
    max_bytes: int = DEFAULT_MAX_BYTES

    def read(self) -> bytes:
        """The document's bytes, decompressed if the name ends in ``.gz``."""
        if self.path is None:
            return _read_limited(sys.stdin.buffer, self.max_bytes, "standard input")
        try:
            if self.path.endswith(GZIP_SUFFIX):
                with gzip.open(self.path, "rb") as stream:
                    return _read_limited(stream, self.max_bytes, "decompressed input")
            with open(self.path, "rb") as stream:
                return _read_limited(stream, self.max_bytes, "input")
        except FileNotFoundError:
            raise InputNotFoundError("no such file") from None
        except IsADirectoryError:
            raise InputNotFoundError("is a directory") from None
        except PermissionError:
            raise InputNotFoundError("permission denied") from None
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise InputNotFoundError(f"corrupt gzip data ({exc or type(exc).__name__})") from None
        except OSError as exc:
            raise InputNotFoundError(f"cannot read: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class Skipped:
    """A directory entry the walk left out, reported so nothing vanishes unnoticed."""

    path: str
    reason: str


def walk_directory(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source | Skipped]:
    """Supported files under ``root``, recursively, in stable (sorted) order.

    Symlinked directories are not followed, so link loops cannot trap the walk.
    Ids are paths relative to ``root`` with ``/`` separators.
    """
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if name.startswith("."):
                continue
            if not is_supported_name(name):
                yield Skipped(str(full), "unsupported file type (expected .txt or .txt.gz)")
                continue
            yield Source(id=rel, path=str(full), max_bytes=max_bytes)


def iter_sources(args: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source | Skipped]:
    """Sources for command-line arguments; ``-`` (or no argument) is stdin."""
    for arg in args or ["-"]:
        if arg == "-":
            yield Source(id=STDIN_ID, path=None, max_bytes=max_bytes)
        elif os.path.isdir(arg):
            yield from walk_directory(Path(arg), max_bytes)
        else:
            yield Source(id=os.path.basename(arg.rstrip("/")) or arg, path=arg, max_bytes=max_bytes)
