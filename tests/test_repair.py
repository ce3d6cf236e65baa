"""Stage 2: encoding repair and line canonicalisation."""

from __future__ import annotations

import unicodedata

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.repair import FTFY_CONFIG, needs_ftfy, repair_line, repair_text


@pytest.mark.parametrize(
    ("damaged", "fixed", "flag"),
    [
        ("Russiaâ€™s army", "Russia’s army", "mojibake-repaired"),
        ("â€œQuoteâ€\x9d, he said", "“Quote”, he said", "mojibake-repaired"),
        ("It&#39;s Tom &amp; Jerry", "It's Tom & Jerry", "html-entities-unescaped"),
        ("x < y &amp; y > z", "x < y & y > z", "html-entities-unescaped"),
        ("zero\u200bwidth\u2060joined\ufeff", "zerowidthjoined", "invisible-chars-removed"),
        ("soft\u00adhyphen", "softhyphen", "invisible-chars-removed"),
        ("no\u00a0break\u202fspaces", "no break spaces", "unicode-spaces-replaced"),
        ("bell\x07 and\x1b[31m red\x1b[0m", "bell and red", "control-chars-removed"),
        ("  many   spaces\tand tabs  ", "many spaces and tabs", None),
        ("cafe\u0301", "café", None),
    ],
)
def test_repairs(damaged, fixed, flag):
    text, flags = repair_text(damaged)
    assert text == fixed
    if flag:
        assert flag in flags


def test_line_breaks_normalised():
    text, flags = repair_text("one\r\ntwo\rthree\nfour\u2028five")
    assert text.split("\n") == ["one", "two", "three", "four", "five"]
    assert "line-breaks-normalized" in flags


def test_meaningful_joiners_and_typography_kept():
    persian = "می\u200cخواهم"  # ZWNJ is part of the spelling
    assert repair_text(persian)[0] == persian
    family = "👩\u200d👩\u200d👧"
    assert repair_text(family)[0] == family
    curly = "“Curly” quotes – and dashes — stay; ＡＢＣ too"
    assert repair_text(curly)[0] == curly


def test_output_is_nfc():
    text, _ = repair_text("Cafe\u0301 and A\u030a")
    assert unicodedata.is_normalized("NFC", text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_fast_path_skips_only_lines_ftfy_leaves_unchanged(line):
    """The pre-check is exact: when it says 'no repair needed', ftfy agrees."""
    line = line.replace("\n", " ").replace("\r", " ")
    if not needs_ftfy(line):
        assert ftfy.fix_and_explain(line, FTFY_CONFIG).text == line
        assert repair_line(line)[0] == line
