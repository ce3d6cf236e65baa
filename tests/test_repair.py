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


# Characters ftfy's detector and fixers care about, plus ordinary text around them:
# the mojibake tables' characters, Latin-1 and cp1252 letters and symbols, Greek
# and Cyrillic, combining marks, ligatures, separators, controls and entities.
_MOJIBAKE_PRONE = (
    "ÃÂâ€™œžŸ¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ"
    "ĂăĄąĆćČčĎďĐđĘęĚěŁłŃńŇňŐőŒœŘřŚśŞşŠšŢţŤťŮůŰűŸŹźŻżŽžƒˆˇ˘˙˛˜˝–—―‘’‚“”„†‡•…‰‹›€™"
    "│┌┐┘├┤┬┼═║╔╗╚╝▀▄█▌▐░▒▓√∂∆∏∑∞∩∫≈≠≡≤≥№ΒΓΞΟΆαβγδεВГЁЂЃЄЅІЇЈабвгдежзийкл"
    "\u0301\u0308\ufb01\ufb02\u0133\u2028\u2029\u0085\u00a0\u00ad\u200b\ufeff\x80\x81\x9d\x1b\x00\x07"
    "&#;ampltgquo aeiosntrAEIOU.,:!?'\"0123456789-"
)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(
    st.text(alphabet=st.characters(max_codepoint=127), max_size=80),
    st.text(alphabet=st.sampled_from(_MOJIBAKE_PRONE), max_size=40),
    st.text(max_size=40),
))
def test_fast_path_is_identical_to_always_running_ftfy(line):
    """The pre-check is exact: skipping ftfy gives what running it gives, flags included."""
    line = line.replace("\n", " ")
    fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
    if not needs_ftfy(line):
        assert fixed == line and not steps
    assert repair_line(line) == _repair_line_always(line)


def _repair_line_always(line: str) -> tuple[str, set[str]]:
    import pipeline.repair as repair

    original = repair.needs_ftfy
    repair.needs_ftfy = lambda _: True
    try:
        return repair.repair_line(line)
    finally:
        repair.needs_ftfy = original


def test_mojibake_detector_shape_is_verified():
    """The shortcut around ftfy's detector is on only if its regex has the assumed shape."""
    import pipeline.repair as repair

    assert repair._DETECTOR_NEEDS_HINT  # with the installed ftfy; if this fails, is_bad() just always runs
    for line in ["Russiaâ€™s", "cÅ“ur", "Ã ", "voilÃ le travail", "Ð¡Ð¼Ð¾Ñ‚Ñ€Ð¸", "â€œquoteâ€\x9d"]:
        assert needs_ftfy(line), line


@pytest.mark.parametrize(
    "line",
    ["“We have been waiting,” said the fishermen’s leader.", "Grünflächen für alle Bürger",
     "Привет, как дела", "naïve café déjà vu", "50 € – or £42"],
)
def test_clean_non_ascii_lines_skip_ftfy(line):
    assert not needs_ftfy(line)


def test_fast_path_is_identical_on_a_generated_corpus(tmp_path, monkeypatch):
    """The benchmark corpus (mojibake, cp1252, UTF-16, entities, NBSP...): same text and flags either way.
    benchmarks/throughput.py repeats this on the whole benchmark corpus."""
    from benchmarks.generate_corpus import generate
    from pipeline.decode import decode_bytes

    import pipeline.repair as repair

    texts = [decode_bytes(path.read_bytes())[0] for path in generate(tmp_path, 300, seed=11)]
    fast = [repair.repair_text(text) for text in texts]
    monkeypatch.setattr(repair, "needs_ftfy", lambda _: True)
    assert [repair.repair_text(text) for text in texts] == fast
