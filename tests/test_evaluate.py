"""`boilerstrip evaluate`: the metrics, checked by hand on tiny gold sets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluate import (
    GoldError,
    PipelineSystem,
    evaluate,
    load_gold,
    shingle_counts,
    shingles,
    snippet_counts,
    summarise_article_body,
)

from .conftest import run_cli

GOLD = Path(__file__).parent / "gold" / "article-body"


def test_shingles_are_word_4grams_counted_as_a_multiset():
    assert shingles("a b c d a b c d") == {("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1,
                                           ("c", "d", "a", "b"): 1, ("d", "a", "b", "c"): 1}
    assert shingles("Hello, world!") == {("Hello", "world"): 1}  # fewer than 4 tokens: one shingle
    assert shingles("  ...  ") == {}
    assert shingles("l'été 2024: où?") == {("l", "été", "2024", "où"): 1}  # \w+ runs, Unicode-aware


def test_per_document_counts_are_normalised():
    assert shingle_counts("a b c d e f", "a b c d x y") == pytest.approx((1 / 5, 2 / 5, 2 / 5))
    assert shingle_counts("a b c d a b c d", "a b c d") == pytest.approx((1 / 5, 0, 4 / 5))
    assert shingle_counts("", "") == (0.0, 0.0, 0.0)


def test_summary_averages_precision_and_recall_over_documents():
    counts = [
        shingle_counts("Hello world", "Hello world"),  # P 1, R 1
        shingle_counts("one two three four five", ""),  # empty prediction: not in the precision average; R 0
        shingle_counts("a b c d e f", "a b c d x y"),  # P 1/3, R 1/3
        shingle_counts("", "stray words here now"),  # empty gold: P 0, not in the recall average
    ]
    summary = summarise_article_body(counts)
    assert summary["precision"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert summary["recall"] == pytest.approx((1 + 0 + 1 / 3) / 3)
    assert summary["f1"] == pytest.approx(4 / 9)
    assert summary["empty_predictions"] == 1


def test_article_body_gold_set_scores_the_pipeline_as_computed_by_hand():
    """tests/gold/article-body: three pages whose gold bodies differ from the article on purpose.

    a1: gold = the two paragraphs the pipeline keeps: P = R = 1.
    a2: gold adds a sidebar sentence (12 tokens) the extractor rightly skips; the
        article has 17 + 18 + 18 = 53 tokens (its "Advertisement" line goes):
        50 shared shingles of 62 gold ones, so P = 1 and R = 50/62.
    a3: gold leaves out a 14-token line about the paper that the pipeline keeps;
        gold 19 + 20 = 39 tokens, 36 shingles, all found; 50 predicted: P = 36/50, R = 1.
    """
    gold = load_gold(GOLD)
    assert gold.kind == "article-body" and [p.id for p in gold.pages] == ["a1", "a2", "a3"]
    report = evaluate(gold, {"boilerstrip": PipelineSystem()})
    per_doc = {d["id"]: d["systems"]["boilerstrip"] for d in report.documents}
    assert (per_doc["a1"]["precision"], per_doc["a1"]["recall"]) == (1.0, 1.0)
    assert (per_doc["a2"]["precision"], per_doc["a2"]["recall"]) == (1.0, pytest.approx(50 / 62))
    assert (per_doc["a3"]["precision"], per_doc["a3"]["recall"]) == (pytest.approx(36 / 50), 1.0)
    summary = report.summary()["boilerstrip"]
    precision, recall = (1 + 1 + 36 / 50) / 3, (1 + 50 / 62 + 1) / 3
    assert summary["precision"] == pytest.approx(precision)  # 0.9067
    assert summary["recall"] == pytest.approx(recall)  # 0.9355
    assert summary["f1"] == pytest.approx(2 * precision * recall / (precision + recall))  # 0.9208
    assert all(d["language"] == "en" for d in report.documents)


def test_snippet_gold_counts_and_whitespace(tmp_path):
    (tmp_path / "html").mkdir()
    for name in ("p1.html", "p2.html"):
        (tmp_path / "html" / name).write_text("<html><body><p>x</p></body></html>")
    (tmp_path / "evaldata.json").write_text(json.dumps({
        "https://a.example/1": {"file": "p1.html", "with": ["river rose", "lower   town"], "without": ["Cookie policy"]},
        "https://a.example/2": {"file": "p2.html", "with": ["bakery"], "without": ["Share this", "Sign up"]},
    }))
    outputs = {"https://a.example/1": "The river rose.\nThe lower\ntown flooded. Cookie policy",
               "https://a.example/2": "Share this"}
    assert snippet_counts(outputs["https://a.example/1"], ["river rose", "lower   town"], ["Cookie policy"]) == (2, 1, 0, 0)
    report = evaluate(load_gold(tmp_path), {"stub": lambda data, url: outputs[url]})
    summary = report.summary()["stub"]
    # tp 2, fp 1 + 1, fn 0 + 1, tn 0 + 1
    assert (summary["tp"], summary["fp"], summary["fn"], summary["tn"]) == (2, 2, 1, 1)
    assert summary["precision"] == pytest.approx(2 / 4) and summary["recall"] == pytest.approx(2 / 3)
    assert summary["f1"] == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))


def test_a_failing_system_counts_as_empty_output_and_is_reported():
    def broken(data, url):
        raise RuntimeError("boom")

    report = evaluate(load_gold(GOLD), {"broken": broken})
    assert report.summary()["broken"]["errors"] == 3
    assert report.documents[0]["systems"]["broken"]["error"] == "RuntimeError: boom"


def test_gold_layout_errors_are_clear(tmp_path):
    with pytest.raises(GoldError, match="no evaldata.json, ground-truth.json or gold.json"):
        load_gold(tmp_path)
    (tmp_path / "x.json").write_text('{"a": {"title": "no body"}}')
    with pytest.raises(GoldError, match="neither 'articleBody' nor"):
        load_gold(tmp_path / "x.json")


def test_evaluate_command_prints_figures_and_writes_per_document_json(tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("evaluate", str(GOLD), "--json", str(out))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "article-body, 3 pages" in text and "boilerstrip" in text and "trafilatura" in text
    line = next(l for l in text.splitlines() if l.strip().startswith("boilerstrip"))
    assert line.split()[2:5] == ["0.9067", "0.9355", "0.9208"]
    report = json.loads(out.read_text())
    assert report["kind"] == "article-body" and len(report["documents"]) == 3
    assert set(report["summary"]) == {"boilerstrip", "trafilatura", "readability", "resiliparse", "justext"}
    assert report["documents"][1]["systems"]["boilerstrip"]["recall"] == pytest.approx(50 / 62)
    assert run_cli("evaluate", str(tmp_path / "nothing-here")).returncode == 2


def test_evaluate_applies_the_same_input_limits_as_clean():
    """evaluate runs the chain, limits included: a page over --max-page-chars is an error
    there exactly as it is for `boilerstrip clean`."""
    from pipeline.errors import InputTooLargeError
    from pipeline.options import CleanOptions

    gold = load_gold(GOLD)
    page = gold.pages[0]
    limited = PipelineSystem(CleanOptions(max_page_chars=100))
    with pytest.raises(InputTooLargeError, match="100-character limit"):
        limited(page.read(), page.url)
    report = evaluate(gold, {"boilerstrip": limited}, gold.pages)
    assert report.summary()["boilerstrip"]["errors"] == len(gold.pages)
    result = run_cli("evaluate", str(GOLD), "--baseline", "none", "--max-page-chars", "100")
    assert result.returncode == 0 and b"failed on 3 pages" in result.stderr
    clean = run_cli("clean", str(page.html_path), "--max-page-chars", "100")
    assert clean.returncode == 1 and b"100-character limit" in clean.stderr


# --- full-text gold (the Web Content Extraction Benchmark's layout) -------------------------

def _full_text_gold(root: Path) -> Path:
    """Two data sets, three pages; the fixture pages with gold written for them here."""
    from .conftest import FIXTURES

    gold = {
        "news-1": "The county ferry service has ordered two battery-electric vessels from a shipyard in the "
                  "north, replacing the diesel boats that have crossed the estuary since the early nineties.",
        "news-2": "Allotment waiting lists grow as rents stay low",
        "blog-1": "The harbour authority said berths would stay open during the work.",
    }
    meta = {"news-1": {"dataset": "news"}, "news-2": {"dataset": "news"}, "blog-1": {"dataset": "blogs"}}
    pages = {"news-1": "split-article.html", "news-2": "teasers.html", "blog-1": "harbour-news.html"}
    for page_id, name in pages.items():
        target = root / "html" / meta[page_id]["dataset"] / f"{page_id}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((FIXTURES / "html" / name).read_bytes())
    (root / "gold.json").write_text(json.dumps(gold))
    (root / "meta.json").write_text(json.dumps(meta))
    return root


def test_full_text_gold_is_scored_per_data_set_with_rouge_and_docs_per_second(tmp_path):
    root = _full_text_gold(tmp_path / "gold")
    gold = load_gold(root)
    assert gold.kind == "full-text" and [p.dataset for p in gold.pages] == ["blogs", "news", "news"]
    out = tmp_path / "report.json"
    result = run_cli("evaluate", str(root), "--baseline", "resiliparse,readability", "--also-mode", "fast",
                     "--json", str(out))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "ROUGE-LSum" in text and "data set news:" in text and "data set blogs:" in text
    assert "ROUGE-F1" in text.splitlines()[2] and "docs/s" in text.splitlines()[2]
    report = json.loads(out.read_text())
    assert set(report["summary"]) == {"boilerstrip", "boilerstrip fast", "resiliparse", "readability"}
    assert set(report["by_dataset"]) == {"news", "blogs"} and report["by_dataset"]["news"]["resiliparse"]["pages"] == 2
    for figures in report["summary"].values():
        assert 0 < figures["rouge_f1"] <= 1 and figures["docs_per_second"] > 0 and figures["errors"] == 0
    # The score is the one the module computes from the text, not a stand-in.
    from pipeline.rouge import rouge_lsum
    page = next(d for d in report["documents"] if d["id"] == "news-1")
    assert page["systems"]["boilerstrip"]["rouge"][1] == pytest.approx(1.0)  # the gold text is all found
    assert rouge_lsum("a b c.", "a b c.").f1 == 1.0


def test_split_selects_pages_of_a_full_text_set_only(tmp_path):
    from pipeline.evaluate import select_split, split_of

    root = _full_text_gold(tmp_path / "gold")
    pages = load_gold(root).pages
    assert sorted(p.id for s in ("train", "dev", "test") for p in select_split(pages, s)) == sorted(p.id for p in pages)
    assert select_split(pages, "held-out") == [p for p in pages if split_of(p.id) == "test"]
    result = run_cli("evaluate", str(GOLD), "--split", "held-out")
    assert result.returncode == 2 and b"--split selects pages of a full-text gold set" in result.stderr
    bad = run_cli("evaluate", str(root), "--baseline", "boilerpipe")
    assert bad.returncode == 2 and b"not a baseline: boilerpipe" in bad.stderr


def test_the_split_is_the_line_model_s_split():
    """Held-out figures are on pages the line model never trained on: one split function."""
    import training.make_lines as make_lines
    from pipeline import evaluate as evaluation

    assert make_lines.split_of is evaluation.split_of
    counts = Counter(evaluation.split_of(f"page-{i}") for i in range(3000))
    assert abs(counts["train"] / 3000 - 0.70) < 0.03 and abs(counts["test"] / 3000 - 0.15) < 0.03
