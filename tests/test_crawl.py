"""benchmarks/crawl.py: the test crawl for corpus-level cleaning (issue 12), its truth and its scorer.

A small crawl (4 sites x 6 pages, a 12-page big site) with generated article text, so nothing here
needs ../shared; the gold-text source has one test of its own, skipped when the set is absent."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import crawl
from tests.conftest import SHARED, run_cli

SMALL = {"sites": 4, "pages": 6, "seed": 1, "big_site_pages": 12, "source": "generated"}
KINDS = {"template", "headline", "article", "quote", "boilerplate"}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_crawl(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("crawl")
    truth = crawl.generate(base / "input", **SMALL)
    return base / "input", truth


def _raw_records(out: Path, truth: dict) -> list[dict]:
    """What a cleaner that changes nothing would write: every page as it is, nothing marked."""
    return [{"id": doc_id, "title": None, "text": (out / doc["file"]).read_text(encoding="utf-8"), "removed": []}
            for doc_id, doc in truth["documents"].items()]


def _perfect_records(truth: dict) -> list[dict]:
    """A perfect cleaner: template lines and boilerplate removed, content kept, every copy of a story
    but its original marked as a duplicate of the original."""
    duplicate_of = {m: c["original"] for c in truth["clusters"] for m in c["members"] if m != c["original"]}
    records = []
    for doc_id, doc in truth["documents"].items():
        content = [line for line in doc["lines"] if line["kind"] in ("headline", "article", "quote")]
        removed = [{"rule": "corpus-template" if line["kind"] == "template" else "boilerplate",
                    "line": line["line"], "text": line["text"]}
                   for line in doc["lines"] if line["kind"] in ("template", "boilerplate")]
        records.append({"id": doc_id, "title": None, "text": "\n\n".join(line["text"] for line in content),
                        "removed": removed, "duplicate_of": duplicate_of.get(doc_id),
                        "duplicate_similarity": 1.0 if doc_id in duplicate_of else None})
    return records


def test_same_arguments_same_bytes(tmp_path):
    for layout in ("dirs", "jsonl"):
        a = crawl.generate(tmp_path / f"a-{layout}" / "in", layout=layout, **SMALL)
        b = crawl.generate(tmp_path / f"b-{layout}" / "in", layout=layout, **SMALL)
        assert a == b
        assert _tree(tmp_path / f"a-{layout}") == _tree(tmp_path / f"b-{layout}")
    other = crawl.generate(tmp_path / "c" / "in", **{**SMALL, "seed": 2})
    assert other["documents"].keys() != a["documents"].keys()


def test_layouts_hold_the_same_documents(tmp_path, small_crawl):
    out, truth = small_crawl
    jsonl_truth = crawl.generate(tmp_path / "in", layout="jsonl", **SMALL)
    records = [json.loads(line) for line in (tmp_path / "in" / "crawl.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == sorted(truth["documents"])
    for record in records:
        doc = truth["documents"][record["id"]]
        assert set(record) == {"id", "url", "text"}
        assert record["url"] == doc["url"] and record["url"].startswith(f"https://{doc['site']}/")
        assert record["text"] == (out / doc["file"]).read_text(encoding="utf-8")
    assert jsonl_truth["documents"].keys() == truth["documents"].keys()


def test_files_are_grouped_by_site_and_truth_is_outside(small_crawl):
    out, truth = small_crawl
    assert (out.parent / "input-truth.json").exists() and not list(out.rglob("*.json"))
    assert sorted(p.name for p in out.iterdir()) == sorted(truth["sites"])
    for doc_id, doc in truth["documents"].items():
        assert doc["file"] == f"{doc_id}.txt" and doc_id.split("/")[0] == doc["site"]


def test_truth_lines_are_the_page(small_crawl):
    out, truth = small_crawl
    for doc in truth["documents"].values():
        text = (out / doc["file"]).read_text(encoding="utf-8")
        file_lines = text.split("\n")
        assert [file_lines[line["line"] - 1] for line in doc["lines"]] == [line["text"] for line in doc["lines"]]
        assert [line for line in file_lines if line] == [line["text"] for line in doc["lines"]]
        for line in doc["lines"]:
            assert line["kind"] in KINDS
            if line["kind"] == "template":
                assert line["variant"] in ("exact", "partial", "varying") and line["template"]
        kinds = Counter(line["kind"] for line in doc["lines"])
        assert kinds["template"] >= 4 and kinds["article"] >= 3, doc["file"]


def test_sites_and_their_templates(small_crawl):
    _, truth = small_crawl
    sites = truth["sites"]
    roles = Counter(site["role"] for site in sites.values())
    assert roles == {"regular": 3, "quote": 1, "small": 1, "mirror": 1, "big": 1}
    for host, site in sites.items():
        assert host.endswith(".example")
        regions = Counter(spec["region"] for spec in site["template"])
        assert 3 <= regions["header"] <= 10 and 3 <= regions["footer"] <= 10 and regions["insert"] <= 4
        pages = [d for d in truth["documents"].values() if d["site"] == host]
        assert len(pages) == site["pages"]
    assert [s["pages"] for s in sites.values() if s["role"] == "small"] == [2]
    assert [s["small"] for s in sites.values() if s["role"] == "small"] == [True]
    assert [s["pages"] for s in sites.values() if s["role"] == "big"] == [12]
    assert all(s["pages"] == 6 for s in sites.values() if s["role"] in ("regular", "quote"))
    variants = Counter(spec["variant"] for site in sites.values() for spec in site["template"])
    assert variants["exact"] and variants["varying"] and variants["partial"]


def test_exact_template_lines_repeat_and_varying_ones_vary(small_crawl):
    _, truth = small_crawl
    for host, site in truth["sites"].items():
        if site["role"] in ("small", "mirror"):
            continue
        seen: dict[str, Counter[str]] = {}
        for doc in truth["documents"].values():
            if doc["site"] == host:
                for line in doc["lines"]:
                    if line["kind"] == "template":
                        seen.setdefault(line["template"], Counter())[line["text"]] += 1
        for spec in site["template"]:
            texts = seen.get(spec["id"], Counter())
            if spec["variant"] in ("exact", "partial"):
                assert set(texts) <= {spec["pattern"]}
            if spec["variant"] == "exact":
                assert sum(texts.values()) >= site["pages"], spec
            if spec["variant"] == "varying" and spec["region"] != "insert":
                assert len(texts) >= 2, spec


def test_per_page_boilerplate_does_not_repeat(small_crawl):
    _, truth = small_crawl
    bylines = Counter(line["text"] for doc in truth["documents"].values() if doc["role"] not in ("recrawl", "mirror")
                      for line in doc["lines"] if line.get("what") == "byline")
    assert bylines and bylines.most_common(1)[0][1] == 1


def test_article_paragraphs_never_recur_by_chance(small_crawl):
    """Outside syndicated copies and exact duplicates, no article paragraph is on two pages."""
    _, truth = small_crawl
    count = Counter(line["text"] for doc in truth["documents"].values()
                    if doc["role"] not in ("syndicated-copy", "recrawl", "mirror")
                    for line in doc["lines"] if line["kind"] == "article")
    assert count.most_common(1)[0][1] == 1


def test_clusters(small_crawl):
    out, truth = small_crawl
    documents = truth["documents"]
    kinds = Counter(c["kind"] for c in truth["clusters"])
    assert kinds["syndicated"] >= 2 and kinds["recrawl"] >= 1 and kinds["mirror"] >= 1
    members = [m for c in truth["clusters"] for m in c["members"]]
    assert len(members) == len(set(members))
    for cluster in truth["clusters"]:
        assert cluster["original"] in cluster["members"] and len(cluster["members"]) >= 2
        original = documents[cluster["original"]]
        for member in cluster["members"]:
            doc = documents[member]
            assert doc["cluster"] == cluster["id"] and doc["article"] == original["article"]
            if member == cluster["original"]:
                assert doc["original"] is None
                continue
            assert doc["original"] == cluster["original"]
            if cluster["kind"] in ("recrawl", "mirror"):
                assert (out / doc["file"]).read_bytes() == (out / original["file"]).read_bytes()
            else:
                assert doc["site"] != original["site"] and doc["changes"]
                ours = [line["text"] for line in doc["lines"] if line["kind"] == "article"]
                theirs = [line["text"] for line in original["lines"] if line["kind"] == "article"]
                assert ours == theirs or ours == theirs[:-1]
    recrawl = next(c for c in truth["clusters"] if c["kind"] == "recrawl")
    assert len({documents[m]["site"] for m in recrawl["members"]}) == 1
    mirror = next(c for c in truth["clusters"] if c["kind"] == "mirror")
    assert len({documents[m]["site"] for m in mirror["members"]}) == 2


def test_paraphrase_sets_and_seeds(small_crawl):
    _, truth = small_crawl
    documents = truth["documents"]
    sets = {s["id"]: s["members"] for s in truth["paraphrase_sets"]}
    assert "seeds" in sets and len(sets) >= 2
    seeds = sets["seeds"]
    assert sorted(documents[m]["article"] for m in seeds) == sorted(
        f"seed:{p.stem}" for p in crawl.SEEDS_DIR.glob("*.txt"))
    assert len({documents[m]["site"] for m in seeds}) == 5
    for set_id, members in sets.items():
        assert len({documents[m]["site"] for m in members}) == len(members), set_id
        assert all(documents[m]["cluster"] is None for m in members)
    # The seeds keep their own labels: the reviewed output's removals are boilerplate, the rest content.
    seed = documents[next(m for m in seeds if documents[m]["article"].startswith("seed:004_"))]
    assert [line["text"] for line in seed["lines"] if line.get("what") == "seed-boilerplate"] == [
        "date 2024-10-19 (MENAFN- Khaama Press)", "Image/Reuters."]


def test_the_quote_site(small_crawl):
    _, truth = small_crawl
    (quote,) = truth["protected_quotes"]
    site = truth["sites"][quote["site"]]
    assert site["role"] == "quote" and site["quote"] == quote["text"]
    pages = [d for doc_id, d in truth["documents"].items() if d["site"] == quote["site"]]
    assert len(pages) == site["pages"] == len(quote["documents"])
    positions = set()
    for doc in pages:
        lines = [line for line in doc["lines"] if line["kind"] == "quote"]
        assert [line["text"] for line in lines] == [quote["text"]]
        content = [line["kind"] for line in doc["lines"] if line["kind"] in ("article", "quote")]
        positions.add(content.index("quote"))
    assert len(positions) >= 2  # inside the body, not at a fixed place


def test_score_of_a_perfect_output(small_crawl):
    _, truth = small_crawl
    result = crawl.score(_perfect_records(truth), truth)
    for figure in ("template_removed", "template_removed_exact", "template_removed_partial",
                   "template_removed_varying", "small_site_template_removed", "article_kept", "headlines_kept",
                   "quotes_kept", "boilerplate_removed", "duplicate_precision", "duplicate_recall"):
        assert result[figure] == 1.0, figure
    assert set(result["duplicate_recall_by_kind"].values()) == {1.0}
    assert result["records_matched"] == result["documents"] == len(truth["documents"])
    assert result["paraphrases_marked"] == result["seeds_marked"] == result["clusters_fully_marked"] == 0
    assert result["duplicates_marked"] == result["duplicates_correct"] == result["duplicates_expected"] > 0
    assert result["template_removed_by_rule"] == {"corpus-template": result["template_lines"]}


def test_score_of_the_raw_input(small_crawl):
    out, truth = small_crawl
    result = crawl.score(_raw_records(out, truth), truth)
    for figure in ("template_removed", "template_removed_exact", "small_site_template_removed",
                   "boilerplate_removed", "duplicate_recall"):
        assert result[figure] == 0.0, figure
    for figure in ("article_kept", "headlines_kept", "quotes_kept"):
        assert result[figure] == 1.0, figure
    assert result["duplicate_precision"] is None  # nothing marked: undefined
    assert result["duplicates_marked"] == result["paraphrases_marked"] == result["seeds_marked"] == 0


def test_score_counts_wrong_marks(small_crawl):
    _, truth = small_crawl
    records = _perfect_records(truth)
    by_id = {r["id"]: r for r in records}
    seeds = next(s["members"] for s in truth["paraphrase_sets"] if s["id"] == "seeds")
    paraphrases = next(s["members"] for s in truth["paraphrase_sets"] if s["id"] != "seeds")
    by_id[seeds[1]]["duplicate_of"] = seeds[0]
    by_id[paraphrases[1]]["duplicate_of"] = paraphrases[0]
    syndicated = next(c for c in truth["clusters"] if c["kind"] == "syndicated")
    by_id[syndicated["original"]]["duplicate_of"] = next(m for m in syndicated["members"]
                                                        if m != syndicated["original"])
    result = crawl.score(records, truth)
    assert result["seeds_marked"] == 1 and result["paraphrases_marked"] == 1
    assert result["clusters_fully_marked"] == 1
    assert result["duplicates_marked"] == result["duplicates_expected"] + 3
    assert result["duplicate_precision"] == round((result["duplicates_expected"] + 1) / result["duplicates_marked"], 6)
    assert result["duplicate_recall"] == 1.0  # one correct mark too many in a cluster does not raise recall

    # A copy unmarked lowers recall; a copy marked as a duplicate of an unrelated page lowers both.
    copy = next(m for m in syndicated["members"] if m != syndicated["original"])
    records = _perfect_records(truth)
    by_id = {r["id"]: r for r in records}
    by_id[copy]["duplicate_of"] = seeds[0]
    result = crawl.score(records, truth)
    assert result["duplicate_recall"] < 1.0 and result["duplicate_precision"] < 1.0


def test_score_matches_file_ids_and_trimmed_lines(small_crawl):
    """Records of `boilerstrip clean DIR` have ids like `<host>/<page>.txt`; a line a rule trimmed
    to at least half of itself still counts as kept."""
    _, truth = small_crawl
    records = _perfect_records(truth)
    for record in records:
        record["id"] = f"crawl/input/{record['id']}.txt"
        if record["duplicate_of"]:
            record["duplicate_of"] = f"crawl/input/{record['duplicate_of']}.txt"
    doc_id, doc = next((i, d) for i, d in truth["documents"].items()
                       if any(line["kind"] == "article" for line in d["lines"]))
    record = next(r for r in records if r["id"].endswith(f"{doc_id}.txt"))
    first = next(line["text"] for line in doc["lines"] if line["kind"] == "article")
    record["text"] = record["text"].replace(first, first[: len(first) * 3 // 4], 1)
    result = crawl.score(records, truth)
    assert result["records_matched"] == len(truth["documents"])
    assert result["article_kept"] == 1.0 and result["duplicate_recall"] == 1.0


def test_boilerstrip_on_the_crawl(tmp_path, small_crawl):
    """boilerstrip on the crawl: records match the truth by id and content survives; before the
    corpus-level pass exists (no `duplicate_of` in the records) nothing counts as marked."""
    out, truth = small_crawl
    records_path = tmp_path / "records.jsonl"
    result = run_cli("clean", str(out), "--format", "jsonl", "-o", str(records_path), "-q")
    assert result.returncode == 0, result.stderr.decode()
    records = list(crawl.read_records([records_path]))
    scored = crawl.score(records, truth)
    assert scored["records_matched"] == len(truth["documents"]) and scored["records_unknown"] == 0
    assert scored["article_kept"] >= 0.97 and scored["quotes_kept"] == 1.0
    assert scored["template_removed"] > 0.0  # the line rules already take generic lines (copyright, menus)
    if not any("duplicate_of" in record for record in records):
        assert scored["duplicate_recall"] == 0.0 and scored["duplicate_precision"] is None

    truth_path = out.parent / "input-truth.json"
    assert crawl.main(["--score", str(records_path), "--truth", str(truth_path)]) == 0


def test_command_line(tmp_path, capsys):
    assert crawl.main([str(tmp_path / "in"), "--sites", "3", "--pages", "4", "--big-site-pages", "0",
                       "--source", "generated", "--layout", "jsonl", "--truth", str(tmp_path / "t.json")]) == 0
    assert (tmp_path / "in" / "crawl.jsonl").exists() and (tmp_path / "t.json").exists()
    assert "wrote" in capsys.readouterr().out
    truth = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert not any(site["role"] == "big" for site in truth["sites"].values())
    with pytest.raises(SystemExit):  # OUT not empty
        crawl.main([str(tmp_path / "in"), "--source", "generated"])
    with pytest.raises(SystemExit):  # truth inside the input tree
        crawl.main([str(tmp_path / "in2"), "--source", "generated", "--truth", str(tmp_path / "in2" / "t.json")])
    assert crawl.main([str(tmp_path / "in3"), "--gold", str(tmp_path / "absent.json")]) == 0
    assert "skipped" in capsys.readouterr().err and not (tmp_path / "in3").exists()


@pytest.mark.skipif(not (SHARED / "datasets" / "wceb-dev" / "gold.json").exists(),
                    reason="the shared wceb-dev set is absent")
def test_gold_articles(tmp_path):
    truth = crawl.generate(tmp_path / "in", **{**SMALL, "source": "gold"})
    assert truth["counts"]["documents_by_article_source"]["wceb"] >= 20
    articles = [d for d in truth["documents"].values() if d["article_source"] == "wceb"]
    for doc in articles:
        paragraphs = [line for line in doc["lines"] if line["kind"] == "article"]
        assert 5 <= len(paragraphs) <= 40
