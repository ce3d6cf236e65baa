"""WARC and WET input: which records become documents, what is skipped and counted, damaged records.

Every archive here is built by tests/warcdata.py, byte by byte.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib

import brotli
import pytest

from pipeline.document import Document, Reject, SkippedRecord
from pipeline.io.sources import Source

from .conftest import run_cli
from .warcdata import (
    ARTICLES,
    DATE,
    article,
    record,
    request,
    response,
    warc_file,
    warcinfo,
)


def _records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def _items(path) -> list[Document | Reject | SkippedRecord]:
    return list(Source(path.name, str(path), format="warc").documents())


def _crawl(tmp_path, name="crawl.warc.gz"):
    """A small crawl: warcinfo, a request, two pages, a redirect, an image, a PDF, a script, a 404."""
    return warc_file(
        tmp_path / name,
        warcinfo(),
        request("https://example.org/news/1", "r1"),
        response("https://example.org/news/1", "p1", article(0).encode()),
        response("https://example.org/old", "redir", b"", status=301, headers=("Location: /news/2",)),
        response("https://example.org/news/2", "p2", article(1).encode()),
        response("https://example.org/logo.png", "img", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), content_type="image/png"),
        response("https://example.org/a.pdf", "pdf", b"%PDF-1.7 ...", content_type="application/pdf"),
        response("https://example.org/app.js", "js", b"console.log('x');", content_type="application/javascript"),
        response("https://example.org/gone", "gone", b"<html><body>Not found</body></html>", status=404),
    )


def test_response_records_are_documents_with_url_crawl_date_and_record_id(tmp_path):
    result = run_cli("clean", str(_crawl(tmp_path)))
    assert result.returncode == 0, result.stderr
    records = _records(result)
    assert [r["id"] for r in records] == ["<urn:uuid:p1>", "<urn:uuid:p2>"]
    assert [r["url"] for r in records] == ["https://example.org/news/1", "https://example.org/news/2"]
    assert all(r["crawl_date"] == DATE for r in records)
    assert records[0]["title"] == ARTICLES[0][0]
    assert ARTICLES[0][1] in records[0]["text"] and ARTICLES[1][2] in records[1]["text"]
    assert records[0]["extractor"] in ("combined", "justext")


def test_skipped_records_are_counted_with_reasons_never_cleaned(tmp_path):
    result = run_cli("clean", str(_crawl(tmp_path)))
    records = _records(result)
    assert not any("PNG" in r["text"] or "console.log" in r["text"] or "Not found" in r["text"] for r in records)
    note = [line for line in result.stderr.decode().splitlines() if "records skipped" in line]
    assert note == ["boilerstrip: note: 7 records skipped (not documents): 1 HTTP status 404, 1 not text "
                    "(application/javascript), 1 not text (application/pdf), 1 not text (image/png), "
                    "1 redirect (HTTP 301), 1 request record, 1 warcinfo record"]
    reasons = {item.id: item.reason for item in _items(tmp_path / "crawl.warc.gz") if isinstance(item, SkippedRecord)}
    assert reasons["<urn:uuid:redir>"] == "redirect (HTTP 301)"
    assert reasons["<urn:uuid:img>"] == "not text (image/png)"


@pytest.mark.parametrize("encoding, compress", [
    ("gzip", lambda b: gzip.compress(b, mtime=0)),
    ("deflate", zlib.compress),
    ("br", brotli.compress),
])
def test_content_encoding_is_undone(tmp_path, encoding, compress):
    body = compress(article(2).encode())
    path = warc_file(tmp_path / "c.warc", response("https://example.org/h", "h", body,
                                                    headers=(f"Content-Encoding: {encoding}",)))
    [doc] = _records(run_cli("clean", str(path), "--format", "jsonl"))
    assert doc["title"] == ARTICLES[2][0] and ARTICLES[2][1] in doc["text"]


def test_a_corrupt_compressed_body_is_an_error_for_that_record(tmp_path):
    broken = gzip.compress(article(2).encode(), mtime=0)[:40] + b"\x00" * 40
    path = warc_file(tmp_path / "c.warc",
                     response("https://example.org/x", "bad", broken, headers=("Content-Encoding: gzip",)),
                     response("https://example.org/y", "good", article(3).encode()))
    result = run_cli("clean", str(path))
    assert result.returncode == 1
    assert [r["id"] for r in _records(result)] == ["<urn:uuid:good>"]
    assert f"error: {path} [<urn:uuid:bad>]: record at offset 0: HTTP body: corrupt gzip body" in result.stderr.decode()


@pytest.mark.parametrize("charset, text", [
    ("windows-1252", "Café owners in Zürich said the naïve plan would cost €2m."),
    ("Shift_JIS", "東京の図書館は月曜日に再開した。洪水の被害から八か月ぶりである。"),
])
def test_the_http_charset_decides_the_decoding(tmp_path, charset, text):
    html = f"<html><head><title>Report</title></head><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    path = warc_file(tmp_path / "c.warc", response("https://example.org/c", "c", html.encode(charset),
                                                    content_type=f"text/html; charset={charset}"))
    [doc] = _records(run_cli("clean", str(path)))
    assert text in doc["text"]
    assert doc["encoding"] == {"windows-1252": "cp1252", "Shift_JIS": "shift_jis"}[charset]


def test_a_plain_text_response_takes_the_plain_text_path(tmp_path):
    text = "\n\n".join(ARTICLES[3])
    path = warc_file(tmp_path / "t.warc", response("https://example.org/t.txt", "t", text.encode(),
                                                    content_type="text/plain; charset=utf-8"))
    [doc] = _records(run_cli("clean", str(path)))
    assert doc["extractor"] is None and ARTICLES[3][2] in doc["text"]


def test_a_truncated_record_is_an_error_and_the_records_before_it_are_kept(tmp_path):
    last = response("https://example.org/3", "cut", article(2).encode())
    for name in ("t.warc", "t.warc.gz"):
        path = tmp_path / name
        raw = warc_file(path, response("https://example.org/1", "p1", article(0).encode()), last).read_bytes()
        path.write_bytes(raw[:-80])  # the download stopped inside the last record
        result = run_cli("clean", str(path))
        assert result.returncode == 1
        assert [r["id"] for r in _records(result)] == ["<urn:uuid:p1>"]
        [error] = [line for line in result.stderr.decode().splitlines() if "error:" in line]
        assert error.startswith(f"boilerstrip: error: {path} [<urn:uuid:cut>]: record at offset ")
        assert "is truncated" in error and "the file ends inside it" in error


@pytest.mark.parametrize("name", ["d.warc", "d.warc.gz"])
def test_after_a_corrupt_record_the_rest_of_the_file_is_read(tmp_path, name):
    bad = response("https://example.org/2", "bad", article(1).encode())
    bad = bad.replace(b"WARC/1.1\r\n", b"WARX/1.1\r\n", 1)  # not a WARC version line
    path = warc_file(tmp_path / name, response("https://example.org/1", "p1", article(0).encode()), bad,
                     response("https://example.org/3", "p3", article(2).encode()))
    result = run_cli("clean", str(path))
    assert result.returncode == 1
    assert [r["id"] for r in _records(result)] == ["<urn:uuid:p1>", "<urn:uuid:p3>"]
    errors = [line for line in result.stderr.decode().splitlines() if "error:" in line]
    assert len(errors) == 1 and "unreadable WARC data at offset" in errors[0]
    assert "reading resumed at offset" in errors[0]


def test_a_wrong_content_length_costs_that_record_not_the_file(tmp_path):
    good = response("https://example.org/1", "p1", article(0).encode())
    block = response("https://example.org/2", "long", article(1).encode())
    longer = block.replace(b"Content-Length: ", b"Content-Length: 9", 1)  # far past the record's end
    path = warc_file(tmp_path / "w.warc", good, longer[: len(longer) // 2], response("https://example.org/3", "p3",
                                                                                     article(3).encode()))
    items = _items(path)
    docs = [i.id for i in items if isinstance(i, Document)]
    assert docs[0] == "<urn:uuid:p1>"
    assert any(isinstance(i, Reject) for i in items)


def test_wet_conversion_records_are_plain_text(tmp_path):
    text = "\n".join(ARTICLES[0])
    path = warc_file(tmp_path / "crawl.warc.wet.gz", warcinfo(),
                     record("conversion", text.encode(), uri="https://example.org/news/1", record_id="w1"))
    result = run_cli("clean", str(path))
    assert result.returncode == 0, result.stderr
    [doc] = _records(result)
    assert doc["id"] == "<urn:uuid:w1>" and doc["url"] == "https://example.org/news/1" and doc["crawl_date"] == DATE
    assert doc["extractor"] is None and ARTICLES[0][1] in doc["text"]
    assert "1 warcinfo record" in result.stderr.decode()


def test_a_warc_is_sniffed_by_its_first_line(tmp_path):
    path = warc_file(tmp_path / "dump.bin", response("https://example.org/1", "p1", article(0).encode()))
    assert [r["id"] for r in _records(run_cli("clean", str(path)))] == ["<urn:uuid:p1>"]
    stdin = run_cli("clean", stdin=path.read_bytes())
    assert [(r["id"], r["path"]) for r in _records(stdin)] == [("<urn:uuid:p1>", None)]
    gz = warc_file(tmp_path / "dump.gz", response("https://example.org/1", "p1", article(0).encode()))
    assert [r["id"] for r in _records(run_cli("clean", str(gz)))] == ["<urn:uuid:p1>"]


def test_a_directory_walk_reads_warc_and_wet_files(tmp_path):
    (tmp_path / "in").mkdir()
    _crawl(tmp_path / "in")
    warc_file(tmp_path / "in" / "x.warc.wet.gz", record("conversion", "\n".join(ARTICLES[3]).encode(), record_id="w"))
    result = run_cli("clean", str(tmp_path / "in"))
    assert [r["id"] for r in _records(result)] == ["<urn:uuid:p1>", "<urn:uuid:p2>", "<urn:uuid:w>"]


def test_a_record_over_max_bytes_is_rejected_and_the_next_is_read(tmp_path):
    big = article(0) + "<!--" + "x" * 5000 + "-->"
    path = warc_file(tmp_path / "b.warc", response("https://example.org/1", "big", big.encode()),
                     response("https://example.org/2", "p2", article(1).encode()))
    result = run_cli("clean", str(path), "--max-bytes", "4000")
    assert [r["id"] for r in _records(result)] == ["<urn:uuid:p2>"]
    assert "[<urn:uuid:big>]: record at offset 0 exceeds the 4,000-byte limit" in result.stderr.decode()


def test_clean_start_up_imports_no_warc_or_parquet_library():
    probe = ("import sys, pipeline.cli as c; c.build_parser(); import pipeline.io.sources; "
             "print(sorted({'fastwarc', 'pyarrow', 'brotli'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_batch_equals_clean_for_a_warc_input_and_counts_skipped_records(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    _crawl(corpus)
    warc_file(corpus / "more.warc", response("https://example.org/4", "p4", article(3).encode()),
              request("https://example.org/4", "r4"))
    clean = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(corpus))
    assert clean.returncode == 0, clean.stderr
    batch = run_cli("batch", str(corpus), str(tmp_path / "out"), "-q")
    assert batch.returncode == 0, batch.stderr
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert b"".join(p.read_bytes() for p in parts) == clean.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["skipped_records"] == {"request record": 2, "HTTP status 404": 1,
                                           "not text (application/javascript)": 1, "not text (application/pdf)": 1,
                                           "not text (image/png)": 1, "redirect (HTTP 301)": 1, "warcinfo record": 1}
    assert manifest["documents"] == 3
    assert "skipped records (not documents): 8" in batch.stdout.decode()
