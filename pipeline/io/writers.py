"""Writing results: JSONL records and text files, without ever leaving a half-written file.

An output path is written the way a user expects a Unix tool to write it:

* a new path or an existing regular file is written under a temporary name in
  the same directory and renamed into place when complete, so a half-written
  file never looks finished. A new file gets the mode ``0666 & ~umask``; an
  existing file keeps its mode (and, where permitted, its owner);
* a symbolic link is followed: its target is what gets written (atomically,
  when the target is a regular file), the link itself stays;
* an object in a store (``s3://...``, :mod:`pipeline.io.storage`) is spooled locally and
  uploaded in one put once complete, so it too appears whole or not at all;
* anything that is not a regular file (``/dev/null``, a FIFO, a terminal,
  ``/dev/stdout`` and other links to open file descriptors) is written
  *through*, never replaced: renaming a file over ``/dev/null`` would turn the
  device into a regular file, over a FIFO would leave its reader waiting forever.

Every failure to open, write or publish an output is an :class:`OutputError`
naming the path and the reason in one line.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, AnyStr, Generic, Literal, NamedTuple, overload

from pipeline.document import Document
from pipeline.errors import OutputError
from pipeline.io.formats import SUFFIXES
from pipeline.io.storage import is_remote, join, open_remote_output, remove

_INPUT_SUFFIXES = tuple(suffix for suffixes in SUFFIXES.values() for suffix in suffixes)
# A link to an open file descriptor (/dev/stdout -> /proc/self/fd/1): the file behind it is
# the one this process already has open, so it is written through, whatever kind it is.
_FD_ALIAS = re.compile(r"^/(?:proc/(?:self|thread-self|\d+)/fd|dev/fd)/\d+$")
#: Symbolic links followed before a path is called a loop (Linux's own limit).
MAX_SYMLINKS = 40


def describe_os_error(exc: OSError) -> str:
    """An OS error as the short lowercase reason a one-line message ends with."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _through_fd_alias(path: str) -> bool:
    """Whether following ``path``'s symbolic links passes through a link to a file descriptor."""
    current = path
    for _ in range(MAX_SYMLINKS):
        if _FD_ALIAS.match(os.path.normpath(current)):
            return True
        try:
            link = os.readlink(current)
        except OSError:  # not a link (or nothing there): the chain ends
            return False
        current = os.path.join(os.path.dirname(current), link)
    return False


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class OutputStream(Generic[AnyStr]):
    """A text (``OutputStream[str]``) or binary (``OutputStream[bytes]``) stream whose OS errors
    become :class:`OutputError` naming the output."""

    def __init__(self, stream: IO[AnyStr], name: str) -> None:
        self._stream: IO[AnyStr] = stream
        self.name = name

    def write(self, data: AnyStr) -> int:
        try:
            return self._stream.write(data)
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise  # a reader that went away (`| head`): the caller ends quietly
            raise OutputError(self.name, describe_os_error(exc)) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise OutputError(self.name, describe_os_error(exc)) from None


@overload
def open_output(path: str | os.PathLike[str], *,
                binary: Literal[False] = False) -> contextlib.AbstractContextManager[OutputStream[str]]: ...
@overload
def open_output(path: str | os.PathLike[str], *,
                binary: Literal[True]) -> contextlib.AbstractContextManager[OutputStream[bytes]]: ...
@contextlib.contextmanager
def open_output(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[OutputStream[Any]]:
    """Open ``path`` for writing (text: UTF-8 with ``\\n`` line ends), as the module docstring
    describes; the output is complete only if the block succeeds.

    Raises :class:`OutputError` (``PATH: reason``) for an output that cannot be opened,
    written or put in place: a directory, a parent that is a file, no permission, a full disk.
    """
    name = os.fspath(path)
    if is_remote(name):  # an object store: spooled, then published in one put (pipeline.io.storage)
        with open_remote_output(name, binary) as raw:
            remote = OutputStream(raw, name)
            yield remote
            remote.flush()
        return
    mode = "wb" if binary else "w"
    text_args: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": "\n"}
    target = os.path.realpath(name)
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:  # a symbolic link loop, a parent that is a file, ...
        raise OutputError(name, describe_os_error(exc)) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise OutputError(name, "is a directory")
    if _through_fd_alias(name) or (existing is not None and not stat.S_ISREG(existing.st_mode)):
        try:
            raw = open(name, mode, **text_args)
        except OSError as exc:
            raise OutputError(name, describe_os_error(exc)) from None
        with contextlib.closing(raw):
            out = OutputStream(raw, name)
            yield out
            out.flush()
        return
    yield from _atomic(name, target, existing, mode, text_args)


def _atomic(name: str, target: str, existing: os.stat_result | None, mode: str,
            text_args: dict[str, Any]) -> Iterator[OutputStream[Any]]:
    """Write ``target`` under a temporary name beside it, then rename it into place."""
    parent = os.path.dirname(target) or "."
    try:
        os.makedirs(parent, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(name, describe_os_error(exc)) from None
    try:
        try:
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(OSError):  # only root may give a file away
                        os.fchown(fd, existing.st_uid, existing.st_gid)
            else:
                os.fchmod(fd, 0o666 & ~_current_umask())
            raw = os.fdopen(fd, mode, **text_args)
        except OSError as exc:
            os.close(fd)
            raise OutputError(name, describe_os_error(exc)) from None
        with raw:
            out = OutputStream(raw, name)
            yield out
            out.flush()
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(name, describe_os_error(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def prepare_output_dir(path: str | os.PathLike[str]) -> None:
    """Create the directory ``path`` (with its parents) and check that files can be made in it.

    An output directory that cannot be created or written is then one error
    before any work, instead of a failure for every document (or a traceback).
    """
    name = os.fspath(path)
    if is_remote(name):  # a store has no directories: check that an object can be written there
        probe = join(name, f".boilerstrip-probe-{os.getpid()}")
        with open_remote_output(probe, binary=True):
            pass
        remove(probe)
        return
    if os.path.exists(name) and not os.path.isdir(name):
        raise OutputError(name, "exists and is not a directory")
    try:
        os.makedirs(name, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".boilerstrip-probe-", dir=name)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(name, describe_os_error(exc)) from None


def text_output_name(doc_id: str) -> str:
    """Relative name of the ``.txt`` file for a document id.

    A known input extension is replaced ('a/b.txt.gz' -> 'a/b.txt', 'page.html'
    -> 'page.txt'); anything else is kept, so the ids of JSONL records
    ('corpus.jsonl:7', 'story-1.v2') never collide.
    """
    name = doc_id[:-3] if doc_id.endswith(".gz") else doc_id
    for suffix in _INPUT_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return (name or "document") + ".txt"


#: Longest file name written, in UTF-8 bytes: file systems allow 255, and the
#: temporary name open_output writes first adds 14 (".NAME.XXXXXXXX.tmp").
MAX_NAME_BYTES = 240
# Control characters (NUL, line breaks, escapes) in a file name break tools and terminals.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _shown(name: str) -> str:
    return repr(name if len(name) <= 80 else name[:60] + "..." + name[-12:])


def safe_output_path(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``, names
    with control characters and names too long for a file system."""
    parts = PurePosixPath(relative.replace("\\", "/")).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(p in ("..", "") for p in parts):
        raise ValueError(f"refusing unsafe output name {_shown(relative)}")
    if _CONTROL.search(relative):
        raise ValueError(f"refusing output name {_shown(relative)}: it holds control characters")
    if any(len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for p in parts):
        raise ValueError(f"refusing output name {_shown(relative)}: a path component is longer than "
                         f"{MAX_NAME_BYTES} bytes")
    target = root.joinpath(*parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"refusing output name {_shown(relative)}: it leaves the output directory")
    return target


def render_text(doc: Document, body_only: bool = False) -> str:
    """The document as a text file (title, blank line, body; newline-terminated)."""
    if body_only:
        return doc.text + "\n" if doc.text else ""
    return doc.rendered()


class Rendered(NamedTuple):
    """A cleaned document as ``clean`` writes it (a JSONL line, or the text), and whether it
    duplicates an earlier one (``--drop-duplicates``). Made in the worker with ``--jobs``, so
    it lives in an importable module: pickling a class of ``__main__`` (``python -m
    pipeline.cli``) fails in the parent."""

    text: str
    duplicate: bool


#: The output formats whose line for a document :func:`render_output` makes.
RENDERED_FORMATS = ("jsonl", "text")


def render_output(fmt: str, body_only: bool, doc: Document) -> Rendered:
    """What ``clean`` writes for ``doc`` in format ``fmt`` (one of :data:`RENDERED_FORMATS`)."""
    text = doc.to_json_line() if fmt == "jsonl" else render_text(doc, body_only)
    return Rendered(text, doc.duplicate_of is not None)


class TextFolder:
    """``clean --format text -o DIR``: one ``.txt`` per document, mirroring the ids' tree.

    The policy lives here, not in the command line: a name already written in
    this run is not overwritten (two ids that map to one file name), a name that
    would leave the folder or is unusable is refused, and each file is written
    with :func:`open_output`. Each refusal is the document's own failure; the
    folder itself is created and checked up front (:func:`prepare_output_dir`).
    """

    def __init__(self, root: str | os.PathLike[str], body_only: bool = False) -> None:
        self.root = Path(root)
        self.body_only = body_only
        self._written: dict[str, str] = {}
        prepare_output_dir(self.root)

    def write(self, doc: Document, label: str, stdin_id: str) -> str | None:
        """Write ``doc``; return why it could not be written (one line), or None."""
        name = text_output_name("stdin" if doc.id == stdin_id else doc.id)
        if name in self._written:
            return f"output {name} already written for {self._written[name]}; not overwritten"
        try:
            target = safe_output_path(self.root, name)
        except ValueError as exc:
            return str(exc)
        self._written[name] = label
        try:
            with open_output(target) as out:
                out.write(render_text(doc, self.body_only))
        except OutputError as exc:  # a name too long for the file system, ...
            return f"cannot write {exc}"
        return None
