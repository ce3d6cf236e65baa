"""Which rules can match which lines, decided for a whole document at once.

Trying some forty rules on every line of every document cost about 60
microseconds a line, most of the cleaning time. Yet nearly every line can be
ruled out for nearly every rule by what it does *not* contain: a line without
"advert", "anzeige", "sponsored"... cannot be an advertisement marker.

For each rule, :func:`necessary_factors` walks the ``regex`` module's own
parse of the pattern and derives its *factors*: strings one of which every
match contains. A line is scanned with a line break before and after it, and
the pattern's ``^`` and ``$`` stand for them, so a factor can also say how a
line starts or ends (``"\\nby "``, ``"editor\\n"``). :class:`Screen` puts the
factors of all rules into one Aho-Corasick automaton (ahocorasick-rs) and
scans the document once; a line is then tried only against the rules whose
factors occur in it, in rule order. Rules for which no factors can be derived
are tried on every line, as before.

Both the document and the factors are compared in a *screened form*
(:func:`screen_text`): case-folded as the ``regex`` module folds, every digit
``0``, every run of whitespace one space, every other symbol (``\\p{So}``:
emoji, ``©``, ``▶``) one stand-in character. That turns ``\\d{4}``, ``\\s+``
and ``[\\p{So}]`` into plain strings (``0000``, `` ``, ``\\ue000``).

The screen is exact, not a heuristic: a rule it leaves out cannot match the
line, so the first rule that matches is the same as without it. The walk
gives up on anything it does not fully understand (the rule is then tried
everywhere); folding follows the ``regex`` module's own case tables (checked
over all of Unicode by ``tests/test_screen.py``); and the tests compare
screened and unscreened stripping on the rule examples, the corpora and
generated lines.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs
import regex
from regex import _regex, _regex_core

#: A product of alternatives is given up when it would hold more strings than this.
MAX_FACTORS = 256
#: Character classes of up to this many members (``[-–—•*]``) become strings.
MAX_CLASS_CHARS = 16
#: Bounded repeats of up to this many copies (``\d{4}``) become strings.
MAX_REPEAT = 16
#: How much a line break in a factor (the line start or end) counts, in characters:
#: "ap" at the start of a line is rarer than "ad" anywhere.
ANCHOR_BONUS = 4

_SIMPLE_FOLDING = regex.IGNORECASE | regex.VERSION0 | regex.UNICODE
_FULL_IGNORECASE = int(regex.IGNORECASE | regex.FULLCASE)
#: What screen_text writes for any other symbol (\p{So}); a private-use character.
SYMBOL = "\ue000"


# --- the screened form of a text --------------------------------------------

_DIGIT = regex.compile(r"\d")
_SPACE = regex.compile(r"[^\S\n]")  # the regex module's \s (Unicode White_Space), line breaks aside
_SYMBOL = regex.compile(r"\p{So}")
#: Leading symbols sites put before widget labels (emoji, ⏱, ▶...), but not ©/®: the rules
#: ignore them at the start of a line (see boilerplate).
DECORATION = r"[[\p{So}\p{Sk}\ufe0f\u200d]--[©®℗]]"
_DECORATION = regex.compile(DECORATION, flags=regex.V1)
_ASCII_DIGITS = "".join(c for c in map(chr, range(128)) if _DIGIT.match(c))
_ASCII_SPACES = "".join(c for c in map(chr, range(128)) if _SPACE.match(c))
_ASCII_TABLE = bytes.maketrans(
    (string.ascii_uppercase + _ASCII_DIGITS + _ASCII_SPACES).encode(),
    (string.ascii_lowercase + "0" * len(_ASCII_DIGITS) + " " * len(_ASCII_SPACES)).encode(),
)
_ASCII_BYTES = bytes(range(128))
_SPACE_RUN = re.compile(b" {2,}")
_SPACE_RUN_TEXT = re.compile(" {2,}")


@lru_cache(maxsize=4096)
def _screen_char(char: str) -> tuple[bytes, bytes, bool]:
    """One non-ASCII character's UTF-8 bytes, their screened form, and whether it is a
    decoration (see DECORATION)."""
    original = char.encode("utf-8", "surrogatepass")
    decoration = _DECORATION.match(char) is not None
    if _DIGIT.match(char):
        return original, b"0", decoration
    if _SPACE.match(char):
        return original, b" ", decoration
    if _SYMBOL.match(char):
        return original, SYMBOL.encode(), decoration
    # regex's simple case folding, except that it keeps the Turkic dotted and dotless
    # i apart from I while its matcher lets i match İ and I match ı: all fold to i here.
    folded = _regex.fold_case(_SIMPLE_FOLDING, char)
    if folded in ("I", "\u0130", "\u0131"):
        return original, b"i", decoration
    return original, folded.encode("utf-8", "surrogatepass"), decoration


def screen_text(text: str) -> str:
    """``text`` as the screen compares it (see the module docstring); line breaks stay."""
    return _screen(text)[0].decode("utf-8", "surrogatepass")


@lru_cache(maxsize=4096)
def _screen_one(char: str) -> str:
    return screen_text(char)


def _screen(text: str) -> tuple[bytes, bool]:
    """The screened text in UTF-8, and whether ``text`` holds a decoration character.

    Fast because most text is mostly ASCII: the ASCII bytes are mapped with
    one ``bytes.translate``, and the few distinct other characters one by one
    (UTF-8 is self-synchronising: a character's bytes never occur inside another's).
    """
    data = text.encode("utf-8", "surrogatepass")
    screened = data.translate(_ASCII_TABLE)
    decorated = False
    if not text.isascii():
        for char in set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            original, mapped, decoration = _screen_char(char)
            decorated |= decoration
            if mapped != original:
                screened = screened.replace(original, mapped)
    if b"  " in screened:
        screened = _SPACE_RUN.sub(b" ", screened)
    return screened, decorated


def starts_decorated(line: str) -> bool:
    """Whether ``line`` may start with a decoration the rules skip (see boilerplate):
    their ``^`` is then not at the line start."""
    return _DECORATION.match(line) is not None


# --- deriving factors from a parsed pattern ---------------------------------

#: Factors of a rule: screened strings one of which every match contains. A line
#: is screened with a line break before and after it, and a pattern's ``^`` and
#: ``$`` stand for those line breaks, so "\nby " means "starts with 'by '".
Factors = frozenset

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


def _weight(string: str) -> int:
    """How well a factor screens: its characters, and a bonus for a line break that pins
    them to a line edge ("\nap" is far rarer than "ap"); a bare line break is on every line."""
    chars = len(string) - string.count("\n")
    return chars + ANCHOR_BONUS if chars and "\n" in string else chars


def _best(*candidates: frozenset[str] | None) -> frozenset[str] | None:
    """The candidate that screens best: heaviest lightest string, then fewest strings."""
    usable = [c for c in candidates if c and "" not in c]
    return max(usable, key=_score) if usable else None


@lru_cache(maxsize=65536)
def _score(strings: frozenset[str]) -> tuple[int, int]:
    return min(map(_weight, strings)), -len(strings)


def _cross(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    """Every concatenation, or None when a product (not a mere extension by one
    string) would hold more than MAX_FACTORS."""
    if len(left) * len(right) > max(MAX_FACTORS, len(left), len(right)):
        return None
    return frozenset(a + b for a in left for b in right)


def _case_unknown(node) -> bool:
    # Full case folding lets one character match several ('ß' ~ 'ss'); not modelled.
    flags = getattr(node, "case_flags", 0)
    return bool(flags) and (int(flags) & _FULL_IGNORECASE) == _FULL_IGNORECASE


_MEMO: dict[int, _Info] = {}  # node id -> info, within one necessary_factors call


def _info(node) -> _Info:
    found = _MEMO.get(id(node))
    if found is None:
        found = _MEMO[id(node)] = _node_info(node)
    return found


def _node_info(node) -> _Info:
    kind, core = type(node), _regex_core
    if kind is core.Character:
        if not node.positive or node.zerowidth or _case_unknown(node):
            return _UNKNOWN
        return _exact([_screen_one(chr(node.value))])
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


def _set_info(node) -> _Info:
    if not node.positive or node.zerowidth or _case_unknown(node) or len(node.items) > MAX_CLASS_CHARS:
        return _UNKNOWN
    members = []
    for item in node.items:
        if not item.positive or _case_unknown(item):
            return _UNKNOWN
        if type(item) is _regex_core.Character:
            members.append(_screen_one(chr(item.value)))
        elif type(item) is _regex_core.Property and item.value in _CLASS_AS_TEXT:
            members.append(_CLASS_AS_TEXT[item.value])
        else:
            return _UNKNOWN
    return _exact(members)


def _repeat_info(sub: _Info, low: int, high: int | None) -> _Info:
    if sub.exact == _SPACE_ONLY:  # screen_text makes any run of whitespace one space
        return _exact(_SPACE_ONLY if low else _EMPTY | _SPACE_ONLY)
    if sub.exact is not None and high is not None and high <= MAX_REPEAT:
        strings, power = set(), _EMPTY
        for count in range(high + 1):  # power = count copies of the sub-pattern
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


def _branch_info(branches: list[_Info]) -> _Info:
    if all(b.exact is not None for b in branches):
        return _exact(frozenset().union(*(b.exact for b in branches)))
    needed = [b.necessary() for b in branches]
    starts = [b.prefixes for b in branches]
    ends = [b.suffixes for b in branches]
    return _Info(
        factors=None if None in needed else frozenset().union(*needed),  # one alternative without: none
        prefixes=None if None in starts else frozenset().union(*starts),
        suffixes=None if None in ends else frozenset().union(*ends),
        nullable=any(b.nullable for b in branches),
    )


def _sequence_info(items: list[_Info]) -> _Info:
    """Exact runs are concatenated; the best of the runs, of the items' own factors
    and of what the sequence starts with is necessary."""
    run, candidates, exact = _EMPTY, [], True
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


def _distributed(items: list, infos: list[_Info], found: _Info) -> _Info:
    """``a(?:b|c)d`` must contain what ``abd`` or ``acd`` contains: with the first
    alternation taken apart, each alternative gets its own best factors (one anchored
    at the line start, another not); used when that screens better."""
    for k, item in enumerate(items):
        while type(item) in (_regex_core.Group, _regex_core.Atomic):
            item = item.subpattern
        if type(item) is not _regex_core.Branch or infos[k].exact is not None:
            continue
        per_branch = [_sequence_info(infos[:k] + [_info(b)] + infos[k + 1:]).necessary() for b in item.branches]
        if None in per_branch:
            return found
        distributed = frozenset().union(*per_branch)
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


def _parse(pattern: str, flags: int):
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
    (node,) = _parse(escape, 0).items
    return node.value


#: \s, \d and \p{So} as regex parses them (Property nodes), and what screen_text makes of them
_CLASS_AS_TEXT = {_class_value(r"\s"): " ", _class_value(r"\d"): "0", _class_value(r"\p{So}"): SYMBOL}


def necessary_factors(pattern: str, flags: int) -> Factors | None:
    """The factors of ``pattern`` compiled with ``flags`` (see :data:`Factors`), or None
    when none can be derived (the rule must then be tried on every line)."""
    try:
        tree = _parse(pattern, flags)
        found = _info(tree).necessary()
    except Exception:  # a regex version whose parse tree this walk does not know: no screen
        return None
    finally:
        _MEMO.clear()
    if not found or not min(map(_weight, found)):  # a bare line break is on every line: no screen
        return None
    # adjacent whitespace items give "  ", which screen_text never leaves in a text
    return _minimal({_SPACE_RUN_TEXT.sub(" ", f) for f in found})


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


# --- the screen -------------------------------------------------------------

def _anchored(factors: Factors) -> bool:
    """Whether some factor ties the rule to the line start (a leading line break)."""
    return any(factor.startswith("\n") for factor in factors)


def lets_through(line: str, factors: Factors) -> bool:
    """Whether :class:`Screen` tries a rule with ``factors`` on the single ``line``, decided
    as :meth:`Screen.candidates` decides it but without an automaton: the loader checks
    each rule's own ``match`` examples with it."""
    screened = "\n" + screen_text(line) + "\n"
    return any(factor in screened for factor in factors) or (_anchored(factors) and starts_decorated(line))


class Screen:
    """One automaton over the factors of an ordered list of rules (see the module docstring).

    Rules are numbered by position; :meth:`candidates` gives each line a bit mask
    of the rules that may match it.
    """

    def __init__(self, factors: Sequence[Factors | None]) -> None:
        #: the rules without factors, tried on every non-blank line
        self.unscreened = sum(1 << i for i, f in enumerate(factors) if f is None)
        #: the rules with a factor tied to the line start
        self.anchored = sum(1 << i for i, f in enumerate(factors) if f and _anchored(f))
        keys: dict[str, int] = {}
        for index, found in enumerate(factors):
            for key in found or ():
                keys[key] = keys.get(key, 0) | 1 << index
        self._key_masks = list(keys.values())
        self._automaton = None
        if keys:
            encoded = [key.encode("utf-8", "surrogatepass") for key in keys]
            self._automaton = ahocorasick_rs.BytesAhoCorasick(encoded, matchkind=ahocorasick_rs.MatchKind.Standard)

    def candidates(self, text: str) -> dict[int, int]:
        """The lines of ``text`` (split on ``\\n``, numbered from 0) that some rule may
        match, each with the bit mask of those rules. Blank lines are never candidates."""
        screened, decorated = _screen(text)
        found: dict[int, int] = {}
        if self.unscreened:
            found = {number: self.unscreened for number, line in enumerate(text.split("\n")) if line}
        if self._automaton is not None:
            data = b"\n" + screened + b"\n"
            count, key_masks = data.count, self._key_masks
            for key, _, end in self._automaton.find_matches_as_indexes(data, overlapping=True):
                # A factor ends inside its line, or with the line break after it: the line
                # breaks before its last character but one, less the leading one, number it.
                number = count(b"\n", 1, end - 1)
                found[number] = found.get(number, 0) | key_masks[key]
        if self.anchored and decorated:
            # After a leading decoration, the rules' ^ is not at the line start.
            for number, line in enumerate(text.split("\n")):
                if starts_decorated(line):
                    found[number] = found.get(number, 0) | self.anchored
        return found
