"""Cleaning the text trafilatura extracts: article-body F1 before and after, on held-out pages.

For each wceb-dev page of the held-out ``test`` split (the split of
``training/make_lines.py``: by a hash of the page id; the line model never
trained or tuned on these pages), the page goes through boilerstrip's
``prepare`` segment (decode, trafilatura extraction, repair) and is scored
against the page's full gold text as it is, then after the ``finish``
segment (the rules, the line model, metadata, normalisation) with the line
model off and on. The metric is the article-body one of ``boilerstrip
evaluate`` (word 4-gram shingles, precision and recall averaged over pages,
F1 from the averages).

    python -m benchmarks.extracted_f1 [--shared ../shared] [--split test] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.chain import Chain
from pipeline.document import Document
from pipeline.errors import DocumentError
from pipeline.evaluate import shingle_counts, summarise_article_body
from pipeline.options import CleanOptions
from training.make_lines import split_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    data = args.shared / "datasets" / "wceb-dev"
    if not (data / "gold.json").is_file():
        print(f"extracted_f1: skipped, no development set at {data}")
        return 0
    gold: dict[str, str] = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    meta: dict[str, dict[str, str]] = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    prepare = Chain(CleanOptions(), ["prepare"])
    finishers = {"rules": Chain(CleanOptions(line_model=False), ["finish"]),
                 "rules+model": Chain(CleanOptions(), ["finish"])}
    systems = ["extracted", *finishers]
    counts: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    pages = sorted(page for page in gold if split_of(page) == args.split)
    for page in pages:
        dataset = meta[page]["dataset"]
        path = data / "html" / dataset / f"{page}.html"
        try:
            prepared = prepare(Document(id=page, raw=path.read_bytes(), format="html"))
        except DocumentError:
            prepared = Document(id=page, text="")
        texts = {"extracted": "\n".join(line for line in prepared.text.split("\n") if line)}
        for name, finish in finishers.items():
            texts[name] = finish(prepared).text
        for name in systems:
            for group in ("all", dataset):
                counts.setdefault(group, {}).setdefault(name, []).append(shingle_counts(gold[page], texts[name]))
    report = {group: {name: summarise_article_body(found) | {"pages": len(found)} for name, found in by_system.items()}
              for group, by_system in counts.items()}
    print(f"article-body F1 on the {len(pages)} wceb-dev pages of the {args.split} split (trafilatura's text):")
    print(f"  {'pages':<22} {'system':<12} {'precision':>9} {'recall':>8} {'F1':>8}")
    for group, by_system in report.items():
        for name, figures in by_system.items():
            print(f"  {group + ' (' + str(figures['pages']) + ')':<22} {name:<12} {figures['precision']:>9.4f} "
                  f"{figures['recall']:>8.4f} {figures['f1']:>8.4f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
