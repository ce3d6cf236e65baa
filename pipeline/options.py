"""Every option and default, in one place.

:class:`CleanOptions` is what changes a cleaned record besides the input
itself; :class:`BatchOptions` is how a batch run is cut and published. Each
field carries its command-line flag, help text and parser in its metadata, and
the command line (:func:`add_arguments`) and the Luigi tasks
(:mod:`pipeline.batch.tasks`) build their arguments and parameters from these
fields, so ``boilerstrip clean``, ``batch``, ``evaluate``, ``CleanCorpus``,
``CleanDaily`` and the Python API all take the same options with the same
defaults.

Limits on hostile input use 0 for "no limit".
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pipeline.corpus.passes import DuplicateMarks
    from pipeline.corpus.templates import TemplateTable
    from pipeline.rules import RuleSet

#: Largest input accepted, after decompression (for JSONL: largest line).
#: Larger inputs are rejected (not truncated), so a gzip bomb costs at most this much memory.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Longest line (paragraph) accepted, in characters, after decoding (and, for a
#: page, after extraction). Repair and the rules work line by line; ftfy takes
#: about a second per million characters of non-ASCII prose, so a line at this
#: limit costs a second or two, while a 50 MB line would cost minutes and
#: gigabytes. Real paragraphs are a few thousand characters; a line this long is
#: a minified blob, an inline data URI or a whole book without line breaks.
DEFAULT_MAX_LINE_CHARS = 1_000_000
#: Largest page source accepted, in characters: trafilatura's own MAX_FILE_SIZE,
#: above which its command line and downloader refuse a page. Real pages are far
#: smaller (the largest of the 1,033 pages of trafilatura's evaluation set is
#: 1.6 MB); extraction alone takes about 6 s at this size.
DEFAULT_MAX_PAGE_CHARS = 20_000_000
#: Seconds one rule may spend on one line before it is abandoned (a guard against
#: catastrophic backtracking in user rules; built-in rules are audited instead).
DEFAULT_MATCH_TIMEOUT = 0.25
#: Documents per batch shard, Luigi's unit of work. A Luigi task costs a few
#: milliseconds of its own and a document about 0.3 ms, so a shard of 1,000 is
#: about 0.3 s of work per task: on 6,000 documents, 100-document shards made a
#: batch run 46% slower than a plain loop (and two workers slower than one).
DEFAULT_SHARD_SIZE = 1000
#: A line is template when it recurs in at least this many documents of its source ...
DEFAULT_TEMPLATE_MIN_DOCUMENTS = 4
#: ... and in at least this share of them (pipeline/corpus/templates.py says why).
DEFAULT_TEMPLATE_MIN_SHARE = 0.2
#: How long ``batch --scheduler-url`` waits, by default, for work other processes hold once
#: it has none left (in practice the final step, about 10 s per million documents).
#: Generous, because giving up early fails a run that is fine; a holder that dies needs no
#: timeout: luigid reports its task FAILED after worker_disconnect_delay (60 s).
DEFAULT_WAIT_TIMEOUT = 3600


# --- parsing option values ----------------------------------------------------------

def parse_count(value: str) -> int:
    """A non-negative whole number (``1_000_000`` and ``1,000,000`` accepted; 0: no limit)."""
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value!r}")
    return number


def parse_positive(value: str) -> int:
    """A whole number of at least 1."""
    number = parse_count(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def parse_seconds(value: str) -> float:
    """A non-negative number of seconds (0: no limit)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not number >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must not be negative: {value!r}")
    return number


def parse_probability(value: str) -> float:
    """A probability: a number from 0 to 1."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {value!r}")
    return number


SOURCE_BY = ("auto", "host", "directory", "corpus")
OUTPUT_FORMATS = ("jsonl", "parquet")


def _one_of(choices: tuple[str, ...], value: str) -> str:
    """``value`` if it is one of ``choices``, else the option's one-line usage error."""
    if value not in choices:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(choices)}: {value!r}")
    return value


def parse_html_extractor(value: str) -> str:
    """One of :data:`pipeline.extractors.MODES` (a light import: no extraction library)."""
    from pipeline.extractors import MODES

    return _one_of(MODES, value)


def parse_output_format(value: str) -> str:
    return _one_of(OUTPUT_FORMATS, value)


def parse_source_by(value: str) -> str:
    return _one_of(SOURCE_BY, value)


_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def parse_languages(value: str) -> tuple[str, ...]:
    """Comma-separated ISO 639-1 codes as the records name languages (``en,de``)."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in value.split(",") if code.strip()))
    wrong = [code for code in codes if not _LANGUAGE.match(code)]
    if not codes or wrong:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of language codes (e.g. en,de): {value!r}")
    return codes


_SIZE_UNITS = {"": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
               "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}
_SIZE = re.compile(r"^\s*([0-9][0-9_,]*)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_size(value: str) -> int:
    """A size in bytes: a whole number, optionally with a binary unit (``64M``, ``64 MiB``, ``512k``)."""
    m = _SIZE.match(value)
    if not m or m.group(2).lower() not in _SIZE_UNITS:
        raise argparse.ArgumentTypeError(f"not a size in bytes: {value!r} (e.g. 67108864, 64M or 64MiB)")
    return int(m.group(1).replace("_", "").replace(",", "")) * _SIZE_UNITS[m.group(2).lower()]


def human_size(size: int) -> str:
    """``64 MiB`` for 67108864: how a default size is shown in help texts."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size:,} bytes"


# --- the options ----------------------------------------------------------------------

_T = TypeVar("_T")


def option(default: _T, flag: str, help: str, *, parse: Callable[[str], _T] | None = None,
           metavar: str | None = None, negate: str | None = None, repeat: bool = False) -> _T:
    """A dataclass field that is also a command-line option and a Luigi parameter.

    ``flag`` is the long option; ``parse`` turns its text into a value; a
    boolean field is a switch (``negate``: the switch that sets it False, for a
    field that defaults to True); ``repeat``: the option may be given several
    times, each adding one item to a tuple. ``help`` may use ``{default}``.
    """
    metadata = {"flag": flag, "help": help, "parse": parse, "metavar": metavar, "negate": negate, "repeat": repeat}
    if isinstance(default, tuple):
        return field(default_factory=lambda: default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class CleanOptions:
    """Everything that changes a cleaned record besides the input itself."""

    rule_dirs: tuple[str, ...] = option(
        (), "--rules", "directory of extra *.toml rule files, applied after the built-in ones (repeatable)",
        metavar="DIR", repeat=True)
    builtin_rules: bool = option(True, "--builtin-rules", "use only the rules given with --rules",
                                 negate="--no-builtin-rules")
    ascii_punctuation: bool = option(False, "--ascii-punctuation",
                                     "fold curly quotes, guillemets, dashes and ellipses to ASCII")
    match_timeout: float = option(
        DEFAULT_MATCH_TIMEOUT, "--match-timeout",
        "seconds one rule may spend on one line before it is skipped there and the record flagged "
        "rule-timeout:ID (default {default}; 0: no limit; built-in rules are audited and skip it on lines "
        "of up to 2,000 characters)", parse=parse_seconds, metavar="SECONDS")
    line_model: bool = option(
        True, "--line-model", "rules only: no line model after the rules (the closing note after the article's furniture is still tested)", negate="--no-line-model")
    line_model_threshold: float = option(
        0.0, "--line-model-threshold",
        "the line model removes a line no rule claimed when its boilerplate probability is at least P "
        "(default 0: the shipped model's own thresholds, one for plain text and one for HTML input, chosen "
        "on held-out pages for precision)",
        parse=parse_probability, metavar="P")
    html_extractor: str = option(
        "combined", "--html-extractor",
        "how a page's main text is found: combined (trafilatura, Resiliparse and Readability vote block by "
        "block; the default), fast (Resiliparse alone, metadata from meta tags: about 7 times faster) or "
        "trafilatura (trafilatura alone)", parse=parse_html_extractor, metavar="MODE")
    keep_comments: bool = option(
        False, "--keep-comments",
        "keep reader comments after an article (default: a comment thread is removed as one tail, and "
        "the extractors leave comments out of a page's text)")
    max_bytes: int = option(
        DEFAULT_MAX_BYTES, "--max-bytes",
        "reject inputs (for JSONL: lines) larger than SIZE after decompression (bytes, or with a unit: 64M, "
        "1GiB; default {default})", parse=parse_size, metavar="SIZE")
    max_line_chars: int = option(
        DEFAULT_MAX_LINE_CHARS, "--max-line-chars",
        "reject a document with a line (paragraph) longer than N characters after decoding and HTML "
        "extraction (default {default}; 0: no limit)", parse=parse_count, metavar="N")
    max_page_chars: int = option(
        DEFAULT_MAX_PAGE_CHARS, "--max-page-chars",
        "reject an HTML page longer than N characters (default {default}, trafilatura's own limit; 0: no limit)",
        parse=parse_count, metavar="N")
    template_lines: bool = option(
        True, "--template-lines",
        "no corpus-level template lines (batch; clean --corpus-pass)", negate="--no-template-lines")
    source_by: str = option(
        "auto", "--source-by",
        "what a source is, for template lines: auto (the URL's host, else the input directory), host, "
        "directory or corpus (default {default})", parse=parse_source_by, metavar="HOW")
    template_min_documents: int = option(
        DEFAULT_TEMPLATE_MIN_DOCUMENTS, "--template-min-documents",
        "a line is template when it recurs in at least N documents of its source (default {default}) ...",
        parse=parse_positive, metavar="N")
    template_min_share: float = option(
        DEFAULT_TEMPLATE_MIN_SHARE, "--template-min-share",
        "... and in at least this share of them (default {default})", parse=parse_probability, metavar="P")
    duplicates: bool = option(
        True, "--duplicates",
        "no duplicate marks (batch; clean --corpus-pass)", negate="--no-duplicates")
    drop_duplicates: bool = option(
        False, "--drop-duplicates",
        "leave records that duplicate an earlier one out of the output (default: mark them with duplicate_of)")
    languages: tuple[str, ...] = option(
        (), "--languages",
        "keep only documents whose detected language (the record's `language`) is one of these ISO 639-1 codes, "
        "comma-separated (en,de); the others are left out and reported, with their language (default: all)",
        parse=parse_languages, metavar="CODES")
    min_words: int = option(
        0, "--min-words",
        "leave out (and report) documents with fewer than N words of text after cleaning (default 0: keep all)",
        parse=parse_count, metavar="N")
    #: Rules already loaded (the Python API may pass a RuleSet); not an option of its own.
    rules: RuleSet | None = field(default=None, compare=False, repr=False)
    #: The corpus-level table of template lines (batch runs and clean --corpus-pass make it).
    templates: TemplateTable | None = field(default=None, compare=False, repr=False)
    #: The corpus-level duplicate marks (batch runs and clean --corpus-pass make them).
    duplicate_marks: DuplicateMarks | None = field(default=None, compare=False, repr=False)

    def ruleset(self) -> RuleSet:
        """The rules these options name, loaded once per process (raises RuleError)."""
        if self.rules is not None:
            return self.rules
        from pipeline.rules import cached_rules

        return cached_rules(tuple(str(d) for d in self.rule_dirs), self.builtin_rules)


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run cuts its corpus and publishes its output (not what a record says)."""

    shard_size: int = option(DEFAULT_SHARD_SIZE, "--shard-size",
                             "documents per shard, Luigi's unit of work (default {default})",
                             parse=parse_positive, metavar="N")
    work_dir: str = option("", "--work-dir", "intermediates (default OUTPUT_DIR/.stages)", metavar="DIR")
    gzip_output: bool = option(False, "--gzip", "write part-NNNNN.jsonl.gz")
    output_format: str = option(
        "jsonl", "--output-format",
        "jsonl (default): part-NNNNN.jsonl; parquet: part-NNNNN.parquet, the same records as Parquet tables",
        parse=parse_output_format, metavar="FORMAT")
    remove_stages: bool = option(False, "--remove-stages", "delete the intermediates once the run succeeded")


#: An options class: what the command line and the Luigi tasks build their arguments from.
_Options = TypeVar("_Options", CleanOptions, BatchOptions)


def option_fields(options_class: type[CleanOptions | BatchOptions]) -> Iterator[Field[Any]]:
    """The fields of ``options_class`` that are options (those with a flag)."""
    return (f for f in fields(options_class) if "flag" in f.metadata)


def field_default(f: Field[Any]) -> Any:
    """A field's default value, whether given directly or by a factory."""
    return f.default_factory() if f.default_factory is not MISSING else f.default


def _shown_default(value: Any, parse: Callable[[str], Any] | None) -> str:
    if parse is parse_size:
        return human_size(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


#: The options that leave documents out of the output (``evaluate`` scores every page, so it has none).
FILTER_OPTIONS = ("languages", "min_words")


def add_arguments(parser: argparse.ArgumentParser, options_class: type[CleanOptions | BatchOptions],
                  exclude: tuple[str, ...] = ()) -> None:
    """Add one command-line option per field of ``options_class`` (destination: the field name),
    except the fields named in ``exclude`` (they keep their defaults)."""
    for f in option_fields(options_class):
        if f.name in exclude:
            continue
        meta = f.metadata
        default = field_default(f)
        help_text = meta["help"].format(default=_shown_default(default, meta["parse"]))
        if isinstance(default, bool):
            if meta["negate"]:
                parser.add_argument(meta["negate"], dest=f.name, action="store_false", help=help_text)
            else:
                parser.add_argument(meta["flag"], dest=f.name, action="store_true", help=help_text)
        elif meta["repeat"]:
            parser.add_argument(meta["flag"], dest=f.name, action="append", metavar=meta["metavar"], help=help_text)
        else:
            parser.add_argument(meta["flag"], dest=f.name, type=meta["parse"] or str, default=default,
                                metavar=meta["metavar"], help=help_text)


def from_arguments(args: argparse.Namespace, options_class: type[_Options], **extra: Any) -> _Options:
    """The ``options_class`` instance the parsed arguments describe."""
    values: dict[str, Any] = {}
    for f in option_fields(options_class):
        if not hasattr(args, f.name):  # excluded from this command
            continue
        value = getattr(args, f.name)
        values[f.name] = tuple(value or ()) if f.metadata["repeat"] else value
    return options_class(**values, **extra)
