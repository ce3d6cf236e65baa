"""`boilerstrip evaluate`: the metrics, checked by hand on tiny gold sets."""

from __future__ import annotations

import json
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
    a3: gold leaves out the author's bio line (14 tokens) that the pipeline keeps;
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
    with pytest.raises(GoldError, match="no evaldata.json or ground-truth.json"):
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
    assert set(report["summary"]) == {"boilerstrip", "trafilatura"}
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
