"""The corpus-level pass: duplicate clusters, then template lines counted once per cluster.

Both need the whole corpus before any document is finished, so they run
between the chain's two segments: over the *prepared* documents (decoded,
extracted, repaired). Batch runs do the work as Luigi tasks (signatures and
counts per shard, one merge each; :mod:`pipeline.batch.tasks`);
``clean --corpus-pass`` does it here, in a first pass over the inputs. Both
use the functions below, so the same inputs give the same tables.

Three steps, each over the whole corpus:

1. **Duplicates for counting**: clusters of the documents' *content text*,
   the lines of at least :data:`CONTENT_MIN_WORDS` words that the rules keep
   (menus, bylines and captions are shorter). Within one source the template
   is the same on every page, so a story crawled twice compares as the same
   story.
2. **Template lines** are counted on the kept document of every cluster only:
   a story crawled twice must not make its own paragraphs template.
3. **Duplicates to mark**: clusters again, on the content text less each
   source's template lines, so that two sites' copies of one syndicated story
   compare on the story and not on the sites' longer template lines (measured
   on the test crawl: copies that scored 0.45 to 0.57 with the template lines
   score 0.77 to 0.96 without them; the duplicate module's threshold, 0.6,
   was measured on clean text, which this is close to).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.chain import Chain
from pipeline.corpus.templates import TemplateCounts, TemplateTable, counted_lines, source_of
from pipeline.document import Document, Reject
from pipeline.options import CleanOptions
from pipeline.stages.strip import strip_boilerplate

#: Lines shorter than this are left out of the text duplicates are found on.
CONTENT_MIN_WORDS = 6


def document_key(doc: Document) -> str:
    """What identifies a document within one corpus: its path and its id (ids alone can repeat
    across JSONL files)."""
    return f"{doc.path or ''}\x1f{doc.id}"


def content_text(doc: Document, options: CleanOptions, templates: TemplateTable | None = None) -> str:
    """A prepared document's lines of at least CONTENT_MIN_WORDS words that the rules keep (and
    that are not template lines of its source, given the table)."""
    lines, *_ = strip_boilerplate(doc.text, options.ruleset(), options.match_timeout or None)
    source = source_of(doc, options.source_by) if templates is not None else ""
    return "\n".join(line for line in lines if line and len(line.split()) >= CONTENT_MIN_WORDS
                     and (templates is None or templates.lookup(source, line) is None))


@dataclass
class DuplicateMarks:
    """The duplicates of a corpus: document key -> (kept record's id, similarity), and the clusters."""

    marks: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: one dict per cluster, as ``duplicates.jsonl`` holds them
    clusters: list[dict[str, Any]] = field(default_factory=list)
    documents: int = 0

    def lookup(self, doc: Document) -> tuple[str, float] | None:
        return self.marks.get(document_key(doc))

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(sorted(self.marks.items())).encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {"documents": self.documents, "marks": dict(sorted(self.marks.items())), "clusters": self.clusters}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DuplicateMarks:
        return cls({k: (v[0], v[1]) for k, v in data["marks"].items()}, data["clusters"], data["documents"])


def find_marks(keyed_signatures: Iterable[tuple[str, Any]]) -> DuplicateMarks:
    """Cluster ``(document key, Signature)`` pairs (in corpus order) into DuplicateMarks."""
    from pipeline.corpus.duplicates import find_duplicates

    keys: list[str] = []

    def signatures() -> Iterator[Any]:
        for key, signature in keyed_signatures:
            keys.append(key)
            yield signature

    found = find_duplicates(signatures())
    marks = {keys[position]: (mark.duplicate_of, mark.similarity) for position, mark in found.marks.items()}
    return DuplicateMarks(marks, [cluster.to_json() for cluster in found.clusters], found.documents)


def signature_of(doc: Document, options: CleanOptions, templates: TemplateTable | None = None) -> Any:
    """The duplicate signature of a prepared document (on its content text)."""
    from pipeline.corpus.duplicates import signature

    return signature(doc.id, content_text(doc, options, templates), doc.date)


def count_templates(documents: Iterable[Document], options: CleanOptions,
                    duplicates: DuplicateMarks | None = None) -> TemplateCounts:
    """Line counts per source over prepared documents, the duplicates of a cluster left out."""
    counts = TemplateCounts()
    for doc in documents:
        if duplicates is None or duplicates.lookup(doc) is None:
            counts.add(source_of(doc, options.source_by), counted_lines(doc.text))
    return counts


@dataclass
class CorpusTables:
    templates: TemplateTable | None = None
    duplicates: DuplicateMarks | None = None


def corpus_tables(prepared: Callable[[], Iterable[Document]], options: CleanOptions) -> CorpusTables:
    """The tables of the three steps (module docstring) over ``prepared()``, which gives the
    prepared documents of the corpus afresh each time it is called, in the same order."""
    counting = find_marks((document_key(doc), signature_of(doc, options)) for doc in prepared()) \
        if options.duplicates else None
    templates = None
    if options.template_lines:
        counts = count_templates(prepared(), options, counting)
        templates = counts.table(options.template_min_documents, options.template_min_share)
    duplicates = None
    if options.duplicates:
        duplicates = counting if templates is None else \
            find_marks((document_key(doc), signature_of(doc, options, templates)) for doc in prepared())
    return CorpusTables(templates, duplicates)


def spooled_corpus_tables(items: Iterable[Document | Reject], options: CleanOptions) -> CorpusTables:
    """:func:`corpus_tables` over raw documents, prepared once and spooled to a temporary file
    (decoding and extraction are the costly part; memory stays flat). A reject is skipped
    here: the cleaning pass reports it in its turn."""
    from pipeline.batch.stagefile import iter_stage_file, write_stage_file

    prepare = Chain(options, ["prepare"])
    with tempfile.TemporaryDirectory(prefix="boilerstrip-corpus-") as tmp:
        spool = os.path.join(tmp, "prepared.jsonl")
        documents = (doc for _, doc in prepare.stream((None, item) for item in items) if isinstance(doc, Document))
        write_stage_file(spool, documents, {})

        def prepared() -> Iterator[Document]:
            return (item for item in iter_stage_file(spool) if isinstance(item, Document))

        return corpus_tables(prepared, options)
