"""The closing note after the article's furniture (pipeline/stages/after_furniture.py)."""

from __future__ import annotations

from pipeline import CleanOptions, clean_bytes
from pipeline.chain import Chain
from pipeline.document import Removal, removing_rules
from pipeline.stages.after_furniture import MIN_PIECES, RULE_NAME, closing_note

ARTICLE = [
    "Harbour trust votes to keep the old slipway open",
    "",
    "The harbour trust voted on Tuesday to keep the old slipway open for another five years.",
    "Fishermen had asked the trust to delay the sale until a new ramp is built at the north quay.",
]
NOTE = "The Quayside Log is written by volunteers on the island. Copy nothing without asking first."


def _clean(*lines: str, fmt: str = "text", **options):
    return clean_bytes("\n".join(lines).encode(), format=fmt, options=CleanOptions(**options))



def _owners(lines: list[str], removals) -> list[str | None]:
    """Which rule blanked each line, as the stage hands it to closing_note."""
    return removing_rules(removals, [not line for line in lines])

def test_a_closing_note_after_three_pieces_of_furniture_goes():
    """Share bar, comments prompt and newsletter box (each a rule's line), then the site's note
    about itself in its own words: the note goes, audited with its own name."""
    doc = _clean(*ARTICLE, "Share this story: Facebook | X | Email", "12 comments", "Sign up for our newsletter",
                 NOTE, line_model=False)
    assert NOTE not in doc.text
    assert ARTICLE[3] in doc.text
    assert [r for r in doc.removed if r.rule == RULE_NAME] == [Removal(RULE_NAME, NOTE, 8)]


def test_the_articles_last_paragraph_after_one_block_stays():
    """A related-stories block of several headlines between the last two paragraphs is one piece
    of furniture: the final paragraph after it is the article's."""
    last = "Police said the celebrations had been peaceful and no arrests were made."
    doc = _clean(*ARTICLE, "More on this story", "Fans celebrate historic win", "Captain's header not enough",
                 "Player ratings from the final", last, line_model=False)
    assert "Fans celebrate historic win" not in doc.text
    assert last in doc.text
    assert not any(r.rule == RULE_NAME for r in doc.removed)


def test_fewer_pieces_or_no_article_above_keep_the_line():
    furniture = (Removal("share-buttons", "Share", 2), Removal("comment-count", "12 comments", 3),
                 Removal("newsletter-prompt", "Sign up", 4))
    with_article = [ARTICLE[2], "", "", "", NOTE]
    assert closing_note(with_article, _owners(with_article, furniture), frozenset()) == 4
    assert closing_note(with_article, _owners(with_article, furniture[1:]), frozenset()) is None  # two pieces
    no_article = ["Quayside Log", "", "", "", NOTE]
    assert closing_note(no_article, _owners(no_article, furniture), frozenset()) is None
    # the same three lines taken by one block rule are one piece
    block = tuple(Removal("read-more-block", r.text, r.line) for r in furniture)
    assert closing_note(with_article, _owners(with_article, block), frozenset({"read-more-block"})) is None
    assert closing_note(with_article, _owners(with_article, block), frozenset()) == 4


def test_a_short_last_line_is_left_to_the_line_model():
    """Only a paragraph of prose is a closing note here: a short last line that does not end as
    a sentence is the line model's to score."""
    lines = [ARTICLE[2], "", "", "", "Quayside Log"]
    removed = tuple(Removal(f"rule-{n}", "x", n + 2) for n in range(3))
    assert closing_note(lines, _owners(lines, removed), frozenset()) is None


def test_html_is_left_alone_and_the_stage_enters_the_fingerprint():
    html = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in ARTICLE[2:] * 3) + "</article></body></html>"
    assert not any(r.rule == RULE_NAME for r in _clean(html, fmt="html").removed)
    stages = {stage.name: stage for stage in Chain(CleanOptions()).stages}
    assert stages[RULE_NAME].fingerprint() == {"version": 1, "pieces": MIN_PIECES, "notes": 4}


def test_cleaning_the_output_again_changes_nothing():
    first = _clean(*ARTICLE, "Share this story: Facebook | X | Email", "12 comments", "Sign up for our newsletter", NOTE)
    second = _clean(first.text)
    assert second.text == first.text


def test_removing_rules_names_the_removal_that_blanked_each_line():
    """The one helper the stage, training and the benchmark share: a removal owns the lines its
    text spans, only where the line is gone, and the first removal listed wins."""
    removals = [Removal("share-row", "Share\nTweet", 2), Removal("line-model", "Tweet", 3),
                Removal("trim", "Photo: x", 5)]
    removed = [False, True, True, False, False]
    assert removing_rules(removals, removed) == [None, "share-row", "share-row", None, None]
    assert removing_rules([Removal("far", "x", 40)], [True]) == [None]
