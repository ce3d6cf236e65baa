"""Stage: a record that duplicates an earlier one says so (``duplicate_of``, ``duplicate_similarity``).

The corpus-level pass (:mod:`pipeline.corpus.passes`) finds the clusters and
hands them to this stage through the options; without them it does nothing.
Marking is the default: ``--drop-duplicates`` leaves the marked records out of
the output (the writer does that, and counts them), never the chain.
"""

from __future__ import annotations

from pipeline.document import Document
from pipeline.options import CleanOptions
from pipeline.stages import Stage


class Duplicates(Stage):
    """Marks from the corpus-level duplicate clusters."""

    name = "duplicates"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.marks = options.duplicate_marks if options.duplicates else None

    def fingerprint(self) -> dict[str, object] | None:
        return None if self.marks is None else {"marks": self.marks.fingerprint()}

    def __call__(self, doc: Document) -> Document:
        if self.marks is None:
            return doc
        mark = self.marks.lookup(doc)
        if mark is None:
            return doc
        return doc.evolve(duplicate_of=mark[0], duplicate_similarity=mark[1])
