"""The line model's training data (training/): the labellers on small made-up pages, the page
rendering, the split, and (when ../shared is there) a short real run, made twice to the same bytes.

No page text is copied here: the real pages are read from ../shared, and the output goes to a
temporary directory.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter

import pytest

from training.labels import gold_labels, snippet_labels, tokens
from training.make_lines import SPLITS, main, make, render_page, split_of, text_lines

from .conftest import ROOT, SHARED

HAVE_SHARED = (SHARED / "datasets" / "wceb-dev").is_dir() and (SHARED / "datasets" / "trafilatura-eval").is_dir()
needs_shared = pytest.mark.skipif(not HAVE_SHARED, reason="../shared/datasets (wceb-dev, trafilatura-eval) not found")

PARAGRAPH_1 = ("The council met on Monday evening to discuss the budget for the coming year, "
               "and the members agreed to spend more on the town's roads and bridges.")
PARAGRAPH_2 = ("Residents who spoke at the meeting asked for longer library hours, "
               "which the mayor promised to look into before the next session.")


def _labels(lines: list[str], gold: str) -> list[int | None]:
    return [x.label for x in gold_labels(lines, gold)]


# --- the gold labeller -------------------------------------------------------------

def test_hard_wrapped_gold_still_labels_whole_page_paragraphs():
    wrapped = "\n".join([PARAGRAPH_1[:40], PARAGRAPH_1[40:95], PARAGRAPH_1[95:], "", PARAGRAPH_2[:50], PARAGRAPH_2[50:]])
    lines = ["Home", "News", "Sport", PARAGRAPH_1, PARAGRAPH_2, "Share this article", "Copyright 2024 Town Herald"]
    assert _labels(lines, wrapped) == [0, 0, 0, 1, 1, 0, 0]


def test_table_of_contents_repeating_the_headings_is_boilerplate():
    gold = f"Introduction\n{PARAGRAPH_1}\nBackground\n{PARAGRAPH_2}"
    lines = ["Contents", "Introduction", "Background", "Introduction", PARAGRAPH_1, "Background", PARAGRAPH_2]
    assert _labels(lines, gold) == [0, 0, 0, 1, 1, 1, 1]


def test_half_matched_line_is_ambiguous_and_shares_are_reported():
    gold = f"{PARAGRAPH_1}\nThe mayor thanked everyone for coming to the town hall."
    lines = [PARAGRAPH_1, "The mayor thanked everyone. Subscribe to our newsletter for daily news."]
    result = gold_labels(lines, gold)
    assert result[0].label == 1 and result[0].match == 1.0
    assert result[1].label is None and 0.3 < result[1].match < 0.7


def test_single_token_runs_do_not_match_but_runs_crossing_line_ends_do():
    # "Weather" alone in a menu matches nothing (runs of one token do not count); the heading
    # "Weather" right before the paragraph does, through the run that goes on into the paragraph.
    gold = f"Weather\n{PARAGRAPH_1}"
    lines = ["Weather", "Traffic", "Weather", PARAGRAPH_1, "the"]
    assert _labels(lines, gold) == [0, 0, 1, 1, 0]


def test_lines_without_tokens_take_the_label_their_neighbours_agree_on():
    gold = f"{PARAGRAPH_1}\n* * *\n{PARAGRAPH_2}"
    lines = ["Home", "|", "About", PARAGRAPH_1, "* * *", PARAGRAPH_2, "»", "Contact"]
    result = gold_labels(lines, gold)
    assert [x.label for x in result] == [0, 0, 0, 1, 1, 1, None, 0]
    assert result[1].match is None and result[4].match is None


def test_a_second_copy_of_the_main_text_is_left_unlabelled():
    lines = [PARAGRAPH_1, PARAGRAPH_2, "Related stories", PARAGRAPH_1]
    assert _labels(lines, f"{PARAGRAPH_1}\n{PARAGRAPH_2}") == [1, 1, 0, None]


def test_empty_gold_leaves_every_line_unlabelled():
    assert _labels(["Home", PARAGRAPH_1], " \n ") == [None, None]


def test_tokens_fold_case_width_ligatures_soft_hyphens_and_split_unspaced_scripts():
    assert tokens("The ﬁnal Ｒｅｐｏｒｔ, re\u00adleased") == ["the", "final", "report", "released"]
    assert tokens("北京市 2008 Olympics") == ["北", "京", "市", "2008", "olympics"]


def test_chinese_lines_are_matched_character_by_character():
    gold = "北京市今天发布了新的交通规则。\n市民表示欢迎。"
    lines = ["首页", "北京市今天发布了新的交通规则。", "市民表示欢迎。", "联系我们"]
    assert _labels(lines, gold) == [0, 1, 1, 0]


# --- the snippet labeller ----------------------------------------------------------

def test_snippets_label_the_lines_that_hold_them_and_leave_the_rest_unknown():
    lines = ["Home", "The council met on Monday evening to discuss the budget.", "Read more: other news",
             "Residents asked for longer hours."]
    result = snippet_labels(lines, ["met on Monday  evening"], ["Read more:", "not on the page"])
    assert result.labels == [None, 1, 0, None]
    assert (result.found_with, result.found_without) == (1, 1)


def test_snippets_ignore_whitespace_and_may_run_over_several_lines():
    lines = ["Sign up for our", "newsletter today", "The council met on", "Monday evening.", "Footer"]
    result = snippet_labels(lines, ["council met on Monday evening"], ["Sign up for our newsletter"])
    assert result.labels == [0, 0, 1, 1, None]
    # a line only grazed by a snippet (less than half of it covered) stays unknown
    grazed = snippet_labels(["A long line of boilerplate text ending in The", "council met on Monday."],
                            ["The council met"], [])
    assert grazed.labels == [None, 1]


def test_a_line_claimed_by_both_kinds_of_snippet_is_unknown():
    assert snippet_labels(["Advertisement: The council met"], ["The council met"], ["Advertisement"]).labels == [None]


# --- rendering and splits ----------------------------------------------------------

def test_render_page_keeps_every_visible_block_as_a_line_and_skips_hidden_ones():
    html = """<html><head><title>Title</title><style>p {}</style></head><body>
      <nav><ul><li><a href="/">Home</a></li><li>News</li></ul></nav>
      <div hidden>hidden attribute</div><div style="display: none">hidden by css</div>
      <script>var x = 1;</script><noscript>enable scripts</noscript><template>template</template>
      <article><h1>Headline</h1><p>First line<br>second   line of <b>the</b> paragraph.</p>
      <img alt="a picture"><p><ruby>漢<rt>かん</rt></ruby>字</p></article>
      <footer>Copyright</footer></body></html>"""
    assert text_lines(render_page(html)) == ["Home", "News", "Headline", "First line",
                                             "second line of the paragraph.", "漢字", "Copyright"]


def test_render_page_falls_back_to_noscript_content_when_nothing_else_shows():
    assert text_lines(render_page("<html><body><noscript><div></noscript><p>Story text</p></body></html>")) == [
        "Story text"]


def test_split_is_stable_by_page_and_near_70_15_15():
    assert split_of("cleaneval-103") == split_of("cleaneval-103")
    counts = Counter(split_of(f"page-{i}") for i in range(3000))
    assert set(counts) == {"train", "dev", "test"}
    assert abs(counts["train"] / 3000 - 0.70) < 0.03 and abs(counts["dev"] / 3000 - 0.15) < 0.03


def test_the_output_may_not_go_into_the_repository(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--out", str(ROOT / "training-output"), "--shared", str(tmp_path)])
    assert "inside the repository" in capsys.readouterr().err


# --- a short real run --------------------------------------------------------------

def _documents(out):
    return {split: [json.loads(line) for line in gzip.open(out / f"{split}.jsonl.gz")] for split in SPLITS}


@needs_shared
def test_a_short_run_on_real_pages_is_well_formed_and_byte_identical_twice(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    summary = make(SHARED, first, limit=3, jobs=1, progress=False)
    result = subprocess.run([sys.executable, "-m", "training.make_lines", "--out", str(second), "--shared", str(SHARED),
                             "--limit", "3", "--jobs", "2", "--quiet"], cwd=ROOT, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    for name in [f"{split}.jsonl.gz" for split in SPLITS] + ["summary.json"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    assert summary["pages"] == {"wceb-dev": 3, "trafilatura-eval": 3}
    documents = _documents(first)
    seen = Counter()
    for split, docs in documents.items():
        for doc in docs:
            assert set(doc) == {"id", "source", "dataset", "view", "split", "url", "lines"}
            assert doc["split"] == split and doc["view"] in ("page", "extracted") and doc["lines"]
            if doc["source"] == "wceb-dev":
                assert split == split_of(doc["id"]) and doc["dataset"] in ("cleaneval", "google-trends-2017",
                                                                           "readability")
            else:
                assert (split, doc["dataset"]) == ("test-external", "trafilatura-eval")
            for line in doc["lines"]:
                assert set(line) == {"text", "label", "match"} and line["label"] in (0, 1, None)
                assert line["text"] == " ".join(line["text"].split()) != ""
            seen[doc["dataset"], doc["view"]] += 1
    # one page of each wceb-dev data set and three external pages, each in both views
    assert seen == {("cleaneval", "page"): 1, ("cleaneval", "extracted"): 1, ("google-trends-2017", "page"): 1,
                    ("google-trends-2017", "extracted"): 1, ("readability", "page"): 1,
                    ("readability", "extracted"): 1, ("trafilatura-eval", "page"): 3,
                    ("trafilatura-eval", "extracted"): 3}
    labels = Counter(line["label"] for docs in documents.values() for doc in docs for line in doc["lines"])
    assert labels[0] and labels[1]
    # both views of a page go to the same split
    where = {(doc["id"], doc["view"]): split for split, docs in documents.items() for doc in docs}
    assert all(where[page_id, "page"] == split for (page_id, _), split in where.items())


def test_training_refuses_data_another_extraction_made(tmp_path):
    """The extracted view is the chain's own output: data an older extraction made would train
    a model this checkout's training does not make (and measure an extraction that no longer runs)."""
    from training.make_lines import check_extraction, extraction_fingerprint

    with pytest.raises(SystemExit, match="no readable summary.json"):
        check_extraction(tmp_path)
    (tmp_path / "summary.json").write_text(json.dumps({"extraction": "0123456789abcdef"}), encoding="utf-8")
    with pytest.raises(SystemExit, match="made by another extraction than this checkout's .*rebuild it"):
        check_extraction(tmp_path)
    (tmp_path / "summary.json").write_text(json.dumps({"extraction": extraction_fingerprint()}), encoding="utf-8")
    check_extraction(tmp_path)
