"""How the extractor combination's constants were chosen, reproducibly (issue 13).

    python -m benchmarks.combiner_tuning [--data DIR] [--snippets DIR] [--cache FILE] [--held-out]

Step 1 (cached in ``--cache``, about 8 minutes on 2 cores): for every page of the
full-text development set (``../shared/datasets/wceb-dev``) and of the snippet
set (``../shared/datasets/trafilatura-eval``), the page's blocks, each block's
words, which blocks trafilatura, Resiliparse and Readability keep
(:mod:`pipeline.extractors.align`), which the gold text covers (full text), and
the line model's scores of the blocks: exactly what
:func:`pipeline.extractors.combiner.combine` computes before it decides.

Step 2, on **tuning pages only**: the ``train`` and ``dev`` splits of the
full-text set (:func:`pipeline.evaluate.split_of`, the line model's own split)
and the ``tune`` half of the snippet set (by URL hash, as
``benchmarks/eval_gate.py`` splits it):

* each extractor's precision per kind of page (the share of the words it keeps
  that the full-text gold covers): :data:`~pipeline.extractors.combiner.PRECISION`;
* a grid over the agreement that skips Readability, the arbitration threshold
  and each kind's keep/ask levels, scored by the mean of two figures of the
  combination's text (before the rules and the line model run on it): the mean
  page bag-of-tokens F1 on the full-text pages and the snippet F1 on the
  snippet pages. Both sets are gated in CI, and they differ: the full-text set
  is mostly CleanEval's mixed pages, the snippet set news and blog articles.

``--held-out`` also prints the shipped settings on the held-out pages (``test``
split, ``check`` half), which nothing was tuned on; the figures the README
reports come from ``boilerstrip evaluate`` and ``benchmarks/eval_gate.py`` (the
whole chain), not from here.
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
from dataclasses import dataclass, replace
from multiprocessing import Pool
from pathlib import Path
from statistics import mean
from typing import Any

from pipeline.extractors import combiner as C
from pipeline.rouge import bag_of_tokens

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "wceb-dev"
DEFAULT_SNIPPETS = ROOT.parent / "shared" / "datasets" / "trafilatura-eval"
DEFAULT_CACHE = Path(os.environ.get("BOILERSTRIP_CACHE_DIR", "/tmp")) / "combiner-votes.jsonl.gz"


def page_votes(job: tuple[str, str, str | None]) -> dict[str, Any]:
    """Step 1 for one page: blocks, sizes, votes, gold coverage (full-text gold) and line-model scores."""
    from pipeline.extractors import readability_adapter, resiliparse_adapter
    from pipeline.extractors.page import Page
    from pipeline.stages.decode import decode_html_bytes
    from pipeline.stages.extract import arbiter_scorer, sanitise, silence_library_logs

    silence_library_logs()
    page_id, path, gold = job
    url = page_id if "://" in page_id else None  # snippet pages are keyed by their URL
    page = Page(sanitise(decode_html_bytes(Path(path).read_bytes())[0])[0], url)
    projection = C.Projection.of(page)
    votes = {C.TRAFILATURA: projection.covered(C._trafilatura(page, False)),
             C.RESILIPARSE: projection.covered(resiliparse_adapter.blocks(page)),
             C.READABILITY: projection.covered(readability_adapter.blocks(page))}
    blocks = projection.blocks
    return {"id": page_id, "blocks": blocks, "sizes": projection.sizes, "votes": votes,
            "gold": None if gold is None else projection.covered(gold.split("\n")),
            "scores": list(arbiter_scorer()(blocks)) if blocks else []}


def build_cache(data: Path, snippets: Path, cache: Path) -> None:
    from pipeline.evaluate import load_gold

    jobs: list[tuple[str, str, str | None]] = [
        (page.id, str(page.html_path), page.gold_text) for page in load_gold(data).pages]
    if (snippets / "evaldata.json").is_file():
        jobs += [(page.id, str(page.html_path), None) for page in load_gold(snippets).pages]
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
    """The kind the combination gives the page ("agree", "hi", "mid", "lo"; "" without words)."""
    votes = page["votes"]
    return C.decide(page["sizes"], votes, lambda: votes[C.READABILITY], None, settings).kind


@dataclass(frozen=True)
class Gold:
    """The tuning objective's data: full-text gold by page id, snippets by page id (the URL)."""

    full_text: dict[str, str]
    snippets: dict[str, tuple[list[str], list[str]]]


def mean_f1(pages: Iterable[dict[str, Any]], gold: Gold, settings: C.Settings) -> float:
    """Mean page bag-of-tokens F1 on full-text pages and snippet F1 on snippet pages, averaged."""
    from pipeline.evaluate import snippet_counts, summarise_snippets

    full, counts = [], []
    for page in pages:
        text = combined_text(page, settings)
        if page["id"] in gold.full_text:
            full.append(bag_of_tokens(gold.full_text[page["id"]], text).f1)
        else:
            counts.append(snippet_counts(text, *gold.snippets[page["id"]]))
    figures = ([mean(full)] if full else []) + ([summarise_snippets(counts)["f1"]] if counts else [])
    return mean(figures)


def precision_table(pages: list[dict[str, Any]], settings: C.Settings) -> dict[str, dict[str, float]]:
    """Each extractor's word precision against the gold, per kind of page (pages the first two
    extractors settle alone are left out: the weights are never used there)."""
    kept: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for page in pages:
        if page["gold"] is None:
            continue
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


#: Agreements of trafilatura and Resiliparse that settle a page without Readability (1.01: never).
SKIP_LEVELS = (0.8, 0.85, 0.9, 0.95, 1.01)
ARBITER_LEVELS = (0.5, 0.63, 0.75)


def tune(pages: list[dict[str, Any]], gold: Gold, skips: Sequence[float] = SKIP_LEVELS) -> C.Settings:
    """The grid (see the module docstring); each kind's levels are chosen on its own pages."""
    best: tuple[float, C.Settings] | None = None
    for skip, arbiter in itertools.product(skips, ARBITER_LEVELS):
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
        readability = sum(kind_of(p, settings) not in ("agree", "") for p in pages) / len(pages)
        print(f"  skip {skip:<4} arbiter {arbiter:<4} F1 {score:.4f} Readability on {readability:.0%} of pages;  "
              + ", ".join(f"{k} keep {v.keep} ask {v.ask}" for k, v in levels.items()))
        if best is None or score > best[0]:
            best = (score, settings)
    assert best is not None
    return best[1]


def is_tuning(page_id: str, gold: Gold) -> bool:
    from benchmarks.eval_gate import half
    from pipeline.evaluate import split_of

    return split_of(page_id) != "test" if page_id in gold.full_text else half(page_id) == "tune"


def main(argv: list[str] | None = None) -> int:
    from pipeline.evaluate import load_gold

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="full-text gold (wceb-dev)")
    parser.add_argument("--snippets", type=Path, default=DEFAULT_SNIPPETS, help="snippet gold (trafilatura-eval)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"votes cache (default {DEFAULT_CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="recompute the cache")
    parser.add_argument("--held-out", action="store_true", help="also print the shipped settings on held-out pages")
    parser.add_argument("--skip", type=float, action="append", help="only these agreement levels (repeatable)")
    args = parser.parse_args(argv)
    if not (args.data / "gold.json").is_file():
        print(f"combiner tuning: no development set at {args.data}")
        return 0
    if args.rebuild or not args.cache.is_file():
        print(f"step 1: votes of every page -> {args.cache}", file=sys.stderr)
        build_cache(args.data, args.snippets, args.cache)
    snippets = load_gold(args.snippets).pages if (args.snippets / "evaldata.json").is_file() else ()
    gold = Gold(json.loads((args.data / "gold.json").read_text(encoding="utf-8")),
                {page.id: (list(page.must_have), list(page.must_not)) for page in snippets})
    pages = [p for p in load_cache(args.cache) if p["id"] in gold.full_text or p["id"] in gold.snippets]
    tuning = [p for p in pages if is_tuning(p["id"], gold)]
    shipped = C.DEFAULT_SETTINGS
    full = sum(p["id"] in gold.full_text for p in tuning)
    print(f"tuning pages: {full} full-text (train and dev), {len(tuning) - full} snippet (tune half)")
    print("extractor precision per kind of page (full-text tuning pages):")
    for kind, row in precision_table(tuning, shipped).items():
        print(f"  {kind:<4} " + ", ".join(f"{name} {value}" for name, value in row.items()))
    print("grid (mean of full-text bag-of-tokens F1 and snippet F1 of the combination's text, tuning pages):")
    best = tune(tuning, gold, args.skip or SKIP_LEVELS)
    readability_runs = sum(kind_of(p, shipped) not in ("agree", "") for p in tuning)
    print(f"shipped settings: {mean_f1(tuning, gold, shipped):.4f} on tuning pages; Readability runs on "
          f"{readability_runs} of {len(tuning)} pages")
    print(f"best of the grid: {mean_f1(tuning, gold, best):.4f} (skip {best.agreement_skip}, arbiter "
          f"{best.arbiter_threshold})")
    if args.held_out:
        held_out = [p for p in pages if not is_tuning(p["id"], gold)]
        for name, chosen in (("full-text test", [p for p in held_out if p["id"] in gold.full_text]),
                             ("snippet check half", [p for p in held_out if p["id"] in gold.snippets])):
            print(f"held out, {name} ({len(chosen)} pages): shipped {mean_f1(chosen, gold, shipped):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
