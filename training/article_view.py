"""The ``article`` view: a page's main text as a plain-text news article, with the page's own
boilerplate injected at the top, between paragraphs and at the end.

Why: the line model's other two views are whole pages (mostly menus and teasers) and
trafilatura's extraction (mostly main text). Plain-text input at run time is neither: it is
an article whose scraper let a site's widgets through, one or two lines at a time, between
paragraphs ("Most read" and three headlines, an ad marker, a newsletter box) and in runs at
both ends, after the rules have removed the wordings they know. A model that never saw
boilerplate alone among prose learns that a line between two paragraphs is the article's
(its neighbours vote for it). This view shows it exactly that, from real pages: the main
text lines (label 1) of a page's ``page`` view in their order, and that page's own
boilerplate lines (label 0) in runs, as they appeared on the page (a label line and the
headlines under it stay together).

Some runs are also written as scraped text writes them, to teach shapes that whole-page
rendering never produces: a run of short menu entries on one line between separators
(``Home | News | Sport``), and a list's bullets kept as characters. Bullets are put on
short runs of the article's own lines just as often, so that a bullet says nothing by
itself: an article's own lists have bullets too.

Everything is drawn from a random generator seeded with the page id, so the view is the
same on every run, whatever else changes.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from typing import Any

#: How many boilerplate lines (at most) go above the article, and below it.
TOP_MAX, BOTTOM_MAX = 6, 10
#: How many runs (at most) are injected between paragraphs, and their length in lines.
MIDDLE_RUNS_MAX, RUN_MAX = 3, 5
#: The chance that a run of short boilerplate lines is written on one line, and the separators.
JOIN_CHANCE = 0.25
SEPARATORS = (" | ", " · ", " • ", " › ", " / ", " - ", "  ")
#: The chance that a run (boilerplate, or the article's own short lines) gets bullets.
BULLET_CHANCE = 0.15
BULLETS = ("• ", "- ", "» ", "› ", "▸ ", "* ", "> ", "◆ ", "→ ")
#: Words of a line "short" enough to be a menu entry, and of an article line a list item.
MENU_WORDS, ITEM_WORDS = 4, 25
#: A page needs this many main-text lines to make an article.
MIN_MAIN = 3


Line = dict[str, Any]  # {"text": str, "label": 0 | 1 | None, ...} as make_lines writes them


def article_document(page: dict[str, Any]) -> dict[str, Any] | None:
    """The ``article`` view of one ``page``-view document of ``python -m training.make_lines``
    (same fields, ``view`` = ``"article"``), or None when the page has too little main text or
    no boilerplate. Unlabelled lines are left out: in an article they have no place to be."""
    lines: list[Line] = page["lines"]
    main = [line for line in lines if line["label"] == 1]
    runs = list(_boilerplate_runs(lines))
    if len(main) < MIN_MAIN or not runs:
        return None
    rng = random.Random(hashlib.sha256(("article:" + page["id"]).encode()).digest())
    flat = [line for run in runs for line in run]
    top = flat[:rng.randint(0, min(TOP_MAX, len(flat)))]
    bottom = flat[len(flat) - rng.randint(0, min(BOTTOM_MAX, len(flat))):]
    body = _with_bullets(main, rng)
    gaps = sorted(rng.sample(range(1, len(body)), min(rng.randint(0, MIDDLE_RUNS_MAX), len(body) - 1)),
                  reverse=True)
    for gap in gaps:
        run = rng.choice(runs)
        start = rng.randrange(len(run))
        body[gap:gap] = _scraped(run[start:start + rng.randint(1, RUN_MAX)], rng)
    out = _scraped(top, rng) + body + _scraped(bottom, rng)
    return {**page, "view": "article", "lines": [{"text": line["text"], "label": line["label"], "match": None}
                                                 for line in out]}


def _boilerplate_runs(lines: Sequence[Line]) -> Iterator[list[Line]]:
    """Maximal runs of boilerplate lines (label 0), in page order."""
    run: list[Line] = []
    for line in lines:
        if line["label"] == 0:
            run.append(line)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _scraped(run: list[Line], rng: random.Random) -> list[Line]:
    """A run of boilerplate lines as a scraper may write it: as is, short entries joined on one
    line, or with bullets."""
    if len(run) >= 3 and all(len(line["text"].split()) <= MENU_WORDS for line in run) and rng.random() < JOIN_CHANCE:
        return [{"text": rng.choice(SEPARATORS).join(line["text"] for line in run), "label": 0}]
    if len(run) >= 2 and rng.random() < BULLET_CHANCE:
        bullet = rng.choice(BULLETS)
        return [{"text": bullet + line["text"], "label": 0} for line in run]
    return list(run)


def _with_bullets(main: list[Line], rng: random.Random) -> list[Line]:
    """The article's lines, a run of two or more short ones (a list) now and then bulleted,
    as often as boilerplate runs are."""
    out: list[Line] = []
    i = 0
    while i < len(main):
        j = i
        while j < len(main) and len(main[j]["text"].split()) <= ITEM_WORDS:
            j += 1
        if j - i >= 2 and rng.random() < BULLET_CHANCE:
            bullet = rng.choice(BULLETS)
            out += [{"text": bullet + line["text"], "label": 1} for line in main[i:j]]
            i = j
        else:
            out.append(main[i])
            i += 1
    return out


def article_documents(pages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``article`` view of every ``page``-view document of ``pages`` that makes one."""
    out = []
    for page in pages:
        if page["view"] == "page":
            doc = article_document(page)
            if doc is not None:
                out.append(doc)
    return out
