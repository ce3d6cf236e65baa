"""Boilerplate rules as the engine sees them: a compiled :class:`Rule` and an ordered :class:`RuleSet`.

The file format and its validation are :mod:`pipeline.rules.loader`'s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

import regex

from pipeline.rules.factors import Factors
from pipeline.rules.screen import Screen

ACTIONS = ("drop_line", "drop_block", "drop_tail", "drop_list", "strip_match", "keep_line")
CASES = {"sensitive": 0, "insensitive": regex.IGNORECASE}

#: Seconds one rule may spend on one line before it is abandoned (ReDoS guard).
DEFAULT_MATCH_TIMEOUT = 0.25
#: Built-in rules are tested against catastrophic backtracking on lines up to
#: this long and run without the timeout on them (see `Rule.search`).
AUDITED_LINE_CHARS = 2000

#: The most narrowed views of one rule kept at a time (see `Rule.narrowed`).
MAX_VIEWS = 1024

#: The named group a drop_block pattern puts around the headline its marker may carry on
#: the same line ('Read more: Oil jumps'). The line already is that link, so the marker
#: takes no block: the next line may be the article's own subheading. Not metadata.
INLINE_GROUP = "inline"

#: The named group a drop_list pattern puts around an item's list marker ('›', '▪', '1.'):
#: the items of one list open with the same marker (digits aside). Not metadata.
MARKER_GROUP = "marker"

#: The named group around a date a rule knows to be the publication date, where the line
#: gives the update first ('Updated 13 Feb 2024, first published 12 Feb 2024'): it wins over
#: the document's other dates (``date`` captures), which are taken in document order.
PUBLISHED_GROUP = "published"


@dataclass(frozen=True)
class Rule:
    """One compiled rule. See :mod:`pipeline.rules.loader` for the file format."""

    id: str
    description: str
    pattern: str
    case: str
    action: str
    source: str  # file the rule came from, for error messages
    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    expect: tuple[dict[str, str], ...] = ()
    #: drop_block: most link-headline lines taken after the marker
    max_lines: int = 6
    #: drop_block: a following line longer than this is prose, not a headline
    max_words: int = 24
    #: drop_tail: the marker must be among the last N non-blank lines
    tail_window: int = 15
    #: drop_tail: prose-looking lines allowed between marker and end
    max_prose_after: int = 0
    #: drop_tail: a line after the marker must match this for the tail to be taken
    #: (a comment thread is told from article prose by its "Name says:" and "Reply" lines)
    requires_after: regex.Pattern[str] | None = field(default=None, compare=False, repr=False)
    #: drop_tail: ... within this many non-blank lines after the marker (a thread's first comment
    #: signs at once; a comment count under a headline is followed by the article)
    requires_within: int = 3
    #: drop_tail: prose lines that must come before the marker (comments follow an article)
    requires_prose_before: int = 0
    #: drop_line: a line the rule matches stays when the lines on either side are prose the
    #: rules keep (a schedule's date headings are the article's own; a dateline is not)
    keep_between_prose: bool = False
    #: drop_line: a line the rule matches stays when the line above it is prose the rules keep
    #: (a summary box sits under the headline and byline; after a paragraph, "In short: ..." is
    #: the writer's own closing sentence)
    keep_after_prose: bool = False
    #: drop_line: the rule removes a line only above the article's first paragraph of prose the
    #: rules keep (a dateline in the site's own words stands over the article; a forum post's
    #: date-and-time line further down belongs to the thread the page is about)
    above_first_paragraph: bool = False
    #: drop_line: the rule removes a line only below the article's first paragraph of prose the
    #: rules keep (a "the story resumes after this diagram" notice sits between paragraphs; above
    #: the article, a line of the same shape is the headline: "The show goes on after the flood")
    below_first_paragraph: bool = False
    #: drop_line, drop_block, drop_tail: the rule tests the line with its leading pictographs,
    #: which the other drop rules skip as decoration: for this rule the pictograph is the
    #: evidence ("🎙 On our podcast", a related label behind a site's own ornament)
    with_decoration: bool = False
    #: drop_list: the fewest items in a row that make a list (one bulleted line proves nothing)
    min_items: int = 2
    #: drop_line: the rule is tried only on the lines right beside a line these rules removed
    #: (a bare name is a byline only next to the dateline or role line of a byline block), above
    #: the article's first paragraph; with ``below_first_paragraph``, below it only (a caption
    #: beside its credit, an ad's copy under its label)
    beside: tuple[str, ...] = ()
    #: drop_line: the rule is tried only on the line right above a line these rules removed,
    #: the first line kept included (a masthead stands above its tagline; a headline never does)
    above: tuple[str, ...] = ()
    #: drop_line: the rule is tried only on the line right below a line these rules removed (an
    #: ad's copy stands under its label; the paragraph above the label is the article's)
    below: tuple[str, ...] = ()
    #: with ``beside``, ``above`` or ``below``: the rule removes the document's first non-blank line only (a
    #: skip link in a language no rule knows leads the page, right above its masthead; further
    #: down, a short line above a masthead's name is a heading of the page)
    first_line: bool = False
    #: with ``beside``: the nearest non-blank line on the far side of the line from the removal
    #: it stands beside must be a paragraph of prose no rule removed (a picture's caption stands
    #: between its credit and the article's text; on a page of teasers, a headline between two
    #: credits is the page's own text)
    prose_beyond: bool = False
    #: the longest line (in characters, as tested) the rule can match; longer lines are not
    #: searched. A byline or a dateline is short, and a rule whose only screen factor is common
    #: (", ", "by ") is otherwise searched on every paragraph that holds it
    max_chars: int | None = None
    #: a family that an option can switch off as a whole ("comments": --keep-comments)
    group: str | None = None
    #: the flags the pattern is compiled with: the rule's case and regex.V0 (given by keyword)
    flags: int = field(kw_only=True, compare=False, repr=False)
    #: a built-in rule, audited for catastrophic backtracking (tests/test_rules.py)
    builtin: bool = False
    #: strings one of which every match contains (see pipeline.rules.screen); None: tried on every line
    factors: Factors | None = field(default=None, compare=False, repr=False)
    #: the pattern's top-level alternatives, when it is searched branch by branch (see
    #: :mod:`pipeline.rules.branches`); empty: searched as a whole
    branches: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: the screen factors of each of ``branches``, in order
    branch_factors: tuple[Factors, ...] = field(default=(), compare=False, repr=False)
    #: the flags ``branches`` compile with: the whole pattern's, its inline flags included
    branch_flags: int = field(default=0, compare=False, repr=False)
    #: the longest line the pattern itself can match, as its start states it
    #: (``^(?=.{0,240}$)``; :mod:`pipeline.rules.bounds`); None: no such bound
    pattern_bound: int | None = field(default=None, compare=False, repr=False)
    #: in a view of the rule for one line (:meth:`narrowed`): the bit mask of the branches
    #: that line can match; 0: the whole pattern
    subset: int = field(default=0, compare=False, repr=False)
    #: the rule a narrowed view was made from (its compiled pattern is shared)
    base: Rule | None = field(default=None, compare=False, repr=False)
    #: the compiled branches, shared by the rule and its views (compiled on first use)
    branch_patterns: list[regex.Pattern[str] | None] = field(default_factory=list, compare=False, repr=False)
    #: the rule's views made so far, by subset, shared by the rule and its views
    views: dict[int, Rule] = field(default_factory=dict, compare=False, repr=False)
    #: tried only next to other rules' removals (``beside`` or ``above``), never in the line
    #: pass: derived from those two, once, since the line pass asks it of every rule it tries
    beside_only: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "beside_only", bool(self.beside or self.above or self.below))

    @cached_property
    def compiled(self) -> regex.Pattern[str]:
        """The pattern compiled with :attr:`flags`, on first use.

        Compiling all the built-in patterns takes about 0.6 s, most of a command-line run over
        one short file, which tries only the few rules whose factors occur in it. The loader
        compiles every pattern it has not seen pass its checks before (see
        :mod:`pipeline.rules.factor_cache`), so a bad pattern is still an error at load.
        """
        if self.base is not None:
            return self.base.compiled
        return regex.compile(self.pattern, flags=self.flags)

    def narrowed(self, subset: int) -> Rule:
        """A view of this rule that searches only the branches in the bit mask ``subset``: those
        whose screen factors occur in the line (the others cannot match it). Same id, action
        and everything else; the same matches."""
        view = self.views.get(subset)
        if view is None:
            if not self.branch_patterns:
                self.branch_patterns.extend([None] * len(self.branches))
            if len(self.views) >= MAX_VIEWS:  # bounded: memory must not grow with the corpus
                self.views.clear()
            view = self.views[subset] = replace(self, subset=subset, base=self.base or self)
        return view

    def _branch(self, index: int) -> regex.Pattern[str]:
        pattern = self.branch_patterns[index]
        if pattern is None:
            pattern = self.branch_patterns[index] = regex.compile(self.branches[index], flags=self.branch_flags)
        return pattern

    def _search_branches(self, line: str, timeout: float | None) -> regex.Match[str] | None:
        """The match of the whole pattern, found by searching the branches of :attr:`subset`
        alone: the leftmost match, the first branch's on a tie (as an alternation decides)."""
        untimed = self.builtin and len(line) <= AUDITED_LINE_CHARS
        best: regex.Match[str] | None = None
        subset, index = self.subset, 0
        while subset:
            if subset & 1:
                pattern = self._branch(index)
                found = pattern.search(line) if untimed else pattern.search(line, timeout=timeout)
                if found is not None:
                    if found.start() == 0:
                        return found  # no later branch can start further left
                    if best is None or found.start() < best.start():
                        best = found
            subset >>= 1
            index += 1
        return best

    def search(self, line: str, timeout: float | None = DEFAULT_MATCH_TIMEOUT) -> regex.Match[str] | None:
        """Search ``line``; raises ``TimeoutError`` past ``timeout`` seconds.

        The ``regex`` module's timeout costs about 2 microseconds per search,
        more than most searches themselves: built-in rules, whose worst cases
        are tested on adversarial lines, skip it on lines of up to
        ``AUDITED_LINE_CHARS``; user rules always run under it.
        """
        if self.max_chars is not None and len(line) > self.max_chars:
            return None
        if self.subset:
            return self._search_branches(line, timeout)
        if self.builtin and len(line) <= AUDITED_LINE_CHARS:
            return self.compiled.search(line)
        return self.compiled.search(line, timeout=timeout)

    @property
    def line_bound(self) -> int | None:
        """The longest line (in characters, as searched) this rule can match: the tighter of
        :attr:`max_chars` and :attr:`pattern_bound`; None when neither is set. The screen
        leaves the rule out of longer lines' masks."""
        bounds = [b for b in (self.max_chars, self.pattern_bound) if b is not None]
        return min(bounds) if bounds else None

    @property
    def has_inline_group(self) -> bool:
        """Whether the pattern marks an inline headline (only drop_block patterns may)."""
        return INLINE_GROUP in self.compiled.groupindex


@dataclass(frozen=True)
class RuleSet:
    """An ordered list of rules; the first rule that matches a line wins."""

    rules: tuple[Rule, ...]

    @cached_property
    def screen(self) -> Screen:
        """Which of these rules, and which branches of them, may match which line of a
        document (built once)."""
        return Screen([rule.factors for rule in self.rules], [rule.branch_factors for rule in self.rules],
                      [rule.line_bound for rule in self.rules])

    @cached_property
    def block_rule_ids(self) -> frozenset[str]:
        """The ids of the rules that take several lines in a row (``drop_block``, ``drop_list``,
        ``drop_tail``): the lines one of them took together are one piece of furniture
        (:mod:`pipeline.stages.after_furniture`). Worked out once: the chain is built per call
        of ``clean_bytes``."""
        return frozenset(r.id for r in self.rules if r.action in ("drop_block", "drop_list", "drop_tail"))

    @cached_property
    def beside_rules(self) -> tuple[Rule, ...]:
        """The rules tried only beside, above or below a line other rules removed (``beside``,
        ``above``, ``below``), in order."""
        return tuple(rule for rule in self.rules if rule.beside_only)

    @cached_property
    def beside_triggers(self) -> frozenset[str]:
        """The ids of the rules whose removals the ``beside``, ``above`` and ``below`` rules are tried next to."""
        return frozenset(rid for rule in self.beside_rules for rid in (*rule.beside, *rule.above, *rule.below))

    def selected(self, mask: int) -> tuple[Rule, ...]:
        """The rules whose bits are set in ``mask`` (from :meth:`Screen.candidates`), in order;
        a rule searched branch by branch is narrowed to the branches whose bits are set (all
        of them when none is: a mask of rule bits alone)."""
        rule_bits = mask & self._rule_bits
        cache: dict[int, tuple[tuple[Rule, ...], tuple[tuple[int, int, int], ...]]] = \
            self.__dict__.setdefault("_selected", {})
        found = cache.get(rule_bits)
        if found is None:
            if len(cache) >= 4096:  # bounded: memory must not grow with the corpus
                cache.clear()
            indexes = [i for i in range(len(self.rules)) if rule_bits >> i & 1]
            offsets = self.screen.branch_offsets
            # for each rule searched by branch: its place in the selection, where its branch
            # bits start in the mask, and the mask of all its branches
            split = tuple((n, offsets[i], (1 << len(self.rules[i].branches)) - 1)
                          for n, i in enumerate(indexes) if i in offsets)
            found = cache[rule_bits] = (tuple(self.rules[i] for i in indexes), split)
        chosen, split = found
        if not split or mask == rule_bits:
            return chosen
        narrowed: list[Rule] | None = None
        for n, offset, every in split:
            subset = mask >> offset & every
            if subset and subset != every:
                if narrowed is None:
                    narrowed = list(chosen)
                narrowed[n] = chosen[n].narrowed(subset)
        return chosen if narrowed is None else tuple(narrowed)

    @cached_property
    def _rule_bits(self) -> int:
        return (1 << len(self.rules)) - 1

    def without_group(self, group: str) -> RuleSet:
        """These rules less the family ``group`` (its own screen, its own fingerprint)."""
        return RuleSet(tuple(rule for rule in self.rules if rule.group != group))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def fingerprint(self) -> str:
        """Hash of every rule's behaviour-relevant fields, in order.

        Batch runs key their outputs on it, so editing a rule invalidates
        exactly the results it could change.
        """
        h = hashlib.sha256()
        for r in self.rules:
            requires_after = r.requires_after.pattern if r.requires_after is not None else None
            for part in (r.id, r.pattern, r.case, r.action, r.max_lines, r.max_words,
                         r.tail_window, r.max_prose_after, requires_after, r.requires_within, r.requires_prose_before,
                         r.group, *(("keep_between_prose",) if r.keep_between_prose else ()),
                         *(("keep_after_prose",) if r.keep_after_prose else ()),
                         *(("above_first_paragraph",) if r.above_first_paragraph else ()),
                         *(("below_first_paragraph",) if r.below_first_paragraph else ()),
                         *(("with_decoration",) if r.with_decoration else ()),
                         *((r.min_items,) if r.action == "drop_list" else ()),
                         *(("beside", *r.beside) if r.beside else ()),
                         *(("above", *r.above) if r.above else ()),
                         *(("below", *r.below) if r.below else ()),
                         *(("first_line",) if r.first_line else ()),
                         *(("prose_beyond",) if r.prose_beyond else ()),
                         *(("max_chars", r.max_chars) if r.max_chars is not None else ())):
                h.update(str(part).encode() + b"\x1f")
            h.update(b"\x1e")
        return h.hexdigest()[:16]
