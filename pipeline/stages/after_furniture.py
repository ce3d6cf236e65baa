"""Stage: a site's closing note, the last sentence left after the article's furniture.

Sites end a page with a line about themselves, in their own words: who writes the site and
whether its texts may be copied ("The Weir Gazette is written by volunteers. Copy nothing
without asking."). It reads as prose, so the line model never scores it (long lines that end
as sentences pass its gate), and its wording is the house's, so no rule knows it. Where it
stands gives it away: after the article, past the share bar, the comments prompt and the
newsletter box, with nothing but furniture after it.

The stage removes the document's last kept line when it is a paragraph of prose, every line
after it was removed, and right above it stand at least :data:`MIN_PIECES` removed pieces of
furniture, with a kept paragraph of the article somewhere above those. A piece is one removed
line, except that the lines one block, list or tail rule took in a row are one piece: a
"More on this story" block of three headlines between the last two paragraphs is one piece of
furniture, and the article's final paragraph after it stays.

Measured before it shipped (rules and line model as in this release, gold labels): on the
news development corpora it took 18 boilerplate lines and no paragraph; on wceb-dev's train
and dev pages (as plain text) 124 boilerplate lines and 13 of main text. With two pieces it
would have taken 21 and 2 paragraphs on the news corpora. Plain text only: the text an
extractor took from HTML has lost the furniture this stage reads.

With the line model on, the model decides again after each closing note goes (the line
model stage's own rounds, :func:`~pipeline.stages.line_model.apply_model`), and the
stage looks again, up to :data:`MAX_NOTES` times: the line model's decisions depend on a
line's neighbours, and cleaning the output again must change nothing.

The removal is audited as ``{"rule": "after-furniture", "line": n, "text": ...}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pipeline.document import Document, Removal, removing_rules
from pipeline.options import CleanOptions
from pipeline.stages import Stage
from pipeline.stages.line_model import apply_model, load_line_model, model_thresholds
from pipeline.stages.strip import is_paragraph

#: The name the removal carries in ``removed`` (where a rule id goes).
RULE_NAME = "after-furniture"
#: Removed pieces of furniture right above the line, at least.
MIN_PIECES = 3
#: The version of the test above; it enters the fingerprint.
VERSION = 1
#: Closing notes removed at most, one after another (a note under a note).
MAX_NOTES = 4


class AfterFurniture(Stage):
    """The closing note after the article's furniture, removed (:func:`closing_note`)."""

    name = "after-furniture"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.grouped = options.ruleset().block_rule_ids
        #: the line model, to decide again after a note goes (None: rules only), at the
        #: threshold its stage uses for plain text
        self.model = load_line_model() if options.line_model else None
        self.threshold = model_thresholds(options, self.model)[0]

    def fingerprint(self) -> dict[str, object]:
        return {"version": VERSION, "pieces": MIN_PIECES, "notes": MAX_NOTES}

    def __call__(self, doc: Document) -> Document:
        if doc.format == "html":
            return doc
        for _ in range(MAX_NOTES):
            if not doc.text or not doc.removed:
                break
            lines = doc.text.split("\n")
            if note_spot(lines) is None:  # most documents: no need to read the removals
                break
            index = closing_note(lines, removing_rules(doc.removed, [not line for line in lines]), self.grouped)
            if index is None:
                break
            added = Removal(RULE_NAME, lines[index], index + 1)
            lines[index] = ""
            merged = sorted(doc.removed + (added,), key=lambda r: r.line)
            doc = doc.evolve(text="\n".join(lines), removed=tuple(merged))
            if self.model is not None:
                doc = apply_model(doc, self.model, self.threshold)
        return doc


class NoteSpot(NamedTuple):
    """Where a closing note may stand: the document's last kept line, and the nearest kept line
    above it (-1: none); the lines between are blank."""

    last: int
    above: int


def note_spot(lines: Sequence[str], min_pieces: int = MIN_PIECES) -> NoteSpot | None:
    """The cheap tests, in ``lines`` (removed lines blank): the last kept line is a paragraph and
    at least ``min_pieces`` blank lines stand right above it. None otherwise, which is most
    documents: their last line has a kept line right above it."""
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    above = last - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    # lines[above + 1:last] are blank: removed lines and the source's own blank lines
    if last < 0 or last - 1 - above < min_pieces or not is_paragraph(lines[last].strip()):
        return None
    return NoteSpot(last, above)


def closing_note(lines: Sequence[str], owners: Sequence[str | None], grouped: frozenset[str],
                 min_pieces: int = MIN_PIECES) -> int | None:
    """The index of the document's closing note in ``lines`` (removed lines blank), or None.

    ``owners``: the rule (or stage) that removed each line, None for a line still there or a
    blank line of the source (:func:`~pipeline.document.removing_rules`); ``grouped``: the ids
    whose consecutive lines are one piece."""
    spot = note_spot(lines, min_pieces)
    if spot is None:
        return None
    pieces, previous = 0, None
    for index in range(spot.last - 1, spot.above, -1):
        rule = owners[index]
        if rule is not None:
            if not (rule == previous and rule in grouped):
                pieces += 1
            previous = rule
    if pieces < min_pieces:
        return None
    if not any(lines[j].strip() and is_paragraph(lines[j].strip()) for j in range(spot.above + 1)):
        return None
    return spot.last
