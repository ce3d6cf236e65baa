"""Deriving a rule's *factors* from its pattern: screened strings one of which every match contains.

:func:`necessary_factors` walks the ``regex`` module's own parse of the
pattern. A line is screened with a line break before and after it, and the
pattern's ``^`` and ``$`` stand for them, so a factor can also say how a line
starts or ends (``"\\nby "``, ``"editor\\n"``). Strings are compared in the
screened form (:mod:`pipeline.rules.screened`).

The walk gives up on anything it does not fully understand: the rule then
has no factors and is tried on every line, so the screen stays exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

import ahocorasick_rs
import regex
from regex import _regex_core as _typed_regex_core

from pipeline.rules.screened import SPACE_RUN_TEXT, SYMBOL, screen_text, screened_char

#: A product of alternatives is given up when it would hold more strings than this.
MAX_FACTORS = 256
#: Character classes of up to this many members (``[-–—•*]``) become strings.
MAX_CLASS_CHARS = 16
#: Bounded repeats of up to this many copies (``\\d{4}``) become strings.
MAX_REPEAT = 16
#: How much a line break in a factor (the line start or end) counts, in characters:
#: "ap" at the start of a line is rarer than "ad" anywhere.
ANCHOR_BONUS = 4

_FULL_IGNORECASE = int(regex.IGNORECASE | regex.FULLCASE)

#: The regex module's parser and its parse tree's node classes: private, and not in its
#: stubs (types-regex), so untyped here; the walk checks node types itself.
_regex_core: Any = _typed_regex_core

#: Factors of a rule: screened strings one of which every match contains. A line
#: is screened with a line break before and after it, and a pattern's ``^`` and
#: ``$`` stand for those line breaks, so "\nby " means "starts with 'by '".
Factors: TypeAlias = frozenset[str]

_EMPTY = frozenset([""])
_SPACE_ONLY = frozenset([" "])
_LINE_BREAK = frozenset(["\n"])


@dataclass(frozen=True)
class _Info:
    """What the walk knows of a node (screened strings; None: unknown or too many).

    ``exact``: every string the node can match. ``factors``: strings one of
    which every match contains. ``prefixes`` and ``suffixes``: strings one of
    which every non-empty match starts (ends) with. ``nullable``: the node may
    match nothing.
    """

    exact: frozenset[str] | None = None
    factors: frozenset[str] | None = None
    prefixes: frozenset[str] | None = None
    suffixes: frozenset[str] | None = None
    nullable: bool = True

    def necessary(self) -> frozenset[str] | None:
        # what a (non-empty) match starts with, it also contains
        return _best(self.exact, self.factors, None if self.nullable else self.prefixes)


def _exact(strings: Iterable[str]) -> _Info:
    strings = frozenset(strings)
    return _Info(exact=strings, prefixes=strings - _EMPTY, suffixes=strings - _EMPTY, nullable="" in strings)


_UNKNOWN = _Info()
_ZERO_WIDTH = _exact(_EMPTY)
_LINE_EDGE = _exact(_LINE_BREAK)


#: How much one character of a factor counts (others: 1). A digit is any digit in the
#: screened form, and years and figures are on most paragraphs ("0000" would screen like a
#: four-letter word, and let a copyright rule through on every dated sentence); a space is
#: between any two words; the stand-in for a symbol (``©``, emoji, ``▶``) is rare in prose.
CHAR_WEIGHTS = {"0": 0.25, SYMBOL: 2.0}


def _weight(string: str) -> float:
    """How well a factor screens: its characters (see CHAR_WEIGHTS), and a bonus for a line
    break that pins them to a line edge ("\nap" is far rarer than "ap"); a bare line break is
    on every line."""
    chars = sum(CHAR_WEIGHTS.get(char, 1.0) for char in string if char != "\n")
    return chars + ANCHOR_BONUS if chars and "\n" in string else chars


def _best(*candidates: frozenset[str] | None) -> frozenset[str] | None:
    """The candidate that screens best: heaviest lightest string, then fewest strings."""
    usable = [c for c in candidates if c and "" not in c]
    return max(usable, key=_score) if usable else None


@lru_cache(maxsize=65536)
def _score(strings: frozenset[str]) -> tuple[float, int]:
    return min(map(_weight, strings)), -len(strings)


def _cross(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    """Every concatenation, or None when a product (not a mere extension by one
    string) would hold more than MAX_FACTORS."""
    if len(left) * len(right) > max(MAX_FACTORS, len(left), len(right)):
        return None
    return frozenset(a + b for a in left for b in right)


def _case_unknown(node: Any) -> bool:
    # Full case folding lets one character match several ('ß' ~ 'ss'); not modelled.
    flags = getattr(node, "case_flags", 0)
    return bool(flags) and (int(flags) & _FULL_IGNORECASE) == _FULL_IGNORECASE


_MEMO: dict[int, _Info] = {}  # node id -> info, within one necessary_factors call


def _info(node: Any) -> _Info:
    found = _MEMO.get(id(node))
    if found is None:
        found = _MEMO[id(node)] = _node_info(node)
    return found


def _node_info(node: Any) -> _Info:
    kind, core = type(node), _regex_core
    if kind is core.Character:
        if not node.positive or node.zerowidth or _case_unknown(node):
            return _UNKNOWN
        return _exact([screened_char(chr(node.value))])
    if kind in (core.String, core.Literal):
        return _UNKNOWN if _case_unknown(node) else _exact([screen_text("".join(map(chr, node.characters)))])
    if kind is core.Property:
        text = _CLASS_AS_TEXT.get(node.value) if node.positive and not node.zerowidth else None
        return _UNKNOWN if text is None else _exact([text])  # \s, \d, \p{So} as screen_text writes them
    if kind is core.SetUnion:
        return _set_info(node)
    if kind is core.Sequence:
        infos = [_info(item) for item in node.items]
        return _distributed(node.items, infos, _sequence_info(infos))
    if kind is core.Branch:
        return _branch_info([_info(branch) for branch in node.branches])
    if kind in (core.Group, core.Atomic):
        return _info(node.subpattern)
    if kind in (core.GreedyRepeat, core.LazyRepeat, core.PossessiveRepeat):
        return _repeat_info(_info(node.subpattern), node.min_count, node.max_count)
    if kind in _LINE_EDGE_NODES:
        return _LINE_EDGE
    if kind in _ZERO_WIDTH_NODES:
        return _ZERO_WIDTH  # consumes nothing: the text around it is contiguous
    return _UNKNOWN  # backreferences, conditionals, fuzzy matching, \X, any node not listed


def _node_types(*names: str) -> tuple[type, ...]:
    return tuple(getattr(_regex_core, name) for name in names if hasattr(_regex_core, name))


# On a line searched on its own, ^, \A, $, \Z (with or without MULTILINE) match
# only at its start or end, where the screened document has a line break. (Their
# WORD-flag variants also match at \r, \x85, \u2028... inside a line: zero width.)
_LINE_EDGE_NODES = _node_types("StartOfString", "StartOfLine", "EndOfString", "EndOfLine", "EndOfStringLine")
_ZERO_WIDTH_NODES = _node_types(
    "StartOfLineU", "EndOfLineU", "EndOfStringLineU", "Boundary", "DefaultBoundary", "StartOfWord",
    "EndOfWord", "DefaultStartOfWord", "DefaultEndOfWord", "SearchAnchor", "LookAround", "Keep",
)


def _set_info(node: Any) -> _Info:
    if not node.positive or node.zerowidth or _case_unknown(node) or len(node.items) > MAX_CLASS_CHARS:
        return _UNKNOWN
    members = []
    for item in node.items:
        if not item.positive or _case_unknown(item):
            return _UNKNOWN
        if type(item) is _regex_core.Character:
            members.append(screened_char(chr(item.value)))
        elif type(item) is _regex_core.Property and item.value in _CLASS_AS_TEXT:
            members.append(_CLASS_AS_TEXT[item.value])
        else:
            return _UNKNOWN
    return _exact(members)


def _repeat_info(sub: _Info, low: int, high: int | None) -> _Info:
    if sub.exact == _SPACE_ONLY:  # screen_text makes any run of whitespace one space
        return _exact(_SPACE_ONLY if low else _EMPTY | _SPACE_ONLY)
    if sub.exact is not None and high is not None and high <= MAX_REPEAT:
        strings: set[str] = set()
        power: frozenset[str] | None = _EMPTY
        for count in range(high + 1):  # power = count copies of the sub-pattern
            assert power is not None  # a product too large to hold ended the loop
            if count >= low:
                strings |= power
            if count < high and (power := _cross(power, sub.exact)) is None:
                break
        else:
            if len(strings) <= MAX_FACTORS:
                return _exact(strings)
    # A non-empty match starts with a non-empty copy; at least one copy holds a factor.
    return _Info(factors=sub.necessary() if low else None, prefixes=sub.prefixes, suffixes=sub.suffixes,
                 nullable=low == 0 or sub.nullable)


def _union(sets: Sequence[frozenset[str] | None]) -> frozenset[str] | None:
    """Every string of ``sets``; None when one of them is None (unknown)."""
    known = [s for s in sets if s is not None]
    return frozenset().union(*known) if len(known) == len(sets) else None


def _branch_info(branches: list[_Info]) -> _Info:
    exact = _union([b.exact for b in branches])
    if exact is not None:
        return _exact(exact)
    return _Info(
        factors=_union([b.necessary() for b in branches]),  # one alternative without: none
        prefixes=_union([b.prefixes for b in branches]),
        suffixes=_union([b.suffixes for b in branches]),
        nullable=any(b.nullable for b in branches),
    )


def _sequence_info(items: list[_Info]) -> _Info:
    """Exact runs are concatenated; the best of the runs, of the items' own factors
    and of what the sequence starts with is necessary."""
    run, exact = _EMPTY, True
    candidates: list[frozenset[str] | None] = []
    for item in items:
        if item.exact is not None and (joined := _cross(run, item.exact)) is not None:
            run = joined
            continue
        exact = False
        candidates.append(run)
        if item.exact is not None:  # too many to join: a new run starts with it
            run = item.exact
        else:  # a new run starts with how the item ends (or, if it can be empty, afresh)
            candidates.append(item.factors)
            run = _EMPTY if item.suffixes is None else item.suffixes | _EMPTY if item.nullable else item.suffixes
    if exact:
        return _exact(run)
    starts, ends = _starts(items), _ends(items)
    return _Info(factors=_best(*candidates, run), prefixes=None if "" in starts else starts,
                 suffixes=None if "" in ends else ends, nullable=all(item.nullable for item in items))


def _distributed(items: list[Any], infos: list[_Info], found: _Info) -> _Info:
    """``a(?:b|c)d`` must contain what ``abd`` or ``acd`` contains: with the first
    alternation taken apart, each alternative gets its own best factors (one anchored
    at the line start, another not); used when that screens better."""
    for k, item in enumerate(items):
        while type(item) in (_regex_core.Group, _regex_core.Atomic):
            item = item.subpattern
        if type(item) is not _regex_core.Branch or infos[k].exact is not None:
            continue
        per_branch = [_sequence_info(infos[:k] + [_info(b)] + infos[k + 1:]).necessary() for b in item.branches]
        distributed = _union(per_branch)
        if distributed is None:
            return found
        own = found.necessary()
        if own is None or _best(own, distributed) is distributed:
            return _Info(exact=found.exact, factors=distributed, prefixes=found.prefixes,
                         suffixes=found.suffixes, nullable=found.nullable)
        return found
    return found


def _starts(items: Sequence[_Info]) -> frozenset[str]:
    """Strings one of which every match of the sequence starts with ("": no knowledge)."""
    if not items:
        return _EMPTY
    first, rest = items[0], items[1:]
    if first.exact is not None:
        following = _starts(rest)
        joined = _cross(first.exact, following)
        if joined is not None:
            return joined
        # too many to join: a match starts with one of the first item's strings or,
        # when that one matched nothing, as the rest does
        return (first.exact - _EMPTY) | following if "" in first.exact else first.exact
    if first.prefixes is None:
        return _EMPTY
    # A non-empty match of the first item starts it; an empty one leaves it to the rest.
    return first.prefixes | _starts(rest) if first.nullable else first.prefixes


def _ends(items: Sequence[_Info]) -> frozenset[str]:
    """Strings one of which every match of the sequence ends with ("": no knowledge)."""
    if not items:
        return _EMPTY
    last, rest = items[-1], items[:-1]
    if last.exact is not None:
        preceding = _ends(rest)
        joined = _cross(preceding, last.exact)
        if joined is not None:
            return joined
        return (last.exact - _EMPTY) | preceding if "" in last.exact else last.exact
    if last.suffixes is None:
        return _EMPTY
    return last.suffixes | _ends(rest) if last.nullable else last.suffixes


def parse_pattern(pattern: str, flags: int) -> Any:
    """The ``regex`` module's parse tree of ``pattern``, as ``regex.compile`` builds it."""
    core = _regex_core
    while True:
        source = core.Source(pattern)
        info = core.Info(flags, source.char_type, {})
        info.guess_encoding = core.UNICODE
        source.ignore_space = bool(info.flags & regex.VERBOSE)
        try:
            parsed = core._parse_pattern(source, info)
            break
        except core._UnscopedFlagSet:  # a global flag set mid-pattern: parse again with it, as regex does
            flags = info.global_flags
    if not source.at_end():
        raise ValueError("unbalanced parenthesis")
    return parsed


def _class_value(escape: str) -> int:
    """The property value regex's parser gives a class escape such as ``\\s``."""
    (node,) = parse_pattern(escape, 0).items
    value: int = node.value
    return value


#: \s, \d and \p{So} as regex parses them (Property nodes), and what screen_text makes of them
_CLASS_AS_TEXT = {_class_value(r"\s"): " ", _class_value(r"\d"): "0", _class_value(r"\p{So}"): SYMBOL}


def necessary_factors(pattern: str, flags: int) -> Factors | None:
    """The factors of ``pattern`` compiled with ``flags`` (see :data:`Factors`), or None
    when none can be derived (the rule must then be tried on every line)."""
    try:
        tree = parse_pattern(pattern, flags)
        found = _info(tree).necessary()
    except Exception:  # a regex version whose parse tree this walk does not know: no screen
        return None
    finally:
        # Both memos only serve one pattern's walk. Kept across patterns, the scores' cache
        # held about 48 MiB of factor sets for the life of a process that derived them (a
        # first run, or a run with the factor cache off), against 100 MiB of peak RSS.
        _MEMO.clear()
        _score.cache_clear()
    if not found or not min(map(_weight, found)):  # a bare line break is on every line: no screen
        return None
    # adjacent whitespace items give "  ", which screen_text never leaves in a text
    return _minimal({SPACE_RUN_TEXT.sub(" ", f) for f in found})


def _minimal(strings: set[str]) -> frozenset[str]:
    """Drop the strings that contain another one: a line holding them holds that one."""
    ordered = sorted(strings)
    if len(ordered) < 2:
        return frozenset(ordered)
    automaton = ahocorasick_rs.AhoCorasick(ordered, matchkind=ahocorasick_rs.MatchKind.Standard)
    return frozenset(
        string for index, string in enumerate(ordered)
        if all(found == index for found, _, _ in automaton.find_matches_as_indexes(string, overlapping=True))
    )
