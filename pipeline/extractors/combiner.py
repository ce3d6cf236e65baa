"""The combination: trafilatura, Resiliparse and Readability vote block by block.

Each extractor's text is projected onto the page's own blocks
(:mod:`pipeline.extractors.align`), so the output keeps the page's order and
paragraphs whatever each extractor made of them. Then, per block:

1. **trafilatura and Resiliparse first.** When they agree on at least
   :data:`AGREEMENT_SKIP` of the words either keeps (word Jaccard of the blocks
   they cover), the page is an ordinary article and the blocks both keep are
   the text; Readability, which costs more than the two together (50 ms on a
   big page), is not run. About seven pages in ten end here.
2. **Otherwise Readability votes too**, and the page's *kind* is how far
   trafilatura and Readability agree (:func:`page_kind`): ``hi`` (an article
   both found), ``mid`` or ``lo`` (forums, lists, pages whose text is split
   into several containers: each article extractor found a different part).
3. A block's **support** is the precision-weighted share of the extractors
   that keep it: each extractor's vote weighs its precision on that kind of
   page (:data:`PRECISION`, the share of the words it keeps that are gold
   main text, measured on the tuning pages). At or above the kind's
   ``keep`` level the block is kept; below ``ask`` it is dropped; in between
   the **line model arbitrates**: the block is kept when its boilerplate
   probability, scored among all the page's blocks, is below
   :data:`ARBITER_THRESHOLD`.

Everything kept then goes through the rules and the line model like any text.

Every constant here was chosen by ``python -m benchmarks.combiner_tuning`` on
tuning pages only (wceb-dev's ``train`` and ``dev`` pages and the ``tune``
half of trafilatura's evaluation set), by the mean of the full-text F1 and the
snippet F1 of the combination's text. With the measured weights the levels
amount to vote counts: on ``hi`` and ``mid`` pages a block all three keep is
kept and one two keep is kept if the line model agrees; on ``lo`` pages, where
each extractor found a different part of the text, two votes keep a block and
one vote is arbitrated. Readability on every page would gain 0.001 on the
tuning pages; skipping it where trafilatura and Resiliparse agree on 85% of
their words keeps the default mode above half of trafilatura's speed.

Without the line model (``--no-line-model``) there is nothing to arbitrate or
clean up after a generous keep: a block is kept on a weighted majority.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.extractors import readability_adapter, resiliparse_adapter, trafilatura_adapter
from pipeline.extractors.align import COVERED_SHARE, Skeleton, page_blocks, words
from pipeline.extractors.page import Page

TRAFILATURA, READABILITY, RESILIPARSE = trafilatura_adapter.NAME, readability_adapter.NAME, resiliparse_adapter.NAME
#: The order in which the audit lists the extractors that kept a block.
VOTERS = (TRAFILATURA, READABILITY, RESILIPARSE)

#: trafilatura and Resiliparse agreeing on this share of their words settles a page without Readability.
AGREEMENT_SKIP = 0.85
#: trafilatura and Readability agreeing on at least this share of their words: a ``hi`` page ...
KIND_HI = 0.8
#: ... at least this share: ``mid``; below: ``lo``.
KIND_MID = 0.4

#: Precision of each extractor's kept words on each kind of page (tuning pages; see the module docstring).
PRECISION: dict[str, dict[str, float]] = {
    "hi": {TRAFILATURA: 0.954, READABILITY: 0.961, RESILIPARSE: 0.898},
    "mid": {TRAFILATURA: 0.897, READABILITY: 0.950, RESILIPARSE: 0.881},
    "lo": {TRAFILATURA: 0.820, READABILITY: 0.911, RESILIPARSE: 0.844},
}


@dataclass(frozen=True)
class Levels:
    """Support at or above ``keep``: kept; below ``ask``: dropped; in between: the line model decides."""

    keep: float
    ask: float


LEVELS: dict[str, Levels] = {
    "hi": Levels(keep=0.7, ask=0.5),  # all three keep; two of three if the line model agrees
    "mid": Levels(keep=0.7, ask=0.5),  # the same
    "lo": Levels(keep=0.5, ask=0.2),  # two of three keep; one of three if the line model agrees
}
#: Without the line model: a weighted majority on every kind of page.
MAJORITY = Levels(keep=0.5, ask=0.5)
#: In the arbitration band, a block is kept when its boilerplate probability is below this
#: (stricter than the line model stage's own threshold for HTML, 0.79: these blocks have
#: already lost a vote).
ARBITER_THRESHOLD = 0.5

#: Boilerplate probabilities of a page's blocks, in order (None: not scored, e.g. long prose).
Scorer = Callable[[Sequence[str]], Sequence[float | None]]


@dataclass(frozen=True)
class Settings:
    """Everything the decision depends on (the tuning benchmark tries other values)."""

    agreement_skip: float = AGREEMENT_SKIP
    kind_hi: float = KIND_HI
    kind_mid: float = KIND_MID
    precision: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: PRECISION)
    levels: Mapping[str, Levels] = field(default_factory=lambda: LEVELS)
    arbiter_threshold: float = ARBITER_THRESHOLD


@dataclass(frozen=True)
class Decision:
    """The indices of the blocks kept, and for each the extractors that kept it."""

    kept: tuple[int, ...]
    kept_by: tuple[tuple[str, ...], ...]
    #: "agree", "hi", "mid" or "lo" (see :func:`page_kind`); "" when the page has no words
    kind: str


@dataclass(frozen=True)
class Combination:
    """The blocks kept, in page order, and for each the extractors that kept it."""

    blocks: tuple[str, ...]
    kept_by: tuple[tuple[str, ...], ...]
    #: "agree", "hi", "mid" or "lo" (see :func:`page_kind`); "" when the page has no words
    kind: str


def jaccard(weights: Sequence[int], first: Sequence[bool], second: Sequence[bool]) -> float:
    """Word Jaccard of two sets of blocks (1.0 when both are empty)."""
    both = either = 0
    for weight, a, b in zip(weights, first, second, strict=True):
        if a or b:
            either += weight
            if a and b:
                both += weight
    return both / either if either else 1.0


def page_kind(trafilatura_readability_agreement: float, settings: Settings | None = None) -> str:
    """``hi``, ``mid`` or ``lo``: how far the two article extractors agree on the page."""
    settings = settings or DEFAULT_SETTINGS
    if trafilatura_readability_agreement >= settings.kind_hi:
        return "hi"
    return "mid" if trafilatura_readability_agreement >= settings.kind_mid else "lo"


def decide(sizes: Sequence[int], votes: Mapping[str, Sequence[bool]],
           readability_votes: Callable[[], Sequence[bool]], scores: Callable[[], Sequence[float | None]] | None,
           settings: Settings | None = None) -> Decision:
    """Which blocks to keep, from each block's word count and the votes of trafilatura and
    Resiliparse (``votes``); Readability's votes and the line model's scores are asked for
    only when needed (they cost more than the rest). ``scores`` None: no line model, a
    weighted majority decides. Pure: the tuning benchmark runs it on cached votes."""
    settings = settings or DEFAULT_SETTINGS
    trafilatura, resiliparse = votes[TRAFILATURA], votes[RESILIPARSE]
    if not any(sizes):
        return Decision((), (), "")
    if jaccard(sizes, trafilatura, resiliparse) >= settings.agreement_skip:
        kept = tuple(i for i, (t, s) in enumerate(zip(trafilatura, resiliparse, strict=True)) if t and s and sizes[i])
        return Decision(kept, tuple((TRAFILATURA, RESILIPARSE) for _ in kept), "agree")
    every = {TRAFILATURA: trafilatura, RESILIPARSE: resiliparse, READABILITY: readability_votes()}
    kind = page_kind(jaccard(sizes, trafilatura, every[READABILITY]), settings)
    weights = settings.precision[kind]
    total = sum(weights.values())
    levels = settings.levels[kind] if scores is not None else MAJORITY
    support = [sum(weights[name] for name in VOTERS if every[name][i]) / total for i in range(len(sizes))]
    keep = [bool(sizes[i]) and support[i] >= levels.keep for i in range(len(sizes))]
    asked = [i for i, s in enumerate(support) if levels.ask <= s < levels.keep and sizes[i]]
    if asked and scores is not None:
        found = scores()
        for i in asked:
            score = found[i]
            keep[i] = score is None or score < settings.arbiter_threshold
    kept = tuple(i for i, k in enumerate(keep) if k)
    return Decision(kept, tuple(tuple(name for name in VOTERS if every[name][i]) for i in kept), kind)


@dataclass(frozen=True)
class Projection:
    """The page's blocks and their word counts, onto which each extractor's text is projected."""

    blocks: list[str]
    sizes: list[int]
    skeleton: Skeleton

    @classmethod
    def of(cls, page: Page) -> Projection:
        blocks = page_blocks(page)
        skeleton = Skeleton.of(blocks)
        sizes = [end - first for first, end in zip(skeleton.bounds, skeleton.bounds[1:], strict=False)]
        return cls(blocks, sizes, skeleton)

    def covered(self, text_blocks: Sequence[str]) -> list[bool]:
        """For each block, whether ``text_blocks`` (an extractor's text) covers it."""
        return [share >= COVERED_SHARE for share in self.skeleton.coverage(text_blocks)]


def combine(page: Page, keep_comments: bool = False, scorer: Scorer | None = None) -> Combination:
    """The combined main text of ``page`` (see the module docstring); ``scorer`` is the line
    model (None: no line model, a weighted majority decides)."""
    projection = Projection.of(page)
    blocks = projection.blocks
    votes = {TRAFILATURA: projection.covered(_trafilatura(page, keep_comments)),
             RESILIPARSE: projection.covered(resiliparse_adapter.blocks(page, keep_comments))}
    decision = decide(projection.sizes, votes,
                      lambda: projection.covered(readability_adapter.blocks(page, keep_comments)),
                      None if scorer is None else lambda: scorer(blocks))
    return Combination(tuple(blocks[i] for i in decision.kept), decision.kept_by, decision.kind)


def _trafilatura(page: Page, keep_comments: bool) -> list[str]:
    """trafilatura without its own Readability and jusText fallbacks: the combination has both."""
    return trafilatura_adapter.blocks(page, keep_comments, fast=True)


def word_total(blocks: Sequence[str]) -> int:
    return sum(len(words(block)) for block in blocks)


DEFAULT_SETTINGS = Settings()
