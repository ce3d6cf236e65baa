"""Stage: the template lines of each document's source, as the corpus-level pass found them.

The pass (:mod:`pipeline.corpus.templates`; a Luigi task of its own in batch
runs, ``clean --corpus-pass`` on the command line) counts lines per source
and hands the table to this stage through the options. Without a table the
stage does nothing, so a plain ``clean`` stays single-pass and streaming.
Lines a rule already removed keep their rule; a template line is audited as
``{"rule": "template-line", "line": n, "text": ..., "source": "example.com", "documents": 37}``.
"""

from __future__ import annotations

from pipeline.corpus.templates import TemplateTable, source_of
from pipeline.document import Document, Removal
from pipeline.options import CleanOptions
from pipeline.stages import Stage

#: The name template removals carry in ``removed`` (where a rule id goes).
RULE_NAME = "template-line"


class Templates(Stage):
    """Each source's template lines, removed (only with a corpus-level table)."""

    name = "templates"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.table: TemplateTable | None = options.templates if options.template_lines else None

    def fingerprint(self) -> dict[str, object] | None:
        if self.table is None:
            return None
        return {"table": self.table.fingerprint(), "source_by": self.options.source_by}

    def __call__(self, doc: Document) -> Document:
        if self.table is None or not doc.text:
            return doc
        source = source_of(doc, self.options.source_by)
        if source not in self.table.lines:
            return doc
        lines = doc.text.split("\n")
        added: list[Removal] = []
        for index, line in enumerate(lines):
            if line:
                documents = self.table.lookup(source, line)
                if documents is not None:
                    added.append(Removal(RULE_NAME, line, index + 1, source=source, documents=documents))
                    lines[index] = ""
        if not added:
            return doc
        removed = sorted(doc.removed + tuple(added), key=lambda r: r.line)
        return doc.evolve(text="\n".join(lines), removed=tuple(removed))
