"""Stage 5: canonical output."""

from __future__ import annotations

import unicodedata

from pipeline import clean_text
from pipeline.stages.normalize import fold_punctuation


def test_paragraphs_separated_by_exactly_one_blank_line():
    doc = clean_text("\n\n\n  First paragraph here.  \n\n\n\n\nSecond   paragraph\there.\nThird one.\n\n\n")
    assert doc.text == "First paragraph here.\n\nSecond paragraph here.\n\nThird one."


def test_rendered_text_has_title_blank_line_body_and_final_newline():
    doc = clean_text("The Headline\n\nBody sentence one.\nBody sentence two.")
    assert doc.rendered() == "The Headline\n\nBody sentence one.\n\nBody sentence two.\n"


def test_ascii_punctuation_is_opt_in():
    text = "“Quoted” — it’s fine… «oui»"
    assert clean_text(text).text == text
    assert clean_text(text, ascii_punctuation=True).text == "\"Quoted\" - it's fine... \"oui\""
    assert fold_punctuation("‘a’ – b") == "'a' - b"


def test_output_has_no_invisible_characters_or_trailing_spaces():
    doc = clean_text("Zero\u200bwidth and\u00a0nbsp   here.  \nCafe\u0301 line.\t")
    assert doc.text == "Zerowidth and nbsp here.\n\nCafé line."
    assert unicodedata.is_normalized("NFC", doc.text)


def test_empty_after_cleaning_is_flagged_not_dropped():
    doc = clean_text("Advertisement\nShare on Facebook")
    assert doc.text == "" and "empty-after-cleaning" in doc.flags
    assert len(doc.removed) == 2


def test_the_chain_runs_each_stage_once(monkeypatch):
    """A stage run twice costs its time twice and can cut a line twice: each runs exactly once."""
    import pipeline.chain as chain

    calls = []
    for segment in chain.SEGMENTS.values():
        for stage in segment:
            original = stage.__call__
            monkeypatch.setattr(stage, "__call__",
                                lambda self, doc, _f=original: calls.append(self.name) or _f(self, doc))
    chain.clean_bytes(b"Council votes\n\nAdvertisement\nThe council voted on Monday.", id="x")
    assert calls == [cls.name for segment in chain.SEGMENTS.values() for cls in segment]
