"""Batch cleaning with Luigi: identical records, resumable, idempotent, shared through luigid."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from gzip import open as gzip_open
from pathlib import Path

import luigi
import pytest

from benchmarks.generate_corpus import generate
from pipeline.batch.tasks import CleanDaily

from .conftest import SEEDS, run_cli


def _batch(*args: str) -> subprocess.CompletedProcess:
    return run_cli("batch", *args)


def _parts(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("part-*.jsonl")))


def _snapshot(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, inputs / seed.name)
    (inputs / "garbage.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return inputs


def test_batch_equals_clean_jsonl_and_reports_rejects(seed_dir, tmp_path):
    out = tmp_path / "out"
    result = _batch(str(seed_dir), str(out), "--shard-size", "2")
    assert result.returncode == 0, result.stderr
    expected = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(seed_dir))
    assert expected.returncode == 1  # the garbage file is an error for `clean`...
    assert _parts(out) == expected.stdout.decode()  # ...and the good records are byte-identical
    rejects = [json.loads(l) for l in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["id"], r["error"]) for r in rejects] == [("garbage.txt", "UndecodableInputError")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["documents"] == len(SEEDS) and manifest["inputs"] == len(SEEDS) + 1
    assert [s["part"] for s in manifest["shards"]] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert manifest["rejected"] == rejects and manifest["rules_fingerprint"]
    assert (out / "_SUCCESS").exists()
    assert "rejected: 1" in result.stdout.decode()


def test_second_run_does_nothing_and_rewrites_nothing(seed_dir, tmp_path):
    out = tmp_path / "out"
    assert _batch(str(seed_dir), str(out), "--shard-size", "2").returncode == 0
    before = _snapshot(out)
    result = _batch(str(seed_dir), str(out), "--shard-size", "2")
    assert result.returncode == 0 and "up to date" in result.stdout.decode()
    assert _snapshot(out) == before


def test_changed_input_and_edited_rules_recompute_only_what_they_affect(seed_dir, tmp_path):
    out = tmp_path / "out"
    assert _batch(str(seed_dir), str(out), "--shard-size", "2").returncode == 0
    runs_log = out / ".stages" / "runs.log"
    first = runs_log.read_text().splitlines()
    # A user rule file: the prepare segment stays cached, the finish segment reruns.
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "site.toml").write_text(
        "[[rule]]\nid = 'site-kcna'\ndescription = 'demo'\npattern = 'KCNA'\ncase = 'sensitive'\n"
        "action = 'drop_line'\nmatch = ['KCNA said']\nno_match = ['nothing']\n"
    )
    result = _batch(str(seed_dir), str(out), "--shard-size", "2", "--rules", str(rules))
    assert result.returncode == 0, result.stderr
    second = runs_log.read_text().splitlines()[len(first):]
    reruns = Counter(line.split()[0] for line in second)
    assert reruns["finish"] == 3 and "prepare" not in reruns  # the rules change finish and the corpus pass
    records = [json.loads(line) for line in _parts(out).splitlines()]
    assert not any("KCNA" in r["text"] for r in records)
    assert any(r["rule"] == "site-kcna" for rec in records for r in rec["removed"])
    # A changed input: only its shard reruns.
    shutil.copy(SEEDS[0], seed_dir / SEEDS[1].name)
    third_start = len(runs_log.read_text().splitlines())
    assert _batch(str(seed_dir), str(out), "--shard-size", "2", "--rules", str(rules)).returncode == 0
    third = runs_log.read_text().splitlines()[third_start:]
    prepared = [line.split()[1] for line in third if line.startswith("prepare ")]
    assert prepared == ["0"]  # only its shard is prepared again; the corpus pass then reruns what it feeds


def test_luigi_build_api_and_dated_runs(seed_dir, tmp_path):
    day_in = tmp_path / "daily" / "2024-10-19"
    shutil.copytree(seed_dir, day_in)
    task = CleanDaily(date=__import__("datetime").date(2024, 10, 19), input_root=str(tmp_path / "daily"),
                      output_root=str(tmp_path / "out"))
    result = luigi.build([task], local_scheduler=True, detailed_summary=True, log_level="WARNING")
    assert result.status.name == "SUCCESS", result.summary_text
    assert (tmp_path / "out" / "2024-10-19" / "_SUCCESS").exists()
    missing = CleanDaily(date=__import__("datetime").date(2024, 10, 20), input_root=str(tmp_path / "daily"),
                         output_root=str(tmp_path / "out"))
    result = luigi.build([missing], local_scheduler=True, detailed_summary=True, log_level="WARNING")
    assert result.status.name == "MISSING_EXT"


def test_plain_luigi_command_exit_status(seed_dir, tmp_path):
    luigi_bin = Path(sys.executable).parent / "luigi"
    base = [str(luigi_bin), "--module", "pipeline.batch.tasks", "CleanCorpus", "--local-scheduler", "--workers", "2",
            "--output-dir", str(tmp_path / "out")]
    ok = subprocess.run(base + ["--input-dir", str(seed_dir)], capture_output=True, timeout=120)
    assert ok.returncode == 0, ok.stderr.decode()[-2000:]
    assert (tmp_path / "out" / "_SUCCESS").exists()
    failed = subprocess.run(base + ["--input-dir", str(tmp_path / "nope")], capture_output=True, timeout=120)
    assert failed.returncode != 0  # Luigi's default would be 0 here


@pytest.mark.slow
def test_generated_corpus_batch_equals_clean(tmp_path):
    inputs = tmp_path / "in"
    generate(inputs, 2000, seed=11, bad=4)
    out = tmp_path / "out"
    result = _batch(str(inputs), str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    expected = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(inputs))
    assert _parts(out) == expected.stdout.decode()
    assert len(expected.stdout.splitlines()) == 2000
    assert len((out / "rejects.jsonl").read_text().splitlines()) == 4


@pytest.mark.slow
def test_sigkill_at_a_random_point_then_rerun_completes_without_loss_or_duplicates(tmp_path):
    inputs = tmp_path / "in"
    generate(inputs, 1500, seed=5)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), str(out), "--shard-size", "50",
           "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(random.Random().uniform(1.5, 4.0))
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: Luigi's forked workers too
    proc.wait()
    assert not (out / "_SUCCESS").exists() or proc.returncode == 0
    result = _batch(str(inputs), str(out), "--shard-size", "50", "--workers", "2")
    assert result.returncode == 0, result.stderr
    records = [json.loads(l) for l in _parts(out).splitlines()]
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == 1500
    assert _parts(out) == run_cli("clean", "--corpus-pass", "--format", "jsonl", str(inputs)).stdout.decode()
    # Half-written files of the killed run keep their temporary names (under .stages/), never a final one.
    assert not [p for p in out.glob("*") if "tmp" in p.name]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def luigid(tmp_path) -> Iterator[str]:
    """A central scheduler on a free local port, its state in a temporary directory; yields its URL."""
    port = _free_port()
    (tmp_path / "luigid-logs").mkdir()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "luigid"), "--address", "127.0.0.1", "--port", str(port),
         "--state-path", str(tmp_path / "luigid.state"), "--logdir", str(tmp_path / "luigid-logs")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None and time.time() < deadline, "luigid did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_two_workers_share_one_luigid_without_duplicating_a_shard(tmp_path, luigid):
    inputs = tmp_path / "in"
    generate(inputs, 800, seed=3)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), str(out), "--shard-size", "40",
           "--scheduler-url", luigid]
    workers = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [w.communicate(timeout=600) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [r[1].decode()[-2000:] for r in results]
    ids = [json.loads(l)["id"] for l in _parts(out).splitlines()]
    assert len(ids) == len(set(ids)) == 800
    runs = [line.split() for line in (out / ".stages" / "runs.log").read_text().splitlines()]
    per_task = Counter((stage, shard) for stage, shard, _ in runs)
    assert len(per_task) == 5 * 20 + 3 and set(per_task.values()) == {1}  # every task (5 a shard, 3 merges) ran once
    assert len({pid for *_, pid in runs}) >= 2  # and the work was shared


# `boilerstrip batch` with hooks for the tests below, set by environment variables:
# CORPUS_DELAY=SECONDS makes CleanCorpus.run sleep first, as a big corpus or a slow disk would;
# HOLD_CORPUS=DIR makes CleanCorpus.run touch DIR/holding, then wait for DIR/release (and
# raise if DIR/fail exists by then), so the test decides when the holder finishes;
# BUILT_MARKER=FILE touches FILE each time luigi.build returns, so the test knows the
# other process has left Luigi's worker loop and reached its own exit logic.
_HOOKED_BATCH = """
import os, sys, time
from pathlib import Path

import luigi

from pipeline import cli
from pipeline.batch import tasks

delay = float(os.environ.get("CORPUS_DELAY", "0"))
if delay:
    quick_run = tasks.CleanCorpus.run

    def slow_run(self):
        time.sleep(delay)
        quick_run(self)

    tasks.CleanCorpus.run = slow_run

hold = os.environ.get("HOLD_CORPUS")
if hold:
    corpus_run = tasks.CleanCorpus.run

    def held_run(self):
        Path(hold, "holding").touch()
        while not Path(hold, "release").exists():
            time.sleep(0.05)
        if Path(hold, "fail").exists():
            raise OSError("no space left on device (test)")
        corpus_run(self)

    tasks.CleanCorpus.run = held_run

marker = os.environ.get("BUILT_MARKER")
if marker:
    build = luigi.build

    def marked_build(*args, **kwargs):
        result = build(*args, **kwargs)
        Path(marker).touch()
        return result

    luigi.build = marked_build

sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.fixture
def hooked_batch(tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts `boilerstrip batch ARGS` with the hooks above (keyword arguments: environment);
    any of them still running when the test ends is stopped."""
    script = tmp_path / "hooked_batch.py"
    script.write_text(_HOOKED_BATCH, encoding="utf-8")
    started: list[subprocess.Popen] = []

    def start(*args: str, **env: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, str(script), "batch", *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "utf-8", **env})
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 120) -> None:
    """Until ``path`` exists or ``process`` exits (a generous deadline only against hangs)."""
    deadline = time.time() + seconds
    while not path.exists() and process.poll() is None:
        assert time.time() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def _hold_the_corpus(tmp_path: Path, start: Callable[..., subprocess.Popen], url: str,
                     out: Path) -> tuple[subprocess.Popen, Path]:
    """A first process that runs every shard, then holds CleanCorpus until the test releases it."""
    inputs = tmp_path / "in"
    generate(inputs, 40, seed=2)
    hold = tmp_path / "hold"
    hold.mkdir()
    holder = start(str(inputs), str(out), "--shard-size", "10", "--scheduler-url", url, "-q", HOLD_CORPUS=str(hold))
    _wait_for(hold / "holding", holder)
    assert holder.poll() is None, holder.communicate()[1].decode()[-2000:]
    return holder, hold


def test_a_process_waits_for_the_corpus_another_worker_holds(tmp_path, luigid, hooked_batch):
    """Regression (issue 9): the second process used to leave Luigi's worker loop as soon as
    CleanCorpus was RUNNING on the first one, find no _SUCCESS, and exit 1 (NOT_RUN)."""
    out = tmp_path / "out"
    holder, hold = _hold_the_corpus(tmp_path, hooked_batch, luigid, out)
    built = tmp_path / "built"
    waiter = hooked_batch(str(tmp_path / "in"), str(out), "--shard-size", "10", "--scheduler-url", luigid, "-q",
                          BUILT_MARKER=str(built))
    try:
        _wait_for(built, waiter)  # its luigi.build has returned while the corpus is still held
        assert not (out / "_SUCCESS").exists()
    finally:
        (hold / "release").touch()
    results = [p.communicate(timeout=120) for p in (holder, waiter)]
    assert [holder.returncode, waiter.returncode] == [0, 0], [r[1].decode()[-2000:] for r in results]
    assert results[1][0].decode().startswith("boilerstrip batch: 40 documents in 4 shards")
    assert len(_parts(out).splitlines()) == 40
    runs = Counter(line.split()[0] for line in (out / ".stages" / "runs.log").read_text().splitlines())
    assert runs["prepare"] == 4 and runs["finish"] == 4
    pids = {line.split()[2] for line in (out / ".stages" / "runs.log").read_text().splitlines()}
    assert pids == {str(holder.pid)}  # the waiter ran nothing


def test_a_waiting_process_fails_when_the_holder_fails(tmp_path, luigid, hooked_batch):
    out = tmp_path / "out"
    holder, hold = _hold_the_corpus(tmp_path, hooked_batch, luigid, out)
    built = tmp_path / "built"
    waiter = hooked_batch(str(tmp_path / "in"), str(out), "--shard-size", "10", "--scheduler-url", luigid, "-q",
                          BUILT_MARKER=str(built))
    try:
        _wait_for(built, waiter)
        (hold / "fail").touch()
        (hold / "release").touch()
        _, err = waiter.communicate(timeout=120)  # promptly: long before the default --wait-timeout
        # Luigi's own worker kept a process whose task FAILED alive forever (luigid counts a
        # failed task as pending and offers it again after retry_delay): it must end too.
        _, holder_err = holder.communicate(timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert holder.returncode == 1, holder_err.decode()[-2000:]
    assert waiter.returncode == 1
    assert err.decode().strip().splitlines()[-1].startswith("boilerstrip: error: batch did not complete: another")
    assert not (out / "_SUCCESS").exists()


def test_a_waiting_process_gives_up_after_wait_timeout(tmp_path, luigid, hooked_batch):
    out = tmp_path / "out"
    holder, hold = _hold_the_corpus(tmp_path, hooked_batch, luigid, out)
    try:
        waiter = hooked_batch(str(tmp_path / "in"), str(out), "--shard-size", "10", "--scheduler-url", luigid, "-q",
                              "--wait-timeout", "1")
        _, err = waiter.communicate(timeout=120)
    finally:
        (hold / "release").touch()
    assert waiter.returncode == 1
    assert err.decode().strip().splitlines() == [
        "boilerstrip: error: batch did not complete: still incomplete after waiting --wait-timeout 1 s "
        "for other workers; rerun to wait again"]
    holder.communicate(timeout=120)
    assert holder.returncode == 0
    assert (out / "_SUCCESS").exists()


@pytest.mark.slow
def test_rerun_right_after_a_shared_run_redoes_what_was_removed(tmp_path, luigid):
    """luigid ignores PENDING claims on a task it saw DONE in the last ``stable_done_cooldown_secs``
    (10 s), so a quick rerun after removing an output got NOT_RUN and exited 1; it now retries."""
    inputs = tmp_path / "in"
    generate(inputs, 30, seed=4)
    out = tmp_path / "out"
    args = (str(inputs), str(out), "--shard-size", "10", "--scheduler-url", luigid)
    assert _batch(*args).returncode == 0
    (out / "_SUCCESS").unlink()
    result = _batch(*args)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert (out / "_SUCCESS").exists()


@pytest.mark.slow
def test_two_processes_on_one_luigid_both_exit_0_every_time(tmp_path, luigid, hooked_batch):
    """The race of issue 9, looped. The process that does not run CleanCorpus finds it RUNNING
    on the other one and leaves Luigi's worker loop; it used to exit 1 whenever _SUCCESS was
    not there yet. Small shards and idle workers polling every 10-15 ms make it look while
    CleanCorpus runs; some runs also make CleanCorpus take longer (a bigger corpus, a slower
    disk), the rest leave the timing alone. Before the fix, 10 to 20 of the 20 runs failed."""
    inputs = tmp_path / "in"
    generate(inputs, 300, seed=6)
    config = tmp_path / "fast-poll.cfg"
    config.write_text("[worker]\nwait_interval = 0.01\nwait_jitter = 0.005\n", encoding="utf-8")
    failures = []
    for run in range(20):
        out = tmp_path / f"out{run}"
        args = (str(inputs), str(out), "--shard-size", "10", "--scheduler-url", luigid, "-q")
        env = {"LUIGI_CONFIG_PATH": str(config), "CORPUS_DELAY": str((0, 0, 0.05, 0.2)[run % 4])}
        pair = [hooked_batch(*args, **env) for _ in range(2)]
        results = [p.communicate(timeout=300) for p in pair]
        if [p.returncode for p in pair] != [0, 0]:
            failures.append((run, [p.returncode for p in pair], [r[1].decode()[-200:] for r in results]))
            continue
        assert [r[0].decode().splitlines()[0] for r in results] == [f"boilerstrip batch: 300 documents in 30 shards -> {out}"] * 2
        ids = [json.loads(l)["id"] for l in _parts(out).splitlines()]
        assert len(ids) == len(set(ids)) == 300
        runs = Counter(tuple(line.split()[:2]) for line in (out / ".stages" / "runs.log").read_text().splitlines())
        assert len(runs) == 5 * 30 + 3 and set(runs.values()) == {1}
    assert not failures, f"{len(failures)} of 20 runs failed: {failures}"


def test_html_and_jsonl_inputs_batch_like_clean(tmp_path):
    """Pages, JSONL (plain, cut into shards by line range, and gzipped) and text: byte-identical to clean."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    page = (Path(__file__).parent.parent / "fixtures" / "html" / "harbour-news.html").read_text(encoding="utf-8")
    (inputs / "harbour.html").write_text(page, encoding="utf-8")
    shutil.copy(SEEDS[4], inputs / "menafn.txt")
    lines = [json.dumps({"id": f"s{i}", "text": SEEDS[i % len(SEEDS)].read_text(encoding="utf-8")}) for i in range(7)]
    lines.insert(3, "{oops")
    lines.append(json.dumps({"id": "p", "html": page, "url": "https://m.example/p"}))
    (inputs / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip_open(inputs / "more.jsonl.gz", "wb") as gz:
        gz.write("\n".join(lines[:3]).encode())
    out = tmp_path / "out"
    result = _batch(str(inputs), str(out), "--shard-size", "3")
    assert result.returncode == 0, result.stderr
    expected = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(inputs))
    assert expected.returncode == 1  # the malformed line
    assert _parts(out) == expected.stdout.decode()
    records = [json.loads(line) for line in _parts(out).splitlines()]
    assert len(records) == 1 + 8 + 3 + 1
    assert [r["extractor"] for r in records if r["id"] in ("harbour.html", "p")] == ["combined", "combined"]
    rejects = [json.loads(l) for l in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["id"], r["stage"], r["message"][:22]) for r in rejects] == [("crawl.jsonl:4", "read", "line 4: not valid JSON")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["files"], manifest["inputs"], manifest["documents"]) == (4, 14, 13)
    assert len(manifest["shards"]) >= 4  # the 10-line JSONL file was cut into line ranges


@pytest.mark.parametrize("mode", ["fast", "trafilatura"])
def test_every_html_extractor_mode_batches_like_clean(tmp_path, mode):
    """The extraction mode is a cleaning option: batch and clean give the same bytes in each mode."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("harbour-news.html", "split-article.html", "teasers.html"):
        shutil.copy(Path(__file__).parent.parent / "fixtures" / "html" / name, inputs / name)
    out = tmp_path / "out"
    result = _batch(str(inputs), str(out), "--html-extractor", mode)
    assert result.returncode == 0, result.stderr
    expected = run_cli("clean", "--corpus-pass", "--format", "jsonl", "--html-extractor", mode, str(inputs))
    assert expected.returncode == 0, expected.stderr
    assert _parts(out) == expected.stdout.decode()
    extractors = {json.loads(line)["extractor"] for line in _parts(out).splitlines()}
    assert extractors == {"fast": {"resiliparse"}, "trafilatura": {"trafilatura"}}[mode]


def _non_default(value):
    """A value of the same kind as an option's default, but different from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, tuple):
        return ["extra-rules"]
    if isinstance(value, (int, float)):
        return value + 7
    return value + "elsewhere"


def test_clean_daily_hands_every_option_to_the_corpus(tmp_path):
    from dataclasses import fields

    from pipeline.options import BatchOptions, CleanOptions, field_default

    names = [f for cls in (CleanOptions, BatchOptions) for f in fields(cls) if "flag" in f.metadata]
    assert len(names) >= 10
    values = {f.name: _non_default(field_default(f)) for f in names}
    daily = CleanDaily(date=__import__("datetime").date(2024, 10, 19), input_root=str(tmp_path / "in"),
                       output_root=str(tmp_path / "out"), **values)
    corpus = daily.corpus()
    for name, value in values.items():
        assert getattr(corpus, name) == (tuple(value) if isinstance(value, list) else value), name


def test_clean_daily_runs_with_options_end_to_end(seed_dir, tmp_path):
    day_in = tmp_path / "daily" / "2024-10-19"
    shutil.copytree(seed_dir, day_in)
    task = CleanDaily(date=__import__("datetime").date(2024, 10, 19), input_root=str(tmp_path / "daily"),
                      output_root=str(tmp_path / "out"), ascii_punctuation=True, gzip_output=True, shard_size=2)
    result = luigi.build([task], local_scheduler=True, detailed_summary=True, log_level="WARNING")
    assert result.status.name == "SUCCESS", result.summary_text
    day_out = tmp_path / "out" / "2024-10-19"
    parts = sorted(day_out.glob("part-*.jsonl.gz"))
    assert len(parts) == 3
    text = "".join(gzip_open(p, "rt", encoding="utf-8").read() for p in parts)
    cleaned = run_cli("clean", "--corpus-pass", "--format", "jsonl", "--ascii-punctuation", str(day_in))
    assert text == cleaned.stdout.decode()
    assert "’" not in text and "“" not in text


def test_file_urls_are_local_paths(seed_dir, tmp_path):
    """``file://`` input and output directories take the local code path: the same outputs."""
    result = _batch(f"file://{seed_dir}", f"file://{tmp_path / 'out-url'}", "--shard-size", "2")
    assert result.returncode == 0, result.stderr
    assert _batch(str(seed_dir), str(tmp_path / "out"), "--shard-size", "2").returncode == 0
    assert _parts(tmp_path / "out-url") == _parts(tmp_path / "out") != ""
    assert (tmp_path / "out-url" / ".stages" / "runs.log").exists()
    cleaned = run_cli("clean", f"file://{seed_dir / SEEDS[0].name}")
    assert cleaned.returncode == 0 and cleaned.stdout == run_cli("clean", str(seed_dir / SEEDS[0].name)).stdout
