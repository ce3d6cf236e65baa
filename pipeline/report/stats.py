"""What a run report shows, counted from what the run already has: its records and rejects.

:class:`RunStats` takes the documents and rejects one at a time (``clean`` as it
writes them, each batch shard as it finishes) and keeps only counts, fixed
histogram bins and a few sample lines per rule, so it stays small however
large the run. Two of them merge (the batch adds its shards'), and they go
to and from JSON (a shard's summary). No plotting here: :mod:`pipeline.report.render`
draws what this counts.

Lengths are in characters of text. A document's length *before* is its text
as the rules saw it (what was kept plus every removed line), *after* is the
record's ``text``.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.corpus.templates import source_of
from pipeline.document import Document, Reject

#: Lower edges of the length histogram's bins, in characters (1-2-5 steps: readable labels).
LENGTH_BINS = (0, 1, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
#: Distinct removed lines kept per rule for spot-checking, and the characters kept of each.
SAMPLES_PER_RULE = 5
SAMPLE_CHARS = 300


def length_bin(chars: int) -> int:
    """Index of the histogram bin ``chars`` falls in."""
    return bisect.bisect_right(LENGTH_BINS, chars) - 1


def bin_label(index: int) -> str:
    """``1k-2k`` for a bin's range; the last one is open (``100k+``)."""
    def short(n: int) -> str:
        return f"{n // 1000}k" if n >= 1000 else str(n)

    if index == len(LENGTH_BINS) - 1:
        return f"{short(LENGTH_BINS[index])}+"
    low, high = LENGTH_BINS[index], LENGTH_BINS[index + 1]
    return "empty" if (low, high) == (0, 1) else f"{short(low)}-{short(high)}"


@dataclass
class SourceChars:
    """Characters of one source's documents, before cleaning and removed."""

    documents: int = 0
    before: int = 0
    removed: int = 0

    @property
    def removed_share(self) -> float:
        return self.removed / self.before if self.before else 0.0


@dataclass
class RunStats:
    """The counts behind a run report (see the module docstring)."""

    #: documents read (records, rejects, filtered, dropped duplicates)
    inputs: int = 0
    #: records written
    kept: int = 0
    #: failures by reason (``stage: ErrorClass``)
    rejected: Counter[str] = field(default_factory=Counter)
    #: documents the user's filters left out, by reason (the filter's error class)
    filtered: Counter[str] = field(default_factory=Counter)
    duplicates_marked: int = 0
    duplicates_dropped: int = 0
    #: lines removed per rule ("line-model" for the line model, "template-line" for the corpus pass)
    removed_lines: Counter[str] = field(default_factory=Counter)
    removed_chars: Counter[str] = field(default_factory=Counter)
    #: histogram bin index -> documents (:data:`LENGTH_BINS`)
    length_before: Counter[int] = field(default_factory=Counter)
    length_after: Counter[int] = field(default_factory=Counter)
    #: detected language ("unknown" when none) -> documents
    languages: Counter[str] = field(default_factory=Counter)
    sources: dict[str, SourceChars] = field(default_factory=dict)
    #: the first distinct removed lines of each rule, as removed (the report escapes them)
    samples: dict[str, list[str]] = field(default_factory=dict)
    #: seconds spent in each stage, summed over processes
    stage_seconds: dict[str, float] = field(default_factory=dict)
    #: bytes of input read (documents' raw bytes or page source), when the run knows them
    input_bytes: int = 0
    #: wall-clock seconds of the whole run, when it was one process's to measure
    wall_seconds: float | None = None

    def add_document(self, doc: Document, *, dropped: bool = False, source_by: str = "auto") -> None:
        """Count a cleaned document; ``dropped``: left out as a duplicate (``--drop-duplicates``)."""
        self.inputs += 1
        if dropped:
            self.duplicates_dropped += 1
        else:
            self.kept += 1
        if doc.duplicate_of is not None:
            self.duplicates_marked += 1
        removed = 0
        for removal in doc.removed:
            self.removed_lines[removal.rule] += 1
            self.removed_chars[removal.rule] += len(removal.text)
            removed += len(removal.text)
            kept = self.samples.setdefault(removal.rule, [])
            sample = removal.text[:SAMPLE_CHARS]
            if len(kept) < SAMPLES_PER_RULE and sample not in kept:
                kept.append(sample)
        after = len(doc.text)
        self.length_before[length_bin(after + removed)] += 1
        self.length_after[length_bin(after)] += 1
        self.languages[doc.language or "unknown"] += 1
        source = self.sources.setdefault(source_of(doc, source_by), SourceChars())
        source.documents += 1
        source.before += after + removed
        source.removed += removed

    def add_reject(self, reject: Reject) -> None:
        """Count a document that failed, or that a filter left out."""
        self.inputs += 1
        if reject.filtered:
            self.filtered[reject.error] += 1
        else:
            self.rejected[f"{reject.stage}: {reject.error}"] += 1

    def add_timings(self, timings: dict[str, float]) -> None:
        for stage, seconds in timings.items():
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def merge(self, other: RunStats) -> None:
        """Add ``other``'s counts (a later shard: its samples come after this one's)."""
        self.inputs += other.inputs
        self.kept += other.kept
        self.duplicates_marked += other.duplicates_marked
        self.duplicates_dropped += other.duplicates_dropped
        self.input_bytes += other.input_bytes
        for mine, theirs in ((self.rejected, other.rejected), (self.filtered, other.filtered),
                             (self.removed_lines, other.removed_lines), (self.removed_chars, other.removed_chars),
                             (self.languages, other.languages)):
            mine.update(theirs)
        self.length_before.update(other.length_before)
        self.length_after.update(other.length_after)
        for name, chars in other.sources.items():
            source = self.sources.setdefault(name, SourceChars())
            source.documents += chars.documents
            source.before += chars.before
            source.removed += chars.removed
        for rule, lines in other.samples.items():
            kept = self.samples.setdefault(rule, [])
            kept.extend([line for line in lines if line not in kept][: SAMPLES_PER_RULE - len(kept)])
        self.add_timings(other.stage_seconds)

    @property
    def removed_share(self) -> float:
        """Characters removed, over characters before removal, of the whole run."""
        before = sum(s.before for s in self.sources.values())
        return sum(s.removed for s in self.sources.values()) / before if before else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "kept": self.kept, "rejected": dict(self.rejected),
                "filtered": dict(self.filtered), "duplicates_marked": self.duplicates_marked,
                "duplicates_dropped": self.duplicates_dropped, "removed_lines": dict(self.removed_lines),
                "removed_chars": dict(self.removed_chars),
                "length_before": {str(k): v for k, v in self.length_before.items()},
                "length_after": {str(k): v for k, v in self.length_after.items()},
                "languages": dict(self.languages),
                "sources": {name: [s.documents, s.before, s.removed] for name, s in self.sources.items()},
                "samples": self.samples, "stage_seconds": self.stage_seconds, "input_bytes": self.input_bytes,
                "wall_seconds": self.wall_seconds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunStats:
        return cls(inputs=data["inputs"], kept=data["kept"], rejected=Counter(data["rejected"]),
                   filtered=Counter(data["filtered"]), duplicates_marked=data["duplicates_marked"],
                   duplicates_dropped=data["duplicates_dropped"], removed_lines=Counter(data["removed_lines"]),
                   removed_chars=Counter(data["removed_chars"]),
                   length_before=Counter({int(k): v for k, v in data["length_before"].items()}),
                   length_after=Counter({int(k): v for k, v in data["length_after"].items()}),
                   languages=Counter(data["languages"]),
                   sources={name: SourceChars(*values) for name, values in data["sources"].items()},
                   samples={rule: list(lines) for rule, lines in data["samples"].items()},
                   stage_seconds=dict(data["stage_seconds"]), input_bytes=data["input_bytes"],
                   wall_seconds=data["wall_seconds"])
