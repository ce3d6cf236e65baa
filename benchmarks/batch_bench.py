"""Batch throughput: Luigi with 1 and 2 workers against a plain loop, in one run.

    python -m benchmarks.batch_bench [--count 3000] [--shard-size 200]

Generates a deterministic corpus (benchmarks/generate_corpus.py), then times,
each as a fresh process so all three pay the same start-up cost:

* ``plain``: the same stages in one plain loop (``clean_bytes`` per file, one JSONL file);
* ``batch -w1`` and ``batch -w2``: ``boilerstrip batch`` with the local scheduler.

Each is run ``--repeat`` times (default 3), interleaved, and the fastest run
counts: on a shared 2-core VM single runs vary by +-15%. Prints docs/s, MB/s
and peak RSS for each, the Luigi overhead (batch -w1 time / plain time - 1)
and the 2-worker speed-up (w1 time / w2 time).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate_corpus import generate

PLAIN_LOOP = """
import sys
from pathlib import Path
from pipeline import clean_bytes
from pipeline.errors import DocumentError
from pipeline.io.sources import Source, walk_directory
root, out = Path(sys.argv[1]), sys.argv[2]
with open(out, "w", encoding="utf-8") as stream:
    for entry in walk_directory(root):
        if isinstance(entry, Source):
            try:
                stream.write(clean_bytes(entry.read(), id=entry.id, path=entry.path).to_json_line())
            except DocumentError:
                pass
"""

MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def measure(cmd: list[str], accept: tuple[str, ...] | None = ("0",)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest single process) of ``cmd``, in a fresh process;
    stops the benchmark when its exit status is not one of ``accept`` (None: any status)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
    return measured(out.stdout, cmd, accept)


def measured(report: str, cmd: Sequence[str], accept: tuple[str, ...] | None = ("0",)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) from what :data:`MEASURE` printed about ``cmd``."""
    elapsed, rss_kib, code = report.split()
    if accept is not None and code not in accept:
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}")
    return float(elapsed), int(rss_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--shard-size", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration; the fastest counts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp, "in")
        paths = generate(inputs, args.count, seed=2024)
        size = sum(p.stat().st_size for p in paths)
        shard = ["--shard-size", str(args.shard_size)] if args.shard_size else []
        batch = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs)]
        runs = {
            "plain loop": [sys.executable, "-c", PLAIN_LOOP, str(inputs), str(Path(tmp, "plain.jsonl"))],
            "batch --workers 1": batch + [str(Path(tmp, "w1")), "--workers", "1", *shard],
            "batch --workers 2": batch + [str(Path(tmp, "w2")), "--workers", "2", *shard],
        }
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                if name.startswith("batch"):
                    shutil.rmtree(cmd[5], ignore_errors=True)  # every batch run starts from scratch
                seconds, rss = measure(cmd)
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, max(rss, best.get(name, (0, 0))[1]))
        results = {}
        for name, (seconds, rss) in best.items():
            results[name] = {"seconds": round(seconds, 2), "docs_per_s": round(args.count / seconds, 1),
                             "mb_per_s": round(size / seconds / 1e6, 3), "peak_rss_mib": round(rss, 1)}
        w1, w2 = Path(tmp, "w1"), Path(tmp, "w2")
        same = (Path(tmp, "plain.jsonl").read_text(encoding="utf-8")
                == "".join(p.read_text(encoding="utf-8") for p in sorted(w1.glob("part-*.jsonl")))
                == "".join(p.read_text(encoding="utf-8") for p in sorted(w2.glob("part-*.jsonl"))))
    summary = {
        "documents": args.count,
        "megabytes": round(size / 1e6, 2),
        "runs": results,
        "luigi_overhead": round(results["batch --workers 1"]["seconds"] / results["plain loop"]["seconds"] - 1, 3),
        "speedup_2_workers": round(results["batch --workers 1"]["seconds"] / results["batch --workers 2"]["seconds"], 2),
        "outputs_identical": same,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{args.count} documents, {size / 1e6:.2f} MB, best of {args.repeat} runs each")
    for name, r in results.items():
        print(f"  {name:<18} {r['seconds']:7.2f} s  {r['docs_per_s']:8.1f} docs/s  {r['mb_per_s']:6.3f} MB/s  "
              f"peak RSS {r['peak_rss_mib']:.0f} MiB")
    print(f"  Luigi overhead vs plain loop: {summary['luigi_overhead']:+.1%}")
    print(f"  2 workers vs 1 worker: {summary['speedup_2_workers']:.2f}x")
    print(f"  outputs identical: {same}")


if __name__ == "__main__":
    main()
