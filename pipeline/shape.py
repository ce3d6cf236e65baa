"""What a line looks like: prose or headline.

Block and tail rules, and title detection, need to tell article prose from
link headlines and widget text without knowing the site. The cue that works
across sites and languages is punctuation: prose sentences end with a full
stop (or ``!``/``…``, possibly inside closing quotes), headlines and link
texts do not. Length settles the rest.
"""

from __future__ import annotations

import regex

_TERMINAL = regex.compile(r"[.!…。！][\p{Pf}\p{Pe}\"'’”»)\]]*$")
_QUESTION = regex.compile(r"[?？][\p{Pf}\p{Pe}\"'’”»)\]]*$")
_WORD = regex.compile(r"\w+")

#: A question longer than this reads as prose rather than a headline.
QUESTION_HEADLINE_WORDS = 14


def word_count(line: str) -> int:
    return len(_WORD.findall(line))


def looks_like_prose(line: str, max_headline_words: int = 24) -> bool:
    """True when ``line`` reads as a sentence of article prose.

    >>> looks_like_prose("The isolated state has 1.2 million troops.")
    True
    >>> looks_like_prose("New NATO chief tells allies to ignore Putin's sabre rattling")
    False
    """
    words = word_count(line)
    if words > max_headline_words:
        return True
    if _TERMINAL.search(line):
        return words >= 2
    return bool(_QUESTION.search(line)) and words > QUESTION_HEADLINE_WORDS


def looks_like_headline(line: str, max_words: int = 24) -> bool:
    """A short line with at least one word that does not read as prose."""
    return bool(line) and 1 <= word_count(line) <= max_words and not looks_like_prose(line, max_words)
