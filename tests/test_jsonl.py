"""JSONL input: one document per line; malformed lines rejected with their line numbers."""

from __future__ import annotations

import gzip
import json

import pytest

from pipeline.batch.plan import jsonl_chunks
from pipeline.document import Document, Reject
from pipeline.errors import EmptyInputError, InputTooLargeError, MalformedRecordError
from pipeline.io.jsonl import parse_record
from pipeline.io.sources import Source

from .conftest import FIXTURES

PAGE = (FIXTURES / "html" / "harbour-news.html").read_text(encoding="utf-8")
STORY = "Cabinet Approves Flood Defence Plan\n\nAdvertisement\nThe cabinet approved a flood defence plan on Wednesday."


def _line(**fields) -> bytes:
    return json.dumps(fields).encode() + b"\n"


def test_record_fields():
    doc = parse_record(_line(id="a-1", text=STORY, url="https://x.example/a", date="2024-10-19T08:30:00Z"), 1, "f:1")
    assert (doc.id, doc.format, doc.text, doc.url, doc.date) == ("a-1", "text", STORY, "https://x.example/a", "2024-10-19")
    doc = parse_record(_line(id=7, html=PAGE, text="the crawler's own extraction"), 2, "f:2")
    assert (doc.id, doc.format, doc.html, doc.text) == ("7", "html", PAGE, "")
    doc = parse_record(_line(text=STORY, date="sometime last week", extra={"kept": False}), 3, "f:3")
    assert (doc.id, doc.date, doc.flags) == ("f:3", None, ("unparsed-date",))


@pytest.mark.parametrize(
    ("line", "error", "message"),
    [
        (b"not json\n", MalformedRecordError, "line 4: not valid JSON"),
        (b"[1, 2]\n", MalformedRecordError, "line 4: expected a JSON object, got list"),
        (b'{"url": "https://x.example"}\n', MalformedRecordError, "line 4: no 'text' or 'html' field"),
        (b'{"text": 12}\n', MalformedRecordError, "line 4: field 'text' must be a string, got int"),
        (b'{"html": "<p>x</p>", "url": ["a"]}\n', MalformedRecordError, "line 4: field 'url' must be a string, got list"),
        (b'{"id": {"n": 1}, "text": "x"}\n', MalformedRecordError, "line 4: field 'id' must be a string or an integer, got dict"),
        (b'{"id": true, "text": "x"}\n', MalformedRecordError, "line 4: field 'id' must be a string or an integer, got bool"),
        (b'{"text": "caf\xe9"}\n', MalformedRecordError, "line 4: not UTF-8"),
        (b'{"text": "  \\n "}\n', EmptyInputError, "line 4: empty text field"),
    ],
)
def test_malformed_lines_name_the_line_and_the_problem(line, error, message):
    with pytest.raises(error, match=message):
        parse_record(line, 4, "f:4")


def test_a_file_with_bad_lines_keeps_every_good_document(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_bytes(
        _line(id="good-1", text=STORY) + b"{broken\n" + b"\n" + _line(html=PAGE) + b'"just a string"\n'
        + _line(id="../../etc/passwd", text=STORY) + _line(id="tail", text=STORY).rstrip(b"\n")
    )
    items = list(Source("crawl.jsonl", str(path), format="jsonl").documents())
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "good-1"), ("Reject", "crawl.jsonl:2"), ("Document", "crawl.jsonl:4"),
        ("Reject", "crawl.jsonl:5"), ("Document", "../../etc/passwd"), ("Document", "tail")]
    assert items[1].message.startswith("line 2: not valid JSON") and items[1].stage == "read"
    assert all(i.path == str(path) for i in items)


def test_huge_line_is_rejected_without_reading_it_into_memory(tmp_path):
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wb") as out:
        out.write(_line(id="before", text=STORY) + _line(id="huge", text="x" * 5000) + _line(id="after", text=STORY))
    items = list(Source("big.jsonl.gz", str(path), max_bytes=1000, format="jsonl").documents())
    assert [i.id for i in items] == ["before", "big.jsonl.gz:2", "after"]
    assert isinstance(items[1], Reject) and items[1].error == InputTooLargeError.__name__
    assert "line 2: longer than the 1,000-byte limit" in items[1].message


def test_missing_and_corrupt_files_are_one_failure_each(tmp_path):
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    for name in ("missing.jsonl", "bad.jsonl.gz"):
        items = list(Source(name, str(tmp_path / name), format="jsonl").documents())
        assert len(items) == 1 and isinstance(items[0], Reject)


@pytest.mark.parametrize("trailing_newline", [True, False])
@pytest.mark.parametrize("per_chunk", [1, 2, 3, 10])
def test_line_ranges_cover_the_file_exactly(tmp_path, trailing_newline, per_chunk):
    lines = [_line(id=f"d{i}", text=f"Story number {i} is here.") if i % 4 else b"\n" for i in range(1, 9)]
    data = b"".join(lines)
    path = tmp_path / "c.jsonl"
    path.write_bytes(data if trailing_newline else data.rstrip(b"\n"))
    source = Source("c.jsonl", str(path), format="jsonl")
    whole = [d.id for d in source.documents()]
    chunks = list(jsonl_chunks(str(path), per_chunk))
    assert sum(n for _, n, _ in chunks) == (8 if trailing_newline else 7)  # the last blank line needs a newline
    pieces = [d.id for first, n, offset in chunks for d in source.documents(first, n, offset)]
    assert pieces == whole == [f"d{i}" for i in range(1, 9) if i % 4]


def test_jsonl_records_are_documents_of_the_pipeline():
    from pipeline.chain import clean_document

    doc = clean_document(parse_record(_line(id="p", html=PAGE, url="https://mirror.example/p"), 1, "x"))
    assert isinstance(doc, Document) and doc.extractor == "combined" and doc.url == "https://mirror.example/p"
    assert doc.publisher == "Coastline Courier" and "eleven weeks" in doc.text
    doc = clean_document(parse_record(_line(text=STORY), 1, "x"))
    assert doc.title == "Cabinet Approves Flood Defence Plan" and "Advertisement" not in doc.text
    assert doc.encoding is None and doc.extractor is None
