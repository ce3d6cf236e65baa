"""Labelled lines for a line model, made from the shared development pages.

    python -m training.make_lines --out DIR [--shared ../shared] [--limit N] [--jobs N]

Reads ``SHARED/datasets/wceb-dev`` (1,049 pages with their whole gold main
text) and ``SHARED/datasets/trafilatura-eval`` (990 pages with ``with`` and
``without`` snippets) and writes, to ``DIR`` (outside the repository: page
text never goes into it), one gzipped JSONL file per split::

    train.jsonl.gz  dev.jsonl.gz  test.jsonl.gz     wceb-dev pages, split 70/15/15 by page
    test-external.jsonl.gz                          trafilatura-eval pages (never trained on)
    summary.json                                    parameters, versions and label counts

One JSON object per document, with every line of it in order, labelled or not::

    {"id", "source", "dataset", "view", "split", "url",
     "lines": [{"text", "label": 1 | 0 | null, "match": share of tokens matched | null}]}

Each page gives two documents (two views), the two kinds of text the model
will see when boilerstrip runs:

* ``"page"``: everything the page shows, one block (or ``<br>``-ended piece)
  a line, then repaired as boilerstrip repairs any text input: what a scraper
  that keeps the whole page hands over;
* ``"extracted"``: what ``boilerstrip clean`` itself makes of the HTML page
  before the text stages (its ``prepare`` segment: decode, the extractors'
  combination, repair), one paragraph a line: what the strip stage, and the
  line model after it, gets. The combination runs without the line model as
  its arbiter (it then decides the blocks the extractors disagree on by a
  weighted majority): with it, the data would depend on the model trained on
  it, and every retrain would make different data for the next one.

The output is the same bytes on every run (same inputs, same library versions).
See training/README.md for the labels, splits and figures.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import orjson

from pipeline.chain import Chain
from pipeline.document import Document
from pipeline.errors import DocumentError
from pipeline.evaluate import DEV_SHARE, TRAIN_SHARE, split_of
from pipeline.extractors.align import RENDER_OPTIONS, RENDER_SKIP
from pipeline.options import CleanOptions
from training import labels as L

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_OUT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "boilerstrip" / "training"

WCEB = "wceb-dev"
EXTERNAL = "trafilatura-eval"
VIEWS = ("page", "extracted")
SPLITS = ("train", "dev", "test", "test-external")

def render_page(html: str) -> str:
    """The page's whole visible text, one block a line (before repair).

    A page that renders to nothing is rendered again with its ``<noscript>`` content: Lexbor
    parses ``<noscript>`` as a browser without scripts does, so an unclosed element inside one
    (``<noscript><div></noscript>``, seen in the set) takes the whole rest of the page into it,
    where a browser with scripts on reads it as raw text and shows the page.
    """
    from resiliparse.extract.html2text import extract_plain_text

    text = extract_plain_text(html, noscript=False, skip_elements=list(RENDER_SKIP), **RENDER_OPTIONS)
    if not text.strip():
        text = extract_plain_text(html, noscript=True, skip_elements=[s for s in RENDER_SKIP if s != "noscript"],
                                  **RENDER_OPTIONS)
    return text


def text_lines(text: str) -> list[str]:
    """Non-empty lines, inner white space collapsed to one space."""
    return [line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line]


# --- the pages -------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    source: str
    id: str
    dataset: str
    path: Path
    url: str | None
    split: str
    gold: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


def wceb_pages(shared: Path) -> list[Page]:
    root = shared / "datasets" / WCEB
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    return [Page(WCEB, page_id, item["dataset"], root / "html" / item["dataset"] / f"{page_id}.html", None,
                 split_of(page_id), gold=gold[page_id])
            for page_id, item in sorted(meta.items())]


def external_pages(shared: Path) -> list[Page]:
    root = shared / "datasets" / EXTERNAL
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    return [Page(EXTERNAL, key, EXTERNAL, root / "html" / item["file"], key if "://" in key else None,
                 "test-external", with_snippets=tuple(item.get("with", ())),
                 without_snippets=tuple(item.get("without", ())))
            for key, item in sorted(data.items())]


def _sample_order(page: Page) -> bytes:
    return hashlib.sha256(f"sample:{page.id}".encode()).digest()


def select(pages: list[Page], limit: int | None) -> list[Page]:
    """All pages, or ``limit`` of them: taken in turn from each data set, in the order of a hash
    of their ids, so that even a run of three pages has one of each data set."""
    if limit is None:
        return pages
    by_dataset: dict[str, list[Page]] = {}
    for page in sorted(pages, key=_sample_order):
        by_dataset.setdefault(page.dataset, []).append(page)
    queues = [by_dataset[name] for name in sorted(by_dataset)]
    interleaved = [queue[i] for i in range(max(map(len, queues), default=0)) for queue in queues if i < len(queue)]
    return sorted(interleaved[:limit], key=lambda p: p.id)


# --- one page --------------------------------------------------------------------

@dataclass
class Result:
    page: Page
    documents: list[dict[str, Any]] = field(default_factory=list)
    #: view -> why it has no document ("empty", or the error boilerstrip gave)
    missing: dict[str, str] = field(default_factory=dict)
    snippets_found: tuple[int, int] = (0, 0)
    seconds: float = 0.0


_CHAIN: Chain | None = None


def _prepare() -> Chain:
    """boilerstrip's prepare segment (decode, extract, repair) with its default options, the
    line model's arbitration aside."""
    global _CHAIN
    if _CHAIN is None:
        from pipeline.stages.extract import silence_library_logs

        silence_library_logs()
        # line_model=False: the combination without its arbiter, so the data does not depend on
        # the model that is trained on it (see the module docstring).
        _CHAIN = Chain(CleanOptions(line_model=False), segments=("prepare",))
    return _CHAIN


def views(page: Page, raw: bytes) -> tuple[dict[str, list[str]], dict[str, str], str | None]:
    """The lines of each view of a page, why a view is missing, and the page's URL."""
    chain = _prepare()
    doc = Document(id=page.id, raw=raw, format="html", url=page.url)
    html: str | None = None
    lines: dict[str, list[str]] = {}
    missing: dict[str, str] = {}
    try:
        for stage in chain.stages:
            doc = stage(doc)
            if stage.name == "decode":
                html = doc.html
        lines["extracted"] = text_lines(doc.text)
    except DocumentError as exc:
        missing["extracted"] = f"{type(exc).__name__}: {exc}"
    if html is None:
        missing["page"] = missing["extracted"]
    else:
        # The rendered text goes through the same stages as a text input (only repair acts on it).
        rendered = Document(id=page.id, text=render_page(html))
        try:
            for stage in chain.stages:
                rendered = stage(rendered)
            lines["page"] = text_lines(rendered.text)
        except DocumentError as exc:
            missing["page"] = f"{type(exc).__name__}: {exc}"
    for view in VIEWS:
        if view in lines and not lines[view]:
            del lines[view]
            missing[view] = "empty"
    return lines, missing, page.url or doc.url


def process(page: Page) -> Result:
    started = time.perf_counter()
    result = Result(page)
    lines_of, result.missing, url = views(page, page.path.read_bytes())
    found = [0, 0]
    for view in VIEWS:
        if view not in lines_of:
            continue
        lines = lines_of[view]
        if page.gold is not None:
            labelled = L.gold_labels(lines, page.gold)
            rows = [{"text": t, "label": x.label, "match": x.match} for t, x in zip(lines, labelled, strict=True)]
        else:
            snip = L.snippet_labels(lines, page.with_snippets, page.without_snippets)
            rows = [{"text": t, "label": x, "match": None} for t, x in zip(lines, snip.labels, strict=True)]
            if view == "page":
                found = [snip.found_with, snip.found_without]
        result.documents.append({"id": page.id, "source": page.source, "dataset": page.dataset, "view": view,
                                 "split": page.split, "url": url, "lines": rows})
    result.snippets_found = (found[0], found[1])
    result.seconds = time.perf_counter() - started
    return result


# --- the whole set ---------------------------------------------------------------

def run(pages: list[Page], jobs: int) -> Iterator[Result]:
    """Each page's result, in the order of ``pages`` whatever the number of processes."""
    if jobs <= 1:
        yield from map(process, pages)
        return
    with Pool(jobs) as pool:
        yield from pool.imap(process, pages, chunksize=1)


class Tally:
    """Label counts per data set and view (and per split), for summary.json and the README."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, ...], Counter[str]] = {}
        self.missing: Counter[str] = Counter()
        self.snippets: Counter[str] = Counter()

    def add(self, result: Result) -> None:
        page = result.page
        for doc in result.documents:
            for key in ((page.dataset, doc["view"]), (page.split, page.dataset, doc["view"])):
                c = self.counts.setdefault(key, Counter())
                c["documents"] += 1
                c["lines"] += len(doc["lines"])
                for row in doc["lines"]:
                    c[{1: "main", 0: "boilerplate", None: "unlabelled"}[row["label"]]] += 1
        for view, why in result.missing.items():
            self.missing[f"{page.dataset} {view}: {why.split(':')[0]}"] += 1
        if page.gold is None:
            self.snippets["with"] += len(page.with_snippets)
            self.snippets["without"] += len(page.without_snippets)
            self.snippets["with found"] += result.snippets_found[0]
            self.snippets["without found"] += result.snippets_found[1]

    def table(self, size: int) -> dict[str, dict[str, Any]]:
        """Rows keyed "dataset view" (``size`` 2) or "split dataset view" (3)."""
        out = {}
        for key in sorted(k for k in self.counts if len(k) == size):
            c = self.counts[key]
            labelled = c["main"] + c["boilerplate"]
            out[" ".join(key)] = {
                "documents": c["documents"], "lines": c["lines"], "labelled": labelled, "main": c["main"],
                "boilerplate": c["boilerplate"], "unlabelled": c["unlabelled"],
                "main_share": round(c["main"] / labelled, 3) if labelled else None}
        return out


def write_jsonl_gz(path: Path, documents: Iterable[dict[str, Any]]) -> None:
    """Gzipped JSONL, byte-identical for identical documents (no time stamp, no file name
    in the gzip header), written to a temporary file and renamed into place."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                      compresslevel=6) as stream:
        for doc in documents:
            stream.write(orjson.dumps(doc) + b"\n")
    temporary.replace(path)


def extraction_fingerprint() -> str:
    """The fingerprint of the chain's prepare segment (decoding, the HTML extractors and their
    settings, repair) that makes the ``extracted`` view: training refuses data an extraction
    other than the checkout's made (:func:`check_extraction`)."""
    return _prepare().fingerprint()


def check_extraction(data: Path) -> None:
    """Stop when ``data`` was not made by this checkout's extraction. Why: the ``extracted``
    view is the chain's own output, so it changes with the extractors, their settings and
    their libraries; a model trained on an older build is not the one this checkout's
    training makes, and its figures on that view describe an extraction that no longer runs."""
    try:
        made_by = json.loads((data / "summary.json").read_text(encoding="utf-8")).get("extraction")
    except (OSError, ValueError) as error:
        raise SystemExit(f"{data}: no readable summary.json ({error}); build the data: python -m training.make_lines --out {data}") from None
    now = extraction_fingerprint()
    if made_by != now:
        raise SystemExit(f"{data}: made by another extraction than this checkout's (summary.json 'extraction' "
                         f"{str(made_by)[:12]}, this checkout {now[:12]}); rebuild it: python -m training.make_lines --out {data}")


def versions() -> dict[str, str]:
    return {name: version(name) for name in ("boilerstrip", "resiliparse", "trafilatura", "justext", "ftfy")}


def make(shared: Path, out: Path, *, limit: int | None = None, jobs: int = 1, progress: bool = True) -> dict[str, Any]:
    """Build the whole set into ``out``; return the summary (also written as summary.json)."""
    pages = select(wceb_pages(shared), limit) + select(external_pages(shared), limit)
    out.mkdir(parents=True, exist_ok=True)
    by_split: dict[str, list[dict[str, Any]]] = {split: [] for split in SPLITS}
    tally = Tally()
    slowest: list[tuple[float, str]] = []
    started = time.perf_counter()
    from tqdm import tqdm

    bar = tqdm(total=len(pages), desc="pages", unit="page", file=sys.stderr, disable=not progress,
               mininterval=1.0, dynamic_ncols=True)
    for result in run(pages, jobs):
        by_split[result.page.split].extend(result.documents)
        tally.add(result)
        slowest = sorted([*slowest, (result.seconds, result.page.id)], reverse=True)[:5]
        bar.update()
    bar.close()
    for split, documents in by_split.items():
        write_jsonl_gz(out / f"{split}.jsonl.gz", documents)
    summary = {
        "command": "python -m training.make_lines" + (f" --limit {limit}" if limit is not None else ""),
        "pages": {WCEB: sum(p.source == WCEB for p in pages), EXTERNAL: sum(p.source == EXTERNAL for p in pages)},
        "labels": {"min_block": L.MIN_BLOCK, "main_at": L.MAIN_AT, "boilerplate_at": L.BOILERPLATE_AT,
                   "snippet_cover": L.SNIPPET_COVER},
        "splits": {"train": TRAIN_SHARE, "dev": DEV_SHARE, "test": round(1 - TRAIN_SHARE - DEV_SHARE, 2)},
        "render_skip": list(RENDER_SKIP),
        "versions": versions(),
        "extraction": extraction_fingerprint(),
        "counts": tally.table(2),
        "counts_by_split": tally.table(3),
        "missing_views": dict(sorted(tally.missing.items())),
        "snippets": dict(sorted(tally.snippets.items())),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if progress:
        seconds = time.perf_counter() - started
        print(f"{len(pages)} pages in {seconds:.0f} s ({jobs} processes); slowest: "
              + ", ".join(f"{page_id} {s:.1f} s" for s, page_id in slowest), file=sys.stderr)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.make_lines", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory, outside the repository (default {DEFAULT_OUT})")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help=f"the shared folder holding datasets/ (default {DEFAULT_SHARED})")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="only N pages of each source (in turn from each data set, by a hash of the page id), "
                        "for quick runs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes (default: one per core); the output does not depend on it")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    out = args.out.expanduser().resolve()
    if out == ROOT or ROOT in out.parents:
        parser.error(f"{out} is inside the repository: page text must not go there (see training/README.md)")
    for name in (WCEB, EXTERNAL):
        if not (args.shared / "datasets" / name).is_dir():
            parser.error(f"{args.shared / 'datasets' / name} not found (--shared)")
    summary = make(args.shared, out, limit=args.limit, jobs=max(args.jobs, 1), progress=not args.quiet)
    if not args.quiet:
        for key, row in summary["counts"].items():
            share = f"{row['main_share']:.0%}" if row["main_share"] is not None else "-"
            print(f"{key:32} {row['documents']:5} docs {row['lines']:7} lines {row['labelled']:7} labelled "
                  f"{share:>4} main", file=sys.stderr)
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
