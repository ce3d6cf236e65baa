"""The HTML path on real pages of the shared trafilatura evaluation set (skipped without it).

The quality gate itself (F1 against trafilatura on all 990 pages) is
``python -m benchmarks.eval_gate``, which CI runs after the tests.
"""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.evaluate import PipelineSystem, evaluate, load_gold

from .conftest import eval_data_dir, run_cli

DATA = eval_data_dir()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (DATA / "evaldata.json").is_file(), reason=f"no evaluation data at {DATA}"),
]


@pytest.fixture(scope="module")
def sample():
    gold = load_gold(DATA)
    return gold, list(gold.pages)[::33]  # 30 pages spread over the set


def test_real_pages_extract_without_errors(sample):
    gold, pages = sample
    report = evaluate(gold, {"boilerstrip": PipelineSystem()}, pages)
    summary = report.summary()["boilerstrip"]
    assert summary["errors"] == 0
    assert summary["recall"] > 0.8 and summary["precision"] > 0.8


def test_real_pages_batch_like_clean_from_files_and_jsonl(sample, tmp_path):
    gold, pages = sample
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, page in enumerate(pages[:12]):
        shutil.copy(page.html_path, inputs / f"page{i:02d}.html")
    with open(inputs / "crawl.jsonl", "w", encoding="utf-8") as out:
        for page in pages[12:]:
            out.write(json.dumps({"id": page.id, "url": page.url,
                                  "html": page.read().decode("utf-8", errors="replace")}) + "\n")
    out_dir = tmp_path / "out"
    result = run_cli("batch", str(inputs), str(out_dir), "--shard-size", "5", "--workers", "2")
    assert result.returncode == 0, result.stderr
    cleaned = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(inputs))
    assert cleaned.returncode == 0, cleaned.stderr
    parts = "".join(p.read_text(encoding="utf-8") for p in sorted(out_dir.glob("part-*.jsonl")))
    assert parts == cleaned.stdout.decode()
    records = [json.loads(line) for line in parts.splitlines()]
    assert len(records) == len(pages)
    assert all(r["extractor"] in ("combined", "justext") for r in records)
    assert sum(bool(r["title"]) for r in records) >= len(records) * 0.8
    assert sum(bool(r["text"]) for r in records) == len(records)

