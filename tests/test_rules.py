"""Every rule's own examples, and the loader's refusal of bad rules.

Examples are data in the rule files; these tests run them one by one so a
failure names the rule and the example.
"""

from __future__ import annotations

import textwrap

import pytest

from pipeline.errors import RuleError
from pipeline.rules import RuleSet, load_rules
from pipeline.stages.strip import judge_line, rule_captures

BUILTIN = load_rules()
MATCH = [(r.id, ex) for r in BUILTIN for ex in r.match]
NO_MATCH = [(r.id, ex) for r in BUILTIN for ex in r.no_match]
EXPECT = [(r.id, i, e) for r in BUILTIN for i, e in enumerate(r.expect)]
BY_ID = {r.id: r for r in BUILTIN}


def test_builtin_rules_cover_every_family():
    assert len(BUILTIN) >= 25
    for rule in BUILTIN:
        assert rule.description and rule.match and rule.no_match


@pytest.mark.parametrize(("rule_id", "example"), MATCH, ids=[f"{r}:{e[:40]}" for r, e in MATCH])
def test_rule_matches_its_positive_examples(rule_id, example):
    assert BY_ID[rule_id].search(example) is not None


@pytest.mark.parametrize(("rule_id", "example"), NO_MATCH, ids=[f"{r}:{e[:40]}" for r, e in NO_MATCH])
def test_rule_leaves_its_negative_examples(rule_id, example):
    assert BY_ID[rule_id].search(example) is None


@pytest.mark.parametrize(("rule_id", "example"), NO_MATCH, ids=[f"{r}:{e[:40]}" for r, e in NO_MATCH])
def test_negative_examples_survive_the_whole_ruleset(rule_id, example):
    """A prose trap written for one rule must not be eaten by another rule."""
    verdict = judge_line(example, BUILTIN)
    if verdict is not None and (verdict.rule is not None or verdict.kept != example):
        pytest.fail(f"{example!r} removed by {verdict.rule.id if verdict.rule else [r.id for r, _ in verdict.cuts]}")


@pytest.mark.parametrize(("rule_id", "index", "expect"), EXPECT, ids=[f"{r}:{i}" for r, i, _ in EXPECT])
def test_rule_expectations(rule_id, index, expect):
    rule = BY_ID[rule_id]
    if rule.beside_only:
        # a placed rule is tried only next to its triggers, which judge_line leaves to the
        # strip stage: its match alone says what it captures (it drops the whole line)
        found = rule.search(expect["input"])
        assert found is not None, f"{rule_id} does not match {expect['input']!r}"
        captured = dict(rule_captures(rule, found))
        verdict = None
    else:
        verdict = judge_line(expect["input"], RuleSet((rule,)))
        assert verdict is not None, f"{rule_id} does not match {expect['input']!r}"
        captured = dict(verdict.captures)
    for field in ("date", "published", "publisher", "author", "title", "url"):
        if field in expect:
            if field in ("date", "published"):
                from pipeline.stages.metadata import parse_date

                assert parse_date(captured[field]) == expect[field]
            else:
                assert captured.get(field) == expect[field]
    if "keeps" in expect:
        assert verdict is not None and verdict.kept == expect["keeps"]
    if "inline" in expect:
        assert verdict is not None  # a drop_block marker: its inline headline, "" for a bare marker
        assert verdict.inline == expect["inline"]
        assert verdict.starts_block is (expect["inline"] == "")
        assert "inline" not in captured  # the headline is not metadata


# --- loader ---------------------------------------------------------------

GOOD = """
[[rule]]
id = "demo"
description = "demo"
pattern = '^Demo line$'
case = "sensitive"
action = "drop_line"
match = ["Demo line"]
no_match = ["A demo line in prose."]
"""


def _write(tmp_path, body: str, name: str = "site.toml"):
    (tmp_path / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


def _refusal(tmp_path, good: str, change: tuple[str, str]) -> str:
    """The loader's error for ``good`` with one ``change`` (old, new) made: it must refuse it."""
    body = good.replace(*change)
    assert body != good
    with pytest.raises(RuleError) as info:
        load_rules([_write(tmp_path, body)], builtin=False)
    return str(info.value)


def test_user_rules_are_added_after_builtin(tmp_path):
    rules = load_rules([_write(tmp_path, GOOD)])
    assert rules.rules[-1].id == "demo" and len(rules) == len(BUILTIN) + 1
    assert rules.fingerprint != BUILTIN.fingerprint


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("pattern = '^Demo line$'", "pattern = '^Demo (line$'"), "invalid pattern"),
        (("pattern = '^Demo line$'", "pattern = '^(?:x)?$'"), "matches the empty line"),
        (("case = \"sensitive\"", "case = \"maybe\""), "'case' must be one of"),
        (("action = \"drop_line\"", "action = \"delete\""), "'action' must be one of"),
        (("match = [\"Demo line\"]", "match = [\"Other line\"]"), "does not match its own 'match' example"),
        (("no_match = [\"A demo line in prose.\"]", "no_match = [\"Demo line\"]"), "matches its own 'no_match' example"),
        (("description = \"demo\"\n", "descripton = \"demo\"\n"), "missing required key(s): description"),
        (("id = \"demo\"", "id = \"Demo Rule\""), "must be lowercase words"),
        (("pattern = '^Demo line$'", "pattern = '^(?P<colour>Demo) line$'"), "not metadata fields"),
        (("pattern = '^Demo line$'", "pattern = '^Demo(?: (?P<inline>line))$'"),
         "named group 'inline' (an inline headline that keeps a marker from taking a block) is only for drop_block rules, not drop_line"),
        (("match = [\"Demo line\"]", "match = [\"Demo line\"]\nexpect = [{input = \"Demo line\", inline = \"\"}]"),
         "checks 'inline' but the pattern has no (?P<inline>...) group"),
        (("action = \"drop_line\"", "action = \"strip_match\"\nmax_lines = 0"), "'max_lines' must be an integer >= 1"),
        (("pattern = '^Demo line$'", "pattern = 'Demo line'\naction2 = 1"), "unknown key(s): action2"),
    ],
)
def test_bad_rules_are_refused_with_file_id_and_reason(tmp_path, change, reason):
    message = _refusal(tmp_path, GOOD, change)
    assert "site.toml" in message and reason in message
    if "lowercase" not in reason:
        assert "'demo'" in message


_SHARED = """
[fragments]
greeting = '(?i:hello|hi)'

[[rule]]
id = "greeting-line"
description = "a greeting alone"
pattern = '^{{greeting}}$'
case = "sensitive"
action = "drop_line"
match = ["Hello", "HI"]
no_match = ["Hello there, said the mayor."]

[[rule]]
id = "greeting-name"
description = "a greeting and a name"
pattern = '^{{greeting}} \\p{Lu}\\p{Ll}+$'
case = "sensitive"
action = "drop_line"
match = ["Hello Anna"]
no_match = ["Hello anna"]
"""


def test_rules_of_a_file_share_a_named_fragment_and_the_fingerprint_follows_it(tmp_path):
    """A [fragments] table's piece is pasted into each pattern that names it (as a group of its
    own: 'Hello|HI' alternation stays inside), and editing it changes the rules fingerprint."""
    rules = load_rules([_write(tmp_path, _SHARED)], builtin=False)
    assert [r.pattern for r in rules] == ["^(?:(?i:hello|hi))$", "^(?:(?i:hello|hi)) \\p{Lu}\\p{Ll}+$"]
    assert judge_line("Hi Anna", rules).rule.id == "greeting-name"
    widened = load_rules([_write(tmp_path, _SHARED.replace("hello|hi", "hello|hi|hey").replace('"HI"]', '"HI", "Hey"]'))],
                         builtin=False)
    assert widened.fingerprint != rules.fingerprint and judge_line("Hey", widened).rule.id == "greeting-line"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("^{{greeting}}$", "^{{greting}}$"), "'pattern' takes in unknown fragment(s) greting (known: greeting)"),
        (("greeting = '(?i:hello|hi)'", "greeting = '(?i:hello|hi)'\nfarewell = 'bye'"), "fragment(s) farewell in [fragments] used by no rule"),
        (("greeting = '(?i:hello|hi)'", "greeting = '(?i:hello|hi'"), "fragment 'greeting': invalid pattern"),
        (("greeting = '(?i:hello|hi)'", "Greeting = '(?i:hello|hi)'"), "fragment name 'Greeting' must be lowercase"),
        (("[fragments]\ngreeting = '(?i:hello|hi)'", "fragments = 'hello'"), "'fragments' must be a table"),
    ],
)
def test_bad_fragments_are_refused_with_file_and_reason(tmp_path, change, reason):
    message = _refusal(tmp_path, _SHARED, change)
    assert "site.toml" in message and reason in message


def test_drop_block_may_mark_an_inline_headline_which_is_not_metadata(tmp_path):
    body = (GOOD.replace('action = "drop_line"', 'action = "drop_block"')
            .replace("'^Demo line$'", "'^Demo line(?::\\s*(?P<inline>.*))?$'"))
    rule = load_rules([_write(tmp_path, body)], builtin=False).rules[0]
    assert rule.has_inline_group
    verdict = judge_line("Demo line: Storm closes mountain pass", RuleSet((rule,)))
    assert verdict.inline == "Storm closes mountain pass" and not verdict.starts_block
    assert verdict.captures == []
    assert judge_line("Demo line", RuleSet((rule,))).starts_block


def test_strip_match_must_be_anchored(tmp_path):
    body = GOOD.replace('action = "drop_line"', 'action = "strip_match"').replace("'^Demo line$'", "'Demo line'")
    with pytest.raises(RuleError, match="anchored"):
        load_rules([_write(tmp_path, body)], builtin=False)


def test_duplicate_ids_across_files_are_refused(tmp_path):
    _write(tmp_path, GOOD, "a.toml")
    _write(tmp_path, GOOD.replace("Demo line", "Other line").replace("A demo", "An other"), "b.toml")
    with pytest.raises(RuleError, match=r"b\.toml: rule 'demo': duplicate id \(already defined in .*a\.toml\)"):
        load_rules([tmp_path], builtin=False)


def test_all_bad_rules_reported_at_once(tmp_path):
    _write(tmp_path, "[[rule]]\nid = 'a'\n", "a.toml")
    _write(tmp_path, "this is not toml", "b.toml")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path], builtin=False)
    assert "a.toml: rule 'a': missing required key(s)" in str(info.value)
    assert "b.toml: not valid TOML" in str(info.value)


def test_missing_or_empty_rules_directory(tmp_path):
    with pytest.raises(RuleError, match="rules directory not found"):
        load_rules([tmp_path / "nope"])
    with pytest.raises(RuleError, match="no \\*.toml rule files"):
        load_rules([tmp_path])


def test_catastrophic_pattern_times_out_instead_of_hanging(tmp_path):
    from pipeline import clean_text

    body = (
        GOOD.replace("'^Demo line$'", "'^(a|a)*b$'")
        .replace('["Demo line"]', '["aaaab"]')
        .replace('["A demo line in prose."]', '["c"]')
    )
    doc = clean_text("a" * 40 + "!b\nSome prose follows here.", rule_dirs=[_write(tmp_path, body)])
    assert "rule-timeout:demo" in doc.flags
    assert doc.text.startswith("a" * 40 + "!b")  # the line is kept, the batch goes on


# --- speed without losing exactness or safety ---------------------------------

from pipeline.rules.model import AUDITED_LINE_CHARS  # noqa: E402

BUILTIN_RULES = list(BUILTIN)


def _adversarial_lines(rule) -> list[str]:
    """Long lines built from the rule's own examples and from runs of the characters patterns repeat over."""
    lines = []
    for example in rule.match + rule.no_match:
        lines.append((example + " ") * (AUDITED_LINE_CHARS // (len(example) + 1)))
        lines.append(example + " x" * ((AUDITED_LINE_CHARS - len(example)) // 2))
        lines.append(example.rstrip(".!") * (AUDITED_LINE_CHARS // max(1, len(example))))
    for unit in ("a", " ", "a ", "-", ".", "é", "1", "©", "*", "a1 ", "Ab. ", "| ", "http://", "www.x", ": "):
        lines.append((unit * (AUDITED_LINE_CHARS // len(unit)))[:AUDITED_LINE_CHARS])
    return [line[:AUDITED_LINE_CHARS] for line in lines]


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.id)
def test_builtin_rule_has_no_catastrophic_backtracking_on_audited_lines(rule):
    """Built-in rules skip the regex timeout on lines up to AUDITED_LINE_CHARS (it costs more than
    the search): none of them may come near the timeout on adversarial lines of that length."""
    for line in _adversarial_lines(rule):
        try:
            rule.compiled.search(line, timeout=0.25)
        except TimeoutError:
            pytest.fail(f"{rule.id} backtracks catastrophically on {line[:60]!r}...")


def test_user_rules_always_run_under_the_timeout(tmp_path):
    (tmp_path / "slow.toml").write_text(textwrap.dedent('''
        [[rule]]
        id = "catastrophic-short"
        description = "nested quantifiers"
        pattern = '^(a|a)*b$'
        case = "sensitive"
        action = "drop_line"
        match = ["aaab"]
        no_match = ["c"]
    '''))
    rules = load_rules([tmp_path], builtin=False)
    assert not rules.rules[0].builtin
    verdict = judge_line("a" * 40 + "!b", rules, timeout=0.05)
    assert verdict.timeouts == ["catastrophic-short"]


def test_a_masthead_joined_by_an_ampersand_is_the_masthead_rules_line_not_a_shop_ad():
    """shop-ad-line comes first and takes a name joined by '&' before a dash; a name that ends in
    a newspaper word is a masthead, which the masthead rules remove so that the skip link above
    it can go with it (above-masthead-link)."""
    line = "The Ink & Quill Gazette - set, inked & folded by the weir"
    assert judge_line(line, BUILTIN).rule.id == "masthead-name-tagline"
    assert judge_line("Harper & Sons, Quay Street — nets mended, ropes spliced", BUILTIN).rule.id == "shop-ad-line"
