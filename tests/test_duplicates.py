"""Duplicate detection (pipeline/corpus/duplicates.py): signatures, clusters, marks."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import clean_bytes
from pipeline.corpus.duplicates import (
    DEFAULT_PARAMS,
    DuplicateParams,
    Signature,
    estimated_jaccard,
    find_duplicates,
    read_signatures,
    shingles,
    signature,
    tokens,
    write_signatures,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"

STORY = [
    "The cabinet approved a £2bn flood defence plan on Wednesday, after months of pressure from towns along the "
    "river that were flooded twice last winter.",
    "Officials said the money would pay for new barriers, wider channels and pumping stations in eleven districts, "
    "with the first contracts to be signed before the end of the year.",
    "The environment minister told reporters that the plan was the largest investment in flood protection for a "
    "generation and would protect more than 40,000 homes.",
    "Opposition lawmakers welcomed the decision but said the timetable was too slow, pointing out that most of the "
    "work would not begin until 2026.",
    "Residents of the worst-hit villages said they would believe the promises when they saw diggers on the river "
    "banks, and called for a public inquiry into last winter's response.",
    "The insurance industry said the barriers could bring down premiums in the valley, where many households have "
    "struggled to find cover since the floods of 2019 and 2020.",
    "Engineers will also study whether upland woods and wetlands could slow the water before it reaches the towns, "
    "a cheaper approach that has been tried in several other regions.",
    "A full list of the projects and their costs is due to be published next month, the ministry said in a "
    "statement released shortly after the cabinet meeting.",
]
OTHER = [
    "Ferry crews on three routes serving the northern isles have voted to walk out later this month, after talks "
    "over new shift patterns broke down on Wednesday evening.",
    "Members of the seafarers' union backed strike action by 84 per cent on a turnout of just over 70 per cent, "
    "the union said, with a first 24-hour stoppage planned for March 28.",
    "The operator said it remained open to talks and would share a revised proposal with the union before the end "
    "of next week, and apologised to passengers for the uncertainty.",
]


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def sig(id: str, body: str, date: str | None = None) -> Signature:
    return signature(id, body, date)


# --- signatures ------------------------------------------------------------------------------

def test_tokens_are_casefolded_words_and_cjk_characters():
    assert tokens("The Cabinet's £2bn PLAN—approved!") == ["the", "cabinet", "s", "2bn", "plan", "approved"]
    assert tokens("Straße") == ["strasse"]
    assert tokens("北京时间 2024年 news") == ["北", "京", "时", "间", "2024", "年", "news"]


def test_shingles():
    assert shingles(["a", "b", "c", "d"], 3) == ["a b c", "b c d"]
    assert shingles(["a", "b"], 3) == ["a b"]
    assert shingles([], 3) == []


def test_signature_fields():
    s = sig("doc-1", text(*STORY), "2024-10-19")
    assert s.id == "doc-1" and s.date == "2024-10-19"
    assert s.tokens == len(tokens(text(*STORY)))
    assert len(s.exact_hash) == 16
    assert len(s.minhash) == DEFAULT_PARAMS.num_perm * 4
    assert len(s.values()) == DEFAULT_PARAMS.num_perm
    assert all(0 <= v < 2**32 for v in s.values())


def test_exact_hash_ignores_case_punctuation_and_spacing_only():
    a = sig("a", "The cabinet approved the plan.\n\nOfficials said more on Friday.")
    b = sig("b", "the cabinet approved the plan  officials said more on friday")
    c = sig("c", "The cabinet rejected the plan. Officials said more on Friday.")
    assert a.exact_hash == b.exact_hash != c.exact_hash
    assert estimated_jaccard(a, b) == 1.0


def test_estimated_jaccard_tracks_the_exact_jaccard():
    a, b = text(*STORY), text(*STORY[:4], *OTHER[:1])
    sa, sb = set(shingles(tokens(a), 5)), set(shingles(tokens(b), 5))
    exact = len(sa & sb) / len(sa | sb)
    assert abs(estimated_jaccard(sig("a", a), sig("b", b)) - exact) < 0.15
    assert estimated_jaccard(sig("a", a), sig("o", text(*OTHER))) < 0.1


def test_signature_is_the_same_in_another_process():
    """No Python hash() anywhere: another interpreter (another hash seed) gives the same bytes."""
    here = sig("doc-1", text(*STORY), "2024-10-19").to_bytes().hex()
    code = ("import sys; from pipeline.corpus.duplicates import signature; "
            "print(signature('doc-1', sys.stdin.read(), '2024-10-19').to_bytes().hex())")
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], input=text(*STORY), capture_output=True, text=True,
                             env=env, check=True, encoding="utf-8")
        assert out.stdout.strip() == here


def test_serialisation_round_trips():
    originals = [sig("doc-1", text(*STORY), "2024-10-19"), sig("naïve/ünïcode \udcff", "", None),
                 sig("doc-3", text(*OTHER), None)]
    for s in originals:
        assert Signature.from_bytes(s.to_bytes()) == s
        assert Signature.from_json(s.to_json()) == s
    buffer = io.BytesIO()
    assert write_signatures(buffer, originals) == 3
    data = buffer.getvalue()
    assert len(data) < 3 * (DEFAULT_PARAMS.num_perm * 4 + 80)
    assert list(read_signatures(io.BytesIO(data))) == originals


def test_a_signature_file_of_other_parameters_or_truncated_is_refused():
    buffer = io.BytesIO()
    write_signatures(buffer, [sig("doc-1", text(*STORY))])
    with pytest.raises(ValueError, match="not a signature file"):
        list(read_signatures(io.BytesIO(buffer.getvalue()), replace(DEFAULT_PARAMS, shingle=4)))
    with pytest.raises(ValueError, match="truncated"):
        list(read_signatures(io.BytesIO(buffer.getvalue()[:-10])))
    with pytest.raises(ValueError, match="values"):
        write_signatures(io.BytesIO(), [signature("x", "a b c", None, replace(DEFAULT_PARAMS, num_perm=64, bands=16))])


def test_parameters_are_checked_and_fingerprinted():
    with pytest.raises(ValueError):
        DuplicateParams(bands=40, rows=4)
    with pytest.raises(ValueError):
        DuplicateParams(threshold=0)
    assert DEFAULT_PARAMS.signature_fingerprint() in DEFAULT_PARAMS.fingerprint()
    assert replace(DEFAULT_PARAMS, threshold=0.7).signature_fingerprint() == DEFAULT_PARAMS.signature_fingerprint()
    assert replace(DEFAULT_PARAMS, threshold=0.7).fingerprint() != DEFAULT_PARAMS.fingerprint()
    assert replace(DEFAULT_PARAMS, seed=2).signature_fingerprint() != DEFAULT_PARAMS.signature_fingerprint()


# --- clusters and marks ----------------------------------------------------------------------

def test_exact_duplicates_are_marked_with_similarity_one():
    found = find_duplicates([sig("b", text(*STORY)), sig("c", text(*OTHER)), sig("a", text(*STORY).upper())])
    assert found.by_id() == {"b": found.marks[0]}
    mark = found.marks[0]
    assert (mark.duplicate_of, mark.similarity, mark.exact, mark.kept_index) == ("a", 1.0, True, 2)
    assert mark.fields() == {"duplicate_of": "a", "duplicate_similarity": 1.0}
    assert (found.exact, found.near, found.documents) == (1, 0, 3)
    assert [c.to_json() for c in found.clusters] == [
        {"kept": "a", "size": 2, "duplicates": [{"id": "b", "similarity": 1.0, "exact": True}]}]


def syndicated(paragraphs: list[str]) -> str:
    """The same story on another site: a byline and a caption added, a few words changed, an
    editor's note at the end, the last paragraph dropped."""
    body = list(paragraphs[:-1])
    body[1] = body[1].replace("eleven districts", "11 districts")
    return text("By Maria Keller, City Wire", body[0],
                "Workers reinforce a river bank outside the town on Tuesday.", *body[1:],
                "Editor's note: this story has been updated with comment from the opposition.")


def test_a_syndicated_copy_is_marked_and_the_earliest_date_is_kept():
    original, copy = text(*STORY), syndicated(STORY)
    assert DEFAULT_PARAMS.threshold <= estimated_jaccard(sig("x", original), sig("y", copy)) < 1.0
    found = find_duplicates([sig("a-copy", copy, "2024-10-19"), sig("z-original", original, "2024-10-18"),
                             sig("other", text(*OTHER), "2024-10-17")])
    marks = found.by_id()
    assert list(marks) == ["a-copy"]
    assert marks["a-copy"].duplicate_of == "z-original"
    assert not marks["a-copy"].exact
    assert marks["a-copy"].similarity == round(estimated_jaccard(sig("x", original), sig("y", copy)), 3)
    assert found.near == 1


def test_without_every_date_the_smallest_id_is_kept():
    original, copy = text(*STORY), syndicated(STORY)
    found = find_duplicates([sig("z-original", original, "2024-10-18"), sig("a-copy", copy, None)])
    assert {k: m.duplicate_of for k, m in found.by_id().items()} == {"z-original": "a-copy"}
    # same date: the smallest id; then the input order
    found = find_duplicates([sig("b", original, "2024-10-18"), sig("a", copy, "2024-10-18"), sig("a", original)])
    assert {i: m.kept_index for i, m in found.marks.items()} == {0: 1, 2: 1}


def test_clusters_join_chains_and_are_in_input_order():
    first = text(*STORY)
    second = text(*STORY[:6], OTHER[0])
    third = text(*STORY[:4], OTHER[0], OTHER[1])
    threshold = DEFAULT_PARAMS.threshold
    sigs = [sig("d3", third), sig("x", text(*OTHER)), sig("d2", second), sig("d1", first)]
    assert estimated_jaccard(sigs[0], sigs[3]) < threshold <= min(estimated_jaccard(sigs[0], sigs[2]),
                                                                 estimated_jaccard(sigs[2], sigs[3]))
    found = find_duplicates(sigs)
    assert [(c.kept, [m.id for m in c.members]) for c in found.clusters] == [("d1", ["d3", "d2"])]
    assert found.by_id()["d3"].similarity < threshold  # joined through d2


def test_the_five_seeds_are_not_duplicates():
    """One story told five ways: paraphrases, not copies."""
    docs = [clean_bytes(path.read_bytes(), id=path.name) for path in sorted(SEEDS.glob("*.txt"))]
    assert len(docs) == 5 and all(doc.text for doc in docs)
    sigs = [signature(doc.id, doc.text, doc.date) for doc in docs]
    found = find_duplicates(sigs)
    assert found.marks == {} and found.clusters == []
    for a, b in itertools.combinations(sigs, 2):
        assert estimated_jaccard(a, b) < DEFAULT_PARAMS.threshold / 4, (a.id, b.id)


def test_a_seed_and_its_copy_are():
    path = sorted(SEEDS.glob("*.txt"))[4]
    doc = clean_bytes(path.read_bytes(), id=path.name)
    copy = clean_bytes(b"Skip to main content\nBy Jane Smith\n\n" + path.read_bytes() + b"\nShare on Facebook\n",
                       id="copy")
    found = find_duplicates([signature("copy", copy.text, copy.date), signature(doc.id, doc.text, doc.date)])
    assert found.by_id()["copy"].duplicate_of == doc.id


def test_no_documents():
    found = find_duplicates([])
    assert (found.marks, found.clusters, found.documents) == ({}, [], 0)


def test_short_and_empty_texts_are_never_marked():
    short = "Subscribe to read the full story."
    found = find_duplicates([sig("e1", ""), sig("e2", ""), sig("s1", short), sig("s2", short), sig("s3", short.upper())])
    assert found.marks == {} and found.clusters == []
    # nor kept for a longer document that contains them
    found = find_duplicates([sig("a", STORY[0]), sig("b", STORY[0])], replace(DEFAULT_PARAMS, min_tokens=30))
    assert len(tokens(STORY[0])) < 30 and found.marks == {}


def test_many_documents_sharing_phrasing_stay_apart():
    """Documents assembled from one pool of sentences share many shingles; only copies are marked."""
    import random

    from benchmarks.generate_corpus import paragraph

    rng = random.Random(3)
    bodies = [[paragraph(rng) for _ in range(rng.randint(8, 12))] for _ in range(300)]
    sigs = [sig(f"doc-{i:03d}", text(*body)) for i, body in enumerate(bodies)]
    sigs.append(sig("doc-copy", text(*bodies[7][:-1])))
    found = find_duplicates(sigs)
    assert {k: m.duplicate_of for k, m in found.by_id().items()} == {"doc-copy": "doc-007"}


def test_signatures_of_another_size_are_refused():
    with pytest.raises(ValueError, match="values"):
        find_duplicates([sig("a", text(*STORY)), signature("b", "a b c", None, replace(DEFAULT_PARAMS, num_perm=64, bands=16))])


def test_the_clean_command_does_not_load_the_duplicate_library():
    probe = "import sys, pipeline.cli as c; c.build_parser(); import pipeline; print('rensa' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
