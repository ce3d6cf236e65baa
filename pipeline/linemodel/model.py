"""The learned line model at run time: load the shipped weights, score a document's lines.

Two steps, as jusText classifies then revises:

1. **own score**: a logistic regression on the line's own features
   (:func:`~pipeline.linemodel.features.line_keys`: length, words, final mark,
   capitals, digits, URL-likeness, stopword share, words and word pairs, the
   whole text of short lines) plus context keys (whether a neighbour is prose the
   model does not score). Its logit is the sum of the keys' weights.
2. **revision**: a second small logistic regression on the own logit of the line
   and those of its two neighbours on each side (blank lines skipped), and two
   numbers about the rest of the document (the share of prose and the mean own
   logit of its lines) (:func:`revision_inputs`). P(boilerplate) is its sigmoid.

**The context is the rendered text**: the model is trained on, and the chain's stage
(:func:`pipeline.stages.line_model.model_removals`) hands it, the lines the rules kept,
in order, with the lines they removed deleted: what a second cleaning of the output
sees, so that cleaning stays idempotent. The ``removed`` mask of :meth:`LineModel.scores`
(whether a rule removed each line, with the removed lines' text kept as context) is what
an earlier model was trained on; the format keeps its inputs (the ``R*`` context keys, the
revision's ``*removed`` inputs), but the shipped model was trained with the mask all
False, so their weights are 0 and a mask with True in it is a context the model never saw:
pass the kept lines and all False.

There is deliberately nothing about where in the document a line is (first, last,
how far from either end): on whole web pages, that teaches "the article is in the
middle", which removes an article's last short paragraphs once the rules have
removed the share bar after them. One context key says what follows a line instead: ``Zt``,
a line that does not end as a sentence, with no long prose after it (the document's tail,
:func:`tail_start`). A news article's furniture after its last paragraph (teasers, a section's
label, a house's sign-off) is seldom worded as the rules know it, and is nearly all boilerplate
there. A sentence there is left out of the key: the article's own short last sentences look
like a site's notes to its reader, and the key cost paragraphs when it took them too.

Lines not scored (None), unless marked removed:

* long lines that end as prose sentences (``gate_chars`` characters or more and a
  final ``.``, ``!``, ``?``, ``…`` or a script's own full stop, as ``।``; in Thai or
  Lao, which write none, twice as many characters): most of a news article's lines,
  for the cost of a ``len`` and a character test;
* table rows (``| a | b |``): half main text, half boilerplate on the training
  pages, in long runs; the model cannot tell them apart;
* the leading headline: the first line no rule removed, when it reads as a
  headline with a body after it (3-30 words, not prose, starting with a capital
  or digit, not ending with ``:``, ``,`` or ``;``): the metadata stage takes it
  as the title. The model would judge it by the lines that look like it on whole
  pages, teasers of other articles.

Neighbours see a line not scored as prose (long prose, the headline) or as no
evidence (a table row).

Scoring is pure Python: dict look-ups of string keys, no numpy, no hashing
salted per process; the same input gives the same scores in every process.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import math
from collections.abc import Sequence
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Any

import orjson
import regex

from pipeline.linemodel.features import (
    ADDRESS_MAX_CHARS,
    CLOSERS,
    CLOSERS_AND_SPACES,
    UNMARKED_GATE_FACTOR,
    addresses_reader,
    final_char,
    line_keys,
)
from pipeline.shape import SENTENCE_ENDS, ends_unmarked, is_row, looks_like_title, reaches_width, reads_as_byline

#: The shipped model, inside the package (so the wheel carries it).
DEFAULT_PATH = Path(__file__).resolve().parent / "line_model.json.gz"
#: The feature and file format this code reads; a model file names the one it was made for
#: ("2": trained on the rendered context, no veto level).
FORMAT_VERSION = "2"

#: How many distinct lines' own scores a model remembers (then it starts afresh).
CACHE_LINES = 4096
CACHE_CHARS = 1000
_ZEROS = repeat(0.0)

#: Names of the revision step's inputs, in the order of :func:`revision_inputs`.
REVISION_INPUTS: tuple[str, ...] = (
    "own", "own+", "own_high", "removed",
    "prev1", "prev1_prose", "prev1_removed",
    "next1", "next1_prose", "next1_removed",
    "prev2", "prev2_prose", "prev2_removed",
    "next2", "next2_prose", "next2_removed",
    "doc_prose", "doc_own",
)
#: Own logits are clipped to +-OWN_CLIP, a neighbour's to +-NEIGHBOUR_CLIP: a long run of
#: clear prose or of clear menu entries around a line cannot outvote the line's own evidence.
OWN_CLIP = 12.0
#: The revision step's own input is piecewise linear, with knots at 0 and HIGH.
HIGH = 3.0
NEIGHBOUR_CLIP = 4.0


#: What a non-blank line is to the model: scored; long prose; a table row; the leading headline.
SCORED, PROSE, TABLE, HEAD = 0, 1, 2, 3
#: The leading headline's length in words (as the metadata stage's title).
HEAD_WORDS = (5, 30)


def line_kinds(texts: Sequence[str], flags: Sequence[bool], gate_chars: int) -> list[int]:
    """The kind of each non-blank line (``texts``, with the rules' ``flags``): a line a rule
    removed is always scored; a table row is not, nor is long prose
    (:func:`~pipeline.linemodel.features.is_gated`, written out here), nor the leading
    headline (:func:`is_headline`)."""
    unmarked = writes_without_marks(texts, gate_chars)
    kinds = []
    for t, f in zip(texts, flags, strict=True):
        if f:
            kinds.append(SCORED)
        elif t[0] == "|" and t[-1] == "|":
            kinds.append(TABLE)
        elif 2 * len(t) >= gate_chars and (t[-1] in SENTENCE_ENDS
                                           or (t[-1] in CLOSERS and t.rstrip(CLOSERS_AND_SPACES)[-1:] in SENTENCE_ENDS)) \
                and reaches_width(t, gate_chars) \
                and (len(t) >= ADDRESS_MAX_CHARS or not addresses_reader(t)):
            kinds.append(PROSE)
        elif len(t) >= UNMARKED_GATE_FACTOR * gate_chars and (ends_unmarked(t) or (unmarked and not _LATIN.search(t))):
            kinds.append(PROSE)  # Thai or Lao, or a text written without marks: no mark ends a sentence
        else:
            kinds.append(SCORED)
    for k, f in enumerate(flags):
        if not f:  # the first line no rule removed
            if kinds[k] == SCORED and k + 1 < len(kinds) and is_headline(texts[k]):
                kinds[k] = HEAD
            break
    return kinds


#: A Latin letter: a text written without marks is told by its own script; a Latin line in it
#: (a share row, a menu) is scored as anywhere.
_LATIN = regex.compile(r"\p{Latin}")
#: How many long lines, none ending with a mark, make a text one written without marks.
UNMARKED_TEXT_LINES = 3


def writes_without_marks(texts: Sequence[str], gate_chars: int) -> bool:
    """Whether a text ends none of its sentences with a mark, though its script has them (Shan,
    in the Myanmar script, written as Thai is): at least :data:`UNMARKED_TEXT_LINES` lines of the
    Thai/Lao gate's length and not one line of the gate's length ending with a sentence mark.
    Why: the end of its lines then says nothing, every line of it looks like a menu entry to the
    model, and its paragraphs must be told by their length, as Thai ones are (corpus_fresh44's
    Shan file: every line scored 0.78-0.95, so the model's safeguard removed none)."""
    long = 0
    for t in texts:
        if len(t) >= gate_chars and final_char(t)[0] in SENTENCE_ENDS:
            return False
        long += len(t) >= UNMARKED_GATE_FACTOR * gate_chars and not _LATIN.search(t)
    return long >= UNMARKED_TEXT_LINES


def is_headline(line: str) -> bool:
    """Whether a line reads as a headline, as the metadata stage takes a title: a row of fields
    (:func:`~pipeline.shape.is_row`: a masthead and its slogan, a market strip) is none, nor is
    a byline (:func:`~pipeline.shape.reads_as_byline`), which leads a text without a headline:
    the model scores those like any other line."""
    return looks_like_title(line, HEAD_WORDS[1], HEAD_WORDS[0]) and not is_row(line) and not reads_as_byline(line)


def tail_start(kinds: Sequence[int]) -> int:
    """The non-blank position after the document's last line of long prose: the lines from there
    on are its tail (context key ``Zt``). ``len(kinds)`` (no tail) when it has no long prose: a
    text without paragraphs (a page of menus, a list) has no article to come after."""
    for k in range(len(kinds) - 1, -1, -1):
        if kinds[k] == PROSE:
            return k + 1
    return len(kinds)


def in_tail(line: str, k: int, tail: int) -> bool:
    """Whether the ``k``-th non-blank line, ``line``, gets the context key ``Zt``: it is in the
    document's tail (``tail``: :func:`tail_start`) and does not end as a sentence."""
    return k >= tail and final_char(line)[0] not in SENTENCE_ENDS


def context_keys(flags: Sequence[bool], kinds: Sequence[int], k: int, tail: int | None = None,
                 line: str = "") -> list[str]:
    """The own step's context keys of the ``k``-th non-blank line (``line``), given each non-blank
    line's rule flag and kind (by non-blank position): whether the line is in the document's tail
    (:func:`in_tail`; ``tail``: :func:`tail_start`, computed here if None), whether a rule removed a neighbour,
    whether a neighbour is prose the model does not score. Whether a rule removed the line itself is the
    revision step's business: kept out of the own step, it cannot explain away the words of the
    lines the rules always catch. (:meth:`LineModel.scores` adds the same weights without
    making the keys.)"""
    keys = ["Zt"] if line and in_tail(line, k, tail_start(kinds) if tail is None else tail) else []
    if k > 0:
        if flags[k - 1]:
            keys.append("Rp")
        elif kinds[k - 1] in _PROSE_LIKE:
            keys.append("Gp")
    if k + 1 < len(flags):
        if flags[k + 1]:
            keys.append("Rn")
        elif kinds[k + 1] in _PROSE_LIKE:
            keys.append("Gn")
    return keys


_PROSE_LIKE = (PROSE, HEAD)


def document_inputs(own: Sequence[float], kinds: Sequence[int], removed: Sequence[bool]) -> tuple[float, float]:
    """What the rest of the document looks like, for the revision step: of its non-blank lines
    that no rule removed, the share the model sees as prose (long prose, the headline), and the
    mean own logit of those it scores (each clipped to +-NEIGHBOUR_CLIP; 0 if none). An
    article is mostly prose once the rules have run; a whole page's text, mostly menus and
    teasers. Lines the rules removed do not count: they say what the rules found, not what
    is left to judge."""
    rest = 0
    prose = 0
    scored = 0
    total = 0.0
    for z, kind, r in zip(own, kinds, removed, strict=True):
        if r:
            continue
        rest += 1
        if kind == SCORED:
            total += NEIGHBOUR_CLIP if z > NEIGHBOUR_CLIP else -NEIGHBOUR_CLIP if z < -NEIGHBOUR_CLIP else z
            scored += 1
        elif kind != TABLE:
            prose += 1
    return (prose / rest if rest else 0.0, total / scored if scored else 0.0)


def revision_inputs(own: Sequence[float], kinds: Sequence[int], removed: Sequence[bool], k: int,
                    document: tuple[float, float]) -> list[float]:
    """The revision step's inputs for the ``k``-th of a document's non-blank lines, given every
    non-blank line's own logit (``own``; 0.0 for a line not scored), its kind and whether a
    rule removed it, all indexed by non-blank position, and :func:`document_inputs`. A
    neighbour beyond the document's ends, or a table row, is no evidence either way."""
    n = len(own)
    z = own[k]
    z = OWN_CLIP if z > OWN_CLIP else -OWN_CLIP if z < -OWN_CLIP else z
    x = [z, z if z > 0.0 else 0.0, z - HIGH if z > HIGH else 0.0, 1.0 if removed[k] else 0.0]
    for j in (k - 1, k + 1, k - 2, k + 2):
        if j < 0 or j >= n:
            x += (0.0, 0.0, 0.0)
        elif kinds[j] == SCORED:
            v = own[j]
            v = NEIGHBOUR_CLIP if v > NEIGHBOUR_CLIP else -NEIGHBOUR_CLIP if v < -NEIGHBOUR_CLIP else v
            x += (v, 0.0, 1.0 if removed[j] else 0.0)
        else:
            x += (0.0, 1.0 if kinds[j] in _PROSE_LIKE else 0.0, 1.0 if removed[j] else 0.0)
    x += document
    return x


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class LineModel:
    """The line model: P(boilerplate) of each line of a document (see the module docstring)."""

    def __init__(self, data: dict[str, Any], sha256: str) -> None:
        if str(data.get("version")) != FORMAT_VERSION:
            raise ValueError(f"line model format {data.get('version')!r}, this code reads {FORMAT_VERSION!r}")
        self.version: str = FORMAT_VERSION
        self.sha256 = sha256
        #: the stage's threshold for plain text, and for HTML input (the extractor's output)
        self.threshold: float = float(data["threshold"])
        self.threshold_html: float = float(data["threshold_html"])
        self.gate_chars: int = int(data["gate_chars"])
        self.stopwords: frozenset[str] = frozenset(data["stopwords"])
        own = data["own"]
        self.own_bias: float = float(own["bias"])
        self.own_weights: dict[str, float] = {k: float(v) for k, v in own["weights"].items()}
        revision = data["revision"]
        if tuple(revision["inputs"]) != REVISION_INPUTS:
            raise ValueError("line model revision inputs differ from this code's")
        self.revision_bias: float = float(revision["bias"])
        self.revision_weights: tuple[float, ...] = tuple(float(w) for w in revision["weights"])
        self.meta: dict[str, Any] = data.get("meta", {})
        get = self.own_weights.get
        self._context = tuple(get(key, 0.0) for key in ("Rp", "Rn", "Gp", "Gn", "Zt"))
        self._cache: dict[str, float] = {}
        w = dict(zip(REVISION_INPUTS, self.revision_weights, strict=True))
        self._own_weights = (w["own"], w["own+"], w["own_high"], w["removed"])
        self._slots = tuple(tuple(w[f"{slot}{part}"] for part in ("", "_prose", "_removed"))
                            for slot in ("prev1", "next1", "prev2", "next2"))
        self._doc_bias = self.revision_bias
        self._doc_weights = (w["doc_prose"], w["doc_own"])

    @classmethod
    def load(cls, path: str | Path | None = None) -> LineModel:
        """The model in ``path`` (None: the shipped one), loaded once per path and process."""
        return _load(None if path is None else str(path))

    @classmethod
    def from_bytes(cls, raw: bytes) -> LineModel:
        """A model from the bytes of a model file (gzip'd JSON)."""
        return cls(orjson.loads(gzip.decompress(raw)), hashlib.sha256(raw).hexdigest())

    def line_logit(self, line: str) -> float:
        """The own step's bias plus the weights of the line's own keys (no context), remembered
        for the last :data:`CACHE_LINES` distinct lines (of up to :data:`CACHE_CHARS` characters):
        crawls repeat their boilerplate lines."""
        z = self._cache.get(line)
        if z is None:
            get = self.own_weights.get
            keys, lexical, scale = line_keys(line, self.stopwords)
            z = self.own_bias + sum(map(get, keys, _ZEROS)) + scale * sum(map(get, lexical, _ZEROS))
            if len(line) <= CACHE_CHARS:
                if len(self._cache) >= CACHE_LINES:
                    self._cache.clear()
                self._cache[line] = z
        return z

    def own_logits(self, lines: Sequence[str], removed: Sequence[bool],
                   tail_line: int | None = None) -> tuple[list[int], list[int], list[float]]:
        """The non-blank line indices, each one's kind (:func:`line_kinds`) and own logit (0.0 when
        not scored), by non-blank position: the plain way, key by key (training uses it).
        ``tail_line``: the index in ``lines`` where the document's tail starts, when ``lines`` are
        a window of a longer document (training's crops); None: :func:`tail_start` of ``lines``."""
        order = [i for i, line in enumerate(lines) if line and not line.isspace()]
        flags = [bool(removed[i]) for i in order]
        kinds = line_kinds([lines[i] for i in order], flags, self.gate_chars)
        tail = tail_start(kinds) if tail_line is None else sum(1 for i in order if i < tail_line)
        get = self.own_weights.get
        own = [self.line_logit(lines[i]) + sum(get(key, 0.0) for key in context_keys(flags, kinds, k, tail, lines[i]))
               if kinds[k] == SCORED else 0.0 for k, i in enumerate(order)]
        return order, kinds, own

    def reference_scores(self, lines: Sequence[str], removed: Sequence[bool]) -> list[float | None]:
        """:meth:`scores` computed the plain way, input by input (:func:`revision_inputs`): what
        training fits, and what the tests check the fast path against."""
        order, kinds, own = self.own_logits(lines, removed)
        out: list[float | None] = [None] * len(lines)
        flags = [bool(removed[i]) for i in order]
        document = document_inputs(own, kinds, flags)
        for k, i in enumerate(order):
            if kinds[k] == SCORED:
                x = revision_inputs(own, kinds, flags, k, document)
                out[i] = _sigmoid(self.revision_bias + sum(map(mul, self.revision_weights, x)))
        return out

    def scores(self, lines: Sequence[str], removed: Sequence[bool], *,
               score_removed: bool = True) -> list[float | None]:
        """P(boilerplate) of each line of one document, in order.

        ``lines`` are the document's lines as the model was trained to see them: the
        lines the rules kept, in order (blank lines are skipped), and ``removed`` all
        False (see the module docstring; ``removed[i]`` would mark line i as a rule's
        removal kept for context). None for blank lines and the lines the model does not
        score (long prose, table rows, the leading headline); lines marked removed are
        always scored, unless ``score_removed`` is false: then they are None too, and the
        other lines' scores are the same.

        The same numbers as :meth:`reference_scores`, with the sums written out.
        """
        count = len(lines)
        if len(removed) != count:
            raise ValueError(f"{count} lines but {len(removed)} removed flags")
        out: list[float | None] = [None] * count
        order = [i for i, line in enumerate(lines) if line and not line.isspace()]
        if not order:
            return out
        texts = [lines[i] for i in order]
        flags = [bool(removed[i]) for i in order]
        kinds = line_kinds(texts, flags, self.gate_chars)
        n = len(order)
        last = n - 1
        if score_removed:
            wanted = [kind == SCORED for kind in kinds]
        else:  # the unremoved scored lines, and the removed ones they see as neighbours
            wanted = [False] * n
            for k in range(n):
                if kinds[k] == SCORED and not flags[k]:
                    for j in range(max(k - 2, 0), min(k + 3, n)):
                        wanted[j] = True
        if True not in wanted:
            return out
        # the own step: each line's own keys (remembered), then its context keys
        cache = self._cache
        line_logit = self.line_logit
        r_prev, r_next, g_prev, g_next, tail_weight = self._context
        tail = tail_start(kinds)
        clip = NEIGHBOUR_CLIP
        own = [0.0] * n
        seen = [0.0] * n  # what neighbours see: the clipped own logit of a scored line
        total = 0.0  # of the clipped own logits of the scored lines no rule removed
        scored = 0
        for k in range(n):
            if kinds[k] or not wanted[k]:
                continue
            t = texts[k]
            z = cache.get(t)
            if z is None:
                z = line_logit(t)
            if k:
                if flags[k - 1]:
                    z += r_prev
                elif kinds[k - 1] == PROSE or kinds[k - 1] == HEAD:
                    z += g_prev
            if k < last:
                if flags[k + 1]:
                    z += r_next
                elif kinds[k + 1] == PROSE or kinds[k + 1] == HEAD:
                    z += g_next
            if k >= tail and in_tail(t, k, tail):  # (the position first: most lines are not in the tail)
                z += tail_weight
            own[k] = z
            v = clip if z > clip else -clip if z < -clip else z
            seen[k] = v
            if not flags[k]:
                total += v
                scored += 1
        # the revision step
        rest = n - flags.count(True)
        if rest:
            prose = (kinds.count(PROSE) + kinds.count(HEAD)) / rest  # lines of these kinds are never removed
            d_prose, d_own = self._doc_weights
            base = self._doc_bias + d_prose * prose + (d_own * total / scored if scored else 0.0)
        else:
            base = self._doc_bias
        w_own, w_pos, w_high, w_removed = self._own_weights
        top = OWN_CLIP
        slots = tuple(zip((-1, 1, -2, 2), self._slots, strict=True))
        for k in range(n):
            if kinds[k] or (flags[k] and not score_removed):
                continue
            z = own[k]
            z = top if z > top else -top if z < -top else z
            s = base + w_own * z
            if flags[k]:
                s += w_removed
            if z > 0.0:
                s += w_pos * z
                if z > HIGH:
                    s += w_high * (z - HIGH)
            for shift, (wz, wp, wr) in slots:
                j = k + shift
                if j < 0 or j > last:
                    continue
                kind = kinds[j]
                if kind == SCORED:
                    s += wz * seen[j]
                elif kind == PROSE or kind == HEAD:
                    s += wp
                if flags[j]:
                    s += wr
            out[order[k]] = 1.0 / (1.0 + math.exp(-s)) if s >= 0 else 1.0 - 1.0 / (1.0 + math.exp(s))
        return out


@functools.lru_cache(maxsize=8)
def _load(path: str | None) -> LineModel:
    raw = (DEFAULT_PATH if path is None else Path(path)).read_bytes()
    return LineModel.from_bytes(raw)
