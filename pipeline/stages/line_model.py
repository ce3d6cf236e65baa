"""Stage: the learned line model, after the rules.

The rules stay first and authoritative for what they know: their removals,
metadata captures, blocks and tails. The model (:mod:`pipeline.linemodel`)
scores every line of the document in context, knowing which lines the rules
removed, and then:

* removes a line no rule claimed when its boilerplate probability reaches the
  threshold (``--line-model-threshold``, by default the shipped model's own,
  chosen on held-out pages for precision); the removal is audited as
  ``{"rule": "line-model", "line": n, "text": ..., "score": 0.97}``;
* vetoes a weak rule hit: a whole line a rule matched on its own, without
  capturing metadata, comes back when the model finds it clearly prose (a
  30-word paragraph that happens to start "RELATED:"); the record is flagged
  ``rule-vetoed:<rule id>``.

The leading headline of a plain-text document is left to the metadata stage
(it becomes the title): short and unpunctuated, it looks like boilerplate to a
line model, but it is the article's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline import flags as F
from pipeline.document import Document, Removal
from pipeline.options import CleanOptions
from pipeline.stages import Stage
from pipeline.stages.metadata import leading_title

if TYPE_CHECKING:
    from pipeline.linemodel import LineModel

#: The name line-model removals carry in ``removed`` (where a rule id goes).
RULE_NAME = "line-model"
#: Digits a score keeps in the record: enough to audit, stable across platforms.
SCORE_DIGITS = 3


def load_line_model() -> LineModel:
    """The shipped model (loaded once per process)."""
    from pipeline.linemodel import LineModel

    return LineModel.load()


class LineModelStage(Stage):
    """Lines no rule knew, removed by the line model; weak rule hits on clear prose, vetoed."""

    name = "line-model"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.model = load_line_model() if options.line_model else None
        self.threshold = options.line_model_threshold or (self.model.threshold if self.model else 0.0)

    def fingerprint(self) -> dict[str, object] | None:
        if self.model is None:
            return {"line_model": False}
        return {"model": self.model.sha256, "version": self.model.version, "threshold": self.threshold,
                "veto_below": self.model.veto_below}

    def __call__(self, doc: Document) -> Document:
        if self.model is None or not doc.text:
            return doc
        from pipeline.linemodel import decide

        lines = doc.text.split("\n")
        original = list(lines)
        removed = [False] * len(lines)
        whole_line: dict[int, Removal] = {}  # the removal that blanked a line (the last one on it)
        for removal in doc.removed:
            index = removal.line - 1
            if 0 <= index < len(lines) and not lines[index]:
                removed[index] = True
                whole_line[index] = removal
                original[index] = removal.text
        scores = self.model.scores(original, removed)
        boilerplate = decide(scores, removed, self.threshold, self.model.veto_below)
        protected = leading_title(lines) if doc.format != "html" and doc.title is None else None

        added: list[Removal] = []
        vetoed: dict[int, Removal] = {}
        for index, (score, is_boilerplate) in enumerate(zip(scores, boilerplate, strict=True)):
            if score is None or not original[index]:
                continue
            if not removed[index] and is_boilerplate and index != protected:
                added.append(Removal(RULE_NAME, original[index], index + 1, score=round(score, SCORE_DIGITS)))
                lines[index] = ""
            elif removed[index] and not is_boilerplate and whole_line[index].vetoable:
                vetoed[index] = whole_line[index]
                lines[index] = original[index]
        if not added and not vetoed:
            return doc
        kept = [r for r in doc.removed if vetoed.get(r.line - 1) is not r]
        merged = sorted(kept + added, key=lambda r: r.line)  # stable: a line's cuts stay before its drop
        vetoes = tuple(dict.fromkeys(F.rule_vetoed(r.rule) for r in vetoed.values()))
        return doc.evolve(text="\n".join(lines), removed=tuple(merged), add_flags=vetoes)

