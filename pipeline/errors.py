"""Errors a caller can act on.

Every error that concerns one document is a :class:`DocumentError`: the CLI
prints it as one line naming the input and goes on with the others; batch runs
write it to the rejects file. Nothing is dropped silently.
"""

from __future__ import annotations


class BoilerstripError(Exception):
    """Base class of all errors raised on purpose by boilerstrip."""


class DocumentError(BoilerstripError):
    """A single document could not be read or cleaned."""


class InputNotFoundError(DocumentError):
    """The path given does not exist or cannot be read."""


class UndecodableInputError(DocumentError):
    """The bytes are not text in any encoding we can identify (binary data)."""


class UnsupportedInputError(DocumentError):
    """Text that is not a document to clean: a WARC crawl archive, an HTTP error response."""


class EmptyInputError(DocumentError):
    """The input holds no text at all (empty or whitespace only)."""


class UnextractableInputError(DocumentError):
    """An HTML input whose source cannot be parsed as HTML."""


class MalformedRecordError(DocumentError):
    """A line of a JSONL input that is not a usable document record."""


class InputTooLargeError(DocumentError):
    """The input (or its decompressed form) exceeds the configured size limit."""


class LineTooLongError(InputTooLargeError):
    """One line (paragraph) of the text is longer than the configured limit
    (``--max-line-chars``): repair and the rules work line by line, and one
    line of tens of megabytes would take minutes, not milliseconds."""


class FilteredOut(DocumentError):
    """A document cleaned as asked, then left out by a filter the user chose (``--languages``,
    ``--min-words``). Not a failure: the command line counts it apart and exits 0 for it; batch
    runs write it to the rejects file (stage ``filter``) like any document not in the output."""


class LanguageNotSelected(FilteredOut):
    """The document's detected language is not one of ``--languages``."""


class TooFewWords(FilteredOut):
    """The cleaned text has fewer words than ``--min-words``."""


class RuleError(BoilerstripError):
    """A rule file or rule is invalid. The message names the file and rule id."""


class OutputError(BoilerstripError):
    """An output that cannot be opened, written or put in place (a directory, no
    permission, a full disk). Unlike a :class:`DocumentError` it concerns every document
    still to come, so the command stops: exit status 3."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
