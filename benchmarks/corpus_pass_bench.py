"""The corpus-level pass in a batch run: quality on the test crawl, its cost, and memory at scale.

1. Quality: ``benchmarks/crawl.py``'s crawl (12 sites of 60 pages, a big site,
   syndicated copies, re-crawls, a mirror, paraphrases, the seeds; article text
   from the wceb-dev gold when ``../shared`` is there, else generated) is
   cleaned by ``boilerstrip batch``, and scored against the crawl's truth:
   template lines removed, article paragraphs kept, quotes kept, duplicate
   precision and recall, seeds and paraphrases marked.
2. Cost: the same batch without the pass (``--no-template-lines --no-duplicates``),
   in the same run; the pass's share of the batch time is the difference.
3. Memory: a crawl of about 20,000 documents (``--scale``), batch with the
   pass, peak RSS of the largest process (the batch runs its tasks in worker
   processes; ``ru_maxrss`` of the children).

    python -m benchmarks.corpus_pass_bench [--scale 20000] [--workers 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import crawl


def _batch(inputs: Path, out: Path, workers: int, *extra: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one batch run in a fresh process."""
    code = ("import resource, subprocess, sys, time\n"
            "started = time.perf_counter()\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n")
    command = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), str(out), "-q", "--workers", str(workers),
               *extra]
    seconds, peak, rc = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True,
                                       check=True).stdout.split()
    if rc != "0":
        raise SystemExit(f"batch failed ({rc}): {' '.join(command)}")
    return float(seconds), int(peak)


def _records(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text().splitlines()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=int, default=20000, help="documents of the memory crawl (0: skip)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="corpus-pass-bench-") as tmp:
        root = Path(tmp)
        source = "gold" if crawl.DEFAULT_GOLD.is_file() else "generated"
        truth = crawl.generate(root / "crawl", sites=12, pages=60, seed=1, big_site_pages=2000, source=source)
        documents = len(truth["documents"])
        with_pass, rss = _batch(root / "crawl", root / "with", args.workers)
        without, _ = _batch(root / "crawl", root / "without", args.workers, "--no-template-lines", "--no-duplicates")
        score = crawl.score(_records(root / "with"), truth)
        plain = crawl.score(_records(root / "without"), truth)
        keys = ("template_removed", "article_kept", "headlines_kept", "quotes_kept", "boilerplate_removed",
                "duplicate_precision", "duplicate_recall", "paraphrases_marked", "seeds_marked")
        report["crawl"] = {"documents": documents, "article_source": source,
                           "with_pass": {k: score[k] for k in keys}, "without_pass": {k: plain[k] for k in keys},
                           "seconds_with_pass": round(with_pass, 2), "seconds_without": round(without, 2),
                           "pass_share_of_batch_time": round((with_pass - without) / with_pass, 3),
                           "peak_rss_mib": round(rss / 1024, 1)}
        if args.scale:
            big = max(args.scale - 12 * 60 - 60, 0)
            scale_truth = crawl.generate(root / "scale", sites=12, pages=60, seed=2, big_site_pages=big,
                                         source="generated")
            seconds, rss = _batch(root / "scale", root / "scale-out", args.workers)
            report["scale"] = {"documents": len(scale_truth["documents"]), "seconds": round(seconds, 1),
                               "docs_per_second": round(len(scale_truth["documents"]) / seconds, 1),
                               "peak_rss_mib": round(rss / 1024, 1)}
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    sys.exit(code)
