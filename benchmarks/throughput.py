"""Single-core `clean` throughput against ftfy alone, stage by stage, and memory against corpus size.

    python -m benchmarks.throughput [--count 20000] [--repeat 3] [--json FILE]

Generates a deterministic corpus (benchmarks/generate_corpus.py: news prose,
boilerplate, mojibake, cp1252, UTF-16, BOMs, entities, NBSP), then, in one run:

1. **baseline**: a plain loop of ``ftfy.fix_text`` over the same documents
   (already decoded, so only ftfy is timed), fastest of ``--repeat``;
2. **clean**: ``boilerstrip clean --format jsonl DIR -o FILE`` as a fresh
   process on one core (start-up, reading, every stage, writing), fastest of
   ``--repeat``, with its peak RSS; MB/s and docs/s, and the ratio to (1); the
   same on the first tenth of the corpus, where start-up weighs ten times more;
3. **start-up**: ``clean`` of one short file, as a fresh process (imports,
   rules, with the rule-factor cache warm as from the second run on);
4. **stages**: the documents through each stage in this process, a chunk at a
   time as ``clean`` runs them, with the time per stage (read, decode,
   repair, rules, metadata, normalise, write), so the next bottleneck is visible;
5. **fast-path identity**: every document repaired as the pipeline does, and by
   the pre-optimisation implementation with and without ftfy forced on every
   line (benchmarks/reference_repair.py): all must be identical (exit 1 if not);
6. **memory**: peak RSS of the whole corpus against its first tenth; it must
   not grow by more than 20% (exit 1 if it does).

``boilerstrip batch`` with 1 and 2 workers is measured by benchmarks/batch_bench.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate_corpus import generate

#: Peak RSS of the whole corpus may exceed that of its first tenth by this factor at most.
MAX_RSS_GROWTH = 1.20


# The child reports its own peak: VmHWM of its memory. getrusage()/wait4()'s ru_maxrss
# would be wrong here, because Linux carries it across exec: a child of this
# process (which holds the corpus and the loaded pipeline) would report at least
# this process's size, whatever the child itself used.
_REPORT_PEAK = ("import re, sys\nfrom pipeline.cli import main\nrc = main(sys.argv[1:])\n"
                "sys.stderr.write('peak_kib=' + re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
                "sys.exit(rc)")


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's own peak RSS (MiB) of a `boilerstrip` command line."""
    started = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1: some documents were rejected
        raise SystemExit(f"{cmd} failed with status {result.returncode}: {result.stderr[-2000:]}")
    peak = result.stderr.rsplit("peak_kib=", 1)[-1].strip()
    return elapsed, int(peak) / 1024


def clean_command(corpus: Path, out: Path) -> list[str]:
    # taskset keeps the run on one core where it exists; the pipeline is single-threaded anyway
    prefix = ["taskset", "-c", "0"] if _has_taskset() else []
    return prefix + [sys.executable, "-c", _REPORT_PEAK, "clean", "--format", "jsonl", "-q", str(corpus), "-o", str(out)]


def _has_taskset() -> bool:
    try:
        return subprocess.run(["taskset", "-c", "0", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def stage_breakdown(files: list[Path]) -> dict[str, float]:
    """Seconds per stage over ``files`` in this process (rules loaded first), each chunk of
    documents going through one stage after another, as ``Chain.stream`` runs them."""
    from pipeline.chain import CHUNK_DOCUMENTS, Chain
    from pipeline.document import Document

    chain = Chain()  # rules loaded before the clock starts
    stages = dict.fromkeys(["read", *(stage.name for stage in chain.stages), "write"], 0.0)
    for first in range(0, len(files), CHUNK_DOCUMENTS):
        started = time.perf_counter()
        docs = [Document(id=p.name, path=str(p), raw=p.read_bytes()) for p in files[first:first + CHUNK_DOCUMENTS]]
        stages["read"] += time.perf_counter() - started
        for stage in chain.stages:
            started = time.perf_counter()
            done = []
            for doc in docs:
                try:
                    done.append(stage(doc))
                except Exception:  # a rejected document leaves the chunk, as in Chain.stream
                    pass
            docs = done
            stages[stage.name] += time.perf_counter() - started
        started = time.perf_counter()
        for doc in docs:
            doc.to_json_line()
        stages["write"] += time.perf_counter() - started
    return stages


def decoded_texts(files: list[Path]) -> list[str]:
    from pipeline.errors import DocumentError
    from pipeline.stages.decode import decode_bytes

    texts = []
    for path in files:
        try:
            texts.append(decode_bytes(path.read_bytes())[0])
        except DocumentError:
            pass
    return texts


def ftfy_loop_seconds(texts: list[str], repeat: int) -> float:
    import ftfy

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            ftfy.fix_text(text)
        best = min(best, time.perf_counter() - started)
    return best


def fast_path_identical(texts: list[str]) -> tuple[bool, int]:
    """Repair every text as the pipeline does and with the pre-optimisation implementation
    (benchmarks/reference_repair.py), both as it is and with ftfy forced on every line:
    (all three identical?, lines that skip ftfy)."""
    import pipeline.stages.repair as repair
    from benchmarks import reference_repair as reference

    skipped = sum(1 for text in texts for line in text.splitlines() if not repair.needs_ftfy(line))
    fast = [repair.repair_lines(text) for text in texts]
    identical = fast == [reference.repair_text(text) for text in texts]
    original = reference.needs_ftfy
    reference.needs_ftfy = lambda _: True
    try:
        slow = [reference.repair_text(text) for text in texts]
    finally:
        reference.needs_ftfy = original
    return identical and fast == slow, skipped


def startup_seconds(tmp: Path, repeat: int) -> float:
    """Wall seconds of ``clean`` on one short file in a fresh process (the fastest of ``repeat``)."""
    one = tmp / "one.txt"
    one.write_text("Council Backs Plan For New Tram Line\n\nThe council approved the plan on Monday.\n", encoding="utf-8")
    return min(run_measured(clean_command(one, tmp / "one.jsonl"))[0] for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000, help="documents in the corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement; the fastest counts")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="boilerstrip-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus, tenth = tmp_path / "corpus", tmp_path / "tenth"
        generate(corpus, args.count, seed=7)
        generate(tenth, args.count // 10, seed=7)  # the same seed: the corpus's first tenth
        files = corpus_files(corpus)
        size, tenth_size = sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in corpus_files(tenth))
        texts = decoded_texts(files)

        ftfy_s = ftfy_loop_seconds(texts, args.repeat)
        startup_s = startup_seconds(tmp_path, args.repeat)  # also warms the rule-factor cache
        runs, tenth_runs = [], []
        for _ in range(args.repeat):  # interleaved, so that a noisy moment hurts both alike
            runs.append(run_measured(clean_command(corpus, tmp_path / "out.jsonl")))
            tenth_runs.append(run_measured(clean_command(tenth, tmp_path / "tenth.jsonl")))
        clean_s, clean_rss = min(s for s, _ in runs), max(r for _, r in runs)
        tenth_s, tenth_rss = min(s for s, _ in tenth_runs), max(r for _, r in tenth_runs)
        stages = stage_breakdown(files)
        identical, skipped_lines = fast_path_identical(texts)
        total_lines = sum(len(text.splitlines()) for text in texts)

    mb, tenth_mb = size / 1e6, tenth_size / 1e6
    tenth_ftfy_s = ftfy_s * tenth_size / size  # ftfy's time is proportional to the text
    growth = clean_rss / tenth_rss
    figures = {
        "documents": len(files), "megabytes": round(mb, 3),
        "ftfy_fix_text": {"seconds": ftfy_s, "mb_per_s": mb / ftfy_s, "docs_per_s": len(texts) / ftfy_s},
        "clean": {"seconds": clean_s, "mb_per_s": mb / clean_s, "docs_per_s": len(files) / clean_s,
                  "peak_rss_mib": clean_rss, "ratio_to_ftfy": ftfy_s / clean_s},
        "clean_first_tenth": {"documents": args.count // 10, "seconds": tenth_s, "mb_per_s": tenth_mb / tenth_s,
                              "peak_rss_mib": tenth_rss, "ratio_to_ftfy": tenth_ftfy_s / tenth_s},
        "startup_seconds": startup_s,
        "stages_ms_per_doc": {k: 1000 * v / len(files) for k, v in stages.items()},
        "fast_path": {"identical": identical, "lines": total_lines, "lines_skipping_ftfy": skipped_lines},
        "memory": {"rss_growth_for_10x_documents": growth},
    }
    stage_total = sum(stages.values())
    lines = [
        f"corpus: {len(files)} documents, {mb:.2f} MB (seed 7)",
        f"ftfy.fix_text loop      {mb / ftfy_s:7.2f} MB/s  {len(texts) / ftfy_s:8.1f} docs/s   (baseline)",
        f"boilerstrip clean       {mb / clean_s:7.2f} MB/s  {len(files) / clean_s:8.1f} docs/s   "
        f"{ftfy_s / clean_s:.2f}x ftfy   peak RSS {clean_rss:.0f} MiB   (1 core, whole process)",
        f"  on the first tenth    {tenth_mb / tenth_s:7.2f} MB/s  {args.count // 10 / tenth_s:8.1f} docs/s   "
        f"{tenth_ftfy_s / tenth_s:.2f}x ftfy   peak RSS {tenth_rss:.0f} MiB",
        f"start-up (one short file, fresh process): {startup_s:.2f} s",
        "stages (in process, ms per document, share):",
    ] + [f"  {name:<10} {1000 * v / len(files):7.3f} ms  {100 * v / stage_total:5.1f}%" for name, v in stages.items()] + [
        f"fast-path repair: {skipped_lines} of {total_lines} lines skip ftfy; output identical to always "
        f"running ftfy: {'yes' if identical else 'NO'}",
        f"memory: peak RSS {clean_rss:.0f} MiB for {args.count} documents, {tenth_rss:.0f} MiB for "
        f"{args.count // 10}: {growth:.2f}x for 10x the documents (limit {MAX_RSS_GROWTH:.2f}x)",
    ]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0 if identical and growth <= MAX_RSS_GROWTH else 1


if __name__ == "__main__":
    sys.exit(main())
