"""Corpus-level cleaning: each source's template lines found by repetition, duplicates marked,
in batch runs and with ``clean --corpus-pass``, and the edge cases the thresholds must get right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import crawl
from pipeline.corpus.passes import count_templates
from pipeline.corpus.templates import (
    MAX_LINES_PER_SOURCE,
    TemplateCounts,
    counted_lines,
    line_keys,
    normalise,
    protected,
)
from pipeline.document import Document
from pipeline.options import CleanOptions

from .conftest import SEEDS, run_cli

CRAWL = {"sites": 5, "pages": 30, "seed": 3, "big_site_pages": 30, "source": "generated"}
TEMPLATE = ["The Kestrel Gazette", "News, views and sport from Kestrel", "Local · Sport · Jobs · Weather",
            "Got a story? Email tips@kestrel.example", "© 2024 Kestrel Media. All rights reserved."]


WORDS = ("harbour", "budget", "ferry", "school", "library", "bridge", "market", "tram", "clinic", "park", "museum",
         "stadium", "flood", "housing", "river")


def _page(number: int, extra: str = "") -> str:
    body = "\n".join(f"The {WORDS[(number + i) % 15]} plan of the {WORDS[(number * 3 + i) % 15]} committee was "
                     f"debated again, said {WORDS[(number * 7 + i) % 15]} campaigners." for i in range(5))
    return "\n".join(TEMPLATE[:3]) + f"\n{body}\n{extra}" + "\n".join(TEMPLATE[3:]) + "\n"


def _docs(pages: list[str], directory: str = "site") -> list[Document]:
    return [Document(id=f"{directory}/{i}.txt", path=f"in/{directory}/{i}.txt", text=text)
            for i, text in enumerate(pages)]


def _table(pages: list[str], **options: object):
    opts = CleanOptions(**options)  # type: ignore[arg-type]
    return count_templates(_docs(pages), opts).table(opts.template_min_documents, opts.template_min_share)


def test_lines_recurring_on_a_sites_pages_are_template():
    table = _table([_page(i) for i in range(6)])
    assert all(table.lookup("in/site", line) == 6 for line in TEMPLATE)
    paragraph = _page(1).split("\n")[3]
    assert paragraph.startswith("The ") and table.lookup("in/site", paragraph) is None


def test_a_site_with_only_two_pages_has_no_template_yet():
    assert _table([_page(1), _page(2)]).lines == {}


def test_a_statement_every_page_quotes_is_content():
    quote = ("“We will review every contract signed since 2019 and publish the results in full,” the "
             "ministry said in a statement on Monday.")
    table = _table([_page(i, quote + "\n") for i in range(8)])
    assert protected(quote) and table.lookup("in/site", quote) is None
    assert table.lookup("in/site", TEMPLATE[0]) == 8


def test_varying_lines_count_as_one():
    assert normalise("Tuesday, 14 May 2024") == normalise("Friday, 3 March 2023")
    assert normalise("You have read 3 of 5 free articles") == normalise("You have read 4 of 5 free articles")
    lists = ["Trending: Floods · Budget · Ferries", "Trending: Schools · Rail strike · Budget"]
    assert set(line_keys(lists[0])) & set(line_keys(lists[1]))
    assert len(line_keys("Q: Why did the council resign?")) == 1  # a question is not a labelled list


def test_a_story_crawled_many_times_is_counted_once():
    """Copies of one document must not make its own paragraphs template."""
    from pipeline.corpus.passes import DuplicateMarks, document_key

    pages = [_page(i) for i in range(6)] + [_page(99)] * 5
    docs = _docs(pages)
    marks = DuplicateMarks({document_key(doc): ("site/6.txt", 1.0) for doc in docs[7:]})
    paragraph = _page(99).split("\n")[3]
    naive = count_templates(docs, CleanOptions()).table()
    counted = count_templates(docs, CleanOptions(), marks).table()
    assert naive.lookup("in/site", paragraph) == 5 and counted.lookup("in/site", paragraph) is None


def test_a_table_stays_bounded(monkeypatch):
    import pipeline.corpus.templates as templates

    monkeypatch.setattr(templates, "MAX_LINES_PER_SOURCE", 50)
    counts = TemplateCounts()
    for i in range(200):
        counts.add("s", counted_lines(f"Template line\nUnique line number {i} of the corpus"))
    assert len(counts.lines["s"]) <= 51 and counts.lines["s"][line_keys("Template line")[0]] == 200
    assert MAX_LINES_PER_SOURCE >= 100_000


def test_corpus_pass_on_stdin_is_refused():
    result = run_cli("clean", "--corpus-pass", stdin=b"Some text.")
    assert result.returncode == 2 and result.stderr.decode().startswith("boilerstrip: error: --corpus-pass reads")


@pytest.fixture(scope="module")
def small_crawl(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("crawl")
    truth = crawl.generate(base / "input", **CRAWL)
    return base / "input", truth


def _records(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode().splitlines()]


def test_clean_corpus_pass_meets_the_targets_on_a_crawl(small_crawl):
    root, truth = small_crawl
    result = run_cli("clean", "--corpus-pass", str(root))
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    score = crawl.score(records, truth)
    assert score["template_removed"] >= 0.95 and score["article_kept"] >= 0.99
    assert score["duplicate_precision"] == 1.0 and score["duplicate_recall"] >= 0.95
    assert score["seeds_marked"] == 0 and score["paraphrases_marked"] == 0 and score["quotes_kept"] == 1.0
    template = next(r for rec in records for r in rec["removed"] if r["rule"] == "template-line")
    assert list(template) == ["rule", "line", "text", "source", "documents"] and template["documents"] >= 4
    plain = crawl.score(_records(run_cli("clean", str(root)).stdout), truth)
    assert plain["template_removed"] < score["template_removed"] and plain["duplicate_recall"] == 0  # without the pass


def test_batch_writes_the_tables_and_equals_clean_corpus_pass(small_crawl, tmp_path):
    root, _ = small_crawl
    out = tmp_path / "out"
    result = run_cli("batch", str(root), str(out), "--shard-size", "25", "--workers", "2")
    assert result.returncode == 0, result.stderr
    parts = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("part-*.jsonl")))
    assert parts == run_cli("clean", "--corpus-pass", str(root)).stdout.decode()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    templates = json.loads((out / "templates.json").read_text(encoding="utf-8"))
    clusters = [json.loads(line) for line in (out / "duplicates.jsonl").read_text(encoding="utf-8").splitlines()]
    assert manifest["templates"]["sources"] == len(templates) >= 5 and manifest["templates"]["removed"] > 0
    assert manifest["duplicates"]["clusters"] == len(clusters) > 0
    assert manifest["duplicates"]["marked"] == sum(len(c["duplicates"]) for c in clusters)
    site = next(iter(templates.values()))
    counts = [line["documents"] for line in site["lines"]]
    assert counts == sorted(counts, reverse=True)  # the most frequent first
    assert "template lines:" in result.stdout.decode() and "duplicates:" in result.stdout.decode()


def test_drop_duplicates_leaves_them_out_and_counts_them(small_crawl, tmp_path):
    root, _ = small_crawl
    marked = [r for r in _records(run_cli("clean", "--corpus-pass", str(root)).stdout) if r["duplicate_of"]]
    dropped = run_cli("clean", "--corpus-pass", "--drop-duplicates", str(root))
    assert not any(r["duplicate_of"] for r in _records(dropped.stdout))
    assert f"{len(marked)} duplicate records left out".encode() in dropped.stderr
    out = tmp_path / "out"
    assert run_cli("batch", str(root), str(out), "--drop-duplicates").returncode == 0
    assert json.loads((out / "manifest.json").read_text())["duplicates"]["dropped"] == len(marked)


def test_the_seeds_are_not_duplicates_of_each_other(tmp_path):
    """Five outlets' own write-ups of one event: paraphrases, never marked."""
    for seed in SEEDS:
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    records = _records(run_cli("clean", "--corpus-pass", str(tmp_path)).stdout)
    assert len(records) == 5 and not any(r["duplicate_of"] for r in records)


@pytest.mark.slow
def test_a_source_with_thousands_of_pages(tmp_path):
    root = tmp_path / "input"
    truth = crawl.generate(root, sites=3, pages=8, seed=5, big_site_pages=2000, source="generated")
    out = tmp_path / "out"
    result = run_cli("batch", str(root), str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for p in sorted(out.glob("part-*.jsonl")) for line in p.read_text().splitlines()]
    score = crawl.score(records, truth)
    big = next(v for k, v in score["per_role"].items() if "big" in k)
    assert big["template_removed"] >= 0.95 and big["article_kept"] >= 0.99
