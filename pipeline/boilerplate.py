"""Stage 3: remove boilerplate lines according to the rules.

Works in two passes over the repaired lines:

1. *Line pass*: each non-blank line is tested against the rules in order;
   the first match decides. ``strip_match`` cuts the matched prefix/suffix
   (capturing metadata) and keeps testing the rest of the line, so a
   syndication tag is removed and the prose after it stays; ``keep_line``
   only captures metadata. Leading pictographs (``✨``, ``📷``, ``⏱``) are
   ignored when testing drop rules: sites decorate widgets with them.
2. *Structure pass*: ``drop_block`` markers also take the link headlines that
   follow them, until a line that reads as prose; ``drop_tail`` markers near
   the end of the document take everything after them, provided what follows
   holds (almost) no prose. A tail marker that does not qualify still drops
   its own line.

Removed lines become blank, so line numbers stay stable and every removal is
recorded with its rule id and line number.
"""

from __future__ import annotations

from bisect import bisect_right

import regex
from dataclasses import dataclass, field

from .document import Document, Removal
from .rules import DEFAULT_MATCH_TIMEOUT, Rule, RuleSet
from .shape import looks_like_headline, looks_like_prose

# Leading symbols sites put before widget labels (emoji, ⏱, ▶...), but not ©/®.
_DECORATION = regex.compile(r"^[[\p{So}\p{Sk}\ufe0f\u200d]--[©®℗]]+\s*", flags=regex.V1)


@dataclass
class _LineVerdict:
    """What the line pass decided for one line."""

    kept: str  # the text left on the line ("" if the whole line goes)
    rule: Rule | None = None  # the rule that dropped the line, if any
    dropped: str = ""  # what that rule dropped (the line, less any cuts)
    cuts: list[tuple[Rule, str]] = field(default_factory=list)  # strip_match removals
    captures: list[tuple[str, str]] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)


def _first_match(line: str, rules: RuleSet, skip: set[str], verdict: _LineVerdict, timeout: float | None):
    probe = _DECORATION.sub("", line)
    for rule in rules:
        if rule.id in skip:
            continue
        try:
            # strip_match cuts positions of the real line; the others test the undecorated text
            m = rule.search(line if rule.action == "strip_match" else probe, timeout)
        except TimeoutError:
            skip.add(rule.id)
            verdict.timeouts.append(rule.id)
            continue
        if m is not None:
            return rule, m
    return None, None


def judge_line(line: str, rules: RuleSet, timeout: float | None = DEFAULT_MATCH_TIMEOUT) -> _LineVerdict:
    """Apply the line pass to one line."""
    verdict = _LineVerdict(kept=line)
    used: set[str] = set()
    text = line
    while text:
        rule, m = _first_match(text, rules, used, verdict, timeout)
        if rule is None:
            break
        verdict.captures += [(k, v.strip()) for k, v in m.groupdict().items() if v and v.strip()]
        if rule.action == "keep_line":
            used.add(rule.id)
            continue
        if rule.action != "strip_match":
            verdict.rule, verdict.dropped, verdict.kept = rule, text, ""
            return verdict
        used.add(rule.id)
        verdict.cuts.append((rule, m.group(0).strip()))
        text = (text[: m.start()] + text[m.end() :]).strip()
    verdict.kept = text
    return verdict


def strip_boilerplate(
    text: str, rules: RuleSet, timeout: float | None = DEFAULT_MATCH_TIMEOUT
) -> tuple[list[str], list[Removal], list[tuple[str, str]], list[str]]:
    """Remove boilerplate from ``text``.

    Returns the lines (removed ones blank), the removals, the metadata
    captures in document order, and the ids of rules that timed out.
    """
    lines = text.split("\n")
    verdicts = [judge_line(line, rules, timeout) if line else None for line in lines]
    owner: list[Rule | None] = [v.rule if v else None for v in verdicts]
    # Lines with something on them; a line emptied by cuts counts as blank.
    nonblank = [i for i, v in enumerate(verdicts) if v is not None and (v.rule or v.kept)]

    # Blocks: a marker takes the headline-like lines after it.
    for i, v in enumerate(verdicts):
        if v is None or v.rule is None or v.rule.action != "drop_block":
            continue
        taken = 0
        for j in nonblank[bisect_right(nonblank, i) :]:  # blank lines do not end a block
            if owner[j] is not None:
                continue  # boilerplate of its own kind inside the block
            if taken >= v.rule.max_lines or not looks_like_headline(verdicts[j].kept, v.rule.max_words):
                break
            owner[j] = v.rule
            taken += 1

    # Tails: the first qualifying marker takes everything after it.
    for rank, i in enumerate(nonblank):
        rule = owner[i]
        if rule is None or rule.action != "drop_tail" or verdicts[i].rule is not rule:
            continue
        if len(nonblank) - rank > rule.tail_window:
            continue
        prose_after = sum(
            1 for j in nonblank[rank + 1 :] if owner[j] is None and looks_like_prose(verdicts[j].kept)
        )
        if prose_after > rule.max_prose_after:
            continue
        for j in nonblank[rank + 1 :]:
            if owner[j] is None:
                owner[j] = rule
        break

    out: list[str] = []
    removed: list[Removal] = []
    captures: list[tuple[str, str]] = []
    timeouts: list[str] = []
    for number, (line, v, rule) in enumerate(zip(lines, verdicts, owner), start=1):
        if v is None:
            out.append("")
            continue
        removed += [Removal(r.id, cut, number) for r, cut in v.cuts]
        captures += v.captures
        timeouts += v.timeouts
        if rule is not None:
            removed.append(Removal(rule.id, v.dropped if v.rule is not None else v.kept, number))
            out.append("")
        else:
            out.append(v.kept)
    return out, removed, captures, timeouts


def strip(doc: Document, rules: RuleSet, timeout: float | None = DEFAULT_MATCH_TIMEOUT) -> Document:
    """Stage function: blank out boilerplate lines, record removals and captures."""
    lines, removed, captures, timeouts = strip_boilerplate(doc.text, rules, timeout)
    return doc.evolve(
        text="\n".join(lines),
        removed=doc.removed + tuple(removed),
        captured=doc.captured + tuple(captures),
        add_flags=tuple(f"rule-timeout:{rid}" for rid in dict.fromkeys(timeouts)),
    )
