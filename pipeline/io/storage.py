"""Where inputs, intermediates and outputs live: local paths, or object stores through fsspec.

A path with a scheme (``s3://bucket/key``, ``gs://``, ``az://``, ...) is
*remote*: it is listed, read and written through `fsspec
<https://filesystem-spec.readthedocs.io/>`_ and the store's own library
(s3fs, gcsfs, adlfs: the extras ``boilerstrip[s3]``, ``[gcs]``, ``[azure]``).
``file://PATH`` and a plain path are *local*, and every caller keeps its own
local code, unchanged: nothing here (not even fsspec) is imported for them.

Credentials are never arguments: each store library takes them from its own
standard chain (for S3 the ``AWS_*`` environment variables, ``~/.aws/``, an
instance role; an S3-compatible endpoint from ``AWS_ENDPOINT_URL`` or
``FSSPEC_S3_ENDPOINT_URL``), so they never reach a command line, a Luigi
task parameter or a log.

Publishing on an object store (:func:`open_remote_output`): an object store
has no rename, but an object appears whole or not at all: a put (or the
completion of a multipart upload) is what makes it visible, and a reader of
the key sees the previous object or the new complete one, never a part. So an
output is written to a temporary spool on this machine (in memory, then a
local temporary file) and uploaded to its final key only once it is complete,
in one put (a multipart upload above the library's block size, completed last).
A write that fails, or a process killed meanwhile, leaves nothing under the
final key (an unfinished multipart upload is invisible; the store's lifecycle
rules remove it). The puts need no condition: the work directory's keys are
content-addressed (a key always gets the same bytes, whichever worker writes
it), and the output directory is written only by the one worker luigid lets
run the corpus task.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from pipeline.errors import OutputError

#: The extra to install for each scheme fsspec knows (shown when its library is missing).
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "az": "azure", "abfs": "azure", "abfss": "azure"}
_LOCAL_SCHEME = "file://"


def is_remote(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an object in a store (it has a scheme other than ``file``)."""
    name = os.fspath(path)
    return "://" in name and not name.startswith(_LOCAL_SCHEME)


def local_path(path: str) -> str:
    """``path`` as the local code paths take it: ``file:///x`` is ``/x``; anything else unchanged."""
    return path[len(_LOCAL_SCHEME):] if path.startswith(_LOCAL_SCHEME) else path


class StoreError(OSError):
    """A store that cannot be used at all: its library is not installed, or it refused the request."""


@lru_cache(maxsize=16)
def _filesystem(protocol: str) -> Any:
    import fsspec

    try:
        # No listings cache: other workers write the objects this process looks for (Luigi's
        # complete() checks), and a cached listing would hide them.
        return fsspec.filesystem(protocol, use_listings_cache=False)
    except ImportError as exc:
        extra = EXTRAS.get(protocol)
        hint = f" (pip install 'boilerstrip[{extra}]')" if extra else ""
        raise StoreError(f"{protocol}:// needs a library that is not installed{hint}: {exc}") from None
    except ValueError as exc:
        raise StoreError(f"{protocol}://: {exc}") from None


def filesystem(url: str) -> Any:
    """The fsspec filesystem for ``url``'s scheme (one per process and scheme: it holds the
    store's connection pool and the credentials its library found)."""
    return _filesystem(url.split("://", 1)[0])


def join(base: str, *names: str) -> str:
    """``base/name/...``: for a local path exactly ``str(Path(base, *names))``, as the callers
    always built it; for a URL, ``/``-joined without collapsing the scheme's ``//``."""
    if not is_remote(base):
        return str(Path(base, *names))
    return posixpath.join(base.rstrip("/"), *names)


def exists(path: str) -> bool:
    if not is_remote(path):
        return os.path.exists(path)
    return bool(filesystem(path).exists(path))


def is_dir(path: str) -> bool:
    """For a store, whether any object lies under the prefix ``path/`` (or a bucket is there)."""
    if not is_remote(path):
        return os.path.isdir(path)
    return bool(filesystem(path).isdir(path))


def open_input(path: str) -> IO[bytes]:
    """``path`` opened for binary reading (seekable; remote reads fetch ranges as needed)."""
    if not is_remote(path):
        return open(path, "rb")
    # fsspec's files read ahead in blocks, but their readline() takes no size limit, which the
    # readers need (a line is read within --max-bytes): Python's buffered reader supplies it.
    return io.BufferedReader(filesystem(path).open(path, "rb"), buffer_size=1 << 20)


def read_bytes(path: str) -> bytes:
    if not is_remote(path):
        return Path(path).read_bytes()
    data: bytes = filesystem(path).cat_file(path)
    return data


def read_range(url: str, start: int, end: int) -> bytes:
    """Bytes ``start`` to ``end`` (exclusive; fewer at the end of the object) in one request."""
    data: bytes = filesystem(url).cat_file(url, start=start, end=end)
    return data


def read_text(path: str) -> str:
    return read_bytes(path).decode("utf-8")


class ObjectInfo(NamedTuple):
    """What a listing says of one object: enough to tell a changed object from an unchanged one."""

    url: str
    size: int
    #: the store's version of the content (an ETag, a generation or a modification time)
    version: str


_VERSION_KEYS = ("ETag", "etag", "generation", "md5Hash", "LastModified", "last_modified", "mtime", "created")


def _info(protocol: str, entry: dict[str, Any]) -> ObjectInfo:
    version = next((str(entry[key]) for key in _VERSION_KEYS if entry.get(key) is not None), "")
    name = str(entry["name"])
    return ObjectInfo(f"{protocol}://{name}", int(entry.get("size") or 0), version)


def info(url: str) -> ObjectInfo:
    """Size and version of one object (raises FileNotFoundError, PermissionError, ...)."""
    protocol = url.split("://", 1)[0]
    return _info(protocol, filesystem(url).info(url))


def list_objects(root: str) -> list[tuple[str, ObjectInfo]]:
    """Every object under the prefix ``root/``, as ``(relative name, info)``, in the order
    ``os.walk`` gives a tree (the walk of :func:`pipeline.io.sources.walk_directory`): a
    directory's files by name, then its subdirectories by name, so ids and their order are
    those of the same tree on a local disk. One listing request per page, not per directory."""
    fs = filesystem(root)
    protocol = root.split("://", 1)[0]
    prefix = fs._strip_protocol(root).rstrip("/") + "/"
    found = []
    for name, entry in fs.find(root, detail=True).items():
        if entry.get("type") == "directory" or not name.startswith(prefix):
            continue
        relative = name[len(prefix):]
        if relative:
            found.append((relative, _info(protocol, entry)))
    return sorted(found, key=lambda item: _walk_order(item[0]))


def _walk_order(relative: str) -> tuple[tuple[int, str], ...]:
    *directories, name = relative.split("/")
    return (*((1, d) for d in directories), (0, name))


def remove(path: str) -> None:
    """Delete one file or object; nothing when it is not there."""
    if not is_remote(path):
        Path(path).unlink(missing_ok=True)
        return
    with contextlib.suppress(FileNotFoundError):
        filesystem(path).rm_file(path)


def remove_tree(path: str) -> None:
    """Delete a directory or everything under a prefix (best effort, as ``shutil.rmtree(ignore_errors)``)."""
    if not is_remote(path):
        shutil.rmtree(path, ignore_errors=True)
        return
    with contextlib.suppress(FileNotFoundError):
        filesystem(path).rm(path, recursive=True)


def names_in(directory: str) -> list[str]:
    """The names of the files directly in ``directory`` (a store: the objects directly under the prefix)."""
    if not is_remote(directory):
        return [p.name for p in Path(directory).iterdir() if p.is_file()] if os.path.isdir(directory) else []
    fs = filesystem(directory)
    try:
        entries = fs.ls(directory, detail=True)
    except FileNotFoundError:
        return []
    return [posixpath.basename(e["name"].rstrip("/")) for e in entries if e.get("type") != "directory"]


def copy(source: str, target: str) -> None:
    """Copy one object to another key of the same store, by the store itself (atomic for a reader)."""
    filesystem(target).copy(source, target)


#: Bytes of an output held in memory before its spool moves to a local temporary file.
SPOOL_MEMORY = 16 << 20


@contextlib.contextmanager
def open_remote_output(url: str, binary: bool) -> Iterator[IO[Any]]:
    """Write ``url`` as the module docstring says: spooled on this machine, then put into place
    in one upload, only if the block succeeded. Raises :class:`OutputError` naming ``url``."""
    try:
        fs = filesystem(url)
    except OSError as exc:
        raise OutputError(url, _reason(exc)) from None
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as spool:
        if binary:
            yield spool
        else:
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
            yield text
            text.flush()
            text.detach()
        spool.seek(0)
        try:
            upload = fs.open(url, "wb")
            try:
                shutil.copyfileobj(spool, upload, 1 << 20)
            except BaseException:
                upload.discard()  # abort a multipart upload instead of completing it
                upload.closed = True
                raise
            upload.close()  # the object appears here, whole
        except OSError as exc:
            raise OutputError(url, _reason(exc)) from None


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]
