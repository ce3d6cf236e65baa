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
from .extract import extract
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
    """Run every stage on ``doc``: decode (if it has raw bytes), extract (if it is HTML),
    repair, strip, metadata, normalise.

    Raises a :class:`~pipeline.errors.DocumentError` subclass for input that
    cannot be decoded or parsed; everything after that works on any text.
    """
    return finish(prepare(doc), options)


def prepare(doc: Document) -> Document:
    """The rule-independent stages: decode, extract, repair (the batch's first task)."""
    if doc.raw is not None:
        doc = decode(doc)
    if doc.html is not None:
        doc = extract(doc)
    return repair(doc)


def finish(doc: Document, options: CleanOptions = CleanOptions()) -> Document:
    """The rule-dependent stages on a prepared document: strip, metadata, normalise."""
    doc = strip(doc, options.ruleset(), options.match_timeout)
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


def clean_bytes(data: bytes, *, id: str = "<bytes>", path: str | None = None, format: str | None = None,
                url: str | None = None, options: CleanOptions = CleanOptions()) -> Document:
    """Clean raw bytes (decoded as described in :mod:`pipeline.decode`).

    ``format`` is "text", "html" or None to sniff; ``url`` helps extraction
    from HTML and is kept in the record.
    """
    return clean_document(Document(id=id, path=path, raw=data, format=format, url=url), options)


def clean_html(html: str, *, id: str = "<html>", url: str | None = None,
               options: CleanOptions = CleanOptions()) -> Document:
    """Clean an HTML page given as a string: main content, page metadata, then the text stages."""
    return clean_document(Document(id=id, html=html, format="html", url=url), options)
