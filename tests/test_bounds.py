"""Line bounds (pipeline/rules/bounds.py): the screen leaves a rule out of lines too long for it.

A bound is read from the pattern's own start (``^(?=.{0,N}$)``, ``^(?![^\\n]{M})``) or is
the rule's ``max_chars``. Reading must be exact: a pattern it bounds cannot match a longer
line, and anything it does not understand gets no bound. The stripping tests in
tests/test_screen.py and tests/test_branches.py compare screened with unscreened
stripping (which has no length gate) on the examples and corpora.
"""

from __future__ import annotations

import json

import pytest
import regex

from pipeline.rules import load_rules
from pipeline.rules.bounds import line_length_bound
from pipeline.rules.factor_cache import FILE_NAME
from pipeline.rules.screen import Screen

RULES = load_rules()
FLAGS = regex.V0 | regex.IGNORECASE


@pytest.mark.parametrize(("pattern", "bound"), [
    (r"^(?=.{0,240}+$)abc", 240),
    (r"^(?=.{0,240}$)abc", 240),
    (r"^(?=.{0,240}?$)abc", 240),
    (r"^(?=.{3,40}\Z)abc", 40),
    (r"(?m)^(?=.{0,40}$)abc", 40),
    (r"(?s)^(?=.{0,40}$)abc", 40),
    (r"^(?![^\n]{111})abc", 110),
    (r"^(?!.{111})abc", 110),
    (r"^(?!.{111,})abc", 110),
    (r"^(?!.*\bsaid\b)(?=.{0,90}$)(?!x)abc", 90),  # other lookaheads may come first
    (r"^(?=.{0,90}$)(?![^\n]{51})abc", 50),  # the tighter of two
    ("(?x)^(?=.{0,90}$)  # a comment\n abc", 90),
    (r"^(?=.{0,90}$)a|^(?=.{0,120}$)b|^(?![^\n]{61})c", 120),  # an alternation: its longest branch
    # no bound
    (r"abc", None),
    (r"^abc", None),
    (r"(?=.{0,90}$)abc", None),  # not at the line start: a search tries every position
    (r"x^(?=.{0,90}$)abc", None),
    (r"^a(?=.{0,90}$)bc", None),  # after a character: the line may be longer
    (r"^(?=.{0,90})abc", None),  # no line end: says nothing of the rest of the line
    (r"^(?=.{0,90}x)abc", None),
    (r"^(?=[a-z]{0,90}$)abc", None),  # not any character
    (r"^(?![^x]{11})abc", None),
    (r"^(?<=.{0,9})abc", None),  # lookbehind
    (r"^(?=.{0,90}$)a|^b", None),  # a branch without a bound
    (r"(?w)^(?=.{0,90}$)abc", None),  # WORD flag: its . and $ know other line breaks
    (r"^(?=.{0,90}$", None),  # does not parse
])
def test_bound_read_from_the_pattern(pattern, bound):
    assert line_length_bound(pattern, FLAGS) == bound


@pytest.mark.parametrize("pattern", [
    r"^(?=.{0,12}$)a", r"^(?=.{3,12}+$)a.*", r"^(?![^\n]{13})a", r"^(?!.{13})a.*", r"^(?=.{0,12}$)a|^(?![^\n]{13})b.*",
])
def test_a_bounded_pattern_matches_up_to_its_bound_and_never_beyond(pattern):
    assert line_length_bound(pattern, FLAGS) == 12
    compiled = regex.compile(pattern, FLAGS)
    assert compiled.search("a" + "x" * 11) is not None  # 12 characters
    for extra in range(12, 40):
        assert compiled.search("a" + "x" * extra) is None
        assert compiled.search("b" + "x" * extra) is None


BOUNDED = [rule for rule in RULES if rule.pattern_bound is not None]


def test_the_builtin_rules_that_state_a_bound():
    """Adding a rule with ``^(?=.{0,N}$)`` adds to this list; a pattern edit that loses its bound
    costs every document time: name it."""
    assert len(BOUNDED) >= 25
    assert {"syndication-dateline", "bare-timestamp", "section-menu", "copyright-holder-year"} <= {
        rule.id for rule in BOUNDED}


@pytest.mark.parametrize("rule", BOUNDED, ids=lambda rule: rule.id)
def test_a_builtin_bound_holds_for_its_pattern(rule):
    """Each example still matches, and no longer line made from it does: text added after it,
    before it, or both."""
    bound = rule.pattern_bound
    for example in rule.match:
        assert len(example) <= bound
        assert rule.compiled.search(example) is not None
        padding = "x" * (bound + 1 - len(example))
        for longer in (example + padding, padding + example, example + " " + padding, example * (bound // len(example) + 2)):
            assert len(longer) > bound
            assert rule.compiled.search(longer) is None, (rule.id, longer)


def test_the_screen_leaves_a_bounded_rule_out_of_longer_lines_only():
    screen = Screen([frozenset({"by "}), frozenset({"by "})], bounds=[20, None])
    text = "by Ann Lee\nwritten by a reporter who covers the city council\n🔴 by Ann Lee, abcdefgh\n" \
           "by twenty characters"
    assert [len(line) for line in text.split("\n")] == [10, 49, 22, 20]
    found = screen.candidates(text)
    assert found[0] == 0b11  # short: both
    assert found[1] == 0b10  # long: the unbounded rule only
    assert found[2] == 0b11  # measured without its leading decoration: 20 characters
    assert found[3] == 0b11  # exactly at the bound
    only_bounded = Screen([frozenset({"by "})], bounds=[20])
    assert only_bounded.candidates(text) == {0: 1, 2: 1, 3: 1}  # a line left with no rule is no candidate
    assert only_bounded.candidates(text, text.split("\n")) == only_bounded.candidates(text)


def test_max_chars_and_the_pattern_bound_give_the_tighter_line_bound():
    by_id = {rule.id: rule for rule in RULES}
    assert by_id["bare-timestamp"].max_chars == 200 and by_id["bare-timestamp"].pattern_bound == 110
    assert by_id["bare-timestamp"].line_bound == 110
    assert by_id["writer-role-line"].pattern_bound is None and by_id["writer-role-line"].line_bound == 200
    assert all(rule.line_bound is None for rule in RULES if rule.max_chars is None and rule.pattern_bound is None)


def test_a_cached_bound_that_hides_an_example_is_dropped(tmp_path, monkeypatch):
    """A cache edited by hand cannot hide a rule on long lines: a bound shorter than one of the
    rule's own 'match' examples is dropped with the rule's branch split."""
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    load_rules()
    data = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    data["bounds"] = dict.fromkeys([*data["factors"], *data["bounds"]], 1)  # every pattern's and branch's
    (tmp_path / FILE_NAME).write_text(json.dumps(data), encoding="utf-8")
    rules = load_rules()
    assert all(rule.pattern_bound is None for rule in rules if rule.factors and not rule.beside_only)
    assert [rule.id for rule in rules] == [rule.id for rule in RULES]
