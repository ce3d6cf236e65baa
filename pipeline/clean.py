"""The cleaning chain: the stages in order, shared by the API, CLI and batch runs.

Keeping the chain in one place is what makes ``boilerstrip clean`` and the
batch tasks produce byte-identical records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .boilerplate import strip
from .decode import decode
from .document import Document
from .metadata import extract_metadata
from .normalize import normalize
from .repair import repair
from .rules import DEFAULT_MATCH_TIMEOUT, RuleSet, cached_rules


@dataclass(frozen=True)
class CleanOptions:
    """Everything that changes the output besides the input itself."""

    rule_dirs: tuple[str, ...] = ()
    builtin_rules: bool = True
    ascii_punctuation: bool = False
    match_timeout: float | None = DEFAULT_MATCH_TIMEOUT
    rules: RuleSet | None = field(default=None, compare=False)

    def ruleset(self) -> RuleSet:
        if self.rules is not None:
            return self.rules
        return cached_rules(tuple(str(d) for d in self.rule_dirs), self.builtin_rules)


def clean_document(doc: Document, options: CleanOptions = CleanOptions()) -> Document:
    """Run every stage on ``doc``: decode (if it has raw bytes), repair, strip, metadata, normalise.

    Raises a :class:`~pipeline.errors.DocumentError` subclass for input that
    cannot be decoded; everything after decoding works on any text.
    """
    if doc.raw is not None:
        doc = decode(doc)
    doc = repair(doc)
    doc = strip(doc, options.ruleset(), options.match_timeout)
    doc = extract_metadata(doc)
    return normalize(doc, options.ascii_punctuation)


def clean_text(
    text: str,
    *,
    id: str = "<text>",
    rule_dirs: Iterable[str] = (),
    ascii_punctuation: bool = False,
) -> Document:
    """Clean a string; return the finished :class:`Document` (``.to_record()`` for a dict).

    Never raises on any ``str``: empty input gives an empty record flagged
    ``empty-after-cleaning``.
    """
    options = CleanOptions(rule_dirs=tuple(rule_dirs), ascii_punctuation=ascii_punctuation)
    return clean_document(Document(id=id, text=text, encoding=None), options)


def clean_bytes(data: bytes, *, id: str = "<bytes>", path: str | None = None,
                options: CleanOptions = CleanOptions()) -> Document:
    """Clean raw bytes (decoded as described in :mod:`pipeline.decode`)."""
    return clean_document(Document(id=id, path=path, raw=data), options)
