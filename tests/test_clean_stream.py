"""Chain.stream: chunked, stage-major cleaning gives exactly what clean_document gives, in order;
a document a stage refuses comes back as a Reject naming that stage."""

from __future__ import annotations

import pytest

import pipeline.chain as chain_module
from pipeline.chain import Chain, clean_document
from pipeline.document import Document, Reject
from pipeline.errors import DocumentError
from pipeline.options import CleanOptions
from pipeline.stages.metadata import Metadata

from .conftest import SEEDS

OPTIONS = CleanOptions()


def _items():
    items = [(seed.name, Document(id=seed.name, path=str(seed), raw=seed.read_bytes())) for seed in SEEDS]
    items.insert(2, ("png", Document(id="png", raw=b"\x89PNG\r\n\x1a\n" + bytes(50))))
    items.insert(4, ("failure", Reject("failure", None, "read", "InputNotFoundError", "no such file")))
    items.append(("page", Document(id="page", raw=b"<html><body><p>A page.</p></body></html>", format="html")))
    items.append(("empty", Document(id="empty", raw=b"   ")))
    return items


@pytest.mark.parametrize("chunk", [1, 2, 3, 64])
def test_results_come_back_in_order_and_equal_clean_document(monkeypatch, chunk):
    monkeypatch.setattr(chain_module, "CHUNK_DOCUMENTS", chunk)
    items = _items()
    results = list(Chain(OPTIONS).stream(iter(items)))
    assert [key for key, _ in results] == [key for key, _ in items]
    for (_, item), (key, result) in zip(items, results, strict=True):
        if isinstance(item, Reject):
            assert result is item
            continue
        try:
            expected = clean_document(item, OPTIONS)
        except DocumentError as exc:
            assert isinstance(result, Reject) and result.error == type(exc).__name__, key
            assert result.message == str(exc) and result.stage == "decode" and not result.internal
        else:
            assert isinstance(result, Document) and result.to_json_line() == expected.to_json_line(), key


def test_a_bug_in_one_document_is_a_reject_naming_its_stage(monkeypatch):
    real = Metadata.__call__

    def broken(self, doc):
        if doc.id == "boom":
            raise RuntimeError("bug")
        return real(self, doc)

    monkeypatch.setattr(Metadata, "__call__", broken)
    items = [("a", Document(id="a", text="First document line here.")), ("boom", Document(id="boom", text="x y z.")),
             ("c", Document(id="c", text="Third document line here."))]
    results = dict(Chain(OPTIONS).stream(items))
    boom = results["boom"]
    assert isinstance(boom, Reject) and (boom.stage, boom.error, boom.internal) == ("metadata", "RuntimeError", True)
    assert boom.describe() == "internal error (RuntimeError: bug); please report it"
    assert results["a"].text == "First document line here." and results["c"].text == "Third document line here."


def test_chunks_are_bounded_by_bytes(monkeypatch):
    monkeypatch.setattr(chain_module, "CHUNK_BYTES", 10)
    seen = []
    chain = Chain(OPTIONS)
    real = chain._run_chunk
    monkeypatch.setattr(chain, "_run_chunk", lambda chunk, timings: seen.append(len(chunk)) or real(chunk, timings))
    list(chain.stream([(i, Document(id=str(i), text="twelve chars")) for i in range(3)]))
    assert seen == [1, 1, 1, 0]


def test_stage_timings_are_collected_per_stage():
    timings: dict[str, float] = {}
    list(Chain(OPTIONS).stream([("a", Document(id="a", raw=SEEDS[0].read_bytes()))], timings))
    assert list(timings) == [stage.name for stage in Chain(OPTIONS).stages]


def test_a_segment_runs_only_its_stages():
    assert [s.name for s in Chain(OPTIONS, ["finish"]).stages] == [cls.name for cls in chain_module.SEGMENTS["finish"]]
    with pytest.raises(ValueError, match="no chain segment"):
        Chain(OPTIONS, ["polish"])
