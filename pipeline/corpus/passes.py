"""The corpus-level pass outside Luigi: what ``clean --corpus-pass`` runs before cleaning.

Batch runs do the same work as Luigi tasks (per-shard counts, one merge; see
:mod:`pipeline.batch.tasks`); both count with :class:`TemplateCounts`, so a
``clean --corpus-pass`` and a batch over the same inputs get the same table.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.chain import Chain
from pipeline.corpus.templates import TemplateCounts, TemplateTable, counted_lines, source_of
from pipeline.document import Document, Reject
from pipeline.options import CleanOptions


def count_templates(documents: Iterable[Document], options: CleanOptions) -> TemplateCounts:
    """Line counts per source over prepared documents (decoded, extracted, repaired)."""
    counts = TemplateCounts()
    for doc in documents:
        counts.add(source_of(doc, options.source_by), counted_lines(doc.text))
    return counts


def template_table(items: Iterable[Document | Reject], options: CleanOptions) -> TemplateTable:
    """Run the prepare segment over raw documents and count their lines (a reject is skipped
    here: the cleaning pass reports it in its turn)."""
    prepared = (doc for _, doc in Chain(options, ["prepare"]).stream((None, item) for item in items)
                if isinstance(doc, Document))
    counts = count_templates(prepared, options)
    return counts.table(options.template_min_documents, options.template_min_share)
