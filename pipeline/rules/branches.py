"""A rule pattern's top-level alternatives, so that a line is searched only with those that can match it.

Some rules are long alternations of anchored branches, one per wording of their family
(``video-player-notice`` has 53). The ``regex`` engine tries every branch at the line start,
and many branches open with a lookahead that scans the whole line (``(?!.*\\bsaid\\b)``), so
one search of such a rule cost 50-180 microseconds on a real article line, where a
search of one branch costs a few.

:mod:`pipeline.rules.screen` already knows which strings each match must contain. Given
the *factors* of each branch, it tells which branches can match a line, and
:meth:`pipeline.rules.model.Rule.search` searches with those alone. The result is the same
match: a branch none of whose factors occur in the line cannot match anywhere in it, and
a search of an alternation returns, at the leftmost position where some branch matches,
the first such branch, which is what searching the remaining branches one by one and
keeping the leftmost (the first on a tie) returns too.

:func:`split_alternatives` splits the pattern's source text at its top-level ``|``. It
gives up (returns None) on anything that would make a branch mean something else on its
own: numbered backreferences, conditionals, recursion, ``VERSION1`` sets. The loader
also checks the split against the ``regex`` module's own parse before it trusts it.
"""

from __future__ import annotations

import regex

#: A rule is split only when it has at least this many top-level branches: below it, one
#: search of the whole pattern costs about what choosing the branches costs.
MIN_BRANCHES = 3

#: Groups whose meaning depends on the groups of other branches, or on the whole pattern
#: (conditionals, named backreferences, recursion, branch reset), as read after an
#: unescaped "(".
_CROSS_BRANCH_GROUP = regex.compile(r"\(\?(?:\(|P=|P>|R\)|[+-]?[0-9]|&|\|)")
#: Escapes that refer to a group by number.
_NUMBERED_REFERENCE = regex.compile(r"\\(?:[1-9]|g<)")


def split_alternatives(pattern: str, flags: int) -> list[str] | None:
    """The top-level branches of ``pattern`` (compiled with ``flags``, its inline flags
    included), as source text whose ``"|".join`` is ``pattern``; None when the pattern has
    fewer than :data:`MIN_BRANCHES` or holds a construct a branch cannot keep on its own."""
    if flags & regex.VERSION1:
        return None
    verbose = bool(flags & regex.VERBOSE)
    branches: list[str] = []
    depth, start, i, size = 0, 0, 0, len(pattern)
    while i < size:
        char = pattern[i]
        if char == "\\":
            if _NUMBERED_REFERENCE.match(pattern, i):
                return None
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
            continue
        if char == "(":
            if _CROSS_BRANCH_GROUP.match(pattern, i):
                return None
            if pattern.startswith("(?#", i):  # an inline comment: its text is not pattern
                close = pattern.find(")", i)
                if close < 0:
                    return None
                i = close + 1
                continue
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "#" and verbose:
            newline = pattern.find("\n", i)
            i = size if newline < 0 else newline
            continue
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        return None
    branches.append(pattern[start:])
    return branches if len(branches) >= MIN_BRANCHES else None


def _class_end(pattern: str, at: int) -> int:
    """The index after the character class opening at ``at`` (``VERSION0`` syntax: no
    nested sets; a ``]`` first in the class, after any ``^``, is a literal)."""
    i = at + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    size = len(pattern)
    while i < size:
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    return size
