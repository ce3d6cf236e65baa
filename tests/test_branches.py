"""Rules searched branch by branch (pipeline/rules/branches.py) match exactly as the whole pattern.

The split of a pattern's source at its top-level ``|`` must agree with the ``regex``
module's own parse; searching only the branches whose screen factors occur in a line must
give the whole pattern's match (span and captures) on the rule examples, mutated
examples and corpus lines. The loader builds a table it saw pass every check without
compiling it, and checks a changed table in full again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.rules.loader as loader
from pipeline.rules import load_rules
from pipeline.rules.branches import MIN_BRANCHES, split_alternatives
from pipeline.rules.factor_cache import FILE_NAME
from pipeline.rules.factors import parse_pattern
from pipeline.rules.screen import lets_through

ROOT = Path(__file__).parent.parent
RULES = load_rules()
SPLIT = [rule for rule in RULES if rule.branches]


# --- the split -------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "flags", "branches"), [
    ("^a|^b|^c", 0, ["^a", "^b", "^c"]),
    (r"^a\|b|c|d", 0, [r"^a\|b", "c", "d"]),  # an escaped bar is a character
    ("[|]|b|c", 0, ["[|]", "b", "c"]),  # so is a bar in a class
    ("[]|]x|b|c", 0, ["[]|]x", "b", "c"]),  # a ']' first in a class is a literal
    ("[^]|]x|b|c", 0, ["[^]|]x", "b", "c"]),
    ("(?:a|b)|c|(d|e)", 0, ["(?:a|b)", "c", "(d|e)"]),  # only the top level splits
    ("(?-i:A)x|b|c", 0, ["(?-i:A)x", "b", "c"]),  # a scoped flag is no group reference
    ("(?#a|b)x|y|z", 0, ["(?#a|b)x", "y", "z"]),  # an inline comment is not pattern
    ("(?x) a  # one | two\n| b | c", 0x40, ["(?x) a  # one | two\n", " b ", " c"]),  # a verbose comment neither
    ("a # one | two\n|b|c", 0, ["a # one ", " two\n", "b", "c"]),  # ... but only in verbose mode
])
def test_top_level_branches_are_split(pattern, flags, branches):
    assert split_alternatives(pattern, flags) == branches
    assert "|".join(branches) == pattern


@pytest.mark.parametrize("pattern", [
    "a|b",  # too few to pay
    r"(a)x|\1|c",  # a numbered backreference: its group is another branch's
    r"(?P<n>a)|(?P=n)|c",
    "(?(1)a|b)|c|d",  # a conditional
    "(a|b|c",  # unbalanced
    "a)|b|c",
    "(?|a|b)|c|d",  # a branch reset
])
def test_patterns_a_branch_could_not_keep_are_not_split(pattern):
    assert split_alternatives(pattern, 0) is None


def test_the_version1_syntax_is_not_split():
    import regex

    assert split_alternatives("[[a]--b]|c|d", int(regex.VERSION1)) is None


def test_some_builtin_rules_are_searched_branch_by_branch():
    """Not needed for correctness; the long alternations ('video-player-notice' has over 50
    branches) are where it saves time."""
    assert len(SPLIT) >= 20
    assert all(len(rule.branches) >= MIN_BRANCHES for rule in SPLIT)


@pytest.mark.parametrize("rule", SPLIT, ids=lambda r: r.id)
def test_the_split_agrees_with_the_regex_parser(rule):
    tree = parse_pattern(rule.pattern, rule.branch_flags)
    assert type(tree).__name__ == "Branch" and len(tree.branches) == len(rule.branches)
    assert "|".join(rule.branches) == rule.pattern


# --- the same matches ----------------------------------------------------------------

def _present(rule, line: str) -> int:
    """The bit mask of the branches the screen lets through on the single ``line``."""
    return sum(1 << b for b, factors in enumerate(rule.branch_factors) if lets_through(line, factors))


def _outcome(match):
    if match is None:
        return None
    return match.span(), {k: v for k, v in match.groupdict().items() if v is not None}


def _assert_same_match(rule, line: str, every_branch: bool = True, present: int | None = None) -> None:
    whole = _outcome(rule.compiled.search(line))
    if every_branch:
        every = (1 << len(rule.branches)) - 1
        assert _outcome(rule.narrowed(every).search(line)) == whole, (rule.id, line)
    present = _present(rule, line) if present is None else present
    narrowed = rule.narrowed(present).search(line) if present else None
    assert _outcome(narrowed) == whole, (rule.id, line)


EXAMPLES = [(rule, line) for rule in SPLIT for line in (*rule.match, *rule.no_match)]


@pytest.mark.parametrize(("rule", "line"), EXAMPLES, ids=lambda x: getattr(x, "id", "")[:40])
def test_branches_match_the_examples_as_the_whole_pattern(rule, line):
    _assert_same_match(rule, line)


_NOISE = st.sampled_from(["", " ", "  ", "\u00a0", "📷 ", "©", "K", "İ", "ı", "0", "2024", ":", ".", "’", "É",
                          " said ", "Read more", "video", "(", ")", "|", " by "])


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(EXAMPLES), st.lists(st.tuples(st.integers(0, 300), _NOISE, st.booleans()), max_size=4))
def test_branches_match_mutated_examples_as_the_whole_pattern(example, edits):
    rule, line = example
    for position, noise, upper in edits:
        at = position % (len(line) + 1)
        line = line[:at] + noise + line[at:]
        if upper:
            line = line.upper()
    _assert_same_match(rule, line)


def test_branches_match_the_corpus_lines_as_the_whole_pattern():
    """Every corpus line, with the branches the screen picks for it in a whole document."""
    offsets = RULES.screen.branch_offsets
    split = [(index, rule) for index, rule in enumerate(RULES) if rule.branches]
    tried = 0
    for path in sorted(ROOT.glob("tests/corpus*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        for number, mask in RULES.screen.candidates(text).items():
            for index, rule in split:
                present = mask >> offsets[index] & ((1 << len(rule.branches)) - 1)
                if present:
                    _assert_same_match(rule, lines[number], every_branch=False, present=present)
                    tried += 1
    assert tried > 1000


# --- loading without compiling --------------------------------------------------------

def _rule_file(directory: Path, example: str) -> None:
    directory.mkdir(exist_ok=True)
    (directory / "site.toml").write_text(
        '[[rule]]\nid = "demo"\ndescription = "d"\npattern = \'^(?:Watch|Listen|Read) now$|^Promo$|^Sale$\'\n'
        f'case = "insensitive"\naction = "drop_line"\nmatch = ["{example}"]\nno_match = ["Watch now, he said."]\n',
        encoding="utf-8")


def test_a_table_that_passed_before_is_not_compiled_at_load(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    first = load_rules()
    checked = []
    monkeypatch.setattr(loader, "_check_pattern", lambda *args: checked.append(args) or 0)
    second = load_rules()
    assert checked == []
    assert [r.id for r in second] == [r.id for r in first] and second.fingerprint == first.fingerprint
    assert all("compiled" not in rule.__dict__ for rule in second)  # compiled on first use
    assert [(r.id, r.factors, r.branches) for r in second] == [(r.id, r.factors, r.branches) for r in first]
    assert second.rules[0].search(first.rules[0].match[0]) is not None


def test_a_changed_table_is_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    _rule_file(tmp_path / "rules", "Watch now")
    (rule,) = load_rules([tmp_path / "rules"], builtin=False).rules
    assert rule.branches and rule.search("Sale")
    _rule_file(tmp_path / "rules", "Watch later")  # an example the pattern does not match
    with pytest.raises(loader.RuleError, match="does not match its own 'match' example 'Watch later'"):
        load_rules([tmp_path / "rules"], builtin=False)


def test_a_cache_that_misstates_the_split_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    _rule_file(tmp_path / "rules", "Watch now")
    load_rules([tmp_path / "rules"], builtin=False)
    path = tmp_path / "cache" / FILE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["checked"] = {key: [flags, 2] for key, (flags, _) in data["checked"].items()}
    path.write_text(json.dumps(data), encoding="utf-8")
    (rule,) = load_rules([tmp_path / "rules"], builtin=False).rules
    assert rule.branches == ()  # searched as a whole: the same matches, only slower
    assert rule.search("Promo") and not rule.search("Promotion")
