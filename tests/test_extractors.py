"""HTML extractors behind one interface, their block-by-block combination, and the modes.

Fixture pages (``fixtures/html/``, written for these tests):

* ``split-article.html``: an article in two containers with a newsletter box between
  them, reader comments, a most-read list and a footer. trafilatura and Resiliparse
  agree; Readability also keeps the newsletter box.
* ``teasers.html``: an article in unmarked ``<div>``s with ``<br>`` paragraphs and a
  column of teasers. The extractors disagree: trafilatura keeps the article alone,
  Readability and Resiliparse the teasers too, Resiliparse the top navigation too.
* ``harbour-news.html``: the project's first HTML fixture.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.document import Document
from pipeline.extractors import (
    FALLBACK_BELOW_WORDS,
    extract_page,
    justext_adapter,
    readability_adapter,
    resiliparse_adapter,
    trafilatura_adapter,
)
from pipeline.extractors import combiner as C
from pipeline.extractors.align import Skeleton, page_blocks
from pipeline.extractors.blocks import to_blocks
from pipeline.extractors.page import Page
from pipeline.options import CleanOptions
from pipeline.stages.extract import arbiter_scorer

from .conftest import FIXTURES, run_cli

SPLIT = (FIXTURES / "html" / "split-article.html").read_text(encoding="utf-8")
TEASERS = (FIXTURES / "html" / "teasers.html").read_text(encoding="utf-8")
HARBOUR = (FIXTURES / "html" / "harbour-news.html").read_text(encoding="utf-8")

SPLIT_ARTICLE = [
    "The county ferry service has ordered two battery-electric vessels",
    "Each new ferry will carry up to 40 cars and 300 passengers",
    "The crossing is short, the schedule is regular",
    "Costs and timetable",
    "The contract is worth about 31 million euros",
    "Sea trials are planned for the spring of 2027",
    "Local councillors welcomed the order",
]
SPLIT_BOILERPLATE = ["Sign in", "Get the morning briefing", "Our editors pick", "23 comments", "About time",
                     "Most read", "Council approves new cycle lanes", "All rights reserved", "Cookie settings"]
TEASERS_ARTICLE = [
    "More than four hundred households are now waiting for a plot",
    "Annual rents have not changed since 2019",
    "The council is considering splitting some of the larger plots",
    "People wait two or three years now",
]

ADAPTERS = {
    "trafilatura": trafilatura_adapter.blocks,
    "readability": readability_adapter.blocks,
    "resiliparse": resiliparse_adapter.blocks,
}


def _has(blocks, start: str) -> bool:
    return any(start in block for block in blocks)


# --- the adapters ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ADAPTERS))
@pytest.mark.parametrize(("page", "article"), [(SPLIT, SPLIT_ARTICLE), (TEASERS, TEASERS_ARTICLE)])
def test_each_extractor_finds_the_article_as_blocks(name, page, article):
    blocks = ADAPTERS[name](Page(page))
    assert all(block and block == " ".join(block.split()) and "\n" not in block for block in blocks)
    missing = [start for start in article if not _has(blocks, start)]
    assert not missing, f"{name} missed {missing}"
    assert not _has(blocks, "All rights reserved") and not _has(blocks, "Cookie settings")


def test_the_extractors_disagree_on_the_fixture_pages():
    """What the combination is for: each extractor errs differently."""
    split = {name: adapter(Page(SPLIT)) for name, adapter in ADAPTERS.items()}
    assert _has(split["readability"], "Get the morning briefing")
    assert not _has(split["trafilatura"], "Get the morning briefing")
    assert not _has(split["resiliparse"], "Get the morning briefing")
    teasers = {name: adapter(Page(TEASERS)) for name, adapter in ADAPTERS.items()}
    assert not _has(teasers["trafilatura"], "Seed swap returns")
    assert _has(teasers["readability"], "Seed swap returns") and _has(teasers["resiliparse"], "Seed swap returns")


def test_readability_adapter_gives_readability_lxml_s_own_text():
    """The adapter skips the cleaner's JavaScript pass for speed; the text must not change."""
    from readability import Document as ReadabilityDocument

    for page in (SPLIT, TEASERS, HARBOUR):
        unchanged = ReadabilityDocument(Page(page).tree, **readability_adapter.OPTIONS).summary(html_partial=True)
        assert readability_adapter.blocks(Page(page)) == readability_adapter.render(unchanged)


def test_comments_come_back_with_keep_comments():
    assert not _has(resiliparse_adapter.blocks(Page(SPLIT)), "About time")
    assert _has(resiliparse_adapter.blocks(Page(SPLIT), keep_comments=True), "About time")


def test_justext_adapter_returns_content_paragraphs_and_survives_broken_trees():
    long_paragraph = "The ferry crossing will be electric by 2028, and the operator says that fares " * 3
    page = f"<html><body><p>Home | News</p><p>{long_paragraph}</p><p>{long_paragraph} again</p></body></html>"
    blocks = justext_adapter.blocks(Page(page))
    assert _has(blocks, "The ferry crossing will be electric") and not _has(blocks, "Home | News")
    assert justext_adapter.blocks(Page("<body><!--><html>")) == []


def test_blocks_never_hold_a_line_break():
    assert to_blocks("one\u2028two\r\nthree\x85four\x0b five  six") == ["one", "two", "three", "four", "five six"]
    assert to_blocks(["a\nb", "  ", "c"]) == ["a", "b", "c"]


# --- projecting an extractor's text onto the page's blocks --------------------------------------

def test_page_blocks_are_every_visible_block_in_page_order():
    blocks = page_blocks(Page(SPLIT))
    order = [next(i for i, b in enumerate(blocks) if start in b) for start in
             ["Home", "Ferry operator orders", "The county ferry", "Get the morning", "Costs and timetable",
              "23 comments", "Most read", "All rights reserved"]]
    assert order == sorted(order)
    hidden = '<div style="display: none">secret</div><p hidden>also secret</p><noscript>no</noscript><p>seen</p>'
    assert page_blocks(Page(f"<html><body>{hidden}</body></html>")) == ["seen"]


def test_a_short_block_is_covered_only_where_its_neighbours_come_with_it():
    skeleton = Skeleton.of(["Home", "The council met on Monday to vote on the harbour plan.", "Home",
                            "Comments are closed."])
    text = ["Home The council met on Monday to vote", "on the harbour plan."]
    assert skeleton.coverage(text) == [1.0, 1.0, 0.0, 0.0]
    # Spacing, case and punctuation around inline markup do not matter.
    assert skeleton.coverage(["THE COUNCIL met on monday, to vote on the harbour plan"])[1] == 1.0
    assert skeleton.coverage([]) == [0.0] * 4


# --- the decision ------------------------------------------------------------------------------

def _never() -> list[bool]:
    raise AssertionError("Readability must not run when trafilatura and Resiliparse agree")


def test_agreeing_extractors_settle_a_page_without_readability():
    sizes = [3, 40, 30, 5]
    votes = {C.TRAFILATURA: [False, True, True, False], C.RESILIPARSE: [False, True, True, False]}
    decision = C.decide(sizes, votes, _never, None)
    assert decision.kept == (1, 2) and decision.kind == "agree"
    assert decision.kept_by == ((C.TRAFILATURA, C.RESILIPARSE),) * 2


def test_disagreement_is_decided_by_weighted_votes_without_the_line_model():
    sizes = [10, 40, 30, 20]
    votes = {C.TRAFILATURA: [False, True, False, False], C.RESILIPARSE: [True, True, True, False]}
    readability = [False, True, True, True]
    decision = C.decide(sizes, votes, lambda: readability, None)
    # Majority: block 1 (three votes) and block 2 (two) are kept; 0 and 3 (one each) are not.
    assert decision.kept == (1, 2) and decision.kind in ("hi", "mid", "lo")
    assert decision.kept_by == ((C.TRAFILATURA, C.READABILITY, C.RESILIPARSE), (C.READABILITY, C.RESILIPARSE))


def test_the_line_model_arbitrates_the_blocks_in_between():
    settings = C.Settings(levels={kind: C.Levels(keep=0.7, ask=0.2) for kind in ("hi", "mid", "lo")})
    sizes = [10, 40, 30, 20]
    votes = {C.TRAFILATURA: [False, True, False, False], C.RESILIPARSE: [True, True, True, False]}
    readability = [False, True, True, False]
    scores = [0.9, None, 0.1, 0.0]
    decision = C.decide(sizes, votes, lambda: readability, lambda: scores, settings)
    # 1: all three keep it. 2: two of three, and the model says prose. 0: one of three, and the
    # model says boilerplate. 3: nobody keeps it, so nobody asks.
    assert decision.kept == (1, 2)
    unscored = C.decide(sizes, votes, lambda: readability, lambda: [None] * 4, settings)
    assert unscored.kept == (0, 1, 2)  # a block the model does not score (long prose) is kept


def test_a_page_without_words_keeps_nothing():
    assert C.decide([0, 0], {C.TRAFILATURA: [False] * 2, C.RESILIPARSE: [False] * 2}, _never, None).kept == ()


def test_the_combination_on_a_page_where_the_extractors_agree():
    combination = C.combine(Page(SPLIT), scorer=arbiter_scorer())
    assert combination.kind == "agree"
    assert all(_has(combination.blocks, start) for start in SPLIT_ARTICLE)
    assert not [b for b in SPLIT_BOILERPLATE if _has(combination.blocks, b)]


def test_the_combination_on_a_page_where_the_extractors_disagree():
    page = Page(TEASERS)
    combination = C.combine(page, scorer=arbiter_scorer())
    assert combination.kind in ("hi", "mid", "lo")  # Readability was asked
    assert all(_has(combination.blocks, start) for start in TEASERS_ARTICLE)
    # In page order, each a block of the page, each kept by the extractors it names.
    blocks = page_blocks(page)
    positions = [blocks.index(block) for block in combination.blocks]
    assert positions == sorted(positions)
    texts = {name: adapter(Page(TEASERS)) for name, adapter in ADAPTERS.items()}
    for block, names in zip(combination.blocks, combination.kept_by, strict=True):
        assert names and all(name in C.VOTERS for name in names)
        for name in names:
            assert Skeleton.of([block]).coverage(texts[name])[0] >= 0.5


# --- the modes ------------------------------------------------------------------------------------

def test_the_modes_name_what_found_the_text():
    assert extract_page(SPLIT, mode="combined").extractor == "combined"
    assert extract_page(SPLIT, mode="trafilatura").extractor == "trafilatura"
    fast = extract_page(SPLIT, mode="fast")
    assert fast.extractor == "resiliparse" and set(fast.kept_by) == {("resiliparse",)}
    for mode in ("combined", "trafilatura", "fast"):
        found = extract_page(SPLIT, "https://courier.example/x", mode=mode)
        assert all(_has(found.blocks, start) for start in SPLIT_ARTICLE), mode
        assert found.metadata["title"].startswith("Ferry operator orders two electric vessels")
        assert found.metadata["author"] == "Maren Holt" and found.metadata["date"] == "2025-03-14"
        assert found.metadata["url"] == "https://courier.example/news/ferry-electric-vessels"
    with pytest.raises(ValueError, match="no HTML extraction mode"):
        extract_page(SPLIT, mode="best")


def test_justext_is_the_last_resort(monkeypatch):
    long_paragraph = "The ferry crossing will be electric by 2028, and the operator says that fares " * 3
    page = f"<html><body><p>Home</p><p>{long_paragraph}</p><p>{long_paragraph} again</p></body></html>"
    monkeypatch.setattr(trafilatura_adapter, "blocks", lambda *a, **k: [])
    monkeypatch.setattr(resiliparse_adapter, "blocks", lambda *a, **k: ["Home"])
    monkeypatch.setattr(readability_adapter, "blocks", lambda *a, **k: [])
    found = extract_page(page, mode="combined")
    assert found.extractor == "justext" and _has(found.blocks, "The ferry crossing")
    assert set(found.kept_by) == {("justext",)}
    assert FALLBACK_BELOW_WORDS > 1


def test_the_record_carries_the_extractors_audit(tmp_path):
    page = tmp_path / "split.html"
    page.write_text(SPLIT, encoding="utf-8")
    result = run_cli("clean", str(page), "--format", "jsonl", "--explain")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    paragraphs = record["text"].split("\n\n")
    assert record["extractor"] == "combined" and len(record["extractors"]) == len(paragraphs)
    assert all(names == ["trafilatura", "resiliparse"] for names in record["extractors"])
    assert "kept [trafilatura, resiliparse] The county ferry service" in result.stderr.decode()
    text_record = json.loads(run_cli("clean", "-", "--format", "jsonl", stdin=b"Plain text.\n").stdout)
    assert text_record["extractors"] is None


@pytest.mark.parametrize("mode", ["fast", "trafilatura"])
def test_html_extractor_option(tmp_path, mode):
    page = tmp_path / "split.html"
    page.write_text(SPLIT, encoding="utf-8")
    result = run_cli("clean", str(page), "--format", "jsonl", "--html-extractor", mode)
    record = json.loads(result.stdout)
    assert record["extractor"] == {"fast": "resiliparse", "trafilatura": "trafilatura"}[mode]
    assert "Local councillors welcomed the order" in record["text"]
    bad = run_cli("clean", str(page), "--html-extractor", "best")
    assert bad.returncode == 2 and "must be one of combined, fast, trafilatura" in bad.stderr.decode()


def test_modes_enter_the_batch_fingerprint():
    from pipeline.chain import Chain
    from pipeline.stages.extract import Extract

    assert len({Chain(CleanOptions(html_extractor=mode)).fingerprint() for mode in ("combined", "fast", "trafilatura")}) == 3
    prints = {mode: json.dumps(Extract(CleanOptions(html_extractor=mode)).fingerprint(), sort_keys=True, default=str)
              for mode in ("combined", "fast", "trafilatura")}
    assert "readability" in prints["combined"] and "readability" not in prints["fast"]


def test_extraction_libraries_are_imported_only_when_a_page_needs_them(tmp_path):
    code = (
        "import sys, io\n"
        "from pipeline import cli\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'Plain text, a sentence.\\n'))\n"
        "try:\n    cli.main(['clean', '-'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('trafilatura', 'readability', 'resiliparse', 'justext', 'lxml', 'htmldate')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr
    fast = (
        "import sys\n"
        "from pipeline.options import CleanOptions\n"
        "from pipeline.chain import Chain\n"
        "from pipeline.document import Document\n"
        f"page = {SPLIT!r}.encode()\n"
        "docs = list(Chain(CleanOptions(html_extractor='fast')).stream([(0, Document(id='p', raw=page, format='html'))]))\n"
        "assert 'Local councillors' in docs[0][1].text, docs\n"
        "heavy = ('trafilatura', 'readability', 'justext', 'htmldate')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", fast], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_document_round_trips_the_audit():
    doc = Document(id="p", text="a\n\nb", extractors=(("trafilatura",), ("readability", "resiliparse")))
    assert Document.from_state(json.loads(json.dumps(doc.to_state()))).extractors == doc.extractors
