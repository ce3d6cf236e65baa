"""ROUGE-LSum on whitespace tokens: the page score of the Web Content Extraction Benchmark.

The benchmark (Bevendorff et al., SIGIR 2023) scores an extraction against a
page's gold main text with ``rouge_score``'s ``rougeLsum`` on whitespace tokens
(case kept, punctuation attached): both texts are cut into sentences; for each
gold sentence, the longest common subsequence (LCS) with every extracted
sentence is found, and the union of the gold tokens those LCSs cover is that
sentence's hits; a token counts once per occurrence in either text. Then
``precision = hits / extracted tokens``, ``recall = hits / gold tokens``.
An empty gold text scores recall 1 (and precision and F1 1 when the extraction
is empty too), as the benchmark's own script sets them.

Why implemented here rather than imported: ``rouge-score`` cuts sentences with
NLTK's Punkt model, which is a data download (nothing can be fetched at run
time), and it pulls NLTK, absl and numpy into a tool that needs none of them.
Its pure-Python LCS is also a full table per pair of sentences, which costs
seconds on a long page; here the LCS is bit-parallel (Hyyrö's algorithm over
Python's big integers: one row of the table is one integer), and extracted
tokens that do not occur in the gold sentence are skipped, since they cannot
change its LCS. The LCS chosen, and so the union, is the one ``rouge_score``'s
table walk chooses (tests/test_rouge.py checks both against that walk).

Sentences: Punkt's English model is approximated by cutting after ``.``, ``!``,
``?`` or ``…`` (and closing quotes or brackets) followed by white space; line
breaks do not cut (Punkt ignores them too, so hard-wrapped gold text and an
extractor's paragraphs compare alike).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# A sentence ends after terminal punctuation and any closing quotes or brackets, before white space.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s)")


@dataclass(frozen=True)
class RougeScore:
    """One page's ROUGE-LSum precision, recall and F1."""

    precision: float
    recall: float
    f1: float


def sentences(text: str) -> list[list[str]]:
    """``text`` as sentences of whitespace tokens (empty sentences left out)."""
    out = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        tokens = text[start:end.end()].split()
        if tokens:
            out.append(tokens)
        start = end.end()
    tokens = text[start:].split()
    if tokens:
        out.append(tokens)
    return out


def lcs_indices(reference: Sequence[str], candidate: Sequence[str]) -> list[int]:
    """Indices into ``reference`` of one longest common subsequence with ``candidate``.

    The same subsequence as ``rouge_score``'s table walk: from the end, a match is
    taken; otherwise the walk moves left (along ``candidate``) when that keeps a
    strictly longer LCS than moving up, else up.
    """
    masks = _masks(reference)
    positions = [j for j, token in enumerate(candidate) if token in masks]
    return _lcs(reference, masks, candidate, positions)


def _masks(reference: Sequence[str]) -> dict[str, int]:
    """For each token of ``reference``, the integer whose bit ``i`` is set where it occurs."""
    masks: dict[str, int] = {}
    for i, token in enumerate(reference):
        masks[token] = masks.get(token, 0) | (1 << i)
    return masks


def _lcs(reference: Sequence[str], masks: dict[str, int], candidate: Sequence[str],
         positions: Sequence[int]) -> list[int]:
    """:func:`lcs_indices`, given the reference's masks and the positions (ascending) of the
    candidate tokens that occur in the reference: the others cannot change the LCS.

    Bit ``i`` of a row integer stands for ``reference[i]``; after row ``j`` a set bit
    says that ``reference[i]`` is *not* the end of a new LCS step (Hyyrö 2004), so
    ``LCS(reference[:i], candidate[:j]) = i - popcount(row_j & (2**i - 1))``.
    """
    m = len(reference)
    if not m or not positions:
        return []
    full = (1 << m) - 1
    rows = [full]  # rows[k]: the table's column after the k-th of the positions
    columns = [0]  # columns[k]: that position plus one (the table's column index)
    row = full
    for j in positions:
        u = row & masks[candidate[j]]
        row = ((row + u) | (row - u)) & full
        rows.append(row)
        columns.append(j + 1)

    def lcs(i: int, k: int) -> int:
        return i - (rows[k] & ((1 << i) - 1)).bit_count()

    # The table walk, on the stored columns. Between two stored columns the table's columns
    # are copies of the left one, and the walk there only compares two cells of that column:
    # it moves up while they are equal and left once the upper one is smaller. ``between``
    # says the walk is in such a copied column, right of stored column k. Runs of moves up
    # are taken in one step (a long gold sentence against a short extracted one would
    # otherwise cost a step per gold token): see the two jumps below.
    found: list[int] = []
    i, k = m, len(rows) - 1
    between = len(candidate) > columns[k]
    while i > 0 and k > 0:
        if between:
            # Up while lcs(i, k) == lcs(i - 1, k), i.e. while bit i - 1 of the column is set.
            zeros = ~rows[k] & ((1 << i) - 1)
            i = zeros.bit_length()
            between = False  # at row i (if any) the upper cell is smaller: left, to the stored column
        elif reference[i - 1] == candidate[columns[k] - 1]:
            found.append(i - 1)
            i -= 1
            k -= 1
            between = columns[k + 1] - 1 > columns[k]
        elif lcs(i, k - 1) > lcs(i - 1, k):
            k -= 1
            between = columns[k + 1] - 1 > columns[k]
        else:
            # Up, to the next row that matches this column's token or where moving left wins.
            # Left wins at row r iff lcs(r, k - 1) = lcs(r - 1, k - 1) + 1 (bit r - 1 of the
            # left column clear) and h(r - 1) = 0, where h(x) = lcs(x, k) - lcs(x, k - 1) is 0
            # or 1. h steps up at a bit clear only in column k and back down at a bit clear
            # only in column k - 1, and these alternate, so ``ones - starts`` sets exactly the
            # bits y with h(y + 1) = 1 (a run still open at the top is closed at bit m).
            starts = rows[k - 1] & ~rows[k]
            ends = rows[k] & ~rows[k - 1]
            if starts.bit_count() > ends.bit_count():
                ends |= 1 << m
            high = (ends - starts) << 1  # bit x set: h(x) = 1
            below = (1 << (i - 1)) - 1
            matches = masks[candidate[columns[k] - 1]] & below
            left = ~rows[k - 1] & ~high & below
            i = (matches | left).bit_length()
    found.reverse()
    return found


def rouge_lsum(gold: str, predicted: str) -> RougeScore:
    """ROUGE-LSum of ``predicted`` against ``gold`` (see the module docstring)."""
    reference, candidate = sentences(gold), sentences(predicted)
    gold_tokens = sum(len(s) for s in reference)
    predicted_tokens = sum(len(s) for s in candidate)
    if not gold_tokens:
        return RougeScore(1.0, 1.0, 1.0) if not predicted_tokens else RougeScore(0.0, 1.0, 0.0)
    if not predicted_tokens:
        return RougeScore(0.0, 0.0, 0.0)
    # Where each token occurs in the extraction (sentence, position), so that each gold
    # sentence visits only the extracted sentences, and the positions in them, it shares a
    # token with.
    occurrences: dict[str, list[tuple[int, int]]] = {}
    for s, other in enumerate(candidate):
        for j, token in enumerate(other):
            occurrences.setdefault(token, []).append((s, j))
    left_gold: Counter[str] = Counter(t for s in reference for t in s)
    left_predicted: Counter[str] = Counter(t for s in candidate for t in s)
    hits = 0
    for sentence in reference:
        masks = _masks(sentence)
        shared: dict[int, list[int]] = {}
        for token in masks:
            for s, j in occurrences.get(token, ()):
                shared.setdefault(s, []).append(j)
        union: set[int] = set()
        for s, positions in shared.items():
            positions.sort()
            union.update(_lcs(sentence, masks, candidate[s], positions))
        for index in sorted(union):
            token = sentence[index]
            if left_gold[token] > 0 and left_predicted[token] > 0:
                hits += 1
                left_gold[token] -= 1
                left_predicted[token] -= 1
    precision, recall = hits / predicted_tokens, hits / gold_tokens
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return RougeScore(precision, recall, f1)


def bag_of_tokens(gold: str, predicted: str) -> RougeScore:
    """Precision, recall and F1 of the two texts' whitespace tokens as multisets: cheap, and
    ranks extractors as ROUGE-LSum does. Empty texts are scored as :func:`rouge_lsum` scores them."""
    theirs, ours = Counter(gold.split()), Counter(predicted.split())
    gold_tokens, predicted_tokens = sum(theirs.values()), sum(ours.values())
    if not gold_tokens:
        return RougeScore(1.0, 1.0, 1.0) if not predicted_tokens else RougeScore(0.0, 1.0, 0.0)
    if not predicted_tokens:
        return RougeScore(0.0, 0.0, 0.0)
    shared = sum((theirs & ours).values())
    precision, recall = shared / predicted_tokens, shared / gold_tokens
    return RougeScore(precision, recall, 2 * shared / (gold_tokens + predicted_tokens))
