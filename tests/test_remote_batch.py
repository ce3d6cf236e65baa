"""Batch and clean on an object store: a real HTTP S3 endpoint (moto's standalone server) on
127.0.0.1, started and stopped by the tests, with dummy credentials from the environment."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.generate_corpus import generate

from .conftest import SEEDS, run_cli

s3fs = pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

BUCKET = "corpus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.time() + 60
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None and time.time() < deadline, f"{what} did not start"
        time.sleep(0.1)


@contextmanager
def _serving(process: subprocess.Popen, port: int, what: str) -> Iterator[None]:
    """While the block runs, ``process`` listens on ``port`` (waited for); then it is stopped."""
    try:
        _wait_for_port(port, process, what)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    """moto's S3 server on a free local port (its own process, as a store would be)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with _serving(process, port, "the S3 server"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def s3_env(s3_endpoint) -> dict[str, str]:
    """What a worker's environment holds: credentials and endpoint come from the standard chain
    of the AWS libraries (never from arguments)."""
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": s3_endpoint}


@pytest.fixture(scope="module")
def store(s3_endpoint):
    """An s3fs filesystem on the server (for the test itself to upload and look), with a bucket."""
    fs = s3fs.S3FileSystem(key="testing", secret="testing", endpoint_url=s3_endpoint, skip_instance_cache=True,
                           use_listings_cache=False)
    fs.mkdir(BUCKET)
    return fs


def _cli(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, env=env, cwd=cwd,
                          timeout=300)


def _remote_parts(store, prefix: str) -> str:
    names = sorted(p for p in store.ls(f"{BUCKET}/{prefix}", detail=False) if p.rsplit("/", 1)[-1].startswith("part-"))
    return "".join(store.cat_file(p).decode("utf-8") for p in names)


def _local_parts(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("part-*.jsonl")))


def test_clean_reads_a_prefix_and_writes_an_object(tmp_path, store, s3_env):
    local = tmp_path / "in"
    local.mkdir()
    for seed in SEEDS:
        (local / seed.name).write_bytes(seed.read_bytes())
    store.put(str(local) + "/", f"{BUCKET}/clean-in/", recursive=True)
    result = _cli(s3_env, "clean", f"s3://{BUCKET}/clean-in", "-o", f"s3://{BUCKET}/clean-out/records.jsonl")
    assert result.returncode == 0, result.stderr.decode()
    expected = run_cli("clean", "--format", "jsonl", str(local)).stdout.decode()
    written = store.cat_file(f"{BUCKET}/clean-out/records.jsonl").decode()
    assert written == expected.replace(json.dumps(str(local))[1:-1], f"s3://{BUCKET}/clean-in")
    assert store.ls(f"{BUCKET}/clean-out", detail=False) == [f"{BUCKET}/clean-out/records.jsonl"]


def test_a_failed_write_publishes_nothing(store, in_process_s3):
    from pipeline.io import storage
    from pipeline.io.writers import open_output

    target = f"s3://{BUCKET}/atomic/part-00000.jsonl"
    with open_output(target) as out:
        out.write("old\n")
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write("half of the new part\n")
        raise RuntimeError("the worker fails mid-write")
    assert storage.read_text(target) == "old\n"  # a reader still sees the previous, whole object
    assert store.ls(f"{BUCKET}/atomic", detail=False) == [f"{BUCKET}/atomic/part-00000.jsonl"]


def test_missing_input_prefix_is_one_line_and_usage_status(store, s3_env):
    result = _cli(s3_env, "batch", f"s3://{BUCKET}/nothing-here", f"s3://{BUCKET}/out-x")
    assert result.returncode == 2
    assert result.stderr.decode().strip() == f"boilerstrip: error: s3://{BUCKET}/nothing-here: input directory not found"


def test_batch_on_the_store_reads_jsonl_ranges_gzip_and_pages_like_a_local_batch(tmp_path, store, s3_env):
    """A plain JSONL object cut into line ranges (each read from its byte offset), a .jsonl.gz
    object (streamed and inflated), a page, a text in a subdirectory and an undecodable file:
    the same outputs as a local batch of the same tree."""
    local = tmp_path / "mixed"
    (local / "sub").mkdir(parents=True)
    page = (Path(__file__).parent.parent / "fixtures" / "html" / "harbour-news.html").read_text(encoding="utf-8")
    (local / "harbour.html").write_text(page, encoding="utf-8")
    (local / "sub" / "menafn.txt").write_bytes(SEEDS[4].read_bytes())
    (local / "garbage.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    lines = [json.dumps({"id": f"s{i}", "text": SEEDS[i % len(SEEDS)].read_text(encoding="utf-8")}) for i in range(7)]
    lines.insert(3, "{oops")
    (local / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(local / "more.jsonl.gz", "wb") as gz:
        gz.write("\n".join(lines[:3]).encode())
    store.put(str(local) + "/", f"{BUCKET}/mixed/", recursive=True)
    remote = _cli(s3_env, "batch", f"s3://{BUCKET}/mixed", f"s3://{BUCKET}/mixed-out", "--shard-size", "3", "-q")
    assert remote.returncode == 0, remote.stderr.decode()[-2000:]
    local_result = _cli(s3_env, "batch", str(local), str(tmp_path / "out"), "--shard-size", "3", "-q")
    assert local_result.returncode == 0, local_result.stderr.decode()[-2000:]

    def as_remote(text: str) -> str:
        return text.replace(json.dumps(str(local))[1:-1], f"s3://{BUCKET}/mixed")

    assert _remote_parts(store, "mixed-out") == as_remote(_local_parts(tmp_path / "out"))
    assert len(_local_parts(tmp_path / "out").splitlines()) == 1 + 1 + 7 + 3
    for name in ("rejects.jsonl", "templates.json", "duplicates.jsonl"):
        assert store.cat_file(f"{BUCKET}/mixed-out/{name}").decode() == as_remote((tmp_path / "out" / name).read_text())
    manifest = json.loads(store.cat_file(f"{BUCKET}/mixed-out/manifest.json"))
    assert len(manifest["shards"]) == len(json.loads((tmp_path / "out" / "manifest.json").read_text())["shards"]) >= 5
    # a second run over the unchanged store does nothing
    again = _cli(s3_env, "batch", f"s3://{BUCKET}/mixed", f"s3://{BUCKET}/mixed-out", "--shard-size", "3", "-q")
    assert again.returncode == 0 and "up to date" in again.stdout.decode()


@pytest.fixture
def luigid_fast_failover(tmp_path) -> Iterator[str]:
    """luigid on a free local port that calls a worker dead after 5 s of silence (default 60 s)."""
    port = _free_port()
    (tmp_path / "luigid-logs").mkdir()
    config = tmp_path / "luigid.cfg"
    config.write_text("[scheduler]\nworker_disconnect_delay = 5\n", encoding="utf-8")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "luigid"), "--address", "127.0.0.1", "--port", str(port),
         "--state-path", str(tmp_path / "luigid.state"), "--logdir", str(tmp_path / "luigid-logs")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "LUIGI_CONFIG_PATH": str(config)},
    )
    with _serving(process, port, "luigid"):
        yield f"http://127.0.0.1:{port}/"


def _runs(store, prefix: str) -> list[tuple[str, str, str]]:
    """The audit of the remote work directory: (segment or step, shard, host:pid) per task run."""
    paths = store.find(f"{BUCKET}/{prefix}/.stages/runs/")
    return [tuple(store.cat_file(p).decode().split()) for p in paths if not p.rsplit("/", 1)[-1].startswith(".")]


# `boilerstrip batch` that, after its third task, stops halfway through the next shard (half of
# its documents cleaned, nothing uploaded) and touches $STUCK_MARKER, so that the test kills it
# mid-shard every time rather than when chance has it between two tasks.
_STOPS_MID_SHARD = """
import os, sys, time
from pipeline import cli
from pipeline.batch import tasks

finished = []
run, inputs = tasks.ShardTask.run, tasks.ShardTask._inputs

def counted_run(self):
    run(self)
    finished.append(self.shard)

def stalling_inputs(self, *args):
    for n, item in enumerate(inputs(self, *args)):
        if n == 10 and len(finished) >= 3:
            open(os.environ["STUCK_MARKER"], "w").close()
            time.sleep(3600)
        yield item

tasks.ShardTask.run, tasks.ShardTask._inputs = counted_run, stalling_inputs
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_two_machines_one_killed_mid_run_output_complete_and_identical_to_local(tmp_path, store, s3_env,
                                                                              luigid_fast_failover):
    local_in = tmp_path / "local-in"
    count, bad = 600, 3
    generate(local_in, count, seed=21, bad=bad, per_dir=250)
    store.put(str(local_in) + "/", f"{BUCKET}/in/", recursive=True)
    shard = ("--shard-size", "20")
    local_out = tmp_path / "local-out"
    local = _cli(s3_env, "batch", str(local_in), str(local_out), *shard, "-q")
    assert local.returncode == 0, local.stderr.decode()[-2000:]

    machines = [tmp_path / "machine-a", tmp_path / "machine-b"]
    stuck = tmp_path / "victim-stuck"  # (outside both machines' directories)
    workers = []
    for machine, program in zip(machines, (["-c", _STOPS_MID_SHARD], ["-m", "pipeline.cli"]), strict=True):
        # as if on two machines: own working directory, own temporary directory
        (machine / "tmp").mkdir(parents=True)
        env = {**s3_env, "TMPDIR": str(machine / "tmp"), "STUCK_MARKER": str(stuck)}
        workers.append(subprocess.Popen(
            [sys.executable, *program, "batch", f"s3://{BUCKET}/in", f"s3://{BUCKET}/out", *shard,
             "--scheduler-url", luigid_fast_failover, "-q"],
            cwd=machine, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True))
    victim, survivor = workers
    deadline = time.time() + 240
    while not stuck.exists():  # the victim has finished 3 tasks and is halfway through a shard
        assert victim.poll() is None and time.time() < deadline, victim.communicate()[1].decode()[-2000:]
        time.sleep(0.1)
    assert not store.exists(f"{BUCKET}/out/_SUCCESS")
    os.killpg(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    out, err = survivor.communicate(timeout=600)
    assert survivor.returncode == 0, err.decode()[-3000:]
    shards = -(-(count + bad) // 20)
    assert out.decode().startswith(f"boilerstrip batch: {count} documents in {shards} shards -> s3://{BUCKET}/out")
    # luigid failed the victim's shard once it had been silent for 5 s; the survivor forgave it and redid it.
    server_log = (tmp_path / "luigid-logs" / "luigi-server.log").read_text(encoding="utf-8")
    assert re.search(rf"marked as running by disconnected worker .*pid={victim.pid}\)", server_log)
    assert "POST /api/forgive_failures" in server_log

    # Complete, no duplicates, byte-identical to the local run (where a record names its input's
    # path, and the template-line source made from it, the local root reads as the S3 prefix).
    remote_text = _remote_parts(store, "out")
    ids = [json.loads(line)["id"] for line in remote_text.splitlines()]
    assert len(ids) == len(set(ids)) == count
    as_remote = {str(local_in): f"s3://{BUCKET}/in"}

    def remote_form(text: str) -> str:
        for local_root, remote_root in as_remote.items():
            text = text.replace(json.dumps(local_root)[1:-1], remote_root)
        return text

    assert remote_text == remote_form(_local_parts(local_out))
    for name in ("rejects.jsonl", "templates.json", "duplicates.jsonl"):
        assert store.cat_file(f"{BUCKET}/out/{name}").decode() == remote_form((local_out / name).read_text()), name
    assert len(store.cat_file(f"{BUCKET}/out/rejects.jsonl").splitlines()) == bad
    remote_manifest = json.loads(store.cat_file(f"{BUCKET}/out/manifest.json"))
    local_manifest = json.loads((local_out / "manifest.json").read_text())
    for key in ("files", "inputs", "documents", "shards", "removed_by_rule", "templates", "duplicates"):
        assert remote_manifest[key] == local_manifest[key], key

    # Both machines worked; every task of the run was done; only the store holds the run's files.
    runs = _runs(store, "out")
    assert {pid for *_, pid in runs} == {f"{socket.gethostname()}:{w.pid}" for w in workers}
    assert len({(stage, shard) for stage, shard, _ in runs}) == 5 * shards + 3
    assert [p for m in machines for p in m.rglob("*") if p.is_file()] == []
    assert not [p for p in store.find(f"{BUCKET}/out") if p.endswith(".tmp")]  # nothing half-written, anywhere


@pytest.fixture
def in_process_s3(s3_env, monkeypatch) -> Iterator[None]:
    """This process's own storage layer pointed at the server (as a worker's environment would)."""
    from pipeline.io import storage

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.setenv(name, s3_env[name])
    storage._filesystem.cache_clear()
    yield
    storage._filesystem.cache_clear()


def test_range_daily_backfill_against_the_store(tmp_path, store, in_process_s3):
    """The docs' backfill: RangeDaily over CleanDaily with both roots in the bucket; a day
    without input is not attempted, a finished day is not redone."""
    import datetime

    import luigi
    from luigi.tools.range import RangeDaily

    from pipeline.batch.tasks import CleanDaily

    local = tmp_path / "scraped"
    for day, seeds in (("2024-10-19", SEEDS[:3]), ("2024-10-21", SEEDS[3:])):
        (local / day).mkdir(parents=True)
        for seed in seeds:
            (local / day / seed.name).write_bytes(seed.read_bytes())
    store.put(str(local) + "/", f"{BUCKET}/scraped/", recursive=True)
    roots = {"input_root": f"s3://{BUCKET}/scraped", "output_root": f"s3://{BUCKET}/clean"}
    backfill = RangeDaily(of=CleanDaily, start=datetime.date(2024, 10, 19), stop=datetime.date(2024, 10, 22),
                          days_back=10, now=int(datetime.datetime(2024, 10, 25).timestamp()), of_params=roots,
                          param_name="date")
    result = luigi.build([backfill], local_scheduler=True, detailed_summary=True, log_level="WARNING")
    assert result.status.name in ("SUCCESS", "MISSING_EXT"), result.summary_text
    for day in ("2024-10-19", "2024-10-21"):
        assert store.exists(f"{BUCKET}/clean/{day}/_SUCCESS")
        expected = run_cli("clean", "--corpus-pass", "--format", "jsonl", str(local / day)).stdout.decode()
        assert _remote_parts(store, f"clean/{day}") == expected.replace(str(local), f"s3://{BUCKET}/scraped")
    assert not store.exists(f"{BUCKET}/clean/2024-10-20")
    first = store.info(f"{BUCKET}/clean/2024-10-19/_SUCCESS")["LastModified"]
    assert CleanDaily(date=datetime.date(2024, 10, 19), **roots).complete()
    luigi.build([backfill], local_scheduler=True, log_level="WARNING")
    assert store.info(f"{BUCKET}/clean/2024-10-19/_SUCCESS")["LastModified"] == first


def test_a_warc_object_batched_to_parquet_parts_in_the_store_equals_a_local_run(tmp_path, store, s3_env):
    """Crawl formats on the store: a .warc.gz object is read from a local spool, Parquet parts
    are published like JSONL ones; the records are a local run's, the path aside."""
    from pipeline.io import parquet

    from .warcdata import ARTICLES, article, response, warc_file

    local = tmp_path / "crawl"
    local.mkdir()
    warc_file(local / "crawl.warc.gz", *(response(f"https://example.org/{i}", f"p{i}", article(i).encode())
                                         for i in range(len(ARTICLES))))
    (local / "seed.txt").write_bytes(SEEDS[3].read_bytes())
    store.put(str(local) + "/", f"{BUCKET}/crawl/", recursive=True)
    remote = _cli(s3_env, "batch", f"s3://{BUCKET}/crawl", f"s3://{BUCKET}/crawl-out", "--output-format", "parquet",
                  "-q")
    assert remote.returncode == 0, remote.stderr.decode()[-2000:]
    here = _cli(s3_env, "batch", str(local), str(tmp_path / "out"), "--output-format", "parquet", "-q")
    assert here.returncode == 0, here.stderr.decode()[-2000:]
    names = sorted(p for p in store.ls(f"{BUCKET}/crawl-out", detail=False) if p.endswith(".parquet"))
    assert names and [n.rsplit("/", 1)[-1] for n in names] == sorted(p.name for p in (tmp_path / "out").glob("*.parquet"))
    for name in names:
        copy = tmp_path / name.rsplit("/", 1)[-1]
        copy.write_bytes(store.cat_file(name))
        ours = [dict(r, path=None) for r in parquet.read_records(str(copy))]
        theirs = [dict(r, path=None) for r in parquet.read_records(str(tmp_path / "out" / copy.name))]
        assert ours == theirs and all(r["url"] or r["id"] == "seed.txt" for r in ours)
    manifest = json.loads(store.cat_file(f"{BUCKET}/crawl-out/manifest.json"))
    assert manifest["documents"] == len(ARTICLES) + 1
