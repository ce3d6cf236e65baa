"""Stage 5: the canonical output form.

Each remaining line is a paragraph; paragraphs are separated by exactly one
blank line, with no blank lines at either end. Lines were already
canonicalised by the repair stage (NFC, single spaces, no invisible
characters), so this stage only assembles them, and optionally folds
typographic punctuation to ASCII for consumers that want it.
"""

from __future__ import annotations

from pipeline import flags as F
from pipeline.document import Document
from pipeline.stages import Stage

_ASCII_PUNCTUATION = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "‹": "'", "›": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "…": "...",
    }
)


def fold_punctuation(text: str) -> str:
    """Fold curly quotes, guillemets, dashes and the ellipsis to ASCII."""
    return text.translate(_ASCII_PUNCTUATION)


def paragraphs(text: str) -> str:
    """Join the non-blank lines of ``text`` with one blank line between them."""
    return "\n\n".join(line for line in text.split("\n") if line)


def normalize(doc: Document, ascii_punctuation: bool = False) -> Document:
    """Stage function: assemble the final body (and fold punctuation if asked)."""
    text, title = paragraphs(doc.text), doc.title
    if ascii_punctuation:
        text = fold_punctuation(text)
        title = fold_punctuation(title) if title else title
    flags = (F.EMPTY_AFTER_CLEANING,) if not text else ()
    return doc.evolve(text=text, title=title, add_flags=flags)


class Normalize(Stage):
    """The canonical output form (and ASCII punctuation, if asked)."""

    name = "normalize"

    def __call__(self, doc: Document) -> Document:
        return normalize(doc, self.options.ascii_punctuation)

    def fingerprint(self) -> dict[str, object]:
        return {"ascii_punctuation": self.options.ascii_punctuation}
