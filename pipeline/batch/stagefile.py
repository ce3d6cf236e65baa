"""The files batch tasks hand documents on in: one JSON object per line.

``{"doc": state}`` for a document (everything but its raw bytes and page
source: extraction happens in the first segment, so later ones never need
them), ``{"reject": record}`` for a document that failed, then
``{"skipped_records": {reason: count}}`` (records of a WARC file that are not
documents, counted by the first segment) and last ``{"timings": {stage: seconds}}``. Written and read with orjson: with the json
module, handing documents from task to task cost as much as cleaning them.
Written with :func:`~pipeline.io.writers.open_output`, so a stage file is
complete or absent, never half-written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pipeline.document import Document, Reject
from pipeline.io import storage
from pipeline.io.writers import open_output


@dataclass
class StageFile:
    items: list[Document | Reject] = field(default_factory=list)
    #: seconds spent per stage on this shard so far
    timings: dict[str, float] = field(default_factory=dict)
    #: records of the shard's inputs that are not documents, by reason
    skipped_records: dict[str, int] = field(default_factory=dict)


def _line(entry: dict[str, object]) -> bytes:
    return orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)


def write_stage_file(path: str | Path, items: Iterable[Document | Reject], timings: dict[str, float],
                     skipped_records: dict[str, int] | None = None) -> None:
    """Write ``items`` as they come (a generator keeps memory flat), then ``skipped_records``
    and ``timings``, which the generator may still fill while it runs."""
    with open_output(path, binary=True) as out:
        for item in items:
            if isinstance(item, Reject):
                out.write(_line({"reject": {**item.to_record(), "internal": item.internal}}))
            else:
                out.write(_line({"doc": item.to_state()}))
        out.write(_line({"skipped_records": skipped_records or {}}))
        out.write(_line({"timings": timings}))


def read_stage_file(path: str | Path) -> StageFile:
    found = StageFile()
    with storage.open_input(str(path)) as stream:
        for line in stream:
            entry = orjson.loads(line)
            if "timings" in entry:
                found.timings = entry["timings"]
            elif "skipped_records" in entry:
                found.skipped_records = entry["skipped_records"]
            else:
                found.items.append(_item(entry))
    return found


def iter_stage_file(path: str | Path) -> Iterator[Document | Reject]:
    """The items of a stage file one at a time (memory stays flat for a corpus-level pass)."""
    with storage.open_input(str(path)) as stream:
        for line in stream:
            entry = orjson.loads(line)
            if "timings" not in entry and "skipped_records" not in entry:
                yield _item(entry)


def _item(entry: dict[str, Any]) -> Document | Reject:
    if "doc" in entry:
        return Document.from_state(entry["doc"])
    return Reject.from_record(entry["reject"])
