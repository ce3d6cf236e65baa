"""WARC and Parquet costs, each as a ratio against a baseline measured in the same run.

    python -m benchmarks.warc_bench [--count 1000] [--seed 7] [--json FILE]

The pages are the documents of ``benchmarks.generate_corpus`` (no repeats) made
into HTML pages; the same pages are written as ``.html`` files and as one
``.warc.gz`` (a gzip member per record, a request record before each response,
as crawlers write them). It measures:

1. **WARC readers**: records/s of FastWARC and of warcio reading every record's
   block of the same file, and of boilerstrip's own reader (FastWARC plus the HTTP
   header parsing and decisions of ``pipeline/io/warc.py``);
2. **WARC against files**: pages/s and peak RSS of ``boilerstrip clean`` on the
   WARC file against the same pages as ``.html`` files (the baseline);
3. **Parquet write cost**: seconds to write the cleaned records as Parquet
   (``pipeline/io/parquet.py``) against writing them as JSONL lines, the sizes
   of both files, and ``clean --format parquet`` against ``--format jsonl`` end to end.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import batch_bench


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cmd``, whatever its exit status (the corpus has
    records that are errors on purpose)."""
    return batch_bench.measure(cmd, accept=None)


def make_pages(directory: Path, count: int, seed: int) -> list[tuple[str, bytes]]:
    """``count`` distinct HTML pages, from the generated corpus's documents."""
    corpus = directory / "corpus"
    subprocess.run([sys.executable, "-m", "benchmarks.generate_corpus", str(corpus), "--count", str(count),
                    "--seed", str(seed)], check=True, capture_output=True)
    pages = []
    for path in sorted(corpus.rglob("*.txt*")):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        title, _, body = text.strip().partition("\n")
        paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
                f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{paragraphs}"
                "</article><footer>Contact us</footer></body></html>")
        pages.append((path.stem.split(".")[0], page.encode("utf-8")))
    return pages


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from tests.warcdata import request, response

    with open(path, "wb") as out:
        for name, page in pages:
            uri = f"https://example.org/news/{name}"
            out.write(gzip.compress(request(uri, f"q-{name}"), mtime=0))
            out.write(gzip.compress(response(uri, name, page), mtime=0))


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator

    count = 0
    for record in ArchiveIterator(str(path), parse_http=False):
        record.reader.read()
        count += 1
    return count


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            record.content_stream().read()
            count += 1
    return count


def read_boilerstrip(path: Path) -> int:
    from pipeline.io.warc import warc_items

    return sum(1 for _ in warc_items(str(path), path.name, 64 << 20))


def best_of(function, argument, repeat: int = 3) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(argument)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    figures: dict[str, object] = {"load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        root = Path(tmp)
        pages = make_pages(root, args.count, args.seed)
        files = root / "pages"
        files.mkdir()
        for name, page in pages:
            (files / f"{name}.html").write_bytes(page)
        warc = root / "crawl.warc.gz"
        write_warc(warc, pages)
        figures["pages"] = len(pages)
        figures["warc_bytes"] = warc.stat().st_size

        readers = {}
        for name, reader in (("fastwarc", read_fastwarc), ("warcio", read_warcio), ("boilerstrip", read_boilerstrip)):
            try:
                seconds, records = best_of(reader, warc)
            except Exception as exc:  # warcio fails on some inputs (brotli); the figure says so
                readers[name] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            readers[name] = {"records": records, "seconds": round(seconds, 4), "records_per_s": round(records / seconds)}
        base = readers["warcio"].get("records_per_s")
        for entry in readers.values():
            if base and "records_per_s" in entry:
                entry["vs_warcio"] = round(entry["records_per_s"] / base, 2)
        figures["readers"] = readers

        cli = [sys.executable, "-m", "pipeline.cli", "clean", "-q", "--format", "jsonl"]
        html_s, html_rss = measure([*cli, str(files), "-o", str(root / "html.jsonl")])
        warc_s, warc_rss = measure([*cli, str(warc), "-o", str(root / "warc.jsonl")])
        figures["clean"] = {
            "html_files": {"seconds": round(html_s, 2), "pages_per_s": round(len(pages) / html_s, 1),
                           "peak_rss_mib": round(html_rss)},
            "warc": {"seconds": round(warc_s, 2), "pages_per_s": round(len(pages) / warc_s, 1),
                     "peak_rss_mib": round(warc_rss)},
            "warc_vs_files_speed": round(html_s / warc_s, 3),
        }

        import orjson

        from pipeline.io.parquet import ParquetRecords
        from pipeline.io.writers import open_output

        records = [orjson.loads(line) for line in (root / "warc.jsonl").read_bytes().splitlines()]

        def write_jsonl(target: Path) -> int:
            with open_output(target) as out:
                for record in records:
                    out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8"))
            return len(records)

        def write_parquet(target: Path) -> int:
            with open_output(target, binary=True) as out:
                table = ParquetRecords(out)
                for record in records:
                    table.write(record)
                table.close()
            return len(records)

        jsonl_s, _ = best_of(write_jsonl, root / "w.jsonl")
        parquet_s, _ = best_of(write_parquet, root / "w.parquet")
        pq_clean_s, pq_rss = measure([*cli[:-2], "--format", "parquet", str(warc), "-o", str(root / "warc.parquet")])
        figures["parquet"] = {
            "records": len(records),
            "jsonl_write_seconds": round(jsonl_s, 4), "parquet_write_seconds": round(parquet_s, 4),
            "parquet_vs_jsonl_write_time": round(parquet_s / jsonl_s, 2),
            "jsonl_bytes": (root / "w.jsonl").stat().st_size, "parquet_bytes": (root / "w.parquet").stat().st_size,
            "clean_jsonl_seconds": round(warc_s, 2), "clean_parquet_seconds": round(pq_clean_s, 2),
            "clean_parquet_vs_jsonl_time": round(pq_clean_s / warc_s, 3),
            "clean_parquet_peak_rss_mib": round(pq_rss),
        }
    figures["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(figures, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
