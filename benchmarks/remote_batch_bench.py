"""Batch throughput on an object store against local paths, on a local S3 server, in one run.

    python -m benchmarks.remote_batch_bench [--count 1000] [--shard-size 50] [--repeat 2]

Generates a deterministic corpus (benchmarks/generate_corpus.py), starts moto's
S3 server (``python -m moto.server``, from the dev extra) and a ``luigid`` on
free 127.0.0.1 ports, uploads the corpus, then times, each as fresh processes:

* ``local``: ``boilerstrip batch IN OUT`` on local paths, one process (the baseline);
* ``s3``: ``boilerstrip batch s3://bench/in s3://bench/out-N``, one process (local scheduler);
* ``s3, 2 processes``: two such processes sharing the luigid, as two machines would
  (each its own working and temporary directory); the time is until both have exited.

Each is run ``--repeat`` times, interleaved, and the fastest counts. Prints docs/s,
MB/s and peak RSS (the largest single process) for each, and the ratio of each to
the local baseline. The S3 server is moto's, on this machine: it shows what the
store's requests cost boilerstrip (a request per object read, listed, written,
checked), not the bandwidth or latency of a real store. On a 2-core machine the
two-process figure also shares the cores with the server and luigid.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.batch_bench import MEASURE, measured
from benchmarks.generate_corpus import generate

BUCKET = "bench"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(cmd: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 60
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None or time.time() > deadline:
            raise SystemExit(f"could not start {cmd[0]}")
        time.sleep(0.1)


def _measured(cmd: list[str], env: dict[str, str], cwd: str | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", MEASURE, *cmd], stdout=subprocess.PIPE, text=True, env=env, cwd=cwd)


def _result(process: subprocess.Popen[str]) -> tuple[float, float]:
    out, _ = process.communicate()
    return measured(out, [str(arg) for arg in process.args])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--shard-size", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2, help="runs per configuration; the fastest counts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import s3fs  # the dev extra; imported here so that --help works without it

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp, "in")
        paths = generate(inputs, args.count, seed=2024)
        size = sum(p.stat().st_size for p in paths)
        s3_port, luigid_port = _free_port(), _free_port()
        config = Path(tmp, "luigid.cfg")
        config.write_text("[scheduler]\nworker_disconnect_delay = 10\n", encoding="utf-8")
        Path(tmp, "logs").mkdir()
        services = [
            _start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], s3_port),
            _start([str(Path(sys.executable).parent / "luigid"), "--address", "127.0.0.1", "--port",
                    str(luigid_port), "--state-path", str(Path(tmp, "luigid.state")), "--logdir", str(Path(tmp, "logs"))],
                   luigid_port, env={**os.environ, "LUIGI_CONFIG_PATH": str(config)}),
        ]
        try:
            endpoint = f"http://127.0.0.1:{s3_port}"
            env = {**os.environ, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}
            fs = s3fs.S3FileSystem(key="bench", secret="bench", endpoint_url=endpoint, use_listings_cache=False)
            fs.mkdir(BUCKET)
            fs.put(str(inputs) + "/", f"{BUCKET}/in/", recursive=True)
            batch = [sys.executable, "-m", "pipeline.cli", "batch", "--shard-size", str(args.shard_size), "-q"]
            best: dict[str, tuple[float, float]] = {}
            for run in range(args.repeat):
                best_of(best, "local", [_measured(batch + [str(inputs), str(Path(tmp, f"local-{run}"))], env)])
                one = [_measured(batch + [f"s3://{BUCKET}/in", f"s3://{BUCKET}/one-{run}"], env)]
                best_of(best, "s3", one)
                machines = [Path(tmp, f"machine-{run}-{i}") for i in range(2)]
                for machine in machines:
                    (machine / "tmp").mkdir(parents=True)
                two = [_measured(batch + [f"s3://{BUCKET}/in", f"s3://{BUCKET}/two-{run}", "--scheduler-url",
                                          f"http://127.0.0.1:{luigid_port}/"],
                                 {**env, "TMPDIR": str(machine / "tmp")}, cwd=str(machine)) for machine in machines]
                best_of(best, "s3, 2 processes", two)
            local_text = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(tmp, "local-0").glob("part-*")))
            remote_text = "".join(fs.cat_file(p).decode("utf-8") for p in sorted(fs.ls(f"{BUCKET}/two-0"))
                                  if p.rsplit("/", 1)[-1].startswith("part-"))
            same = remote_text == local_text.replace(json.dumps(str(inputs))[1:-1], f"s3://{BUCKET}/in")
        finally:
            for service in services:
                service.terminate()
                service.wait(timeout=30)
    baseline = best["local"][0]
    results = {name: {"seconds": round(seconds, 2), "docs_per_s": round(args.count / seconds, 1),
                      "mb_per_s": round(size / seconds / 1e6, 3), "peak_rss_mib": round(rss, 1),
                      "throughput_vs_local": round(baseline / seconds, 3)}
               for name, (seconds, rss) in best.items()}
    summary = {"documents": args.count, "megabytes": round(size / 1e6, 2), "shard_size": args.shard_size,
               "runs": results, "outputs_identical": same, "load_before": os.getloadavg(),
               "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{args.count} documents, {size / 1e6:.2f} MB, shards of {args.shard_size}, best of {args.repeat} runs each;"
          " S3 = moto's server on 127.0.0.1")
    for name, r in results.items():
        print(f"  {name:<16} {r['seconds']:7.2f} s  {r['docs_per_s']:7.1f} docs/s  {r['mb_per_s']:6.3f} MB/s  "
              f"peak RSS {r['peak_rss_mib']:.0f} MiB  throughput x{r['throughput_vs_local']:.2f} of local")
    print(f"  outputs identical (input paths aside): {same}")


def best_of(best: dict[str, tuple[float, float]], name: str, processes: list[subprocess.Popen[str]]) -> None:
    """Record the wall time until every process of a run exited (and its largest RSS), if the fastest yet."""
    measured = [_result(p) for p in processes]
    seconds, rss = max(s for s, _ in measured), max(r for _, r in measured)
    if name not in best or seconds < best[name][0]:
        best[name] = (seconds, rss)


if __name__ == "__main__":
    main()
