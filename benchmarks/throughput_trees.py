"""`clean` throughput of several source trees against ftfy, in interleaved rounds.

    python -m benchmarks.throughput_trees TREE [TREE ...] [--rounds 3] [--count 20000]

Why: a speed target set against an earlier release ("no more than 10% below today's") can
only be checked by running that release on the same machine, in the same session, on the
same documents: machines differ by half from one session to the next, and one tree's ratio
to ftfy drifts between runs. Each TREE is a checkout of boilerstrip (``git worktree add
--detach DIR REV``); its own ``pipeline`` cleans the corpus, as ``boilerstrip clean --format
jsonl DIR -o FILE`` in a fresh process pinned to one core (start-up, reading, every stage,
writing). Each round times ftfy's plain loop (``benchmarks.throughput``'s baseline) and then
every tree, so drift touches all of them alike; the fastest round of each counts. The corpus is
today's generator's (``benchmarks.generate_corpus``: no repeated documents), so an old tree
is measured on the documents a new one is. Each tree keeps its own warm rule cache
(:func:`clean_seconds`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate_corpus import generate
from benchmarks.throughput import clean_command, decoded_texts, ftfy_loop_seconds


def clean_seconds(tree: Path, corpus: Path, out: Path, cache: Path) -> float:
    """Wall seconds of ``clean`` over ``corpus`` with the ``pipeline`` of ``tree``, one core: the
    command line ``benchmarks.throughput`` times, its ``pipeline`` imported from ``tree``.

    Each tree keeps its own rule cache in ``cache`` (``BOILERSTRIP_CACHE_DIR``), as a user's
    second run finds it: one cache shared by trees whose screen code differs is rewritten by
    each, and the other tree's next run pays the cold derivation of the screen factors."""
    env = {**os.environ, "PYTHONPATH": str(tree), "BOILERSTRIP_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    subprocess.run(clean_command(corpus, out), cwd=tree, env=env, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path, help="checkouts of boilerstrip to compare")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=20000, help="documents in the corpus")
    args = parser.parse_args(argv)
    for tree in args.trees:
        if not (tree / "pipeline" / "cli.py").is_file():
            parser.error(f"{tree}: not a boilerstrip checkout (no pipeline/cli.py)")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out.jsonl"
        files = generate(corpus, args.count)
        texts = decoded_texts(files)
        best = {"ftfy": float("inf"), **{str(t): float("inf") for t in args.trees}}
        caches = {str(tree): Path(tmp) / f"cache-{number}" for number, tree in enumerate(args.trees)}
        for tree in args.trees:  # warm each tree's rule cache, as every run after a user's first
            clean_seconds(tree.resolve(), files[0], out, caches[str(tree)])
        for round_number in range(args.rounds):
            seconds = ftfy_loop_seconds(texts, 1)
            best["ftfy"] = min(best["ftfy"], seconds)
            row = [f"round {round_number + 1}: ftfy {len(texts) / seconds:.1f} docs/s"]
            for tree in args.trees:
                took = clean_seconds(tree.resolve(), corpus, out, caches[str(tree)])
                best[str(tree)] = min(best[str(tree)], took)
                row.append(f"{tree} {len(files) / took:.1f} docs/s ({seconds / took:.2f}x)")
            print(" | ".join(row), flush=True)
    print(f"fastest: ftfy {len(texts) / best['ftfy']:.1f} docs/s")
    for tree in args.trees:
        took = best[str(tree)]
        print(f"  {tree}: {len(files) / took:.1f} docs/s, {best['ftfy'] / took:.2f}x ftfy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
