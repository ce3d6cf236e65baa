"""Template lines: what a site repeats on its pages, found by counting lines per source.

A batch sees many pages of the same sites, and a site's template (masthead,
menus, "tip us off" footers, its own newsletter appeals) recurs on every one
of them in words no rule knows. Counting is the strongest evidence a batch
has: a line that recurs in at least :data:`DEFAULT_MIN_DOCUMENTS` documents of
its source, and in at least :data:`DEFAULT_MIN_SHARE` of them, is template.

* **Sources.** A document belongs to the host of its ``url`` when it has one,
  else to its input directory (the directory part of its id): ``--source-by
  auto`` (the default), ``host``, ``directory`` or ``corpus`` (one source).
* **Lines are counted as hashes**, once per document, after normalisation
  (case folded, digits made ``0``, spaces collapsed), so "Read 3 of 5 free
  articles" and "Read 4 of 5 free articles" are one line. Only the hash and
  the count are kept; a table is a few dozen bytes per distinct line.
  (The directory is the input file's, as the walk found it: ``in/site-a``.)
* **Duplicates do not count.** A syndicated story crawled twice would make
  its own paragraphs recur: only the kept document of a near-duplicate
  cluster is counted (see :mod:`pipeline.corpus.duplicates`).
* **Content is protected.** A sentence with a quotation in it (at least
  :data:`QUOTE_WORDS` words: an official statement every page of a site
  quotes) and any long sentence of prose (at least :data:`PROSE_WORDS`
  words) are never template, however often they recur; rules and the line
  model judge such lines on their own. A site's own template sentences
  (newsletter and membership appeals, ownership notes) are shorter and quote
  nobody. A source with fewer
  documents than :data:`DEFAULT_MIN_DOCUMENTS` has no template yet.
* **Bounded memory.** A table keeps at most :data:`MAX_LINES_PER_SOURCE`
  distinct lines per source; past that, lines seen once are dropped first (a
  template is seen on every page, so it survives).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import regex

from pipeline.document import Document
from pipeline.options import DEFAULT_TEMPLATE_MIN_DOCUMENTS, DEFAULT_TEMPLATE_MIN_SHARE
from pipeline.shape import final_mark
from pipeline.stages.metadata import ENGLISH_WEEKDAYS, MONTHS

DEFAULT_MIN_DOCUMENTS = DEFAULT_TEMPLATE_MIN_DOCUMENTS
DEFAULT_MIN_SHARE = DEFAULT_TEMPLATE_MIN_SHARE
#: A sentence of prose this long is never template (a site's own template sentences, its
#: newsletter and membership appeals, run to about 25 words)...
PROSE_WORDS = 35
#: ... nor is a quoted statement this long (a quote every page carries is content).
QUOTE_WORDS = 12
_QUOTED = regex.compile(r"[“„«\"][^”»\"]{10,}[”»\"]")
#: Distinct lines kept per source while counting (memory cap; see the module docstring).
MAX_LINES_PER_SOURCE = 200_000

_DIGITS = regex.compile(r"\d+")
_SENTENCE_END = frozenset(".!?…。！？\"”’»)")


_OTHER_WEEKDAYS = ("montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi "
                   "dimanche lunes martes miércoles jueves viernes sábado domingo lunedì martedì mercoledì giovedì venerdì "
                   "sabato domenica segunda terça quarta quinta sexta")
#: Words a site's dated lines vary in ("Tuesday, 14 May 2024"): months from the metadata stage's
#: table, weekdays in the same languages. They become one token, so the line is one line.
CALENDAR_WORDS = frozenset({*ENGLISH_WEEKDAYS, *_OTHER_WEEKDAYS.split(), *MONTHS})
_WORD_EDGES = ".,;:!?()[]\"'«»“”‘’"
#: "Trending: A · B · C": a short label and a short list after it; the label is what repeats.
_LABELLED = regex.compile(r"^([^\W\d][\w'’ -]{0,30}?)\s*[:|›»]\s+(.+)$")
LABEL_MAX_WORDS = 3
LABELLED_REST_MAX_WORDS = 10


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def normalise(line: str) -> str:
    """The form lines are compared in: case folded, digit runs ``0``, month and weekday names one
    token (``~``), spaces collapsed."""
    words = _DIGITS.sub("0", line.casefold()).split()
    for index, word in enumerate(words):
        if word.strip(_WORD_EDGES) in CALENDAR_WORDS:
            words[index] = "~"
    return " ".join(words)


def _words(text: str) -> int:
    """About how many words ``text`` has (cheaper than ``shape.word_count``; thresholds only)."""
    return len(text.split())


@lru_cache(maxsize=1 << 16)
def line_keys(line: str) -> tuple[str, ...]:
    """The hashes a line is counted under (16 hex digits of BLAKE2b: stable across processes):
    its normal form, and for a short label with a short list after it ("Trending: A · B · C",
    not a sentence) the label alone, which is what a site repeats while the list changes."""
    normal = normalise(line)
    keys = [_hash(normal)]
    m = _LABELLED.match(normal)
    if m and _words(m.group(1)) <= LABEL_MAX_WORDS and _words(m.group(2)) <= LABELLED_REST_MAX_WORDS \
            and final_mark(m.group(2)) not in _SENTENCE_END:
        keys.append(_hash("label:" + m.group(1)))
    return tuple(keys)


def protected(line: str) -> bool:
    """Content that may recur on every page of a site: a long sentence of prose, or a quoted
    statement (quotation marks in a sentence of QUOTE_WORDS or more). Never template."""
    if final_mark(line) not in _SENTENCE_END:
        return False
    words = _words(line)
    return words >= PROSE_WORDS or (words >= QUOTE_WORDS and _QUOTED.search(line) is not None)


def source_of(doc: Document, source_by: str = "auto") -> str:
    """The source a document's lines are counted for (see the module docstring)."""
    if source_by == "corpus":
        return "*"
    if source_by in ("auto", "host") and doc.url:
        host = urlsplit(doc.url).hostname
        if host:
            return host.removeprefix("www.")
    if source_by == "host":
        return "(no url)"
    directory = os.path.dirname(doc.path) if doc.path else ""
    return directory.replace(os.sep, "/") or "."


def counted_lines(text: str) -> set[str]:
    """The keys of a document's lines that can be template (each once)."""
    return {key for line in text.split("\n") if line.strip() and not protected(line) for key in line_keys(line)}


@dataclass
class TemplateCounts:
    """Documents and line counts per source: one per shard, then merged into one."""

    documents: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, source: str, keys: Iterable[str]) -> None:
        """Count one (kept) document of ``source`` with its line ``keys``."""
        self.documents[source] += 1
        counts = self.lines.setdefault(source, Counter())
        counts.update(keys)
        if len(counts) > MAX_LINES_PER_SOURCE:
            _prune(counts)

    def merge(self, other: TemplateCounts) -> None:
        self.documents.update(other.documents)
        for source, counts in other.lines.items():
            mine = self.lines.setdefault(source, Counter())
            mine.update(counts)
            if len(mine) > MAX_LINES_PER_SOURCE:
                _prune(mine)

    def to_json(self) -> dict[str, object]:
        return {"documents": dict(sorted(self.documents.items())),
                "lines": {s: dict(sorted(c.items())) for s, c in sorted(self.lines.items())}}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TemplateCounts:
        documents = data["documents"]
        lines = data["lines"]
        assert isinstance(documents, dict) and isinstance(lines, dict)
        return cls(Counter(documents), {source: Counter(counts) for source, counts in lines.items()})

    def table(self, min_documents: int = DEFAULT_MIN_DOCUMENTS, min_share: float = DEFAULT_MIN_SHARE) -> TemplateTable:
        """The template lines of every source, by the two thresholds."""
        found: dict[str, dict[str, int]] = {}
        for source, counts in self.lines.items():
            needed = max(min_documents, math.ceil(min_share * self.documents[source]))
            template = {key: n for key, n in counts.items() if n >= needed}
            if template:
                found[source] = template
        return TemplateTable(found, dict(self.documents), min_documents, min_share)


def _prune(counts: Counter[str]) -> None:
    """Drop the lines seen once (in place): a template recurs, so it is not among them."""
    for key in [key for key, n in counts.items() if n <= 1]:
        del counts[key]


@dataclass(frozen=True)
class TemplateTable:
    """The template lines found per source (line key -> documents it recurs in)."""

    lines: dict[str, dict[str, int]]
    documents: dict[str, int]
    min_documents: int = DEFAULT_MIN_DOCUMENTS
    min_share: float = DEFAULT_MIN_SHARE

    def lookup(self, source: str, line: str) -> int | None:
        """How many documents of ``source`` carry ``line``, if it is template there."""
        template = self.lines.get(source)
        if not template or protected(line):
            return None
        counts = [template[key] for key in line_keys(line) if key in template]
        return max(counts) if counts else None

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        return {"min_documents": self.min_documents, "min_share": self.min_share,
                "documents": dict(sorted(self.documents.items())),
                "lines": {s: dict(sorted(t.items())) for s, t in sorted(self.lines.items())}}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TemplateTable:
        lines, documents = data["lines"], data["documents"]
        assert isinstance(lines, dict) and isinstance(documents, dict)
        min_documents, min_share = data.get("min_documents", DEFAULT_MIN_DOCUMENTS), data.get("min_share", DEFAULT_MIN_SHARE)
        assert isinstance(min_documents, int) and isinstance(min_share, (int, float))
        return cls(lines, documents, min_documents, float(min_share))

    def sources(self) -> Iterator[tuple[str, int, int]]:
        """``(source, documents, template lines)``, the sources with most template lines first."""
        for source, template in sorted(self.lines.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            yield source, self.documents.get(source, 0), len(template)
