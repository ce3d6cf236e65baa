"""Stage 3: remove boilerplate lines according to the rules.

Works in two passes over the repaired lines:

1. *Line pass*: each non-blank line is tested against the rules in order;
   the first match decides. ``strip_match`` cuts the matched prefix/suffix
   (capturing metadata) and keeps testing the rest of the line, so a
   syndication tag is removed and the prose after it stays; ``keep_line``
   only captures metadata. Leading pictographs (``✨``, ``📷``, ``⏱``) are
   ignored when testing drop rules (a ``with_decoration`` rule reads them): sites
   decorate widgets with them.
2. *Structure pass*: ``drop_block`` markers also take the link headlines that
   follow them, until a line that reads as prose, unless the marker carries
   its headline on its own line (the pattern's ``inline`` group): that line is
   the whole link, and the next one may be the article's own subheading.
   ``drop_tail`` markers near the end of the document take everything after
   them, provided what follows holds (almost) no prose; each line of the tail
   is credited to the nearest tail marker before it (a "Previous Article"
   inside a summary widget's tail owns the headline after it). A tail marker
   that does not qualify still drops its own line. ``drop_list`` items
   (``› Teaser headline``) go only as a list: ``min_items`` or more in a row
   under one marker, each a headline, under a short label ("Keep exploring")
   or a line some rule removed; an article's own list, introduced by a
   sentence of its prose, stays. A ``drop_list`` match is provisional, so the
   other rules are still tried on the line.

Removed lines become blank, so line numbers stay stable and every removal is
recorded with its rule id and line number.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

import regex

from pipeline import flags as F
from pipeline.document import Document, Removal
from pipeline.options import CleanOptions
from pipeline.rules.model import DEFAULT_MATCH_TIMEOUT, INLINE_GROUP, MARKER_GROUP, Rule, RuleSet
from pipeline.rules.screened import undecorated
from pipeline.shape import final_mark, looks_like_headline, looks_like_prose, looks_like_title, word_count
from pipeline.stages import Stage

_DIGITS = regex.compile(r"\d+")
#: Actions whose patterns see the line as it is: a cut must fall on the real line, and a
#: list item's marker may itself be a pictograph ('▪', '◆').
_RAW_LINE_ACTIONS = ("strip_match", "drop_list")


@dataclass
class _LineVerdict:
    """What the line pass decided for one line."""

    kept: str  # the text left on the line ("" if the whole line goes)
    rule: Rule | None = None  # the rule that dropped the line, if any
    dropped: str = ""  # what that rule dropped (the line, less any cuts)
    cuts: list[tuple[Rule, str]] = field(default_factory=list)  # strip_match removals
    captures: list[tuple[str, str]] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    inline: str = ""  # what a drop_block pattern's inline group captured ("" for a bare marker)
    list_rule: Rule | None = None  # a drop_list rule that matched: the line goes only as one item of a list
    marker: str = ""  # that item's marker, digits as 0 ('1.' and '2.' open items of one list)
    item: str = ""  # the item's text after its marker

    @property
    def has_inline_headline(self) -> bool:
        """Whether this drop_block marker carries its headline on its own line.

        The text must hold a letter or digit: a marker followed by mere arrows or
        table debris ("Read more: >>", "| Related Links | |") is still bare.
        """
        return any(c.isalnum() for c in self.inline)

    @property
    def starts_block(self) -> bool:
        """Whether this line is a drop_block marker that takes the link headlines after it:
        only a bare one. A marker with an inline headline is that one link itself, and the
        next line may be the article's own subheading."""
        return self.rule is not None and self.rule.action == "drop_block" and not self.has_inline_headline


def _first_match(line: str, rules: Iterable[Rule], skip: set[str], timeouts: list[str],
                 timeout: float | None) -> tuple[Rule, regex.Match[str]] | None:
    """The first rule (not in ``skip``) that matches ``line``, and its match."""
    # strip_match cuts positions of the real line, drop_list reads its marker there, and a
    # with_decoration rule reads the pictograph; the others test the undecorated text
    probe = undecorated(line)
    for rule in rules:
        if (skip and rule.id in skip) or rule.beside_only:
            continue  # a beside or above rule is tried only next to its rules' removals (_drop_beside)
        try:
            m = rule.search(line if rule.action in _RAW_LINE_ACTIONS or rule.with_decoration else probe, timeout)
        except TimeoutError:
            skip.add(rule.id)
            timeouts.append(rule.id)
            continue
        if m is not None and not _a_paragraph_after_the_marker(rule, m):
            return rule, m
    return None


#: A sentence longer than this is prose, never a link headline.
HEADLINE_SENTENCE_MAX_WORDS = 20
_SENTENCES = regex.compile(r"(?<=[.!?])\s+")


def _a_paragraph_after_the_marker(rule: Rule, m: regex.Match[str]) -> bool:
    """Whether a drop_block marker's inline text is a paragraph of the article: longer than the
    rule's ``max_words`` with a sentence longer than any headline ("RELATED: <one 30-word
    sentence>"). Two short headlines in a row ("Read more: A. B.") are still links."""
    if not rule.has_inline_group:
        return False
    inline = m.groupdict().get(INLINE_GROUP)  # a branch may hold no such group (pipeline.rules.branches)
    if not inline or word_count(inline) <= rule.max_words:
        return False
    return max(word_count(sentence) for sentence in _SENTENCES.split(inline)) > HEADLINE_SENTENCE_MAX_WORDS


def judge_line(line: str, rules: RuleSet | Sequence[Rule], timeout: float | None = DEFAULT_MATCH_TIMEOUT,
               every_rule: Sequence[Rule] | None = None, excluded: Iterable[str] = ()) -> _LineVerdict | None:
    """Apply the line pass to one line; None when no rule matched and none timed out.

    ``rules`` are the rules that may match ``line`` (all of them, or those the
    screen let through); once a ``strip_match`` rule has cut the line, what
    remains is tested against ``every_rule`` (default: ``rules``), since the
    screen judged the whole line, not the rest. The rules named in ``excluded`` are
    not tried: those whose removal the line's context gave back.
    """
    used: set[str] = set(excluded)
    timeouts: list[str] = []
    found = _first_match(line, rules, used, timeouts, timeout)
    if found is None and not timeouts:
        return None  # the common case: nothing to record
    verdict = _LineVerdict(kept=line, timeouts=timeouts)
    text = line
    while found is not None:
        rule, m = found
        verdict.captures += rule_captures(rule, m)
        if rule.action == "drop_list":
            if verdict.list_rule is None:  # provisional: a rule that drops the line outright wins
                verdict.list_rule, verdict.marker = rule, _DIGITS.sub("0", m.group(MARKER_GROUP))
                verdict.item = text[m.end(MARKER_GROUP):].strip()
        elif rule.action not in ("keep_line", "strip_match"):
            verdict.rule, verdict.dropped, verdict.kept = rule, text, ""
            if rule.has_inline_group:
                verdict.inline = (m.groupdict().get(INLINE_GROUP) or "").strip()
            return verdict
        used.add(rule.id)
        if rule.action == "strip_match":
            verdict.cuts.append((rule, m.group(0).strip()))
            text = (text[: m.start()] + text[m.end() :]).strip()
            if every_rule is not None:
                rules = every_rule
        found = _first_match(text, rules, used, timeouts, timeout) if text else None
    verdict.kept = text
    return verdict


def rule_captures(rule: Rule, m: regex.Match[str]) -> list[tuple[str, str]]:
    """The metadata a rule's match captures (its named groups but the inline and marker ones),
    in the whole pattern's group order: a match of one branch knows only its own groups. A
    placed rule captures as a line rule does (a labelled byline beside its dateline names the
    author)."""
    groups = rule.compiled.groupindex
    if not groups:
        return []
    return [(k, v.strip()) for k, v in sorted(m.groupdict().items(), key=lambda kv: groups[kv[0]])
            if v and v.strip() and k not in (INLINE_GROUP, MARKER_GROUP)]


def strip_boilerplate(
    text: str, rules: RuleSet, timeout: float | None = DEFAULT_MATCH_TIMEOUT, screened: bool = True,
) -> tuple[list[str], list[Removal], list[tuple[str, str]], list[str]]:
    """Remove boilerplate from ``text``.

    Returns the lines (removed ones blank), the removals, the metadata
    captures in document order, and the ids of rules that timed out. With
    ``screened`` (the default), each line is tried only against the rules
    :class:`~pipeline.rules.screen.Screen` lets through; the result is the same
    either way (the tests check), only slower without.
    """
    lines = text.split("\n")
    every_rule = rules.rules
    if screened:
        candidates = rules.screen.candidates(text, lines)
    else:
        everything = (1 << len(every_rule)) - 1
        candidates = {i: everything for i, line in enumerate(lines) if line}
    kept = list(lines)  # the text left on each line
    owner: list[Rule | None] = [None] * len(lines)  # the rule that removes the line
    verdicts: dict[int, _LineVerdict] = {}  # the lines some rule acted on, in order
    for i, mask in sorted(candidates.items()):
        v = judge_line(lines[i], rules.selected(mask), timeout, every_rule)
        if v is not None:
            verdicts[i] = v
            kept[i], owner[i] = v.kept, v.rule

    def judge_again(i: int, excluded: set[str]) -> _LineVerdict | None:
        return judge_line(lines[i], rules.selected(candidates[i]), timeout, every_rule, excluded)

    _restore_by_context(lines, kept, owner, verdicts, judge_again)
    if rules.beside_rules and verdicts:
        triggers = rules.beside_triggers
        found = [(i, v.rule.id) for i, v in verdicts.items() if v.rule is not None and v.rule.id in triggers]
        if found:
            _drop_beside(rules.beside_rules, triggers, found, lines, kept, owner, verdicts, timeout)
    blocks = [i for i, v in verdicts.items() if v.starts_block]
    tails = [i for i, v in verdicts.items() if v.rule is not None and v.rule.action == "drop_tail"]
    taken: list[int] = []  # lines removed with a block, tail or list, not by a rule of their own
    items = [i for i, v in verdicts.items() if v.list_rule is not None]
    if blocks or tails or items:
        # Lines with something on them; a line emptied by cuts counts as blank.
        nonblank = [i for i, line in enumerate(kept) if line or owner[i]]
        taken = _take_blocks_and_tails(blocks, tails, nonblank, lines, kept, owner, verdicts)
        if items:
            taken += _take_lists(items, nonblank, kept, owner, verdicts)

    removed: list[Removal] = []
    captures: list[tuple[str, str]] = []
    timeouts: list[str] = []
    for i in sorted(verdicts.keys() | set(taken)):
        number, v, rule = i + 1, verdicts.get(i), owner[i]
        if v is not None:
            removed += [Removal(r.id, cut, number) for r, cut in v.cuts]
            captures += v.captures
            timeouts += v.timeouts
        if rule is not None:
            removed.append(Removal(rule.id, v.dropped if v is not None and v.rule is not None else kept[i], number))
            kept[i] = ""
    return kept, removed, captures, timeouts


#: A line of prose this long or longer is a paragraph (for ``keep_between_prose``): a short
#: closing sentence after a date line does not make the date a heading.
PARAGRAPH_CHARS = 40


def is_paragraph(line: str) -> bool:
    """A paragraph of prose: PARAGRAPH_CHARS or longer, ending as a sentence."""
    return len(line) >= PARAGRAPH_CHARS and looks_like_prose(line)


def _restore_by_context(lines: list[str], kept: list[str], owner: list[Rule | None],
                        verdicts: dict[int, _LineVerdict],
                        judge_again: Callable[[int, set[str]], _LineVerdict | None]) -> None:
    """Undo the removals the line pass made where a line's context says it is the page's own:
    those of ``keep_between_prose`` rules whose line sits between two paragraphs
    of prose no rule removed (the nearest non-blank line on each side, PARAGRAPH_CHARS or longer): a heading of the article's
    own, such as the dates of a schedule, not the dateline above an article; and of
    ``keep_after_prose`` rules whose line follows such a paragraph: a closing "In short: ..."
    sentence, not the summary box under the headline; of ``above_first_paragraph`` rules
    whose line comes after the article's first paragraph of prose no rule removed (a dateline
    stands over the article); and of ``below_first_paragraph`` rules whose line comes before
    it (a "the story resumes below" notice stands between paragraphs; above them, a line of
    that shape is the headline). A document with no such paragraph keeps every line of a
    ``below_first_paragraph`` rule.

    A line given back is judged again by the rules after the one that gave it back
    (``judge_again``, less every rule given back so far): a rule that holds back in this
    place must not shadow a later one that claims the line anywhere (a copyright footer that
    also has a tagline's shape)."""
    first_paragraph: int | None = None  # worked out only when a rule asks, again after a change
    for i, first_verdict in list(verdicts.items()):
        given_back: set[str] = set()
        v: _LineVerdict | None = first_verdict
        while v is not None and v.rule is not None:
            rule = v.rule
            if rule.above_first_paragraph or rule.below_first_paragraph:
                if first_paragraph is None:
                    first_paragraph = _first_kept_and_first_paragraph(lines, kept, owner)[1]
                if not ((i > first_paragraph) if rule.above_first_paragraph else (i < first_paragraph)):
                    break
            elif rule.keep_between_prose or rule.keep_after_prose:
                before, after = _nonblank_neighbour(lines, i, -1), _nonblank_neighbour(lines, i, 1)
                sides = (before,) if rule.keep_after_prose and not rule.keep_between_prose else (before, after)
                if not all(j is not None and owner[j] is None and kept[j] == lines[j] and is_paragraph(lines[j].strip())
                           for j in sides):
                    break
            else:
                break
            given_back.add(rule.id)
            del verdicts[i]
            kept[i], owner[i] = lines[i], None
            v = judge_again(i, given_back)
            if v is not None:
                verdicts[i] = v
                kept[i], owner[i] = v.kept, v.rule
                first_paragraph = None  # the line is someone's again: where prose starts may move


def _drop_beside(beside_rules: Sequence[Rule], trigger_ids: frozenset[str], triggers: list[tuple[int, str]],
                 lines: list[str], kept: list[str], owner: list[Rule | None], verdicts: dict[int, _LineVerdict],
                 timeout: float | None) -> None:
    """Try the ``beside`` rules on the kept lines right beside (the nearest non-blank line above
    or below) a line one of their named rules removed, above the article's first paragraph: a
    bare name is a byline only in the byline block over the article, next to its dateline or
    the writer's role (further down, a short line beside a date is a blog post's title). A
    ``below_first_paragraph`` beside rule is tried below the first paragraph only, inside the
    article: a picture's caption beside its credit, an ad's copy under its label. A
    ``prose_beyond`` rule wants a paragraph of prose on the line's far side from its trigger. The
    first line no rule removed is left alone: it is the headline, however short. An ``above``
    rule is tried on the line right above its rules' removals only, and on the first line kept
    too: the line right above a masthead's tagline is the masthead, in a text that lost its
    headline as in one that kept it below. A ``below`` rule is tried on the line right below its
    rules' removals only: an ad's copy under its label (the paragraph above the label is the
    article's). A ``first_line`` rule is tried on the document's first non-blank line only.

    ``triggers``: the removed lines (and their rules' ids) some beside rule names
    (``trigger_ids``). A line a beside rule removes is a trigger in its turn, when a beside rule
    names that rule: the section kicker above a bare-name byline goes with the byline block.
    Where the first line and the first paragraph are is worked out only once a rule matched:
    most documents have no line a beside rule matches."""
    bounds: tuple[int | None, int] | None = None  # (first line kept, first paragraph of prose)
    pending = list(triggers)
    while pending:
        i, trigger = pending.pop(0)
        for j in (_nonblank_neighbour(lines, i, -1), _nonblank_neighbour(lines, i, 1)):
            if j is None or owner[j] is not None or kept[j] != lines[j]:
                continue
            for rule in beside_rules:
                over = j < i and trigger in rule.above  # the line right above the trigger, the first kept included
                under = j > i and trigger in rule.below  # the line right below it
                if trigger not in rule.beside and not over and not under:
                    continue
                if rule.first_line and _nonblank_neighbour(lines, j, -1) is not None:
                    continue
                if rule.prose_beyond:
                    k = _nonblank_neighbour(lines, j, 1 if j > i else -1)
                    if k is None or owner[k] is not None or not is_paragraph(kept[k]):
                        continue
                try:
                    found = rule.search(undecorated(lines[j]), timeout)
                except TimeoutError:  # too slow on this line: it stays, and the record says why
                    verdicts.setdefault(j, _LineVerdict(kept=lines[j])).timeouts.append(rule.id)
                    continue
                if found is None:
                    continue
                if bounds is None:
                    bounds = _first_kept_and_first_paragraph(lines, kept, owner)
                first, paragraph = bounds
                if rule.below_first_paragraph:
                    if j <= paragraph:  # a caption or an ad's copy sits inside the article
                        continue
                elif (j == first and not over) or i > paragraph or j > paragraph:
                    break
                verdicts[j] = _LineVerdict(kept="", rule=rule, dropped=lines[j], captures=rule_captures(rule, found))
                kept[j], owner[j] = "", rule
                if rule.id in trigger_ids:
                    pending.append((j, rule.id))
                break


def _first_kept_and_first_paragraph(lines: list[str], kept: list[str],
                                    owner: list[Rule | None]) -> tuple[int | None, int]:
    """The first non-blank line no rule removed (the headline), and the first paragraph of prose
    no rule removed (``len(lines)`` if none), as the line pass left them."""
    first = next((i for i, line in enumerate(lines) if line.strip() and owner[i] is None), None)
    paragraph = next((i for i, line in enumerate(kept) if owner[i] is None and is_paragraph(line)), len(lines))
    return first, paragraph


def _nonblank_neighbour(lines: list[str], i: int, step: int) -> int | None:
    """The nearest non-blank line above (``step`` -1) or below (+1) line ``i``."""
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip():
            return j
        j += step
    return None


def _take_blocks_and_tails(blocks: list[int], tails: list[int], nonblank: list[int], lines: list[str],
                           kept: list[str], owner: list[Rule | None], verdicts: dict[int, _LineVerdict]) -> list[int]:
    """The structure pass: give the lines a block or tail marker takes to its rule (in
    ``owner``); return them."""
    taken: list[int] = []
    # Blocks: a marker takes the headline-like lines after it.
    for i in blocks:
        rule, count, previous, spaced = verdicts[i].rule, 0, i, False
        assert rule is not None  # a block marker is a line its rule dropped
        for j in nonblank[bisect_right(nonblank, i) :]:  # blank lines do not end a block...
            gap, previous = j > previous + 1, j
            if gap and count >= 2 and not spaced:
                break  # ...except after a list written line under line: what follows the blank is the article's own subheading
            if owner[j] is not None:
                if j in verdicts and verdicts[j].has_inline_headline:
                    break  # a one-link marker: what follows it is not this block's either
                continue  # boilerplate of its own kind inside the block
            if count >= rule.max_lines or not looks_like_headline(kept[j], rule.max_words):
                break
            spaced = spaced or (gap and count > 0)  # blank lines between the block's own headlines
            owner[j] = rule
            taken.append(j)
            count += 1
    # Tails: the first qualifying marker takes everything after it. Each line goes to the
    # nearest tail marker above it, which is what the line belongs to: the headline after
    # "Next Article" is navigation even when a summary widget above started the tail.
    # Lines a rule or a block already owns keep their owner.
    for i in tails:
        rule = verdicts[i].rule
        assert rule is not None  # a tail marker is a line its rule dropped
        after = nonblank[bisect_right(nonblank, i) :]
        if len(after) + 1 > rule.tail_window:
            continue
        prose = (j for j in after if owner[j] is None and looks_like_prose(kept[j]))
        if next(islice(prose, rule.max_prose_after, None), None) is not None:
            continue  # more prose lines after it than the rule allows (counted no further)
        if rule.requires_prose_before:
            before = (j for j in nonblank[: bisect_left(nonblank, i)] if owner[j] is None and looks_like_prose(kept[j]))
            if next(islice(before, rule.requires_prose_before - 1, None), None) is None:
                continue  # a thread follows an article: a comment count above the text is not one
        if rule.requires_after is not None and not any(
                rule.requires_after.search(lines[j]) for j in after[: rule.requires_within]):
            continue  # what follows at once does not look like what the marker announces
        tail_markers = set(tails)
        for j in after:
            if j in tail_markers:
                rule = verdicts[j].rule  # a later tail marker owns what follows it
            elif owner[j] is None:
                owner[j] = rule
                taken.append(j)
        break
    return taken


#: A list's label is a short line: "Keep exploring the waterfront", "Other headlines on NWX".
LIST_LABEL_MAX_WORDS = 8
#: ... and a label that ends with a colon, shorter still ("More transport news:"): a longer
#: one is the article's own sentence announcing its list ("The plan includes these measures:").
LIST_INTRO_MAX_WORDS = 5
#: A site's teaser list is short ("Most read": five or so); a longer list is the article's
#: own enumeration (programmes, names, steps).
LIST_MAX_ITEMS = 8
#: Markers that point to a link ("» Ferry fares to rise"): a run of headlines behind them, right
#: under a paragraph that ends as a sentence, is a site's teasers (on wceb-dev's pages such runs
#: are boilerplate 146 lines of 165); an article announces a list of its own with a colon.
LINK_MARKERS = frozenset((">>", "»", "›", "▸", "▹", "►", "▶", "→", "⟶", "➤", "➜", "⇒"))
#: How a paragraph that ends as a sentence ends (above a list of link arrows).
SENTENCE_MARKS = frozenset(".!?…")
#: A list item is a headline of at least this many words ("› Ferry fares to rise"); shorter
#: items are menu entries or an article's own short list.
LIST_ITEM_MIN_WORDS = 4


def _parallel(items: Iterable[str]) -> bool:
    """Whether two items open with the same word: a list written in parallel ("Air Miles (UK)",
    "Air Miles (Canada)") is an article's own enumeration; a site's teasers are headlines of
    different stories."""
    firsts = [item.split(maxsplit=1)[0].casefold() for item in items]
    return len(set(firsts)) < len(firsts)


def _marked_label(run: list[int], verdicts: dict[int, _LineVerdict], min_items: int) -> int | None:
    """The run's first line when it is the list's label behind the items' own marker
    ("» Tied up alongside:" over "» Linkspan repairs ..."): a few words ending with a colon,
    with ``min_items`` items under it. ``None`` when the run has no such label."""
    first = verdicts[run[0]].item
    if len(run) > min_items and first.endswith(":") and looks_like_headline(first[:-1], LIST_INTRO_MAX_WORDS):
        return run[0]
    return None


def _take_lists(items: list[int], nonblank: list[int], kept: list[str], owner: list[Rule | None],
                verdicts: dict[int, _LineVerdict]) -> list[int]:
    """The structure pass for ``drop_list`` rules: give each list (``min_items`` or more items in
    a row, blank lines between allowed, under one marker, each a headline) and its label to the
    rule; return the lines taken.

    Items a rule of their own removed (a pictograph's promotion) still make up the list, so that
    its label goes with them; they keep their rule in the record.

    What tells a site's teaser list from an article's own list is what stands above it: a short
    label no sentence ends ("More transport news", "KEEP EXPLORING") or a line a rule removed
    (a marker, a widget); an article introduces its list with a sentence of prose. Headlines
    behind link arrows (:data:`LINK_MARKERS`) right under a paragraph that ends as a sentence
    (not with a colon) are teasers too, the paragraph kept. A list at the very top, under nothing
    or under the first line (a headline and its summary bullets), is left alone too.
    """
    position = {i: p for p, i in enumerate(nonblank)}
    runs: list[list[int]] = []
    for i in items:
        v, rule = verdicts[i], verdicts[i].list_rule
        if owner[i] is not None and owner[i] is not v.rule:
            continue  # a block took it: the line is gone already (a line its own rule removed stays an item)
        previous = runs[-1][-1] if runs else None
        if (previous is not None and position[previous] + 1 == position[i]
                and verdicts[previous].list_rule is rule and verdicts[previous].marker == v.marker):
            runs[-1].append(i)
        else:
            runs.append([i])
    taken: list[int] = []
    for run in runs:
        rule = verdicts[run[0]].list_rule
        assert rule is not None
        head = _marked_label(run, verdicts, rule.min_items)
        if head is not None:
            run = run[1:]
        above = position[run[0] if head is None else head] - 1
        if not rule.min_items <= len(run) <= LIST_MAX_ITEMS or above < 1:
            continue  # too short or too long, or right under the first line: the headline's own summary bullets
        if not all(looks_like_title(verdicts[i].item, rule.max_words, LIST_ITEM_MIN_WORDS) for i in run):
            continue  # a sentence, a date or a name among the items: not a list of headlines
        if _parallel(verdicts[i].item for i in run):
            continue  # items that open alike ("Can't play spin", "Can't play pace") are the article's own list
        label = nonblank[above]
        if head is not None:
            run = [head, *run]  # the list's label wears its marker: what stands above it does not matter
        elif owner[label] is None:
            most = LIST_INTRO_MAX_WORDS if kept[label].endswith(":") else LIST_LABEL_MAX_WORDS
            if looks_like_headline(kept[label], most) and not kept[label].endswith(")"):
                run = [label, *run]
            elif not (verdicts[run[0]].marker in LINK_MARKERS and final_mark(kept[label]) in SENTENCE_MARKS):
                continue  # a sentence of the article introduces its own list (or a wrapped item ends above it)
        for i in run:
            if owner[i] is None:  # an item a rule of its own removed ('🎧 Listen ...') keeps that rule
                owner[i] = rule
                taken.append(i)
    return taken


def strip(doc: Document, rules: RuleSet, timeout: float | None = DEFAULT_MATCH_TIMEOUT) -> Document:
    """Stage function: blank out boilerplate lines, record removals and captures."""
    lines, removed, captures, timeouts = strip_boilerplate(doc.text, rules, timeout)
    return doc.evolve(
        text="\n".join(lines),
        removed=doc.removed + tuple(removed),
        captured=doc.captured + tuple(captures),
        add_flags=tuple(F.rule_timeout(rid) for rid in dict.fromkeys(timeouts)),
    )


#: The rule group --keep-comments switches off.
COMMENTS_GROUP = "comments"


class Strip(Stage):
    """The boilerplate rules, loaded once when the chain is built."""

    name = "strip"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        rules = options.ruleset()
        #: --keep-comments: the comment-thread family is off (the forms around it still go)
        self.rules = rules.without_group(COMMENTS_GROUP) if options.keep_comments else rules

    def __call__(self, doc: Document) -> Document:
        return strip(doc, self.rules, self.options.match_timeout or None)

    def fingerprint(self) -> dict[str, object]:
        return {"rules": self.rules.fingerprint, "match_timeout": self.options.match_timeout}
