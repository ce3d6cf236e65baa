"""Parquet out (clean --format parquet, batch --output-format parquet) and Parquet in."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import cli
from pipeline.document import Document, Reject
from pipeline.io import parquet
from pipeline.io.sources import Source

from .conftest import SEEDS, run_cli
from .warcdata import ARTICLES, article, response, warc_file


def _corpus(tmp_path):
    """The seed articles (removals by rules and the line model) and a WARC of pages."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    for seed in SEEDS:
        (corpus / seed.name).write_bytes(seed.read_bytes())
    warc_file(corpus / "crawl.warc.gz", *(response(f"https://example.org/{i}", f"p{i}", article(i).encode())
                                          for i in range(len(ARTICLES))))
    return corpus


def _jsonl(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_parquet_output_reads_back_as_the_jsonl_records(tmp_path):
    corpus = _corpus(tmp_path)
    jsonl = run_cli("clean", str(corpus), "--format", "jsonl")
    out = tmp_path / "clean.parquet"
    result = run_cli("clean", str(corpus), "--format", "parquet", "-o", str(out))
    assert jsonl.returncode == result.returncode == 0, result.stderr
    records = _jsonl(jsonl)
    assert any(r["removed"] for r in records) and any(r["crawl_date"] for r in records)
    assert list(parquet.read_records(str(out))) == records


def test_the_parquet_schema_has_the_record_fields_and_types(tmp_path):
    out = tmp_path / "one.parquet"
    assert run_cli("clean", str(SEEDS[3]), "--format", "parquet", "-o", str(out)).returncode == 0
    schema = pq.read_schema(out)
    record_keys = list(Document(id="x").to_record())
    assert schema.names == record_keys
    assert schema.field("id").type == pa.string() and not schema.field("id").nullable
    assert schema.field("duplicate_similarity").type == pa.float64()
    assert schema.field("flags").type == pa.list_(pa.string())
    assert schema.field("extractors").type == pa.list_(pa.list_(pa.string())) and schema.field("extractors").nullable
    removed = schema.field("removed").type
    assert pa.types.is_list(removed) and pa.types.is_struct(removed.value_type)
    assert [f.name for f in removed.value_type] == ["rule", "line", "text", "score", "source", "documents"]
    assert removed.value_type.field("line").type == pa.int64()


def test_row_groups_are_written_as_rows_come(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path)
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 3)
    out = tmp_path / "groups.parquet"
    assert cli.main(["clean", str(corpus), "--format", "parquet", "-o", str(out), "-q"]) == 0
    metadata = pq.ParquetFile(out).metadata
    assert metadata.num_rows == len(SEEDS) + len(ARTICLES)
    assert metadata.num_row_groups == -(-metadata.num_rows // 3)
    assert all(metadata.row_group(i).num_rows <= 3 for i in range(metadata.num_row_groups))


def test_parquet_output_needs_a_file(tmp_path):
    result = run_cli("clean", str(SEEDS[0]), "--format", "parquet")
    assert result.returncode == 2 and b"--format parquet needs -o FILE" in result.stderr


def _table(path, **columns):
    pq.write_table(pa.table(columns), path, row_group_size=2)
    return path


def test_parquet_input_rows_are_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "READ_BATCH_ROWS", 2)  # several batches
    text = "\n\n".join(ARTICLES[0])
    path = _table(tmp_path / "in.parquet",
                  id=["a", None, "c", "d", "e"],
                  url=["https://example.org/a", None, None, None, None],
                  text=[text, "\n\n".join(ARTICLES[1]), "  ", None, "\n\n".join(ARTICLES[2])])
    items = list(Source("in.parquet", str(path), format="parquet").documents())
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "a"), ("Document", "in.parquet:2"), ("Reject", "c"), ("Reject", "d"), ("Document", "e")]
    assert items[0].url == "https://example.org/a" and items[0].text == text
    assert isinstance(items[2], Reject) and items[2].message.startswith("row 3: empty")
    result = run_cli("clean", str(path))
    assert result.returncode == 1
    assert [r["id"] for r in _jsonl(result)] == ["a", "in.parquet:2", "e"]
    assert ARTICLES[2][1] in _jsonl(result)[2]["text"]


def test_parquet_input_with_an_html_column_is_extracted(tmp_path):
    path = _table(tmp_path / "pages.parquet", id=[1, 2], html=[article(0), article(3)])
    result = run_cli("clean", str(path))
    assert result.returncode == 0, result.stderr
    records = _jsonl(result)
    assert [r["id"] for r in records] == ["1", "2"]
    assert records[1]["title"] == ARTICLES[3][0] and records[1]["extractor"] is not None


def test_a_parquet_file_without_a_body_column_is_one_error(tmp_path):
    path = _table(tmp_path / "bad.parquet", id=["a"], body=["x"])
    result = run_cli("clean", str(path))
    assert result.returncode == 1
    assert f"error: {path}: no 'text' or 'html' column (columns: id, body)".encode() in result.stderr


def test_parquet_is_sniffed_by_its_magic(tmp_path):
    path = _table(tmp_path / "table.bin", text=["\n\n".join(ARTICLES[1])])
    assert [r["id"] for r in _jsonl(run_cli("clean", str(path)))] == ["table.bin:1"]


@pytest.mark.slow
def test_batch_with_warc_input_writes_parquet_parts_equal_to_clean(tmp_path):
    corpus = _corpus(tmp_path)
    clean = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(corpus))
    assert clean.returncode == 0, clean.stderr
    batch = run_cli("batch", str(corpus), str(tmp_path / "out"), "--output-format", "parquet", "--shard-size", "3",
                    "-q")
    assert batch.returncode == 0, batch.stderr
    parts = sorted((tmp_path / "out").glob("part-*"))
    assert parts and all(p.name.endswith(".parquet") for p in parts) and len(parts) > 1
    records = [r for p in parts for r in parquet.read_records(str(p))]
    assert records == _jsonl(clean)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [s["part"] for s in manifest["shards"]] == [p.name for p in parts]
    # the same run as JSONL replaces the Parquet parts
    again = run_cli("batch", str(corpus), str(tmp_path / "out"), "--shard-size", "3", "-q")
    assert again.returncode == 0, again.stderr
    assert not list((tmp_path / "out").glob("part-*.parquet"))
    jsonl_parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert b"".join(p.read_bytes() for p in jsonl_parts) == clean.stdout


def test_batch_refuses_gzip_with_parquet(tmp_path):
    (tmp_path / "in").mkdir()
    result = run_cli("batch", str(tmp_path / "in"), str(tmp_path / "out"), "--output-format", "parquet", "--gzip")
    assert result.returncode == 2 and b"--gzip applies to JSONL parts" in result.stderr
