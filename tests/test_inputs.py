"""Inputs that used to be mistaken for article text (a JSONL dump on stdin, an HTTP
response from ``curl -si``, a WARC archive), unique ids across arguments, and the
small input faults: messages, option help, the evaluation data location."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from pipeline import clean_bytes
from pipeline.errors import MalformedRecordError, UnsupportedInputError
from pipeline.io.formats import SUFFIXES, looks_like_jsonl
from pipeline.io.http import split_http_response
from pipeline.io.jsonl import parse_record

from .conftest import SEEDS, eval_data_dir, run_cli

PAGE = (b"<html><head><title>Harbour ferry strike ends after talks</title></head><body><article>"
        b"<p>The ferry workers' union ended its strike on Monday after twelve hours of talks with the "
        b"port authority, which agreed to a new rota and a pay rise of four per cent.</p>"
        b"<p>Services resume on Tuesday morning, the operator said.</p></article></body></html>")
RECORDS = [{"id": "a", "text": "The council met on Monday to discuss the budget.\n\nAdvertisement"},
           {"id": "b", "text": "The mayor said the plan would cost less than expected."}]
DUMP = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()


def _records(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode().splitlines()]


# --- JSONL sniffed ---------------------------------------------------------------

def test_jsonl_on_stdin_is_recognised_without_being_told():
    result = run_cli("clean", stdin=DUMP)
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["text"] == "The council met on Monday to discuss the budget."


def test_jsonl_in_a_file_without_a_telling_name_is_recognised(tmp_path):
    dump = tmp_path / "crawl.dump.gz"
    dump.write_bytes(gzip.compress(DUMP))
    result = run_cli("clean", str(dump))
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in _records(result.stdout)] == ["a", "b"]


def test_a_dump_whose_first_record_is_longer_than_the_sniffed_head_is_jsonl():
    long_record = json.dumps({"id": "long", "text": "Word " * 400_000}).encode() + b"\n"
    assert looks_like_jsonl(long_record[:1 << 16])


@pytest.mark.parametrize("text", [
    b"The council met on Monday.\nIt agreed the budget.\n",
    b'{"not": "closed"\nThe council met on Monday.\n',
    b'{"a": 1}\nnot json at all\n',
    b"[1, 2, 3]\n[4]\n",
    b"",
])
def test_text_is_not_taken_for_jsonl(text):
    assert not looks_like_jsonl(text)


def test_text_on_stdin_is_still_text():
    result = run_cli("clean", stdin=b'{"a": 1}\nThe council met on Monday.\n')
    assert result.returncode == 0
    assert result.stdout.decode().startswith('{"a": 1}')  # cleaned as text: one document, rendered


# --- HTTP responses ---------------------------------------------------------------

def _response(body: bytes, *headers: str, status: str = "HTTP/1.1 200 OK") -> bytes:
    return ("\r\n".join([status, *headers]) + "\r\n\r\n").encode() + body


def test_curl_si_output_is_the_page_without_its_headers():
    data = _response(PAGE, "Content-Type: text/html; charset=utf-8", "Server: nginx")
    doc = clean_bytes(data)
    assert doc.format == "html" and doc.title == "Harbour ferry strike ends after talks"
    assert "Server" not in doc.text and "HTTP/1.1" not in doc.text
    assert "http-headers-removed" in doc.flags


def test_the_header_charset_decodes_the_page():
    page = "<html><head><title>Les cafés rouvrent enfin à Lyon</title></head><body><p>" + \
        "Les propriétaires des cafés ont rouvert leurs terrasses lundi matin, après des mois de fermeture. " * 3 + \
        "</p></body></html>"
    doc = clean_bytes(_response(page.encode("latin-1"), "Content-Type: text/html; charset=ISO-8859-1"))
    assert doc.encoding == "cp1252" and doc.title == "Les cafés rouvrent enfin à Lyon"


def test_redirect_blocks_are_skipped_and_plain_text_follows_its_type():
    data = _response(b"", "Location: /b", status="HTTP/1.1 301 Moved Permanently") + \
        _response(b"The council met on Monday.\n", "Content-Type: text/plain", status="HTTP/2 200")
    doc = clean_bytes(data)
    assert doc.format == "text" and doc.text == "The council met on Monday."


def test_a_gzip_body_is_inflated():
    data = _response(gzip.compress(PAGE), "Content-Type: text/html", "Content-Encoding: gzip")
    assert clean_bytes(data).title == "Harbour ferry strike ends after talks"
    deflated = _response(zlib.compress(PAGE), "Content-Type: text/html", "Content-Encoding: deflate")
    assert clean_bytes(deflated).title == "Harbour ferry strike ends after talks"


@pytest.mark.parametrize(("status", "content_type", "message"), [
    ("HTTP/1.1 404 Not Found", "text/html", "status 404"),
    ("HTTP/1.1 200 OK", "image/png", "of type image/png"),
])
def test_responses_that_are_not_pages_are_refused(status, content_type, message):
    with pytest.raises(UnsupportedInputError, match=message):
        clean_bytes(_response(PAGE, f"Content-Type: {content_type}", status=status))


def test_text_that_merely_mentions_http_is_not_a_response():
    assert split_http_response(b"HTTP/1.1 is a protocol. The council met on Monday.") is None


def test_curl_output_on_stdin_through_the_command_line():
    result = run_cli("clean", stdin=_response(PAGE, "Content-Type: text/html"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("Harbour ferry strike ends after talks\n\nThe ferry workers")


# --- WARC named or forced as text: refused --------------------------------------
# (.warc, .warc.gz and sniffed WARC input are read as crawl archives: tests/test_warc.py)

WARC = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/\r\nContent-Length: 200\r\n\r\n"
        + _response(PAGE, "Content-Type: text/html"))


@pytest.mark.parametrize("name", ["crawl.txt", "crawl.txt.gz"])
def test_a_warc_file_is_refused_not_cleaned_as_text(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress(WARC) if name.endswith(".gz") else WARC)
    result = run_cli("clean", str(path))
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode().splitlines()[0].startswith(f"boilerstrip: error: {path}: a WARC file")


def test_a_warc_file_is_refused_even_when_forced_as_html(tmp_path):
    result = run_cli("clean", "--input-format", "html", stdin=WARC)
    assert result.returncode == 1 and b"a WARC file" in result.stderr and result.stdout == b""


# --- ids -------------------------------------------------------------------------

def test_ids_are_unique_across_directories(tmp_path):
    for name in ("d1", "d2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_bytes(SEEDS[0].read_bytes())
    result = run_cli("clean", str(tmp_path / "d1"), str(tmp_path / "d2"))
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in _records(result.stdout)] == ["d1/x.txt", "d2/x.txt"]


def test_ids_of_files_in_different_directories(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_bytes(SEEDS[0].read_bytes())
    result = run_cli("clean", "a/x.txt", "b/x.txt", cwd=tmp_path)
    assert [r["id"] for r in _records(result.stdout)] == ["a/x.txt", "b/x.txt"]


def test_ids_of_one_directory_stay_relative_to_it(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_bytes(SEEDS[0].read_bytes())
    assert [r["id"] for r in _records(run_cli("clean", str(tmp_path / "d")).stdout)] == ["x.txt"]


def test_text_folder_output_mirrors_the_prefixed_ids(tmp_path):
    for name in ("d1", "d2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_bytes(SEEDS[0].read_bytes())
    result = run_cli("clean", "d1", "d2", "--format", "text", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "d1" / "x.txt").is_file() and (tmp_path / "out" / "d2" / "x.txt").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (("d", "d/x.txt"), "d/x.txt: inside d, which is also given"),
    (("d/x.txt", "./d/x.txt"), "./d/x.txt: given twice (as d/x.txt)"),
    (("d", "d"), "d: given twice"),
])
def test_overlapping_arguments_are_refused(tmp_path, args, message):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_bytes(SEEDS[0].read_bytes())
    result = run_cli("clean", *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().splitlines() == [f"boilerstrip: error: {message}" + (
        "; its files would be cleaned twice" if "inside" in message else "")]


# --- small ones ------------------------------------------------------------------

def test_batch_of_a_file_says_it_is_not_a_directory(tmp_path):
    result = run_cli("batch", str(SEEDS[0]), str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [f"boilerstrip: error: {SEEDS[0]}: not a directory"]


def test_a_json_error_names_one_line_number():
    with pytest.raises(MalformedRecordError) as caught:
        parse_record(b'{"text":\n', 2, default_id="x")
    assert str(caught.value) == "line 2: not valid JSON (Expecting value at the end of the line)"
    with pytest.raises(MalformedRecordError, match=r"^line 7: not valid JSON \(Expecting ',' delimiter at character 14\)$"):
        parse_record(b'{"text": "a" "b"}\n', 7, default_id="x")


def test_the_skipped_note_lists_every_suffix_that_is_read(tmp_path):
    (tmp_path / "notes.md").write_text("x")
    result = run_cli("clean", str(tmp_path))
    note = result.stderr.decode()
    for suffix in (s for group in SUFFIXES.values() for s in group):
        assert suffix in note


def test_max_bytes_help_says_64_mib_and_accepts_units(tmp_path):
    help_text = run_cli("clean", "--help").stdout.decode()
    assert "64 MiB" in " ".join(help_text.split()) and "67108864" not in help_text
    big = tmp_path / "big.txt"
    big.write_bytes(b"The council met on Monday. " * 100)
    result = run_cli("clean", str(big), "--max-bytes", "1K")
    assert result.returncode == 1 and b"exceeds the 1,024-byte limit" in result.stderr


def test_the_evaluation_data_location_follows_the_gates_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("BOILERSTRIP_EVAL_DATA", str(tmp_path))
    assert eval_data_dir() == tmp_path
