"""Which labelled news corpora under ``tests/`` the project develops on, and which it holds out.

One table, because three places must agree on it: training (the line model's ``news`` view
trains on the development corpora only, :data:`training.train_line_model.NEWS_CORPORA`),
``benchmarks/line_model_eval.py`` (each corpus is reported with its status) and
``tests/test_corpus.py`` (the development corpora guard the rules). When a held-out corpus has
had its first contact and becomes a development corpus, its row here and its README change,
nothing else. ``tests/test_article_view.py`` still spells the trained-on list out, so that a
change of status is a deliberate edit of two files.

Statuses:

- ``development``: the rules were written or widened on it and the model trains on it; its
  figures are development figures.
- ``never tuned``: written blind, measured at earlier releases, its errors never read; neither
  rules nor model were tuned on it.
- ``held out``: written blind for this release's first contact, measured once.
- ``reserved``: written blind for the next release's first contact. No benchmark measures it
  (``benchmarks/line_model_eval.py`` leaves it out), so that its first contact stays one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEVELOPMENT = "development"
NEVER_TUNED = "never tuned"
HELD_OUT = "held out"
RESERVED = "reserved"


@dataclass(frozen=True)
class Corpus:
    """One labelled corpus, ``tests/<name>/``, and what the project has done with it."""

    name: str
    status: str
    #: how it came to its status, as the line-model benchmark prints it
    note: str

    @property
    def path(self) -> Path:
        return ROOT / "tests" / self.name


_WIDENED = "a development corpus: first contact measured once at an earlier release, then the rules were widened on it and the model trained on it"
_NEVER = "never trained or tuned on, its errors never read; measured at earlier releases"
# A release moves three rows along these notes: the last first contact becomes a development
# corpus (_WIDENED), the reserved corpus is held out for this release's first contact, a new one
# is reserved.
_FIRST_CONTACT = "held out: written blind, its errors never read; first contact at this release"
_NEXT = "reserved: written blind for the next release's first contact; not measured yet"

#: Every corpus, in the order training reads the development ones (the order is part of what
#: makes a retrain reproduce the shipped model).
CORPORA: tuple[Corpus, ...] = (
    Corpus("corpus", DEVELOPMENT, "the rules were written on it, the model trained on it"),
    Corpus("corpus_dev", DEVELOPMENT, "the rules were written on it, the model trained on it"),
    Corpus("corpus_holdout", DEVELOPMENT, "held out at first, the rules since widened on it, the model trained on it"),
    Corpus("corpus_fresh", DEVELOPMENT, "a development corpus: the rules were widened on it, the model trained on it"),
    Corpus("corpus_fresh2", DEVELOPMENT, "a development corpus: the rules were widened on it, the model trained on it"),
    Corpus("corpus_fresh3", NEVER_TUNED, _NEVER),
    Corpus("corpus_fresh4", NEVER_TUNED, _NEVER),
    Corpus("corpus_fresh5", DEVELOPMENT, "a development corpus: first contact measured at an earlier release"),
    Corpus("corpus_fresh6", NEVER_TUNED, _NEVER),
    Corpus("corpus_fresh7", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh8", DEVELOPMENT, "a development corpus: first contact measured once at an earlier release"),
    Corpus("corpus_fresh9", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh10", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh11", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh12", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh13", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh14", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh15", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh16", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh17", DEVELOPMENT, "a development corpus: first contact measured once at an earlier release, then the line model was changed on it and trained on it"),
    Corpus("corpus_fresh18", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh19", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh20", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh21", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh22", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh23", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh24", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh25", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh26", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh27", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh28", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh29", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh30", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh31", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh32", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh33", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh34", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh35", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh36", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh37", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh38", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh39", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh40", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh41", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh42", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh43", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh44", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh45", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh46", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh47", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh48", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh49", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh50", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh51", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh52", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh53", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh54", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh55", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh56", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh57", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh58", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh59", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh60", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh61", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh62", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh63", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh64", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh65", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh66", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh67", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh68", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh69", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh70", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh71", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh72", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh73", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh74", DEVELOPMENT, _WIDENED),
    Corpus("corpus_fresh75", HELD_OUT, _FIRST_CONTACT),
    Corpus("corpus_fresh76", RESERVED, _NEXT),
)


def with_status(status: str) -> tuple[Corpus, ...]:
    """The corpora of one status, in table order."""
    return tuple(c for c in CORPORA if c.status == status)
