"""Input formats: what a file name implies, and what the first bytes of an unnamed input say.

By file name (``.gz`` stripped first): ``.txt``/``.text`` are plain text,
``.html``/``.htm``/``.xhtml`` are pages, ``.jsonl``/``.ndjson`` hold one
document per line, ``.warc``/``.wet`` (and ``.warc.wet``) are crawl archives,
``.parquet`` a table with a ``text`` or ``html`` column. Other files named
explicitly, and stdin, are sniffed: a WARC by its ``WARC/1.x`` first line, Parquet
by its ``PAR1`` magic, JSONL when every leading line is a JSON object
(:func:`looks_like_jsonl`), else the decode stage tells text from HTML
(:func:`pipeline.stages.decode.sniff_format`).
"""

from __future__ import annotations

import json

#: File names picked up when walking a directory, by format. Named explicitly, any file is read.
SUFFIXES = {
    "text": (".txt", ".text"),
    "html": (".html", ".htm", ".xhtml"),
    "jsonl": (".jsonl", ".ndjson"),
    "warc": (".warc", ".wet"),
    "parquet": (".parquet",),
}
#: What --input-format accepts; "auto" means by file name, else sniffed.
INPUT_FORMATS = ("auto", "text", "html", "jsonl", "warc", "parquet")
#: Formats whose one file holds many documents (records, rows).
MULTI_DOCUMENT_FORMATS = frozenset({"jsonl", "warc", "parquet"})
#: How a WARC file starts, and a Parquet file.
WARC_MAGIC = (b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/1.0\n", b"WARC/1.1\n")
PARQUET_MAGIC = b"PAR1"
GZIP_SUFFIX = ".gz"


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


def sniff_container(head: bytes) -> str | None:
    """"warc", "parquet" or "jsonl" when the first bytes of an input say so, else None
    (a single document: the decode stage tells text from HTML)."""
    if head.startswith(WARC_MAGIC):
        return "warc"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    return "jsonl" if looks_like_jsonl(head) else None


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
