"""``boilerstrip clean -j 1`` against ``-j 2`` (worker processes) on plain text, in one run.

    python -m benchmarks.jobs_bench [--count 5000] [--seed 3] [--repeat 3] [--corpus DIR]

Generates a deterministic corpus without repeated documents
(benchmarks/generate_corpus.py), then runs ``clean --format jsonl -q DIR -o
FILE`` with ``-j 1`` and ``-j 2`` as fresh processes, interleaved, ``--repeat``
times each, and keeps the fastest run of each (a shared VM varies by +-15%
between single runs). Prints docs/s, MB/s and peak RSS (the largest single
process: the parent, or one worker) of each, the speed-up (``-j 1`` time /
``-j 2`` time) and the load average before and after, since figures taken on a
loaded machine say little. Also times start-up (``clean`` of one file with each
``-j``), and the speed-up without it, since on a small corpus the fixed
start-up (imports, rules) weighs on ``-j 2`` as much as on ``-j 1``. Exits 1 if
the two outputs differ in any byte.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import batch_bench
from benchmarks.generate_corpus import generate


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest single process) of ``cmd``; status 1 is fine (the
    corpus has broken documents on purpose)."""
    return batch_bench.measure(cmd, accept=("0", "1"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="documents to generate (default 5000)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, interleaved; the fastest counts")
    parser.add_argument("--corpus", type=Path, help="use this directory instead of generating one")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="jobs-bench-") as tmp:
        corpus = args.corpus or Path(tmp) / "corpus"
        if args.corpus is None:
            generate(corpus, args.count, args.seed)
        files = [p for p in corpus.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        load_before = os.getloadavg()
        best: dict[int, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for jobs in (1, 2):
                out = Path(tmp) / f"j{jobs}.jsonl"
                cmd = [sys.executable, "-m", "pipeline.cli", "clean", "-j", str(jobs), "--format", "jsonl", "-q",
                       str(corpus), "-o", str(out)]
                seconds, rss = measure(cmd)
                if jobs not in best or seconds < best[jobs][0]:
                    best[jobs] = (seconds, rss)
        one_file = min(files)
        startup: dict[int, float] = {}
        for _ in range(args.repeat):
            for jobs in (1, 2):
                seconds, _ = measure([sys.executable, "-m", "pipeline.cli", "clean", "-j", str(jobs), "-q",
                                      "--format", "jsonl", str(one_file), "-o", str(Path(tmp) / "one.jsonl")])
                startup[jobs] = min(startup.get(jobs, seconds), seconds)
        load_after = os.getloadavg()
        identical = filecmp.cmp(Path(tmp) / "j1.jsonl", Path(tmp) / "j2.jsonl", shallow=False)

    print(f"corpus: {len(files):,} files, {size / 1e6:.1f} MB; fastest of {args.repeat} runs each; "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    for jobs, (seconds, rss) in best.items():
        print(f"clean -j {jobs}: {seconds:6.2f} s  {len(files) / seconds:8,.0f} docs/s  {size / 1e6 / seconds:6.2f} MB/s"
              f"  peak RSS {rss:5.0f} MiB")
    print(f"speed-up -j 2 / -j 1: {best[1][0] / best[2][0]:.2f}x")
    print(f"start-up (clean of one file): -j 1 {startup[1]:.2f} s, -j 2 {startup[2]:.2f} s; without it, "
          f"-j 1 {len(files) / (best[1][0] - startup[1]):,.0f} docs/s, -j 2 {len(files) / (best[2][0] - startup[2]):,.0f}"
          f" docs/s: {(best[1][0] - startup[1]) / (best[2][0] - startup[2]):.2f}x")
    print("load average (1, 5, 15 min): before " + ", ".join(f"{v:.2f}" for v in load_before)
          + "; after " + ", ".join(f"{v:.2f}" for v in load_after))
    print(f"outputs byte-identical: {'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
