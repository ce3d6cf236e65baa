"""``clean --jobs N``: worker processes give the same bytes, messages and exit status as one process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from pipeline import chain as chain_module
from pipeline.chain import Chain
from pipeline.cli import parse_jobs
from pipeline.document import Document, Reject
from pipeline.options import CleanOptions
from pipeline.parallel import IN_FLIGHT_PER_JOB, WORKER_STAGE, available_cores
from pipeline.stages.strip import Strip

from .conftest import FIXTURES, SEEDS, run_cli

HTML_PAGE = FIXTURES / "html" / "harbour-news.html"
CORPUS = sorted((FIXTURES.parent / "tests" / "corpus").glob("*.txt"))


@pytest.fixture
def mixed_dir(tmp_path):
    """Seeds, the labeled corpus, an HTML page, a gzip-free binary file and an empty one."""
    tree = tmp_path / "in"
    (tree / "html").mkdir(parents=True)
    for path in [*SEEDS, *CORPUS]:
        shutil.copy(path, tree / path.name)
    shutil.copy(HTML_PAGE, tree / "html" / HTML_PAGE.name)
    (tree / "garbage.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tree / "empty.txt").write_bytes(b"")
    return tree


@pytest.fixture
def crawl_jsonl(tmp_path):
    """A JSONL file with pages, stories and bad lines (not JSON; a text that is not a string)."""
    lines = [json.dumps({"id": "page-1", "html": HTML_PAGE.read_text(encoding="utf-8"), "url": "https://m.example/1"}),
             "{not json"]
    lines += [json.dumps({"id": f"story-{i}", "text": seed.read_text(encoding="utf-8")}) for i, seed in enumerate(SEEDS)]
    lines += [json.dumps({"id": "bad-text", "text": 42})]
    lines += [json.dumps({"id": f"corpus-{i}", "text": path.read_text(encoding="utf-8")}) for i, path in enumerate(CORPUS)]
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return crawl


def _same_as_one_process(*args: str) -> None:
    one = run_cli("clean", *args)
    two = run_cli("clean", "-j", "2", *args)
    assert one.stdout, one.stderr
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


def test_a_directory_with_bad_inputs_is_byte_identical(mixed_dir):
    one = run_cli("clean", str(mixed_dir))
    assert one.returncode == 1 and b"garbage.txt: binary data" in one.stderr and b"2 of" in one.stderr
    _same_as_one_process(str(mixed_dir))


def test_a_jsonl_file_with_bad_lines_is_byte_identical(crawl_jsonl):
    _same_as_one_process(str(crawl_jsonl))
    _same_as_one_process("--explain", "--drop-duplicates", str(crawl_jsonl))


def test_html_and_text_output_are_byte_identical(tmp_path, mixed_dir):
    _same_as_one_process(str(HTML_PAGE))
    _same_as_one_process("--format", "jsonl", "--ascii-punctuation", str(HTML_PAGE), str(SEEDS[0]))
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = run_cli("clean", "--format", "text", "-o", str(one), str(mixed_dir))
    r2 = run_cli("clean", "-j", "2", "--format", "text", "-o", str(two), str(mixed_dir))
    assert (r1.returncode, r1.stderr) == (r2.returncode, r2.stderr.replace(b"/two", b"/one"))
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


def test_messages_keep_their_order_when_the_input_is_read_ahead(tmp_path):
    """Skipped files, unreadable inputs and failures are reported in input order, as with one
    process, although several chunks are read before the first comes back."""
    tree = tmp_path / "many"
    tree.mkdir()
    for i in range(400):
        name = tree / f"{i:04d}"
        if i % 45 == 7:
            name.with_suffix(".md").write_text("not picked up")
        elif i % 60 == 11:
            name.with_suffix(".txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        else:
            name.with_suffix(".txt").write_text(f"Story {i} about the harbour.\nIt has a second line.\n")
    one = run_cli("clean", str(tree))
    lines = one.stderr.decode().splitlines()
    assert one.returncode == 1 and len(lines) == 9 + 7 + 1
    assert "0007.md: skipped, unsupported file type (expected .txt" in lines[0]
    assert "0011.txt: binary data" in lines[1] and "0052.md: skipped" in lines[2]
    _same_as_one_process(str(tree))


@pytest.mark.slow
def test_the_corpus_pass_with_jobs_is_byte_identical(mixed_dir):
    _same_as_one_process("--corpus-pass", "--drop-duplicates", str(mixed_dir))


def test_jobs_zero_means_every_available_core():
    assert parse_jobs("0") == available_cores() >= 1
    assert parse_jobs("3") == 3
    assert run_cli("clean", "-j", "-1", str(SEEDS[0])).returncode == 2


def _crash_on_marker(self, doc):
    if "KILL-THE-WORKER" in doc.text:
        os._exit(9)  # as a segfault in a library would: no exception, the process is gone
    return _real_strip(self, doc)


_real_strip = Strip.__call__


def test_a_document_that_kills_its_worker_is_rejected_and_the_others_are_cleaned(monkeypatch):
    monkeypatch.setattr(Strip, "__call__", _crash_on_marker)  # the workers are forked: they see it
    texts = [f"Story number {i} about the harbour.\nIt has a second line." for i in range(150)]
    texts[70] = "KILL-THE-WORKER\nand a second line."
    items = [(i, Document(id=f"doc-{i}", text=text)) for i, text in enumerate(texts)]
    expected = list(Chain(CleanOptions()).stream(items[:70] + items[71:]))
    results = list(Chain(CleanOptions()).stream(items, jobs=2))
    assert [key for key, _ in results] == list(range(150))
    crashed = results[70][1]
    assert isinstance(crashed, Reject) and (crashed.id, crashed.stage, crashed.internal) == ("doc-70", WORKER_STAGE, True)
    assert "worker process" in crashed.describe()
    others = results[:70] + results[71:]
    assert [(k, d.to_json_line()) for k, d in others] == [(k, d.to_json_line()) for k, d in expected]


def test_the_input_is_read_only_a_few_chunks_ahead(monkeypatch):
    monkeypatch.setattr(chain_module, "CHUNK_DOCUMENTS", 4)
    read = 0

    def items():
        nonlocal read
        for i in range(200):
            read += 1
            yield i, Document(id=str(i), text=f"Line {i} of a short story.")

    ahead = []
    for done, _ in enumerate(Chain(CleanOptions()).stream(items(), jobs=2), start=1):
        ahead.append(read - done)
    assert done == 200
    assert max(ahead) <= (IN_FLIGHT_PER_JOB * 2 + 1) * 4


def test_stage_timings_come_back_from_the_workers():
    timings: dict[str, float] = {}
    items = [(i, Document(id=str(i), raw=seed.read_bytes())) for i, seed in enumerate(SEEDS)]
    list(Chain(CleanOptions()).stream(items, timings, jobs=2))
    assert list(timings) == [stage.name for stage in Chain(CleanOptions()).stages]
    assert all(seconds > 0 for seconds in timings.values())


def test_jobs_work_when_the_command_line_runs_under_another_main(tmp_path):
    """What the workers send back must pickle whatever ``__main__`` is: under ``python -m
    cProfile -m pipeline.cli`` the command line's own module is not ``__main__``."""
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Story {i} about the harbour.\nIt has a second line.\n")
    profile = tmp_path / "clean.prof"
    result = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "pipeline.cli", "clean", "-j",
                             "2", str(tmp_path)], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert len(result.stdout.decode().splitlines()) == 3
