"""Writing results: JSONL records and text files, atomically.

A half-written output file must never look finished, so every file is
written under a temporary name in the same directory and renamed into place
when complete.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TextIO

from .document import Document
from .readers import SUFFIXES

_INPUT_SUFFIXES = tuple(suffix for suffixes in SUFFIXES.values() for suffix in suffixes)


@contextlib.contextmanager
def atomic_open(path: str | Path) -> Iterator[TextIO]:
    """Open ``path`` for writing text; it appears only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
#: temporary name atomic_open writes first adds 14 (".NAME.XXXXXXXX.tmp").
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
