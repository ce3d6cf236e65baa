"""Stage: the learned line model, after the rules.

The rules stay first and authoritative for what they know: their removals,
metadata captures, blocks and tails. The model (:mod:`pipeline.linemodel`)
then scores the lines the rules kept, in context, and removes a line when its
boilerplate probability reaches the threshold (``--line-model-threshold``, by
default the shipped model's own, chosen on held-out pages for precision: one for
plain text, a higher one for HTML input, where the extractor has already removed
the easy boilerplate and the model's removals are less often right); the
removal is audited as ``{"rule": "line-model", "line": n, "text": ..., "score": 0.97}``.

The model sees the lines the rules kept as the next cleaning would see them
(no placeholders for removed lines), and runs again on what it kept until it
removes nothing more (at most MAX_ROUNDS rounds). So cleaning the output again
changes nothing: the second cleaning starts from the first one's fixpoint.
A document the model would empty entirely is left as the rules left it.

Two kinds of short line are the article's own however boilerplate they look
to a line model: the leading headline of a plain-text document (the metadata
stage makes it the title), and a subheading, a short headline-like line
between two paragraphs of prose that the rules kept ("A new plan"). The
model never removes those; a rule still may.

In plain text, the few lines the rules and the model left above the article's
headline (a masthead and its slogan, a section's name) go last, audited as
``{"rule": "above-headline", "line": n, "text": ...}`` with no score.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import compress
from typing import TYPE_CHECKING, NamedTuple, Protocol

from pipeline.document import Document, Removal
from pipeline.options import CleanOptions
from pipeline.shape import (
    SENTENCE_ENDS,
    ends_unmarked,
    is_row,
    looks_like_headline,
    looks_like_prose,
    looks_like_title,
    opens_as_list_item,
    reads_as_byline,
    reads_as_credit,
    word_count,
)
from pipeline.stages import Stage
from pipeline.stages.metadata import (
    TITLE_MAX_UNMARKED_CHARS,
    fits_unmarked_headline,
    fits_unspaced_headline,
    leading_title,
)
from pipeline.stages.strip import PARAGRAPH_CHARS

if TYPE_CHECKING:
    from pipeline.linemodel import LineModel

#: The name line-model removals carry in ``removed`` (where a rule id goes).
RULE_NAME = "line-model"
#: The name the lines above the article's headline carry in ``removed`` (:func:`above_headline`).
ABOVE_HEADLINE = "above-headline"
#: Digits a score keeps in the record: enough to audit, stable across platforms.
SCORE_DIGITS = 3
#: Rounds of scoring the kept lines again (a fixpoint is usually reached in one or two).
MAX_ROUNDS = 4
#: The version of the lines the model may not remove (titles, subheadings, short sentences beside
#: prose): it enters the fingerprint, so that a batch reruns what a change to them affects.
PROTECTIONS_VERSION = 11


def load_line_model() -> LineModel:
    """The shipped model (loaded once per process)."""
    from pipeline.linemodel import LineModel

    return LineModel.load()


class LineModelStage(Stage):
    """Lines no rule knew, removed by the line model (see :func:`model_removals`)."""

    name = "line-model"

    def __init__(self, options: CleanOptions) -> None:
        super().__init__(options)
        self.model = load_line_model() if options.line_model else None
        self.threshold, self.threshold_html = model_thresholds(options, self.model)

    def fingerprint(self) -> dict[str, object] | None:
        if self.model is None:
            return {"line_model": False}
        return {"model": self.model.sha256, "version": self.model.version, "threshold": self.threshold,
                "threshold_html": self.threshold_html, "rounds": MAX_ROUNDS,
                "protections": PROTECTIONS_VERSION}

    def __call__(self, doc: Document) -> Document:
        if self.model is None:
            return doc
        return apply_model(doc, self.model, self.threshold_html if doc.format == "html" else self.threshold)


def model_thresholds(options: CleanOptions, model: LineModel | None) -> tuple[float, float]:
    """The thresholds a run uses, for plain text and for HTML input: ``--line-model-threshold``
    for both when given, else the model's own (0.0 without a model)."""
    if model is None:
        return options.line_model_threshold or 0.0, options.line_model_threshold or 0.0
    return options.line_model_threshold or model.threshold, options.line_model_threshold or model.threshold_html


def apply_model(doc: Document, model: Scorer, threshold: float) -> Document:
    """``doc`` with the lines the model removes at ``threshold`` (:func:`model_removals`) blanked
    and audited: the line-model stage's work, which a later stage that removes a line asks for
    again (the model's decisions depend on a line's neighbours)."""
    if not doc.text:
        return doc
    lines = doc.text.split("\n")
    html = doc.format == "html"
    by_rules = [False] * len(lines) if doc.removed else []
    # the rules' (and templates') removals, not the model's own; a record's first line is enough
    # for _right_above_furniture, so this is not pipeline.document.removing_rules, which marks
    # every line of a record and reads every line of the text (4 µs a document more, the same result)
    for removal in doc.removed:
        if removal.rule not in (RULE_NAME, ABOVE_HEADLINE) and 0 < removal.line <= len(lines):
            by_rules[removal.line - 1] = True
    found = model_removals(model, lines, threshold, protect_title=not html and doc.title is None,
                           removed_by_rules=by_rules)
    if not found:
        return doc
    added = [Removal(RULE_NAME, lines[index], index + 1, score=round(score, SCORE_DIGITS))
             if score is not None else Removal(ABOVE_HEADLINE, lines[index], index + 1)
             for index, score in found]
    for index, _ in found:
        lines[index] = ""
    merged = sorted(doc.removed + tuple(added), key=lambda r: r.line)
    return doc.evolve(text="\n".join(lines), removed=tuple(merged))


class Scorer(Protocol):
    """What :func:`model_removals` needs of a model (:class:`~pipeline.linemodel.LineModel`)."""

    def scores(self, lines: Sequence[str], removed: Sequence[bool], *,
               score_removed: bool = True) -> list[float | None]: ...


class ModelRemoval(NamedTuple):
    """A line the stage removes: its position (index) in the document's lines, and the model's
    score (None for a line above the article's headline, which no score decided)."""

    position: int
    score: float | None


def model_removals(model: Scorer, lines: Sequence[str], threshold: float,
                   protect_title: bool, removed_by_rules: Sequence[bool] = ()) -> list[ModelRemoval]:
    """The lines the model removes from a document the rules have cleaned, as the stage removes
    them (:class:`ModelRemoval`: index in ``lines``, score), in the order removed.

    ``lines`` are the document's lines after the rules, a removed line blank; ``removed_by_rules``
    marks the lines the rules removed (where known), which tells a label over furniture from a
    subheading (:func:`_right_above_furniture`). Each round scores
    the non-blank lines left, in order and with nothing else around them (the rendered text,
    as the next cleaning will see it), and removes those scored at or above ``threshold``,
    except the protected ones: subheadings (:func:`_subheadings`), short sentences beside a
    paragraph (:func:`_sentences_beside_prose`, :func:`_unmarked_sentences_between_prose`) and, with
    ``protect_title`` (plain text whose title the metadata stage has yet to find), the leading
    headline and the article's headline above its first paragraph (:func:`article_headline`),
    which differ when a line no rule knew (a menu, a section label) leads. Rounds repeat on what is left until one removes nothing (at most
    :data:`MAX_ROUNDS`). With ``protect_title``, the lines still above the article's headline go
    at the end of each round (:func:`above_headline`), and the next round scores what is left
    without them, so that cleaning the output again removes nothing more. Nothing is removed if every line would go: the model is no judge of
    a text it finds all boilerplate. The stage and ``benchmarks/line_model_eval.py`` (and
    training, choosing the threshold) share this function.
    """
    given, lines = lines, list(lines)
    out: list[ModelRemoval] = []
    over_furniture: set[int] | None = None  # (only when the model finds something: most texts it leaves alone)
    for _ in range(MAX_ROUNDS):
        content = [i for i, line in enumerate(lines) if line]
        texts = [lines[i] for i in content]
        scores = model.scores(texts, [False] * len(texts), score_removed=False)
        found = [(k, score) for k, score in enumerate(scores) if score is not None and score >= threshold]
        if found:  # (the protections cost more than scoring a text of prose: only when needed)
            scored = {k for k, _ in found}
            if over_furniture is None:
                over_furniture = _right_above_furniture(given, removed_by_rules)
            labels = {k for k, i in enumerate(content) if i in over_furniture} if over_furniture else set()
            protected = set(_subheadings(texts, labels)) | set(_sentences_beside_prose(texts, scored)) \
                | set(_unmarked_sentences_between_prose(texts, scored))
            if protect_title:
                protected.update(_titles(texts))
            found = [(content[k], score) for k, score in found if k not in protected]
        # (only above_headline reads them, and only when a title is to be protected)
        bylines = [(index, lines[index]) for index, _ in found if reads_as_byline(lines[index])] if protect_title else []
        for index, score in found:
            out.append(ModelRemoval(index, score))
            lines[index] = ""
        above = above_headline(_with(lines, bylines)) if protect_title else []
        above = [index for index in above if lines[index]]
        for index in above:
            out.append(ModelRemoval(index, None))
            lines[index] = ""
        if not found and not above:
            break
    if out and not any(lines):
        return []
    return out


def _with(lines: list[str], restored: list[tuple[int, str]]) -> list[str]:
    """``lines`` with the ``restored`` lines (index, text) put back: the bylines the model removed
    in a round, which still mark where the article starts (:func:`above_headline`) when a text has
    no headline and its byline stands in the headline's place."""
    if not restored:
        return lines
    view = list(lines)
    for index, text in restored:
        view[index] = text
    return view


def _titles(texts: list[str]) -> list[int]:
    """The lines protected as the document's title: the article's headline above its first
    paragraph (:func:`article_headline`), and the leading line if it can be a title, unless it
    is shorter than a headline and the article's headline is further down. A short line above
    the headline ("Accept Reject Settings", "Rowing") is a widget or a label the rules did not
    know, and the model judges it like any other line; a short headline that leads the article
    ("Harbour Dredging Approved") stays. A byline (:func:`~pipeline.shape.reads_as_byline`) is
    judged too: in a text without a headline it stands where the headline would, and it still
    marks where the article starts for :func:`above_headline` in the round the model removes it."""
    headline, leading = article_headline(texts), leading_title(texts)
    if leading is not None and headline is not None and leading < headline \
            and word_count(texts[leading]) < HEADLINE_WORDS[0]:
        leading = None
    return [index for index in (leading, headline) if index is not None and not reads_as_byline(texts[index])]


#: At most this many lines above the article's headline go (:func:`above_headline`).
ABOVE_HEADLINE_MAX_LINES = 3


def above_headline(lines: Sequence[str]) -> list[int]:
    """The non-blank lines above the article's headline (:func:`article_headline`), by index in
    ``lines``. Plain-text news starts with its headline; what a scraper put above it and the
    rules and the model left (a masthead and its slogan, a section's name, a cookie banner's
    buttons) is the page around the article. Nothing when no headline is found, or when more
    than :data:`ABOVE_HEADLINE_MAX_LINES` lines are above it: then the page is no plain article,
    or the headline guessed is a later line of a longer title. (On wceb-dev's dev pages, the
    lines removed when more were above were main text twice as often as boilerplate.)"""
    content = [i for i, line in enumerate(lines) if line]
    if len(content) < 2 or _ends_a_paragraph(lines[content[1]]):
        return []  # (the common case, cheaply: the first line is the headline, or there is none)
    headline = article_headline([lines[i] for i in content])
    return content[:headline] if headline and headline <= ABOVE_HEADLINE_MAX_LINES else []


def _ends_a_paragraph(line: str) -> bool:
    """A long line (the strip stage's PARAGRAPH_CHARS) ending as a sentence: a paragraph of prose,
    told without counting words as the strip stage's test does."""
    return len(line) >= PARAGRAPH_CHARS and line[-1] in ".!?…"


def _is_unmarked_paragraph(line: str) -> bool:
    """A paragraph in Thai or Lao, which no mark ends: as long as the prose gate asks of such a
    line (:data:`~pipeline.linemodel.features.UNMARKED_GATE_FACTOR` times PARAGRAPH_CHARS), the
    twin of :func:`_ends_a_paragraph`."""
    from pipeline.linemodel.features import UNMARKED_GATE_FACTOR

    return len(line) >= UNMARKED_GATE_FACTOR * PARAGRAPH_CHARS and ends_unmarked(line)


#: How far above the first paragraph of prose an article's headline is looked for, in lines, and its words.
HEADLINE_REACH = 4
HEADLINE_WORDS = (5, 30)


def article_headline(lines: list[str]) -> int | None:
    """The article's headline when it does not lead (a menu or a section label no rule knew is
    above it): the longest headline-like line among the few just above the first paragraph of
    prose. Plain-text news puts its headline there, with perhaps a byline and a date between; a
    teaser of another story sits elsewhere. None if there is no prose, or no such line. In Thai
    or Lao, which end no sentence with a mark, length tells: a paragraph is longer than any
    headline, and a headline is of a headline's length however few its words
    (:func:`~pipeline.stages.metadata.fits_unmarked_headline`); in Chinese or Japanese, whose
    phrases count as few words, length and an end that is no sentence's
    (:func:`~pipeline.stages.metadata.fits_unspaced_headline`)."""
    first = next((i for i, line in enumerate(lines) if looks_like_prose(line)
                  or (len(line) > TITLE_MAX_UNMARKED_CHARS and ends_unmarked(line))), None)
    if first is None:
        return None
    candidates = [i for i in range(max(0, first - HEADLINE_REACH), first)
                  if (looks_like_title(lines[i], HEADLINE_WORDS[1], HEADLINE_WORDS[0])
                      or (ends_unmarked(lines[i]) and fits_unmarked_headline(lines[i]))
                      or fits_unspaced_headline(lines[i])) and not is_row(lines[i])]
    # a masthead (its name, then its slogan) can be as long as the headline beside it
    return max(candidates, key=lambda i: (not reads_as_masthead(lines[i]), len(lines[i])), default=None)


#: A spaced dash, bar or dot between a name and its slogan, as mastheads set them.
_MASTHEAD_SEPARATOR = re.compile(r"\s[—–|·•]\s")


def reads_as_masthead(line: str) -> bool:
    """A name, every word of it capitalised, then a spaced dash, bar or dot and whatever the paper
    says of itself ("Harbour Post & Gazette — news of the coast", "THE ROPE WALK — Read Wide"). A
    headline set with a dash has a sentence before it, with words in lower case ("Mill reopens –
    staff return"); a script without capitals tells neither, and counts as no masthead."""
    found = _MASTHEAD_SEPARATOR.search(line)
    if not found:
        return False
    name = line[:found.start()]
    return any(ch.isupper() for ch in name) and not any(word[0].islower() for word in name.split())


#: A subheading is at most this many words.
SUBHEADING_MAX_WORDS = 8


def _subheadings(lines: list[str], labels: frozenset[int] | set[int] = frozenset()) -> Iterator[int]:
    """Lines that read as a subheading: headline-like, short, between two prose paragraphs
    (:func:`_is_paragraph_beside`), no list's item, and not a credit (:func:`~pipeline.shape.reads_as_credit`, a copyright sign included: a
    picture's credit sits between paragraphs too), nor a contact line (an e-mail address or a
    link), nor one of ``labels``, lines that stood right above furniture the rules removed
    (:func:`_right_above_furniture`)."""
    content = [i for i, line in enumerate(lines) if line]
    for before, index, after in zip(content, content[1:], content[2:], strict=False):
        if index not in labels and looks_like_headline(lines[index], SUBHEADING_MAX_WORDS) and not is_row(lines[index]) \
                and "@" not in lines[index] and "://" not in lines[index] \
                and not reads_as_credit(lines[index]) \
                and _is_paragraph_beside(lines[before]) and _is_paragraph_beside(lines[after]) \
                and not opens_as_list_item(lines[index]):
            yield index


def _is_paragraph_beside(line: str) -> bool:
    """A neighbour that makes the line between a subheading: prose, and no list's item (a
    "More from the bog" heading over "* Church supper runs out of bread by 6 p.m." heads a list of
    other stories, however its items end)."""
    return looks_like_prose(line) and not opens_as_list_item(line)


#: A short sentence beside a paragraph has this many words (:func:`_sentences_beside_prose`).
SHORT_SENTENCE_WORDS = (3, 15)


def _sentences_beside_prose(lines: list[str], found: set[int]) -> Iterator[int]:
    """Short sentences right after or right before a paragraph of prose the model keeps: an
    article's last word ("The men will be sentenced in January.", "Nobody was injured."), or its
    first, a lede of one short sentence above the first paragraph ("The vote came shortly before
    midnight."), too short for the gate to pass as prose and scored among the widgets around
    them. The rules have already removed the sentences of
    boilerplate they know; a question, a label ("Our standards: ...") or a sentence that speaks
    to the reader or of the site (:func:`~pipeline.linemodel.features.addresses_reader`: "This
    obituary also appears in our Saturday print edition.") stays the model's to judge.
    ``found``: the lines the model would remove this round, a paragraph among them no evidence.
    (On wceb-dev's dev pages the model removed 15 such lines after a paragraph: 14 were main
    text. Before a paragraph too, the development news corpora lose no boilerplate line more.)"""
    from pipeline.linemodel.features import addresses_reader, final_char

    last = len(lines) - 1
    for index in sorted(found):
        after = index > 0 and index - 1 not in found and _ends_a_paragraph(lines[index - 1])
        before = index < last and index + 1 not in found and _ends_a_paragraph(lines[index + 1])
        if not (after or before):
            continue
        line = lines[index]
        if _opens_as_sentence(line) and final_char(line)[0] in SENTENCE_ENDS and "?" not in line and ":" not in line \
                and SHORT_SENTENCE_WORDS[0] <= word_count(line) <= SHORT_SENTENCE_WORDS[1] \
                and not addresses_reader(line):
            yield index


def _opens_as_sentence(line: str) -> bool:
    """Whether a line's first letter, past an opening quotation mark or bracket, opens a
    sentence: a capital, or a letter of a script without case (an Arabic or Devanagari line
    cannot start with a capital; "«الخشب ما يستعجل»، قال …" and "“We will rebuild,” she said." are
    sentences)."""
    first = next((char for char in line[:4] if char.isalpha()), "")
    return first.isupper() or (first != "" and first.lower() == first.upper())


#: In a script that ends its sentences with no mark (Thai, Lao), a line between two paragraphs
#: (:func:`_is_unmarked_paragraph`) is a sentence from this many characters on
#: (:func:`_unmarked_sentences_between_prose`).
UNMARKED_SENTENCE_CHARS = 30


def _unmarked_sentences_between_prose(lines: list[str], found: set[int]) -> Iterator[int]:
    """Short sentences in Thai or Lao between two paragraphs the model keeps: the article's own,
    told by place and length because no mark ends them (:func:`_sentences_beside_prose` asks for
    the mark). A label or a row has a colon, a bar, a dot or a dash; an ad label is shorter.
    (On the development news corpora such lines run 49-157 characters in the articles; the two
    boilerplate lines between Thai paragraphs, ad labels, 21 and 23.)"""
    last = len(lines) - 1
    for index in sorted(found):
        if index == 0 or index == last or index - 1 in found or index + 1 in found:
            continue
        line = lines[index]
        if len(line) >= UNMARKED_SENTENCE_CHARS and ends_unmarked(line) and _SEPARATORS.isdisjoint(line) \
                and _is_unmarked_paragraph(lines[index - 1]) and _is_unmarked_paragraph(lines[index + 1]):
            yield index


#: What a label or a row of links has, and a sentence of Thai or Lao prose has not.
_SEPARATORS = frozenset(":|·•—–")


def _right_above_furniture(lines: Sequence[str], removed_by_rules: Sequence[bool]) -> set[int]:
    """The kept lines whose next line in the text, blank lines aside, is one the rules removed.

    A subheading stands right above its paragraph; a short line right above an advert, a credit
    or a related-links block the rules took is that furniture's label ("Supported by a sponsor"
    over a shop's ad). Once the rules have taken the ad, the label stands between two paragraphs
    and would pass for a subheading (:func:`_subheadings`), which the model never removes.
    (``lines``: the lines after the rules, a removed line blank; ``removed_by_rules``: which
    lines the rules removed, or empty when unknown.)"""
    out = set()
    for index in compress(range(len(removed_by_rules)), removed_by_rules):
        if lines[index]:
            continue  # a line a rule only cut (a source tag) is still there
        above = index - 1
        while above >= 0 and not lines[above] and not removed_by_rules[above]:
            above -= 1  # a blank line of the text
        if above >= 0 and lines[above]:
            out.add(above)
    return out
