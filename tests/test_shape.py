"""Prose or headline: the string-method implementation equals the regex definition it replaced."""

from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.shape import (
    _CLOSERS,
    FULL_STOPS,
    QUESTION_HEADLINE_WORDS,
    QUESTION_MARKS,
    looks_like_headline,
    looks_like_prose,
    reads_as_byline,
    word_count,
)

# The definitions before final_mark (regex searches anchored at the end of the line), with the
# spaces French typography sets inside guillemets ("... prochaine. »"). The marks are every
# Unicode sentence terminal (release 18; before it, only . ! … 。 ！ and ? ？).
_TERMINAL = regex.compile("[" + regex.escape("".join(sorted(FULL_STOPS))) + r"][\p{Pf}\p{Pe}\"'’”»)\] \u00a0\u202f\u2009]*$")
_QUESTION = regex.compile("[" + regex.escape("".join(sorted(QUESTION_MARKS))) + r"][\p{Pf}\p{Pe}\"'’”»)\] \u00a0\u202f\u2009]*$")


def _reference_prose(line: str, max_headline_words: int = 24) -> bool:
    words = word_count(line)
    if words > max_headline_words:
        return True
    if _TERMINAL.search(line):
        return words >= 2
    return bool(_QUESTION.search(line)) and words > QUESTION_HEADLINE_WORDS


def _reference_headline(line: str, max_words: int = 24) -> bool:
    return bool(line) and 1 <= word_count(line) <= max_words and not _reference_prose(line, max_words)


def test_closers_are_every_final_and_closing_punctuation_mark():
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert set(_CLOSERS) == set(regex.findall(r"[\p{Pf}\p{Pe}\"'’”»)\]]", everything))


_PIECES = st.sampled_from(["word", "Two words", ".", "!", "?", "…", "。", "？", "।", "︒", "؟", "”", "’", "»", ")", "]", '"', "'",
                           "」", "》", " ", "\u202f", "\n", "1.2", "U.S.", "x" * 3, "¿Qué?", "«Non»", "—"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.integers(1, 30))
def test_prose_and_headline_equal_the_regex_definitions(line, limit):
    assert looks_like_prose(line, limit) == _reference_prose(line, limit)
    assert looks_like_headline(line, limit) == _reference_headline(line, limit)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=80))
@example("0:0\ufe12")  # a vertical ideographic full stop: the reference once knew only five marks
def test_prose_and_headline_equal_the_regex_definitions_on_any_text(line):
    assert looks_like_prose(line) == _reference_prose(line)
    assert looks_like_headline(line) == _reference_headline(line)


def test_a_french_quotation_ends_as_a_sentence_inside_its_spaced_guillemets():
    quote = "« On a vidé le camion en deux heures, je n’avais jamais vu ça », raconte-t-il. « Il faudra prévoir plus. »"
    assert looks_like_prose(quote) and looks_like_prose(quote.replace(" »", "\u202f»"))
    assert not looks_like_prose("« Le marché de nuit »")


@pytest.mark.parametrize(("line", "byline"), [
    ("Ekri pa Woodly Jean-Baptiste", True),
    ("Sideline scribe: Sinéad Ní Ghríofa", True),
    ("Words from the back seat of a half-ton: Kira Bellweather", True),
    ("Kronika spisała Zofia Wrona-Malik", True),
    ("Obituary: Jane Doe", False),  # one word before the colon: a headline's label
    ("Rain tanks go in as hosepipe ban bites at Gorsey Lane", False),  # a headline has more words
    ("By the river", False),
    ("Council: Budget Approved Tonight Again", False),  # four capitalised words: no name of two or three
])
def test_a_byline_is_told_by_its_shape(line, byline):
    assert reads_as_byline(line) is byline
