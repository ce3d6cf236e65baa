"""Which rules can match which lines, decided for a whole document at once.

Trying some forty rules on every line of every document cost about 60
microseconds a line, most of the cleaning time. Yet nearly every line can be
ruled out for nearly every rule by what it does *not* contain: a line without
"advert", "anzeige", "sponsored"... cannot be an advertisement marker.

For each rule, :func:`~pipeline.rules.factors.necessary_factors` derives its
*factors*: strings one of which every match contains, including how a line
starts or ends (``"\\nby "``, ``"editor\\n"``). :class:`Screen` puts the
factors of all rules into one Aho-Corasick automaton (ahocorasick-rs) and
scans the document once; a line is then tried only against the rules whose
factors occur in it, in rule order. Rules for which no factors can be derived
are tried on every line, as before.

A rule whose lines are short (:attr:`~pipeline.rules.model.Rule.line_bound`: its
``max_chars``, or a bound its pattern states, see :mod:`pipeline.rules.bounds`) is
also left out of every longer line: most lines of an article are long prose, and
common factors (a year, ``", "``, ``"reporter"``) otherwise make them candidates of
rules that cannot match them.

Both the document and the factors are compared in a *screened form*
(:mod:`pipeline.rules.screened`), case-folded with digits, spaces and symbols
made uniform.

The screen is exact, not a heuristic: a rule it leaves out cannot match the
line, so the first rule that matches is the same as without it. The walk
gives up on anything it does not fully understand (the rule is then tried
everywhere); folding follows the ``regex`` module's own case tables (checked
over all of Unicode by ``tests/test_screen.py``); and the tests compare
screened and unscreened stripping on the rule examples, the corpora and
generated lines.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

import ahocorasick_rs

from pipeline.rules.factors import Factors
from pipeline.rules.screened import screen_bytes, screen_text, starts_decorated, undecorated


def _anchored(factors: Factors) -> bool:
    """Whether some factor ties the rule to the line start (a leading line break)."""
    return any(factor.startswith("\n") for factor in factors)


def lets_through(line: str, factors: Factors) -> bool:
    """Whether :class:`Screen` tries a rule with ``factors`` on the single ``line``, decided
    as :meth:`Screen.candidates` decides it but without an automaton: the loader checks
    each rule's own ``match`` examples with it."""
    screened = "\n" + screen_text(line) + "\n"
    return any(factor in screened for factor in factors) or (_anchored(factors) and starts_decorated(line))


def _line_breaks(data: bytes) -> list[int]:
    """The offsets of the line breaks in ``data``, in order."""
    out = []
    at = data.find(b"\n")
    while at != -1:
        out.append(at)
        at = data.find(b"\n", at + 1)
    return out


class Screen:
    """One automaton over the factors of an ordered list of rules (see the module docstring).

    Rules are numbered by position; :meth:`candidates` gives each line a bit mask
    of the rules that may match it. A rule given the factors of each of its branches
    (:mod:`pipeline.rules.branches`) is screened by those, and the mask also holds a bit
    for each of its branches, from :attr:`branch_offsets` on: the branches that may match.
    """

    def __init__(self, factors: Sequence[Factors | None],
                 branch_factors: Sequence[Sequence[Factors]] = (),
                 bounds: Sequence[int | None] = ()) -> None:
        #: the rules without factors, tried on every non-blank line
        self.unscreened = sum(1 << i for i, f in enumerate(factors) if f is None)
        #: where the bits of each branch-screened rule's branches start, by rule number
        self.branch_offsets: dict[int, int] = {}
        #: the rules (and branches) with a factor tied to the line start
        self.anchored = 0
        keys: dict[str, int] = {}
        next_bit = len(factors)
        for index, found in enumerate(factors):
            branches = branch_factors[index] if index < len(branch_factors) and found is not None else ()
            units = [(1 << index | 1 << (next_bit + b), branch) for b, branch in enumerate(branches)]
            if units:
                self.branch_offsets[index] = next_bit
                next_bit += len(branches)
            elif found is not None:
                units = [(1 << index, found)]
            for bits, unit in units:
                for key in unit:
                    # A key of one unit (most of them) shares that unit's int; only a key of
                    # several makes a new one. One int per key, as wide as all the rules and
                    # branches, took 7 MiB.
                    shared = keys.get(key)
                    keys[key] = bits if shared is None else shared | bits
                if _anchored(unit):
                    self.anchored |= bits
        distinct: dict[int, int] = {}
        self._key_masks = [distinct.setdefault(mask, mask) for mask in keys.values()]
        encoded = [key.encode("utf-8", "surrogatepass") for key in keys]
        del keys, distinct  # before the automaton's construction, the peak of loading
        #: the bits of every rule (not of branches): a mask without one selects nothing
        self._rule_bits = (1 << len(factors)) - 1
        #: the distinct line bounds, shortest first, and for each count k of them a line's
        #: length exceeds, the mask of what such a line may still be tried with
        self._bounds = sorted({bound for bound in bounds if bound is not None})
        self._bounded = sum(1 << i for i, bound in enumerate(bounds) if bound is not None)
        self._allowed = [-1]
        excluded = 0
        for bound in self._bounds:
            excluded |= sum(1 << i for i, b in enumerate(bounds) if b == bound)
            self._allowed.append(~excluded)
        self._automaton = None
        if encoded:
            self._automaton = ahocorasick_rs.BytesAhoCorasick(encoded, matchkind=ahocorasick_rs.MatchKind.Standard)

    def candidates(self, text: str, lines: Sequence[str] | None = None) -> dict[int, int]:
        """The lines of ``text`` (split on ``\\n``, numbered from 0; ``lines``, when the
        caller has split it already) that some rule may match, each with the bit mask of
        those rules. Blank lines are never candidates."""
        screened, decorated = screen_bytes(text)
        if lines is None:
            lines = text.split("\n")  # once, for every step below that reads the lines
        found: dict[int, int] = {}
        if self.unscreened:
            found = {number: self.unscreened for number, line in enumerate(lines) if line}
        if self._automaton is not None:
            data = b"\n" + screened + b"\n"
            breaks = _line_breaks(data)
            key_masks = self._key_masks
            for key, _, end in self._automaton.find_matches_as_indexes(data, overlapping=True):
                # A factor ends inside its line, or with the line break after it: the line
                # breaks before its last character but one, less the leading one, number it
                # (found by bisection: counting them for every match made a frequent factor,
                # such as " - ", cost time in the square of the text's length).
                number = bisect_left(breaks, end - 1) - 1
                found[number] = found.get(number, 0) | key_masks[key]
        if self.anchored and decorated:
            # After a leading decoration, the rules' ^ is not at the line start.
            for number, line in enumerate(lines):
                if starts_decorated(line):
                    found[number] = found.get(number, 0) | self.anchored
        if self._bounds and found:
            self._leave_out_long_lines(found, lines)
        return found

    def _leave_out_long_lines(self, found: dict[int, int], lines: Sequence[str]) -> None:
        """Clear in ``found`` the bits of the rules each line is too long for (measured as the
        rules search it: without its leading decoration), and drop the lines left with none."""
        shortest, bounds, allowed, bounded, rule_bits = (self._bounds[0], self._bounds, self._allowed,
                                                         self._bounded, self._rule_bits)
        for number, mask in list(found.items()):
            line = lines[number]
            if len(line) <= shortest or not mask & bounded:
                continue
            exceeded = bisect_left(bounds, len(undecorated(line)))
            if exceeded:
                mask &= allowed[exceeded]
                if mask & rule_bits:
                    found[number] = mask
                else:
                    del found[number]
