"""How the extractor combination's constants were chosen, reproducibly (issue 13).

    python -m benchmarks.combiner_tuning [--data DIR] [--cache FILE] [--held-out]

Step 1 (cached in ``--cache``, about 4 minutes on 2 cores): for every page of the
full-text development set (``../shared/datasets/wceb-dev``), the page's blocks,
each block's words, which blocks trafilatura, Resiliparse and Readability keep
(:mod:`pipeline.extractors.align`), which the gold text covers, and the line
model's scores of the blocks. Exactly what :func:`pipeline.extractors.combiner.combine`
computes before it decides.

Step 2, on the **tuning pages only** (the ``train`` and ``dev`` splits of
:func:`pipeline.evaluate.split_of`, the line model's own split):

* each extractor's precision per kind of page (the share of the words it keeps
  that the gold covers): :data:`~pipeline.extractors.combiner.PRECISION`;
* a grid over the agreement that skips Readability, the arbitration threshold
  and each kind's keep/ask levels, scored by the mean page bag-of-tokens F1 of
  the combination's text (before the rules and the line model run on it);
  the best and the shipped settings are printed side by side.

``--held-out`` also prints the shipped settings on the ``test`` pages, which
nothing was tuned on; the figures the README reports come from ``boilerstrip
evaluate --split held-out`` (the whole chain), not from here.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from multiprocessing import Pool
from pathlib import Path
from statistics import mean
from typing import Any

from pipeline.extractors import combiner as C
from pipeline.extractors.align import COVERED_SHARE, Skeleton, page_blocks
from pipeline.rouge import bag_of_tokens

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "wceb-dev"
DEFAULT_CACHE = Path(os.environ.get("BOILERSTRIP_CACHE_DIR", "/tmp")) / "combiner-votes.jsonl.gz"


def page_votes(job: tuple[str, str, str]) -> dict[str, Any]:
    """Step 1 for one page: blocks, sizes, votes, gold coverage and line-model scores."""
    from pipeline.extractors import readability_adapter, resiliparse_adapter
    from pipeline.extractors.page import Page
    from pipeline.stages.extract import _line_model_scorer, sanitise, silence_library_logs

    silence_library_logs()
    page_id, path, gold = job
    page = Page(sanitise(Path(path).read_text(encoding="utf-8"))[0])
    blocks = page_blocks(page)
    skeleton = Skeleton.of(blocks)
    sizes = [end - first for first, end in zip(skeleton.bounds, skeleton.bounds[1:], strict=False)]

    def covered(text_blocks: Sequence[str]) -> list[bool]:
        return [share >= COVERED_SHARE for share in skeleton.coverage(text_blocks)]

    votes = {C.TRAFILATURA: covered(C._trafilatura(page, False)),
             C.RESILIPARSE: covered(resiliparse_adapter.blocks(page)),
             C.READABILITY: covered(readability_adapter.blocks(page))}
    return {"id": page_id, "blocks": blocks, "sizes": sizes, "votes": votes, "gold": covered(gold.split("\n")),
            "scores": list(_line_model_scorer()(blocks)) if blocks else []}


def build_cache(data: Path, cache: Path) -> None:
    from pipeline.evaluate import load_gold

    gold = load_gold(data)
    jobs = [(page.id, str(page.html_path), page.gold_text) for page in gold.pages]
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(cache.name + ".partial")
    with Pool(os.cpu_count() or 1) as pool, gzip.open(partial, "wt", encoding="utf-8") as out:
        for done, record in enumerate(pool.imap(page_votes, jobs, chunksize=4), 1):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if done % 100 == 0:
                print(f"  {done}/{len(jobs)} pages", file=sys.stderr)
    partial.replace(cache)


def load_cache(cache: Path) -> list[dict[str, Any]]:
    with gzip.open(cache, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def combined_text(page: dict[str, Any], settings: C.Settings) -> str:
    votes = page["votes"]
    decision = C.decide(page["sizes"], votes, lambda: votes[C.READABILITY], lambda: page["scores"], settings)
    return "\n".join(page["blocks"][i] for i in decision.kept)


def kind_of(page: dict[str, Any], settings: C.Settings) -> str:
    sizes, votes = page["sizes"], page["votes"]
    if not any(sizes):
        return ""
    if C.jaccard(sizes, votes[C.TRAFILATURA], votes[C.RESILIPARSE]) >= settings.agreement_skip:
        return "agree"
    return C.page_kind(C.jaccard(sizes, votes[C.TRAFILATURA], votes[C.READABILITY]), settings)


def mean_f1(pages: Iterable[dict[str, Any]], gold: dict[str, str], settings: C.Settings) -> float:
    return mean(bag_of_tokens(gold[p["id"]], combined_text(p, settings)).f1 for p in pages)


def precision_table(pages: list[dict[str, Any]], settings: C.Settings) -> dict[str, dict[str, float]]:
    """Each extractor's word precision against the gold, per kind of page (pages the first two
    extractors settle alone are left out: the weights are never used there)."""
    kept: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for page in pages:
        kind = kind_of(page, settings)
        for name in C.VOTERS:
            for size, vote, gold in zip(page["sizes"], page["votes"][name], page["gold"], strict=True):
                if vote:
                    kept[kind, name][0] += size * gold
                    kept[kind, name][1] += size
    return {kind: {name: round(kept[kind, name][0] / max(1, kept[kind, name][1]), 3) for name in C.VOTERS}
            for kind in ("hi", "mid", "lo")}


#: Levels tried for each kind of page: keep at any one, two or all three votes (or never), ask from one or two.
KEEP_LEVELS = (0.2, 0.5, 0.7, 1.01)
ASK_LEVELS = (0.2, 0.5, 0.65)


def tune(pages: list[dict[str, Any]], gold: dict[str, str]) -> C.Settings:
    """The grid (see the module docstring); each kind's levels are chosen on its own pages."""
    best: tuple[float, C.Settings] | None = None
    for skip, arbiter in itertools.product((0.9, 0.95, 1.01), (0.5, 0.63, 0.75)):
        settings = C.Settings(agreement_skip=skip, arbiter_threshold=arbiter)
        levels = dict(settings.levels)
        for kind in ("hi", "mid", "lo"):
            mine = [p for p in pages if kind_of(p, settings) == kind]
            if not mine:
                continue
            options = [C.Levels(keep, ask) for keep, ask in itertools.product(KEEP_LEVELS, ASK_LEVELS) if ask <= keep]
            levels[kind] = max(options, key=lambda lv: mean_f1(
                mine, gold, replace(settings, levels={**levels, kind: lv})))
        settings = replace(settings, levels=levels)
        score = mean_f1(pages, gold, settings)
        print(f"  skip {skip:<4} arbiter {arbiter:<4} F1 {score:.4f}  "
              + ", ".join(f"{k} keep {v.keep} ask {v.ask}" for k, v in levels.items()))
        if best is None or score > best[0]:
            best = (score, settings)
    assert best is not None
    return best[1]


def main(argv: list[str] | None = None) -> int:
    from pipeline.evaluate import split_of

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"votes cache (default {DEFAULT_CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="recompute the cache")
    parser.add_argument("--held-out", action="store_true", help="also print the shipped settings on the test pages")
    args = parser.parse_args(argv)
    if not (args.data / "gold.json").is_file():
        print(f"combiner tuning: no development set at {args.data}")
        return 0
    if args.rebuild or not args.cache.is_file():
        print(f"step 1: votes of every page -> {args.cache}", file=sys.stderr)
        build_cache(args.data, args.cache)
    gold = json.loads((args.data / "gold.json").read_text(encoding="utf-8"))
    pages = load_cache(args.cache)
    tuning = [p for p in pages if split_of(p["id"]) != "test"]
    shipped = C.DEFAULT_SETTINGS
    print(f"tuning pages: {len(tuning)} (train and dev)")
    print("extractor precision per kind of page (tuning pages):")
    for kind, row in precision_table(tuning, shipped).items():
        print(f"  {kind:<4} " + ", ".join(f"{name} {value}" for name, value in row.items()))
    print("grid (mean page bag-of-tokens F1 of the combination's text, tuning pages):")
    best = tune(tuning, gold)
    readability_runs = sum(kind_of(p, shipped) not in ("agree", "") for p in tuning)
    print(f"shipped settings: F1 {mean_f1(tuning, gold, shipped):.4f} on tuning pages; Readability runs on "
          f"{readability_runs} of {len(tuning)} pages")
    print(f"best of the grid: F1 {mean_f1(tuning, gold, best):.4f} (skip {best.agreement_skip}, arbiter "
          f"{best.arbiter_threshold})")
    if args.held_out:
        test = [p for p in pages if split_of(p["id"]) == "test"]
        print(f"held out ({len(test)} test pages): shipped F1 {mean_f1(test, gold, shipped):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
