"""ROUGE-LSum as the Web Content Extraction Benchmark scores pages (pipeline/rouge.py).

The reference below is ``rouge_score``'s summary-level LCS written out as that
package writes it (a full LCS table per pair of sentences, walked back from the
end; the union of each gold sentence's LCS tokens; hits counted once per token
occurrence). The bit-parallel implementation must agree with it exactly.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rouge import bag_of_tokens, lcs_indices, rouge_lsum, sentences


def _table(ref, can):
    table = [[0] * (len(can) + 1) for _ in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(can) + 1):
            if ref[i - 1] == can[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table


def reference_lcs_indices(ref, can):
    table = _table(ref, can)
    i, j, found = len(ref), len(can), []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            found.insert(0, i - 1)
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return found


def reference_rouge_lsum(gold: str, predicted: str):
    ref_sents, can_sents = sentences(gold), sentences(predicted)
    m, n = sum(map(len, ref_sents)), sum(map(len, can_sents))
    if not m:
        return (1.0, 1.0, 1.0) if not n else (0.0, 1.0, 0.0)
    if not n:
        return (0.0, 0.0, 0.0)
    left_r, left_c = Counter(t for s in ref_sents for t in s), Counter(t for s in can_sents for t in s)
    hits = 0
    for ref in ref_sents:
        union = sorted(set().union(*(reference_lcs_indices(ref, can) for can in can_sents)))
        for index in union:
            token = ref[index]
            if left_c[token] > 0 and left_r[token] > 0:
                hits += 1
                left_c[token] -= 1
                left_r[token] -= 1
    precision, recall = hits / n, hits / m
    return precision, recall, (2 * precision * recall / (precision + recall) if hits else 0.0)


# Few distinct tokens, so sequences share many tokens and the LCS walk has choices to make.
TOKENS = st.sampled_from(["a", "b", "c", "d", "e", "the.", "end!", "x?"])
SEQUENCE = st.lists(TOKENS, max_size=40)


@settings(max_examples=400, deadline=None)
@given(SEQUENCE, SEQUENCE)
def test_lcs_is_the_one_rouge_score_s_table_walk_finds(ref, can):
    assert lcs_indices(ref, can) == reference_lcs_indices(ref, can)


@settings(max_examples=300, deadline=None)
@given(st.lists(SEQUENCE, max_size=5), st.lists(SEQUENCE, max_size=5))
def test_rouge_lsum_equals_the_reference(gold, predicted):
    gold_text = "\n".join(" ".join(s) for s in gold)
    predicted_text = "\n".join(" ".join(s) for s in predicted)
    found = rouge_lsum(gold_text, predicted_text)
    assert (found.precision, found.recall, found.f1) == pytest.approx(reference_rouge_lsum(gold_text, predicted_text))


def test_long_sentences_agree_too():
    words = [f"w{i % 37}" for i in range(900)]
    gold = " ".join(words) + "."
    predicted = " ".join(words[100:700:2]) + ". " + " ".join(words[::3]) + "."
    found = rouge_lsum(gold, predicted)
    assert (found.precision, found.recall, found.f1) == pytest.approx(reference_rouge_lsum(gold, predicted))


def test_sentences_cut_at_terminal_punctuation_not_at_line_breaks():
    assert sentences("One two.\nthree four! Five “six.” seven") == [["One", "two."], ["three", "four!"],
                                                                   ["Five", "“six.”"], ["seven"]]
    assert sentences("a hard-wrapped\nline goes on") == [["a", "hard-wrapped", "line", "goes", "on"]]


def test_empty_texts_are_scored_as_the_benchmark_scores_them():
    assert rouge_lsum("", "").f1 == 1.0
    assert (rouge_lsum("", "x").precision, rouge_lsum("", "x").recall) == (0.0, 1.0)
    assert rouge_lsum("gold text", "").f1 == 0.0
    assert bag_of_tokens("", "").f1 == 1.0 and bag_of_tokens("a b", "").f1 == 0.0


def test_order_matters_to_rouge_and_not_to_the_bag():
    gold = "alpha beta gamma delta"
    shuffled = "delta gamma beta alpha"
    assert bag_of_tokens(gold, shuffled).f1 == 1.0
    assert rouge_lsum(gold, shuffled).f1 == pytest.approx(0.25)
    assert rouge_lsum(gold, gold).f1 == 1.0
