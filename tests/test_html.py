"""HTML input: sniffing, page encodings, main-content extraction, page metadata."""

from __future__ import annotations

import codecs
import json

import pytest

from pipeline import clean_bytes, clean_html
from pipeline.options import CleanOptions
from pipeline.stages import extract as extract_module
from pipeline.stages.decode import declared_charset, decode_html_bytes, sniff_format

from .conftest import FIXTURES, run_cli

HARBOUR = FIXTURES / "html" / "harbour-news.html"

ARTICLE = [
    "The council approved a £14m contract on Wednesday to dredge the old harbour",
    "Silt has narrowed the main channel to less than half its charted depth",
    "“We have been waiting for this decision for a very long time,” said Tom Reyes",
    "Work is expected to begin in March and to last about eleven weeks.",
    "The harbour authority said berths would stay open during the work",
]


def _page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"\n\n  <html lang='de'>", "html"),
        (b"<HTML>", "html"),
        (b"<p>A fragment</p>", "html"),
        (b"<!-- saved page -->\n<div>", "html"),
        (codecs.BOM_UTF8 + b"<!doctype html>", "html"),
        (codecs.BOM_UTF16_LE + "<html><body>".encode("utf-16-le"), "html"),
        (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x">\n<html>', "html"),
        (b"Council votes on harbour plan\n\nThe <html> tag starts a page, the trainer said.", "text"),
        (b"<3 this recipe, said the chef.", "text"),
        (b"\t\r\n\x0c <p>Whitespace browsers skip", "html"),
        (b"\x0b<p>A vertical tab is not such whitespace", "text"),
        (b"<author>Jane</author>", "text"),
        (b'<?xml version="1.0"?><rss><channel></channel></rss>', "text"),
    ],
)
def test_sniffing_follows_the_first_tag(data, kind):
    assert sniff_format(data) == kind


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        ('<meta charset="windows-1251">', "cp1251"),
        ("<meta charset=utf-8>", "utf-8"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "cp1252"),
        ('<meta content="text/html; charset=shift_jis" http-equiv="Content-Type">', "shift_jis"),
        ('<meta charset="GB2312">', "gbk"),  # browsers read GB2312 labels as GBK
        ('<meta charset="iso-8859-9">', "cp1254"),
        ('<meta charset="no-such-codec">', None),
        ("", None),
    ],
)
def test_declared_charset(head, codec):
    assert declared_charset(_page("<p>x</p>", head).encode("ascii")) == codec


def test_declared_single_byte_charset_is_used_when_the_bytes_are_not_utf8():
    text = "Die Straßenbahn fährt künftig öfter, sagte die Bürgermeisterin."
    page = _page(f"<p>{text}</p>", '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    html, encoding, _ = decode_html_bytes(page.encode("cp1252"))
    assert encoding == "cp1252" and text in html
    cyrillic = "Городской совет одобрил план реконструкции порта."
    html, encoding, _ = decode_html_bytes(_page(f"<p>{cyrillic}</p>", '<meta charset="windows-1251">').encode("cp1251"))
    assert encoding == "cp1251" and cyrillic in html


def test_utf8_page_is_never_misread_by_a_wrong_declaration():
    """Pages that declare ISO-8859-1 but are served as UTF-8 are common: valid UTF-8 wins."""
    text = "Café owners in Zürich said the “new” rules cost them €2,000."
    page = _page(f"<p>{text}</p>", '<meta charset="iso-8859-1">').encode("utf-8")
    html, encoding, _ = decode_html_bytes(page)
    assert encoding == "utf-8" and text in html


def test_utf8_page_without_declaration_and_with_bom():
    text = "Niño, señal, ação: três línguas numa só página."
    html, encoding, _ = decode_html_bytes(_page(f"<p>{text}</p>").encode("utf-8"))
    assert encoding == "utf-8" and text in html
    html, encoding, flags = decode_html_bytes(codecs.BOM_UTF8 + _page(f"<p>{text}</p>").encode("utf-8"))
    assert encoding == "utf-8-sig" and "bom-removed" in flags and text in html
    html, encoding, _ = decode_html_bytes(codecs.BOM_UTF16_LE + _page(f"<p>{text}</p>").encode("utf-16-le"))
    assert encoding == "utf-16-le" and text in html


def test_news_page_main_content_metadata_and_rules():
    doc = clean_bytes(HARBOUR.read_bytes(), id="harbour-news.html")
    assert doc.format == "html" and doc.extractor == "combined" and doc.encoding == "utf-8"
    for sentence in ARTICLE:
        assert sentence in doc.text
    # navigation, related links, newsletter box and footer are outside the main content
    for debris in ("Sport", "Fishing quota talks stall", "Sign up for our newsletter", "All rights reserved",
                   "Privacy policy", "dataLayer"):
        assert debris not in doc.text
    # debris inside the article is left to the rules, and every removal is audited
    assert {(r.rule, r.text) for r in doc.removed} >= {
        ("read-more-block", "Read more:"), ("ad-marker", "Advertisement"), ("comment-section", "Comments are closed.")}
    assert "Advertisement" not in doc.text and "Comments are closed" not in doc.text
    assert (doc.title, doc.date, doc.publisher, doc.author) == (
        "Harbour dredging to start in spring after council vote", "2024-10-19", "Coastline Courier", "Maria Okafor")
    assert doc.url == "https://courier.example/news/2024/10/19/harbour-dredging"
    assert doc.description == "The council approved a £14m dredging contract for the old harbour."
    assert doc.language == "en"
    assert not doc.text.startswith(doc.title)  # the headline is the title, not the body's first paragraph


def test_page_metadata_is_repaired_like_the_text():
    """Meta tags hold what the body never does after repair: entities escaped twice
    (``&amp;oacute;``), no-break spaces, doubled and edge spaces, line breaks."""
    head = ('<meta property="og:title" content=" Harbour&nbsp;dredging  to start &amp;amp; soon ">'
            '<meta name="description" content="The mayor asegur&amp;oacute; that the\u00a0work\n  starts  in March. ">'
            '<meta property="og:site_name" content="Harper&amp;#039;s &amp;quot;Courier&amp;quot;\u00a0">'
            '<meta name="author" content="Maria&nbsp; Okafor\u200b ">')
    doc = clean_html(_page("".join(f"<p>{sentence}.</p>" for sentence in ARTICLE), head), id="meta.html")
    assert (doc.title, doc.description, doc.publisher, doc.author) == (
        "Harbour dredging to start & soon", "The mayor aseguró that the work starts in March.",
        'Harper\'s "Courier"', "Maria Okafor")
    assert ARTICLE[0] in doc.text


def test_page_metadata_that_repair_empties_is_none():
    head = '<meta property="og:title" content="&nbsp;"><meta name="description" content="&amp;nbsp; \u200b">'
    doc = clean_html(_page("".join(f"<p>{sentence}.</p>" for sentence in ARTICLE), head), id="blank.html")
    assert (doc.title, doc.description) == (None, None)


def test_caller_metadata_wins_over_the_page():
    html = HARBOUR.read_text(encoding="utf-8")
    doc = clean_html(html, id="x", url="https://mirror.example/harbour")
    assert doc.url == "https://mirror.example/harbour"
    assert doc.publisher == "Coastline Courier"


def test_page_without_main_content_is_kept_and_flagged():
    page = _page("<script>track()</script><img src='banner.png'><form><input type='search'></form>")
    doc = clean_bytes(page.encode(), id="empty.html")
    assert doc.text == ""
    assert "no-main-content" in doc.flags and "empty-after-cleaning" in doc.flags


@pytest.mark.parametrize("mode", ["combined", "trafilatura"])
def test_justext_rescues_a_page_the_extractors_miss(monkeypatch, mode):
    """When the extractors return nothing, jusText's paragraphs are used, and the record says so."""
    from pipeline.extractors import readability_adapter, resiliparse_adapter, trafilatura_adapter

    for adapter in (trafilatura_adapter, readability_adapter, resiliparse_adapter):
        monkeypatch.setattr(adapter, "blocks", lambda *a, **k: [])
    doc = clean_bytes(HARBOUR.read_bytes(), id="harbour-news.html", options=CleanOptions(html_extractor=mode))
    assert doc.extractor == "justext"
    assert ARTICLE[1] in doc.text and "Privacy policy" not in doc.text
    assert doc.title == "Harbour dredging to start in spring after council vote"


def test_justext_is_not_taken_when_it_finds_little_more(monkeypatch):
    from pipeline.extractors import justext_adapter, trafilatura_adapter

    short = "Only a short notice survives extraction here."
    monkeypatch.setattr(trafilatura_adapter, "blocks", lambda *a, **k: [short])
    monkeypatch.setattr(justext_adapter, "blocks", lambda *a, **k: [short + " And five more words here."])
    found = extract_module.extract_main_text(_page(f"<p>{short}</p>"), mode="trafilatura")
    assert (found.text, found.extractor) == (short, "trafilatura")


_STORY = "".join(f"<p>{sentence}.</p>" for sentence in ARTICLE)


@pytest.mark.parametrize(
    "source",
    [
        "<p>" + ". ".join(ARTICLE) + "</p>",  # a bare paragraph: no <html>, no <body>
        f"<div id='wrap'><div class='story'>{_STORY}</div></div>",  # one element wrapping the page
        f"<table class=master><tr><td>{_STORY}</td></tr></table>",
        "<pre>\n" + "\n\n".join(ARTICLE) + "\n</pre>",
        f"<!DOCTYPE>\n{_STORY}",  # broken doctypes
        f"<!doctype htm>{_STORY}",
        f"<!-- saved page -->\n{_STORY}",
        "\n\n".join(ARTICLE),  # text a caller calls HTML: a browser shows it
    ],
    ids=["paragraph", "one-wrapper", "table", "pre", "empty-doctype", "misspelt-doctype", "comment-first", "no-tags"],
)
def test_html_fragments_are_parsed_as_browsers_do(source):
    """A fragment becomes a document with a body, as in a browser, and its text is extracted
    (trafilatura's load_html refused these as "not parseable as HTML")."""
    doc = clean_html(source, id="fragment.html")
    for sentence in ARTICLE:
        assert sentence in doc.text
    assert "no-main-content" not in doc.flags


def test_html_fragment_without_text_is_kept_and_flagged_like_an_empty_page():
    doc = clean_html("<p><img src='x.png'></p>", id="empty.html")
    assert doc.text == "" and {"no-main-content", "empty-after-cleaning"} <= set(doc.flags)


@pytest.mark.parametrize("source", ["<!-- nothing but a comment -->", "<!DOCTYPE html>", "<?php ?>"])
def test_html_with_no_element_and_no_text_is_a_clear_error(source):
    from pipeline.errors import UnextractableInputError

    with pytest.raises(UnextractableInputError, match="^no HTML content: the page holds no element and no text$"):
        clean_html(source, id="nothing")


def test_a_fragment_nested_past_the_parser_limit_is_still_refused_for_its_depth():
    from pipeline.errors import UnextractableInputError

    with pytest.raises(UnextractableInputError, match="nested more than 255 elements deep"):
        clean_html("<div>" * 300 + _STORY + "</div>" * 300, id="deep-fragment")


def test_a_fragment_among_pages_no_longer_fails_the_run(tmp_path):
    (tmp_path / "fragment.html").write_text(f"<div id='wrap'><div>{_STORY}</div></div>", encoding="utf-8")
    (tmp_path / "page.html").write_text(_page(_STORY), encoding="utf-8")
    result = run_cli("clean", "--format", "jsonl", str(tmp_path))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["id"] for r in records] == ["fragment.html", "page.html"]
    assert records[0]["text"] == records[1]["text"]


def test_utf8_page_with_a_few_stray_single_byte_characters():
    """Real pages paste cp1252 text into UTF-8 templates ('Mitgef\\xfchl'): repaired, not garbled."""
    page = _page("<p>Mitgefühl wählen: ein Aufruf.</p><p>Die Stadt plant neue Grünflächen für alle.</p>",
                 '<meta charset="utf-8">').encode("utf-8").replace("Mitgefühl".encode(), b"Mitgef\xfchl")
    html, encoding, flags = decode_html_bytes(page)
    assert encoding == "utf-8" and "invalid-utf8-bytes-repaired" in flags
    assert "Mitgefühl wählen" in html and "Grünflächen" in html
