"""``--languages`` and ``--min-words``: documents left out are counted and named, never dropped silently."""

from __future__ import annotations

import json

import pytest

from pipeline.chain import Chain
from pipeline.document import Document, Reject
from pipeline.options import CleanOptions

from .conftest import run_cli

ENGLISH = ("The city council approved the new harbour budget on Tuesday after a long debate.\n\n"
           "Residents had asked for better ferry connections and safer walking paths along the water.\n\n"
           "Work on the first section is expected to start in the spring and last about two years.\n")
GERMAN = ("Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt für den Hafen beschlossen.\n\n"
          "Die Anwohner hatten bessere Fährverbindungen und sichere Fußwege entlang des Wassers gefordert.\n\n"
          "Die Arbeiten am ersten Abschnitt sollen im Frühjahr beginnen und etwa zwei Jahre dauern.\n")
FRENCH = ("Le conseil municipal a approuvé mardi le nouveau budget du port après un long débat.\n\n"
          "Les habitants avaient demandé de meilleures liaisons par ferry et des chemins piétons plus sûrs.\n\n"
          "Les travaux de la première partie doivent commencer au printemps et durer environ deux ans.\n")
SHORT = "The last ferry to the island leaves the harbour at noon.\n"


@pytest.fixture
def mixed(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in (("a-english.txt", ENGLISH), ("b-german.txt", GERMAN), ("c-french.txt", FRENCH),
                       ("d-short.txt", SHORT)):
        (inputs / name).write_text(text, encoding="utf-8")
    return inputs


def _clean(options: CleanOptions, text: str) -> Document | Reject:
    [(_, result)] = list(Chain(options).stream([("x", Document(id="x", text=text))]))
    return result


def test_the_filter_stage_names_its_reason():
    options = CleanOptions(languages=("en", "de"), min_words=12)
    assert isinstance(_clean(options, ENGLISH), Document) and isinstance(_clean(options, GERMAN), Document)
    french = _clean(options, FRENCH)
    assert isinstance(french, Reject) and french.filtered and not french.internal
    assert (french.stage, french.error, french.message) == (
        "filter", "LanguageNotSelected", "language fr, not one of --languages en,de")
    short = _clean(options, SHORT)
    assert isinstance(short, Reject) and short.filtered
    assert (short.error, short.message) == ("TooFewWords", "11 words after cleaning, fewer than --min-words 12")
    assert isinstance(_clean(CleanOptions(), SHORT), Document)  # off by default
    unknown = _clean(CleanOptions(languages=("en",)), "Xq zzv.\n")
    assert isinstance(unknown, Reject) and unknown.message == "no language detected, not one of --languages en"


def test_filters_enter_the_fingerprint():
    plain = Chain(CleanOptions()).fingerprint()
    assert Chain(CleanOptions(languages=("en",))).fingerprint() != plain
    assert Chain(CleanOptions(min_words=5)).fingerprint() != plain
    assert Chain(CleanOptions(languages=("en",))).fingerprint() != Chain(CleanOptions(languages=("de",))).fingerprint()


def test_clean_leaves_out_and_reports_without_failing(mixed):
    result = run_cli("clean", "--languages", "en,DE", "--min-words", "12", str(mixed))
    assert result.returncode == 0, result.stderr
    assert [json.loads(l)["id"] for l in result.stdout.decode().splitlines()] == ["a-english.txt", "b-german.txt"]
    assert result.stderr.decode().splitlines() == [
        "boilerstrip: note: 2 of 4 documents left out by the filters (fewer than --min-words: 1, "
        "language not in --languages: 1); --explain names them"]
    explained = run_cli("clean", "--explain", "--languages", "en,de", "--min-words", "12", str(mixed))
    assert "== c-french.txt: left out: language fr, not one of --languages en,de" \
        in explained.stderr.decode().splitlines()
    assert "== d-short.txt: left out: 11 words after cleaning, fewer than --min-words 12" \
        in explained.stderr.decode().splitlines()


def test_a_failure_still_fails_beside_filtered_documents(mixed):
    (mixed / "e-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = run_cli("clean", "--languages", "en", str(mixed))
    assert result.returncode == 1
    assert "e-binary.txt: binary data" in result.stderr.decode()
    assert "2 of 5 documents left out by the filters" in result.stderr.decode()


@pytest.mark.parametrize("bad", ["", "en,", "english", "e1", ","])
def test_bad_language_lists_are_usage_errors(bad, mixed):
    if bad == "en,":  # a trailing comma is forgiven
        assert run_cli("clean", "--languages", bad, str(mixed)).returncode == 0
        return
    result = run_cli("clean", "--languages", bad, str(mixed))
    assert result.returncode == 2 and b"language codes" in result.stderr


def test_batch_writes_left_out_documents_to_rejects_and_the_manifest(mixed, tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", str(mixed), str(out), "--languages", "en,de", "--min-words", "12")
    assert result.returncode == 0, result.stderr
    records = [json.loads(l) for p in sorted(out.glob("part-*.jsonl")) for l in p.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a-english.txt", "b-german.txt"]
    rejects = [json.loads(l) for l in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["id"], r["stage"], r["error"]) for r in rejects] == [
        ("c-french.txt", "filter", "LanguageNotSelected"), ("d-short.txt", "filter", "TooFewWords")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["filtered"] == {"LanguageNotSelected": 1, "TooFewWords": 1}
    assert manifest["inputs"] == 4 and manifest["documents"] == 2
    assert "  rejected: 0" in result.stdout.decode().splitlines()
    assert f"  left out by the filters: 2 (LanguageNotSelected 1, TooFewWords 1; see {out / 'rejects.jsonl'})" \
        in result.stdout.decode().splitlines()
    # the same as clean, byte for byte
    clean = run_cli("clean", "--corpus-pass", "--format", "jsonl", "--languages", "en,de", "--min-words", "12",
                    str(mixed))
    assert "".join(p.read_text() for p in sorted(out.glob("part-*.jsonl"))) == clean.stdout.decode()
    # another filter is another run: the output changes with it
    again = run_cli("batch", str(mixed), str(out), "--languages", "fr")
    assert again.returncode == 0, again.stderr
    records = [json.loads(l) for p in sorted(out.glob("part-*.jsonl")) for l in p.read_text().splitlines()]
    assert [r["id"] for r in records] == ["c-french.txt"]
    assert json.loads((out / "manifest.json").read_text())["filtered"] == {"LanguageNotSelected": 3}
