"""Line labels: 1 (main text), 0 (boilerplate) or None (ambiguous or unknown).

Two labellers, one per kind of gold:

* :func:`gold_labels` (full gold main text, as in wceb-dev): the document's
  token stream is aligned with the gold's, and each line is judged by the
  share of its tokens that the alignment matched. Comparing lines with gold
  lines does not work: CleanEval's gold is hard-wrapped (a page paragraph is
  several gold lines), and a table of contents repeats the headings, so "this
  line occurs in the gold" marks the contents entries main text too. In one
  order-preserving alignment each gold token is matched at most once, and
  the headings are matched where they sit among the paragraphs, since that
  is where the longest runs of matching tokens are. A line is main text at
  ``MAIN_AT`` (0.7) of its tokens matched, boilerplate at ``BOILERPLATE_AT``
  (0.3) or less, ambiguous (None) in between; a line that repeats main text
  the gold holds only once is None too.
* :func:`snippet_labels` (``with``/``without`` snippets, as in
  trafilatura-eval): a line that holds a snippet, or is mostly covered by
  one that runs over several lines, takes the snippet's label; every other
  line stays unknown.
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

import regex

#: A token: one character of a script written without spaces (Han, kana, Thai,
#: Lao, Khmer, Myanmar), else a run of word characters. CleanEval has Chinese
#: pages, where a ``\w+`` run is a whole sentence: it would then be one token,
#: matched only as a whole, and a line of it could never be partly matched.
_UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
TOKEN = regex.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")
#: Invisible format characters (soft hyphen, zero-width space, U+2063 ...): boilerstrip's repair
#: stage removes most of them from the lines, gold texts and snippets still have them.
_FORMAT = regex.compile(r"\p{Cf}")

#: Matching runs shorter than this many tokens are ignored: a lone "the" or
#: "2017" matches somewhere in any gold text, a run of two rarely does by chance.
MIN_BLOCK = 2
#: A line with at least this share of its tokens matched is main text (1) ...
MAIN_AT = 0.7
#: ... with at most this share boilerplate (0); in between it is ambiguous (None).
BOILERPLATE_AT = 0.3
#: A line of at least this many tokens that the alignment left as boilerplate, while at least
#: ``MAIN_AT`` of its tokens lie in runs of ``REPEAT_NGRAM`` tokens that the gold text holds,
#: repeats main text (a second copy of the article, a lead repeated in a teaser) and is None.
REPEAT_MIN_TOKENS = 6
REPEAT_NGRAM = 4


class LineLabel(NamedTuple):
    label: int | None
    #: share of the line's tokens that the alignment matched (None: the line has no token)
    match: float | None


def tokens(text: str) -> list[str]:
    """The comparison tokens of ``text``: NFKC, case-folded, format characters removed (so
    ligatures, full-width forms, case and soft hyphens do not stop a match); punctuation and
    spacing do not count."""
    found: list[str] = TOKEN.findall(_FORMAT.sub("", unicodedata.normalize("NFKC", text)).casefold())
    return found


def matched_tokens(page: Sequence[str], gold: Sequence[str], min_block: int = MIN_BLOCK) -> list[bool]:
    """For each token of ``page``: whether an alignment with ``gold`` matched it.

    difflib's matcher (``autojunk=False``: with it, every token that makes up
    more than 1% of a long gold text, "the" and "of" among them, could never
    start a match) finds the longest common run, then recurses on both sides
    of it, so the alignment keeps both texts' order and uses each gold token
    once. Only runs of ``min_block`` tokens or more count. It takes about a
    second for the longest pages here (27,000 tokens on both sides).
    """
    ids: dict[str, int] = {}
    a = [ids.setdefault(t, len(ids)) for t in page]
    b = [ids.setdefault(t, len(ids)) for t in gold]
    matched = [False] * len(a)
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        if block.size >= min_block:
            matched[block.a:block.a + block.size] = [True] * block.size
    return matched


def gold_labels(lines: Sequence[str], gold: str, *, min_block: int = MIN_BLOCK, main_at: float = MAIN_AT,
                boilerplate_at: float = BOILERPLATE_AT) -> list[LineLabel]:
    """Label each line of a document by aligning its tokens with the gold main text.

    A line's tokens are matched or not as part of the whole document's token
    stream, so a run may cross line ends: a one-word heading or a short line
    of a paragraph broken by ``<br>`` is matched when the run goes on into the
    next line as it does in the gold, and a menu word ("Home") is not.

    A line without any token ("|", "»", "* * *") cannot be judged by the
    alignment: it takes the label of its nearest tokened lines when the one
    before and the one after agree (a separator inside a menu is boilerplate,
    one between two paragraphs main text), else None. With an empty gold text
    every label is None: such a page says nothing about its lines.

    The alignment matches each gold token once, so when a document holds the
    main text twice (pages and extractions that repeat the article, a teaser
    quoting its first paragraph) the second copy comes out as boilerplate,
    word for word the same prose as lines labelled main text. Such a line
    (``REPEAT_MIN_TOKENS`` or more, mostly made of ``REPEAT_NGRAM``-token
    runs of the gold) is None instead: the gold cannot say which copy is
    the page's main text. Shorter lines keep their 0, which is what puts the
    headings of a table of contents on the boilerplate side.
    """
    line_tokens = [tokens(line) for line in lines]
    gold_tokens = tokens(gold)
    if not gold_tokens:
        return [LineLabel(None, None) for _ in lines]
    flat = [t for toks in line_tokens for t in toks]
    matched = matched_tokens(flat, gold_tokens, min_block)
    gold_ngrams = _GoldNgrams(gold_tokens)
    result: list[LineLabel] = []
    position = 0
    for toks in line_tokens:
        if not toks:
            result.append(LineLabel(None, None))
            continue
        share = sum(matched[position:position + len(toks)]) / len(toks)
        position += len(toks)
        label = 1 if share >= main_at else 0 if share <= boilerplate_at else None
        if label == 0 and len(toks) >= REPEAT_MIN_TOKENS and gold_ngrams(toks) >= main_at:
            label = None
        result.append(LineLabel(label, round(share, 3)))
    return _label_untokened_lines(result, [not toks for toks in line_tokens])


class _GoldNgrams:
    """The share of a line's tokens that lie inside some run of ``n`` tokens found in the gold
    (the gold's n-grams are collected on the first call)."""

    def __init__(self, gold: Sequence[str], n: int = REPEAT_NGRAM) -> None:
        self.gold, self.n = gold, n
        self.ngrams: set[tuple[str, ...]] | None = None

    def __call__(self, toks: Sequence[str]) -> float:
        n = self.n
        if self.ngrams is None:
            self.ngrams = {tuple(self.gold[i:i + n]) for i in range(len(self.gold) - n + 1)}
        covered = [False] * len(toks)
        for i in range(len(toks) - n + 1):
            if tuple(toks[i:i + n]) in self.ngrams:
                covered[i:i + n] = [True] * n
        return sum(covered) / len(toks) if toks else 0.0


def _label_untokened_lines(labels: list[LineLabel], untokened: list[bool]) -> list[LineLabel]:
    """Give each line without tokens the label its nearest tokened neighbours agree on."""
    before: list[LineLabel | None] = []
    last: LineLabel | None = None
    for label, empty in zip(labels, untokened, strict=True):
        before.append(last)
        if not empty:
            last = label
    result = list(labels)
    after: LineLabel | None = None
    for i in range(len(labels) - 1, -1, -1):
        if untokened[i]:
            prev = before[i]
            if prev is not None and after is not None and prev.label is not None and prev.label == after.label:
                result[i] = LineLabel(prev.label, None)
        else:
            after = labels[i]
    return result


def _squash(text: str) -> str:
    """Snippet matching ignores whitespace altogether (the page rendering may break a line,
    or join two inline elements, where the snippet has a space) and, as :func:`tokens` does,
    differences that NFKC and the removal of format characters settle."""
    return "".join(_FORMAT.sub("", unicodedata.normalize("NFKC", text)).split())


#: A line partly covered by a snippet that runs over several lines takes its label
#: when the snippet covers at least this share of the line's (non-space) characters.
SNIPPET_COVER = 0.5


class SnippetMatch(NamedTuple):
    labels: list[int | None]
    #: how many ``with`` and ``without`` snippets were found in the lines
    found_with: int
    found_without: int


def snippet_labels(lines: Sequence[str], with_snippets: Sequence[str],
                   without_snippets: Sequence[str]) -> SnippetMatch:
    """Label lines by the snippets they hold: ``with`` (main text) 1, ``without`` 0, others None.

    Matching ignores whitespace, as ``boilerstrip evaluate`` scores these
    snippets, and is otherwise exact but for NFKC and format characters (see
    :func:`_squash`). A line that holds the whole of a snippet's occurrence
    takes its label; so does a line whose characters are mostly
    (``SNIPPET_COVER``) inside an occurrence that spans several lines. A
    line that both kinds of snippet claim is left None. Every occurrence of
    a snippet counts.
    """
    squashed = [_squash(line) for line in lines]
    starts, position = [], 0
    for text in squashed:
        starts.append(position)
        position += len(text)
    joined = "".join(squashed)
    claims: list[set[int]] = [set() for _ in lines]
    found = []
    for label, snippets in ((1, with_snippets), (0, without_snippets)):
        count = 0
        for snippet in snippets:
            needle = _squash(snippet)
            if not needle:
                continue
            hit = joined.find(needle)
            count += hit >= 0
            while hit >= 0:
                end = hit + len(needle)
                for i in _lines_between(starts, hit, end):
                    start, size = starts[i], len(squashed[i])
                    covered = min(end, start + size) - max(hit, start)
                    inside = start <= hit and end <= start + size
                    if size and (inside or covered >= SNIPPET_COVER * size):
                        claims[i].add(label)
                hit = joined.find(needle, end)
        found.append(count)
    labels = [next(iter(c)) if len(c) == 1 else None for c in claims]
    return SnippetMatch(labels, found[0], found[1])


def _lines_between(starts: Sequence[int], begin: int, end: int) -> range:
    """Indexes of the lines whose characters overlap ``[begin, end)`` in the joined text."""
    first = bisect.bisect_right(starts, begin) - 1
    last = bisect.bisect_left(starts, end) - 1
    return range(max(first, 0), last + 1)
