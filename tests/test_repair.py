"""Stage 2: encoding repair and line canonicalisation."""

from __future__ import annotations

import gzip
import os
import unicodedata
from pathlib import Path

import ftfy
import ftfy.bad_codecs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks import reference_repair
from pipeline.document import Document
from pipeline.stages.repair import (
    FTFY_CONFIG,
    canonical_line,
    needs_ftfy,
    repair,
    repair_field,
    repair_line,
    repair_lines,
    repair_text,
)

ROOT = Path(__file__).resolve().parent.parent


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
    import pipeline.stages.repair as repair

    original = repair.needs_ftfy
    repair.needs_ftfy = lambda _: True
    try:
        return repair.repair_line(line)
    finally:
        repair.needs_ftfy = original


def test_mojibake_detector_shape_is_verified():
    """The shortcut around ftfy's detector is on only if its regex has the assumed shape."""
    import pipeline.stages.repair as repair

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
    """The benchmark corpus (mojibake, cp1252, UTF-16, entities, NBSP...): the same text and
    flags as the reference, and as the reference with ftfy forced on every line.
    benchmarks/throughput.py repeats this on the whole benchmark corpus."""
    from benchmarks.generate_corpus import generate
    from pipeline.stages.decode import decode_bytes

    texts = [decode_bytes(path.read_bytes())[0] for path in generate(tmp_path, 300, seed=11)]
    fast = [repair_lines(text) for text in texts]
    assert fast == [reference_repair.repair_text(text) for text in texts]
    monkeypatch.setattr(reference_repair, "needs_ftfy", lambda _: True)
    assert fast == [reference_repair.repair_text(text) for text in texts]


_TEXT_FOLDERS = ("tests/corpus", "tests/corpus_dev", "tests/corpus_holdout", "tests/gold", "fixtures")


def _text_files() -> list[Path]:
    """Every file the project keeps as sample input or reviewed output."""
    return sorted(p for folder in _TEXT_FOLDERS for p in (ROOT / folder).rglob("*") if p.is_file())


def test_identical_to_the_reference_on_the_corpora_and_fixtures():
    """Every labeled article, gold text, seed, expected output and page: same text and flags
    as the pre-optimisation implementation (once as read, once with CRLF line breaks)."""
    from pipeline.stages.decode import decode_bytes

    files = _text_files()
    assert len(files) > 60
    for path in files:
        raw = path.read_bytes()
        text = decode_bytes(gzip.decompress(raw) if path.suffix == ".gz" else raw)[0]
        for variant in (text, text.replace("\n", "\r\n")):
            assert repair_lines(variant) == reference_repair.repair_text(variant), path


# --- The document-level fast path against the reference --------------------

EXAMPLES = int(os.environ.get("BOILERSTRIP_REPAIR_EXAMPLES", "2000"))

# Everything repair treats specially, one sample or a few of each kind.
_SPACES = ["\u00a0", "\u1680", "\u2000", "\u2007", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000"]
_INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u2066",
               "\u061c", "\u180e", "\u206a", "\ufff9", "\U000e0001", "\U000e0041", "\U0001d173", "\U00013430"]
_CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\t", "\x0b", "\x0c", "\x1b", "\x1b[31m", "\x1c", "\x1f", "\x7f",
             "\x80", "\x85", "\x8d", "\x92", "\x9d", "\x9f"]
_BREAKS = ["\n", "\n", "\n", "\r", "\r\n", "\n\n", "\u2028", "\u2029", "\x85", "\r\r\n"]
_ENTITIES = ["&amp;", "&#39;", "&eacute;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#x2019;", "&#8217;", "&amp;amp;",
             "&", "&#0;", "&#x80;", "&#150;", "&hellip;", "&copy", "R&D"]
_MARKS = ["\u0301", "\u0308", "\u0327", "\u0345", "\u05b4", "\u093c", "\u0f71", "\u3099", "e\u0301", "A\u030a",
          "\u1100\u1161", "\u212b", "\u2126", "\u0344", "\u0958"]
_LIGATURES = ["\ufb01", "\ufb02", "\ufb00", "\ufb03", "\ufb06", "\u0132", "\u0133", "\u0149", "\u01c4", "\u01c6"]
_WORDS = ["The council met", "café", "naïve", "Grünflächen", "Привет", "東京で", "Ωμέγα", "مرحبا", "می\u200cخواهم",
          "😀", "👩\u200d👩\u200d👧", "“quoted”", "it’s", "—", "…", "€5", "£42", "©", "ＡＢＣ", "°C", "voilà", "×²",
          "Ã", "Â", "Ã ", "Â ", "œ", "Œ.", "â€", "Ð¡", "вЂ", "√±", "x", ".", "a", "1", "-", "'"]
_SURROGATES = ["\ud800", "\udc80", "\udfff", "\ud83d\ude00", "\udbff"]
_SPACE_RUNS = [" ", " ", " ", "  ", "   ", "\t", " \t "]

# Mojibake made the way it happens: text encoded in UTF-8, decoded as a single-byte charset.
_CODECS = [("latin-1", "strict"), ("sloppy-windows-1252", "strict"), ("cp1252", "replace"), ("cp1252", "ignore"),
           ("sloppy-windows-1251", "strict"), ("sloppy-windows-1250", "strict"), ("mac_roman", "strict")]
_MOJIBAKE_SOURCE = "éèàùçâêîôûëïüÿñöäßÉÀÇÜ“”‘’–—…€£©®°·½×ПриветΩμέγα東京😀\u00a0 aeo.,'"


@st.composite
def mojibake(draw) -> str:
    """Text encoded in UTF-8 and decoded with a wrong codec, sometimes twice."""
    text = draw(st.text(alphabet=st.sampled_from(_MOJIBAKE_SOURCE), min_size=1, max_size=12))
    for _ in range(draw(st.integers(1, 2))):
        codec, errors = draw(st.sampled_from(_CODECS))
        text = text.encode("utf-8", "surrogatepass").decode(codec, errors)
    return text


_PIECE = st.one_of(
    st.sampled_from(_WORDS), st.sampled_from(_WORDS), st.sampled_from(_SPACE_RUNS), st.sampled_from(_SPACE_RUNS),
    st.sampled_from(_BREAKS), st.sampled_from(_BREAKS), mojibake(), mojibake(),
    st.sampled_from(_SPACES), st.sampled_from(_INVISIBLES), st.sampled_from(_CONTROLS), st.sampled_from(_ENTITIES),
    st.sampled_from(_MARKS), st.sampled_from(_LIGATURES), st.sampled_from(_SURROGATES),
    st.text(alphabet=st.sampled_from(_MOJIBAKE_PRONE), max_size=8),
    st.text(max_size=6),
)
# Lines repair leaves alone, in several scripts: the document scan must find the
# one damaged line among them, whatever the damage and wherever it sits.
_CLEAN_LINES = ["The council approved the budget on Tuesday.", "Officials said “no” – twice.", "Grünflächen für alle",
                "Привет, как дела", "東京で会議が開かれた", "naïve café déjà vu", "50 € – or £42", "", "A Short Headline",
                "می\u200cخواهم", "👩\u200d👩\u200d👧 family", "x", "Ωμέγα 3", "Q3 results: 4.5%"]


@st.composite
def damaged_documents(draw) -> str:
    """Clean lines with one to three pieces of damage inserted at a line's start, end or middle."""
    lines = draw(st.lists(st.sampled_from(_CLEAN_LINES), min_size=1, max_size=12))
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        at = draw(st.one_of(st.just(0), st.just(len(line)), st.integers(0, len(line))))
        lines[index] = line[:at] + draw(_PIECE) + line[at:]
    return draw(st.sampled_from(["\n", "\n", "\r\n", "\n\n"])).join(lines)


_DOCUMENTS = st.one_of(
    st.lists(_PIECE, max_size=40).map("".join),
    damaged_documents(),
    damaged_documents(),
    st.text(max_size=60),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
@example("Ã\u200b©")  # mojibake exposed by removing an invisible character
@example("\u00a0Ã©\n Ã©\r\nÃ© ")  # ...or by stripping the edge space
@example("e\n\u0301\n\u0301e")  # combining marks right after a line break
@example("œ\nŒ")  # the detector's 'œ before a non-letter' at a line's end
@example("x\u2028y\u2029z\x85w")  # separators ftfy turns into line breaks
@example("a\ud83d\ude00b\udc80")  # lone and paired surrogates
@example(" ")
@example("\n")
@example("\r")
@example("")
def test_repair_text_is_identical_to_the_reference(text):
    """Text and flags, for any document: the fast path changes speed, nothing else.

    A long run: ``BOILERSTRIP_REPAIR_EXAMPLES=100000 pytest tests/test_repair.py -k reference -p no:cacheprovider``.
    """
    assert repair_lines(text) == reference_repair.repair_text(text)


def test_suspect_characters_cover_what_the_line_patterns_act_on():
    """`_SUSPECT` holds every character (but '\\n' and ' ') that a per-line pattern acts
    on, or that `str.strip` removes: checked over all code points."""
    import pipeline.stages.repair as repair

    every = "".join(map(chr, range(0x110000)))
    suspect = {m.start() for m in repair._SUSPECT.finditer(every)}
    for pattern in (repair._INVISIBLE, repair._CONTROL, repair._NON_ASCII_SPACE, repair._FIXER_TARGET,
                    repair._ASCII_FTFY_TARGET, repair._SPACE_RUN):
        acted_on = {p for m in pattern.finditer(every) for p in range(m.start(), m.end())} - {ord(" "), ord("\n")}
        assert acted_on <= suspect, (pattern.pattern, sorted(acted_on - suspect)[:10])
    stripped = {c for c in range(0x110000) if chr(c).isspace()} - {ord(" "), ord("\n")}
    assert stripped <= suspect


# --- The record's other text fields ---------------------------------------------------

@pytest.mark.parametrize(
    ("field", "damaged", "fixed"),
    [
        ("publisher", "Harper&#039;s Magazine", "Harper's Magazine"),
        ("publisher", "La Naci&#xF3;n", "La Nación"),
        ("publisher", "&quot;The Courier&quot; ", '"The Courier"'),
        ("description", "El alcalde asegur&oacute; que\u00a0la obra  empieza",
         "El alcalde aseguró que la obra empieza"),
        ("description", "Two lines\r\n  of summary\n", "Two lines of summary"),
        ("title", "\u00a0Harbour\u00a0dredging  to start\u200b ", "Harbour dredging to start"),
        ("title", "Russiaâ€™s army", "Russia’s army"),
        ("author", "Maria\u00a0 Okafor\t", "Maria Okafor"),
    ],
)
def test_text_fields_are_repaired_like_the_body(field, damaged, fixed):
    doc = repair(Document(id="x", text="Body.", **{field: damaged}))
    assert getattr(doc, field) == fixed


def test_text_fields_left_empty_by_repair_become_none():
    doc = repair(Document(id="x", text="Body.", title="\u00a0", description=" \u200b ", publisher="&nbsp;",
                          author="\r\n"))
    assert (doc.title, doc.description, doc.publisher, doc.author) == (None, None, None, None)


def test_field_repairs_are_flagged_and_clean_fields_change_nothing():
    doc = repair(Document(id="x", text="Body.", publisher="Harper&#039;s", description="No\u00a0break"))
    assert {"html-entities-unescaped", "unicode-spaces-replaced"} <= set(doc.flags)
    clean = Document(id="x", text="Body.", title="A title", publisher="The Courier", url="https://x.example/a&amp;b")
    assert repair(clean) == clean  # the url is an address, not text: never unescaped


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
@example("\u00a0Ã©\n Ã©\r\nÃ© ")
@example("x\u2028y\u2029z\x85w")
@example("&nbsp;")
def test_a_repaired_field_is_one_canonical_line_and_a_fixed_point(value):
    fixed, _ = repair_field(value)
    if fixed is None:
        return
    assert fixed == canonical_line(fixed)[0] and "\n" not in fixed and fixed
    assert repair_field(fixed)[0] == fixed


def test_mojibake_that_ftfy_finds_plausible_is_decoded_when_the_document_has_mojibake():
    """ftfy leaves "HÃ¥kon" (a plausible pair on its own) while it repairs the rest of a
    document damaged the same way; the residue step decodes that line too. Legitimate text
    that does not decode stays, and so does the pair in a document with no other mojibake."""
    damaged = "Rancher H\u00e5kon Lindgren said.\nThe caf\u00e9 reopened.".encode().decode("cp1252")
    assert repair_line("Rancher HÃ¥kon Lindgren said.")[0] == "Rancher HÃ¥kon Lindgren said."  # ftfy alone
    text, flags = repair_text(damaged + "\nS\u00c3O PAULO")
    assert text == "Rancher H\u00e5kon Lindgren said.\nThe caf\u00e9 reopened.\nS\u00c3O PAULO"
    assert flags == ("mojibake-repaired",)
    assert repair_text(text) == (text, ())  # nothing more to repair
    assert repair_text("Rancher HÃ¥kon Lindgren said.") == ("Rancher HÃ¥kon Lindgren said.", ())
