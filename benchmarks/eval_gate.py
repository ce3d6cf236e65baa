"""Quality gates for the HTML path: boilerstrip against the single extractors, in the same run.

    python -m benchmarks.eval_gate [--data DIR] [--full-text DIR] [--json FILE]

Two gates, each skipped (with a note) when its data set is absent.

**Held-out full-text pages** (``../shared/datasets/wceb-dev``, or
``$BOILERSTRIP_FULL_TEXT_DATA``; its ``test`` split, on which neither the line
model nor the extractor combination was tuned): boilerstrip's default mode, its
fast mode, and each single extractor (trafilatura's default extraction,
Readability, Resiliparse, jusText), scored with the Web Content Extraction
Benchmark's mean page ROUGE-LSum F1 (``boilerstrip evaluate``'s table). Exit
status 1 when boilerstrip's F1 is below the pinned floor, or less than
:data:`MARGIN` above the best single extractor's, or its mean page precision
below :data:`MIN_HELD_OUT_PRECISION`. Documents per second are printed (the
default mode against trafilatura's, the fast mode against the default), never
gated.

**Snippets** (trafilatura's evaluation set):

Runs ``boilerstrip evaluate``'s machinery on the trafilatura evaluation set
(``../shared/datasets/trafilatura-eval`` by default, or ``$BOILERSTRIP_EVAL_DATA``)
with three systems on the same pages: boilerstrip, trafilatura's default
extraction (``trafilatura.extract(html)``), and trafilatura with the settings
of its own benchmark (comments excluded). It prints precision, recall and F1
over all pages, over the English pages (gold snippets identified as English),
and over the two halves of the set (split by URL hash: the rules were tuned
looking only at the ``tune`` half; ``check`` is the held-out estimate), then
the time per page of extraction (decode + extract) and of the whole cleaning
against trafilatura's own.

Exit status 1 when boilerstrip's F1 falls below the pinned floors or below
trafilatura's default on all pages or on the English pages; 0 otherwise,
and 0 with a note when the data set is absent. Times are reported, never
gated (they depend on the machine).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from pipeline.evaluate import (
    BASELINES,
    PipelineSystem,
    Report,
    baseline,
    evaluate,
    load_gold,
    select_split,
    trafilatura_default,
)
from pipeline.options import CleanOptions
from pipeline.stages.extract import silence_library_logs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "trafilatura-eval"
#: Pinned when the extractor combination became the default (measured: all 0.9339, English
#: 0.9352; trafilatura alone with the rules had 0.9393 and 0.9485, see the README); a change
#: that drops below fails CI. Raise them when quality improves.
MIN_F1 = 0.930
MIN_F1_ENGLISH = 0.930

DEFAULT_FULL_TEXT = ROOT.parent / "shared" / "datasets" / "wceb-dev"
#: Pinned on the held-out pages when the combination landed (measured: 0.9077).
#: Raise it when quality improves.
MIN_HELD_OUT_F1 = 0.90
#: boilerstrip must lead the best single extractor by this much (issue 13's target) ...
MARGIN = 0.01
#: ... at a mean page precision no lower than trafilatura-based boilerstrip had before the combination.
MIN_HELD_OUT_PRECISION = 0.904


def trafilatura_benchmark_settings(data: bytes, url: str | None) -> str | None:
    """trafilatura as its own evaluation runs it: comments excluded, tables kept, no formatting."""
    import trafilatura

    return trafilatura.extract(data, url=url, include_comments=False, include_tables=True, include_formatting=False)


def half(url: str) -> str:
    return "tune" if int(hashlib.sha1(url.encode()).hexdigest()[:8], 16) % 2 == 0 else "check"


def _row(name: str, f: dict) -> str:
    return f"  {name:<28} {f['pages']:>5} {f['precision']:>9.4f} {f['recall']:>7.4f} {f['f1']:>7.4f}"


def _table(title: str, summary: dict) -> list[str]:
    return [title, f"  {'system':<28} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>7}"] + [
        _row(name, f) for name, f in summary.items()]


def subset_summary(report: Report, keep) -> dict:
    docs = [d for d in report.documents if keep(d)]
    sub = Report(report.gold, report.systems, docs, report.extraction_seconds)
    return sub.summary()


def held_out_gate(data: Path, json_path: Path | None, limit: int | None) -> list[str]:
    """The full-text gate (see the module docstring): its failures."""
    if not (data / "gold.json").is_file():
        print(f"held-out gate: skipped, no full-text data at {data}")
        return []
    gold = load_gold(data)
    pages = select_split(gold.pages, "held-out")[: limit or None]
    systems = {"boilerstrip": PipelineSystem(), "boilerstrip fast": PipelineSystem(CleanOptions(html_extractor="fast"))}
    systems |= {name: baseline(name) for name in BASELINES}
    started = time.perf_counter()
    report = evaluate(gold, systems, pages)
    print(f"held-out gate: {len(pages)} test pages of {gold.path}, {time.perf_counter() - started:.0f} s")
    print("\n".join(report.lines(languages=0)))
    overall = report.summary()
    ours, fast = overall["boilerstrip"], overall["boilerstrip fast"]
    best_name = max(BASELINES, key=lambda name: overall[name]["f1"])
    best = overall[best_name]
    print(f"docs/s: default {ours['docs_per_second']:.1f} = {ours['docs_per_second'] / overall['trafilatura']['docs_per_second']:.2f}x "
          f"trafilatura's; fast {fast['docs_per_second']:.1f} = {fast['docs_per_second'] / ours['docs_per_second']:.1f}x the default")
    if json_path:
        json_path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    if limit:
        return []
    failures = []
    if ours["f1"] < MIN_HELD_OUT_F1:
        failures.append(f"held-out F1 {ours['f1']:.4f} is below the pinned floor {MIN_HELD_OUT_F1}")
    if ours["f1"] < best["f1"] + MARGIN:
        failures.append(f"held-out F1 {ours['f1']:.4f} is not {MARGIN} above the best single extractor's "
                        f"({best_name}, {best['f1']:.4f})")
    if ours["precision"] < MIN_HELD_OUT_PRECISION:
        failures.append(f"held-out precision {ours['precision']:.4f} is below {MIN_HELD_OUT_PRECISION}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("BOILERSTRIP_EVAL_DATA", DEFAULT_DATA)))
    parser.add_argument("--full-text", type=Path,
                        default=Path(os.environ.get("BOILERSTRIP_FULL_TEXT_DATA", DEFAULT_FULL_TEXT)))
    parser.add_argument("--json", type=Path, help="write all figures (and per-page results) here")
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick look; the gate is not applied)")
    args = parser.parse_args(argv)
    silence_library_logs()
    failures = held_out_gate(args.full_text, args.json.with_suffix(".held-out.json") if args.json else None, args.limit)
    failures += snippet_gate(args)
    for failure in failures:
        print(f"eval gate: FAILED: {failure}")
    if not failures:
        print(f"eval gate: passed (held out: F1 floor {MIN_HELD_OUT_F1}, {MARGIN} above the best single extractor, "
              f"precision {MIN_HELD_OUT_PRECISION}; snippets: floors F1 {MIN_F1}, English {MIN_F1_ENGLISH})")
    return 1 if failures else 0


def snippet_gate(args: argparse.Namespace) -> list[str]:
    """The snippet gate (see the module docstring): its failures."""
    if not (args.data / "evaldata.json").is_file():
        print(f"eval gate: skipped, no evaluation data at {args.data}")
        return []

    gold = load_gold(args.data)
    pages = list(gold.pages)[: args.limit or None]
    pipeline = PipelineSystem()
    systems = {"boilerstrip": pipeline, "trafilatura default": trafilatura_default,
               "trafilatura benchmark config": trafilatura_benchmark_settings}
    started = time.perf_counter()
    report = evaluate(gold, systems, pages)
    elapsed = time.perf_counter() - started

    overall = report.summary()
    english = report.summary("en")
    lines = [f"eval gate: {gold.path} ({len(pages)} pages, {elapsed:.0f} s)"]
    lines += _table("all pages:", overall)
    lines += _table("English pages:", english)
    for part in ("tune", "check"):
        lines += _table(f"{part} half (by URL hash):", subset_summary(report, lambda d, p=part: half(d["url"] or d["id"]) == p))
    per_page = {name: 1000 * f["seconds"] / f["pages"] for name, f in overall.items()}
    extract_ms = 1000 * pipeline.extraction_seconds / len(pages)
    base = per_page["trafilatura default"]
    lines += [
        "time per page (same run, systems alternating page by page):",
        f"  trafilatura default          {base:6.1f} ms",
        f"  boilerstrip decode+extract   {extract_ms:6.1f} ms  ({extract_ms / base:.2f}x trafilatura)",
        f"  boilerstrip whole cleaning   {per_page['boilerstrip']:6.1f} ms  ({per_page['boilerstrip'] / base:.2f}x trafilatura)",
    ]
    print("\n".join(lines))
    if args.json:
        payload = report.to_json() | {"english": english, "ms_per_page": per_page, "extract_ms_per_page": extract_ms}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.limit:
        return []

    failures = []
    ours, theirs = overall["boilerstrip"], overall["trafilatura default"]
    if ours["f1"] < MIN_F1:
        failures.append(f"F1 {ours['f1']:.4f} is below the pinned floor {MIN_F1}")
    if ours["f1"] <= theirs["f1"]:
        failures.append(f"F1 {ours['f1']:.4f} does not beat trafilatura's {theirs['f1']:.4f}")
    if english["boilerstrip"]["f1"] < MIN_F1_ENGLISH:
        failures.append(f"English F1 {english['boilerstrip']['f1']:.4f} is below the pinned floor {MIN_F1_ENGLISH}")
    if english["boilerstrip"]["f1"] <= english["trafilatura default"]["f1"]:
        failures.append("English F1 does not beat trafilatura's")
    return failures


if __name__ == "__main__":
    sys.exit(main())
