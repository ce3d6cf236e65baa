"""Running a batch: Luigi's configuration, the build, waiting on a shared luigid, the report.

The command line calls :func:`run_batch` and prints what it returns; the
Luigi tasks themselves are in :mod:`pipeline.batch.tasks`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import luigi
import luigi.interface
import luigi.worker
from luigi.configuration import get_config
from luigi.execution_summary import LuigiStatusCode
from luigi.rpc import RemoteScheduler, RPCError
from luigi.task_status import BATCH_RUNNING, DISABLED, FAILED, RUNNING

from pipeline.batch.tasks import CleanCorpus
from pipeline.document import FILTER_STAGE
from pipeline.io import storage
from pipeline.options import DEFAULT_WAIT_TIMEOUT


def configure_luigi(shared: bool) -> None:
    """Worker settings for short shard tasks (unless luigi.cfg sets them).

    A worker with nothing runnable sleeps ``wait_interval`` plus up to
    ``wait_jitter`` seconds (Luigi's defaults: 1 s and 5 s), which near the end
    of a run left one core idle for seconds; shard tasks are short, so poll
    quickly. With a shared luigid, ``keep_alive`` makes a worker wait for
    shards other workers hold instead of leaving at once.
    """
    config = get_config()
    if not config.has_section("worker"):
        config.add_section("worker")
    for option, value in (("wait_interval", "0.1"), ("wait_jitter", "0.1")):
        if not config.has_option("worker", option):
            config.set("worker", option, value)
    if shared:
        config.set("worker", "keep_alive", "true")


# Why a process sharing luigid must wait after luigi.build returns:
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

    A task whose worker *died* (killed, its machine lost) is not a failure of the task: luigid
    marks it FAILED, without an error, once that worker has been silent for
    ``worker_disconnect_delay``. Such a task is made pending again at once
    (:func:`_forgive_orphans`) and this worker runs it: the shard is redone, nothing is lost.
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
        keep_alive: bool = super()._keep_alive(get_work_response)
        return keep_alive


def _scheduled_task_failed(scheduler: Any, scheduled: dict[str, Any]) -> bool:
    """Whether the scheduler reports one of ``scheduled`` (task ids) FAILED or DISABLED (a task
    left FAILED by a dead worker is made pending again instead)."""
    for status in (FAILED, DISABLED):
        try:
            failed = [task_id for task_id in scheduler.task_list(status, "") if task_id in scheduled]
        except RPCError:
            return False  # an unreachable scheduler: keep waiting, as Luigi would
        if failed and not (status == FAILED and _forgive_orphans(scheduler, failed)):
            return True
    return False


def _forgive_orphans(scheduler: Any, failed: list[str]) -> bool:
    """Make pending again the tasks of ``failed`` that failed only because their worker died,
    and say whether that was all of them.

    luigid fails the RUNNING task of a worker silent for ``worker_disconnect_delay`` without an
    error message (``fetch_error`` is empty), while a task that raised carries its traceback.
    Left FAILED, the orphan would wait ``retry_delay`` (15 minutes by default) before any worker
    may run it again; ``forgive_failures`` makes it PENDING now. Its outputs are written
    atomically, so whatever the dead worker had half-written is under temporary names, and
    redoing the task gives the same bytes.
    """
    try:
        orphans = [task_id for task_id in failed if not scheduler.fetch_error(task_id).get("error")]
        if len(orphans) < len(failed):
            return False
        for task_id in orphans:
            scheduler.forgive_failures(task_id)
    except RPCError:
        return False
    return True


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
    the task FAILED or DISABLED (it failed on its worker; a task whose worker died, which
    luigid fails once that worker has been silent for ``worker_disconnect_delay``, is made
    pending again instead, see :func:`_forgive_orphans`); ``"unheld"`` when it has
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
            # the task and everything it needs (RemoteScheduler's methods are made at run time)
            graph = scheduler.dep_graph(task.task_id)  # type: ignore[attr-defined]
            status = graph.get(task.task_id, {}).get("status")
            failed = [task_id for task_id, node in graph.items() if node.get("status") in (FAILED, DISABLED)]
            if any(graph[task_id].get("status") == DISABLED for task_id in failed) or \
                    (failed and not _forgive_orphans(scheduler, failed)):
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


@dataclass
class BatchResult:
    """How a run ended: ``error`` (one line, with Luigi's summary in ``details``) or the manifest."""

    error: str | None = None
    details: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)
    up_to_date: bool = False
    seconds: float = 0.0
    input_bytes: int = 0

    def report(self, output_dir: str) -> list[str]:
        """The lines ``boilerstrip batch`` prints after a successful run."""
        m = self.manifest
        state = " (up to date: nothing to do)" if self.up_to_date else ""
        lines = [f"boilerstrip batch: {m['documents']} documents in {len(m['shards'])} shards -> {output_dir}{state}"]
        rejected = [r for r in m["rejected"] if r["stage"] != FILTER_STAGE]
        rejects_path = storage.join(output_dir, "rejects.jsonl")
        lines.append(f"  rejected: {len(rejected)}" + (f" (see {rejects_path})" if rejected else ""))
        filtered = m.get("filtered", {})
        if filtered:
            lines.append(f"  left out by the filters: {sum(filtered.values())} ("
                         + ", ".join(f"{kind} {n}" for kind, n in filtered.items())
                         + f"; see {rejects_path})")
        unsupported = sum(not s.get("error") for s in m["skipped"])
        if unsupported:
            lines.append(f"  skipped (unsupported files): {unsupported}")
        skipped_records = m.get("skipped_records", {})
        if skipped_records:
            reasons = ", ".join(f"{n} {reason}" for reason, n in skipped_records.items())
            lines.append(f"  skipped records (not documents): {sum(skipped_records.values())}: {reasons}")
        if "templates" in m:
            t = m["templates"]
            lines.append(f"  template lines: {t['lines']} in {t['sources']} sources, {t['removed']} lines removed "
                         f"(see {storage.join(output_dir, 'templates.json')})")
        if "duplicates" in m:
            d = m["duplicates"]
            lines.append(f"  duplicates: {d['marked']} records marked in {d['clusters']} clusters"
                         + (f", {d['dropped']} dropped" if d["dropped"] else "")
                         + (f" (see {storage.join(output_dir, 'duplicates.jsonl')})" if d["clusters"] else ""))
        by_rule = sorted(m["removed_by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("  removed lines by rule: " + (", ".join(f"{k} {v}" for k, v in by_rule) or "none"))
        lines.append(f"  report: {storage.join(output_dir, 'report.html')}")
        if not self.up_to_date and self.seconds > 0:
            lines.append(f"  time: {self.seconds:.1f} s, {m['inputs'] / self.seconds:.1f} docs/s, "
                         f"{self.input_bytes / self.seconds / 1e6:.2f} MB/s")
        return lines


def run_batch(task: CleanCorpus, workers: int = 1, scheduler_url: str | None = None,
              wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
              progress: Callable[[CleanCorpus, threading.Event], None] | None = None) -> BatchResult:
    """Build ``task`` with Luigi (locally, or with the luigid at ``scheduler_url``) until the
    corpus is complete or cannot be; never reports success unless ``task.complete()``.

    ``progress``, if given, runs in a thread until the build ends (a progress bar).
    """
    configure_luigi(shared=bool(scheduler_url))
    up_to_date = task.complete()
    started = time.perf_counter()
    stop = threading.Event()
    thread = threading.Thread(target=progress, args=(task, stop), daemon=True) if progress else None
    if thread:
        thread.start()
    # NOT_RUN: tasks went to other workers of a shared luigid; fine once the corpus is complete.
    not_failed = (LuigiStatusCode.SUCCESS, LuigiStatusCode.SUCCESS_WITH_RETRY, LuigiStatusCode.NOT_RUN)
    deadline = None
    try:
        while True:
            result = luigi.build(
                [task], workers=workers, local_scheduler=not scheduler_url, scheduler_url=scheduler_url or "",
                detailed_summary=True, log_level="WARNING", worker_scheduler_factory=WorkerFactory(),
            )
            done = task.complete()
            if result.status not in not_failed or not (done or scheduler_url):
                return BatchResult(error=f"batch did not complete ({result.status.name})", details=result.summary_text)
            if done:
                break
            assert scheduler_url  # a local build that did not fail completes the corpus
            # Luigi's worker leaves while another worker still runs a task this run needs
            # (see wait_while_held): wait for it, within wait_timeout.
            if deadline is None:
                deadline = time.monotonic() + wait_timeout
            outcome = wait_while_held(task, scheduler_url, deadline)
            if outcome == "complete":
                break
            if outcome == "failed":
                return BatchResult(error="batch did not complete: another worker failed to finish it "
                                         "(see that process's errors); rerun to resume")
            if outcome == "timeout":
                return BatchResult(error=f"batch did not complete: still incomplete after waiting --wait-timeout "
                                         f"{wait_timeout:g} s for other workers; rerun to wait again")
            # "unheld": no worker has it, so build it (again) here.
    finally:
        stop.set()
        if thread:
            thread.join()
    manifest = json.loads(storage.read_text(storage.join(task.output_dir, "manifest.json")))
    return BatchResult(manifest=manifest, up_to_date=up_to_date, seconds=time.perf_counter() - started,
                       input_bytes=task.plan().total_bytes)
