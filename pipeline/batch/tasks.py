"""Batch cleaning with Luigi: the same stages as ``boilerstrip clean``, per shard.

The corpus is split into *shards* (``DEFAULT_SHARD_SIZE`` documents in sorted
id order): shards, not documents, are Luigi's unit of scheduling, so the
scheduler's per-task cost (a few milliseconds locally, a round trip with
luigid) stays small against the cleaning work. Each shard runs four tasks,
each with its own target, so a failed or killed run resumes from the last
completed stage::

    RepairShard -> StripShard -> MetadataShard -> NormalizeShard -> CleanCorpus
    (read, decode, extract HTML, repair)

Targets are content-addressed. A shard's key hashes its members (id, size,
modification time), the package and extractor versions and, from the strip stage on, the
rules fingerprint and options: unchanged inputs are never redone, and an
edited rule recomputes the stages it affects instead of serving stale results.
Every file is written atomically (``LocalTarget.open('w')`` renames a
temporary file into place), and ``_SUCCESS`` is written last.

Run it with ``boilerstrip batch`` or the plain Luigi way::

    luigi --module pipeline.batch.tasks CleanCorpus --input-dir in/ --output-dir out/ --local-scheduler --workers 2
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import luigi
import luigi.interface
import luigi.worker
import orjson
from luigi.configuration import get_config
from luigi.rpc import RemoteScheduler, RPCError
from luigi.task_status import BATCH_RUNNING, DISABLED, FAILED, RUNNING

from pipeline import __version__
from pipeline.stages.strip import strip
from pipeline.chain import DEFAULT_MAX_LINE_CHARS, DEFAULT_SHARD_SIZE, CleanOptions, prepare
from pipeline.document import Document
from pipeline.errors import DocumentError
from pipeline.stages.extract import DEFAULT_MAX_PAGE_CHARS, extractor_versions
from pipeline.stages.metadata import extract_metadata
from pipeline.stages.normalize import normalize
from pipeline.io.sources import DEFAULT_MAX_BYTES, ReadFailure, Skipped, Source, walk_directory

STAGES_DIRNAME = ".stages"

# Luigi exits 0 even when tasks failed unless told otherwise: make failures
# visible to `luigi --module pipeline.batch.tasks ...` too, unless luigi.cfg says otherwise.
RETCODES = {"unhandled_exception": 4, "missing_data": 3, "task_failed": 2, "scheduling_error": 5,
            "already_running": 6, "not_run": 0}


def _default_retcodes() -> None:
    config = get_config()
    if not config.has_section("retcode"):
        config.add_section("retcode")
    for name, code in RETCODES.items():
        if not config.has_option("retcode", name):
            config.set("retcode", name, str(code))


_default_retcodes()


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


# --- the shard plan ------------------------------------------------------------
# A plan member is one unit of input: [id, path, size, mtime_ns, format, first_line, n_lines, offset].
# A text or HTML file is one member (one document); a plain JSONL file is cut
# into members of at most shard_size lines (byte offset of the first, for a
# direct seek); a compressed JSONL file cannot be seeked and stays one member.

def jsonl_chunks(path: str, lines_per_chunk: int) -> Iterator[tuple[int, int, int]]:
    """``(first_line, n_lines, byte_offset)`` ranges covering a JSONL file, found by
    counting newlines block by block (so a huge line never sits in memory)."""
    first, count, offset, position, last_byte = 1, 0, 0, 0, b"\n"
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            start = 0
            while (newline := block.find(b"\n", start)) >= 0:
                count += 1
                start = newline + 1
                if count == lines_per_chunk:
                    yield first, count, offset
                    first, count, offset = first + count, 0, position + start
            position += len(block)
            last_byte = block[-1:]
    if last_byte != b"\n":
        count += 1  # a last line without a newline
    if count:
        yield first, count, offset


def _members(entry: Source, shard_size: int) -> list[list]:
    try:
        st = os.stat(entry.path)
    except OSError as exc:  # vanished or unreadable: still an input, rejected when read
        return [[entry.id, entry.path, -1, str(exc), entry.format, 1, None, 0]]
    head = [entry.id, entry.path, st.st_size, st.st_mtime_ns, entry.format]
    if entry.format != "jsonl" or entry.path.endswith(".gz"):
        return [head + [1, None, 0]]
    try:
        chunks = list(jsonl_chunks(entry.path, shard_size))
        if len(chunks) > 1 and _has_content(entry.path):
            return [head + list(chunk) for chunk in chunks]
    except OSError:
        pass
    # One chunk, an empty or blank file, or an unreadable one: read as a whole, so
    # that an empty file is reported (as `clean` does) and read errors show up.
    return [head + [1, None, 0]]


def _has_content(path: str) -> bool:
    """Whether a file holds anything but whitespace (reads only up to the first such byte)."""
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            if block.strip():
                return True
    return False


def _weight(member: list, shard_size: int) -> int:
    """Documents a member stands for (a compressed JSONL file: a whole shard's worth)."""
    if member[4] != "jsonl":
        return 1
    return member[6] if member[6] is not None else shard_size


def make_plan(input_dir: str, shard_size: int, max_bytes: int = DEFAULT_MAX_BYTES,
              max_line_chars: int = DEFAULT_MAX_LINE_CHARS, max_page_chars: int = DEFAULT_MAX_PAGE_CHARS) -> dict[str, Any]:
    """List the inputs (sorted, as ``boilerstrip clean DIR`` does) and cut them into shards
    of about ``shard_size`` documents."""
    members, skipped = [], []
    for entry in walk_directory(Path(input_dir), max_bytes):
        if isinstance(entry, Skipped):
            skipped.append({"path": entry.path, "reason": entry.reason, **({"error": True} if entry.error else {})})
        else:
            members += _members(entry, shard_size)
    shards: list[list[list]] = []
    filled = shard_size
    for member in members:
        weight = _weight(member, shard_size)
        if filled + weight > shard_size:
            shards.append([])
            filled = 0
        shards[-1].append(member)
        filled += weight
    return {
        "input_dir": input_dir,
        "shard_size": shard_size,
        "max_bytes": max_bytes,
        "max_line_chars": max_line_chars,
        "max_page_chars": max_page_chars,
        "shards": shards,
        "skipped": skipped,
        "key": _digest(__version__, extractor_versions(), shard_size, max_bytes, max_line_chars, max_page_chars,
                       shards, skipped),
    }


def plan_limits(plan: dict[str, Any]) -> dict[str, int]:
    """The input limits a plan was made with: they change what the first stage produces."""
    return {k: plan[k] for k in ("max_bytes", "max_line_chars", "max_page_chars") if k in plan}


def plan_bytes(plan: dict[str, Any]) -> int:
    """Total size of the plan's input files (each file once, however it was cut)."""
    sizes = {m[1]: m[2] for shard in plan["shards"] for m in shard}
    return sum(size for size in sizes.values() if size > 0)


def _write_json_atomic(path: Path, data: Any) -> None:
    target = luigi.LocalTarget(str(path))
    with target.open("w") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)


def _plan_file(work_dir: str, key: str) -> Path:
    return Path(work_dir) / "plans" / f"{key}.json"


def save_plan(work_dir: str, plan: dict[str, Any]) -> None:
    path = _plan_file(work_dir, plan["key"])
    if not path.exists():
        _write_json_atomic(path, plan)


@lru_cache(maxsize=4)
def load_plan(work_dir: str, key: str) -> dict[str, Any]:
    """A saved plan. Plans are content-addressed (never change), so caching is safe;
    Luigi asks every task for its output() many times during scheduling."""
    return json.loads(_plan_file(work_dir, key).read_text(encoding="utf-8"))


# --- stage files ---------------------------------------------------------------
# One JSON object per line: {"doc": state}, {"reject": {...}} or, last, {"timings": {...}}.
# Written and read with orjson: with the json module, handing documents from stage to
# stage cost as much as cleaning them.

def _line(entry: dict[str, Any]) -> str:
    return orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")


def _read_stage(path: str) -> tuple[list[Document | dict], dict[str, float]]:
    items: list[Document | dict] = []
    timings: dict[str, float] = {}
    with open(path, "rb") as stream:
        for line in stream:
            entry = orjson.loads(line)
            if "doc" in entry:
                items.append(Document.from_state(entry["doc"]))
            elif "reject" in entry:
                items.append(entry["reject"])
            else:
                timings = entry["timings"]
    return items, timings


def reject_record(doc_id: str, path: str | None, stage: str, exc: BaseException) -> dict[str, Any]:
    """What the rejects file says about a document that could not be processed."""
    return {"id": doc_id, "path": path, "stage": stage, "error": type(exc).__name__, "message": str(exc)}


def log_run(work_dir: str, stage: str, shard: int) -> None:
    """Append 'stage shard pid' to WORK_DIR/runs.log: an audit of which process ran what.

    One short ``O_APPEND`` write per task, so concurrent workers never interleave.
    """
    fd = os.open(Path(work_dir) / "runs.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{stage} {shard} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


class ShardTask(luigi.Task):
    """Common parameters and target layout of the four per-shard stage tasks."""

    work_dir = luigi.Parameter()
    plan_key = luigi.Parameter()
    shard = luigi.IntParameter()
    rules = luigi.ListParameter(default=[])
    builtin_rules = luigi.BoolParameter(default=True, parsing=luigi.BoolParameter.EXPLICIT_PARSING)
    ascii_punctuation = luigi.BoolParameter(default=False)

    stage = ""
    uses_rules = True

    @property
    def options(self) -> CleanOptions:
        return CleanOptions(rule_dirs=tuple(self.rules), builtin_rules=self.builtin_rules,
                            ascii_punctuation=self.ascii_punctuation)

    def members(self) -> list[list]:
        return load_plan(self.work_dir, self.plan_key)["shards"][self.shard]

    def shard_key(self) -> str:
        """Computed once per task instance (Luigi reuses instances with equal parameters)."""
        if getattr(self, "_shard_key", None) is None:
            key = _digest(__version__, extractor_versions(), self.members(),
                          plan_limits(load_plan(self.work_dir, self.plan_key)))
            if self.uses_rules:
                key = _digest(key, self.options.ruleset().fingerprint, self.ascii_punctuation)
            self._shard_key = key
        return self._shard_key

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(Path(self.work_dir) / "shards" / self.shard_key() / f"{self.stage}.jsonl"))

    def upstream(self) -> ShardTask:
        raise NotImplementedError

    def transform(self, doc: Document) -> Document:
        raise NotImplementedError

    def run(self) -> None:
        started = time.perf_counter()
        items, timings = _read_stage(self.input().path)
        with self.output().open("w") as out:
            for item in items:
                result = self._process(item)
                out.write(_line({"reject": result} if isinstance(result, dict) else {"doc": result.to_state()}))
            timings[self.stage] = time.perf_counter() - started
            out.write(_line({"timings": timings}))
        log_run(self.work_dir, self.stage, self.shard)

    def _process(self, item: Document | dict) -> Document | dict:
        """The transformed document, or a reject record (passed on, or made here)."""
        if isinstance(item, dict):
            return item
        try:
            return self.transform(item)
        except Exception as exc:  # one bad document never stops the shard
            return reject_record(item.id, item.path, self.stage, exc)

    def requires(self) -> ShardTask | list:
        return self.upstream()

    def _params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ShardTask.get_param_names()}


class RepairShard(ShardTask):
    """Read every document of the shard; decode, extract (HTML) and repair it."""

    stage = "repair"
    uses_rules = False

    def requires(self) -> list:
        return []

    def run(self) -> None:
        started = time.perf_counter()
        plan = load_plan(self.work_dir, self.plan_key)
        options = replace(self.options, max_line_chars=plan["max_line_chars"], max_page_chars=plan["max_page_chars"])
        with self.output().open("w") as out:
            for doc_id, path, _size, _mtime, fmt, first_line, n_lines, offset in self.members():
                source = Source(id=doc_id, path=path, max_bytes=plan["max_bytes"], format=fmt)
                for item in source.documents(first_line, n_lines, offset):
                    out.write(_line(self._prepared(item, options)))
            out.write(_line({"timings": {self.stage: time.perf_counter() - started}}))
        log_run(self.work_dir, self.stage, self.shard)

    def _prepared(self, item: Document | ReadFailure, options: CleanOptions) -> dict[str, Any]:
        if isinstance(item, ReadFailure):
            return {"reject": reject_record(item.id, item.path, "read", item.error)}
        try:
            return {"doc": prepare(item, options).evolve(raw=None).to_state()}
        except DocumentError as exc:
            return {"reject": reject_record(item.id, item.path, "read", exc)}
        except Exception as exc:
            return {"reject": reject_record(item.id, item.path, self.stage, exc)}


class StripShard(ShardTask):
    """Apply the boilerplate rules."""

    stage = "strip"

    def upstream(self) -> ShardTask:
        return RepairShard(**self._params())

    def transform(self, doc: Document) -> Document:
        return strip(doc, self.options.ruleset(), self.options.match_timeout)


class MetadataShard(ShardTask):
    """Title, date, publisher, author, language."""

    stage = "metadata"

    def upstream(self) -> ShardTask:
        return StripShard(**self._params())

    def transform(self, doc: Document) -> Document:
        return extract_metadata(doc)


class NormalizeShard(ShardTask):
    """Final form; writes ``records.jsonl`` (the exact JSONL lines) beside the stage file."""

    stage = "normalize"

    def upstream(self) -> ShardTask:
        return MetadataShard(**self._params())

    def transform(self, doc: Document) -> Document:
        return normalize(doc, self.ascii_punctuation)

    def output(self) -> dict[str, luigi.LocalTarget]:
        base = Path(super().output().path).parent
        return {
            "records": luigi.LocalTarget(str(base / "records.jsonl")),
            "summary": luigi.LocalTarget(str(base / "summary.json")),
        }

    def run(self) -> None:
        started = time.perf_counter()
        items, timings = _read_stage(self.input().path)
        rejects: list[dict] = []
        removed_by_rule: Counter[str] = Counter()
        documents = 0
        with self.output()["records"].open("w") as out:
            for item in items:
                doc = self._process(item)
                if isinstance(doc, dict):
                    rejects.append(doc)
                    continue
                out.write(doc.to_json_line())
                documents += 1
                removed_by_rule.update(r.rule for r in doc.removed)
        timings[self.stage] = time.perf_counter() - started
        summary = {"documents": documents, "rejects": rejects, "removed_by_rule": dict(removed_by_rule),
                   "timings": timings}
        with self.output()["summary"].open("w") as out:
            json.dump(summary, out, ensure_ascii=False)
        log_run(self.work_dir, self.stage, self.shard)


# --- the corpus ----------------------------------------------------------------

class CleanCorpus(luigi.Task):
    """Clean every document under ``input_dir`` into ``output_dir/part-NNNNN.jsonl``.

    Also writes ``rejects.jsonl`` (documents that could not be processed, and
    why), ``manifest.json``, and finally ``_SUCCESS``. Complete only when
    ``_SUCCESS`` exists *and* the manifest was made from the current inputs,
    rules and options.
    """

    input_dir = luigi.Parameter()
    output_dir = luigi.Parameter()
    work_dir = luigi.OptionalParameter(default=None, description="intermediates (default OUTPUT_DIR/.stages)")
    shard_size = luigi.IntParameter(default=DEFAULT_SHARD_SIZE)
    rules = luigi.ListParameter(default=[])
    builtin_rules = luigi.BoolParameter(default=True, parsing=luigi.BoolParameter.EXPLICIT_PARSING)
    ascii_punctuation = luigi.BoolParameter(default=False)
    max_bytes = luigi.IntParameter(default=DEFAULT_MAX_BYTES)
    max_line_chars = luigi.IntParameter(default=DEFAULT_MAX_LINE_CHARS, description="0: no limit")
    max_page_chars = luigi.IntParameter(default=DEFAULT_MAX_PAGE_CHARS, description="0: no limit")
    gzip_output = luigi.BoolParameter(default=False)
    remove_stages = luigi.BoolParameter(default=False, description="delete intermediates after success")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: dict[str, Any] | None = None

    @property
    def stages_dir(self) -> str:
        return self.work_dir or str(Path(self.output_dir) / STAGES_DIRNAME)

    @property
    def options(self) -> CleanOptions:
        return CleanOptions(rule_dirs=tuple(self.rules), builtin_rules=self.builtin_rules,
                            ascii_punctuation=self.ascii_punctuation)

    def plan(self) -> dict[str, Any]:
        if self._plan is None:
            if not Path(self.input_dir).is_dir():
                raise FileNotFoundError(f"input directory not found: {self.input_dir}")
            self._plan = make_plan(self.input_dir, self.shard_size, self.max_bytes, self.max_line_chars,
                                   self.max_page_chars)
            save_plan(self.stages_dir, self._plan)
        return self._plan

    def run_key(self) -> str:
        """What the outputs were made from: inputs, rules and options."""
        return _digest(self.plan()["key"], self.options.ruleset().fingerprint, self.ascii_punctuation,
                       self.gzip_output)

    def requires(self) -> list[NormalizeShard]:
        plan = self.plan()
        return [
            NormalizeShard(work_dir=self.stages_dir, plan_key=plan["key"], shard=i, rules=self.rules,
                           builtin_rules=self.builtin_rules, ascii_punctuation=self.ascii_punctuation)
            for i in range(len(plan["shards"]))
        ]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(Path(self.output_dir) / "_SUCCESS"))

    def complete(self) -> bool:
        manifest = Path(self.output_dir) / "manifest.json"
        if not (self.output().exists() and manifest.exists()):
            return False
        try:
            return json.loads(manifest.read_text(encoding="utf-8")).get("run_key") == self.run_key()
        except (ValueError, OSError):
            return False

    def part_name(self, index: int) -> str:
        return f"part-{index:05d}.jsonl" + (".gz" if self.gzip_output else "")

    def run(self) -> None:
        out_dir = Path(self.output_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        success = Path(self.output().path)
        success.unlink(missing_ok=True)  # outputs are about to change: not a success until the end
        plan = self.plan()
        shards, all_rejects, removed, timings = [], [], Counter(), Counter()
        for entry in plan["skipped"]:  # a directory that could not be listed: its documents are unaccounted for
            if entry.get("error"):
                all_rejects.append({"id": Path(entry["path"]).relative_to(self.input_dir).as_posix()
                                    if Path(entry["path"]).is_relative_to(self.input_dir) else entry["path"],
                                    "path": entry["path"], "stage": "read", "error": "InputNotFoundError",
                                    "message": entry["reason"]})
        for index, task in enumerate(self.requires()):
            summary = json.loads(Path(task.output()["summary"].path).read_text(encoding="utf-8"))
            part = self.part_name(index)
            self._publish(task.output()["records"].path, out_dir / part)
            shards.append({"part": part, "inputs": summary["documents"] + len(summary["rejects"]),
                           "documents": summary["documents"],
                           "rejected": len(summary["rejects"])})
            all_rejects += summary["rejects"]
            removed.update(summary["removed_by_rule"])
            timings.update(summary["timings"])
        keep = {s["part"] for s in shards}
        for stale in out_dir.glob("part-*.jsonl*"):
            if stale.name not in keep:
                stale.unlink()
        with luigi.LocalTarget(str(out_dir / "rejects.jsonl")).open("w") as out:
            for reject in all_rejects:
                out.write(json.dumps(reject, ensure_ascii=False) + "\n")
        manifest = {
            "package_version": __version__,
            "run_key": self.run_key(),
            "input_dir": self.input_dir,
            "files": len({m[1] for shard in plan["shards"] for m in shard}),
            "inputs": sum(s["inputs"] for s in shards),
            "documents": sum(s["documents"] for s in shards),
            "rejected": all_rejects,
            "skipped": plan["skipped"],
            "shard_size": self.shard_size,
            "shards": shards,
            "rules_fingerprint": self.options.ruleset().fingerprint,
            "removed_by_rule": dict(sorted(removed.items())),
            "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
        }
        _write_json_atomic(out_dir / "manifest.json", manifest)
        with self.output().open("w") as out:
            out.write("")
        if self.remove_stages:
            shutil.rmtree(self.stages_dir, ignore_errors=True)

    def _publish(self, source: str, target: Path) -> None:
        """Copy a shard's records to their part file, atomically (gzip without a timestamp)."""
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        with open(source, "rb") as records, open(tmp, "wb") as raw:
            if self.gzip_output:
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
                    shutil.copyfileobj(records, out)
            else:
                shutil.copyfileobj(records, raw)
        os.replace(tmp, target)


# --- sharing a central scheduler ------------------------------------------------
# Why a process sharing luigid must wait after luigi.build returns (issue 9):
#
# With ``[worker] keep_alive``, Luigi's worker loop (``Worker.run``) leaves as soon as
# ``get_work`` hands it no task and ``Worker._keep_alive`` says no. That looks only at the
# reply's ``n_pending_tasks`` (``Scheduler.count_pending``: the tasks this worker asked for that
# are PENDING or FAILED); tasks RUNNING on another worker are merely listed in
# ``running_tasks``. At the end of a shared run the worker that finished the last shard is
# granted CleanCorpus; the other one, idle and polling, then has nothing pending, leaves,
# and ``luigi.build`` returns NOT_RUN while ``_SUCCESS`` does not exist yet: whether that
# process exited 0 depended on CleanCorpus finishing before its own ``complete()`` check.
# No worker setting closes this: ``count_uniques`` and ``count_last_scheduled`` keep a worker
# alive for fewer tasks, ``max_keep_alive_idle_duration`` only bounds the stay, and an
# ``assistant`` never leaves. So the waiting happens here, after the build.

class SharedRunWorker(luigi.worker.Worker):
    """Luigi's worker, except that it stops waiting for work once this run cannot succeed.

    With ``keep_alive``, Luigi keeps a worker alive while ``count_pending`` is non-zero, and
    that counts FAILED tasks as pending: a process whose shard failed (a full disk, a bug)
    would wait for luigid to offer the task again after ``retry_delay`` (15 minutes), then
    fail again, forever; a process waiting for a shard that failed on another worker would
    wait the same way. This worker leaves once one of its own tasks failed, or once the
    scheduler reports a task this run scheduled as FAILED or DISABLED (asked at most every
    ``FAILURE_CHECK_SECONDS``), so ``boilerstrip batch`` exits non-zero instead.
    """

    FAILURE_CHECK_SECONDS = 2.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._failure_checked = 0.0

    def _keep_alive(self, get_work_response: Any) -> bool:
        if not self.run_succeeded:
            return False
        now = time.monotonic()
        if now - self._failure_checked >= self.FAILURE_CHECK_SECONDS:
            self._failure_checked = now
            if _scheduled_task_failed(self._scheduler, self._scheduled_tasks):
                return False
        return super()._keep_alive(get_work_response)


def _scheduled_task_failed(scheduler: Any, scheduled: dict[str, Any]) -> bool:
    """Whether the scheduler reports one of ``scheduled`` (task ids) FAILED or DISABLED."""
    for status in (FAILED, DISABLED):
        try:
            failed = scheduler.task_list(status, "")
        except RPCError:
            return False  # an unreachable scheduler: keep waiting, as Luigi would
        if any(task_id in scheduled for task_id in failed):
            return True
    return False


class WorkerFactory(luigi.interface._WorkerSchedulerFactory):
    """Makes :class:`SharedRunWorker` workers (``luigi.build(worker_scheduler_factory=...)``)."""

    def create_worker(self, scheduler: Any, worker_processes: int, assistant: bool = False) -> luigi.worker.Worker:
        return SharedRunWorker(scheduler=scheduler, worker_processes=worker_processes, assistant=assistant)


WaitOutcome = Literal["complete", "failed", "unheld", "timeout"]
_UNHELD_GRACE = 1.0  # seconds a task must stay unheld before the caller builds it again


def wait_while_held(task: luigi.Task, scheduler_url: str, deadline: float) -> WaitOutcome:
    """Wait while a worker of the central scheduler at ``scheduler_url`` runs ``task``.

    ``task.complete()`` (the files) decides success; the scheduler only says whether anyone
    still holds the task. Returns ``"complete"``; ``"failed"`` when the scheduler reports
    the task FAILED or DISABLED (it failed on its worker, or that worker died: luigid fails
    the task of a worker silent for ``worker_disconnect_delay``); ``"unheld"`` when it has
    been neither running nor complete for a second (for instance luigid still calls it DONE
    from an earlier run and ignores PENDING claims for ``stable_done_cooldown_secs``): the
    caller should build it again; ``"timeout"`` once ``time.monotonic()`` passes ``deadline``.
    An unreachable scheduler counts as still holding the task: its worker may yet finish.
    """
    scheduler = RemoteScheduler(scheduler_url)
    pause, unheld_since = 0.05, None
    while True:
        if task.complete():
            return "complete"
        try:
            graph = scheduler.dep_graph(task.task_id)  # the task and everything it needs
            status = graph.get(task.task_id, {}).get("status")
            if any(node.get("status") in (FAILED, DISABLED) for node in graph.values()):
                return "failed"  # the task, or a shard it needs, failed on its worker
        except RPCError:
            status = RUNNING
        now = time.monotonic()
        if status in (RUNNING, BATCH_RUNNING):
            unheld_since = None
        elif unheld_since is None:
            unheld_since = now
        elif now - unheld_since >= _UNHELD_GRACE:
            return "unheld"
        if now >= deadline:
            return "timeout"
        time.sleep(min(pause, max(deadline - now, 0)))
        pause = min(pause * 1.5, 1.0)


# --- dated runs ----------------------------------------------------------------

class InputDirectory(luigi.ExternalTask):
    """A directory of raw documents that something else (a crawler) produces."""

    path = luigi.Parameter()

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(self.path)


class CleanDaily(luigi.Task):
    """Clean ``INPUT_ROOT/YYYY-MM-DD/`` into ``OUTPUT_ROOT/YYYY-MM-DD/``; for cron and RangeDaily backfills."""

    date = luigi.DateParameter()
    input_root = luigi.Parameter()
    output_root = luigi.Parameter()
    shard_size = luigi.IntParameter(default=DEFAULT_SHARD_SIZE)
    rules = luigi.ListParameter(default=[])

    def corpus(self) -> CleanCorpus:
        day = self.date.isoformat()
        return CleanCorpus(input_dir=str(Path(self.input_root) / day), output_dir=str(Path(self.output_root) / day),
                           shard_size=self.shard_size, rules=self.rules)

    def requires(self) -> InputDirectory:
        return InputDirectory(path=str(Path(self.input_root) / self.date.isoformat()))

    def complete(self) -> bool:
        return self.requires().complete() and self.corpus().complete()

    def output(self) -> luigi.LocalTarget:
        return self.corpus().output()

    def run(self) -> Iterator[CleanCorpus]:
        yield self.corpus()  # a dynamic dependency: planned once the input directory exists
