"""Choose the near-duplicate parameters by measurement (issue 12; docs/batch.md, "Duplicates").

    python -m benchmarks.duplicates_eval [--limit N] [--seed 7] [--threshold T] [--json OUT]
    python -m benchmarks.duplicates_eval --scale 20000 100000 [--prose pool|words]
    python -m benchmarks.duplicates_eval --show wceb/cleaneval-60   # one article's copies, raw and clean

**Positives: syndicated copies.** Source articles are the real texts of
``../shared/datasets/wceb-dev/gold.json`` (those with at least 150 words in
4 paragraphs; generated prose when the set is absent) and the labelled news
articles under ``tests/corpus*/`` (prose, headline and their own scraped
boilerplate). Each is rendered as a scraped page (a template of boilerplate
lines at the top, middle and tail, a headline, a byline), and copied with one
change at a time (another site's template, another headline, another byline,
photo captions added, an editor's note added, the last paragraph dropped,
four words changed) and as a *syndicated* copy: another template plus each
of those changes at random. Original and copy are both cleaned with
``pipeline.clean_bytes`` as a batch cleans them, and compared on the clean
``text``.

**Negatives.** The five seeds (``fixtures/seeds/``: one story, five
paraphrases) pairwise; two different labelled articles on the same topic
(``d01``/``h01`` harbour dredging); the 100 closest pairs of different source
articles (every pair compared by MinHash; the set's own duplicates, found so
and read by hand, are listed in ``KNOWN_DUPLICATES``); and articles generated
from one shared pool of news sentences (``benchmarks/generate_corpus.py``),
which share phrasing the way templated news does.

It prints the exact Jaccard similarity of shingle sets for several shingle
sizes, then for the default parameters the MinHash estimates, the share of
pairs at or above each threshold, and the end-to-end result of
:func:`pipeline.corpus.duplicates.find_duplicates` (precision and recall of
the marks). ``--scale`` instead times signatures and clustering of generated
documents and reports the merge's peak RSS, measured in a fresh process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.generate_corpus import BOILERPLATE_MIDDLE, BOILERPLATE_TAIL, BOILERPLATE_TOP, RELATED, paragraph
from pipeline import clean_bytes
from pipeline.corpus.duplicates import (
    DEFAULT_PARAMS,
    DuplicateParams,
    Signature,
    estimated_jaccard,
    find_duplicates,
    read_signatures,
    shingles,
    signature,
    tokens,
    write_signatures,
)

ROOT = Path(__file__).resolve().parent.parent
WCEB = ROOT.parent / "shared" / "datasets" / "wceb-dev" / "gold.json"
LABELLED = [ROOT / "tests" / name for name in ("corpus", "corpus_dev", "corpus_holdout")]
SEEDS = ROOT / "fixtures" / "seeds"
SAME_TOPIC = [("corpus_dev/d01_harbour-dredging.txt", "corpus_holdout/h01_harbour-dredging.txt")]

CHANGES = ["template", "headline", "byline", "captions", "editors_note", "last_paragraph", "words", "syndicated"]

NAMES = ["Maria Keller", "Tom Okafor", "Priya Natarajan", "Lena Fischer", "Daniel Moreau", "Aiko Tanaka",
         "Sean Gallagher", "Fatima Haddad", "Jonas Berg", "Carla Mendes"]
OUTLETS = ["Associated Press", "Reuters", "AFP", "The Northern Times", "Harbour Daily", "City Wire"]
BYLINES = ["By {name}", "By {name}, {outlet}", "{name} | {outlet}", "Written by {name}",
           "By {name} and {other}", "{name}, Staff Writer"]
BIOS = ["{name} is a reporter for {outlet} covering local government and transport.",
        "{name} writes about health and science for {outlet}. Contact her at the newsdesk.",
        "Additional reporting by {other}; editing by {name}."]
CAPTIONS = ["Demonstrators gather outside the regional parliament building on Tuesday morning. ({outlet} Photo/{name})",
            "A general view of the harbour at low tide, pictured last month. Photo: {name}/{outlet}",
            "Emergency crews work at the scene after the collapse in the northern district.",
            "The committee chair speaks to reporters after the vote in the council chamber.",
            "Residents queue for water at a distribution point set up by volunteers. {name}/{outlet} via Getty Images",
            "File photo: the headquarters of the company in the city centre."]
NOTES = ["Editor's note: This story has been updated to include a statement from the ministry.",
         "Correction: An earlier version of this article misstated the date of the vote. It was held on Wednesday.",
         "This article was originally published by {outlet} and is republished here with permission.",
         "Editor's Note: {outlet} has updated this report with comments from the union and the operator."]
HEADLINES = ["What we know so far", "Officials respond to growing criticism", "Explained: the decision and what comes next",
             "Vote sets up months of uncertainty", "Residents react to the announcement"]
WORDS = ["officials", "Thursday", "nearly", "council", "announced", "regional", "several", "critics", "plan", "million"]


@dataclass
class Template:
    top: list[str] = field(default_factory=list)
    middle: list[list[str]] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)


@dataclass
class Article:
    id: str
    title: str | None
    paragraphs: list[str]
    template: Template | None = None


def parse_labelled(path: Path) -> tuple[Article, Template]:
    """A tests/corpus file: its headline, prose (raw ``P`` lines) and boilerplate, by position."""
    title = None
    paragraphs: list[str] = []
    template = Template()
    run: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") or len(line) < 2:
            continue
        tag, text = line[0], line[2:].strip()
        if tag == "T":
            title = text
        elif tag == "P":
            if run and paragraphs:
                template.middle.append(run)
            elif run:
                template.top.extend(run)
            run = []
            paragraphs.append(text)
        elif tag == "B":
            run.append(text)
    template.tail = run
    return Article(f"{path.parent.name}/{path.name}", title, paragraphs, template), template


def wceb_articles(rng: random.Random, limit: int) -> list[Article]:
    gold: dict[str, str] = json.loads(WCEB.read_text(encoding="utf-8"))
    found = []
    seen: set[str] = set()
    for key in sorted(gold):
        lines = [line.strip() for line in gold[key].splitlines() if line.strip()]
        if len(" ".join(lines).split()) < 150 or len(lines) < 4:
            continue
        normal = " ".join(tokens(" ".join(lines)))
        if normal in seen:  # the set holds a few pages twice
            continue
        seen.add(normal)
        title = lines[0] if len(lines[0].split()) <= 15 else None
        found.append(Article(f"wceb/{key}", title, lines[1:] if title else lines))
    rng.shuffle(found)
    return sorted(found[:limit], key=lambda a: a.id)


def generated_articles(rng: random.Random, count: int, prefix: str = "generated") -> list[Article]:
    return [Article(f"{prefix}/{i:04d}", None, [paragraph(rng) for _ in range(rng.randint(5, 12))])
            for i in range(count)]


def generated_template(rng: random.Random) -> Template:
    return Template(top=rng.sample(BOILERPLATE_TOP, rng.randint(1, 4)),
                    middle=[[rng.choice(BOILERPLATE_MIDDLE)], rng.choice(RELATED)],
                    tail=list(rng.choice(BOILERPLATE_TAIL)))


@dataclass
class Page:
    """What varies between copies of one article."""

    template: Template
    headline: str | None
    byline: str | None = None
    bio: str | None = None
    captions: list[tuple[int, str]] = field(default_factory=list)
    note: str | None = None
    drop_last: bool = False
    changed: list[tuple[int, int, str]] = field(default_factory=list)  # paragraph, word index, new word


def render(article: Article, page: Page) -> str:
    paragraphs = list(article.paragraphs)
    for p, w, word in page.changed:
        words = paragraphs[p].split(" ")
        words[w % len(words)] = word
        paragraphs[p] = " ".join(words)
    if page.drop_last and len(paragraphs) > 1:
        paragraphs.pop()
    lines: list[str] = list(page.template.top)
    if page.headline:
        lines.append(page.headline)
    if page.byline:
        lines.append(page.byline)
    if page.note and page.note.startswith("Editor"):
        lines.append(page.note)
    middles = iter(page.template.middle)
    captions = dict(page.captions)
    gap = max(2, len(paragraphs) // (len(page.template.middle) + 1))
    for i, text in enumerate(paragraphs):
        if i in captions:
            lines.append(captions[i])
        lines.append(text)
        if i % gap == gap - 1 and i < len(paragraphs) - 1:
            lines.extend(next(middles, []))
    if page.note and not page.note.startswith("Editor"):
        lines.append(page.note)
    if page.bio:
        lines.append(page.bio)
    lines.extend(page.template.tail)
    return "\n\n".join(lines) + "\n"


def fill(pattern: str, rng: random.Random) -> str:
    name, other = rng.sample(NAMES, 2)
    return pattern.format(name=name, other=other, outlet=rng.choice(OUTLETS))


def copy_page(kind: str, article: Article, original: Page, templates: list[Template], rng: random.Random) -> Page:
    page = replace(original, captions=list(original.captions), changed=list(original.changed))
    kinds = [kind]
    if kind == "syndicated":
        kinds = ["template"] + [k for k in ("headline", "byline", "captions", "editors_note") if rng.random() < 0.5]
        kinds += [k for k in ("last_paragraph", "words") if rng.random() < 0.3]
    for change in kinds:
        if change == "template":
            page.template = rng.choice([t for t in templates if t is not original.template])
        elif change == "headline":
            page.headline = rng.choice(HEADLINES) + ": " + (article.title or "the latest")
        elif change == "byline":
            page.byline = fill(rng.choice(BYLINES), rng)
            page.bio = fill(rng.choice(BIOS), rng)
        elif change == "captions":
            positions = rng.sample(range(len(article.paragraphs)), min(2, len(article.paragraphs)))
            page.captions = [(p, fill(rng.choice(CAPTIONS), rng)) for p in positions]
        elif change == "editors_note":
            page.note = fill(rng.choice(NOTES), rng)
        elif change == "last_paragraph":
            page.drop_last = True
        elif change == "words":
            page.changed = [(rng.randrange(len(article.paragraphs)), rng.randrange(40), rng.choice(WORDS))
                            for _ in range(4)]
    return page


def clean(text: str, id: str) -> tuple[str, str | None]:
    doc = clean_bytes(text.encode("utf-8"), id=id, format="text")
    return doc.text, doc.date


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def describe(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)

    def q(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return (f"n={len(values):5d} min {ordered[0]:.3f}  p1 {q(0.01):.3f}  p5 {q(0.05):.3f}  "
            f"median {statistics.median(ordered):.3f}  max {ordered[-1]:.3f}")


# Pairs of different source pages that this script found to share most of their text (read by hand):
# they are duplicates in the data set itself, so marking them is not an error.
KNOWN_DUPLICATES = [
    ("wceb/cleaneval-60", "wceb/cleaneval-dev60"),  # one film review, in the set twice
    ("wceb/readability-social-buttons", "wceb/readability-svg-parsing"),  # the same lorem ipsum test text
    ("wceb/google-trends-2017-M-012", "wceb/google-trends-2017-j-009"),  # two shops' pages carrying Apple's iPhone 8
    # copy (90% of the shorter's shingles are in the longer; Jaccard 0.56)
]
THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1000, help="source articles from wceb-dev (default: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--generated", type=int, default=200, help="articles generated from one sentence pool")
    parser.add_argument("--sizes", default="3,4,5,7,9", help="shingle sizes compared (exact Jaccard)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_PARAMS.threshold)
    parser.add_argument("--json", type=Path, help="write the similarities here")
    parser.add_argument("--scale", type=int, nargs="*", metavar="N",
                        help="instead: time and peak RSS of signatures and clustering for N generated documents")
    parser.add_argument("--prose", choices=["pool", "words"], default="pool", help="what --scale generates")
    parser.add_argument("--merge", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--show", metavar="ID", help="print the raw and clean texts of this source article's copies")
    args = parser.parse_args()
    params = replace(DEFAULT_PARAMS, threshold=args.threshold)
    if args.merge:
        merge(args.merge, params)
        return
    if args.scale:
        for count in args.scale:
            scale(count, args.seed, params, args.prose)
        return
    rng = random.Random(args.seed)
    started = time.perf_counter()

    labelled: list[Article] = []
    templates: list[Template] = []
    for folder in LABELLED:
        for path in sorted(folder.glob("*.txt")):
            article, template = parse_labelled(path)
            labelled.append(article)
            templates.append(template)
    templates += [generated_template(rng) for _ in range(20)]
    if WCEB.exists():
        sources = wceb_articles(rng, args.limit)
        origin = f"{len(sources)} wceb-dev gold texts"
    else:
        sources = generated_articles(random.Random(args.seed + 1), 300, "prose")
        origin = f"{len(sources)} generated articles (wceb-dev absent)"
    sources += labelled
    print(f"sources: {origin} + {len(labelled)} labelled news articles; {len(templates)} templates")

    # the clean text of every original and copy
    texts: dict[str, str] = {}
    dates: dict[str, str | None] = {}
    source: dict[str, str] = {}  # copy id -> its source article's id
    group: dict[str, str] = {}  # id -> the truth: its source article's id, or a known duplicate's
    kind_of: dict[str, str] = {}  # copy id -> change
    for article in sources:
        template = article.template or rng.choice(templates)
        original = Page(template, article.title, byline=fill(rng.choice(BYLINES), rng))
        texts[article.id], dates[article.id] = clean(render(article, original), article.id)
        group[article.id] = article.id
        for kind in CHANGES:
            copy_id = f"{article.id}#{kind}"
            raw = render(article, copy_page(kind, article, original, templates, rng))
            texts[copy_id], dates[copy_id] = clean(raw, copy_id)
            group[copy_id] = source[copy_id] = article.id
            kind_of[copy_id] = kind
            if article.id == args.show:
                print(f"=== raw {copy_id}\n{raw}\n=== clean {copy_id}\n{texts[copy_id]}\n")
    if args.show:
        print(f"=== clean {args.show}\n{texts[args.show]}")
        return
    for path in sorted(SEEDS.glob("*.txt")):
        doc = clean_bytes(path.read_bytes(), id=f"seed/{path.name}")
        texts[doc.id], dates[doc.id] = doc.text, doc.date
        group[doc.id] = doc.id
    for article in generated_articles(random.Random(args.seed + 2), args.generated):
        texts[article.id], dates[article.id] = clean("\n\n".join(article.paragraphs), article.id)
        group[article.id] = article.id
    for a, b in KNOWN_DUPLICATES:
        if a in group and b in group:
            for doc, g in group.items():
                if g == b:
                    group[doc] = a
    print(f"cleaned {len(texts)} documents in {time.perf_counter() - started:.1f} s")

    # copies the cleaner cut to less than half of the original's words: not the duplicate detector's doing
    lost = {c for c in kind_of if len(texts[c].split()) < 0.5 * len(texts[source[c]].split())}
    if lost:
        print(f"copies the cleaner cut to less than half the words of their original: {len(lost)}")
        for c in sorted(lost):
            print(f"    {c}: {len(texts[c].split())} of {len(texts[source[c]].split())} words")

    sigs = {k: signature(k, t, dates[k], params) for k, t in texts.items()}
    seeds = sorted(k for k in texts if k.startswith("seed/"))
    generated = sorted(k for k in texts if k.startswith("generated/"))
    originals = sorted(a.id for a in sources)
    known = {frozenset(pair) for pair in KNOWN_DUPLICATES}
    closest = sorted(((estimated_jaccard(sigs[a], sigs[b]), a, b) for a, b in itertools.combinations(originals, 2)
                      if frozenset((a, b)) not in known), reverse=True)[:100]
    pairs = {
        "seed pairs": list(itertools.combinations(seeds, 2)),
        "same-topic articles": [(a, b) for a, b in (tuple(f"{name.split('/')[0]}/{name.split('/')[1]}" for name in pair)
                                                    for pair in SAME_TOPIC) if a in texts and b in texts],
        "closest different sources": [(a, b) for _, a, b in closest],
        "generated, shared pool": list(itertools.combinations(generated, 2)),
    }
    wceb_copies = [c for c in kind_of if c.startswith("wceb/") or c.startswith("prose/")]
    pairs.update({f"copy: {kind}": [(source[c], c) for c in sorted(kind_of) if kind_of[c] == kind] for kind in CHANGES})
    pairs["syndicated, long sources"] = [(source[c], c) for c in wceb_copies if kind_of[c] == "syndicated"]
    pairs["syndicated, labelled news"] = [(source[c], c) for c in kind_of
                                          if kind_of[c] == "syndicated" and c not in wceb_copies]
    results: dict[str, object] = {}

    print("\nExact Jaccard similarity of shingle sets (clean text, casefolded \\w+ tokens; "
          "'closest different sources': the 100 closest pairs by MinHash estimate)")
    for size in (int(s) for s in args.sizes.split(",")):
        sets = {k: set(shingles(tokens(t), size)) for k, t in texts.items()}
        rows = {name: [jaccard(sets[a], sets[b]) for a, b in found] for name, found in pairs.items()}
        print(f"\n  {size}-word shingles")
        for name, values in rows.items():
            print(f"    {name:28s} {describe(values)}")
        results[f"exact_k{size}"] = rows

    print(f"\nMinHash estimates ({params.num_perm} values, {params.shingle}-word shingles, rensa R-MinHash)")
    rows = {name: [estimated_jaccard(sigs[a], sigs[b]) for a, b in found] for name, found in pairs.items()}
    for name, values in rows.items():
        print(f"    {name:28s} {describe(values)}")
    every_copy = [v for name, values in rows.items() if name.startswith("copy") for v in values]
    print("\n  share at or above a threshold    " + "  ".join(f"{t:5.2f}" for t in THRESHOLDS))
    for name, values in [*rows.items(), ("every copy", every_copy)]:
        print(f"    {name:28s}   " + "  ".join(f"{sum(v >= t for v in values) / len(values):5.3f}" if values else "    -"
                                            for t in THRESHOLDS))
    print("  closest different sources: " + ", ".join(f"{a} ~ {b} {s:.3f}" for s, a, b in closest[:3]))
    print(f"  copies below {params.threshold} (words in the original's clean text):")
    for c in sorted(kind_of):
        score = estimated_jaccard(sigs[c], sigs[source[c]])
        if score < params.threshold:
            print(f"    {c}: {score:.3f} ({len(texts[source[c]].split())} words){' cut by the cleaner' if c in lost else ''}")
    results["minhash"] = rows

    syndicated_only = [sig for doc, sig in sigs.items() if kind_of.get(doc, "syndicated") == "syndicated"]
    for name, chosen in [("every document", list(sigs.values())),
                         ("originals and their syndicated copies only (no copy links through another)",
                          syndicated_only)]:
        report = evaluate(chosen, group, source, kind_of, lost, params)
        results[f"end_to_end: {name}"] = report
        print(f"\nfind_duplicates, {name}: {len(chosen)} documents at once, threshold {params.threshold}, "
              f"{params.bands} bands x {params.rows} rows")
        for key, value in report.items():
            print(f"    {key:40s} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\ndone in {time.perf_counter() - started:.1f} s")


def word_paragraph(rng: random.Random, cumulative: list[float], vocabulary: list[str]) -> str:
    """A paragraph of 20 to 80 words drawn from a Zipf-distributed vocabulary."""
    return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(20, 80))) + "."


def scale(count: int, seed: int, params: DuplicateParams, prose: str = "pool") -> None:
    """Sign ``count`` generated documents (one in 20 a copy of one of the first 1,000, its last
    paragraph dropped and a paragraph added), write the signatures to a file, and cluster them
    in a fresh process that reports its peak RSS. A copy's id names its original and whether
    their estimated similarity reaches the threshold, so the merge can score itself.

    ``prose``: ``pool``, the sentences of benchmarks/generate_corpus.py (a few thousand
    sentences shared by every document: the worst case for LSH, every pair has a Jaccard
    similarity of 0.1 to 0.4); ``words``, words drawn from a 30,000-word Zipf vocabulary
    (different articles share little, as real ones do)."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(30000)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

    def paragraph_of(rng: random.Random) -> str:
        return paragraph(rng) if prose == "pool" else word_paragraph(rng, cumulative, vocabulary)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signatures.bin"
        started = time.perf_counter()
        kept: list[tuple[list[str], Signature]] = []
        words = 0
        signing = 0.0

        def sign(id: str, text: str) -> Signature:
            nonlocal signing
            begin = time.perf_counter()
            found = signature(id, text, None, params)
            signing += time.perf_counter() - begin
            return found

        with open(path, "wb") as out:
            def documents() -> Iterator[Signature]:
                nonlocal words
                for i in range(count):
                    if kept and rng.random() < 0.05:
                        source = rng.randrange(len(kept))
                        paragraphs = kept[source][0][:-1] + [paragraph_of(rng)]
                        text = "\n\n".join(paragraphs)
                        sig = sign("", text)
                        above = estimated_jaccard(sig, kept[source][1]) >= params.threshold
                        sig = sig._replace(id=f"doc-{i:07d}~copy-of~{kept[source][1].id}~{'above' if above else 'below'}")
                    else:
                        paragraphs = [paragraph_of(rng) for _ in range(rng.randint(4, 14))]
                        text = "\n\n".join(paragraphs)
                        sig = sign(f"doc-{i:07d}", text)
                        if len(kept) < 1000:
                            kept.append((paragraphs, sig))
                    words += len(text.split())
                    yield sig

            write_signatures(out, documents(), params)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
        print(f"{count} documents of {prose} prose ({words / count:.0f} words each) generated and signed in "
              f"{seconds:.1f} s, signatures {signing:.1f} s ({signing / count * 1e3:.3f} ms a document); "
              f"file {size / 1e6:.1f} MB ({size / count:.0f} bytes each)")
        subprocess.run([sys.executable, "-m", "benchmarks.duplicates_eval", "--merge", str(path)], check=True)


def merge(path: Path, params: DuplicateParams) -> None:
    """Cluster the signatures in a file; print the time and peak RSS (this process, fresh)."""
    before = _rss_mb()
    started = time.perf_counter()
    with open(path, "rb") as stream:
        found = find_duplicates(read_signatures(stream, params), params)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks = found.by_id()

    def family(doc: str) -> str:
        return doc.split("~")[2] if "~" in doc else doc

    def kept(doc: str) -> str:
        return family(marks[doc].duplicate_of if doc in marks else doc)

    with open(path, "rb") as stream:
        copies = [sig.id for sig in read_signatures(stream, params) if "~" in sig.id]
    above = [doc for doc in copies if doc.endswith("above")]
    wrong = [doc for doc, mark in marks.items() if family(doc) != family(mark.duplicate_of)]
    print(f"  merge: {seconds:.1f} s, {found.exact} exact + {found.near} near duplicates in {len(found.clusters)} "
          f"clusters, {found.pairs_checked} pairs checked; RSS {before:.0f} MB before reading, peak {peak:.0f} MB "
          f"({(peak - before) * 1e6 / max(found.documents, 1):.0f} bytes a document)")
    print(f"  copies whose similarity to their original reaches the threshold: {len(above)}, found with it "
          f"{sum(kept(d) == family(d) for d in above)}; copies below it: {len(copies) - len(above)}, found "
          f"{sum(kept(d) == family(d) for d in copies if not d.endswith('above'))}; wrong marks: {len(wrong)}")
    for doc in wrong[:5]:
        print(f"    wrong: {doc} -> {marks[doc].duplicate_of} {marks[doc].similarity}")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def evaluate(signatures: list[Signature], group: dict[str, str], source: dict[str, str], kind_of: dict[str, str],
             lost: set[str], params: DuplicateParams) -> dict[str, object]:
    """Marks against the truth. Precision: a mark must point to a document of the same source
    article. Recall: a copy must end up in its original's cluster."""
    started = time.perf_counter()
    found = find_duplicates(sorted(signatures, key=lambda s: s.id), params)
    seconds = time.perf_counter() - started
    marks = found.by_id()

    def kept(doc: str) -> str:
        return marks[doc].duplicate_of if doc in marks else doc

    wrong = [(doc, mark.duplicate_of, mark.similarity) for doc, mark in marks.items()
             if group[doc] != group[mark.duplicate_of]]
    present = {s.id for s in signatures}
    copies = [c for c in kind_of if c in present]
    together = {c: kept(c) == kept(source[c]) for c in copies}
    kept_intact = [c for c in copies if c not in lost]
    return {
        "marked": len(marks),
        "precision": round(1 - len(wrong) / len(marks), 4) if marks else 1.0,
        "recall (copy in its original's cluster)": round(sum(together.values()) / len(together), 4),
        "recall, copies the cleaner kept whole": round(sum(together[c] for c in kept_intact) / len(kept_intact), 4),
        "by change": {kind: f"{sum(together[c] for c in copies if kind_of[c] == kind)}"
                            f"/{sum(1 for c in copies if kind_of[c] == kind)}"
                      for kind in CHANGES if any(kind_of[c] == kind for c in copies)},
        "wrong marks": wrong[:10],
        "seeds marked": sorted(d for d in marks if d.startswith("seed/")),
        "pairs checked / matched": f"{found.pairs_checked} / {found.pairs_matched}",
        "seconds": round(seconds, 3),
    }


if __name__ == "__main__":
    main()
