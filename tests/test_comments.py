"""Reader comments after an article: removed as one tail by default, kept with --keep-comments."""

from __future__ import annotations

from pipeline.chain import Chain, clean_document
from pipeline.document import Document
from pipeline.options import CleanOptions

from .conftest import run_cli

ARTICLE = """Council approves flood plan

The council approved the flood defence plan on Monday after a long debate.
The work starts in spring, officials said, and should take two years.

3 Comments

Jane Doe says:
March 5, 2024 at 3:14 pm
This is great news for the town, finally something is happening here.
Reply

Bob Stone says:
I disagree, the money should have gone to the schools instead of this.
Reply
"""
COMMENTS = ("This is great news", "I disagree, the money")


def _clean(text: str, **options: bool) -> Document:
    return clean_document(Document(id="a", text=text), CleanOptions(**options))


def test_a_comment_thread_is_removed_as_one_tail_by_default():
    doc = _clean(ARTICLE)
    assert doc.text == ("The council approved the flood defence plan on Monday after a long debate.\n\n"
                        "The work starts in spring, officials said, and should take two years.")
    thread = [r for r in doc.removed if r.rule == "comment-thread"]
    assert thread[0].text == "3 Comments" and any(r.text.startswith(COMMENTS[0]) for r in thread)


def test_keep_comments_keeps_the_thread():
    doc = _clean(ARTICLE, keep_comments=True)
    assert all(comment in doc.text for comment in COMMENTS)
    assert not any(r.rule == "comment-thread" for r in doc.removed)


def test_a_comment_count_under_the_title_does_not_take_the_article():
    """Without a comment's signature after it, the header is only its own line."""
    text = "Council approves flood plan\n3 Comments\n" + ARTICLE.split("\n\n", 1)[1].split("\n\n3 Comments")[0]
    doc = _clean(text)
    assert "The council approved" in doc.text and "The work starts" in doc.text
    assert [r.text for r in doc.removed] == ["3 Comments"]


def test_keep_comments_changes_the_chain_fingerprint_and_the_command_line_takes_it():
    assert Chain(CleanOptions()).fingerprint() != Chain(CleanOptions(keep_comments=True)).fingerprint()
    kept = run_cli("clean", "--keep-comments", stdin=ARTICLE.encode())
    default = run_cli("clean", stdin=ARTICLE.encode())
    assert COMMENTS[0] in kept.stdout.decode() and COMMENTS[0] not in default.stdout.decode()


def test_keep_comments_asks_trafilatura_for_a_pages_comments():
    page = ("<html><head><title>Council approves flood plan today</title></head><body><article>"
            "<p>The council approved the flood defence plan on Monday after a long and heated debate "
            "in the town hall, with most members in favour of the proposal.</p>"
            "<p>The work starts in spring, officials said, and should take two years to complete.</p>"
            "</article><div class='comments'><h3>Comments</h3><div class='comment'><p>This is great news for "
            "the town, finally something is happening about the floods.</p></div></div></body></html>")
    options = CleanOptions(keep_comments=True)
    with_comments = clean_document(Document(id="p", html=page, format="html"), options).text
    without = clean_document(Document(id="p", html=page, format="html")).text
    assert "The council approved" in without and "great news" not in without
    assert "great news" in with_comments


def test_a_comment_count_far_above_a_date_line_does_not_take_the_article():
    """The first comment signs at once: a date line ten paragraphs after a comment count
    under the headline is the article's own, not a comment's (a BBC page lost its text so)."""
    body = "\n".join(f"Paragraph {i} of the report says the council met again to talk about it." for i in range(10))
    text = f"Council approves flood plan\n- 941 comments\n{body}\n29 May 2015\nThe end of the story came late."
    doc = _clean(text)
    assert "Paragraph 9 of the report" in doc.text and "The end of the story" in doc.text
    assert [r.text for r in doc.removed if r.rule == "comment-thread"] == ["- 941 comments"]


def test_a_comments_label_in_the_top_boilerplate_does_not_take_the_article():
    """A thread follows an article: 'Comments' above the text, even followed by a date line
    that looks like a comment's stamp, takes nothing (a CleanEval page lost its article so)."""
    body = "\n".join(f"Paragraph {i} of the essay argues the point again at some length." for i in range(8))
    text = f"Thursday 03 October 2024 07:00\nComments\nOctober 22, 2004\nBy Tom Okafor\n{body}"
    doc = _clean(text)
    assert "Paragraph 7 of the essay" in doc.text and "Paragraph 0 of the essay" in doc.text
