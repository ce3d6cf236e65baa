"""The learned line model (pipeline/linemodel): the shipped file, scores in context, decide, determinism.

The documents here are written for these tests (no training page text). Lines are
scored as the chain's stage scores them: after the built-in rules, with the text of
the lines a rule removed and the rules' removed mask.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys

import pytest

from benchmarks.generate_corpus import document
from pipeline.linemodel import DEFAULT_PATH, FORMAT_VERSION, LineModel, decide
from pipeline.linemodel.features import line_keys
from pipeline.options import CleanOptions
from pipeline.stages.strip import Strip, strip_boilerplate

from .conftest import ROOT

#: sha256 of pipeline/linemodel/line_model.json.gz, as `python -m training.train_line_model` writes it
#: (see training/README.md); retraining changes it, on purpose.
SHIPPED_SHA256 = "5b239b2163f9fb96aa440d3cafae65b590bad7a4e106de57a652f477eb8479e8"

RULES = Strip(CleanOptions()).rules

ARTICLE = """\
Skip to main content
Home › News › City
Harbour Authority Approves Dredging Plan After Long Dispute
By Jane Example
The harbour authority approved a plan on Tuesday to dredge the main channel, ending a dispute that has lasted two years.

Officials said the work would begin in the spring and take about four months to complete.

The vote

Board members voted seven to two in favour, after a debate that ran late into the evening.

Photo by photo, the archive is being digitised.

Sign up for our newsletter

Subscribe-only newsletters are growing fast, analysts say.

Fishing groups welcomed the decision but said they would watch the effect on fish stocks closely.

Share this article
Facebook
Twitter
Most read
Storm closes mountain pass
Rail strike talks collapse
Subscribe to our newsletter
© 2024 Example Media. All rights reserved."""

BOILERPLATE = [
    "Subscribe to our newsletter",
    "Most read",
    "Share this article",
    "© 2024 Example Media. All rights reserved.",
    "Facebook",
]
PROSE = [
    "Harbour Authority Approves Dredging Plan After Long Dispute",  # the headline
    "The vote",  # a subheading
    "Photo by photo, the archive is being digitised.",
    "Subscribe-only newsletters are growing fast, analysts say.",
    "Board members voted seven to two in favour, after a debate that ran late into the evening.",
    "Fishing groups welcomed the decision but said they would watch the effect on fish stocks closely.",
]


def after_rules(text: str) -> tuple[list[str], list[bool]]:
    """The lines and removed mask the stage hands the model: the rules' verdict, with the
    original text of the lines a rule removed."""
    lines = text.split("\n")
    kept, _, _, _ = strip_boilerplate(text, RULES, timeout=None)
    removed = [not k and bool(line) for k, line in zip(kept, lines, strict=True)]
    return [line if r else k for line, k, r in zip(lines, kept, removed, strict=True)], removed


@pytest.fixture(scope="module")
def model() -> LineModel:
    return LineModel.load()


def test_the_shipped_file_is_the_pinned_one(model):
    raw = DEFAULT_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHIPPED_SHA256 == model.sha256
    assert model.version == FORMAT_VERSION
    assert len(raw) < 3_000_000
    assert 0.5 <= model.threshold < 1.0
    assert 0.0 <= model.veto_below < model.threshold


def test_load_is_cached_per_path(model):
    assert LineModel.load() is model
    assert LineModel.load(DEFAULT_PATH) is LineModel.load(str(DEFAULT_PATH))


def test_boilerplate_in_an_article_scores_above_the_threshold(model):
    lines, removed = after_rules(ARTICLE)
    scores = dict(zip(lines, model.scores(lines, removed), strict=True))
    for line in BOILERPLATE:
        assert scores[line] is not None and scores[line] >= model.threshold, (line, scores[line])


def test_a_newsletter_prompt_between_paragraphs_stays_boilerplate(model):
    """The rules remove it; its prose neighbours do not make the model veto that."""
    lines, removed = after_rules(ARTICLE)
    i = lines.index("Sign up for our newsletter")
    assert lines[i - 2].endswith(".") and lines[i + 2].endswith(".")  # prose before and after
    scores = model.scores(lines, removed)
    assert removed[i] and scores[i] is not None and scores[i] > max(model.veto_below, 0.2)
    assert decide(scores, removed, model.threshold, model.veto_below)[i]


def test_prose_in_an_article_scores_below_the_threshold(model):
    lines, removed = after_rules(ARTICLE)
    scores = dict(zip(lines, model.scores(lines, removed), strict=True))
    for line in PROSE:
        assert scores[line] is None or scores[line] < model.threshold, (line, scores[line])


def test_the_model_alone_keeps_prose_that_mentions_boilerplate_words(model):
    """Without any rule: sentences about subscriptions, photos or further reading are prose."""
    text = "\n\n".join([
        "The council met on Monday to discuss the budget for next year.",
        "Readers who subscribe get the paper a day early.",
        "Photo by photo, the archive is being digitised.",
        "Subscribe-only newsletters are growing fast, analysts say.",
        "Read more about the plan in our report.",
        "The mayor said it was a good day.",
        "Background",
        "Officials said they would publish the figures on Friday.",
    ])
    lines = text.split("\n")
    scores = model.scores(lines, [False] * len(lines))
    final = decide(scores, [False] * len(lines), model.threshold, model.veto_below)
    assert not any(final), [(line, s) for line, s in zip(lines, scores, strict=True) if s is not None]


def test_the_article_keeps_its_text_and_loses_its_boilerplate(model):
    lines, removed = after_rules(ARTICLE)
    final = decide(model.scores(lines, removed), removed, model.threshold, model.veto_below)
    kept = [line for line, gone in zip(lines, final, strict=True) if line and not gone]
    assert kept == [
        "Harbour Authority Approves Dredging Plan After Long Dispute",
        "The harbour authority approved a plan on Tuesday to dredge the main channel, ending a dispute "
        "that has lasted two years.",
        "Officials said the work would begin in the spring and take about four months to complete.",
        "The vote",
        "Board members voted seven to two in favour, after a debate that ran late into the evening.",
        *(["Photo by photo, the archive is being digitised."] if not removed[lines.index(PROSE[2])] else []),
        *(["Subscribe-only newsletters are growing fast, analysts say."] if not removed[lines.index(PROSE[3])] else []),
        "Fishing groups welcomed the decision but said they would watch the effect on fish stocks closely.",
    ]


def test_unscored_lines(model):
    lines = ["", "A headline that reads like one for the test", "   ",
             "A long sentence of prose that ends as a sentence does, with a full stop.",
             "| 1 | 2 | 3 |", "Most read"]
    scores = model.scores(lines, [False] * len(lines))
    assert scores[:5] == [None] * 5  # blank, the leading headline, blank, long prose, a table row
    assert scores[5] is not None
    # a line a rule removed is always scored
    assert all(s is not None for s in model.scores(lines, [bool(line.strip()) for line in lines])[1::2])
    assert model.scores([], []) == []
    assert model.scores(["", ""], [False, False]) == [None, None]
    with pytest.raises(ValueError):
        model.scores(["a"], [])


def test_line_kinds_gate_as_is_gated(model):
    from pipeline.linemodel.features import is_gated
    from pipeline.linemodel.model import PROSE, line_kinds

    for lines, removed in _generated(30):
        texts = [t for t in lines if t]
        flags = [r for t, r in zip(lines, removed, strict=True) if t]
        kinds = line_kinds(texts, flags, model.gate_chars)
        for t, f, kind in zip(texts, flags, kinds, strict=True):
            assert (kind == PROSE) == (not f and is_gated(t, model.gate_chars))


def test_decide():
    scores = [None, None, 0.9, 0.5, 0.01, 0.5, 0.9]
    removed = [False, True, False, False, True, True, True]
    assert decide(scores, removed, 0.8, 0.05) == [False, True, True, False, False, True, True]
    assert decide(scores, removed, 0.8, 0.0) == [False, True, True, False, True, True, True]  # no veto
    assert decide([0.8], [False], 0.8, 0.0) == [True]  # at the threshold: removed
    assert decide([], [], 0.5, 0.1) == []
    with pytest.raises(ValueError):
        decide([0.1], [], 0.5, 0.1)


def _generated(count: int) -> list[tuple[list[str], list[bool]]]:
    rng = random.Random(3)
    return [after_rules(document(rng).rstrip("\n")) for _ in range(count)]


def test_the_fast_path_is_the_reference_computation(model):
    rng = random.Random(5)
    for lines, removed in _generated(60) + [after_rules(ARTICLE)]:
        for lo, hi in [(0, len(lines)), (rng.randrange(len(lines)), rng.randrange(len(lines)) + 1)]:
            a = model.scores(lines[lo:hi], removed[lo:hi])
            b = model.reference_scores(lines[lo:hi], removed[lo:hi])
            assert [x is None for x in a] == [x is None for x in b]
            assert all(x is None or abs(x - y) < 1e-12 for x, y in zip(a, b, strict=True))


def test_scores_without_the_removed_lines(model):
    for lines, removed in _generated(60) + [after_rules(ARTICLE)]:
        every = model.scores(lines, removed)
        fewer = model.scores(lines, removed, score_removed=False)
        assert fewer == [None if r else s for s, r in zip(every, removed, strict=True)]


def test_scores_are_deterministic_within_and_across_processes(model):
    docs = _generated(20)
    first = [model.scores(lines, removed) for lines, removed in docs]
    model._cache.clear()
    assert [model.scores(lines, removed) for lines, removed in docs] == first
    probe = ("import json, sys; from pipeline.linemodel import LineModel; m = LineModel.load();"
             "docs = json.load(sys.stdin); print(json.dumps([m.scores(l, r) for l, r in docs]))")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", probe], input=json.dumps(docs), capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=120, check=True).stdout
        assert json.loads(out) == first


def test_the_runtime_needs_neither_numpy_nor_scikit_learn():
    probe = ("import sys; from pipeline.linemodel import LineModel;"
             "LineModel.load().scores(['Most read', 'The council met.'], [False, True]);"
             "import pipeline.chain; print(sorted({'numpy', 'sklearn', 'scipy'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         check=True).stdout
    assert out.strip() == "[]"


def test_line_keys():
    stop = frozenset({"the", "to", "our"})
    keys, lexical, scale = line_keys("Subscribe to our newsletter", stop)
    assert "ssubscribe to our newsletter" in keys and "E" + "a" in keys
    assert lexical[:4] == ["usubscribe", "uto", "uour", "unewsletter"]
    assert "b^ subscribe" in lexical and "bnewsletter $" in lexical
    assert scale == 0.5  # 1/sqrt(4 words)
    assert line_keys("Published on 12 March 2024", stop)[1][:3] == ["upublished", "uon", "u0"]
    assert line_keys("| a | b |", stop)[0].count("|") == 1
    assert line_keys("„Das Angebot ist schlecht“, sagte sie.", stop)[0][2] == "E."  # German quotes close


@pytest.mark.slow
def test_the_wheel_ships_the_model(tmp_path):
    """A plain install carries the model file and scores with it (no training dependency)."""
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("boilerstrip-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import pipeline.linemodel as L; m = L.LineModel.load(); print(L.DEFAULT_PATH); print(m.sha256);"
             "print(m.scores(['Most read'], [False])[0] is not None)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(site)}, timeout=120, check=True).stdout.split()
    assert out[0].startswith(str(site)) and out[1] == SHIPPED_SHA256 and out[2] == "True"
