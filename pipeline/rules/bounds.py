"""The longest line a rule pattern can match, read from the pattern itself.

Most lines of an article are long prose, and on them the screen
(:mod:`pipeline.rules.screen`) still lets through the rules whose factors are
common words: a year, ``", "``, ``"reporter"``. Many of those rules know that
their lines are short, and say so at their start: ``^(?=.{0,240}+$)`` (at most
240 characters, then the line's end) or ``^(?![^\\n]{111})`` (not 111
characters in a row). A line longer than that cannot match, so the screen can
leave the rule out of that line's mask without calling it at all.

:func:`line_length_bound` reads such a bound from the ``regex`` module's own
parse tree (the one :mod:`pipeline.rules.factors` walks), and gives up (None)
on anything else. It is exact, not a heuristic, for a line searched on its own
(no line break inside): ``^`` is then only its start, ``.`` and ``[^\\n]`` any
character of it, and ``$`` only its end.
"""

from __future__ import annotations

from typing import Any

from regex import _regex_core as _typed_regex_core

from pipeline.rules.factors import parse_pattern

_regex_core: Any = _typed_regex_core  # the parser's node classes (private, untyped: as in factors)


def _types(*names: str) -> tuple[type, ...]:
    return tuple(getattr(_regex_core, name) for name in names if hasattr(_regex_core, name))


# ^ and \A (with or without MULTILINE): on a line searched alone, its start only. The
# WORD-flag variants (StartOfLineU...) also match after \r, \x85, \u2028: not these.
_START = _types("StartOfString", "StartOfLine")
# $, \Z, and $ under MULTILINE: on a line without a line break, its end only.
_END = _types("EndOfString", "EndOfLine", "EndOfStringLine")
_REPEAT = _types("GreedyRepeat", "LazyRepeat", "PossessiveRepeat")
# . (any character but \n) and . under DOTALL; not AnyU (the WORD flag's ., which stops at \r too)
_ANY = _types("Any", "AnyAll")


def _any_character(node: Any) -> bool:
    """Whether ``node`` matches one character, any character but a line break: ``.`` or ``[^\\n]``."""
    if type(node) in _ANY:
        return True
    return (type(node) is _regex_core.Character and not node.positive and node.value == 0x0A
            and not node.zerowidth)


def _lookahead_bound(node: Any) -> int | None:
    """The bound a lookahead at the line start puts on the line's length, if it is one of
    ``(?=.{0,N}$)`` (at most N) or ``(?![^\\n]{M})`` (at most M - 1)."""
    if type(node) is not _regex_core.LookAround or node.behind:
        return None
    sub = node.subpattern
    items: list[Any] = list(sub.items) if type(sub) is _regex_core.Sequence else [sub]
    if node.positive:
        if (len(items) == 2 and type(items[0]) in _REPEAT and _any_character(items[0].subpattern)
                and items[0].max_count is not None and type(items[1]) in _END):
            return int(items[0].max_count)
        return None
    if len(items) == 1 and type(items[0]) in _REPEAT and _any_character(items[0].subpattern) \
            and items[0].min_count >= 1:
        return int(items[0].min_count) - 1
    return None


def _sequence_bound(node: Any) -> int | None:
    """The bound of one branch: ``^`` and then, before anything that consumes a character,
    a bounding lookahead (other lookarounds may come between: they consume nothing)."""
    items: list[Any] = list(node.items) if type(node) is _regex_core.Sequence else [node]
    if not items or type(items[0]) not in _START:
        return None
    found: int | None = None
    for item in items[1:]:
        if type(item) is not _regex_core.LookAround:
            break
        bound = _lookahead_bound(item)
        if bound is not None:
            found = bound if found is None else min(found, bound)
    return found


def tree_bound(tree: Any) -> int | None:
    """:func:`line_length_bound` of a parse tree: a top-level alternation is bounded by its
    longest branch, and unbounded if one of its branches is."""
    if type(tree) is _regex_core.Branch:
        bounds = [_sequence_bound(branch) for branch in tree.branches]
        return None if not bounds or None in bounds else max(b for b in bounds if b is not None)
    return _sequence_bound(tree)


def line_length_bound(pattern: str, flags: int) -> int | None:
    """The most characters a line (searched on its own) can have for ``pattern``, compiled
    with ``flags``, to match it; None when the pattern states no such bound, or this
    code does not understand how it does."""
    try:
        tree = parse_pattern(pattern, flags)
    except Exception:  # a parse this code does not know: no bound
        return None
    return tree_bound(tree)
