"""Train the line model (issue 11) and write the shipped model file.

    python -m training.train_line_model --data /work/cache/training --out pipeline/linemodel/line_model.json.gz
    python -m training.train_line_model --data DIR --compare     # the learner comparison (dev and test)

Reads ``train.jsonl.gz`` and ``dev.jsonl.gz`` made by ``python -m training.make_lines``
(never ``test`` or ``test-external``, except that ``--compare`` reports on ``test``
once its candidates are fixed), makes the ``article`` view of each page from its ``page``
view (:mod:`training.article_view`: the page's main text as a plain-text article with the
page's own boilerplate injected at the top, between paragraphs and at the end), and adds
the development corpora's labelled articles as the ``news`` view (train only,
:func:`news_documents`). Steps:

1. **The rules first**, as the chain runs them: every document's lines go through
   ``strip_boilerplate`` with the built-in rules (:func:`after_rules`). The model is
   trained on what the stage then hands it (:func:`rendered`): the lines the rules kept,
   in order (a line a ``strip_match`` rule cut, with what is left), the lines they removed
   deleted with their labels, and the removed mask all False. That is the rendered text,
   which a second cleaning sees too (the stage scores it so that cleaning stays idempotent).
2. **Own step**: a logistic regression (scikit-learn, liblinear, L2) on the keys of
   :mod:`pipeline.linemodel.features` plus the context keys, over the labelled lines of
   the train split, every view, the ``extracted`` view weighted ``EXTRACTED_WEIGHT``
   (it is what HTML input looks like at run time, and has a quarter of the lines) and
   the ``news`` view ``NEWS_WEIGHT``.
   The lines the model does not score at run time (long prose, table rows, the
   leading headline) are left out, as are lexical keys seen on fewer than
   ``MIN_PAGES`` training pages (no page's own text gets into the model, and rare
   keys only overfit).
3. **Revision step**: a logistic regression on :func:`revision_inputs`, trained on
   own logits that are *cross-fitted* (each page scored by an own model that never
   saw it, ``FOLDS`` folds by page), over the whole documents and random crops of
   10-80 lines of them. Neither step has any feature of a line's position. (The
   inputs about rule removals are always 0 in the rendered context: their weights
   come out 0.)
4. **Thresholds** on the dev split, with the shipped code path (:class:`LineModel`,
   rounded weights) and the stage's own decision
   (:func:`pipeline.stages.line_model.model_removals`: rounds until nothing more goes,
   the leading headline of plain text and subheadings protected): the lowest threshold
   at which the lines the model removes are boilerplate at least ``PRECISION_TEXT`` of
   the time for plain text (the ``page`` and ``article`` views pooled), ``PRECISION`` for
   HTML input (the ``extracted`` view).

The output is gzip'd JSON with sorted keys, weights rounded to ``DIGITS`` decimals and
a zero gzip time stamp: the same data and library versions give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.document import removing_rules
from pipeline.linemodel.features import line_keys
from pipeline.linemodel.model import (
    FORMAT_VERSION,
    REVISION_INPUTS,
    SCORED,
    LineModel,
    context_keys,
    document_inputs,
    line_kinds,
    revision_inputs,
    tail_start,
)
from pipeline.options import CleanOptions
from pipeline.stages.line_model import Scorer, model_removals
from pipeline.stages.strip import Strip, strip_boilerplate
from training.article_view import article_documents
from training.corpora import DEVELOPMENT, with_status
from training.make_lines import check_extraction

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "pipeline" / "linemodel" / "line_model.json.gz"

SEED = 11
#: Lines of this many characters or more that end as a sentence are not scored.
GATE_CHARS = 40
#: A lexical key (word, word pair, short line) must be seen on this many training pages.
MIN_PAGES = 3
#: The views of the training data: two from python -m training.make_lines, the ``article`` view
#: made here from the first (training/article_view.py), and the ``news`` view, the development
#: corpora's articles (:func:`news_documents`; train only).
VIEWS = ("page", "extracted", "article", "news")
#: The views pooled as "overall" in the figures: a real page's two views (the article view is made
#: from the page view's lines, and is reported beside them).
OVERALL_VIEWS = ("page", "extracted")
#: The project's development corpora (the rules were written or widened on them; training/corpora.py),
#: never the ones held out or never tuned on.
NEWS_CORPORA = tuple(c.path for c in with_status(DEVELOPMENT))
#: A line of the ``news`` view counts this many times (a few hundred short articles beside 779 pages' views).
NEWS_WEIGHT = 5.0
#: The views whose dev documents choose the threshold for plain text, and for HTML input.
TEXT_VIEWS = ("page", "article")
HTML_VIEWS = ("extracted",)
#: Inverse regularisation strength of the own step (chosen on dev).
C_OWN = 0.5
C_REVISION = 1.0
EXTRACTED_WEIGHT = 2.0
FOLDS = 5
#: Crops per document (of 10-80 lines) added to the revision step's training data.
CROPS = 2
CROP_MIN, CROP_MAX = 10, 80
#: Weights are rounded to this many decimals, and keys whose weight rounds to 0 dropped.
DIGITS = 3
#: The thresholds: the model's removals on dev are boilerplate at least this often, for plain
#: text (the page and article views pooled), and for HTML input (the extracted view). For HTML
#: the bar is high: the extractors have already removed most of the page's furniture, the
#: extracted view of dev holds few removals to judge by (13 at 0.87, all boilerplate), and on
#: the trafilatura evaluation set's tune half every lower threshold lost more of the article
#: than it removed of the rest (snippet F1 0.938 at 0.87, 0.940 at 0.90, 0.942 at 0.95, 0.944
#: at 0.99, with the model of sha256 49e43d66).
PRECISION_TEXT = 0.85
PRECISION = 0.95
#: jusText stoplists whose union is the model's stopword list (lists of inflected forms, thousands of
#: words long, and lists that hold common English web words such as "video" or "top" are left out).
STOPLIST_LANGUAGES = ("English", "German", "French", "Spanish", "Portuguese", "Italian", "Dutch", "Swedish",
                      "Danish", "Norwegian_Bokmal", "Romanian", "Greek")
#: English words of jusText's English stoplist that are also menu words: not stopwords here.
NOT_STOPWORDS = frozenset({"home", "more", "about", "top", "next"})


@dataclass
class Doc:
    """One document of the training data, after the rules: every line, the text a rule removed
    kept and marked in ``removed`` (:func:`after_rules`), or only the lines the rules kept
    (:func:`rendered`)."""

    page: str
    view: str
    dataset: str
    lines: list[str]
    labels: list[int | None]
    removed: list[bool]
    keys: list[list[str] | None] = field(default_factory=list)  # own keys of each non-blank line
    #: the id of the rule that removed each line (None: kept), where :func:`after_rules` recorded
    #: it: the benchmark's closing-note decision counts a block rule's lines as one piece
    removed_by: list[str | None] = field(default_factory=list)


def news_documents(corpora: Sequence[Path] = NEWS_CORPORA) -> list[Doc]:
    """The labelled plain-text articles of the project's development corpora (the format of
    ``tests/corpus/README.md``) as documents of the ``news`` view, as they are before the rules:
    every line, so that the own step learns the words and shapes of news widgets that the rules
    catch as well as of those they miss, and the revision step sees boilerplate alone between
    paragraphs. A ``B`` line is boilerplate, a ``T`` or ``P`` line main text (a ``K`` line is
    only the remainder of the ``P`` line before it)."""
    docs = []
    for corpus in corpora:
        for path in sorted(corpus.glob("*.txt")):
            pairs = [(text.strip(), label) for text, label in labelled_corpus_lines(path) if label is not None]
            docs.append(Doc(f"{corpus.name}/{path.name}", "news", corpus.name, [t for t, _ in pairs],
                            [label for _, label in pairs], [False] * len(pairs)))
    return docs


def labelled_corpus_lines(path: Path) -> list[tuple[str, int | None]]:
    """Each source line of a labelled corpus file (the format of ``tests/corpus/README.md``), in
    order, as it is written, with its label: ``B`` 0, ``T`` and ``P`` 1, a blank line ``("", None)``.
    Header lines and ``K`` lines (what is left of the ``P`` line before them) are no source lines."""
    out: list[tuple[str, int | None]] = []
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("# ") or raw.startswith("K "):
            continue
        tag, text = raw[:2], raw[2:]
        if tag in ("B ", "T ", "P ") and text.strip():
            out.append((text, 0 if tag == "B " else 1))
        else:
            out.append(("", None))
    return out


def view_weight(view: str, extracted_weight: float = EXTRACTED_WEIGHT) -> float:
    """How much a line of ``view`` counts in both fits."""
    return extracted_weight if view == "extracted" else NEWS_WEIGHT if view == "news" else 1.0


def read_split(data: Path, split: str) -> list[dict[str, Any]]:
    with gzip.open(data / f"{split}.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def after_rules(raw: Iterable[dict[str, Any]]) -> list[Doc]:
    """Each document's lines after the rules: a line a rule removed keeps its original text and
    is marked ``removed``, a line a ``strip_match`` rule cut keeps what is left. The rules run
    without their time limit (the chain's default 0.25 s a line): on a busy machine a rule could
    otherwise give up on a long line in one run and not in the next, and the model would differ."""
    rules = Strip(CleanOptions()).rules
    docs = []
    for d in raw:
        texts = [line["text"] for line in d["lines"]]
        kept, removals, _, _ = strip_boilerplate("\n".join(texts), rules, timeout=None)
        removed = [not k and bool(t) for k, t in zip(kept, texts, strict=True)]
        lines = [t if r else k for t, k, r in zip(texts, kept, removed, strict=True)]
        docs.append(Doc(d["id"], d["view"], d["dataset"], lines, [line["label"] for line in d["lines"]], removed,
                        removed_by=removing_rules(removals, removed)))
    return docs


def rendered(doc: Doc) -> Doc:
    """What the stage scores: the lines the rules kept, in order, with their labels; the removed
    mask all False."""
    keep = [i for i, (line, r) in enumerate(zip(doc.lines, doc.removed, strict=True)) if line and not r]
    return Doc(doc.page, doc.view, doc.dataset, [doc.lines[i] for i in keep], [doc.labels[i] for i in keep],
               [False] * len(keep))


def model_removed(doc: Doc, model: Scorer, threshold: float) -> list[bool]:
    """Which lines of ``doc`` (from :func:`after_rules`) the line-model stage removes beyond the
    rules at ``threshold``: exactly the stage's decision (:func:`model_removals`) on the text the
    rules left. The ``extracted`` view is HTML input (no leading-headline protection; the stage
    takes the model's ``threshold_html`` for it), the others plain text. The rules' removals go
    along, as the stage passes them (a label right above furniture they removed is no subheading)."""
    kept = ["" if r else line for line, r in zip(doc.lines, doc.removed, strict=True)]
    out = [False] * len(kept)
    for i, _ in model_removals(model, kept, threshold, protect_title=doc.view != "extracted",
                               removed_by_rules=doc.removed):
        out[i] = True
    return out


def stopwords() -> list[str]:
    import justext

    words: set[str] = set()
    for language in STOPLIST_LANGUAGES:
        words |= {w.lower() for w in justext.get_stoplist(language)}
    return sorted(words - NOT_STOPWORDS)


def fold_of(page: str) -> int:
    return int.from_bytes(hashlib.sha256(page.encode()).digest()[:8], "big") % FOLDS


# ---------------------------------------------------------------------------- the own step


Example = tuple[int, int, list[str], list[str], float]


def own_examples(docs: Sequence[Doc], stop: frozenset[str]) -> list[Example]:
    """(document index, line index, keys worth 1, lexical keys, their worth) of every line the
    own step scores (labelled or not)."""
    out = []
    for n, doc in enumerate(docs):
        order = [i for i, line in enumerate(doc.lines) if line and not line.isspace()]
        flags = [doc.removed[i] for i in order]
        kinds = line_kinds([doc.lines[i] for i in order], flags, GATE_CHARS)
        tail = tail_start(kinds)
        for k, i in enumerate(order):
            if kinds[k] == SCORED:
                keys, lexical, scale = line_keys(doc.lines[i], stop)
                out.append((n, i, keys + context_keys(flags, kinds, k, tail, doc.lines[i]), lexical, scale))
    return out


def vocabulary(docs: Sequence[Doc], examples: Sequence[Example]) -> list[str]:
    """The keys the own step uses: every non-lexical key, and lexical ones seen on MIN_PAGES pages."""
    pages: dict[str, set[str]] = {}
    for n, _, keys, lexical, _ in examples:
        page = docs[n].page
        for key in keys + lexical:
            seen = pages.get(key)
            if seen is None:
                pages[key] = {page}
            elif len(seen) < MIN_PAGES:
                seen.add(page)
    return sorted(k for k, p in pages.items() if k[0] not in "ubs" or len(p) >= MIN_PAGES)


def fit_own(docs: Sequence[Doc], examples: Sequence[Example], vocab: Sequence[str],
            c: float = C_OWN, extracted_weight: float = EXTRACTED_WEIGHT) -> tuple[float, dict[str, float]]:
    """The own step's bias and weights (rounded, zeros dropped), fitted on the labelled examples."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    index = {k: j for j, k in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    y, w = [], []
    r = 0
    for n, i, keys, lexical, scale in examples:
        label = docs[n].labels[i]
        if label is None:
            continue
        # a key twice on a line counts twice (the COO matrix sums duplicates), as it does when scoring
        js = [index[k] for k in keys if k in index]
        ls = [index[k] for k in lexical if k in index]
        rows += [r] * (len(js) + len(ls))
        cols += js + ls
        vals += [1.0] * len(js) + [scale] * len(ls)
        y.append(1 - label)  # 1: boilerplate
        w.append(view_weight(docs[n].view, extracted_weight))
        r += 1
    x = csr_matrix((np.array(vals), (rows, cols)), shape=(r, len(vocab)))
    model = LogisticRegression(C=c, solver="liblinear", random_state=SEED, max_iter=1000)
    model.fit(x, np.array(y), sample_weight=np.array(w))
    weights = {k: round(float(v), DIGITS) for k, v in zip(vocab, model.coef_[0], strict=True)}
    return round(float(model.intercept_[0]), DIGITS), {k: v for k, v in weights.items() if v != 0.0}


def tail_line_of(doc: Doc) -> int:
    """The index in ``doc.lines`` where the whole document's tail starts (:func:`tail_start`;
    ``len(doc.lines)`` if it has none): a crop of the document takes its tail from there, not from
    the crop's own last paragraph."""
    order = [i for i, line in enumerate(doc.lines) if line and not line.isspace()]
    tail = tail_start(line_kinds([doc.lines[i] for i in order], [doc.removed[i] for i in order], GATE_CHARS))
    return order[tail] if tail < len(order) else len(doc.lines)


# ---------------------------------------------------------------------------- the revision step


def revision_rows(doc: Doc, lo: int, hi: int, scorer: LineModel,
                  tail_line: int) -> tuple[list[list[float]], list[int], list[str]]:
    """The revision inputs and labels of the labelled, scored lines of ``doc[lo:hi]`` (own logits
    as the run-time code computes them; ``tail_line``: :func:`tail_line_of`), and the view each
    comes from."""
    order, kinds, own = scorer.own_logits(doc.lines[lo:hi], doc.removed[lo:hi], tail_line - lo)
    flags = [doc.removed[lo + i] for i in order]
    xs, ys = [], []
    document = document_inputs(own, kinds, flags)
    for k, i in enumerate(order):
        label = doc.labels[lo + i]
        if kinds[k] or label is None:
            continue
        xs.append(revision_inputs(own, kinds, flags, k, document))
        ys.append(1 - label)
    return xs, ys, [doc.view] * len(ys)


def crops(doc: Doc, rng: random.Random, count: int = CROPS) -> list[tuple[int, int]]:
    """The whole document and ``count`` random windows of CROP_MIN..CROP_MAX lines of it."""
    n = len(doc.lines)
    out = [(0, n)]
    if n > CROP_MIN + 5:
        for _ in range(count):
            size = rng.randint(CROP_MIN, min(CROP_MAX, n - 1))
            start = rng.randint(0, n - size)
            out.append((start, start + size))
    return out


def fit_revision(xs: Sequence[Sequence[float]], ys: Sequence[int], views: Sequence[str],
                 c: float = C_REVISION, extracted_weight: float = EXTRACTED_WEIGHT) -> tuple[float, list[float]]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, solver="lbfgs", max_iter=2000)
    w = np.array([view_weight(view, extracted_weight) for view in views])
    model.fit(np.array(xs), np.array(ys), sample_weight=w)
    return round(float(model.intercept_[0]), DIGITS), [round(float(v), DIGITS) for v in model.coef_[0]]


# ---------------------------------------------------------------------------- the model file


def model_data(stop: Sequence[str], own: tuple[float, dict[str, float]], revision: tuple[float, list[float]],
               threshold: float = 0.5, threshold_html: float = 0.5,
               meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "gate_chars": GATE_CHARS,
        "stopwords": list(stop),
        "own": {"bias": own[0], "weights": own[1]},
        "revision": {"inputs": list(REVISION_INPUTS), "bias": revision[0], "weights": revision[1]},
        "threshold": threshold,
        "threshold_html": threshold_html,
        "meta": meta or {},
    }


def encode(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def as_model(data: dict[str, Any]) -> LineModel:
    return LineModel.from_bytes(encode(data))


# ---------------------------------------------------------------------------- choosing on dev


Row = tuple[str, int, bool, bool]  # view, label, removed by a rule, removed by the model


def verdicts(docs: Sequence[Doc], model: Scorer, threshold: float, threshold_html: float | None = None) -> list[Row]:
    """(view, label, removed by a rule, removed by the model) of every labelled line of ``docs``
    (from :func:`after_rules`), the model deciding as the stage does (``threshold_html``, if
    given, for the ``extracted`` view)."""
    out = []
    for doc in docs:
        t = threshold_html if threshold_html is not None and doc.view == "extracted" else threshold
        by_model = model_removed(doc, model, t)
        for label, r, m in zip(doc.labels, doc.removed, by_model, strict=True):
            if label is not None:
                out.append((doc.view, label, r, m))
    return out


def choose_threshold(docs: Sequence[Doc], model: Scorer, precision: float = PRECISION) -> float:
    """The lowest threshold (in steps of 0.01, from 0.3) at which the lines of ``docs`` the model
    removes (beyond the rules, as the stage decides) are boilerplate at least ``precision`` of the
    time, counting one more removal as if it had been wrong.

    Why the extra wrong line: on dev's ``extracted`` view the model removes only a few dozen
    lines, and a threshold can reach 90% by chance (20 of 22 lines) where the next ones fall
    below; a threshold chosen so removed article text on other sites' pages. On the plain-text
    views, thousands of removals, one line more changes nothing."""
    for step in range(30, 100):
        t = step / 100
        hits = [label for _, label, _, m in verdicts(docs, model, t) if m]
        if not hits or hits.count(0) / (len(hits) + 1) >= precision:
            return t
    return 0.99


def thresholds(dev_docs: Sequence[Doc], model: Scorer) -> tuple[float, float]:
    """The thresholds for plain text and for HTML input, chosen on the dev documents."""
    return (choose_threshold([doc for doc in dev_docs if doc.view in TEXT_VIEWS], model, PRECISION_TEXT),
            choose_threshold([doc for doc in dev_docs if doc.view in HTML_VIEWS], model, PRECISION))


def line_figures(rows: Sequence[Row]) -> dict[str, float]:
    """Accuracy, boilerplate precision and recall, main text kept of rules + model."""
    tp = sum(1 for _, y, r, m in rows if (r or m) and y == 0)
    fp = sum(1 for _, y, r, m in rows if (r or m) and y == 1)
    fn = sum(1 for _, y, r, m in rows if not (r or m) and y == 0)
    tn = len(rows) - tp - fp - fn
    return {"accuracy": (tp + tn) / max(len(rows), 1), "precision": tp / max(tp + fp, 1),
            "recall": tp / max(tp + fn, 1), "main_kept": tn / max(tn + fp, 1)}


# ---------------------------------------------------------------------------- training


def train(data_dir: Path, log: Any = sys.stderr, c_own: float = C_OWN, extracted_weight: float = EXTRACTED_WEIGHT,
          crops_per_doc: int = CROPS, revision: bool = True, article_view: bool = True,
          news_corpora: Sequence[Path] = NEWS_CORPORA,
          keep: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Doc]]:
    """The model's data (threshold chosen on dev), and the dev documents (:func:`after_rules`).
    ``keep``, if given, receives the revision step's training rows (for the learner comparison)."""
    started = time.perf_counter()
    train_raw = read_split(data_dir, "train")
    dev_raw = read_split(data_dir, "dev")
    if article_view:
        train_raw += article_documents(train_raw)
        dev_raw += article_documents(dev_raw)
    train_docs = [rendered(doc) for doc in after_rules(train_raw)]
    if news_corpora:
        train_docs += news_documents(news_corpora)
    dev_docs = after_rules(dev_raw)
    stop = stopwords()
    stopset = frozenset(stop)
    examples = own_examples(train_docs, stopset)
    vocab = vocabulary(train_docs, examples)
    print(f"{len(train_docs)} training documents, {len(examples)} scored lines, {len(vocab)} keys "
          f"({time.perf_counter() - started:.1f} s)", file=log)

    # cross-fitted own logits for the revision step
    folds = [fold_of(doc.page) for doc in train_docs]
    fold_models = []
    for f in range(FOLDS):
        own = fit_own(train_docs, [e for e in examples if folds[e[0]] != f], vocab, c_own, extracted_weight)
        fold_models.append(as_model(model_data(stop, own, (0.0, [0.0] * len(REVISION_INPUTS)))))
    rng = random.Random(SEED)
    xs: list[list[float]] = []
    ys: list[int] = []
    ex: list[str] = []
    for doc, f in zip(train_docs, folds, strict=True):
        tail_line = tail_line_of(doc)
        for lo, hi in crops(doc, rng, crops_per_doc):
            x, y, e = revision_rows(doc, lo, hi, fold_models[f], tail_line)
            xs += x
            ys += y
            ex += e
    own = fit_own(train_docs, examples, vocab, c_own, extracted_weight)
    if keep is not None:
        keep.update(xs=xs, ys=ys, views=ex)
    if revision:
        rev = fit_revision(xs, ys, ex, extracted_weight=extracted_weight)
    else:  # the own step alone: the revision passes the own logit through
        rev = (0.0, [1.0] + [0.0] * (len(REVISION_INPUTS) - 1))
    print(f"own step: {len(own[1])} weights; revision on {len(ys)} lines "
          f"({time.perf_counter() - started:.1f} s)", file=log)

    data = model_data(stop, own, rev)
    model = as_model(data)
    threshold, threshold_html = thresholds(dev_docs, model)
    data["threshold"], data["threshold_html"] = threshold, threshold_html
    rows = verdicts(dev_docs, model, threshold, threshold_html)
    dev = {view: line_figures([r for r in rows if r[0] == view]) for view in VIEWS if any(r[0] == view for r in rows)}
    data["meta"] = {
        "trained_on": "train split (wceb-dev: page and extracted views from python -m training.make_lines, the "
                      "article view made from the page view; the lines the rules kept, the rendered text) and the "
                      "development corpora's articles (news view: " + ", ".join(c.name for c in news_corpora) + ")",
        "chosen_on": "dev split, as the line-model stage decides",
        "dev": {view: {k: round(v, 4) for k, v in figs.items()} for view, figs in dev.items()},
        "params": {"gate_chars": GATE_CHARS, "min_pages": MIN_PAGES, "c_own": c_own, "c_revision": C_REVISION,
                   "extracted_weight": extracted_weight, "folds": FOLDS, "crops": crops_per_doc,
                   "precision": PRECISION, "precision_text": PRECISION_TEXT, "news_weight": NEWS_WEIGHT,
                   "article_view": article_view, "seed": SEED},
    }
    print(f"threshold {threshold}, for HTML input {threshold_html}; dev: {data['meta']['dev']} "
          f"({time.perf_counter() - started:.1f} s)", file=log)
    return data, dev_docs


# ---------------------------------------------------------------------------- the learner comparison


class _TreeRevision:
    """The shipped own step with a gradient-boosted trees revision, scored as :class:`LineModel`."""

    def __init__(self, model: LineModel, trees: Any) -> None:
        self.model, self.trees = model, trees

    def scores(self, lines: Sequence[str], removed: Sequence[bool], *,
               score_removed: bool = True) -> list[float | None]:
        import numpy as np

        order, kinds, own = self.model.own_logits(lines, removed)
        flags = [bool(removed[i]) for i in order]
        document = document_inputs(own, kinds, flags)
        out: list[float | None] = [None] * len(lines)
        ks = [k for k in range(len(order)) if kinds[k] == SCORED and (score_removed or not flags[k])]
        if ks:
            x = np.array([revision_inputs(own, kinds, flags, k, document) for k in ks])
            for k, p in zip(ks, self.trees.predict_proba(x)[:, 1], strict=True):
                out[order[k]] = float(p)
        return out


def compare(data_dir: Path, out: Any = sys.stdout) -> None:
    """Train the candidate learners and print their figures on dev (where each one's threshold is
    chosen by the same rule as the shipped model's) and on test, each deciding as the stage does."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    keep: dict[str, Any] = {}
    two_step, dev_docs = train(data_dir, keep=keep)
    own_only, _ = train(data_dir, revision=False)
    test_raw = read_split(data_dir, "test")
    test_docs = after_rules(test_raw + article_documents(test_raw))
    model = as_model(two_step)

    trees = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, max_leaf_nodes=31, random_state=SEED)
    weights = np.array([view_weight(view) for view in keep["views"]])
    trees.fit(np.array(keep["xs"]), np.array(keep["ys"]), sample_weight=weights)

    candidates: dict[str, Scorer] = {
        "LR own step only": as_model(own_only),
        "LR own + LR revision (shipped)": model,
        "LR own + gradient-boosted trees revision": _TreeRevision(model, trees),
    }
    print("| learner | split | view | thresholds (text / HTML) | accuracy | bp precision | bp recall | main kept | AUC (scored) |",
          file=out)
    print("|---|---|---|---:|---:|---:|---:|---:|---:|", file=out)
    for name, scorer in candidates.items():
        threshold, threshold_html = thresholds(dev_docs, scorer)
        for split, docs in (("dev", dev_docs), ("test", test_docs)):
            rows = verdicts(docs, scorer, threshold, threshold_html)
            pairs = _score_pairs(docs, scorer)
            for view in ("page", "extracted", "overall", "article"):
                f = line_figures([row for row in rows if _in_view(row[0], view)])
                auc = _auc([(y, sc) for v, y, sc in pairs if _in_view(v, view)])
                print(f"| {name} | {split} | {view} | {threshold:.2f} / {threshold_html:.2f} | {f['accuracy']:.3f} | "
                      f"{f['precision']:.3f} | "
                      f"{f['recall']:.3f} | {f['main_kept']:.3f} | {auc:.3f} |", file=out)


def _in_view(view: str, table: str) -> bool:
    """Whether a line of ``view`` counts in the table row ``table`` ("overall": OVERALL_VIEWS)."""
    return view == table or (table == "overall" and view in OVERALL_VIEWS)


def _score_pairs(docs: Sequence[Doc], scorer: Scorer) -> list[tuple[str, int, float]]:
    """(view, label, score) of the labelled lines the model scores in the rendered text (the
    stage's first round)."""
    out = []
    for doc in docs:
        r = rendered(doc)
        for label, sc in zip(r.labels, scorer.scores(r.lines, r.removed), strict=True):
            if label is not None and sc is not None:
                out.append((doc.view, label, sc))
    return out


def _auc(pairs: Sequence[tuple[int, float]]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score([1 - y for y, _ in pairs], [sc for _, sc in pairs]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the directory python -m training.make_lines wrote")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the model file (default: the shipped one)")
    parser.add_argument("--compare", action="store_true",
                        help="instead of writing the model, print the learner comparison (dev and test)")
    args = parser.parse_args(argv)
    check_extraction(args.data)
    if args.compare:
        compare(args.data)
        return 0
    started = time.perf_counter()
    data, _ = train(args.data)
    raw = encode(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(raw)
    counts = Counter(k[0] for k in data["own"]["weights"])
    print(f"wrote {args.out}: {len(raw):,} bytes, sha256 {hashlib.sha256(raw).hexdigest()}, "
          f"{len(data['own']['weights'])} weights ({dict(sorted(counts.items()))}) "
          f"in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
