"""The ``boilerstrip`` command line: a thin layer over :mod:`pipeline.clean`.

Exit status: 0 when every input was cleaned, 1 when some input failed (each
failure is one line on stderr naming the input; the others are still
processed), 2 for usage errors and invalid rules.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from . import __version__
from .clean import CleanOptions, clean_bytes
from .document import Document
from .errors import DocumentError, RuleError
from .readers import DEFAULT_MAX_BYTES, Skipped, Source, iter_sources
from .writers import atomic_open, render_text, safe_output_path, text_output_name

PROG = "boilerstrip"


def _say(message: str) -> None:
    """One line on stderr that does not garble a running progress bar."""
    tqdm.write(f"{PROG}: {message}", file=sys.stderr)


def _explain(doc: Document) -> None:
    lines = [f"== {doc.id}: {len(doc.removed)} removed" + (f"; flags: {', '.join(doc.flags)}" if doc.flags else "")]
    lines += [f"  line {r.line} [{r.rule}] {r.text}" for r in doc.removed]
    tqdm.write("\n".join(lines), file=sys.stderr)


@contextlib.contextmanager
def _output_stream(target: str | None) -> Iterator[TextIO]:
    if target in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_open(target) as stream:
            yield stream


def _single_document_mode(paths: Sequence[str]) -> bool:
    return len(paths) <= 1 and not (paths and os.path.isdir(paths[0]))


def cmd_clean(args: argparse.Namespace) -> int:
    options = CleanOptions(
        rule_dirs=tuple(args.rules or ()),
        builtin_rules=not args.no_builtin_rules,
        ascii_punctuation=args.ascii_punctuation,
    )
    try:
        options.ruleset()
    except RuleError as exc:
        for line in str(exc).splitlines():
            print(f"{PROG}: error: invalid rules: {line}", file=sys.stderr)
        return 2

    entries = list(iter_sources(args.paths, args.max_bytes))
    sources = [e for e in entries if isinstance(e, Source)]
    skipped = [e for e in entries if isinstance(e, Skipped)]
    fmt = args.format or ("text" if _single_document_mode(args.paths) else "jsonl")
    text_dir: Path | None = None
    if fmt == "text" and not _single_document_mode(args.paths):
        if not args.output or args.output == "-":
            print(f"{PROG}: error: --format text with several inputs needs -o DIRECTORY "
                  "(one .txt per input); use --format jsonl for a single stream", file=sys.stderr)
            return 2
        text_dir = Path(args.output)
        if text_dir.exists() and not text_dir.is_dir():
            print(f"{PROG}: error: {text_dir}: exists and is not a directory", file=sys.stderr)
            return 2

    for entry in skipped:
        _say(f"note: {entry.path}: skipped, {entry.reason}")

    failures = 0
    written_names: dict[str, str] = {}
    show_progress = len(sources) > 1 and sys.stderr.isatty() and not args.quiet
    with contextlib.ExitStack() as stack:
        stream = None if text_dir else stack.enter_context(_output_stream(args.output))
        for source in tqdm(sources, disable=not show_progress, file=sys.stderr, unit="doc", desc=PROG):
            label = source.path or source.id
            try:
                doc = clean_bytes(source.read(), id=source.id, path=source.path, options=options)
            except DocumentError as exc:
                failures += 1
                _say(f"error: {label}: {exc}")
                continue
            except Exception as exc:  # a bug must not cost the other documents
                failures += 1
                _say(f"error: {label}: internal error ({type(exc).__name__}: {exc}); please report it")
                if os.environ.get("BOILERSTRIP_DEBUG"):
                    raise
                continue
            if args.explain:
                _explain(doc)
            if fmt == "jsonl":
                stream.write(doc.to_json_line())
            elif text_dir is None:
                stream.write(render_text(doc, args.body_only))
            else:
                name = text_output_name(source.id if source.path else "stdin")
                if name in written_names:
                    failures += 1
                    _say(f"error: {label}: output {name} already written for {written_names[name]}; not overwritten")
                    continue
                try:
                    target = safe_output_path(text_dir, name)
                except ValueError as exc:
                    failures += 1
                    _say(f"error: {label}: {exc}")
                    continue
                written_names[name] = label
                with atomic_open(target) as out:
                    out.write(render_text(doc, args.body_only))

    if failures and len(sources) > 1:
        _say(f"{failures} of {len(sources)} inputs failed")
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Clean scraped news text for NLP.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = commands.add_parser(
        "clean",
        help="clean files, directories or stdin",
        description="Repair encoding, remove boilerplate, extract metadata, normalise. "
        "Reads .txt and .txt.gz files, directories (recursively) and stdin ('-' or no path).",
    )
    clean.add_argument("paths", nargs="*", metavar="PATH", help="file, directory or '-' for stdin (default: stdin)")
    clean.add_argument("--format", choices=("text", "jsonl"),
                       help="text: the clean article (default for one input); jsonl: one record per document (default otherwise)")
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
    clean.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                       help=f"reject inputs larger than N bytes after decompression (default {DEFAULT_MAX_BYTES})")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    clean.set_defaults(func=cmd_clean)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `boilerstrip clean ... | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
