"""The rule screen (pipeline/screen.py) is exact: a rule it leaves out cannot match.

Three kinds of evidence: the folding agrees with the regex module's own case
tables over all of Unicode; the derived factors of small patterns are what
they should be; and stripping with and without the screen gives identical
results on the rule examples, the corpora and generated lines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from regex import _regex

from pipeline.rules import load_rules
from pipeline.rules.factors import necessary_factors
from pipeline.rules.screen import Screen, lets_through
from pipeline.rules.screened import SYMBOL, screen_text, undecorated
from pipeline.stages.strip import strip_boilerplate

ROOT = Path(__file__).parent.parent
#: Generated lines per property; a long local run: BOILERSTRIP_SCREEN_EXAMPLES=100000 pytest tests/test_screen.py
EXAMPLES_PER_PROPERTY = int(os.environ.get("BOILERSTRIP_SCREEN_EXAMPLES", "1500"))
RULES = load_rules()
EXAMPLES = [e for r in RULES for e in r.match + r.no_match]


# --- the screened form ---------------------------------------------------------

def test_characters_a_pattern_treats_as_equal_screen_equal_over_all_of_unicode():
    """Case-insensitive patterns match a character against all its cases (the regex
    module's table, which differs from str.casefold's Unicode version and pairs i/İ, I/ı)."""
    flags = regex.IGNORECASE | regex.VERSION0 | regex.UNICODE
    for code in range(sys.maxunicode + 1):
        cases = _regex.get_all_cases(flags, code)
        if len(cases) > 1:
            screened = {screen_text(chr(c)) for c in cases}
            assert len(screened) == 1, (hex(code), [hex(c) for c in cases], screened)


def test_digits_spaces_and_symbols_have_one_screened_form_each():
    everything = "".join(map(chr, range(0x20, sys.maxunicode + 1)))
    for pattern, form in ((r"\d", "0"), (r"[^\S\n]", " "), (r"\p{So}", SYMBOL)):
        for char in regex.findall(pattern, everything):
            assert screen_text(char) == form, (hex(ord(char)), pattern)


def test_screen_text_keeps_lines_and_collapses_space_runs():
    assert screen_text("Read MORE:\u00a0 2024\n\n“Ünïcode” ©\tDone") == f"read more: 0000\n\n“ünïcode” {SYMBOL} done"
    assert screen_text("İstanbul ıI K ſ") == "istanbul ii k s"
    assert screen_text("lone \ud800 surrogate") == "lone \ud800 surrogate"


# --- factors of patterns ----------------------------------------------------------

@pytest.mark.parametrize(("pattern", "flags", "factors"), [
    (r"^By\s+\p{Lu}\w+", 0, {"\nby "}),
    (r"advert|sponsored", regex.I, {"advert", "sponsored"}),
    (r"^\d{4}-\d{2}-\d{2}$", 0, {"\n0000-00-00\n"}),
    (r"^(?:Share|Tweet)\s*[|:]?\s*$", regex.I,
     {f"\n{w}{s}\n" for w in ("share", "tweet") for s in ("", " ", ":", ": ", " :", " : ", "|", "| ", " |", " | ")}),
    (r"(?i)copyright\s+©", 0, {"copyright " + SYMBOL}),
    (r"^[-•*\s]*Advertisement[-•*\s]*$", regex.I, {"advertisement"}),  # contains it, wherever it starts
    (r"^(?:[\p{L}-]+\s+){0,3}(?:editor|critic)s?$", regex.I, {"editor\n", "editors\n", "critic\n", "critics\n"}),
    # a drop_block marker's inline-headline group is transparent: the marker alone is necessary
    (r"^Read more(?:\s*[:|]\s*(?P<inline>.*))?$", regex.I, {"\nread more"}),
    # a year is on most paragraphs, a © seldom: the symbol screens, not the four digits
    (r"[©ⓒ]\ ?\p{Lu}[^.!?©]{1,60}(?:19|20)\d{2}\b", 0, {SYMBOL}),
])
def test_factors_of_small_patterns(pattern, flags, factors):
    assert necessary_factors(pattern, flags) == factors


@pytest.mark.parametrize("pattern", [
    r".*", r"\w+", r"(?:foo)?", r"^\S+$", r"^(?:a|.)$",
    r"(?V1i)straße",  # full case folding ('ss' ~ 'ß'): not modelled, so no factors
    r"(?:colou?r){e<=1}",  # fuzzy matching
])
def test_patterns_without_usable_factors_are_not_screened(pattern):
    assert necessary_factors(pattern, 0) is None


def test_a_factor_the_rule_examples_contradict_disables_the_screen(monkeypatch, tmp_path):
    """The loader checks the factors against every 'match' example; a walk that misread a
    pattern would leave the rule unscreened (tried on every line), never silently skipped."""
    import pipeline.rules.factor_cache as factor_cache
    import pipeline.rules.loader as rules_module

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", "off")
    monkeypatch.setattr(factor_cache, "necessary_factors", lambda pattern, flags: frozenset(["zzz"]))
    (tmp_path / "r.toml").write_text(
        '[[rule]]\nid = "demo"\ndescription = "d"\npattern = "^Demo$"\ncase = "sensitive"\n'
        'action = "drop_line"\nmatch = ["Demo"]\nno_match = ["demo line."]\n', encoding="utf-8")
    (rule,) = rules_module.load_rules([tmp_path], builtin=False).rules
    assert rule.factors is None


@pytest.mark.parametrize("rule", list(RULES), ids=lambda r: r.id)
def test_the_loaders_check_decides_as_the_screen_does(rule):
    for line in (*rule.match, *rule.no_match, *("📷 " + example for example in rule.match)):
        assert lets_through(line, rule.factors) == (0 in Screen([rule.factors]).candidates(line)), line


def test_every_builtin_rule_is_screened():
    """Not needed for correctness (an unscreened rule is tried everywhere), but a rule that
    loses its factors costs every document time: name it."""
    assert [r.id for r in RULES if r.factors is None] == []


# --- exactness ------------------------------------------------------------------

def _matches(rule, line: str) -> bool:
    """Whether ``rule`` matches ``line`` as the line pass tests it (drop rules ignore decorations;
    a ``beside`` or ``above`` rule is not tried there at all, only next to its rules' removals)."""
    if rule.beside_only:
        return False
    probe = line if rule.action in ("strip_match", "drop_list") else undecorated(line)
    return rule.search(probe) is not None  # max_chars included: the screen leaves longer lines out


def _assert_screen_keeps_every_matching_rule(line: str) -> None:
    mask = RULES.screen.candidates(line).get(0, 0)
    for index, rule in enumerate(RULES):
        if _matches(rule, line):
            assert mask >> index & 1, f"{rule.id} matches {line!r} but the screen left it out"


@pytest.mark.parametrize("line", EXAMPLES)
def test_screen_keeps_the_rule_of_every_example(line):
    _assert_screen_keeps_every_matching_rule(line)


_NOISE = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u2009", "📷 ", "✨", "▶ ", "©", "K", "ſ", "İ", "ı",
                          "ẞ", "0", "٣", "2024", ":", ".", "’", "\u200b", "\ud800", "É", "ǅ", "Ω"])


def _mutate(line: str, edits: list[tuple[int, str, bool]]) -> str:
    for position, noise, upper in edits:
        at = position % (len(line) + 1)
        line = line[:at] + noise + line[at:]
        if upper:
            line = line.upper()
    return line


@settings(max_examples=EXAMPLES_PER_PROPERTY, deadline=None)
@given(st.sampled_from(EXAMPLES), st.lists(st.tuples(st.integers(0, 400), _NOISE, st.booleans()), max_size=4))
def test_screen_keeps_every_matching_rule_on_mutated_examples(line, edits):
    _assert_screen_keeps_every_matching_rule(_mutate(line, edits))


@settings(max_examples=max(EXAMPLES_PER_PROPERTY // 5, 1), deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EXAMPLES), st.text(max_size=60), st.just("")), max_size=12))
def test_screened_and_unscreened_stripping_agree_on_generated_documents(lines):
    text = "\n".join(lines)
    assert strip_boilerplate(text, RULES, screened=True) == strip_boilerplate(text, RULES, screened=False)


def _corpus_texts() -> list[str]:
    from pipeline.chain import Chain
    from pipeline.document import Document
    from pipeline.errors import DocumentError

    prepare = Chain(segments=["prepare"])
    texts = []
    for path in sorted(ROOT.glob("tests/corpus*/*.txt")) + sorted(ROOT.glob("fixtures/seeds/*.txt")):
        try:
            texts.append(prepare(Document(id=path.name, raw=path.read_bytes())).text)
        except DocumentError:
            pass
    return texts


def test_screened_and_unscreened_stripping_agree_on_the_corpora():
    texts = _corpus_texts()
    assert len(texts) >= 50
    for text in texts:
        assert strip_boilerplate(text, RULES, screened=True) == strip_boilerplate(text, RULES, screened=False)


def test_benchmark_corpus_strips_identically(tmp_path):
    from benchmarks.generate_corpus import generate
    from pipeline.chain import Chain
    from pipeline.document import Document

    prepare = Chain(segments=["prepare"])
    for path in generate(tmp_path, 300, seed=11):
        text = prepare(Document(id=path.name, raw=path.read_bytes())).text
        assert strip_boilerplate(text, RULES, screened=True) == strip_boilerplate(text, RULES, screened=False)


def test_no_factor_is_common_enough_to_defeat_the_screen(tmp_path):
    """A factor found on nearly every line (a bare space, from a separator class the walk could
    not spell out) makes the screen's automaton report hundreds of hits a document, each one
    Python work, and lets its rule through everywhere: cleaning once slowed by a third that way.
    Counted, not timed: the automaton's hits on the throughput benchmark's generated documents
    stay under four a line (about two with the shipped rules), and no factor is a bare space or
    line break."""
    from benchmarks.generate_corpus import generate
    from pipeline.chain import Chain
    from pipeline.document import Document
    from pipeline.rules.screened import screen_bytes

    prepare = Chain(segments=["prepare"])
    hits = lines = 0
    for path in generate(tmp_path, 200, seed=13):
        text = prepare(Document(id=path.name, raw=path.read_bytes())).text
        screened, _ = screen_bytes(text)
        hits += len(RULES.screen._automaton.find_matches_as_indexes(b"\n" + screened + b"\n", overlapping=True))
        lines += text.count("\n") + 1
    assert hits / lines < 4, f"{hits / lines:.1f} screen hits a line"
    assert not [r.id for r in RULES if r.factors and r.factors & {" ", "\n"}]


def test_user_rules_without_factors_are_tried_on_every_line(tmp_path):
    (tmp_path / "site.toml").write_text(
        '[[rule]]\nid = "short-caps"\ndescription = "an all-caps kicker"\npattern = \'^\\p{Lu}{2,12}$\'\n'
        'case = "sensitive"\naction = "drop_line"\nmatch = ["EXCLUSIVE"]\nno_match = ["Exclusive talks."]\n',
        encoding="utf-8")
    rules = load_rules([tmp_path])
    assert rules.rules[-1].factors is None
    lines, removed, _, _ = strip_boilerplate("WATCH\nThe talks went on.\nNEU", rules)
    assert [r.rule for r in removed] == ["short-caps", "short-caps"] and lines[1] == "The talks went on."


def test_screen_of_no_rules_is_empty():
    assert Screen([]).candidates("anything\nat all") == {}


def test_keys_of_one_mask_share_one_int():
    """Memory, not correctness: a mask is an int as wide as every rule and branch (some
    900 bits), and there are some 50,000 keys. One object per distinct mask kept 7 MiB
    out of a run's peak RSS (benchmarks/throughput.py)."""
    masks = RULES.screen._key_masks
    assert len({id(mask) for mask in masks}) == len(set(masks)) < len(masks) / 10


def test_a_key_of_several_rules_selects_each_of_them():
    screen = Screen([frozenset({"subscribe"}), frozenset({"subscribe", "newsletter"}), frozenset({"newsletter"})])
    assert screen.candidates("Subscribe\nnewsletter\nnothing") == {0: 0b011, 1: 0b110}


def test_releasing_freed_memory_never_fails():
    import platform

    from pipeline.heap import release_freed_memory

    released = release_freed_memory()
    assert released is (platform.libc_ver()[0] == "glibc")  # elsewhere it does nothing, quietly
