"""``boilerstrip evaluate``: score HTML extraction and cleaning against gold data.

Three public gold layouts are understood:

* **full-text gold** (the layout of ``../shared/datasets/wceb-dev``, pages
  converted as the Web Content Extraction Benchmark converts its data sets):
  ``gold.json`` maps a page id to its whole main text, ``meta.json`` maps it
  to ``{"dataset": ...}``, and the page is ``html/<dataset>/<id>.html``.
  Metrics, per page, as the benchmark scores: ROUGE-LSum on whitespace tokens
  (:mod:`pipeline.rouge`) and the cheaper bag-of-tokens F1; each figure is a
  mean over pages, overall and per data set.
* **article-body gold** (the ScrapingHub article-extraction-benchmark layout):
  a JSON object ``{doc_id: {"articleBody": ..., "url": ...}}`` with the pages
  at ``html/<doc_id>.html.gz`` beside it. Metric, per document: word 4-gram
  shingles (tokens are ``\\w+`` runs; a text of fewer than 4 tokens is one
  shingle), counted as multisets; true positives are the shared counts,
  false positives the predicted surplus, false negatives the gold surplus;
  the three are normalised to sum 1 so long documents weigh no more than
  short ones. Precision and recall are averaged over documents (precision
  over the documents with a non-empty prediction, recall over those with a
  non-empty gold text, as the benchmark's own script does; how many
  predictions were empty is reported beside it), and F1 is computed from
  the two averages. ROUGE-LSum and bag-of-tokens F1 are reported beside it.
* **snippet gold** (trafilatura's evaluation layout): ``evaldata.json`` maps
  a URL to ``{"file": ..., "with": [...], "without": [...]}`` with pages in
  ``html/``. A ``with`` snippet found in the output is a true positive (else a
  false negative), a ``without`` snippet found is a false positive (else a
  true negative); matching ignores runs of whitespace. Precision, recall and
  F1 are computed over all snippets together.

Every system sees the same bytes and URL; systems run alternately page by
page so that neither gets a warmer cache, and each page's time is recorded
(documents per second: pages over the system's total time). Besides
boilerstrip (in one or more ``--html-extractor`` modes), each single extractor
can run on the same pages (:data:`BASELINES`): trafilatura's own default
extraction, and Readability, Resiliparse and jusText as boilerstrip's
adapters call them, their text unchanged.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from pipeline.chain import Chain
from pipeline.document import Document
from pipeline.options import CleanOptions
from pipeline.rouge import bag_of_tokens, rouge_lsum
from pipeline.stages.metadata import detect_language

#: A system under evaluation: page bytes and URL in, extracted text out.
System = Callable[[bytes, "str | None"], "str | None"]

SHINGLE_SIZE = 4
# The benchmark tokenises with Python's own \w (the re module, Unicode-aware).
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


# --- gold data -----------------------------------------------------------------

@dataclass(frozen=True)
class GoldPage:
    """One page of a gold set and what its extraction should (and should not) contain."""

    id: str
    url: str | None
    html_path: Path
    article_body: str | None = None
    must_have: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    #: the data set a page of a full-text gold set comes from (``cleaneval``, ...)
    dataset: str | None = None

    @property
    def gold_text(self) -> str:
        return self.article_body if self.article_body is not None else " ".join(self.must_have)

    def read(self) -> bytes:
        if self.html_path.name.endswith(".gz"):
            with gzip.open(self.html_path, "rb") as stream:
                return stream.read()
        return self.html_path.read_bytes()


@dataclass(frozen=True)
class GoldSet:
    path: Path
    kind: str  # "full-text", "article-body" or "snippets"
    pages: tuple[GoldPage, ...]


class GoldError(ValueError):
    """The gold data is not in a layout ``evaluate`` understands."""


GOLD_FILES = ("evaldata.json", "ground-truth.json", "gold.json")


def load_gold(path: str | Path) -> GoldSet:
    """Load a gold set from its JSON file, or from a directory holding ``evaldata.json``
    (snippets), ``ground-truth.json`` (article bodies) or ``gold.json`` and ``meta.json`` (full text)."""
    path = Path(path)
    if path.is_dir():
        candidates = [path / name for name in GOLD_FILES if (path / name).is_file()]
        if not candidates:
            raise GoldError(f"{path}: no {', '.join(GOLD_FILES[:-1])} or {GOLD_FILES[-1]} in this directory")
        path = candidates[0]
    if path.name == "gold.json" and (path.parent / "meta.json").is_file():
        return _load_full_text(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{path}: cannot read gold data: {exc}") from None
    if not isinstance(data, dict) or not data or not all(isinstance(v, dict) for v in data.values()):
        raise GoldError(f"{path}: expected a JSON object mapping ids or URLs to objects")
    html_dir = path.parent / "html"
    first = next(iter(data.values()))
    if "articleBody" in first:
        pages = [GoldPage(id=key, url=item.get("url"), html_path=html_dir / f"{key}.html.gz",
                          article_body=item.get("articleBody") or "") for key, item in data.items()]
        return GoldSet(path, "article-body", tuple(pages))
    if "with" in first and "file" in first:
        pages = [GoldPage(id=key, url=key if "://" in key else None, html_path=html_dir / item["file"],
                          must_have=tuple(item.get("with", ())), must_not=tuple(item.get("without", ())))
                 for key, item in data.items()]
        return GoldSet(path, "snippets", tuple(pages))
    raise GoldError(f"{path}: entries have neither 'articleBody' nor 'file'/'with'/'without'")


def _load_full_text(path: Path) -> GoldSet:
    """The WCEB-style layout: gold.json ({id: text}), meta.json ({id: {dataset}}), html/<dataset>/<id>.html."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
        meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{path}: cannot read gold data: {exc}") from None
    if not isinstance(gold, dict) or not gold or not all(isinstance(v, str) for v in gold.values()):
        raise GoldError(f"{path}: expected a JSON object mapping page ids to their main text")
    pages = []
    for key in sorted(gold):
        dataset = (meta.get(key) or {}).get("dataset")
        if not isinstance(dataset, str):
            raise GoldError(f"{path.parent / 'meta.json'}: no data set for page {key!r}")
        pages.append(GoldPage(id=key, url=None, html_path=path.parent / "html" / dataset / f"{key}.html",
                              article_body=gold[key], dataset=dataset))
    return GoldSet(path, "full-text", tuple(pages))


# --- the development set's split ----------------------------------------------------

#: Shares of the full-text development pages in the ``train`` and ``dev`` splits; the rest is ``test``.
TRAIN_SHARE, DEV_SHARE = 0.70, 0.15
#: What ``--split`` selects: the line model and the extractor combination were tuned on the
#: ``train`` and ``dev`` pages; ``test`` pages were held out from both.
SPLITS = {"tuning": ("train", "dev"), "held-out": ("test",), "train": ("train",), "dev": ("dev",),
          "test": ("test",)}


def split_of(page_id: str) -> str:
    """``train``, ``dev`` or ``test``: the split of a development page, from its id's SHA-256 alone.

    The same split as the line model's training data (``training/make_lines.py``; a test
    checks the two agree), so that figures on ``test`` pages are on pages nothing was tuned on.
    """
    share = int.from_bytes(hashlib.sha256(page_id.encode("utf-8")).digest()[:8], "big") / 2**64
    return "train" if share < TRAIN_SHARE else "dev" if share < TRAIN_SHARE + DEV_SHARE else "test"


def select_split(pages: Iterable[GoldPage], split: str) -> list[GoldPage]:
    """The pages of ``split`` (a key of :data:`SPLITS`; ``all``: every page)."""
    if split == "all":
        return list(pages)
    wanted = SPLITS[split]
    return [page for page in pages if split_of(page.id) in wanted]


# --- metrics -------------------------------------------------------------------

def shingles(text: str, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams; a text shorter than ``n`` tokens is one shingle of all of them."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_counts(gold: str, predicted: str, n: int = SHINGLE_SIZE) -> tuple[float, float, float]:
    """``(tp, fp, fn)`` over shingles, normalised to sum 1 (all zero when both texts are empty)."""
    expected, found = shingles(gold, n), shingles(predicted, n)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def summarise_article_body(counts: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """Precision and recall averaged over documents, F1 from the two averages."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = mean(precisions) if precisions else 0.0
    recall = mean(recalls) if recalls else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "empty_predictions": sum(1 for c in counts if c[0] + c[1] == 0)}


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def snippet_counts(text: str | None, must_have: Iterable[str], must_not: Iterable[str]) -> tuple[int, int, int, int]:
    """``(tp, fp, fn, tn)`` of one page: which snippets the output contains (whitespace-insensitive)."""
    output = _squash(text or "")
    found_wanted = [_squash(s) in output for s in must_have]
    found_unwanted = [_squash(s) in output for s in must_not]
    return (sum(found_wanted), sum(found_unwanted),
            len(found_wanted) - sum(found_wanted), len(found_unwanted) - sum(found_unwanted))


def summarise_snippets(counts: Sequence[tuple[int, int, int, int]]) -> dict[str, float]:
    """Precision, recall and F1 over all snippets of all pages."""
    tp, fp, fn, tn = (sum(c[i] for c in counts) for i in range(4))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


# --- systems -------------------------------------------------------------------

class PipelineSystem:
    """boilerstrip's whole chain on an HTML page, with the same options and input limits as
    ``boilerstrip clean``; ``text`` is the record's body.

    Also accumulates the time spent in decode and extract, which is what
    extraction speed is compared on.
    """

    #: The stages whose time counts as extraction.
    EXTRACTION_STAGES = ("decode", "extract")

    def __init__(self, options: CleanOptions | None = None) -> None:
        self.options = options if options is not None else CleanOptions()
        self.chain = Chain(self.options)
        self.extraction_seconds = 0.0

    def warm_up(self) -> None:
        """Load what the first page would otherwise pay for: extractors, stop lists."""
        from pipeline.stages.extract import warm_up

        warm_up(self.options.html_extractor)

    def __call__(self, data: bytes, url: str | None) -> str:
        doc = Document(id=url or "<page>", raw=data, format="html", url=url)
        for stage in self.chain.stages:
            started = time.perf_counter()
            doc = stage(doc)
            if stage.name in self.EXTRACTION_STAGES:
                self.extraction_seconds += time.perf_counter() - started
        return doc.text


def trafilatura_default(data: bytes, url: str | None) -> str | None:
    """trafilatura's own default extraction, every option left as the library ships it."""
    import trafilatura

    return trafilatura.extract(data, url=url)


class SingleExtractor:
    """One of boilerstrip's extractor adapters alone, its text unchanged (no rules, no line
    model): the page decoded and sanitised as ``boilerstrip clean`` does it, then the adapter."""

    def __init__(self, name: str) -> None:
        from pipeline.extractors import justext_adapter, readability_adapter, resiliparse_adapter

        adapters = {module.NAME: module.blocks for module in (readability_adapter, resiliparse_adapter,
                                                               justext_adapter)}
        self.name = name
        self.blocks = adapters[name]

    def warm_up(self) -> None:
        self(b"<html><body><p>warm up</p></body></html>", None)

    def __call__(self, data: bytes, url: str | None) -> str:
        from pipeline.extractors.page import Page
        from pipeline.stages.decode import decode_html_bytes
        from pipeline.stages.extract import sanitise

        html, _, _ = decode_html_bytes(data)
        return "\n".join(self.blocks(Page(sanitise(html)[0], url)))


#: The single extractors ``evaluate`` can run beside boilerstrip (``--baseline``).
BASELINES = ("trafilatura", "readability", "resiliparse", "justext")


def baseline(name: str) -> System:
    """The system for one of :data:`BASELINES`."""
    if name == "trafilatura":
        return trafilatura_default
    if name in BASELINES:
        return SingleExtractor(name)
    raise ValueError(f"no baseline {name!r} (baselines: {', '.join(BASELINES)})")


# --- running -------------------------------------------------------------------

@dataclass
class Report:
    gold: GoldSet
    systems: list[str]
    documents: list[dict[str, Any]]
    extraction_seconds: dict[str, float]

    def summary(self, language: str | None = None, dataset: str | None = None) -> dict[str, dict[str, float]]:
        """Figures per system, over all pages, or the pages of one gold language or data set."""
        docs = [d for d in self.documents if (language is None or d["language"] == language)
                and (dataset is None or d.get("dataset") == dataset)]
        out = {}
        for name in self.systems:
            results = [d["systems"][name] for d in docs]
            figures: dict[str, float]
            if self.gold.kind == "snippets":
                figures = summarise_snippets([tuple(r["counts"]) for r in results])
            elif self.gold.kind == "article-body":
                figures = summarise_article_body([tuple(r["counts"]) for r in results])
            else:
                figures = {key: mean(r["rouge"][i] for r in results) if results else 0.0
                           for i, key in enumerate(("precision", "recall", "f1"))}
            if self.gold.kind != "snippets":
                for metric in ("rouge", "bag"):
                    for i, key in enumerate(("precision", "recall", "f1")):
                        figures[f"{metric}_{key}"] = mean(r[metric][i] for r in results) if results else 0.0
            figures["pages"] = len(results)
            figures["errors"] = sum(1 for r in results if r["error"])
            figures["seconds"] = sum(r["seconds"] for r in results)
            figures["docs_per_second"] = len(results) / figures["seconds"] if figures["seconds"] else 0.0
            out[name] = figures
        return out

    def table(self, title: str, language: str | None = None, dataset: str | None = None) -> list[str]:
        """The figures per system as text lines (what ``boilerstrip evaluate`` prints)."""
        width = max(14, *(len(name) for name in self.systems))
        if self.gold.kind == "full-text":
            head = (f"  {'system':<{width}} {'pages':>6} {'ROUGE-P':>8} {'ROUGE-R':>8} {'ROUGE-F1':>8} "
                    f"{'bag-F1':>8} {'docs/s':>8}")
        elif self.gold.kind == "article-body":
            head = (f"  {'system':<{width}} {'pages':>6} {'precision':>10} {'recall':>8} {'F1':>8} "
                    f"{'ROUGE-F1':>8} {'bag-F1':>8} {'docs/s':>8}")
        else:
            head = f"  {'system':<{width}} {'pages':>6} {'precision':>10} {'recall':>8} {'F1':>8} {'docs/s':>8}"
        lines = [title, head]
        for name, f in self.summary(language, dataset).items():
            row = f"  {name:<{width}} {f['pages']:>6} "
            if self.gold.kind == "full-text":
                row += f"{f['precision']:>8.4f} {f['recall']:>8.4f} {f['f1']:>8.4f} {f['bag_f1']:>8.4f}"
            else:
                row += f"{f['precision']:>10.4f} {f['recall']:>8.4f} {f['f1']:>8.4f}"
                if self.gold.kind == "article-body":
                    row += f" {f['rouge_f1']:>8.4f} {f['bag_f1']:>8.4f}"
            lines.append(f"{row} {f['docs_per_second']:>8.1f}")
        return lines

    def datasets(self) -> list[str]:
        """The data sets of a full-text gold set's pages, largest first."""
        counts = Counter(str(d["dataset"]) for d in self.documents if d.get("dataset"))
        return [name for name, _ in counts.most_common()]

    def lines(self, languages: int = 3) -> list[str]:
        """The whole report: all pages, then each data set (full-text gold), then the
        ``languages`` most frequent gold languages."""
        metric = {"full-text": "mean page ROUGE-LSum (P, R, F1) and bag-of-tokens F1 on whitespace tokens",
                  "article-body": "word 4-gram shingles (P, R, F1), mean page ROUGE-LSum F1 and bag-of-tokens F1",
                  "snippets": "with/without snippets (P, R, F1)"}[self.gold.kind]
        out = [f"gold: {self.gold.path} ({self.gold.kind}, {len(self.documents)} pages; {metric})"]
        out += self.table("all pages:")
        for dataset in self.datasets():
            out += self.table(f"data set {dataset}:", dataset=dataset)
        counts = Counter(d["language"] for d in self.documents if d["language"])
        for language, _ in counts.most_common(languages):
            out += self.table(f"language {language}:", language)
        return out

    def to_json(self) -> dict[str, Any]:
        languages = Counter(d["language"] for d in self.documents)
        return {
            "gold": str(self.gold.path),
            "kind": self.gold.kind,
            "summary": self.summary(),
            "by_dataset": {name: self.summary(dataset=name) for name in self.datasets()},
            "by_language": {lang: self.summary(lang) for lang, _ in languages.most_common() if lang},
            "extraction_seconds": self.extraction_seconds,
            "documents": self.documents,
        }


def evaluate(gold: GoldSet, systems: dict[str, System], pages: Sequence[GoldPage] | None = None,
             progress: Callable[[Iterable[GoldPage]], Iterable[GoldPage]] = lambda it: it) -> Report:
    """Run every system on every page (alternating their order) and score the outputs."""
    names = list(systems)
    pages = list(pages if pages is not None else gold.pages)
    _warm_up(systems, pages)
    documents = []
    for index, page in enumerate(progress(pages)):
        # Only where CLD2 is sure: its best guess for a short gold text it cannot place is English.
        language = detect_language(page.gold_text, best_effort=False)
        entry: dict[str, Any] = {"id": page.id, "url": page.url, "language": language, "systems": {}}
        if page.dataset is not None:
            entry["dataset"] = page.dataset
        data: bytes | None
        read_error: str | None
        try:
            data = page.read()
        except OSError as exc:
            data, read_error = None, f"cannot read {page.html_path}: {exc.strerror or exc}"
        else:
            read_error = None
        # Rotate the order page by page, so that no system always runs first (or after the same one).
        shift = index % len(names) if names else 0
        order = names[shift:] + names[:shift]
        for name in order:
            text, error, seconds = None, read_error, 0.0
            if data is not None:
                started = time.perf_counter()
                try:
                    text = systems[name](data, page.url)
                except Exception as exc:  # a failing page counts as an empty output, and says why
                    error = f"{type(exc).__name__}: {exc}"
                seconds = time.perf_counter() - started
            entry["systems"][name] = _score(gold.kind, page, text) | {"seconds": seconds, "error": error}
        entry["systems"] = {name: entry["systems"][name] for name in names}
        documents.append(entry)
    extraction = {name: s.extraction_seconds for name, s in systems.items() if isinstance(s, PipelineSystem)}
    return Report(gold, names, documents, extraction)


def _warm_up(systems: dict[str, System], pages: Sequence[GoldPage]) -> None:
    """One untimed run per system, so that loading rules and models is not charged to the first page."""
    for system in systems.values():
        getattr(system, "warm_up", lambda: None)()
    for page in pages[:1]:
        try:
            data = page.read()
            for system in systems.values():
                system(data, page.url)
        except Exception:
            pass  # the timed run reports it
    for system in systems.values():
        if isinstance(system, PipelineSystem):
            system.extraction_seconds = 0.0


def _score(kind: str, page: GoldPage, text: str | None) -> dict[str, Any]:
    if kind == "snippets":
        return {"counts": list(snippet_counts(text, page.must_have, page.must_not))}
    gold_text, found = page.article_body or "", text or ""
    rouge, bag = rouge_lsum(gold_text, found), bag_of_tokens(gold_text, found)
    scores: dict[str, Any] = {"rouge": [rouge.precision, rouge.recall, rouge.f1],
                              "bag": [bag.precision, bag.recall, bag.f1]}
    if kind == "article-body":
        counts = shingle_counts(gold_text, found)
        scores |= {"counts": list(counts), "precision": _precision(*counts), "recall": _recall(*counts)}
    return scores
