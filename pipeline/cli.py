"""The ``boilerstrip`` command line: a thin layer over :mod:`pipeline.chain`.

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
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from pipeline import __version__
from pipeline.chain import DEFAULT_MAX_LINE_CHARS, DEFAULT_SHARD_SIZE, CleanOptions, clean_stream
from pipeline.document import Document
from pipeline.errors import DocumentError, OutputError, RuleError
from pipeline.stages.extract import DEFAULT_MAX_PAGE_CHARS, silence_library_logs
from pipeline.io.sources import (DEFAULT_MAX_BYTES, INPUT_FORMATS, STDIN_ID, ReadFailure, Skipped, Source, iter_sources,
                      overlapping_arguments)
from pipeline.io.writers import OutputStream, open_output, prepare_output_dir, render_text, safe_output_path, text_output_name

PROG = "boilerstrip"

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


def _explain(doc: Document) -> None:
    lines = [f"== {doc.id}: {len(doc.removed)} removed" + (f"; flags: {', '.join(doc.flags)}" if doc.flags else "")]
    lines += [f"  line {r.line} [{r.rule}] {r.text}" for r in doc.removed]
    tqdm.write("\n".join(lines), file=sys.stderr)


#: Exit statuses (documented in the README and the module docstring).
EXIT_OK, EXIT_FAILED_INPUTS, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


@contextlib.contextmanager
def _output_stream(target: str | None) -> Iterator[TextIO]:
    if target in (None, "-"):
        out = OutputStream(sys.stdout, "standard output")
        yield out  # type: ignore[misc]
        out.flush()
    else:
        with open_output(target) as stream:
            yield stream


def _count_documents(args: argparse.Namespace) -> int | None:
    """The progress bar's total: a second walk of the names alone (nothing is kept),
    made only when a bar is shown; None when a JSONL file makes it unknown."""
    count = 0
    for entry in iter_sources(args.paths, args.max_bytes, args.input_format):
        if isinstance(entry, Source):
            if entry.format == "jsonl":
                return None
            count += 1
    return count


def _label(source: Source, item: Document | ReadFailure) -> str:
    """How an input is named in messages: its path, plus the record id inside a JSONL file."""
    where = source.path or source.id
    return f"{where} [{item.id}]" if source.format == "jsonl" and isinstance(item, Document) else where


def _options(args: argparse.Namespace, **extra: bool) -> CleanOptions | None:
    """Options from the command line, with the rules loaded; None (reported) if a rule is invalid."""
    limits = {"max_line_chars": args.max_line_chars or None, "max_page_chars": args.max_page_chars or None} \
        if hasattr(args, "max_line_chars") else {}
    options = CleanOptions(rule_dirs=tuple(args.rules or ()), builtin_rules=not args.no_builtin_rules,
                           **limits, **extra)
    try:
        options.ruleset()
    except RuleError as exc:
        for line in str(exc).splitlines():
            print(f"{PROG}: error: invalid rules: {line}", file=sys.stderr)
        return None
    return options


def cmd_clean(args: argparse.Namespace) -> int:
    options = _options(args, ascii_punctuation=args.ascii_punctuation)
    if options is None:
        return 2

    overlap = overlapping_arguments(args.paths)
    if overlap:
        print(f"{PROG}: error: {_one_line(overlap)}", file=sys.stderr)
        return EXIT_USAGE
    entries = iter_sources(args.paths, args.max_bytes, args.input_format)
    # One path that is not a directory (or stdin) is one entry: look at it. Anything else
    # is streamed, never listed whole: memory must not grow with the number of files.
    single = len(args.paths) <= 1 and not (args.paths and os.path.isdir(args.paths[0]))
    if single:  # sniffed now (a JSONL dump on stdin, a file without a telling name): it decides --format
        entries = [e.sniffed() if isinstance(e, Source) else e for e in entries]
        single = all(e.format != "jsonl" for e in entries if isinstance(e, Source))
    fmt = args.format or ("text" if single else "jsonl")
    text_dir: Path | None = None
    if fmt == "text" and not single:
        if not args.output or args.output == "-":
            print(f"{PROG}: error: --format text with several documents needs -o DIRECTORY "
                  "(one .txt per document); use --format jsonl for a single stream", file=sys.stderr)
            return 2
        text_dir = Path(args.output)
        if text_dir.exists() and not text_dir.is_dir():
            print(f"{PROG}: error: {text_dir}: exists and is not a directory", file=sys.stderr)
            return EXIT_USAGE
        prepare_output_dir(text_dir)  # an OutputError now, not one per document later

    tally = {"documents": 0, "failures": 0}

    def items() -> Iterator[tuple[str, Document | ReadFailure]]:
        """Each input's documents, labelled; skipped files are reported as the walk meets them."""
        for entry in entries:
            if isinstance(entry, Skipped):
                if entry.error:  # counted as one failed input, like a file that cannot be read
                    tally["documents"] += 1
                    tally["failures"] += 1
                    _say(f"error: {entry.path}: {entry.reason}")
                else:
                    _say(f"note: {entry.path}: skipped, {entry.reason}")
                continue
            for item in entry.documents():
                yield _label(entry, item), item

    written_names: dict[str, str] = {}
    show_progress = not single and sys.stderr.isatty() and not args.quiet
    known_total = _count_documents(args) if show_progress else None
    with contextlib.ExitStack() as stack:
        stream = None if text_dir else stack.enter_context(_output_stream(args.output))
        progress = tqdm(items(), total=known_total, disable=not show_progress, file=sys.stderr, unit="doc", desc=PROG)
        for label, doc in clean_stream(progress, options):
            tally["documents"] += 1
            if isinstance(doc, ReadFailure):
                tally["failures"] += 1
                _say(f"error: {label}: {doc.error}")
                continue
            if isinstance(doc, DocumentError):
                tally["failures"] += 1
                _say(f"error: {label}: {doc}")
                continue
            if isinstance(doc, Exception):  # a bug must not cost the other documents
                tally["failures"] += 1
                _say(f"error: {label}: internal error ({type(doc).__name__}: {doc}); please report it")
                if os.environ.get("BOILERSTRIP_DEBUG"):
                    raise doc
                continue
            if args.explain:
                _explain(doc)
            if fmt == "jsonl":
                stream.write(doc.to_json_line())
            elif text_dir is None:
                stream.write(render_text(doc, args.body_only))
            else:
                name = text_output_name("stdin" if doc.id == STDIN_ID else doc.id)
                if name in written_names:
                    tally["failures"] += 1
                    _say(f"error: {label}: output {name} already written for {written_names[name]}; not overwritten")
                    continue
                try:
                    target = safe_output_path(text_dir, name)
                except ValueError as exc:
                    tally["failures"] += 1
                    _say(f"error: {label}: {exc}")
                    continue
                written_names[name] = label
                try:
                    with open_output(target) as out:
                        out.write(render_text(doc, args.body_only))
                except OutputError as exc:  # a name too long for the file system, ...
                    tally["failures"] += 1
                    _say(f"error: {label}: cannot write {exc}")

    documents, failures = tally["documents"], tally["failures"]
    if failures and documents > 1:
        _say(f"{failures} of {documents} documents failed")
    return 1 if failures else 0


def _batch_progress(task, stop) -> None:
    """Poll the shards' final targets and show a bar (runs in a thread of the parent process)."""
    targets = [Path(t.output()["summary"].path) for t in task.requires()]
    with tqdm(total=len(targets), file=sys.stderr, unit="shard", desc=PROG) as bar:
        while True:
            done = sum(t.exists() for t in targets)
            bar.update(done - bar.n)
            if done == len(targets) or stop.wait(0.5):
                return


# How long `batch --scheduler-url` waits for work other processes hold once it has none left
# (in practice CleanCorpus, about 10 s per million documents here). Generous, because giving
# up early is the very failure of issue 9, and a holder that dies needs no timeout: luigid
# reports its task FAILED after worker_disconnect_delay (60 s). Only a stuck holder waits it out.
DEFAULT_WAIT_TIMEOUT = 3600


def cmd_batch(args: argparse.Namespace) -> int:
    import threading
    import time

    import luigi
    from luigi.configuration import get_config
    from luigi.execution_summary import LuigiStatusCode

    from pipeline.batch.tasks import CleanCorpus, WorkerFactory, plan_bytes, wait_while_held

    if _options(args) is None:
        return 2
    if not os.path.isdir(args.input_dir):
        problem = "not a directory" if os.path.exists(args.input_dir) else "input directory not found"
        print(f"{PROG}: error: {args.input_dir}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    for directory in (args.output_dir, args.work_dir):
        if directory:
            prepare_output_dir(directory)  # OutputError: one line and exit 3, before Luigi starts
    config = get_config()
    if not config.has_section("worker"):
        config.add_section("worker")
    # A worker with nothing runnable sleeps wait_interval plus up to wait_jitter
    # seconds (Luigi's defaults: 1 s and 5 s), which near the end of a run left
    # one core idle for seconds; shard tasks are short, so poll quickly.
    for option, value in (("wait_interval", "0.1"), ("wait_jitter", "0.1")):
        if not config.has_option("worker", option):
            config.set("worker", option, value)
    if args.scheduler_url:
        config.set("worker", "keep_alive", "true")  # wait for shards other workers hold

    task = CleanCorpus(
        input_dir=args.input_dir, output_dir=args.output_dir, work_dir=args.work_dir, shard_size=args.shard_size,
        rules=list(args.rules or ()), builtin_rules=not args.no_builtin_rules, gzip_output=args.gzip,
        remove_stages=args.remove_stages, max_bytes=args.max_bytes, max_line_chars=args.max_line_chars,
        max_page_chars=args.max_page_chars,
    )
    up_to_date = task.complete()
    started = time.perf_counter()
    stop = threading.Event()
    progress = None
    if sys.stderr.isatty() and not args.quiet:
        progress = threading.Thread(target=_batch_progress, args=(task, stop), daemon=True)
        progress.start()
    # NOT_RUN: tasks went to other workers of a shared luigid; fine once the corpus is complete.
    not_failed = (LuigiStatusCode.SUCCESS, LuigiStatusCode.SUCCESS_WITH_RETRY, LuigiStatusCode.NOT_RUN)
    deadline = None
    try:
        while True:
            result = luigi.build(
                [task], workers=args.workers, local_scheduler=not args.scheduler_url,
                scheduler_url=args.scheduler_url or "", detailed_summary=True, log_level="WARNING",
                worker_scheduler_factory=WorkerFactory(),
            )
            done = task.complete()
            if result.status not in not_failed or not (done or args.scheduler_url):
                print(result.summary_text, file=sys.stderr)
                print(f"{PROG}: error: batch did not complete ({result.status.name})", file=sys.stderr)
                return 1
            if done:
                break
            # Luigi's worker leaves while another worker still runs a task this run needs
            # (see pipeline.batch.run.wait_while_held): wait for it, within --wait-timeout.
            if deadline is None:
                deadline = time.monotonic() + args.wait_timeout
            outcome = wait_while_held(task, args.scheduler_url, deadline)
            if outcome == "complete":
                break
            if outcome == "failed":
                print(f"{PROG}: error: batch did not complete: another worker failed to finish it or died "
                      "(see that process's errors); rerun to resume", file=sys.stderr)
                return 1
            if outcome == "timeout":
                print(f"{PROG}: error: batch did not complete: still incomplete after waiting "
                      f"--wait-timeout {args.wait_timeout} s for other workers; rerun to wait again", file=sys.stderr)
                return 1
            # "unheld": no worker has it, so build it (again) here.
    finally:
        stop.set()
        if progress:
            progress.join()
    elapsed = time.perf_counter() - started
    manifest = json.loads((Path(args.output_dir) / "manifest.json").read_text(encoding="utf-8"))
    size = plan_bytes(task.plan())
    state = " (up to date: nothing to do)" if up_to_date else ""
    print(f"{PROG} batch: {manifest['documents']} documents in {len(manifest['shards'])} shards -> {args.output_dir}{state}")
    rejected = manifest["rejected"]
    print(f"  rejected: {len(rejected)}" + (f" (see {Path(args.output_dir) / 'rejects.jsonl'})" if rejected else ""))
    if any(not s.get("error") for s in manifest["skipped"]):
        print(f"  skipped (unsupported files): {sum(not s.get('error') for s in manifest['skipped'])}")
    by_rule = sorted(manifest["removed_by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))
    print("  removed lines by rule: " + (", ".join(f"{k} {v}" for k, v in by_rule) or "none"))
    if not up_to_date:
        print(f"  time: {elapsed:.1f} s, {manifest['inputs'] / elapsed:.1f} docs/s, {size / elapsed / 1e6:.2f} MB/s")
    return 0


def _figures_table(title: str, summary: dict[str, dict[str, float]], kind: str) -> list[str]:
    lines = [title, f"  {'system':<14} {'pages':>6} {'precision':>10} {'recall':>8} {'F1':>8} {'ms/page':>8}"]
    for name, f in summary.items():
        ms = 1000 * f["seconds"] / f["pages"] if f["pages"] else 0.0
        lines.append(f"  {name:<14} {f['pages']:>6} {f['precision']:>10.4f} {f['recall']:>8.4f} {f['f1']:>8.4f} {ms:>8.1f}")
    return lines


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import GoldError, PipelineSystem, evaluate, load_gold, trafilatura_default

    options = _options(args)
    if options is None:
        return 2
    try:
        gold = load_gold(args.gold)
    except GoldError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    pages = list(gold.pages)[: args.limit or None]
    systems = {PROG: PipelineSystem(options)}
    if args.baseline == "trafilatura":
        systems["trafilatura"] = trafilatura_default
    show = sys.stderr.isatty() and not args.quiet
    report = evaluate(gold, systems, pages,
                      progress=lambda it: tqdm(it, total=len(pages), disable=not show, file=sys.stderr, unit="page",
                                               desc=PROG))
    print(f"gold: {gold.path} ({gold.kind}, {len(pages)} pages)")
    print("\n".join(_figures_table("all pages:", report.summary(), gold.kind)))
    languages = sorted({d["language"] for d in report.documents if d["language"]},
                       key=lambda lang: -sum(d["language"] == lang for d in report.documents))
    for lang in languages[: args.languages]:
        print("\n".join(_figures_table(f"language {lang}:", report.summary(lang), gold.kind)))
    pipeline = systems[PROG]
    if pages:
        print(f"{PROG} decode+extract: {1000 * pipeline.extraction_seconds / len(pages):.1f} ms/page")
    for name, figures in report.summary().items():
        if figures["errors"]:
            print(f"{PROG}: note: {name} failed on {figures['errors']} pages (counted as empty output; see --json)",
                  file=sys.stderr)
    if args.json:
        with open_output(args.json) as out:
            json.dump(report.to_json(), out, ensure_ascii=False, indent=1)
    return 0


def _count(value: str) -> int:
    """A non-negative integer option (0: no limit)."""
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value!r}")
    return number


_SIZE_UNITS = {"": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
               "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}
_SIZE = re.compile(r"^\s*([0-9][0-9_,]*)\s*([a-z]*)\s*$", re.IGNORECASE)


def _size(value: str) -> int:
    """A size in bytes: a whole number, optionally with a binary unit (64M, 64 MiB, 512k)."""
    m = _SIZE.match(value)
    if not m or m.group(2).lower() not in _SIZE_UNITS:
        raise argparse.ArgumentTypeError(f"not a size in bytes: {value!r} (e.g. 67108864, 64M or 64MiB)")
    return int(m.group(1).replace("_", "").replace(",", "")) * _SIZE_UNITS[m.group(2).lower()]


def _human_size(size: int) -> str:
    """64 MiB for 67108864: how a default size is shown in --help."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size:,} bytes"


def _limit_options(parser: argparse.ArgumentParser) -> None:
    """The limits on hostile input that `clean` and `batch` share (same defaults, same records)."""
    parser.add_argument("--max-line-chars", type=_count, default=DEFAULT_MAX_LINE_CHARS, metavar="N",
                        help="reject a document with a line (paragraph) longer than N characters after decoding "
                        f"and HTML extraction (default {DEFAULT_MAX_LINE_CHARS:,}; 0: no limit)")
    parser.add_argument("--max-page-chars", type=_count, default=DEFAULT_MAX_PAGE_CHARS, metavar="N",
                        help=f"reject an HTML page longer than N characters (default {DEFAULT_MAX_PAGE_CHARS:,}, "
                        "trafilatura's own limit; 0: no limit)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Clean scraped news text for NLP.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = commands.add_parser(
        "clean",
        help="clean files, directories or stdin",
        description="Repair encoding, extract the main content of HTML pages, remove boilerplate, "
        "extract metadata, normalise. Reads .txt, .html/.htm and .jsonl files (and their .gz), "
        "directories (recursively) and stdin ('-' or no path).",
    )
    clean.add_argument("paths", nargs="*", metavar="PATH", help="file, directory or '-' for stdin (default: stdin)")
    clean.add_argument("--format", choices=("text", "jsonl"),
                       help="text: the clean article (default for one text or HTML input); "
                       "jsonl: one record per document (default otherwise)")
    clean.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                       help="auto (default): by file name (.txt, .html/.htm, .jsonl), else sniff text vs HTML; "
                       "or force text, html or jsonl (e.g. for stdin)")
    clean.add_argument("-o", "--output", metavar="OUTPUT",
                       help="output file (or directory, for --format text with several inputs); default stdout")
    clean.add_argument("--rules", action="append", metavar="DIR",
                       help="directory of extra *.toml rule files, applied after the built-in ones (repeatable)")
    clean.add_argument("--no-builtin-rules", action="store_true", help="use only the rules given with --rules")
    clean.add_argument("--explain", action="store_true",
                       help="print each document's removed lines and their rule ids on stderr")
    clean.add_argument("--ascii-punctuation", action="store_true",
                       help="fold curly quotes, dashes and ellipses to ASCII")
    clean.add_argument("--body-only", action="store_true", help="text format: omit the title line")
    clean.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                       help="reject inputs (for JSONL: lines) larger than SIZE after decompression "
                       f"(bytes, or with a unit: 64M, 1GiB; default {_human_size(DEFAULT_MAX_BYTES)})")
    _limit_options(clean)
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    clean.set_defaults(func=cmd_clean)

    batch = commands.add_parser(
        "batch",
        help="clean a directory into JSONL part files with Luigi (resumable, idempotent)",
        description="Clean every .txt, .html/.htm and .jsonl file (and their .gz) under INPUT_DIR "
        "into OUTPUT_DIR/part-NNNNN.jsonl, "
        "rejects.jsonl, manifest.json and _SUCCESS. Rerunning resumes after a crash and does nothing "
        "when inputs and rules are unchanged.",
    )
    batch.add_argument("input_dir", metavar="INPUT_DIR")
    batch.add_argument("output_dir", metavar="OUTPUT_DIR")
    batch.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE, metavar="N",
                       help=f"documents per shard, Luigi's unit of work (default {DEFAULT_SHARD_SIZE})")
    batch.add_argument("--rules", action="append", metavar="DIR", help="extra rule directory (repeatable)")
    batch.add_argument("--no-builtin-rules", action="store_true", help="use only the rules given with --rules")
    batch.add_argument("--scheduler-url", metavar="URL",
                       help="use a running luigid (e.g. http://127.0.0.1:8082/) instead of the local scheduler")
    batch.add_argument("--wait-timeout", type=_count, default=DEFAULT_WAIT_TIMEOUT, metavar="SECONDS",
                       help="with --scheduler-url: once this process has nothing left to run, how long to wait "
                       f"for work that other processes still hold (default {DEFAULT_WAIT_TIMEOUT}; 0: do not wait)")
    batch.add_argument("--work-dir", metavar="DIR", help="intermediates (default OUTPUT_DIR/.stages)")
    batch.add_argument("--remove-stages", action="store_true", help="delete the intermediates once the run succeeded")
    batch.add_argument("--gzip", action="store_true", help="write part-NNNNN.jsonl.gz")
    batch.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                       help="reject inputs (for JSONL: lines) larger than SIZE after decompression "
                       f"(bytes, or with a unit: 64M, 1GiB; default {_human_size(DEFAULT_MAX_BYTES)})")
    _limit_options(batch)
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(func=cmd_batch)

    evaluate = commands.add_parser(
        "evaluate",
        help="score HTML extraction and cleaning against gold data (precision, recall, F1)",
        description="Score boilerstrip (and, by default, trafilatura's own default extraction, in the same run) "
        "on gold data: an article-body gold file ({id: {articleBody, url}} with html/<id>.html.gz beside it, "
        "scored on word 4-gram shingles) or a snippet gold directory (evaldata.json with html/, scored on "
        "'with'/'without' snippets).",
    )
    evaluate.add_argument("gold", metavar="GOLD", help="gold JSON file, or a directory holding evaldata.json or ground-truth.json")
    evaluate.add_argument("--baseline", choices=("trafilatura", "none"), default="trafilatura",
                          help="also score this system on the same pages (default: trafilatura)")
    evaluate.add_argument("--json", metavar="FILE", help="write the summary and per-document figures as JSON")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N pages")
    evaluate.add_argument("--languages", type=int, default=3, metavar="N",
                          help="also print figures for the N most frequent gold languages (default 3)")
    evaluate.add_argument("--rules", action="append", metavar="DIR", help="extra rule directory (repeatable)")
    evaluate.add_argument("--no-builtin-rules", action="store_true", help="use only the rules given with --rules")
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    evaluate.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    silence_library_logs()
    try:
        return args.func(args)
    except BrokenPipeError:  # `boilerstrip clean ... | head`: the reader has what it wanted
        # Python flushes stdout again at exit; point it at /dev/null so that flush is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OutputError as exc:
        print(f"{PROG}: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
