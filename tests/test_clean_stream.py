"""clean_stream: chunked, stage-major cleaning gives exactly what clean_document gives, in order."""

from __future__ import annotations

import pytest

import pipeline.chain as clean_module
from pipeline.chain import CleanOptions, clean_document, clean_stream
from pipeline.document import Document
from pipeline.errors import DocumentError

from .conftest import SEEDS

OPTIONS = CleanOptions()


def _items():
    items = [(seed.name, Document(id=seed.name, path=str(seed), raw=seed.read_bytes())) for seed in SEEDS]
    items.insert(2, ("png", Document(id="png", raw=b"\x89PNG\r\n\x1a\n" + bytes(50))))
    items.insert(4, ("failure", "a reader's failure, passed through"))
    items.append(("page", Document(id="page", raw=b"<html><body><p>A page.</p></body></html>", format="html")))
    items.append(("empty", Document(id="empty", raw=b"   ")))
    return items


@pytest.mark.parametrize("chunk", [1, 2, 3, 64])
def test_results_come_back_in_order_and_equal_clean_document(monkeypatch, chunk):
    monkeypatch.setattr(clean_module, "CHUNK_DOCUMENTS", chunk)
    items = _items()
    results = list(clean_stream(iter(items), OPTIONS))
    assert [key for key, _ in results] == [key for key, _ in items]
    for (_, item), (key, result) in zip(items, results):
        if not isinstance(item, Document):
            assert result is item
            continue
        try:
            expected = clean_document(item, OPTIONS)
        except DocumentError as exc:
            assert type(result) is type(exc) and str(result) == str(exc), key
        else:
            assert isinstance(result, Document) and result.to_json_line() == expected.to_json_line(), key


def test_a_bug_in_one_document_is_returned_not_raised(monkeypatch):
    real = clean_module.extract_metadata

    def broken(doc):
        if doc.id == "boom":
            raise RuntimeError("bug")
        return real(doc)

    monkeypatch.setattr(clean_module, "extract_metadata", broken)
    items = [("a", Document(id="a", text="First document line here.")), ("boom", Document(id="boom", text="x y z.")),
             ("c", Document(id="c", text="Third document line here."))]
    results = dict(clean_stream(items, OPTIONS))
    assert isinstance(results["boom"], RuntimeError)
    assert results["a"].text == "First document line here." and results["c"].text == "Third document line here."


def test_chunks_are_bounded_by_bytes(monkeypatch):
    monkeypatch.setattr(clean_module, "CHUNK_BYTES", 10)
    seen = []
    real = clean_module._clean_chunk
    monkeypatch.setattr(clean_module, "_clean_chunk", lambda chunk, options: seen.append(len(chunk)) or real(chunk, options))
    list(clean_stream([(i, Document(id=str(i), text="twelve chars")) for i in range(3)], OPTIONS))
    assert seen == [1, 1, 1, 0]
