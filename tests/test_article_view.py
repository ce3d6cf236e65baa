"""The line model's ``article`` training view (training/article_view.py): a page's main text with its
own boilerplate injected, made the same way on every run."""

from __future__ import annotations

from typing import Any

from training.article_view import BULLETS, SEPARATORS, article_document, article_documents


def page(n_main: int = 12, n_boiler: int = 14, pid: str = "cleaneval-1") -> dict[str, Any]:
    """A made-up page view: a menu, the article (with an unlabelled line in it), a footer."""
    lines: list[dict[str, Any]] = [{"text": f"Menu {i}", "label": 0, "match": 0.0} for i in range(n_boiler // 2)]
    lines += [{"text": f"Paragraph {i} of the article, which says something.", "label": 1, "match": 1.0}
              for i in range(n_main)]
    lines.insert(len(lines) - 2, {"text": "half matched", "label": None, "match": 0.5})
    lines += [{"text": f"Footer link {i}", "label": 0, "match": 0.0} for i in range(n_boiler - n_boiler // 2)]
    return {"id": pid, "source": "wceb-dev", "dataset": "cleaneval", "view": "page", "split": "train",
            "url": None, "lines": lines}


def unbulleted(text: str) -> str:
    for bullet in BULLETS:
        if text.startswith(bullet):
            return text[len(bullet):]
    return text


def test_the_article_keeps_every_main_line_in_order_and_only_labelled_lines():
    source = page()
    doc = article_document(source)
    assert doc is not None and doc["view"] == "article" and doc["id"] == source["id"]
    main = [unbulleted(line["text"]) for line in doc["lines"] if line["label"] == 1]
    assert main == [line["text"] for line in source["lines"] if line["label"] == 1]
    assert all(line["label"] in (0, 1) for line in doc["lines"])


def test_injected_lines_are_the_pages_own_boilerplate():
    source = page()
    boiler = {line["text"] for line in source["lines"] if line["label"] == 0}
    for seed in range(20):
        doc = article_document(page(pid=f"page-{seed}"))
        assert doc is not None
        for line in doc["lines"]:
            if line["label"] == 0:
                text = unbulleted(line["text"])
                parts = next((text.split(sep) for sep in SEPARATORS if sep in text and text not in boiler), [text])
                assert all(part in boiler for part in parts), line["text"]


def test_boilerplate_lands_between_paragraphs_on_some_pages():
    """Across pages, some article has a boilerplate line with main text on both sides."""
    def has_middle(doc: dict[str, Any]) -> bool:
        labels = [line["label"] for line in doc["lines"]]
        return any(labels[i] == 0 and 1 in labels[:i] and 1 in labels[i + 1:] for i in range(len(labels)))

    docs = [article_document(page(pid=f"page-{n}")) for n in range(20)]
    assert any(doc is not None and has_middle(doc) for doc in docs)


def test_the_view_is_the_same_on_every_run_and_differs_between_pages():
    assert article_document(page()) == article_document(page())
    assert article_document(page(pid="a")) != article_document(page(pid="b"))


def test_pages_with_too_little_main_text_or_no_boilerplate_make_no_article():
    assert article_document(page(n_main=2)) is None
    assert article_document(page(n_boiler=0)) is None
    extracted = {**page(), "view": "extracted"}
    assert article_documents([extracted, page()]) == [article_document(page())]


def test_the_news_view_labels_the_development_corpora_line_by_line(tmp_path):
    """training's news view: B lines are boilerplate, T and P main text, a K line (what is left of a
    P line) no line of its own, blank lines and headers skipped."""
    from training.train_line_model import NEWS_CORPORA, news_documents

    corpus = tmp_path / "corpus_x"
    corpus.mkdir()
    (corpus / "01_a.txt").write_text("# damage: none\n# date: 2024-01-02\nB Skip to content\nT A headline here\n\n"
                                     "P (Wire- X) The story starts.\nK The story starts.\nB Share this\n", encoding="utf-8")
    [doc] = news_documents([corpus])
    assert (doc.page, doc.view) == ("corpus_x/01_a.txt", "news")
    assert list(zip(doc.lines, doc.labels, strict=True)) == [
        ("Skip to content", 0), ("A headline here", 1), ("(Wire- X) The story starts.", 1), ("Share this", 0)]
    assert not any(doc.removed)
    # the development corpora only: never the never-tuned, held-out or reserved ones (corpus_fresh3, _fresh4, _fresh6, _fresh75, _fresh76)
    assert [p.name for p in NEWS_CORPORA] == ["corpus", "corpus_dev", "corpus_holdout", "corpus_fresh", "corpus_fresh2",
                                              "corpus_fresh5", "corpus_fresh7", "corpus_fresh8", "corpus_fresh9", "corpus_fresh10",
                                              "corpus_fresh11", "corpus_fresh12", "corpus_fresh13", "corpus_fresh14",
                                              "corpus_fresh15", "corpus_fresh16", "corpus_fresh17",
                                              "corpus_fresh18", "corpus_fresh19",
                                              "corpus_fresh20", "corpus_fresh21", "corpus_fresh22", "corpus_fresh23",
                                              "corpus_fresh24", "corpus_fresh25", "corpus_fresh26",
                                              "corpus_fresh27", "corpus_fresh28", "corpus_fresh29",
                                              "corpus_fresh30", "corpus_fresh31", "corpus_fresh32",
                                              "corpus_fresh33", "corpus_fresh34",
                                              "corpus_fresh35", "corpus_fresh36", "corpus_fresh37",
                                              "corpus_fresh38", "corpus_fresh39", "corpus_fresh40",
                                              "corpus_fresh41", "corpus_fresh42", "corpus_fresh43", "corpus_fresh44",
                                              "corpus_fresh45", "corpus_fresh46", "corpus_fresh47",
                                              "corpus_fresh48", "corpus_fresh49", "corpus_fresh50",
                                              "corpus_fresh51", "corpus_fresh52", "corpus_fresh53", "corpus_fresh54",
                                              "corpus_fresh55", "corpus_fresh56", "corpus_fresh57", "corpus_fresh58",
                                              "corpus_fresh59", "corpus_fresh60", "corpus_fresh61",
                                              "corpus_fresh62", "corpus_fresh63", "corpus_fresh64",
                                              "corpus_fresh65", "corpus_fresh66",
                                              "corpus_fresh67", "corpus_fresh68",
                                              "corpus_fresh69", "corpus_fresh70", "corpus_fresh71",
                                              "corpus_fresh72", "corpus_fresh73", "corpus_fresh74"]


def test_a_reserved_corpus_is_neither_trained_on_nor_measured():
    """A corpus written for the next release's first contact: training leaves it out, and the
    line-model benchmark does not report it, so running the benchmark cannot spend it."""
    from benchmarks.line_model_eval import FRESH_CORPORA
    from training.corpora import CORPORA, RESERVED, with_status
    from training.train_line_model import NEWS_CORPORA

    reserved = {c.name for c in with_status(RESERVED)}
    assert reserved, "a blind corpus is kept for the next release"
    assert all(c.path.is_dir() for c in CORPORA)
    assert not reserved & {p.name for p in NEWS_CORPORA}
    assert not reserved & set(FRESH_CORPORA)
