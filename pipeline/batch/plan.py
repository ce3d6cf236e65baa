"""The shard plan of a batch run: which inputs, cut into which shards. No Luigi here.

The corpus is listed as ``boilerstrip clean DIR`` lists it (sorted, the same
ids) and cut into *shards* of about ``shard_size`` documents: shards, not
documents, are Luigi's unit of scheduling, so the scheduler's per-task cost
stays small against the cleaning work.

A plan member is one unit of input. A text or HTML file is one member (one
document); a plain JSONL file is cut into members of at most ``shard_size``
lines (with the byte offset of the first, for a direct seek); a compressed
JSONL file cannot be seeked and stays one member. A plan is content-addressed:
its key hashes every member's id, size and modification time, so an unchanged
corpus gives the same plan (and the same task keys) on every machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.chain import digest
from pipeline.io import storage
from pipeline.io.sources import Skipped, Source, walk_directory, walk_store
from pipeline.io.writers import open_output
from pipeline.options import DEFAULT_MAX_BYTES


class PlanMember(NamedTuple):
    """One unit of input: a file, or a range of lines of a plain JSONL file."""

    id: str
    path: str
    #: -1 when the file could not be looked at (it is still an input: reading it reports why)
    size: int
    #: the modification time in ns (an object in a store: its ETag or generation), or the
    #: reason the file could not be looked at
    mtime_ns: int | str
    format: str | None
    first_line: int = 1
    #: None: to the end of the file
    n_lines: int | None = None
    offset: int = 0

    def source(self, max_bytes: int) -> Source:
        return Source(id=self.id, path=self.path, max_bytes=max_bytes, format=self.format)

    def weight(self, shard_size: int) -> int:
        """Documents the member stands for (a compressed JSONL file, a WARC or a Parquet file,
        which hold an unknown number: a whole shard's worth)."""
        if self.format in ("warc", "parquet"):
            return shard_size
        if self.format != "jsonl":
            return 1
        return self.n_lines if self.n_lines is not None else shard_size


@dataclass(frozen=True)
class SkippedEntry:
    """A directory entry the walk left out, kept in the plan so the manifest reports it."""

    path: str
    reason: str
    #: True for something that may hold documents and could not be read (a reject)
    error: bool = False


@dataclass(frozen=True)
class Plan:
    input_dir: str
    shard_size: int
    shards: tuple[tuple[PlanMember, ...], ...]
    skipped: tuple[SkippedEntry, ...]
    key: str

    def to_json(self) -> dict[str, Any]:
        return {"input_dir": self.input_dir, "shard_size": self.shard_size, "key": self.key,
                "shards": [[list(m) for m in shard] for shard in self.shards],
                "skipped": [asdict(s) for s in self.skipped]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls(data["input_dir"], data["shard_size"],
                   tuple(tuple(PlanMember(*m) for m in shard) for shard in data["shards"]),
                   tuple(SkippedEntry(**s) for s in data["skipped"]), data["key"])

    @property
    def total_bytes(self) -> int:
        """Total size of the input files (each file once, however it was cut)."""
        sizes = {m.path: m.size for shard in self.shards for m in shard}
        return sum(size for size in sizes.values() if size > 0)

    @property
    def files(self) -> int:
        return len({m.path for shard in self.shards for m in shard})


def jsonl_chunks(path: str, lines_per_chunk: int) -> Iterator[tuple[int, int, int]]:
    """``(first_line, n_lines, byte_offset)`` ranges covering a JSONL file, found by
    counting newlines block by block (so a huge line never sits in memory)."""
    first, count, offset, position, last_byte = 1, 0, 0, 0, b"\n"
    with storage.open_input(path) as stream:
        while block := stream.read(1 << 20):
            start = 0
            while (newline := block.find(b"\n", start)) >= 0:
                count += 1
                start = newline + 1
                if count == lines_per_chunk:
                    yield first, count, offset
                    first, count, offset = first + count, 0, position + start
            position += len(block)
            last_byte = block[-1:]
    if last_byte != b"\n":
        count += 1  # a last line without a newline
    if count:
        yield first, count, offset


def _members(entry: Source, shard_size: int, listed: dict[str, storage.ObjectInfo]) -> list[PlanMember]:
    assert entry.path is not None  # a directory walk never yields stdin
    size: int
    version: int | str
    try:
        if entry.path in listed:  # an object: the store's version (an ETag) in place of a modification time
            found = listed[entry.path]
            size, version = found.size, found.version
        else:
            st = os.stat(entry.path)
            size, version = st.st_size, st.st_mtime_ns
    except OSError as exc:  # vanished or unreadable: still an input, rejected when read
        return [PlanMember(entry.id, entry.path, -1, str(exc), entry.format)]
    whole = PlanMember(entry.id, entry.path, size, version, entry.format)
    if entry.format != "jsonl" or entry.path.endswith(".gz"):
        return [whole]
    try:
        chunks = list(jsonl_chunks(entry.path, shard_size))
        if len(chunks) > 1 and _has_content(entry.path):
            return [whole._replace(first_line=first, n_lines=n, offset=offset) for first, n, offset in chunks]
    except OSError:
        pass
    # One chunk, an empty or blank file, or an unreadable one: read as a whole, so that an
    # empty file is reported (as `clean` does) and read errors show up.
    return [whole]


def _has_content(path: str) -> bool:
    """Whether a file holds anything but whitespace (reads only up to the first such byte)."""
    with storage.open_input(path) as stream:
        while block := stream.read(1 << 20):
            if block.strip():
                return True
    return False


def make_plan(input_dir: str, shard_size: int) -> Plan:
    """List the inputs (sorted, as ``boilerstrip clean DIR`` does) and cut them into shards
    of about ``shard_size`` documents."""
    members: list[PlanMember] = []
    skipped: list[SkippedEntry] = []
    listed: dict[str, storage.ObjectInfo] = {}
    if storage.is_remote(input_dir):  # one listing gives the names, sizes and versions
        objects = storage.list_objects(input_dir)
        listed = {found.url: found for _, found in objects}
        walk = walk_store(input_dir, DEFAULT_MAX_BYTES, objects)
    else:
        walk = walk_directory(Path(input_dir), DEFAULT_MAX_BYTES)
    for entry in walk:
        if isinstance(entry, Skipped):
            skipped.append(SkippedEntry(entry.path, entry.reason, entry.error))
        else:
            members += _members(entry, shard_size, listed)
    shards: list[list[PlanMember]] = []
    filled = shard_size
    for member in members:
        weight = member.weight(shard_size)
        if filled + weight > shard_size:
            shards.append([])
            filled = 0
        shards[-1].append(member)
        filled += weight
    frozen = tuple(tuple(shard) for shard in shards)
    key = digest(shard_size, [[list(m) for m in shard] for shard in frozen], [asdict(s) for s in skipped])
    return Plan(input_dir, shard_size, frozen, tuple(skipped), key)


def _plan_file(work_dir: str, key: str) -> str:
    return storage.join(work_dir, "plans", f"{key}.json")


def save_plan(work_dir: str, plan: Plan) -> None:
    """Write the plan once (plans are content-addressed: an existing one is the same; workers
    on several machines each make the same plan from the same listing, and whichever writes
    it last writes the same bytes)."""
    path = _plan_file(work_dir, plan.key)
    if not storage.exists(path):
        with open_output(path) as out:
            json.dump(plan.to_json(), out, ensure_ascii=False, indent=1)


@lru_cache(maxsize=4)
def load_plan(work_dir: str, key: str) -> Plan:
    """A saved plan. Plans never change, so caching is safe; Luigi asks every task for its
    output() many times during scheduling."""
    return Plan.from_json(json.loads(storage.read_text(_plan_file(work_dir, key))))
