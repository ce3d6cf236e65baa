"""The one record every stage reads and returns.

Stages never mutate a :class:`Document`; they return a copy with the fields
they own filled in (``dataclasses.replace``). The raw input (``raw``) is never
overwritten, so any record can be re-derived and audited from its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import orjson

#: Metadata fields a rule may capture with named groups.
METADATA_FIELDS = ("title", "date", "publisher", "author", "url")


@dataclass(frozen=True)
class Removal:
    """One piece of text a rule (or the line model) took out of the document, and why."""

    rule: str
    text: str
    line: int  # 1-based line number in the repaired text
    #: the line model's P(boilerplate) for a line it removed ("rule": "line-model")
    score: float | None = None
    #: a template line ("rule": "template-line"): its source, and in how many of the source's
    #: documents it recurs
    source: str | None = None
    documents: int | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"rule": self.rule, "line": self.line, "text": self.text}
        if self.score is not None:
            found["score"] = self.score
        if self.source is not None:
            found["source"] = self.source
            found["documents"] = self.documents
        return found


def removing_rules(removals: Sequence[Removal], removed: Sequence[bool]) -> list[str | None]:
    """The rule (or stage) that removed each line, from the removal records: ``removed[i]`` says
    whether line ``i`` is gone, and a removal covers as many lines as its text has. None for a
    line still there: a cut that left text on its line (``strip_match``) does not own it. Where
    two removals cover a line, the first in ``removals`` wins.

    One function for the after-furniture stage (which removed lines are one piece of furniture)
    and for training and the benchmark (which rule removed a labelled line)."""
    out: list[str | None] = [None] * len(removed)
    for r in removals:
        for offset in range(r.text.count("\n") + 1):
            i = r.line - 1 + offset
            if 0 <= i < len(out) and removed[i] and out[i] is None:
                out[i] = r.rule
    return out


@dataclass(frozen=True)
class Document:
    """A document on its way through the pipeline.

    ``text`` holds the current text: after ``repair`` it is the repaired
    source, after ``strip`` removed lines are blank (line numbers stay
    stable for the audit trail), after ``normalize`` it is the final body.
    For HTML input, ``decode`` fills ``html`` (the page source, never
    overwritten) and ``extract`` derives ``text`` from it.
    """

    id: str
    path: str | None = None
    raw: bytes | None = field(default=None, repr=False, compare=False)
    #: "text" or "html"; None until decoding sniffs the bytes
    format: str | None = None
    #: the charset the transport declared for ``raw`` (a WARC record's HTTP Content-Type), which
    #: decoding weighs like a page's own declaration; not part of the record
    charset: str | None = field(default=None, repr=False, compare=False)
    #: the decoded page source of an HTML input
    html: str | None = field(default=None, repr=False, compare=False)
    text: str = ""
    encoding: str | None = None
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    #: when a crawler fetched the document (a WARC record's WARC-Date, as written); None otherwise
    crawl_date: str | None = None
    language: str | None = None
    #: the page's own summary (meta description), HTML input only
    description: str | None = None
    #: what produced ``text`` from HTML: "combined", "resiliparse", "trafilatura" or "justext"
    extractor: str | None = None
    #: HTML input only: for each line of ``text``, the extractors that kept it (the audit of the
    #: combination). From extraction to normalisation it is aligned with the lines of ``text``
    #: (removed lines keep their entry); the normalize stage leaves one entry per paragraph.
    extractors: tuple[tuple[str, ...], ...] | None = None
    removed: tuple[Removal, ...] = ()
    flags: tuple[str, ...] = ()
    #: the id of the record this one duplicates (a corpus-level pass found it), and how alike they are
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    #: metadata captured by rules, before the metadata stage validates it
    captured: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def evolve(self, *, add_flags: tuple[str, ...] = (), **changes: Any) -> Document:
        """A copy with ``changes`` applied and ``add_flags`` added to ``flags``.

        ``dataclasses.replace`` re-runs ``__init__`` over all twenty fields,
        which cost more than some whole stages (about 6 microseconds a call,
        ten calls a document); this copies the fields and applies the changes.
        """
        if not _FIELD_NAMES.issuperset(changes):
            raise TypeError(f"Document has no field(s) {', '.join(sorted(changes.keys() - _FIELD_NAMES))}")
        if add_flags:
            merged = list(changes.get("flags", self.flags))
            merged.extend(f for f in add_flags if f not in merged)
            changes["flags"] = tuple(merged)
        copy = object.__new__(Document)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)  # frozen: instances are never changed after this
        return copy

    def with_flags(self, *flags: str) -> Document:
        """Return a copy with ``flags`` added (kept unique, in first-seen order)."""
        return self.evolve(add_flags=flags) if flags else self

    def rendered(self) -> str:
        """The article as plain text: title, a blank line, the body.

        This is what ``--format text`` prints. Cleaning the rendered text again
        yields the same rendered text (the idempotency the tests check).
        """
        parts = [p for p in (self.title, self.text) if p]
        return "\n\n".join(parts) + "\n" if parts else ""

    def to_record(self) -> dict[str, Any]:
        """The JSONL record: a stable, documented schema (see README)."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": self.date,
            "publisher": self.publisher,
            "author": self.author,
            "url": self.url,
            "crawl_date": self.crawl_date,
            "language": self.language,
            "description": self.description,
            "encoding": self.encoding,
            "extractor": self.extractor,
            "extractors": None if self.extractors is None else [list(names) for names in self.extractors],
            "text": self.text,
            "removed": [r.to_dict() for r in self.removed],
            "flags": list(self.flags),
            "duplicate_of": self.duplicate_of,
            "duplicate_similarity": self.duplicate_similarity,
        }

    def to_state(self) -> dict[str, Any]:
        """Everything but ``raw`` and ``html``, for handing a document between batch stages
        (extraction happens in the first stage, so later ones never need the page)."""
        state = self.to_record()
        state["format"] = self.format
        state["captured"] = [list(c) for c in self.captured]
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_state`."""
        fields = dict(state)
        fields["removed"] = tuple(Removal(**r) for r in fields["removed"])
        fields["flags"] = tuple(fields["flags"])
        fields["captured"] = tuple(tuple(c) for c in fields.get("captured", ()))
        if fields.get("extractors") is not None:
            fields["extractors"] = tuple(tuple(names) for names in fields["extractors"])
        return cls(**fields)

    def to_json_line(self) -> str:
        """One JSONL line (compact, UTF-8 text as is). The CLI and batch runs both write exactly this."""
        return orjson.dumps(self.to_record(), option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")


_FIELD_NAMES = frozenset(f.name for f in fields(Document))


#: The stage that leaves out documents the user's filters do not want (pipeline/stages/filters.py).
FILTER_STAGE = "filter"


@dataclass(frozen=True)
class Reject:
    """A document that could not be processed: which one, at which step, and why.

    The one shape of failure everywhere: readers yield it for an input that
    cannot be read (``stage`` "read"), the chain returns it for a document a
    stage refused or failed on, the command line prints it as one line, and
    batch runs write it to ``rejects.jsonl``. Nothing is dropped silently.
    """

    id: str
    path: str | None
    #: "read", or the name of the stage that raised
    stage: str
    #: the exception's class name (``UndecodableInputError``, ...)
    error: str
    message: str
    #: False for a DocumentError (the input's fault); True for anything else: a bug
    internal: bool = False

    @classmethod
    def of(cls, doc_id: str, path: str | None, stage: str, exc: BaseException) -> Reject:
        from pipeline.errors import DocumentError

        return cls(doc_id, path, stage, type(exc).__name__, str(exc), internal=not isinstance(exc, DocumentError))

    @property
    def filtered(self) -> bool:
        """Left out by a filter the user chose (``--languages``, ``--min-words``): not a failure."""
        return self.stage == FILTER_STAGE

    def describe(self) -> str:
        """The reason as the one error line says it."""
        if self.internal:
            return f"internal error ({self.error}: {self.message}); please report it"
        return self.message

    def to_record(self) -> dict[str, Any]:
        """The line of ``rejects.jsonl`` (documented in the README)."""
        return {"id": self.id, "path": self.path, "stage": self.stage, "error": self.error, "message": self.message}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Reject:
        return cls(record["id"], record["path"], record["stage"], record["error"], record["message"],
                   internal=bool(record.get("internal", False)))


@dataclass(frozen=True)
class SkippedRecord:
    """A record of a crawl archive that is not a document, left out with its reason.

    A WARC file holds requests, metadata, redirects, images and scripts beside
    its pages. Cleaning them as text would make articles of HTTP headers and
    image bytes, and leaving them out unsaid would make a crawl's numbers
    unaccountable: readers yield one of these instead, and the CLI's summary
    and the batch manifest count them by ``reason`` (``request record``,
    ``redirect (HTTP 301)``, ``not text (image/png)``, ...).
    """

    id: str
    path: str | None
    reason: str
