"""Hostile input: whatever a crawler drags in, each bad document gets one clear
error line (``clean``) or a rejects.jsonl entry (``batch``), every good document
is still processed, nothing hangs, memory stays bounded and nothing is written
outside the output directory.

Every fixture is generated here, in ``tmp_path``; binary fixtures are never
committed. Each test runs in a few seconds (the slow ones are marked).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.chain import clean_document
from pipeline.document import Document, Reject
from pipeline.errors import (
    DocumentError,
    EmptyInputError,
    InputNotFoundError,
    InputTooLargeError,
    LineTooLongError,
    UnextractableInputError,
)
from pipeline.io.sources import Skipped, Source, walk_directory
from pipeline.options import CleanOptions
from pipeline.stages.repair import check_line_length

from .conftest import ROOT, run_cli

GOOD = ("Harbour Dredging Approved\n\nThe council approved the harbour dredging plan on Monday.\n"
        "Work will start in the spring and last eleven weeks, officials said.\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
MIB = 1024 * 1024
PAGE = ("<!DOCTYPE html><html><head><title>Harbour Dredging Approved</title></head><body><article>"
        "<h1>Harbour Dredging Approved</h1>{body}</article></body></html>")
PARAGRAPH = ("<p>The council approved the harbour dredging plan on Monday after a long debate about costs, "
             "and officials said the work would start in the spring and last eleven weeks.</p>")


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The command line, importing this checkout's package (run from the repository root)."""
    return run_cli(*args, cwd=ROOT, **kwargs)


def timed_cli(*args: str, **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    result = cli(*args, **kwargs)
    return result, time.perf_counter() - started


def errors(result: subprocess.CompletedProcess) -> list[str]:
    lines = result.stderr.decode().splitlines()
    assert not any("Traceback" in line or "internal error" in line for line in lines), result.stderr.decode()
    return [line for line in lines if line.startswith("boilerstrip: error: ")]


def records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def gzip_bomb(path: Path, mebibytes: int, unit: bytes = b"a" * MIB, head: bytes = b"", tail: bytes = b"") -> Path:
    """A small .gz expanding to ``mebibytes`` MiB of ``unit``: one compressed member,
    repeated (gzip files may hold many members; every reader concatenates them)."""
    member = gzip.compress(unit, compresslevel=9, mtime=0)
    with open(path, "wb") as out:
        if head:
            out.write(gzip.compress(head, mtime=0))
        out.write(member * (mebibytes * MIB // len(unit)))
        if tail:
            out.write(gzip.compress(tail, mtime=0))
    return path


def peak_rss_cli(*args: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run the CLI in a child that reports its own peak RSS (KiB) on its last stderr line."""
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a child
    # forked from a pytest process of 450 MiB reported 450 MiB whatever it used itself.
    code = ("import re, sys\nfrom pipeline.cli import main\nrc = main(sys.argv[1:])\n"
            "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "sys.stderr.write(f'maxrss={hwm}\\n')\nsys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, cwd=ROOT, timeout=120,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    last = result.stderr.decode().splitlines()[-1]
    assert last.startswith("maxrss="), result.stderr.decode()
    return result, int(last.split("=")[1])


def jl(**fields) -> bytes:
    return json.dumps(fields).encode() + b"\n"


# --- 1. empty and whitespace-only -------------------------------------------------

def test_empty_and_whitespace_only_files_are_one_error_each(tmp_path):
    cases = {
        "empty.txt": (b"", "empty input (no text)"),
        "blank.txt": (b"  \n\t \r\n", "input is whitespace only"),
        "empty.html": (b"", "empty input (no text)"),
        "blank.html": (b"\n   \n", "input is whitespace only"),
        "empty.jsonl": (b"", "empty input (no JSONL records)"),
        "blank.jsonl": (b"\n  \n\t\n", "input is whitespace only (no JSONL records)"),
        "blank.jsonl.gz": (gzip.compress(b"\n\n"), "input is whitespace only (no JSONL records)"),
    }
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    paths = [str(tmp_path / name) for name in cases] + [str(tmp_path / "good.txt")]
    result = cli("clean", "--format", "jsonl", *paths)
    assert result.returncode == 1
    assert errors(result) == [f"boilerstrip: error: {tmp_path / name}: {message}" for name, (_, message) in cases.items()]
    assert [r["id"] for r in records(result)] == ["good.txt"]
    assert result.stderr.decode().splitlines()[-1] == f"boilerstrip: {len(cases)} of {len(cases) + 1} documents failed"


def test_an_empty_jsonl_on_stdin_is_an_error_too():
    result = cli("clean", "--input-format", "jsonl", stdin=b"")
    assert result.returncode == 1 and errors(result) == ["boilerstrip: error: <stdin>: empty input (no JSONL records)"]


# --- 2. binary data -------------------------------------------------------------

def test_binary_files_are_refused_and_nul_bytes_inside_text_are_removed(tmp_path):
    rng = random.Random(20241019)
    cases = {
        "random.txt": (rng.randbytes(8192), "binary data, not text"),
        "random.html": (rng.randbytes(8192), "binary data, not text"),
        "picture.txt": (PNG + rng.randbytes(2048), "binary data, not text (PNG image)"),
        "paper.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(4096), "binary data, not text (PDF document)"),
        "zeros.txt": (bytes(65536), "binary data, not text"),
    }
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
    nuls = tmp_path / "nuls.txt"
    nuls.write_bytes(GOOD.replace("council", "coun\x00cil").replace("spring", "spring\x00").encode())
    result = cli("clean", "--format", "jsonl", *(str(tmp_path / n) for n in cases), str(nuls))
    assert result.returncode == 1
    lines = errors(result)
    assert len(lines) == len(cases)
    for line, (name, (_, message)) in zip(lines, cases.items(), strict=True):
        assert line.startswith(f"boilerstrip: error: {tmp_path / name}: {message}"), line
    [record] = records(result)
    assert record["id"] == "nuls.txt" and "\x00" not in record["text"]
    assert "The council approved" in record["text"] and "control-chars-removed" in record["flags"]


# --- 3. broken encodings ----------------------------------------------------------

def test_invalid_utf8_in_the_middle_is_repaired_and_flagged_and_bom_less_utf16_is_read(tmp_path):
    middle = tmp_path / "middle.txt"
    middle.write_bytes("Café Owners Protest\n\nThe café’s owners said the rent rose by 40%.\n".encode()
                       + b"A stray \x92 and \xff byte.\n" + "Zürich officials declined to comment.\n".encode())
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(GOOD.encode("utf-16-le"))
    result = cli("clean", "--format", "jsonl", str(middle), str(utf16))
    assert result.returncode == 0, result.stderr
    first, second = records(result)
    assert first["encoding"] == "utf-8" and "invalid-utf8-bytes-repaired" in first["flags"]
    assert "A stray ’ and ÿ byte." in first["text"] and "Zürich officials" in first["text"]
    assert second["encoding"] == "utf-16-le" and second["title"] == "Harbour Dredging Approved"


# --- 4. gzip bombs --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.html.gz"])
def test_gzip_bomb_is_rejected_at_the_limit_without_inflating_it_all(tmp_path, name):
    bomb = gzip_bomb(tmp_path / name, 1024)  # 1 MiB on disk, 1 GiB inflated
    assert bomb.stat().st_size < 2 * MIB
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result, seconds = timed_cli("clean", "--format", "jsonl", str(bomb), str(tmp_path / "good.txt"))
    assert result.returncode == 1
    assert errors(result) == [f"boilerstrip: error: {bomb}: decompressed input exceeds the 67,108,864-byte limit "
                              "(see --max-bytes)"]
    assert [r["id"] for r in records(result)] == ["good.txt"]
    assert seconds < 8  # inflating the whole GiB alone takes longer than reading 64 MiB and stopping


def test_jsonl_gzip_bomb_of_one_endless_line_stops_reading_that_file(tmp_path):
    bomb = gzip_bomb(tmp_path / "crawl.jsonl.gz", 2048, head=jl(id="first", text=GOOD) + b'{"text": "',
                     tail=b'"}\n' + jl(id="never-read", text=GOOD))  # 2 GiB in one line
    result, seconds = timed_cli("clean", str(bomb))
    assert result.returncode == 1
    assert errors(result) == [
        f"boilerstrip: error: {bomb}: line 2: longer than the 67,108,864-byte limit (see --max-bytes), and still no "
        "line break after 268,435,456 bytes: the rest of the file is not read (a decompression bomb, or not JSONL)"]
    assert [r["id"] for r in records(result)] == ["first"]
    assert seconds < 8


def test_jsonl_over_long_line_within_reach_is_skipped_and_the_next_lines_read(tmp_path):
    crawl = gzip_bomb(tmp_path / "crawl.jsonl.gz", 3, head=jl(id="first", text=GOOD) + b'{"text": "',
                      tail=b'"}\n' + jl(id="last", text=GOOD))
    result = cli("clean", "--max-bytes", str(MIB), str(crawl))
    assert result.returncode == 1
    assert errors(result) == [f"boilerstrip: error: {crawl}: line 2: longer than the 1,048,576-byte limit (see --max-bytes)"]
    assert [r["id"] for r in records(result)] == ["first", "last"]


@pytest.mark.slow
def test_jsonl_gzip_bomb_of_many_small_lines_is_streamed(tmp_path):
    # 512 MiB of short blank lines between two records: far more than the memory the run may use.
    bomb = gzip_bomb(tmp_path / "crawl.jsonl.gz", 512, unit=(b" " * 4095 + b"\n") * 256,
                     head=jl(id="first", text=GOOD), tail=jl(id="last", text=GOOD))
    started = time.perf_counter()
    result, peak_kib = peak_rss_cli("clean", str(bomb))
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in records(result)] == ["first", "last"]
    assert peak_kib < 400 * 1024  # a few hundred MiB of code and models; not the 512 MiB of input
    assert time.perf_counter() - started < 20


# --- 5. one huge line ------------------------------------------------------------------

def test_a_50_mb_single_line_is_rejected_in_seconds(tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"word " * (50 * MIB // 5))
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result, seconds = timed_cli("clean", "--format", "jsonl", str(huge), str(tmp_path / "good.txt"))
    assert result.returncode == 1
    assert errors(result) == [f"boilerstrip: error: {huge}: line 1 is 52,428,800 characters long; over the "
                              "1,000,000-character limit for one paragraph (see --max-line-chars)"]
    assert [r["id"] for r in records(result)] == ["good.txt"]
    assert seconds < 8


def test_line_limit_option_counts_lines_as_repair_does(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_bytes(b"Short first line.\r\nSecond line.\r" + b"x" * 2500 + b"\nlast\n")
    result = cli("clean", "--max-line-chars", "2000", str(doc))
    assert errors(result) == [f"boilerstrip: error: {doc}: line 3 is 2,500 characters long; over the "
                              "2,000-character limit for one paragraph (see --max-line-chars)"]
    assert cli("clean", "--max-line-chars", "0", str(doc)).returncode == 0  # 0: no limit
    assert cli("clean", "--max-line-chars", "-1", str(doc)).returncode == 2


def test_line_limit_applies_to_extracted_page_text_and_jsonl_records(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(body=PARAGRAPH * 3 + "<p>" + "Endless sentence " * 1000 + "</p>"), encoding="utf-8")
    result = cli("clean", "--max-line-chars", "10000", str(page))
    [line] = errors(result)
    # The line number is the extracted text's (the page's heading and paragraphs come first).
    assert re.fullmatch(rf"boilerstrip: error: {re.escape(str(page))}: line \d+ is 16,999 characters long; over the "
                        r"10,000-character limit for one paragraph \(see --max-line-chars\)", line)
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_bytes(jl(id="long", text="y" * 20000) + jl(id="fine", text=GOOD))
    result = cli("clean", "--max-line-chars", "10000", str(crawl))
    assert errors(result) == [f"boilerstrip: error: {crawl} [long]: line 1 is 20,000 characters long; over the "
                              "10,000-character limit for one paragraph (see --max-line-chars)"]
    assert [r["id"] for r in records(result)] == ["fine"]


def test_check_line_length_agrees_with_a_plain_split():
    import re

    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(["ab", "c", "\n", "\r", "\r\n", "wxyz"]) for _ in range(rng.randint(0, 30)))
        limit = rng.randint(1, 9)
        lines = re.split(r"\r\n|\r|\n", text)
        expected = next(((i, len(l)) for i, l in enumerate(lines, 1) if len(l) > limit), None)
        try:
            check_line_length(text, limit)
            found = None
        except LineTooLongError as exc:
            m = re.match(r"line (\d+) is (\d+) characters", str(exc))
            found = (int(m[1]), int(m[2]))
        assert found == expected, (text, limit)
    started = time.perf_counter()
    check_line_length(("A line of an ordinary paragraph.\n" * 2_000_000), 1_000_000)  # 66 MB, many lines
    assert time.perf_counter() - started < 1


def test_clean_text_keeps_its_promise_never_to_raise():
    from pipeline import clean_text

    assert "x" * 1000 in clean_text("x" * 1_100_000).text  # no limit for a str handed over in Python


# --- 6. deep and huge HTML ------------------------------------------------------------

def test_deeply_nested_html_is_a_clear_error_in_bounded_time(tmp_path):
    deep = tmp_path / "deep.html"
    deep.write_text(PAGE.format(body=PARAGRAPH + "<div>" * 100_000 + PARAGRAPH + "</div>" * 100_000), encoding="utf-8")
    shallow = tmp_path / "shallow.html"  # 200 levels: below libxml2's limit, extracted normally
    shallow.write_text(PAGE.format(body="<div>" * 200 + PARAGRAPH * 3 + "</div>" * 200), encoding="utf-8")
    result, seconds = timed_cli("clean", "--format", "jsonl", str(deep), str(shallow))
    assert errors(result) == [f"boilerstrip: error: {deep}: HTML nested more than 255 elements deep: the HTML parser "
                              "(libxml2) stops there and the rest of the page would be lost"]
    [record] = records(result)
    assert record["id"] == "shallow.html" and "eleven weeks" in record["text"]
    assert seconds < 8


def test_a_recursion_error_in_the_extractors_is_a_document_error(monkeypatch):
    from pipeline.extractors import trafilatura_adapter

    def overflow(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura_adapter, "blocks", overflow)
    with pytest.raises(UnextractableInputError, match="nested too deeply for the extractors"):
        clean_document(Document(id="p", html=PAGE.format(body=PARAGRAPH), format="html"))


def test_a_20_mib_page_is_rejected_by_the_page_limit(tmp_path):
    big = tmp_path / "big.html"
    big.write_text(PAGE.format(body=PARAGRAPH * (20 * MIB // len(PARAGRAPH) + 1)), encoding="utf-8")
    result, seconds = timed_cli("clean", str(big))
    [line] = errors(result)
    assert line.startswith(f"boilerstrip: error: {big}: page is 20,97") and line.endswith(
        "characters long; over the 20,000,000-character limit for one HTML page (see --max-page-chars)")
    assert seconds < 8


@pytest.mark.slow
def test_a_page_of_many_paragraphs_under_the_limit_is_extracted(tmp_path):
    page = tmp_path / "long.html"
    body = "".join(PARAGRAPH.replace("Monday", f"day {i}") for i in range(4000))  # 0.8 MB, 4,000 paragraphs
    page.write_text(PAGE.format(body=body), encoding="utf-8")
    result, seconds = timed_cli("clean", "--format", "jsonl", str(page))
    assert result.returncode == 0, result.stderr
    [record] = records(result)
    assert record["extractor"] == "combined" and record["text"].count("eleven weeks") >= 3900
    assert seconds < 30


def test_lone_surrogates_in_a_page_string_do_not_cut_the_page_short():
    html = PAGE.format(body=PARAGRAPH + "<p>A broken \ud800 escape in the middle.</p>" + PARAGRAPH * 2)
    doc = clean_document(Document(id="p", html=html, format="html"))
    assert "surrogates-repaired" in doc.flags and "A broken \ufffd escape in the middle." in doc.text
    doc.to_json_line().encode("utf-8")


def test_control_characters_in_a_page_do_not_crash_the_fallback_extractor(tmp_path):
    # Found by tests/test_fuzz.py: jusText (lxml_html_clean) raised ValueError on the
    # U+001F after a dropped <script>; through the CLI it was an "internal error".
    page = tmp_path / "short.html"
    page.write_bytes(b"<html><body><script>var x;</script>\x1f<p>Short\x07 page, f\x00ew words.</p>\x0c</body></html>")
    result = cli("clean", "--format", "jsonl", str(page))
    assert result.returncode == 0 and not errors(result)
    [record] = records(result)
    assert record["text"] == "Short page, few words." and "control-chars-removed" in record["flags"]


def test_a_page_htmldate_cannot_search_is_still_cleaned():
    # Found by the long fuzz run: find_date raised AssertionError (lxml's drop_tree on the
    # root) for a page that starts with an <svg>; the date is optional, the page is not.
    doc = clean_document(Document(id="p", html="<svg><html><body>" + PARAGRAPH * 3, format="html"))
    assert doc.date is None


def test_a_page_jusText_cannot_clean_falls_back_to_trafilaturas_result():
    # Found by the long fuzz run: lxml_html_clean (inside jusText) raised ValueError
    # on a tree whose root is a comment; jusText is only the fallback.
    doc = clean_document(Document(id="p", html="<body><!--><html>", format="html"))
    assert doc.text == "" and "no-main-content" in doc.flags


# --- 7. JSONL -------------------------------------------------------------------------

def test_jsonl_hostile_lines_and_ids_never_escape_the_output_directory(tmp_path):
    crawl = tmp_path / "crawl.jsonl"
    lines = [
        jl(id="..", text=GOOD), jl(id="a/../../b", text=GOOD), jl(id=".", text=GOOD),
        jl(id="x" * 300, text=GOOD), jl(id="y" * 5000, text=GOOD), jl(id="nul\x00id", text=GOOD),
        jl(id="line\nbreak", text=GOOD), jl(id="fine/nested", text=GOOD),
        b'{"id": "float", "text": 1.5}\n', b'{"id": "list", "html": ["<p>"]}\n', b'{"id": 2.5, "text": "x"}\n',
        b'{"id": "sur\\ud800", "text": "x"}\n', b'{"id": "u", "url": "https://x.example/\\udc00", "text": "x"}\n',
        b"[" * 100_000 + b"\n", b'{"text": "unterminated\n', b"\xff\xfe{}\n",
        jl(id="last", text=GOOD),
    ]
    crawl.write_bytes(b"".join(lines))
    out = tmp_path / "out"
    before = {p for p in tmp_path.rglob("*")}
    result = cli("clean", str(crawl), "--format", "text", "-o", str(out))
    assert result.returncode == 1
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p == out or p.is_relative_to(out) for p in created), created
    # ".." and "." become the harmless names "...txt" and "..txt", inside the directory
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "...txt", "..txt", "fine/nested.txt", "last.txt"]
    messages = errors(result)
    assert len(messages) == len(lines) - 4
    text = "\n".join(messages)
    for expected in ("[a/../../b]: refusing unsafe output name 'a/../../b.txt'",
                     "[nul\\x00id]: refusing output name 'nul\\x00id.txt': it holds control characters",
                     "[line\\nbreak]: refusing output name 'line\\nbreak.txt': it holds control characters",
                     "line 9: field 'text' must be a string, got float", "line 10: field 'html' must be a string, got list",
                     "line 11: field 'id' must be a string or an integer, got float",
                     "line 12: field 'id' is not valid Unicode", "line 13: field 'url' is not valid Unicode",
                     "line 14: JSON nested too deeply to read", "line 15: not valid JSON", "line 16: not UTF-8"):
        assert expected in text, (expected, text)
    assert text.count("longer than 240 bytes") == 2


def test_jsonl_records_with_odd_but_valid_fields_are_cleaned(tmp_path):
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_bytes(jl(id=7, text=GOOD, url=None, extra={"nested": [1, 2]}) + jl(id="nul", text="Para\x00graph one.\n")
                      + jl(id="surrogate-text", text="Broken \udc80 text in a paragraph."))
    result = cli("clean", str(crawl))
    assert result.returncode == 0, result.stderr
    got = records(result)
    assert [r["id"] for r in got] == ["7", "nul", "surrogate-text"]
    assert "\x00" not in got[1]["text"] and "surrogates-repaired" in got[2]["flags"]


# --- 8. symbolic links -----------------------------------------------------------------

def _link_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "in"
    (tree / "sub").mkdir(parents=True)
    (tree / "good.txt").write_text(GOOD, encoding="utf-8")
    (tree / "sub" / "more.txt").write_text(GOOD, encoding="utf-8")
    (tree / "sub" / "up").symlink_to("..", target_is_directory=True)  # a directory loop
    (tree / "loop-a.txt").symlink_to("loop-b.txt")
    (tree / "loop-b.txt").symlink_to("loop-a.txt")
    (tree / "dangling.txt").symlink_to("nowhere.txt")
    (tree / "alias.txt").symlink_to("good.txt")  # a link to a file is read like the file
    os.mkfifo(tree / "pipe.txt")  # opening it would wait for a writer forever
    return tree


def test_symlink_loops_dangling_links_and_fifos_in_a_tree(tmp_path):
    tree = _link_tree(tmp_path)
    result, seconds = timed_cli("clean", str(tree))
    assert result.returncode == 1
    assert [r["id"] for r in records(result)] == ["alias.txt", "good.txt", "sub/more.txt"]
    assert errors(result) == [
        f"boilerstrip: error: {tree / 'dangling.txt'}: broken symbolic link (its target does not exist)",
        f"boilerstrip: error: {tree / 'loop-a.txt'}: symbolic link loop (too many levels of symbolic links)",
        f"boilerstrip: error: {tree / 'loop-b.txt'}: symbolic link loop (too many levels of symbolic links)",
    ]
    stderr = result.stderr.decode()
    assert f"note: {tree / 'sub' / 'up'}: skipped, symbolic link to a directory, not followed" in stderr
    assert f"note: {tree / 'pipe.txt'}: skipped, not a regular file (a FIFO, socket or device), not read" in stderr
    assert seconds < 8


# --- 9. unreadable files ------------------------------------------------------------------

# Root reads files whatever their mode, unless it gives up the capabilities that let it.
DROP_ROOT_READ = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                  "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"),
                    reason="root reads files whatever their mode (and setpriv is not there to drop that)")
def test_unreadable_file_and_directory(tmp_path):
    tree = tmp_path / "in"
    (tree / "locked").mkdir(parents=True)
    (tree / "good.txt").write_text(GOOD, encoding="utf-8")
    (tree / "secret.txt").write_text(GOOD, encoding="utf-8")
    (tree / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
    os.chmod(tree / "secret.txt", 0)
    os.chmod(tree / "locked", 0)
    prefix = DROP_ROOT_READ if os.geteuid() == 0 else []
    try:
        result = subprocess.run([*prefix, sys.executable, "-m", "pipeline.cli", "clean", str(tree)], capture_output=True,
                                cwd=ROOT, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        assert result.returncode == 1
        assert [r["id"] for r in records(result)] == ["good.txt"]
        assert errors(result) == [  # in the order the walk meets them: files first, then subdirectories
            f"boilerstrip: error: {tree / 'secret.txt'}: permission denied",
            f"boilerstrip: error: {tree / 'locked'}: cannot list directory (Permission denied); its files are not read"]
        assert result.stderr.decode().splitlines()[-1] == "boilerstrip: 2 of 3 documents failed"
    finally:
        os.chmod(tree / "locked", 0o755)
        os.chmod(tree / "secret.txt", 0o644)


def test_permission_errors_become_document_errors(tmp_path, monkeypatch):
    """The same mapping as above, where the tests run as root (which reads anything)."""
    import pipeline.io.reading as readers

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(readers, "open", denied, raising=False)
    [item] = Source("a.txt", str(tmp_path / "a.txt"), format="text").documents()
    assert isinstance(item, Reject) and item.error == InputNotFoundError.__name__
    assert item.message == "permission denied"

    def unlistable(top, onerror=None, followlinks=False):
        onerror(PermissionError(13, "Permission denied", str(top)))
        return iter(())

    monkeypatch.setattr(readers.os, "walk", unlistable)
    [entry] = walk_directory(tmp_path)
    assert isinstance(entry, Skipped) and entry.error and "cannot list directory (Permission denied)" in entry.reason


def test_non_utf8_file_names_are_reported_not_written_as_broken_records(tmp_path):
    tree = tmp_path / "in"
    tree.mkdir()
    (tree / "good.txt").write_text(GOOD, encoding="utf-8")
    (Path(os.fsdecode(bytes(tree) + b"/caf\xe9.txt"))).write_text(GOOD, encoding="utf-8")
    result = cli("clean", str(tree))
    assert [r["id"] for r in records(result)] == ["good.txt"]
    assert errors(result) == [f"boilerstrip: error: {tree}/caf\\xe9.txt: file name is not valid UTF-8 (rename the file to read it)"]


# --- batch: a representative mix ----------------------------------------------------------

@pytest.mark.slow
def test_batch_rejects_each_hostile_input_and_keeps_every_good_record(tmp_path):
    tree = _link_tree(tmp_path)
    (tree / "pipe.txt").unlink()  # luigi's workers are forked processes; keep the tree plain files and links
    rng = random.Random(5)
    (tree / "empty.txt").write_bytes(b"")
    (tree / "blank.jsonl").write_bytes(b"\n \n")
    (tree / "random.txt").write_bytes(rng.randbytes(4096))
    (tree / "picture.txt").write_bytes(PNG)
    (tree / "nuls.txt").write_bytes(GOOD.replace("council", "coun\x00cil").encode())
    gzip_bomb(tree / "bomb.txt.gz", 256)
    gzip_bomb(tree / "endless.jsonl.gz", 512, head=jl(id="bomb-first", text=GOOD) + b'{"text": "')
    (tree / "huge.txt").write_bytes(b"word " * (3 * MIB // 5))
    (tree / "deep.html").write_text(PAGE.format(body="<div>" * 5000 + PARAGRAPH + "</div>" * 5000), encoding="utf-8")
    (tree / "crawl.jsonl").write_bytes(jl(id="ok-1", text=GOOD) + b"{broken\n" + b"[" * 50_000 + b"\n"
                                       + jl(id="ok-2", html=PAGE.format(body=PARAGRAPH * 3)))
    (Path(os.fsdecode(bytes(tree) + b"/caf\xe9.txt"))).write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    batch = run_cli("batch", str(tree), str(out), "--shard-size", "3", cwd=ROOT)
    assert batch.returncode == 0, batch.stderr.decode()[-3000:]
    clean = cli("clean", "--corpus-pass", "--format", "jsonl", str(tree))
    parts = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("part-*.jsonl")))
    assert parts == clean.stdout.decode()  # byte-identical records, same order
    assert [r["id"] for r in records(clean)] == [
        "alias.txt", "ok-1", "ok-2", "bomb-first", "good.txt", "nuls.txt", "sub/more.txt"]
    rejects = {r["id"]: r for r in map(json.loads, (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines())}
    expected = {
        "caf\\xe9.txt": "file name is not valid UTF-8", "blank.jsonl": "input is whitespace only (no JSONL records)",
        "bomb.txt.gz": "exceeds the 67,108,864-byte limit", "crawl.jsonl:2": "line 2: not valid JSON",
        "crawl.jsonl:3": "line 3: JSON nested too deeply", "dangling.txt": "broken symbolic link",
        "deep.html": "nested more than 255 elements deep", "empty.txt": "empty input (no text)",
        "endless.jsonl.gz:2": "the rest of the file is not read", "huge.txt": "line 1 is 3,145,725 characters long",
        "loop-a.txt": "symbolic link loop", "loop-b.txt": "symbolic link loop", "picture.txt": "PNG image",
        "random.txt": "binary data, not text",
    }
    assert sorted(rejects) == sorted(expected)
    for doc_id, message in expected.items():
        assert message in rejects[doc_id]["message"], (doc_id, rejects[doc_id])
    clean_errors = errors(clean)
    assert len(clean_errors) == len(expected)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any(s["path"].endswith("sub/up") for s in manifest["skipped"])


def test_batch_applies_the_same_limits_as_clean(tmp_path):
    tree = tmp_path / "in"
    tree.mkdir()
    (tree / "short.txt").write_text(GOOD, encoding="utf-8")
    (tree / "long.txt").write_text(GOOD + "z" * 100 + "\n", encoding="utf-8")
    (tree / "page.html").write_text(PAGE.format(body=PARAGRAPH * 3), encoding="utf-8")
    out = tmp_path / "out"
    batch = run_cli("batch", str(tree), str(out), "--max-line-chars", "99", "--max-page-chars", "500", cwd=ROOT)
    assert batch.returncode == 0, batch.stderr
    clean = cli("clean", "--corpus-pass", "--format", "jsonl", "--max-line-chars", "99", "--max-page-chars", "500", str(tree))
    assert (out / "part-00000.jsonl").read_text(encoding="utf-8") == clean.stdout.decode()
    assert [r["id"] for r in records(clean)] == ["short.txt"]
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["error"]) for r in rejects] == [("long.txt", "LineTooLongError"), ("page.html", "InputTooLargeError")]
    assert [line.split(": ", 3)[3] for line in errors(clean)] == [r["message"] for r in rejects]


def test_batch_keys_change_with_the_limits(tmp_path):
    """A limit decides what the first segment produces: changing one reruns the shard."""
    from pipeline.batch.tasks import CleanCorpus

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    variants = [{}, {"max_line_chars": 5}, {"max_page_chars": 5}, {"max_bytes": 5}]
    tasks = [CleanCorpus(input_dir=str(tmp_path), output_dir=str(tmp_path / "out"), **v) for v in variants]
    assert len({t.run_key() for t in tasks}) == 4
    assert len({t.requires()[0].previous().key() for t in tasks}) == 4  # the prepare segment's own key


def test_options_carry_the_limits_through_the_python_api():
    with pytest.raises(LineTooLongError):
        clean_document(Document(id="d", raw=b"z" * 3000, format="text"), CleanOptions(max_line_chars=2000))
    with pytest.raises(InputTooLargeError, match="over the 100-character limit for one HTML page"):
        clean_document(Document(id="d", html=PAGE.format(body=PARAGRAPH), format="html"), CleanOptions(max_page_chars=100))
    assert clean_document(Document(id="d", raw=b"z" * 3000, format="text"), CleanOptions(max_line_chars=0)).text
    assert issubclass(LineTooLongError, InputTooLargeError) and issubclass(EmptyInputError, DocumentError)
