"""The command line, run as a subprocess the way users run it."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios

import pytest

from pipeline import clean_bytes

from .conftest import EXPECTED, FIXTURES, SEEDS, run_cli

SEED = SEEDS[3]  # 003: title, widgets, footer navigation

RECORD_KEYS = ["id", "path", "title", "date", "publisher", "author", "url", "crawl_date", "language", "description", "encoding",
               "extractor", "extractors",
               "text", "removed", "flags",
               "duplicate_of", "duplicate_similarity"]


def test_single_file_prints_clean_text():
    result = run_cli("clean", str(SEED))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (EXPECTED / SEED.name).read_text(encoding="utf-8")
    assert result.stderr == b""  # quiet when stderr is not a terminal


@pytest.mark.parametrize("args", [("clean", "-"), ("clean",)])
def test_stdin(args):
    result = run_cli(*args, stdin=SEED.read_bytes())
    assert result.returncode == 0
    assert result.stdout.decode() == (EXPECTED / SEED.name).read_text(encoding="utf-8")


def test_jsonl_for_a_directory_with_relative_ids(tmp_path):
    tree = tmp_path / "in"
    (tree / "sub").mkdir(parents=True)
    for seed in SEEDS[:2]:
        shutil.copy(seed, tree / seed.name)
    with gzip.open(tree / "sub" / "zipped.txt.gz", "wb") as gz:
        gz.write(SEEDS[4].read_bytes())
    (tree / "notes.md").write_text("not picked up")
    result = run_cli("clean", str(tree))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["id"] for r in records] == [SEEDS[0].name, SEEDS[1].name, "sub/zipped.txt.gz"]
    assert all(list(r) == RECORD_KEYS for r in records)
    assert records[2]["publisher"] == "Khaama Press" and records[2]["date"] == "2024-10-19"
    assert b"notes.md: skipped" in result.stderr


def test_jsonl_record_is_byte_identical_to_the_python_api():
    result = run_cli("clean", "--format", "jsonl", str(SEED))
    api = clean_bytes(SEED.read_bytes(), id=SEED.name, path=str(SEED)).to_json_line()
    assert result.stdout.decode() == api


def test_bad_inputs_are_reported_one_line_each_and_others_still_processed(tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    result = run_cli("clean", "--format", "jsonl", str(missing), str(binary), str(SEED), str(empty))
    assert result.returncode == 1
    errors = result.stderr.decode().splitlines()
    assert errors[0] == f"boilerstrip: error: {missing}: no such file"
    assert errors[1].startswith(f"boilerstrip: error: {binary}: binary data, not text (PNG image)")
    assert errors[2] == f"boilerstrip: error: {empty}: empty input (no text)"
    assert errors[3] == "boilerstrip: 3 of 4 documents failed"
    assert b"Traceback" not in result.stderr
    # several arguments: ids are paths relative to their common parent
    common = os.path.commonpath([str(tmp_path), str(SEED.parent)])
    assert [json.loads(l)["id"] for l in result.stdout.decode().splitlines()] == [os.path.relpath(SEED, common)]


def test_text_output_directory_mirrors_the_input_tree(tmp_path):
    tree = tmp_path / "in"
    (tree / "a" / "b").mkdir(parents=True)
    shutil.copy(SEEDS[0], tree / "a" / "b" / "x.txt")
    with gzip.open(tree / "a" / "y.txt.gz", "wb") as gz:
        gz.write(SEEDS[1].read_bytes())
    out = tmp_path / "out"
    result = run_cli("clean", str(tree), "--format", "text", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == ["a/b/x.txt", "a/y.txt"]
    assert (out / "a/b/x.txt").read_text(encoding="utf-8") == (EXPECTED / SEEDS[0].name).read_text(encoding="utf-8")


def test_text_format_for_several_inputs_needs_an_output_directory():
    result = run_cli("clean", "--format", "text", str(SEEDS[0]), str(SEEDS[1]))
    assert result.returncode == 2
    assert b"needs -o DIRECTORY" in result.stderr


def test_jsonl_output_file(tmp_path):
    target = tmp_path / "out.jsonl"
    result = run_cli("clean", *map(str, SEEDS), "-o", str(target))
    assert result.returncode == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(SEEDS)
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary files left


def test_user_rules_and_explain(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mysite.toml").write_text(
        """
[[rule]]
id = "mysite-promo"
description = "Our site's own promo line."
pattern = '^Try Example Premium\\b'
case = "insensitive"
action = "drop_line"
match = ["Try Example Premium this weekend"]
no_match = ["Example Premium sales rose."]
""",
        encoding="utf-8",
    )
    source = tmp_path / "doc.txt"
    source.write_text("The council met on Monday.\nTry Example Premium this weekend\nIt voted to expand parks.\n")
    result = run_cli("clean", str(source), "--rules", str(rules), "--explain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "The council met on Monday.\n\nIt voted to expand parks.\n"
    assert "line 2 [mysite-promo] Try Example Premium this weekend" in result.stderr.decode()


def test_invalid_user_rules_exit_2_naming_file_and_rule(tmp_path):
    (tmp_path / "bad.toml").write_text(
        "[[rule]]\nid = 'broken'\ndescription = 'x'\npattern = '(unclosed'\ncase = 'sensitive'\n"
        "action = 'drop_line'\nmatch = ['a']\nno_match = ['b']\n"
    )
    result = run_cli("clean", str(SEED), "--rules", str(tmp_path))
    assert result.returncode == 2
    assert "bad.toml: rule 'broken': invalid pattern" in result.stderr.decode()
    assert result.stdout == b""


def test_ascii_punctuation_and_body_only():
    result = run_cli("clean", "--ascii-punctuation", "--body-only", "-", stdin="The Title Here\n“Hello” – world’s end.".encode())
    assert result.stdout.decode() == "\"Hello\" - world's end.\n"


def test_version_and_help():
    assert run_cli("--version").stdout.decode().startswith("boilerstrip ")
    help_text = run_cli("clean", "--help").stdout.decode()
    for option in ("--format", "--output", "--rules", "--explain", "--ascii-punctuation"):
        assert option in help_text


def test_progress_bar_only_when_stderr_is_a_terminal(tmp_path):
    main, secondary = pty.openpty()
    # A fresh pty is 0x0; tqdm sizes its bar from the terminal, so give it a size.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "clean", *map(str, SEEDS), "-o", str(tmp_path / "o.jsonl")],
            stderr=secondary, stdout=subprocess.PIPE, timeout=120,
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert result.returncode == 0
    assert b"5/5" in shown and b"doc" in shown


# --- HTML and JSONL input ------------------------------------------------------

HTML_PAGE = FIXTURES / "html" / "harbour-news.html"


def test_html_file_and_stdin_give_the_article_with_its_title():
    result = run_cli("clean", str(HTML_PAGE))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert text.startswith("Harbour dredging to start in spring after council vote\n\nThe council approved")
    assert "Advertisement" not in text and "Privacy policy" not in text
    piped = run_cli("clean", stdin=HTML_PAGE.read_bytes())  # sniffed as HTML
    assert piped.returncode == 0 and piped.stdout.decode() == text
    record = json.loads(run_cli("clean", "--format", "jsonl", str(HTML_PAGE)).stdout)
    assert list(record) == RECORD_KEYS
    assert (record["publisher"], record["date"], record["extractor"]) == ("Coastline Courier", "2024-10-19", "combined")


def test_jsonl_input_reports_bad_lines_and_cleans_the_rest(tmp_path):
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("\n".join([
        json.dumps({"id": "page-1", "html": HTML_PAGE.read_text(encoding="utf-8"), "url": "https://m.example/1"}),
        "{not json",
        json.dumps({"id": "story-2", "text": SEED.read_text(encoding="utf-8"), "date": "2024-10-19"}),
        json.dumps({"id": "story-3", "text": 42}),
    ]) + "\n", encoding="utf-8")
    result = run_cli("clean", str(crawl))  # JSONL in, JSONL out by default
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(r["id"], r["extractor"]) for r in records] == [("page-1", "combined"), ("story-2", None)]
    assert records[0]["url"] == "https://m.example/1" and records[1]["date"] == "2024-10-19"
    assert result.stderr.decode().splitlines() == [
        f"boilerstrip: error: {crawl}: line 2: not valid JSON (Expecting property name enclosed in double quotes at character 2)",
        f"boilerstrip: error: {crawl}: line 4: field 'text' must be a string, got int",
        "boilerstrip: 2 of 4 documents failed",
    ]
    piped = run_cli("clean", "--input-format", "jsonl", "-", stdin=crawl.read_bytes())
    assert [{**json.loads(line), "path": None} for line in piped.stdout.decode().splitlines()] == [
        {**r, "path": None} for r in records]
    assert b"<stdin>: line 2: not valid JSON" in piped.stderr


def test_jsonl_ids_never_write_outside_the_text_output_directory(tmp_path):
    crawl = tmp_path / "crawl.jsonl"
    lines = [{"id": "../../escape", "text": "A story that tries to escape its folder."},
             {"id": "/etc/passwd", "text": "A story with an absolute id."},
             {"text": "A story without an id."}]
    crawl.write_text("".join(json.dumps(l) + "\n" for l in lines), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("clean", str(crawl), "--format", "text", "-o", str(out))
    assert result.returncode == 1
    assert sorted(p.name for p in tmp_path.rglob("*.txt")) == ["crawl.jsonl:3.txt"]
    assert result.stderr.decode().count("refusing unsafe output name") == 2
