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


def paragraph_extractors(lines: list[str], extractors: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The extractors audit of the lines that remain, one entry per paragraph.

    ``extractors`` is aligned with the extracted lines, and every stage keeps
    line positions (a removed line becomes blank). Only repair could break a line
    in two (ftfy decoding an escaped line break); then each paragraph gets every
    extractor that kept any of the page's text, rather than a wrong neighbour's entry.
    """
    if len(lines) == len(extractors):
        return tuple(names for line, names in zip(lines, extractors, strict=True) if line)
    every = tuple(dict.fromkeys(name for names in extractors for name in names))
    return tuple(every for line in lines if line)


def normalize(doc: Document, ascii_punctuation: bool = False) -> Document:
    """Stage function: assemble the final body (and fold punctuation if asked)."""
    lines = doc.text.split("\n")
    text, title = "\n\n".join(line for line in lines if line), doc.title
    if ascii_punctuation:
        text = fold_punctuation(text)
        title = fold_punctuation(title) if title else title
    flags = (F.EMPTY_AFTER_CLEANING,) if not text else ()
    if doc.extractors is None:
        return doc.evolve(text=text, title=title, add_flags=flags)
    return doc.evolve(text=text, title=title, add_flags=flags,
                      extractors=paragraph_extractors(lines, doc.extractors))


class Normalize(Stage):
    """The canonical output form (and ASCII punctuation, if asked)."""

    name = "normalize"

    def __call__(self, doc: Document) -> Document:
        return normalize(doc, self.options.ascii_punctuation)

    def fingerprint(self) -> dict[str, object]:
        return {"ascii_punctuation": self.options.ascii_punctuation}
