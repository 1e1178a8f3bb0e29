"""The process's one extraction pool, shared by every batch of a run, and the zygote its workers fork from.

A batch holds the pool while it runs (leased_workers); once no batch has held it for POOL_IDLE_S its
workers stop, so a long-lived `copydesk serve` keeps no idle workers between runs. A run frees the workers
(and the zygote's preloaded modules) as soon as its batches are done (release_idle_workers), so that the load
after them has the machine's memory; a backfill keeps the zygote between its days (workers_kept_between_runs),
each day's first batch then forking at once instead of waiting for the zygote's imports.
"""

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from copydesk.flows.execution.pool import WorkerPool, Zygote

POOL_IDLE_S = 2.0
# what the zygote imports once for every worker it forks: the module of the functions workers run and the
# extraction module they import there (trafilatura, lxml, the language model)
EXTRACTION_PRELOAD = ("copydesk.tasks.extraction_job", "copydesk.tasks.extract")

_zygote = Zygote(EXTRACTION_PRELOAD)
_pool: WorkerPool | None = None
_lock = threading.Lock()
_leases = 0
_generation = 0
_holds = 0


def _ensure_pool(size: int) -> WorkerPool:
    # the caller holds _lock
    global _pool
    if _pool is None:
        _pool = WorkerPool(size or _cpu_count(), _zygote)
    return _pool


def _cpu_count() -> int:
    return max(1, os.cpu_count() or 1)


@contextmanager
def leased_workers(size: int = 0) -> Iterator[WorkerPool]:
    """The shared pool (size workers; 0: one per core), held for one batch or one pass over WARC files."""
    global _leases, _generation
    with _lock:
        pool = _ensure_pool(size)
        _leases += 1
        _generation += 1
    try:
        yield pool
    finally:
        with _lock:
            _leases -= 1
            if _leases == 0:
                timer = threading.Timer(POOL_IDLE_S, _stop_idle_pool, args=(_generation,))
                timer.daemon = True
                timer.start()


def _stop_idle_pool(generation: int) -> None:
    global _pool
    with _lock:
        if _pool is None or _leases or _generation != generation:
            return
        pool, _pool = _pool, None
    pool.shutdown()


def release_idle_workers() -> None:
    """Stop the workers and their zygote now if no batch holds the pool (a run's batches are done), unless a
    backfill keeps the zygote; a later batch starts both again."""
    global _pool
    with _lock:
        if _pool is None or _leases:
            return
        pool, _pool = _pool, None
        keep_zygote = _holds > 0
    pool.shutdown()
    if not keep_zygote:
        _zygote.stop()


@contextmanager
def workers_kept_between_runs() -> Iterator[None]:
    """Keep the zygote between the runs inside the block (a backfill's days); it stops at the end of the block
    if no pool is running."""
    global _holds
    with _lock:
        _holds += 1
    try:
        yield
    finally:
        with _lock:
            _holds -= 1
            stop = not _holds and _pool is None
        if stop:
            _zygote.stop()


def prestart_workers(after: Callable[[], object] | None = None) -> threading.Thread:
    """Start the zygote from a thread, once after() returns (the discovery started ahead has answered, say),
    so that its imports overlap the command's own start instead of delaying the first batch."""

    def start() -> None:
        if after is not None:
            after()
        _zygote.start()

    thread = threading.Thread(target=start, name="copydesk-zygote-start", daemon=True)
    thread.start()
    return thread


def stop_workers() -> None:
    """Stop the workers (work not done fails) and the zygote: the end of a command; tests."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown()
    _zygote.stop()


def running_pool() -> WorkerPool | None:
    """The shared pool if it is running (tests)."""
    with _lock:
        return _pool


def zygote() -> Zygote:
    """The zygote the shared pool's workers fork from (tests)."""
    return _zygote
