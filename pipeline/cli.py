"""The ``boilerstrip`` command line: parsing, and printing what the chain, the batch run and
the evaluation return. The work itself is in :mod:`pipeline.chain`, :mod:`pipeline.batch`
and :mod:`pipeline.evaluate`.

Exit status: 0 when every input was cleaned, 1 when some input failed (each
failure is one line on stderr naming the input; the others are still
processed), 2 for usage errors and invalid rules, 3 when the output cannot be
written (one line naming it and why: a directory, no permission, a full disk).
A reader that goes away (``boilerstrip clean big/ | head -1``) ends the command
quietly with status 0, as Unix tools do.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tqdm import tqdm

from pipeline import __version__
from pipeline.chain import Chain
from pipeline.document import Document, Reject, SkippedRecord
from pipeline.errors import OutputError, RuleError
from pipeline.io.formats import INPUT_FORMATS, MULTI_DOCUMENT_FORMATS
from pipeline.io.sources import (
    STDIN_ID,
    Skipped,
    Source,
    is_directory,
    iter_sources,
    overlapping_arguments,
)
from pipeline.io.storage import exists, is_dir, is_remote, local_path
from pipeline.io.writers import (
    RENDERED_FORMATS,
    OutputStream,
    Rendered,
    TextFolder,
    open_output,
    prepare_output_dir,
    render_output,
    render_text,
)
from pipeline.options import (
    DEFAULT_WAIT_TIMEOUT,
    FILTER_OPTIONS,
    BatchOptions,
    CleanOptions,
    add_arguments,
    from_arguments,
    parse_count,
    parse_html_extractor,
    parse_positive,
)
from pipeline.report.stats import RunStats

if TYPE_CHECKING:
    from pipeline.batch.tasks import CleanCorpus

PROG = "boilerstrip"

#: Exit statuses (documented in the README and the module docstring).
EXIT_OK, EXIT_FAILED_INPUTS, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

# Line breaks and other control characters in a file name, a JSONL id or a
# message would split or garble the one line an error gets.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(message: str) -> str:
    """``message`` with control characters escaped (``\\n``, ``\\x00``) and lone surrogates
    replaced, so that it prints as exactly one line in any terminal encoding."""
    message = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def _say(message: str) -> None:
    """One line on stderr that does not garble a running progress bar."""
    tqdm.write(f"{PROG}: {_one_line(message)}", file=sys.stderr)


def _error(message: str) -> None:
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)


def _explain(doc: Document) -> None:
    lines = [f"== {doc.id}: {len(doc.removed)} removed" + (f"; flags: {', '.join(doc.flags)}" if doc.flags else "")]
    lines += [f"  line {r.line} [{r.rule}{'' if r.score is None else f' {r.score:.3f}'}] {r.text}" for r in doc.removed]
    if doc.extractors is not None:  # HTML input: which extractors kept each paragraph of the text
        paragraphs = [p for p in doc.text.split("\n\n") if p]
        lines += [f"  kept [{', '.join(names) or 'none'}] {_shorten(text)}"
                  for names, text in zip(doc.extractors, paragraphs, strict=False)]
    tqdm.write("\n".join(lines), file=sys.stderr)


def _shorten(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _options(args: argparse.Namespace) -> CleanOptions | None:
    """The cleaning options on the command line, with the rules loaded; None (reported) if a rule is invalid."""
    options: CleanOptions = from_arguments(args, CleanOptions)
    try:
        options.ruleset()
    except RuleError as exc:
        for line in str(exc).splitlines():
            _error(f"invalid rules: {line}")
        return None
    return options


# --- clean ---------------------------------------------------------------------------------

@contextlib.contextmanager
def _output_stream(target: str | None) -> Iterator[OutputStream[str]]:
    if target in (None, "-"):
        out = OutputStream(sys.stdout, "standard output")
        yield out
        out.flush()
    else:
        with open_output(target) as stream:
            yield stream


def _count_documents(args: argparse.Namespace) -> int | None:
    """The progress bar's total: a second walk of the names alone (nothing is kept),
    made only when a bar is shown; None when a JSONL, WARC or Parquet file makes it unknown."""
    count = 0
    for entry in iter_sources(args.paths, args.max_bytes, args.input_format):
        if isinstance(entry, Source):
            if entry.format in MULTI_DOCUMENT_FORMATS:
                return None
            count += 1
    return count


def _label(source: Source, item: Document | Reject) -> str:
    """How an input is named in messages: its path, plus the record id inside a JSONL, WARC or
    Parquet file (a reject of a WARC record, which has no line number to give, too)."""
    where = source.path or source.id
    if source.format in MULTI_DOCUMENT_FORMATS and (isinstance(item, Document) or source.format == "warc"):
        return f"{where} [{item.id}]"
    return where


def _skipped_summary(skipped: dict[str, int]) -> str:
    """``12 records skipped (not documents): 5 request record, 4 redirect (HTTP 301), ...``"""
    reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{sum(skipped.values())} records skipped (not documents): {reasons}"


#: How the end-of-run note names each filter's reason.
_FILTER_REASONS = {"LanguageNotSelected": "language not in --languages", "TooFewWords": "fewer than --min-words"}


def cmd_clean(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    options = _options(args)
    if options is None:
        return EXIT_USAGE
    args.paths = [local_path(p) for p in args.paths]
    if args.output:
        args.output = local_path(args.output)
    overlap = overlapping_arguments(args.paths)
    if overlap:
        _error(overlap)
        return EXIT_USAGE

    if args.report and os.path.isdir(args.report):
        _error(f"--report {args.report}: is a directory (give the file to write, e.g. report.html)")
        return EXIT_USAGE
    if args.corpus_pass:
        if not args.paths or "-" in args.paths:
            _error("--corpus-pass reads the input twice: give files or directories, not standard input")
            return EXIT_USAGE
        options = _with_corpus_tables(args, options)
    entries: Iterable[Source | Skipped] = iter_sources(args.paths, options.max_bytes, args.input_format)
    # One path that is not a directory (or stdin) is one entry: look at it. Anything else
    # is streamed, never listed whole: memory must not grow with the number of files.
    single = len(args.paths) <= 1 and not (args.paths and is_directory(args.paths[0]))
    if single:  # sniffed now (a JSONL dump on stdin, a file without a telling name): it decides --format
        entries = [e.sniffed() if isinstance(e, Source) else e for e in entries]
        single = all(e.format not in MULTI_DOCUMENT_FORMATS for e in entries if isinstance(e, Source))
    fmt = args.format or ("text" if single else "jsonl")
    if fmt == "parquet" and (not args.output or args.output == "-"):
        _error("--format parquet needs -o FILE (a Parquet file is not a stream)")
        return EXIT_USAGE
    folder: TextFolder | None = None
    if fmt == "text" and not single:
        if not args.output or args.output == "-":
            _error("--format text with several documents needs -o DIRECTORY (one .txt per document); "
                   "use --format jsonl for a single stream")
            return EXIT_USAGE
        if is_remote(args.output):
            _error(f"{args.output}: --format text -o DIRECTORY writes to a local directory; "
                   "use --format jsonl for an object store")
            return EXIT_USAGE
        if os.path.exists(args.output) and not os.path.isdir(args.output):
            _error(f"{args.output}: exists and is not a directory")
            return EXIT_USAGE
        folder = TextFolder(args.output, args.body_only)  # an OutputError now, not one per document later

    stats = RunStats() if args.report else None
    tally = {"documents": 0, "failures": 0, "dropped": 0}
    filtered: Counter[str] = Counter()
    skipped_records: dict[str, int] = {}

    def fail(label: str, reason: str) -> None:
        tally["failures"] += 1
        _say(f"error: {label}: {reason}")

    def report_skipped(skipped: Iterable[Skipped]) -> None:
        for entry in skipped:
            if entry.error:  # counted as one failed input, like a file that cannot be read
                tally["documents"] += 1
                fail(entry.path, entry.reason)
                if stats is not None:
                    stats.add_reject(Reject(entry.path, entry.path, "read", "InputNotFoundError", entry.reason))
            else:
                _say(f"note: {entry.path}: skipped, {entry.reason}")

    skipped_after_last: list[Skipped] = []

    def items() -> Iterator[tuple[tuple[str, tuple[Skipped, ...]], Document | Reject]]:
        """Each input's documents, labelled, each with the entries the walk skipped just before it:
        they are reported when that document is, so messages come in input order however far
        ahead the input is read (``--jobs``)."""
        for entry in entries:
            if isinstance(entry, Skipped):
                skipped_after_last.append(entry)
                continue
            for item in entry.documents():
                if isinstance(item, SkippedRecord):  # not a document (a WARC request, redirect, image)
                    skipped_records[item.reason] = skipped_records.get(item.reason, 0) + 1
                    continue
                if stats is not None and isinstance(item, Document):
                    stats.input_bytes += len(item.raw) if item.raw is not None else \
                        len((item.html or item.text).encode("utf-8", "surrogatepass"))
                before = tuple(skipped_after_last)
                skipped_after_last.clear()
                yield (_label(entry, item), before), item

    show_progress = not single and sys.stderr.isatty() and not args.quiet
    known_total = _count_documents(args) if show_progress else None
    timings: dict[str, float] | None = {} if stats is not None else None
    with contextlib.ExitStack() as stack:
        parquet = None
        if fmt == "parquet":
            from pipeline.io.parquet import ParquetRecords

            parquet = ParquetRecords(stack.enter_context(open_output(args.output, binary=True)))
            stream = None
        else:
            stream = None if folder else stack.enter_context(_output_stream(args.output))
        progress = tqdm(items(), total=known_total, disable=not show_progress, file=sys.stderr, unit="doc", desc=PROG)
        chain = Chain(options)
        # Only the output line is needed of each document: have it made where the document was
        # cleaned (with --jobs, in the worker; see Chain.stream_rendered).
        lines_only = fmt in RENDERED_FORMATS and folder is None and not args.explain and stats is None
        results = chain.stream_rendered(progress, functools.partial(render_output, fmt, args.body_only), timings,
                                        args.jobs) if lines_only else chain.stream(progress, timings, args.jobs)
        for (label, skipped_before), doc in results:
            report_skipped(skipped_before)
            tally["documents"] += 1
            if isinstance(doc, Rendered):
                if options.drop_duplicates and doc.duplicate:
                    tally["dropped"] += 1
                    continue
                assert stream is not None  # no folder: the output stream is open
                stream.write(doc.text)
                continue
            if isinstance(doc, Reject):
                if stats is not None:
                    stats.add_reject(doc)
                if doc.filtered:  # the user asked for it: counted and named, not a failure
                    filtered[_FILTER_REASONS.get(doc.error, doc.error)] += 1
                    if args.explain:
                        tqdm.write(f"== {_one_line(doc.id)}: left out: {_one_line(doc.message)}", file=sys.stderr)
                else:
                    fail(label, doc.describe())
                continue
            drop = options.drop_duplicates and doc.duplicate_of is not None
            if stats is not None:
                stats.add_document(doc, dropped=drop, source_by=options.source_by)
            if drop:
                tally["dropped"] += 1
                continue
            if args.explain:
                _explain(doc)
            if folder is not None:
                problem = folder.write(doc, label, STDIN_ID)
                if problem:
                    fail(label, problem)
            elif parquet is not None:
                parquet.write(doc.to_record())
            elif fmt == "jsonl":
                assert stream is not None  # no folder: the output stream is open
                stream.write(doc.to_json_line())
            else:
                assert stream is not None
                stream.write(render_text(doc, args.body_only))
        if parquet is not None:
            parquet.close()  # the last row group and the footer, before the file is put in place

    report_skipped(skipped_after_last)
    if tally["dropped"]:
        _say(f"note: {tally['dropped']} duplicate records left out (--drop-duplicates)")
    if skipped_records:
        _say(f"note: {_skipped_summary(skipped_records)}")
    if filtered:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(filtered.items()))
        _say(f"note: {sum(filtered.values())} of {tally['documents']} documents left out by the filters ({reasons})"
             + ("" if args.explain else "; --explain names them"))
    if stats is not None:
        from pipeline.report import write_report

        assert timings is not None
        stats.add_timings(timings)
        stats.wall_seconds = time.perf_counter() - started
        where = ", ".join(args.paths) or "standard input"
        write_report(args.report, stats, "boilerstrip clean: run report",
                     f"{where} · {time.strftime('%Y-%m-%d %H:%M:%S')} · boilerstrip {__version__} · "
                     f"{args.jobs} process{'es' if args.jobs > 1 else ''}")
    documents, failures = tally["documents"], tally["failures"]
    if failures and documents > 1:
        _say(f"{failures} of {documents} documents failed")
    return EXIT_FAILED_INPUTS if failures else EXIT_OK


def _with_corpus_tables(args: argparse.Namespace, options: CleanOptions) -> CleanOptions:
    """The options with the corpus-level tables of a first pass over the inputs."""

    from pipeline.corpus.passes import spooled_corpus_tables

    def documents() -> Iterator[Document | Reject]:
        for entry in iter_sources(args.paths, options.max_bytes, args.input_format):
            if isinstance(entry, Source):
                yield from (item for item in entry.documents() if not isinstance(item, SkippedRecord))

    tables = spooled_corpus_tables(documents(), options)
    return replace(options, templates=tables.templates, duplicate_marks=tables.duplicates)


# --- batch ---------------------------------------------------------------------------------

def _batch_progress(task: CleanCorpus, stop: threading.Event) -> None:
    """Poll the shards' final targets and show a bar (runs in a thread of the parent process)."""
    targets = [t.output()["summary"] for t in task.requires()]
    with tqdm(total=len(targets), file=sys.stderr, unit="shard", desc=PROG) as bar:
        while True:
            done = sum(t.exists() for t in targets)
            bar.update(done - bar.n)
            if done == len(targets) or stop.wait(0.5):
                return


def cmd_batch(args: argparse.Namespace) -> int:
    from pipeline.batch.run import run_batch
    from pipeline.batch.tasks import CleanCorpus, option_values

    options = _options(args)
    if options is None:
        return EXIT_USAGE
    args.input_dir, args.output_dir = local_path(args.input_dir), local_path(args.output_dir)
    try:
        if not is_dir(args.input_dir):
            _error(f"{args.input_dir}: {'not a directory' if exists(args.input_dir) else 'input directory not found'}")
            return EXIT_USAGE
    except OSError as exc:  # a store that cannot be reached, or whose library is not installed
        _error(f"{args.input_dir}: {exc}")
        return EXIT_USAGE
    batch: BatchOptions = from_arguments(args, BatchOptions)
    batch = replace(batch, work_dir=local_path(batch.work_dir))
    if batch.gzip_output and batch.output_format == "parquet":
        _error("--gzip applies to JSONL parts; Parquet compresses its own pages (zstd)")
        return EXIT_USAGE
    for directory in (args.output_dir, batch.work_dir):
        if directory:
            prepare_output_dir(directory)  # OutputError: one line and exit 3, before Luigi starts
    task = CleanCorpus(input_dir=args.input_dir, output_dir=args.output_dir,
                       **option_values(options), **option_values(batch))
    show = sys.stderr.isatty() and not args.quiet
    result = run_batch(task, args.workers, args.scheduler_url, args.wait_timeout,
                       progress=_batch_progress if show else None)
    if result.error:
        if result.details:
            print(result.details, file=sys.stderr)
        _error(result.error)
        return EXIT_FAILED_INPUTS
    print("\n".join(result.report(args.output_dir)))
    return EXIT_OK


# --- evaluate ------------------------------------------------------------------------------

def cmd_evaluate(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from pipeline.evaluate import (
        GoldError,
        PipelineSystem,
        System,
        baseline,
        evaluate,
        load_gold,
        select_split,
    )

    options = _options(args)
    if options is None:
        return EXIT_USAGE
    try:
        gold = load_gold(args.gold)
    except GoldError as exc:
        _error(str(exc))
        return EXIT_USAGE
    if args.split != "all" and gold.kind != "full-text":
        _error(f"--split selects pages of a full-text gold set (gold.json and meta.json); {args.gold} is {gold.kind}")
        return EXIT_USAGE
    pages = select_split(gold.pages, args.split)[: args.limit or None]
    pipeline = PipelineSystem(options)
    systems: dict[str, System] = {PROG: pipeline}
    for mode in dict.fromkeys(args.also_mode or ()):
        if mode != options.html_extractor:
            systems[f"{PROG} {mode}"] = PipelineSystem(replace(options, html_extractor=mode))
    for name in args.baseline:
        systems[name] = baseline(name)
    show = sys.stderr.isatty() and not args.quiet
    report = evaluate(gold, systems, pages,
                      progress=lambda it: tqdm(it, total=len(pages), disable=not show, file=sys.stderr, unit="page",
                                               desc=PROG))
    print("\n".join(report.lines(args.top_languages)))
    if pages:
        print(f"{PROG} decode+extract: {1000 * pipeline.extraction_seconds / len(pages):.1f} ms/page")
    for name, figures in report.summary().items():
        if figures["errors"]:
            _say(f"note: {name} failed on {figures['errors']} pages (counted as empty output; see --json)")
    if args.json:
        with open_output(args.json) as out:
            json.dump(report.to_json(), out, ensure_ascii=False, indent=1)
    return EXIT_OK


def _baselines(value: str) -> tuple[str, ...]:
    """``all``, ``none`` or a comma-separated list of single extractors (evaluate --baseline)."""
    from pipeline.evaluate import BASELINES

    if value == "all":
        return BASELINES
    if value == "none":
        return ()
    names = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in BASELINES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"not a baseline: {', '.join(unknown) or repr(value)} "
                                         f"(all, none, or some of {', '.join(BASELINES)})")
    return names


# --- parsing -------------------------------------------------------------------------------

def parse_jobs(value: str) -> int:
    """``--jobs``: a number of worker processes; 0 means one per core this process may use."""
    from pipeline.parallel import available_cores

    return parse_count(value) or available_cores()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Clean scraped news text for NLP.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = commands.add_parser(
        "clean",
        help="clean files, directories or stdin",
        description="Repair encoding, extract the main content of HTML pages, remove boilerplate, "
        "extract metadata, normalise. Reads .txt, .html/.htm, .jsonl, .warc/.wet files (and their .gz) and "
        ".parquet files, "
        "directories (recursively) and stdin ('-' or no path).",
    )
    clean.add_argument("paths", nargs="*", metavar="PATH", help="file, directory or '-' for stdin (default: stdin)")
    clean.add_argument("--format", choices=("text", "jsonl", "parquet"),
                       help="text: the clean article (default for one text or HTML input); "
                       "jsonl: one record per document (default otherwise); parquet: the records as a "
                       "Parquet file (needs -o FILE)")
    clean.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                       help="auto (default): by file name (.txt, .html/.htm, .jsonl, .warc/.wet, .parquet), else "
                       "sniffed (WARC, Parquet, JSONL, HTML or text); or force one")
    clean.add_argument("-o", "--output", metavar="OUTPUT",
                       help="output file (or directory, for --format text with several inputs); default stdout")
    clean.add_argument("--explain", action="store_true",
                       help="print each document's removed lines and their rule ids on stderr")
    clean.add_argument("--body-only", action="store_true", help="text format: omit the title line")
    clean.add_argument("-j", "--jobs", type=parse_jobs, default=1, metavar="N",
                       help="clean with N worker processes (default 1; 0: one per available core); the output is "
                       "the same, in the same order")
    clean.add_argument("--report", metavar="FILE",
                       help="also write a run report: one self-contained HTML page with charts (counts, removals per "
                       "rule, lengths, languages, sources, samples of removed lines, time per stage)")
    clean.add_argument("--corpus-pass", action="store_true",
                       help="read the inputs twice: first find each source's template lines (as batch does), "
                       "then clean with them (files and directories only)")
    add_arguments(clean, CleanOptions)
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    clean.set_defaults(func=cmd_clean)

    batch = commands.add_parser(
        "batch",
        help="clean a directory into JSONL part files with Luigi (resumable, idempotent)",
        description="Clean every .txt, .html/.htm and .jsonl file (and their .gz) under INPUT_DIR "
        "into OUTPUT_DIR/part-NNNNN.jsonl, rejects.jsonl, manifest.json and _SUCCESS. Rerunning resumes "
        "after a crash and does nothing when inputs, rules and options are unchanged.",
    )
    batch.add_argument("input_dir", metavar="INPUT_DIR")
    batch.add_argument("output_dir", metavar="OUTPUT_DIR")
    batch.add_argument("--workers", type=parse_positive, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--scheduler-url", metavar="URL",
                       help="use a running luigid (e.g. http://127.0.0.1:8082/) instead of the local scheduler")
    batch.add_argument("--wait-timeout", type=parse_count, default=DEFAULT_WAIT_TIMEOUT, metavar="SECONDS",
                       help="with --scheduler-url: once this process has nothing left to run, how long to wait "
                       f"for work that other processes still hold (default {DEFAULT_WAIT_TIMEOUT}; 0: do not wait)")
    add_arguments(batch, BatchOptions)
    add_arguments(batch, CleanOptions)
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(func=cmd_batch)

    evaluate = commands.add_parser(
        "evaluate",
        help="score HTML extraction and cleaning against gold data (ROUGE-LSum, precision, recall, F1, docs/s)",
        description="Score boilerstrip and, in the same run on the same pages, each single extractor (trafilatura's "
        "default extraction, Readability, Resiliparse, jusText) on gold data: a full-text gold set (gold.json and "
        "meta.json with html/<dataset>/<id>.html, as ../shared/datasets/wceb-dev; scored with the Web Content "
        "Extraction Benchmark's ROUGE-LSum and a bag-of-tokens F1, mean over pages, per data set), an "
        "article-body gold file ({id: {articleBody, url}} with html/<id>.html.gz beside it, scored on word 4-gram "
        "shingles) or a snippet gold directory (evaldata.json with html/, scored on 'with'/'without' snippets).",
    )
    evaluate.add_argument("gold", metavar="GOLD", help="gold JSON file, or a directory holding evaldata.json, "
                          "ground-truth.json or gold.json")
    evaluate.add_argument("--baseline", type=_baselines, default="all", metavar="NAMES",
                          help="single extractors to score on the same pages: all (default: trafilatura, readability, "
                          "resiliparse, justext), none, or a comma-separated list")
    evaluate.add_argument("--also-mode", action="append", metavar="MODE", type=parse_html_extractor,
                          help="also score boilerstrip with this --html-extractor mode, in the same run (repeatable)")
    evaluate.add_argument("--split", choices=("all", "tuning", "held-out", "train", "dev", "test"), default="all",
                          help="full-text gold only: the pages of this split of the development set (held-out: its "
                          "test pages, on which neither the line model nor the extractor combination was tuned; "
                          "tuning: its train and dev pages); default all")
    evaluate.add_argument("--json", metavar="FILE", help="write the summary and per-document figures as JSON")
    evaluate.add_argument("--limit", type=parse_count, metavar="N", help="only the first N pages")
    evaluate.add_argument("--languages", dest="top_languages", type=parse_count, default=3, metavar="N",
                          help="also print figures for the N most frequent gold languages (default 3)")
    add_arguments(evaluate, CleanOptions, exclude=FILTER_OPTIONS)
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    evaluate.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from pipeline.stages.extract import silence_library_logs

    args = build_parser().parse_args(argv)
    silence_library_logs()
    try:
        status: int = args.func(args)
        return status
    except BrokenPipeError:  # `boilerstrip clean ... | head`: the reader has what it wanted
        # Python flushes stdout again at exit; point it at /dev/null so that flush is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OutputError as exc:
        _error(str(exc))
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
