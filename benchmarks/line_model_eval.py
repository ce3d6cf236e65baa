"""The line model against the rules, jusText and C4's line rule, line by line, on held-out pages.

    python -m benchmarks.line_model_eval --data /work/cache/training [--model FILE] [--splits test test-external]
                                         [--json FILE]
    python -m benchmarks.line_model_eval --speed [--count 3000]

Reads the labelled lines ``python -m training.make_lines`` wrote (see training/README.md)
and, for the held-out splits only (wceb-dev ``test``, and ``test-external``, the
trafilatura-eval pages of other sites; ``dev`` chose the threshold),
runs the rules on every document as the chain does, then scores every labelled line
with each system, per view (``page``: a page's whole visible text; ``extracted``:
what boilerstrip's own extraction hands the text stages) and both views pooled, and the
``article`` view made from the page view (training/article_view.py: the page's main text
as a plain-text article with the page's own boilerplate injected between paragraphs and at
both ends, as plain-text news arrives):

* **keep all**: nothing is boilerplate (the floor);
* **rules**: a line is boilerplate iff the built-in rules removed it;
* **rules+model**: what the chain's line-model and after-furniture stages leave: a line is
  boilerplate if a rule removed it, or the closing note after the article's furniture does
  (plain text only: :func:`with_closing_note`), or the line-model stage's decision
  (:func:`pipeline.stages.line_model.model_removals`, with the shipped threshold: the one
  for HTML input on the ``extracted`` view) removes
  it from the text the rules left: scored in the rendered context (only the lines the
  rules kept), in rounds until nothing more goes, the leading headline of plain text
  (the ``page`` view and the corpora; ``extracted`` is HTML input) and subheadings
  protected, nothing removed from a document it would empty;
* **jusText**: the document's lines as ``<p>`` paragraphs of one page, classified by
  ``justext.justext`` with its default parameters and the union of all its stoplists
  (language-independent, as trafilatura calls it);
* **C4 rule**: a line is boilerplate unless it ends with ``.``, ``!``, ``?`` or ``"``
  (the line filter of C4, Raffel et al. 2020).

Figures: line accuracy, boilerplate precision and recall, main text kept (recall of
label 1), and the ROC AUC of the model's score (its first round's, in the rendered
context, over the lines it scores; ``scored``: their share of all labelled lines, those
the rules removed included). Then, as a first-contact check on plain text, the same for the
labelled scraped articles in ``tests/corpus``, ``corpus_dev`` and ``corpus_holdout``
(development corpora, trained on), ``tests/corpus_fresh`` and ``corpus_fresh2`` (trained
on, rules widened on them), ``tests/corpus_fresh3`` and ``corpus_fresh4`` (never tuned on;
measured at earlier releases) and ``tests/corpus_fresh5`` (held out: first contact), and the
lines the model removes in ``fixtures/seeds/``.

``--speed`` (no data needed) times the model on the throughput benchmark's generated
corpus (benchmarks/generate_corpus.py), each document prepared and stripped as the
chain does: the load time, the microseconds a document the stage's decision adds
(:func:`~pipeline.stages.line_model.model_removals`, every round; with the model's line
cache warm, as in a crawl that repeats its boilerplate lines, and cold: the cache emptied
before each document), the same for one scoring of the rendered lines, the share of
non-blank lines the gates skip, and the same documents' time through the whole chain in
this process, for scale.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.document import removing_rules
from pipeline.linemodel import LineModel
from pipeline.options import CleanOptions
from pipeline.stages.after_furniture import MAX_NOTES, closing_note
from pipeline.stages.line_model import model_removals
from pipeline.stages.strip import Strip, strip_boilerplate
from training.article_view import article_documents
from training.corpora import CORPORA, RESERVED
from training.make_lines import check_extraction
from training.train_line_model import (
    OVERALL_VIEWS,
    Doc,
    after_rules,
    labelled_corpus_lines,
    model_removed,
    read_split,
    rendered,
)

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("keep all", "rules", "rules+model", "jusText", "C4 rule")
C4_ENDS = (".", "!", "?", '"')

_JUSTEXT_STOPLIST: frozenset[str] | None = None


def justext_boilerplate(lines: Sequence[str]) -> list[bool]:
    """jusText's verdict on each line, the lines given as the paragraphs of one page."""
    import justext

    global _JUSTEXT_STOPLIST
    if _JUSTEXT_STOPLIST is None:
        words: set[str] = set()
        for language in justext.get_stoplists():
            words |= justext.get_stoplist(language)
        _JUSTEXT_STOPLIST = frozenset(words)
    index = [i for i, line in enumerate(lines) if line.strip()]
    page = "<html><body>" + "".join(f"<p>{html.escape(lines[i])}</p>" for i in index) + "</body></html>"
    out = [False] * len(lines)
    if not index:
        return out
    paragraphs = justext.justext(page.encode("utf-8"), _JUSTEXT_STOPLIST, encoding="utf-8")
    if len(paragraphs) != len(index):  # jusText dropped or merged something: align by text
        verdict: dict[str, bool] = {}
        for p in paragraphs:
            verdict.setdefault(" ".join(p.text.split()), p.is_boilerplate)
        for i in index:
            out[i] = verdict.get(" ".join(lines[i].split()), True)
        return out
    for i, p in zip(index, paragraphs, strict=True):
        out[i] = p.is_boilerplate
    return out


def c4_boilerplate(lines: Sequence[str]) -> list[bool]:
    return [bool(line.strip()) and not line.rstrip().endswith(C4_ENDS) for line in lines]


def with_closing_note(doc: Doc, removed: list[bool], model: LineModel) -> list[bool]:
    """``removed`` (the rules' and the model's decisions) and, in plain text (not the
    ``extracted`` view, which is HTML input), the chain's next stage: the closing note after the
    article's furniture (:func:`pipeline.stages.after_furniture.closing_note`; the lines one block
    rule removed in a row are one piece, as the stage counts them), the model deciding again
    after each note, as the stage has it."""
    if doc.view == "extracted" or not doc.removed_by:
        return removed
    removed = list(removed)
    for _ in range(MAX_NOTES):
        lines = ["" if r else line for line, r in zip(doc.lines, removed, strict=True)]
        owners = [(rule or "line-model") if r else None for rule, r in zip(doc.removed_by, removed, strict=True)]
        note = closing_note(lines, owners, _grouped_rules())
        if note is None:
            break
        removed[note] = True
        lines[note] = ""
        for i, _ in model_removals(model, lines, model.threshold, protect_title=True, removed_by_rules=doc.removed):
            removed[i] = True
    return removed


def _grouped_rules() -> frozenset[str]:
    return CleanOptions().ruleset().block_rule_ids


def rendered_scores(doc: Doc, model: LineModel) -> list[float | None]:
    """The model's scores of the lines of ``doc`` the rules kept, in the rendered context (the
    stage's first round); None for the lines a rule removed."""
    kept = [i for i, (line, r) in enumerate(zip(doc.lines, doc.removed, strict=True)) if line and not r]
    r = rendered(doc)
    out: list[float | None] = [None] * len(doc.lines)
    for i, score in zip(kept, model.scores(r.lines, r.removed), strict=True):
        out[i] = score
    return out


def predictions(doc: Doc, model: LineModel) -> tuple[dict[str, list[bool]], list[float | None]]:
    by_model = model_removed(doc, model, model.threshold_html if doc.view == "extracted" else model.threshold)
    return {
        "keep all": [False] * len(doc.lines),
        "rules": list(doc.removed),
        "rules+model": with_closing_note(doc, [r or m for r, m in zip(doc.removed, by_model, strict=True)], model),
        "jusText": justext_boilerplate(doc.lines),
        "C4 rule": c4_boilerplate(doc.lines),
    }, rendered_scores(doc, model)


def auc(pairs: Sequence[tuple[int, float]]) -> float | None:
    """ROC AUC of scores for boilerplate (label 0) against main text (label 1), ties halved."""
    ranked = sorted(pairs, key=lambda p: p[1])
    pos = sum(1 for y, _ in ranked if y == 0)
    neg = len(ranked) - pos
    if not pos or not neg:
        return None
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][1] == ranked[i][1]:
            j += 1
        mid = (i + j + 1) / 2  # average 1-based rank of the tie group
        rank_sum += mid * sum(1 for y, _ in ranked[i:j] if y == 0)
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


class Tally:
    def __init__(self) -> None:
        self.counts = {s: [0, 0, 0, 0] for s in SYSTEMS}  # tp fp fn tn, boilerplate positive
        self.pairs: list[tuple[int, float]] = []
        self.lines = 0

    def add(self, labels: Sequence[int | None], preds: dict[str, list[bool]], scores: Sequence[float | None]) -> None:
        for n, label in enumerate(labels):
            if label is None:
                continue
            self.lines += 1
            for system, pred in preds.items():
                c = self.counts[system]
                c[(0 if label == 0 else 1) if pred[n] else (2 if label == 0 else 3)] += 1
            if scores[n] is not None:
                self.pairs.append((label, float(scores[n])))  # type: ignore[arg-type]

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lines": self.lines, "scored": len(self.pairs) / max(self.lines, 1), "auc": auc(self.pairs)}
        for system, (tp, fp, fn, tn) in self.counts.items():
            out[system] = {
                "accuracy": (tp + tn) / max(self.lines, 1),
                "bp_precision": tp / (tp + fp) if tp + fp else None,
                "bp_recall": tp / (tp + fn) if tp + fn else None,
                "main_kept": tn / (tn + fp) if tn + fp else None,
            }
        return out


def evaluate_split(docs: Sequence[Doc], model: LineModel) -> dict[str, dict[str, Any]]:
    tallies: dict[str, Tally] = {}
    for doc in docs:
        preds, scores = predictions(doc, model)
        tallies.setdefault(doc.view, Tally()).add(doc.labels, preds, scores)
    overall = Tally()
    for view, t in tallies.items():
        if view not in OVERALL_VIEWS:
            continue
        for system, counts in t.counts.items():
            overall.counts[system] = [a + b for a, b in zip(overall.counts[system], counts, strict=True)]
        overall.pairs += t.pairs
        overall.lines += t.lines
    if sum(view in OVERALL_VIEWS for view in tallies) > 1:
        tallies["overall"] = overall
    return {name: tallies[name].figures() for name in sorted(tallies, key=VIEW_ORDER.index)}


#: The order of the tables (``overall``: :data:`~training.train_line_model.OVERALL_VIEWS` pooled).
VIEW_ORDER = ("page", "extracted", "overall", "article", "text")


# ---------------------------------------------------------------------------- plain text, first contact


#: Labelled plain-text corpora: those looked at while the model was made, and the fresh ones,
#: written blind, reported apart with their status (training/corpora.py: which were tuned on,
#: which never were, which one is held out now). A corpus reserved for the next release is
#: left out: running this benchmark must not spend its first contact.
SEEN_CORPORA = ("corpus", "corpus_dev", "corpus_holdout")
FRESH_CORPORA = {c.name: c.note for c in CORPORA if c.name not in SEEN_CORPORA and c.status != RESERVED}


def corpus_docs(names: Sequence[str] = SEEN_CORPORA) -> list[Doc]:
    """The labelled scraped articles of tests/NAME/: B boilerplate, T and P main text."""
    rules = Strip(CleanOptions()).rules
    docs = []
    for path in sorted(p for name in names for p in (ROOT / "tests" / name).glob("*.txt")):
        pairs = labelled_corpus_lines(path)
        lines = [" ".join(text.split()) for text, _ in pairs]
        labels = [label for _, label in pairs]
        kept, removals, _, _ = strip_boilerplate("\n".join(lines), rules, timeout=None)
        removed = [not k and bool(t) for k, t in zip(kept, lines, strict=True)]
        model_lines = [t if r else k for t, k, r in zip(lines, kept, removed, strict=True)]
        docs.append(Doc(path.parent.name + "/" + path.name, "text", path.parent.name, model_lines, labels, removed,
                        removed_by=removing_rules(removals, removed)))
    return docs


def seed_changes(model: LineModel) -> list[str]:
    """What the model removes in fixtures/seeds (unlabelled, plain text) beyond the rules."""
    rules = Strip(CleanOptions()).rules
    out = []
    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        lines = [" ".join(line.split()) for line in path.read_text(encoding="utf-8").split("\n")]
        kept, _, _, _ = strip_boilerplate("\n".join(lines), rules, timeout=None)
        for n, score in model_removals(model, kept, model.threshold, protect_title=True):
            out.append(f"  {path.name}:{n + 1} removed ({score:.2f}) {kept[n][:90]}")
    return out


# ---------------------------------------------------------------------------- report


def _fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def print_table(name: str, figures: dict[str, dict[str, Any]], out: Any = sys.stdout) -> None:
    print(f"\n## {name}\n", file=out)
    print("| view | lines | system | accuracy | bp precision | bp recall | main kept | model AUC (scored) |", file=out)
    print("|---|---:|---|---:|---:|---:|---:|---:|", file=out)
    for view, figs in figures.items():
        for system in SYSTEMS:
            f = figs[system]
            extra = f"{_fmt(figs['auc'])} ({figs['scored']:.0%})" if system == "rules+model" else ""
            print(f"| {view} | {figs['lines']:,} | {system} | {_fmt(f['accuracy'])} | {_fmt(f['bp_precision'])} | "
                  f"{_fmt(f['bp_recall'])} | {_fmt(f['main_kept'])} | {extra} |", file=out)


def speed(count: int, model_path: Path | None) -> None:
    import tempfile

    from benchmarks.generate_corpus import generate
    from pipeline.chain import Chain
    from pipeline.document import Document
    from pipeline.linemodel.model import _load

    _load.cache_clear()
    started = time.perf_counter()
    model = LineModel.load(model_path)
    loaded = time.perf_counter() - started
    rules = Strip(CleanOptions()).rules
    prepare = Chain(CleanOptions(), ["prepare"])
    with tempfile.TemporaryDirectory() as tmp:
        raw = [(p, p.read_bytes()) for p in generate(Path(tmp), count)]
    docs = []  # each document's lines after the rules (removed ones blank), as the stage gets them
    for path, data in raw:
        text = prepare(Document(id=str(path), path=str(path), raw=data, format="text")).text
        kept, _, _, _ = strip_boilerplate(text, rules, timeout=None)
        docs.append(kept)
    texts = [[line for line in kept if line] for kept in docs]  # the rendered lines

    def chain_run() -> None:
        chain = Chain(CleanOptions())
        for _ in chain.stream((i, Document(id=str(p), path=str(p), raw=d, format="text")) for i, (p, d) in enumerate(raw)):
            pass

    def stage_warm() -> None:
        for kept in docs:
            model_removals(model, kept, model.threshold, protect_title=True)

    def stage_cold() -> None:
        for kept in docs:
            model._cache.clear()
            model_removals(model, kept, model.threshold, protect_title=True)

    def scores_cold() -> None:
        for lines in texts:
            model._cache.clear()
            model.scores(lines, [False] * len(lines))

    best = {}
    for name, run in (("chain", chain_run), ("warm", stage_warm), ("cold", stage_cold), ("scores", scores_cold)):
        times = []
        for _ in range(3):
            started = time.process_time()
            run()
            times.append(time.process_time() - started)
        best[name] = min(times) / len(docs) * 1e6
    nonblank = sum(len(lines) for lines in texts)
    scored = sum(1 for lines in texts for s in model.scores(lines, [False] * len(lines)) if s is not None)
    removed = sum(len(model_removals(model, kept, model.threshold, protect_title=True)) for kept in docs)
    print(f"line model {model.sha256[:12]}: {model_file_size(model_path):,} bytes, loaded in {loaded * 1000:.1f} ms")
    print(f"{len(docs):,} generated documents, {nonblank:,} lines left by the rules: the model scores {scored:,} "
          f"({scored / max(nonblank, 1):.1%}), the gates skip the rest; it removes {removed:,}")
    print(f"the stage's decision (every round), line cache warm: {best['warm']:.1f} us a document; cold: "
          f"{best['cold']:.1f} us a document; one scoring, cold: {best['scores']:.1f} us a document")
    print(f"the whole chain (decode to normalize) in this process: {best['chain']:.0f} us a document; the model "
          f"warm is {best['warm'] / best['chain']:.1%} of it, cold {best['cold'] / best['chain']:.1%}")


def model_file_size(path: Path | None) -> int:
    from pipeline.linemodel import DEFAULT_PATH

    return (path or DEFAULT_PATH).stat().st_size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the directory python -m training.make_lines wrote")
    parser.add_argument("--model", type=Path, default=None, help="a model file (default: the shipped one)")
    parser.add_argument("--splits", nargs="+", default=["test", "test-external"])
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--no-fresh", action="store_true",
                        help="leave out tests/corpus_fresh* (while choosing anything: corpus_fresh5 is first contact)")
    parser.add_argument("--speed", action="store_true", help="time the model on a generated corpus instead")
    parser.add_argument("--count", type=int, default=3000, help="--speed: documents to generate (default 3000)")
    args = parser.parse_args(argv)
    if args.speed:
        speed(args.count, args.model)
        return 0
    if args.data is None:
        parser.error("--data is required (or --speed)")
    check_extraction(args.data)
    model = LineModel.load(args.model)
    print(f"line model {model.sha256[:12]}: threshold {model.threshold}, for HTML input {model.threshold_html}, "
          f"gate {model.gate_chars} characters")
    report: dict[str, Any] = {"model": model.sha256, "threshold": model.threshold,
                              "threshold_html": model.threshold_html}
    for split in args.splits:
        if split in ("train",):
            raise SystemExit("the train split is not held out")
        started = time.perf_counter()
        raw = read_split(args.data, split)
        if split != "test-external":  # (its pages have a few labelled lines each: too few for an article)
            raw += article_documents(raw)
        figures = evaluate_split(after_rules(raw), model)
        report[split] = figures
        print_table(f"{split} ({time.perf_counter() - started:.0f} s)", figures)
    figures = evaluate_split(corpus_docs(SEEN_CORPORA), model)
    report["tests/corpus*"] = figures
    print_table("plain text: tests/corpus, corpus_dev, corpus_holdout (development corpora: the rules were "
                "written on them, the model trained on them)", figures)
    for name, status in FRESH_CORPORA.items():
        if not args.no_fresh and (ROOT / "tests" / name).is_dir():
            figures = evaluate_split(corpus_docs((name,)), model)
            report[f"tests/{name}"] = figures
            print_table(f"plain text: tests/{name} ({status})", figures)
    changes = seed_changes(model)
    print(f"\n## fixtures/seeds: {len(changes)} lines removed by the model\n")
    print("\n".join(changes))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
