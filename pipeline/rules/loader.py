"""Boilerplate rules: the data model, the loader and its validation.

Rules live in TOML files (``rules/*.toml`` in the source tree, shipped as
``pipeline/data/rules`` in the wheel). Each file holds ``[[rule]]`` tables::

    [[rule]]
    id = "read-more-block"
    description = "A 'Read more:' marker and the link headlines after it."
    pattern = '''^(?:read|see) (?:more|also)\\b'''
    case = "insensitive"          # or "sensitive": always explicit
    action = "drop_block"         # drop_line | drop_block | drop_tail | strip_match
    match = ["Read more:"]        # lines the pattern must match
    no_match = ["Read more about it in the filing, he said."]

A file may name pattern fragments that several of its rules share, in one
``[fragments]`` table, and a rule's ``pattern`` (or ``requires_after``) takes
one in by name::

    [fragments]
    ad-call = '''(?-i:Book|Call|Reserve)\\b'''

    [[rule]]
    pattern = '''^.*[.!?] {{ad-call}}.*$'''

The fragment is pasted in as a non-capturing group, so its alternation stays its
own; it is written for the flags of the patterns that use it. A widening then goes
into every rule that uses it at once. A name no fragment has, and a fragment no
rule uses, are refused. Rules see (and the fingerprint hashes) the pattern with
its fragments pasted in.

Named groups capture metadata (``date``, ``publisher``...), except
``inline``, reserved for ``drop_block`` patterns: the headline a marker
carries on its own line (``Read more: Oil jumps``). Such a marker drops only
its line; a bare one (``Read more:``) takes the block after it.

Loading refuses anything that would silently misbehave and names the file,
the rule id and the reason: unknown keys (typos), bad patterns, a pattern
that matches the empty string, named groups that are not metadata fields
(or ``inline`` outside a ``drop_block`` rule), examples that contradict the
pattern, duplicate ids.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import regex

from pipeline.document import METADATA_FIELDS
from pipeline.errors import RuleError
from pipeline.heap import release_freed_memory
from pipeline.rules.bounds import line_length_bound
from pipeline.rules.branches import split_alternatives
from pipeline.rules.factor_cache import CheckedTable, FactorCache
from pipeline.rules.factors import Factors, necessary_factors, parse_pattern
from pipeline.rules.model import (
    ACTIONS,
    CASES,
    DEFAULT_MATCH_TIMEOUT,
    INLINE_GROUP,
    MARKER_GROUP,
    PUBLISHED_GROUP,
    Rule,
    RuleSet,
)
from pipeline.rules.screen import Screen, lets_through

_REQUIRED = {"id", "description", "pattern", "case", "action", "match", "no_match"}
_OPTIONAL = {"max_lines", "max_words", "tail_window", "max_prose_after", "requires_after", "requires_within",
             "requires_prose_before", "requires_match", "requires_no_match", "group", "expect",
             "keep_between_prose", "keep_after_prose", "above_first_paragraph", "below_first_paragraph", "min_items", "beside", "above", "below",
             "first_line", "prose_beyond", "with_decoration", "max_chars"}
_EXPECT_KEYS = {"input", "keeps", INLINE_GROUP, PUBLISHED_GROUP} | set(METADATA_FIELDS)
_ID_SHAPE = regex.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
#: Where a pattern takes in a named fragment of its file's ``[fragments]`` table: ``{{ad-call}}``.
_FRAGMENT_REF = regex.compile(r"\{\{([^{}]*)\}\}")
#: The keys whose values are patterns, which may take in fragments.
_PATTERN_KEYS = ("pattern", "requires_after")


def _fail(source: str, rule_id: str | None, reason: str) -> RuleError:
    where = f"{source}: rule {rule_id!r}" if rule_id else source
    return RuleError(f"{where}: {reason}")


def _string_list(raw: dict[str, Any], key: str, source: str, rid: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, rid, f"'{key}' must be a list of strings")
    return tuple(value)


def _positive_int(raw: dict[str, Any], key: str, default: int, source: str, rid: str, minimum: int = 1) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _fail(source, rid, f"'{key}' must be an integer >= {minimum}, got {value!r}")
    return value


def _action_flag(raw: dict[str, Any], key: str, source: str, rid: str,
                 actions: tuple[str, ...] = ("drop_line",)) -> bool:
    """A true/false key that only rules of ``actions`` may set (``keep_between_prose`` and
    ``keep_after_prose``, ``above_first_paragraph``, ``below_first_paragraph``: drop_line; ``with_decoration``: drop_line, drop_block and drop_tail); false when
    absent."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _fail(source, rid, f"'{key}' must be true or false")
    if value and raw["action"] not in actions:
        named = " and ".join(actions) if len(actions) < 3 else ", ".join(actions[:-1]) + " and " + actions[-1]
        raise _fail(source, rid, f"'{key}' is for {named} rules only")
    return value


def build_rule(raw: dict[str, Any], source: str, factor_cache: FactorCache | None = None) -> Rule:
    """Validate one ``[[rule]]`` table and compile it (its screen factors from ``factor_cache``
    when given, else derived)."""
    rid = raw.get("id") if isinstance(raw.get("id"), str) else None
    missing = sorted(_REQUIRED - raw.keys())
    if missing:
        raise _fail(source, rid, f"missing required key(s): {', '.join(missing)}")
    unknown = sorted(raw.keys() - _REQUIRED - _OPTIONAL)
    if unknown:
        raise _fail(source, rid, f"unknown key(s): {', '.join(unknown)} (allowed: {', '.join(sorted(_REQUIRED | _OPTIONAL))})")
    if not isinstance(rid, str) or not _ID_SHAPE.match(rid):
        raise _fail(source, None, f"rule id {raw.get('id')!r} must be lowercase words joined by '-' or '_'")
    for key in ("description", "pattern"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(source, rid, f"'{key}' must be a non-empty string")
    if raw["case"] not in CASES:
        raise _fail(source, rid, f"'case' must be one of {sorted(CASES)}, got {raw['case']!r}")
    if raw["action"] not in ACTIONS:
        raise _fail(source, rid, f"'action' must be one of {list(ACTIONS)}, got {raw['action']!r}")

    pattern = raw["pattern"]
    # VERSION0: simple case folding. V1 would turn on full case folding with
    # IGNORECASE, which makes some searches 10-100x slower for no gain here.
    flags = CASES[raw["case"]] | regex.V0
    # a table that passed every check before is not compiled now: its rule compiles on first use
    checked = factor_cache.checked_table(raw) if factor_cache is not None else None
    compiled_flags = _check_pattern(raw, source, rid, flags) if checked is None else checked.flags
    if raw["action"] == "strip_match" and not (pattern.startswith("^") or pattern.rstrip().endswith("$")):
        raise _fail(source, rid, "strip_match patterns must be anchored with ^ or $ so only a prefix or suffix is cut")
    if "min_items" in raw and raw["action"] != "drop_list":
        raise _fail(source, rid, "'min_items' is for drop_list rules only")

    requires_after = None
    if "requires_after" in raw:
        if raw["action"] != "drop_tail":
            raise _fail(source, rid, "'requires_after' is only for drop_tail rules (what must follow the marker)")
        if not isinstance(raw["requires_after"], str) or not raw["requires_after"].strip():
            raise _fail(source, rid, "'requires_after' must be a non-empty pattern")
        try:
            requires_after = regex.compile(raw["requires_after"], flags=CASES[raw["case"]] | regex.V0)
        except regex.error as exc:
            raise _fail(source, rid, f"invalid 'requires_after' pattern: {exc}") from None
        if requires_after.search("") is not None:
            raise _fail(source, rid, "'requires_after' matches the empty line, so it would require nothing")
        examples = _string_list(raw, "requires_match", source, rid), _string_list(raw, "requires_no_match", source, rid)
        if not all(examples):
            raise _fail(source, rid, "'requires_after' needs 'requires_match' and 'requires_no_match' examples")
        for example in examples[0]:
            if requires_after.search(example) is None:
                raise _fail(source, rid, f"'requires_after' does not match its own example {example!r}")
        for example in examples[1]:
            if requires_after.search(example) is not None:
                raise _fail(source, rid, f"'requires_after' matches its own 'requires_no_match' example {example!r}")
    elif {"requires_match", "requires_no_match", "requires_within"} & raw.keys():
        raise _fail(source, rid, "'requires_within', 'requires_match' and 'requires_no_match' need a 'requires_after' "
                                 "pattern")
    group = raw.get("group")
    if group is not None and (not isinstance(group, str) or not _ID_SHAPE.match(group)):
        raise _fail(source, rid, f"'group' must be lowercase words joined by '-' or '_', got {group!r}")

    expect = raw.get("expect", [])
    if not isinstance(expect, list) or not all(isinstance(e, dict) for e in expect):
        raise _fail(source, rid, "'expect' must be a list of tables")
    for e in expect:
        if "input" not in e or set(e) - _EXPECT_KEYS:
            raise _fail(source, rid, f"each 'expect' table needs 'input' and only keys from {sorted(_EXPECT_KEYS)}")

    keep_between_prose = _action_flag(raw, "keep_between_prose", source, rid)
    keep_after_prose = _action_flag(raw, "keep_after_prose", source, rid)
    above_first_paragraph = _action_flag(raw, "above_first_paragraph", source, rid)
    below_first_paragraph = _action_flag(raw, "below_first_paragraph", source, rid)
    if above_first_paragraph and below_first_paragraph:
        raise _fail(source, rid, "'above_first_paragraph' and 'below_first_paragraph' exclude each other")
    with_decoration = _action_flag(raw, "with_decoration", source, rid, ("drop_line", "drop_block", "drop_tail"))
    max_chars = _positive_int(raw, "max_chars", 0, source, rid) if "max_chars" in raw else None
    placed_by = {key: _string_list(raw, key, source, rid) for key in ("beside", "above", "below")}
    for key, named in placed_by.items():
        if key in raw and (raw["action"] != "drop_line" or not named):
            raise _fail(source, rid, f"'{key}' is a non-empty list of rule ids, for drop_line rules only")
    first_line = _action_flag(raw, "first_line", source, rid)
    if first_line and not any(placed_by.values()):
        raise _fail(source, rid, "'first_line' is for rules placed by 'beside', 'above' or 'below' only")
    prose_beyond = _action_flag(raw, "prose_beyond", source, rid)
    if prose_beyond and not (placed_by["beside"] or placed_by["below"]):
        raise _fail(source, rid, "'prose_beyond' is for rules placed by 'beside' or 'below' only")
    rule = Rule(
        id=rid,
        description=raw["description"].strip(),
        pattern=pattern,
        case=raw["case"],
        action=raw["action"],
        source=source,
        match=_string_list(raw, "match", source, rid),
        no_match=_string_list(raw, "no_match", source, rid),
        expect=tuple(expect),
        max_lines=_positive_int(raw, "max_lines", 6, source, rid),
        max_words=_positive_int(raw, "max_words", 24, source, rid),
        tail_window=_positive_int(raw, "tail_window", 15, source, rid),
        max_prose_after=_positive_int(raw, "max_prose_after", 0, source, rid, minimum=0),
        requires_after=requires_after,
        requires_within=_positive_int(raw, "requires_within", 3, source, rid),
        requires_prose_before=_positive_int(raw, "requires_prose_before", 0, source, rid, minimum=0),
        keep_between_prose=keep_between_prose,
        keep_after_prose=keep_after_prose,
        above_first_paragraph=above_first_paragraph,
        below_first_paragraph=below_first_paragraph,
        with_decoration=with_decoration,
        min_items=_positive_int(raw, "min_items", 2, source, rid, minimum=2),
        beside=placed_by["beside"],
        above=placed_by["above"],
        below=placed_by["below"],
        first_line=first_line,
        prose_beyond=prose_beyond,
        max_chars=max_chars,
        group=group,
        flags=flags,
    )
    if not rule.match or not rule.no_match:
        raise _fail(source, rid, "needs at least one 'match' and one 'no_match' example")
    too_long = next((example for example in rule.match if len(example) > max_chars), None) if max_chars else None
    if too_long is not None:
        raise _fail(source, rid, f"'max_chars' is {max_chars}, but the 'match' example {too_long!r} is longer")
    factors_of, bound_of = ((factor_cache.factors, factor_cache.line_bound) if factor_cache is not None
                            else (necessary_factors, line_length_bound))
    split = _searched_by_branch(rule, compiled_flags, factors_of, None if checked is None else checked.branches)
    # A rule searched branch by branch is screened by its branches' factors, and any match holds
    # one of them: their union serves the whole pattern, whose own walk (a long alternation's
    # product of alternatives) was most of a first run's peak memory.
    factors = frozenset().union(*split.branch_factors) if split.branches else factors_of(pattern, compiled_flags)
    if factors is not None:  # load_rules checks them against the 'match' examples (_check_screen)
        rule = replace(split, factors=factors, pattern_bound=bound_of(pattern, compiled_flags))
    if rule.beside_only:
        rule = replace(rule, factors=frozenset())  # never proposed by the screen: tried beside its rules only
    if checked is None:
        for example in rule.match:
            if rule.search(example) is None:
                raise _fail(source, rid, f"pattern does not match its own 'match' example {example!r}")
        for example in rule.no_match:
            if rule.search(example) is not None:
                raise _fail(source, rid, f"pattern matches its own 'no_match' example {example!r}")
        if factor_cache is not None:
            factor_cache.remember_checked(raw, CheckedTable(compiled_flags, len(rule.branches)))
    return rule


def _searched_by_branch(rule: Rule, flags: int, factors_of: Callable[[str, int], Factors | None],
                        known: int | None) -> Rule:
    """``rule`` searched branch by branch (:mod:`pipeline.rules.branches`) when its pattern
    splits into enough top-level branches, each with screen factors; else ``rule`` as it is.
    The split must agree with the ``regex`` module's own parse of the pattern, unless the
    table passed every check before and was then split into ``known`` branches (0: not
    split). ``factors_of`` gives a branch's factors (the cache's, or derived). The branches'
    factors are checked against the examples with the rule's own
    (:func:`_check_screen`)."""
    if rule.beside_only or rule.action == "drop_list" or known == 0:
        return rule  # tried outside the screen, or read by its marker group, or not split before
    parts = split_alternatives(rule.pattern, flags)
    if parts is None or len(parts) != (known or _parsed_branch_count(rule.pattern, flags)):
        return rule
    found = [factors_of(part, flags) for part in parts]
    branch_factors = tuple(f for f in found if f)
    if len(branch_factors) != len(parts):
        return rule  # a branch the walk cannot screen: the rule is screened as a whole
    return replace(rule, branches=tuple(parts), branch_factors=branch_factors, branch_flags=flags)


def _parsed_branch_count(pattern: str, flags: int) -> int:
    """How many top-level branches the ``regex`` module's parser finds in ``pattern``."""
    try:
        tree = parse_pattern(pattern, flags)
    except Exception:  # a parse tree this code does not know: no split
        return 0
    branches = getattr(tree, "branches", None)
    return len(branches) if type(tree).__name__ == "Branch" and branches is not None else 1


def _check_pattern(raw: dict[str, Any], source: str, rid: str, flags: int) -> int:
    """Compile a table's pattern and check what only the compiled pattern tells: it does not
    match the empty line, and its named groups are metadata fields or the groups its action
    reads. Returns the compiled pattern's flags (its inline ones included), which key its
    screen factors."""
    try:
        compiled = regex.compile(raw["pattern"], flags=flags)
    except regex.error as exc:
        raise _fail(source, rid, f"invalid pattern: {exc}") from None
    try:
        if compiled.search("", timeout=DEFAULT_MATCH_TIMEOUT) is not None:
            raise _fail(source, rid, "pattern matches the empty line, so it would match everything")
    except TimeoutError:
        raise _fail(source, rid, "pattern times out on the empty line (catastrophic backtracking)") from None
    bad_groups = sorted(set(compiled.groupindex) - set(METADATA_FIELDS) - {INLINE_GROUP, MARKER_GROUP, PUBLISHED_GROUP})
    if bad_groups:
        raise _fail(source, rid, f"named group(s) {', '.join(bad_groups)} are not metadata fields {list(METADATA_FIELDS)} "
                                 f"(nor '{PUBLISHED_GROUP}', a publication date that wins over the other dates, "
                                 f"nor '{INLINE_GROUP}', a drop_block marker's inline headline, nor '{MARKER_GROUP}', "
                                 f"a drop_list item's marker); use (?:...) for plain grouping")
    if (MARKER_GROUP in compiled.groupindex) != (raw["action"] == "drop_list"):
        raise _fail(source, rid, f"named group '{MARKER_GROUP}' (a list item's marker) is required in drop_list rules "
                                 f"and only there, not in {raw['action']}")
    if INLINE_GROUP in compiled.groupindex and raw["action"] != "drop_block":
        raise _fail(source, rid, f"named group '{INLINE_GROUP}' (an inline headline that keeps a marker from taking a block) "
                                 f"is only for drop_block rules, not {raw['action']}; use (?:...) for plain grouping")
    expect = raw.get("expect", [])
    if isinstance(expect, list) and any(isinstance(e, dict) and INLINE_GROUP in e for e in expect) \
            and INLINE_GROUP not in compiled.groupindex:
        raise _fail(source, rid, f"an 'expect' table checks '{INLINE_GROUP}' but the pattern has no (?P<{INLINE_GROUP}>...) group")
    return int(compiled.flags)


def load_rule_file(path: Path | Traversable, factor_cache: FactorCache | None = None) -> list[Rule]:
    """Load and validate every rule of one TOML file."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(source, None, f"not valid TOML: {exc}") from None
    extra = sorted(set(data) - {"rule", "fragments"})
    if extra:
        raise _fail(source, None, f"unexpected top-level key(s) {', '.join(extra)}; rules go in [[rule]] tables"
                    " and shared pattern pieces in one [fragments] table")
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise _fail(source, None, "'rule' must be an array of tables ([[rule]])")
    fragments = _fragments(data.get("fragments", {}), source)
    used: set[str] = set()
    rules, errors = [], []
    for table in tables:
        try:
            rules.append(build_rule(_with_fragments(table, fragments, used, source), source, factor_cache))
        except RuleError as exc:
            errors.append(str(exc))
    unused = sorted(fragments.keys() - used)
    if unused and not errors:
        errors.append(str(_fail(source, None, f"fragment(s) {', '.join(unused)} in [fragments] used by no rule")))
    if errors:
        raise RuleError("\n".join(errors))
    return rules


def _fragments(table: object, source: str) -> dict[str, str]:
    """A file's ``[fragments]`` table, checked: names shaped like rule ids, each a non-empty
    pattern that compiles on its own (so an error names the fragment, not every rule using it)."""
    if not isinstance(table, dict):
        raise _fail(source, None, "'fragments' must be a table ([fragments]) of name = pattern")
    for name, piece in table.items():
        if not _ID_SHAPE.match(name):
            raise _fail(source, None, f"fragment name {name!r} must be lowercase words joined by '-' or '_'")
        if not isinstance(piece, str) or not piece.strip():
            raise _fail(source, None, f"fragment {name!r} must be a non-empty pattern string")
        try:
            regex.compile(piece, flags=regex.V0)
        except regex.error as exc:
            raise _fail(source, None, f"fragment {name!r}: invalid pattern: {exc}") from None
    return dict(table)


def _with_fragments(table: dict[str, Any], fragments: dict[str, str], used: set[str], source: str) -> dict[str, Any]:
    """``table`` with each ``{{name}}`` in its patterns replaced by that fragment, as a
    non-capturing group; the names it took go into ``used``."""
    out = dict(table)
    for key in _PATTERN_KEYS:
        value = table.get(key)
        if not isinstance(value, str) or "{{" not in value:
            continue
        names = {m.group(1) for m in _FRAGMENT_REF.finditer(value)}
        unknown = sorted(names - fragments.keys())
        if unknown:
            rid = table.get("id") if isinstance(table.get("id"), str) else None
            known = ", ".join(sorted(fragments)) or "none in this file"
            raise _fail(source, rid, f"'{key}' takes in unknown fragment(s) {', '.join(unknown)} (known: {known})")
        used.update(names)
        out[key] = _FRAGMENT_REF.sub(lambda m: f"(?:{fragments[m.group(1)]})", value)
    return out


def default_rules_dir() -> Path | Traversable:
    """The built-in rules: ``pipeline/data/rules`` in a wheel, ``rules/`` in a checkout."""
    packaged = resources.files("pipeline").joinpath("data", "rules")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleError("built-in rules not found: neither pipeline/data/rules nor the checkout's rules/ exists")


def _rule_files(directory: Path | Traversable) -> list[Traversable]:
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules directory not found")
    files = sorted((p for p in directory.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    if not files:
        raise RuleError(f"{directory}: no *.toml rule files")
    return files


def load_rules(extra_dirs: Iterable[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """Built-in rules (unless ``builtin=False``) followed by the rules in ``extra_dirs``.

    Files are read in name order within each directory; rule ids must be
    unique across everything loaded.
    """
    builtin_dir = default_rules_dir() if builtin else None
    directories: list[Path | Traversable] = [builtin_dir] if builtin_dir is not None else []
    directories += [Path(d) for d in extra_dirs]
    rules: list[Rule] = []
    errors: list[str] = []  # report every bad rule at once, not one per run
    seen: dict[str, str] = {}
    factor_cache = FactorCache()
    for directory in directories:
        try:
            files = _rule_files(directory)
        except RuleError as exc:
            errors.append(str(exc))
            continue
        for path in files:
            try:
                loaded = load_rule_file(path, factor_cache)
            except RuleError as exc:
                errors.append(str(exc))
                continue
            if directory is builtin_dir:
                loaded = [_as_builtin(rule) for rule in loaded]
            for rule in loaded:
                if rule.id in seen:
                    errors.append(str(_fail(rule.source, rule.id, f"duplicate id (already defined in {seen[rule.id]})")))
                    continue
                seen[rule.id] = rule.source
                rules.append(rule)
    for rule in rules:
        for key, named in (("beside", rule.beside), ("above", rule.above), ("below", rule.below)):
            unknown = [rid for rid in named if rid not in seen]
            if unknown:
                errors.append(str(_fail(rule.source, rule.id, f"'{key}' names unknown rule id(s) {', '.join(unknown)}")))
    factor_cache.save()
    del factor_cache  # its megabytes of decoded JSON, before the screen's automaton is built
    # Checking a table compiles its patterns through the regex module's own cache (up to 500
    # of them), which the rules never read again: each rule keeps the pattern it compiles on
    # first use. Emptied, and the freed pages handed back (pipeline/heap.py), before the
    # screen's automaton is built: its construction is the peak of loading the rules.
    regex.purge()
    release_freed_memory()
    if errors:
        raise RuleError("\n".join(errors))
    ruleset = _check_screen(rules)
    release_freed_memory()  # what building the screen's automaton freed (pipeline/heap.py)
    return ruleset


def _check_screen(rules: Sequence[Rule]) -> RuleSet:
    """``rules``, less the screen factors (and line bounds) that would leave out one of their
    rule's own ``match`` examples: a walk that misread a pattern, or a cache edited by hand,
    leaves the rule searched as a whole, or tried on every line, never silently skipped.

    One pass of the screen over all the examples decides for every rule at once (checking
    each example against each factor took a fifth of a second); a rule it rejects is
    checked alone, by its whole-pattern factors (:func:`lets_through`)."""
    examples = [(index, example) for index, rule in enumerate(rules) if rule.factors and not rule.beside_only
                for example in rule.match if "\n" not in example]
    screen = Screen([r.factors for r in rules], [r.branch_factors for r in rules], [r.line_bound for r in rules])
    masks = screen.candidates("\n".join(example for _, example in examples))
    missed = {index for number, (index, _) in enumerate(examples) if not masks.get(number, 0) >> index & 1}
    missed |= {index for index, rule in enumerate(rules)
               if rule.factors and not rule.beside_only and any("\n" in example for example in rule.match)}
    checked = list(rules)
    for index in missed:
        rule = replace(rules[index], branches=(), branch_factors=(), pattern_bound=None)
        factors = rule.factors
        if factors is None or not all(lets_through(example, factors) for example in rule.match):
            rule = replace(rule, factors=None)
        checked[index] = rule
    ruleset = RuleSet(tuple(checked))
    if not missed:
        ruleset.__dict__["screen"] = screen  # the one RuleSet.screen would build again
    return ruleset


def _as_builtin(rule: Rule) -> Rule:
    """Mark a shipped rule: its patterns are audited for catastrophic backtracking
    (tests/test_rules.py), so short lines skip the regex timeout."""
    return replace(rule, builtin=True)


@lru_cache(maxsize=8)
def cached_rules(extra_dirs: Sequence[str] = (), builtin: bool = True) -> RuleSet:
    """:func:`load_rules`, compiled once per process for each set of directories."""
    return load_rules(extra_dirs, builtin=builtin)
