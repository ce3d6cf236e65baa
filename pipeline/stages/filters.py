"""Stage: the filters a user chose (``--languages``, ``--min-words``), last in the chain.

A filter decides on the finished record (its detected language, its words after
cleaning), so it runs after everything else. A document it leaves out becomes a
:class:`~pipeline.document.Reject` at stage ``filter`` whose message names the
reason (its language, its word count): the command line counts those apart from
failures, and batch runs write them to ``rejects.jsonl`` and count them in the
manifest. Nothing is dropped without a trace.
"""

from __future__ import annotations

from pipeline.document import FILTER_STAGE, Document
from pipeline.errors import LanguageNotSelected, TooFewWords
from pipeline.options import CleanOptions
from pipeline.stages import Stage


class Filters(Stage):
    """Leaves out documents in other languages than ``languages``, or with fewer than ``min_words`` words."""

    name = FILTER_STAGE

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.languages = frozenset(options.languages)
        self.min_words = options.min_words

    def fingerprint(self) -> dict[str, object] | None:
        if not self.languages and not self.min_words:
            return None
        return {"languages": sorted(self.languages), "min_words": self.min_words}

    def __call__(self, doc: Document) -> Document:
        if self.languages and doc.language not in self.languages:
            found = f"language {doc.language}" if doc.language else "no language detected"
            raise LanguageNotSelected(f"{found}, not one of --languages {','.join(self.options.languages)}")
        if self.min_words:
            words = len(doc.text.split())
            if words < self.min_words:
                raise TooFewWords(f"{words} words after cleaning, fewer than --min-words {self.min_words}")
        return doc
