"""The run report: what it counts (RunStats), what it shows, and that a real browser renders it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from pipeline.document import Document, Reject, Removal
from pipeline.errors import LanguageNotSelected, OutputError
from pipeline.report import RunStats, write_report
from pipeline.report.render import render_html
from pipeline.report.stats import LENGTH_BINS, SAMPLE_CHARS, SAMPLES_PER_RULE, bin_label, length_bin

from .conftest import FIXTURES, SEEDS, run_cli

HOSTILE = "<script>alert('removed line')</script> & <img src=x onerror=alert(1)>"


def _doc(doc_id: str, text: str, removed: tuple[tuple[str, str], ...] = (), url: str | None = None,
         language: str | None = "en", duplicate_of: str | None = None) -> Document:
    return Document(id=doc_id, path=f"in/{doc_id}", text=text, url=url, language=language, duplicate_of=duplicate_of,
                    removed=tuple(Removal(rule, line, n) for n, (rule, line) in enumerate(removed, start=1)))


def _stats_of(docs: list[Document | Reject], drop: bool = False) -> RunStats:
    stats = RunStats()
    for item in docs:
        if isinstance(item, Reject):
            stats.add_reject(item)
        else:
            stats.add_document(item, dropped=drop and item.duplicate_of is not None)
    return stats


DOCS: list[Document | Reject] = [
    _doc("a", "x" * 150, (("footer", "Copyright 2024"), ("line-model", "Share this")), url="https://www.news.example/1"),
    _doc("b", "y" * 2500, (("footer", "Copyright 2024 News"),), url="https://news.example/2", language="de"),
    _doc("c", "", (("ad-marker", "Advertisement"),), language=None),
    _doc("d", "z" * 150, url="https://news.example/2b", duplicate_of="b"),
    Reject("e", "in/e", "decode", "UndecodableInputError", "binary data"),
    Reject.of("f", "in/f", "filter", LanguageNotSelected("language fr, not one of --languages en")),
]


def test_counts_of_documents_rejects_filters_and_duplicates():
    stats = _stats_of(DOCS, drop=True)
    assert (stats.inputs, stats.kept, stats.duplicates_marked, stats.duplicates_dropped) == (6, 3, 1, 1)
    assert stats.rejected == {"decode: UndecodableInputError": 1}
    assert stats.filtered == {"LanguageNotSelected": 1}
    assert stats.removed_lines == {"footer": 2, "line-model": 1, "ad-marker": 1}
    assert stats.removed_chars["footer"] == len("Copyright 2024") + len("Copyright 2024 News")
    assert stats.languages == {"en": 2, "de": 1, "unknown": 1}


def test_lengths_before_and_after_and_the_share_removed_per_source():
    stats = _stats_of(DOCS)
    assert stats.length_after == {length_bin(150): 2, length_bin(2500): 1, 0: 1}
    assert stats.length_before == Counter([length_bin(150 + len("Copyright 2024") + len("Share this")),
                                           length_bin(150), length_bin(2500 + len("Copyright 2024 News")),
                                           length_bin(len("Advertisement"))])  # all of c removed: not "empty" before
    assert length_bin(len("Advertisement")) == 1
    news = stats.sources["news.example"]  # by URL host, www. left off
    assert (news.documents, news.before) == (3, 150 + 24 + 2500 + 19 + 150)
    assert news.removed_share == pytest.approx(43 / news.before)
    assert stats.sources["in"].removed_share == 1.0  # no URL: the input directory; all removed


def test_histogram_bins():
    assert [length_bin(n) for n in (0, 1, 99, 100, 199, 200, 100_000, 10**9)] == [0, 1, 1, 2, 2, 3, 11, 11]
    assert [bin_label(i) for i in (0, 1, 5, len(LENGTH_BINS) - 1)] == ["empty", "1-100", "1k-2k", "100k+"]


def test_samples_are_the_first_lines_per_rule_and_short():
    stats = RunStats()
    for i in range(SAMPLES_PER_RULE + 3):
        stats.add_document(_doc(str(i), "text", (("footer", f"line {i} " + "x" * 1000),)))
    assert [s.split()[1] for s in stats.samples["footer"]] == [str(i) for i in range(SAMPLES_PER_RULE)]
    assert all(len(s) == SAMPLE_CHARS for s in stats.samples["footer"])
    again = RunStats()
    for text in ("Share this", "Share this", "Follow us", "Share this"):
        again.add_document(_doc("x", "text", (("social", text),)))
    assert again.samples["social"] == ["Share this", "Follow us"]  # distinct lines: more to check


def test_merged_shards_count_as_one_run():
    whole = _stats_of(DOCS, drop=True)
    first, second = _stats_of(DOCS[:3], drop=True), _stats_of(DOCS[3:], drop=True)
    first.add_timings({"strip": 1.0})
    second.add_timings({"strip": 0.5, "repair": 2.0})
    first.merge(RunStats.from_json(json.loads(json.dumps(second.to_json()))))  # as a shard's summary carries it
    assert first.stage_seconds == {"strip": 1.5, "repair": 2.0}
    first.stage_seconds = {}
    assert first == whole
    assert RunStats.from_json(json.loads(json.dumps(whole.to_json()))) == whole


def test_the_page_is_self_contained_and_escapes_the_run_text():
    stats = _stats_of([*DOCS, _doc("g", "text", (("footer", HOSTILE),), url="https://<b>evil</b>.example/")])
    stats.add_timings({"decode": 0.1, "strip": 0.4})
    stats.wall_seconds, stats.input_bytes = 2.0, 5_000_000
    page = render_html(stats, "Report <title>", "run of <today>")
    assert "<script" not in page and "<img" not in page and "<b>evil" not in page
    assert html_escaped(HOSTILE) in page
    assert "<title>Report &lt;title&gt;</title>" in page and "run of &lt;today&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page), "nothing is fetched at view time"
    assert not re.search(r"@import|url\((?!#)", page)  # only references inside the page (clip paths)
    assert page.count("<svg") == 6  # outcomes, rules, lengths, languages, sources, stages
    assert "2.00 s" in page and "2.50" in page  # wall-clock time, MB/s of input (5 MB in 2 s)
    assert "<svg" in page and "<?xml" not in page and "<!DOCTYPE svg" not in page


def html_escaped(text: str) -> str:
    import html

    return html.escape(text)


def test_clean_report_is_written_and_plotting_is_imported_only_for_it(tmp_path):
    report = tmp_path / "report.html"
    result = run_cli("clean", "--report", str(report), "-o", str(tmp_path / "out.jsonl"), *map(str, SEEDS[:4]))
    assert result.returncode == 0, result.stderr
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 6
    assert "documents in</td><td class=num>4<" in page
    parallel = tmp_path / "parallel.html"
    assert run_cli("clean", "-j", "2", "--report", str(parallel), "-o", str(tmp_path / "out2.jsonl"),
                   *map(str, SEEDS[:4])).returncode == 0
    counts = re.compile(r"<h2>Documents</h2>.*?</table>|<h2>Removed lines, for spot-checking</h2>.*", re.S)
    assert counts.findall(parallel.read_text(encoding="utf-8")) == counts.findall(page)  # the same counts and samples
    probe = ("import sys; from pipeline.cli import main; main(['clean', '-o', sys.argv[1], sys.argv[2]]);"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'numpy', 'PIL'}))")
    loaded = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "o.txt"), str(SEEDS[0])],
                            capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
    assert run_cli("clean", "--report", str(tmp_path), str(SEEDS[0])).returncode == 2  # a directory: usage error


def test_batch_writes_report_html_beside_the_manifest(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, inputs / seed.name)
    (inputs / "garbage.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "out"
    result = run_cli("batch", str(inputs), str(out), "--shard-size", "3")
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"documents in</td><td class=num>{manifest['inputs']}<" in page
    assert f"kept</td><td class=num>{manifest['documents']}<" in page
    assert "rejected: decode: UndecodableInputError" in page
    assert page.count("<svg") == 6


# --- in a real browser --------------------------------------------------------------------

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    """A report of a real run: seeds, an HTML page and a bad file, with a filter."""
    root = tmp_path_factory.mktemp("report")
    inputs = root / "in"
    inputs.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, inputs / seed.name)
    shutil.copy(FIXTURES / "html" / "harbour-news.html", inputs / "harbour-news.html")
    (inputs / "garbage.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    page = root / "report.html"
    result = run_cli("clean", "--report", str(page), "--min-words", "320", "-o", str(root / "out.jsonl"), str(inputs))
    assert result.returncode == 1 and page.exists(), result.stderr
    return page


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--disable-extensions", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (.ci/run installs Debian's chromium)")
def test_chromium_renders_the_report_with_its_charts_and_no_errors(report_page, tmp_path):
    from PIL import Image

    shot = tmp_path / "report.png"
    result = _chromium(f"--screenshot={shot}", "--window-size=1200,2400", "--enable-logging=stderr", "--v=0",
                       report_page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    with Image.open(shot) as image:
        assert image.size == (1200, 2400)
        rgb = image.convert("RGB")
        colors = rgb.getcolors(maxcolors=1 << 20) or []
        assert len(colors) > 50, "the page is blank or nearly so"
        bar_blue = sum(n for n, (r, g, b) in colors if b > 150 and r < 80 and 80 < g < 130)
        assert bar_blue > 5_000, "no blue bars visible"  # the charts' bars, not just text
        top, bottom = rgb.crop((0, 0, 1200, 1200)), rgb.crop((0, 1200, 1200, 2400))
        assert all(len(part.getcolors(maxcolors=1 << 20) or []) > 20 for part in (top, bottom))

    dom = _chromium("--dump-dom", report_page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 6
    for heading in ("Documents", "Lines removed per rule", "Document lengths", "Languages",
                    "Text removed per source", "Throughput and time per stage", "Removed lines, for spot-checking"):
        assert f"<h2>{heading}</h2>" in dom.stdout
    assert "rejected: decode: UndecodableInputError" in dom.stdout
    assert "left out by a filter: TooFewWords" in dom.stdout


def test_write_report_goes_through_the_project_writer(tmp_path):
    target = tmp_path / "r.html"
    write_report(target, _stats_of(DOCS), "t")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"], "no temporary file left"
    with pytest.raises(OutputError, match="is a directory"):
        write_report(tmp_path, _stats_of(DOCS), "t")
