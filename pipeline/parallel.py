"""The chain's chunks on several worker processes (``boilerstrip clean --jobs N``), in input order.

Cleaning still happens in :meth:`pipeline.chain.Chain._run_chunk` and nowhere
else: each worker builds the chain once (its initializer gets the options with
the rules already compiled, so no worker loads or compiles them again), and
this module only hands chunks out and takes them back in order. What makes the
output byte-identical to one process is that a document's record depends on
the document and the options alone, never on which chunk or process cleaned it.

Memory stays bounded: at most ``IN_FLIGHT_PER_JOB * jobs`` chunks are out at a
time, and the input is read only as fast as results are taken.

A worker that dies (a segfault in a library, the OOM killer) breaks the whole
pool in :mod:`concurrent.futures`: every chunk it held is lost. Then the chunk
first in line is cleaned again one document per task in a fresh pool, so the
document that kills its worker is found and becomes a :class:`Reject`
(stage ``worker``) like any document a stage fails on; the chunks after it are
handed to the fresh pool again.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from pipeline.document import Document, Reject
from pipeline.options import CleanOptions

if TYPE_CHECKING:
    from pipeline.chain import Chain

K = TypeVar("K")
#: Chunks handed out per worker before the oldest is waited for: one being cleaned and one
#: queued, so a worker never waits for the parent, and memory is a few chunks per worker.
IN_FLIGHT_PER_JOB = 2
#: The stage a document is rejected at when its worker process died while cleaning it.
WORKER_STAGE = "worker"


def available_cores() -> int:
    """The cores this process may run on (``--jobs 0``): its CPU affinity, not the machine's count."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return int(counter() or 1)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ChunkResult(NamedTuple):
    """A cleaned chunk and the seconds each stage took on it in the worker."""

    items: list[tuple[object, Any]]
    timings: dict[str, float]


_worker_chain: Chain | None = None
_worker_render: Callable[[Document], Any] | None = None


def _start_worker(options: CleanOptions, segments: Sequence[str], render: Callable[[Document], Any] | None) -> None:
    """Build the worker's chain once. Ctrl-C is the parent's to handle: it stops the pool."""
    global _worker_chain, _worker_render
    from pipeline.chain import Chain

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_chain = Chain(options, segments)
    _worker_render = render
    # Everything built so far (modules, rules, models) lives as long as the worker: keep the
    # garbage collector from walking it again at every collection.
    gc.freeze()


def _clean_chunk(chunk: list[tuple[object, Document | Reject]]) -> ChunkResult:
    assert _worker_chain is not None, "worker not initialised"
    timings: dict[str, float] = {}
    cleaned = _worker_chain._run_chunk(chunk, timings)
    if _worker_render is not None:
        return ChunkResult([(key, _worker_render(item) if isinstance(item, Document) else item)
                            for key, item in cleaned], timings)
    # The record is made of everything but the input bytes and the page source; leaving them
    # behind halves what goes back through the pipe.
    light = [(key, item.evolve(raw=None, html=None) if isinstance(item, Document) else item) for key, item in cleaned]
    return ChunkResult(light, timings)


class _Pool:
    """A process pool that can be replaced once a worker died."""

    def __init__(self, options: CleanOptions, segments: Sequence[str], jobs: int,
                 render: Callable[[Document], Any] | None) -> None:
        # The rules travel compiled, whatever the start method (fork inherits them anyway).
        self.options = replace(options, rules=options.ruleset())
        self.segments = tuple(segments)
        self.jobs = jobs
        self.render = render
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(),
                                   initializer=_start_worker, initargs=(self.options, self.segments, self.render))

    def submit(self, chunk: list[tuple[K, Document | Reject]]) -> Future[ChunkResult]:
        return self.executor.submit(_clean_chunk, chunk)  # type: ignore[arg-type]

    def restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def clean_chunks_in_parallel(options: CleanOptions, segments: Sequence[str],
                             chunks: Iterable[list[tuple[K, Document | Reject]]], jobs: int,
                             timings: dict[str, float] | None,
                             render: Callable[[Document], Any] | None) -> Iterator[tuple[K, Any]]:
    """Every chunk of ``chunks`` cleaned by ``jobs`` worker processes, yielded in input order;
    each finished document as ``render(document)`` when ``render`` is given (see
    :meth:`pipeline.chain.Chain.stream_rendered`), else without ``raw`` and ``html``."""
    pool = _Pool(options, segments, jobs, render)
    pending: deque[tuple[list[tuple[K, Document | Reject]], Future[ChunkResult]]] = deque()

    def take_oldest() -> list[tuple[K, Any]]:
        chunk, future = pending.popleft()
        try:
            result = future.result()
        except BrokenProcessPool:
            pool.restart()
            result = _isolate(pool, chunk)
            for index, (waiting, _) in enumerate(pending):  # lost with the old pool: hand them out again
                pending[index] = (waiting, pool.submit(waiting))
        if timings is not None:
            for stage, seconds in result.timings.items():
                timings[stage] = timings.get(stage, 0.0) + seconds
        return result.items  # type: ignore[return-value]

    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(chunk)))
            if len(pending) >= IN_FLIGHT_PER_JOB * jobs:
                yield from take_oldest()
        while pending:
            yield from take_oldest()
    finally:
        pool.close()


def _isolate(pool: _Pool, chunk: list[tuple[K, Document | Reject]]) -> ChunkResult:
    """``chunk`` cleaned one document per task, so that a document that kills its worker
    becomes a Reject and the others are cleaned as usual."""
    items: list[tuple[object, Any]] = []
    timings: dict[str, float] = {}
    for key, item in chunk:
        if not isinstance(item, Document):
            items.append((key, item))
            continue
        try:
            result = pool.submit([(key, item)]).result()
        except BrokenProcessPool:
            pool.restart()
            items.append((key, Reject(item.id, item.path, WORKER_STAGE, "WorkerCrashed",
                                      "the worker process cleaning it died", internal=True)))
            continue
        items.extend(result.items)
        for stage, seconds in result.timings.items():
            timings[stage] = timings.get(stage, 0.0) + seconds
    return ChunkResult(items, timings)
