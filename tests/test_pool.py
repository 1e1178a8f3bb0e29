"""The worker pool (flows/execution), with real processes: every item bounded in time and memory, a dead
worker replaced and its item handed back as lost, the rest of a job done; and the shared pool's lifecycle."""

import math
import operator
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from copydesk.flows.execution import Limits, Lost, WorkerPool, shared, staggered_batches
from copydesk.flows.execution.pool import WorkerStartError, Zygote

ROOT = Path(__file__).resolve().parent.parent
# far above what the quick items here take, however busy the machine
ROOMY = Limits(item_timeout_s=60.0)


def lost_as_tuple(item: object, lost: Lost) -> tuple[str, object, str]:
    return ("lost", item, lost.reason)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    zygote = Zygote()
    workers = WorkerPool(2, zygote)
    yield workers
    workers.shutdown()
    zygote.stop()
    zygote.wait_stopped()


def test_items_run_in_workers_in_order_and_finish_runs_over_their_results(pool: WorkerPool) -> None:
    done = pool.submit(math.sqrt, [1.0, 4.0, 9.0], limits=ROOMY, on_lost=lost_as_tuple, finish=sum).result(60)
    assert done.results == [1.0, 2.0, 3.0] and done.extra == 6.0
    pids = pool.submit(operator.call, [os.getpid, os.getppid], limits=ROOMY, on_lost=lost_as_tuple).result(60)
    worker, parent = pids.results
    assert worker != os.getpid() and parent == pool.zygote.pid != os.getpid()


def test_no_quick_item_is_taken_for_an_overdue_one(pool: WorkerPool) -> None:
    # 600,000 items of microseconds: the workers rewrite their slots all the time while the pool reads them.
    # A read in the middle of a write once gave a start time of 0, and a quick item was killed as overdue
    futures = [
        pool.submit(operator.pos, list(range(2000)), limits=Limits(item_timeout_s=5.0), on_lost=lost_as_tuple)
        for _ in range(300)
    ]
    lost = [r for f in futures for r in f.result(120).results if isinstance(r, tuple)]
    assert lost == []


def test_an_item_past_its_deadline_is_lost_and_the_rest_of_its_job_is_done(pool: WorkerPool) -> None:
    # time.sleep stands for a long C call: no Python signal could interrupt it
    started = time.monotonic()
    done = pool.submit(
        time.sleep, [0.01, 600, 0.01], limits=Limits(item_timeout_s=0.5), on_lost=lost_as_tuple
    ).result(60)
    assert done.results == [None, ("lost", 600, "timeout"), None]
    assert time.monotonic() - started < 60  # the 600 s item did not run its course
    # the killed worker was replaced: the pool still runs jobs on two workers
    assert pool.submit(math.sqrt, [4.0], limits=ROOMY, on_lost=lost_as_tuple).result(60).results == [2.0]


def test_an_item_past_the_memory_limit_is_lost_and_its_worker_replaced(pool: WorkerPool) -> None:
    limits = Limits(item_timeout_s=60.0, memory_mb=512)
    done = pool.submit(bytearray, [8, 2**31, 16], limits=limits, on_lost=lost_as_tuple).result(60)
    assert done.results == [bytearray(8), ("lost", 2**31, "memory"), bytearray(16)]


def test_a_worker_that_dies_loses_only_its_item(pool: WorkerPool) -> None:
    # os._exit ends the worker as a crash in C would; the item after it runs in a new worker
    done = pool.submit(os._exit, [3], limits=ROOMY, on_lost=lost_as_tuple).result(60)
    assert done.results == [("lost", 3, "died")]
    both = [pool.submit(math.sqrt, [x, 1.0], limits=ROOMY, on_lost=lost_as_tuple) for x in (16.0, 25.0)]
    assert [f.result(60).results for f in both] == [[4.0, 1.0], [5.0, 1.0]]


def test_a_worker_killed_from_outside_mid_item_loses_that_item_only(pool: WorkerPool, tmp_path: Path) -> None:
    # the first item leaves a mark, the second sleeps: once the mark is there, the worker is on the second
    marker = tmp_path / "first-item-done"
    # (the items left after a loss run again in a new worker: the first must bear running twice)
    items = [partial(os.makedirs, marker, exist_ok=True), partial(time.sleep, 600), partial(math.sqrt, 4.0)]
    future = pool.submit(operator.call, items, limits=ROOMY, on_lost=lambda item, lost: lost.reason)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)
    # as the out-of-memory killer would; which worker holds the job is the pool's business: kill them all
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    assert future.result(60).results == [None, "died", 2.0]


def test_an_error_in_an_item_fails_the_job_and_spares_the_pool(pool: WorkerPool) -> None:
    with pytest.raises(TypeError):
        pool.submit(math.sqrt, ["four"], limits=ROOMY, on_lost=lost_as_tuple).result(60)
    assert pool.submit(math.sqrt, [9.0], limits=ROOMY, on_lost=lost_as_tuple).result(60).results == [3.0]


class EndsTheWorkerWhenUnpickled:
    """An item whose unpickling ends the worker before any item starts: a worker that cannot run anything."""

    def __reduce__(self) -> tuple:
        return (os._exit, (0,))


def test_workers_that_end_before_any_item_fail_the_job_not_an_item(pool: WorkerPool) -> None:
    future = pool.submit(math.sqrt, [EndsTheWorkerWhenUnpickled()], limits=ROOMY, on_lost=lost_as_tuple)
    # no item is to blame: a broken environment fails the run instead of writing failure rows
    with pytest.raises(WorkerStartError, match="before they start"):
        future.result(120)
    assert pool.submit(math.sqrt, [4.0], limits=ROOMY, on_lost=lost_as_tuple).result(60).results == [2.0]


def test_a_dead_zygote_is_started_again() -> None:
    zygote = Zygote()
    workers = WorkerPool(1, zygote)
    try:
        assert workers.submit(math.sqrt, [1.0], limits=ROOMY, on_lost=lost_as_tuple).result(60).results == [
            1.0
        ]
        first = zygote.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        for pid in workers.pids():
            os.kill(pid, signal.SIGKILL)
        done = workers.submit(math.sqrt, [4.0], limits=ROOMY, on_lost=lost_as_tuple).result(60)
        assert done.results == [2.0]
        assert zygote.pid not in (None, first)
    finally:
        workers.shutdown()
        zygote.stop()
        zygote.wait_stopped()


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # the state follows the command name, which may itself hold spaces or parentheses
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # reaped, possibly between the open and the read
        return True


def test_an_idle_pool_stops_at_once_and_a_leased_one_stays() -> None:
    with shared.leased_workers(1) as leased:
        pid = leased.submit(operator.call, [os.getpid], limits=ROOMY, on_lost=lost_as_tuple).result(60)
        shared.release_idle_workers()  # a batch holds it: it must keep running
        assert leased.pids() == pid.results
    # the run's last batch let go: the load that follows gets the memory now, not after POOL_IDLE_S
    shared.release_idle_workers()
    assert shared.running_pool() is None
    assert all(_gone(p) for p in pid.results)
    shared.zygote().wait_stopped()


def test_the_zygote_stops_with_an_idle_pool_unless_kept_between_runs() -> None:
    def run_one() -> int:
        with shared.leased_workers(1) as leased:
            leased.submit(math.sqrt, [1.0], limits=ROOMY, on_lost=lost_as_tuple).result(60)
        server = shared.zygote().pid
        assert server is not None
        shared.release_idle_workers()
        return server

    first = run_one()
    shared.zygote().wait_stopped()
    # its preloaded modules are not held through the load that follows
    assert _gone(first)
    # a backfill keeps it between its days' runs, and stops it after the last
    with shared.workers_kept_between_runs():
        kept = [run_one(), run_one()]
        assert not _gone(kept[0])
    shared.zygote().wait_stopped()
    assert kept[0] == kept[1] != first and _gone(kept[0])


PRESTART_CHECK = """
import math, operator, os, time
from copydesk.flows.execution import Limits, shared

def zygotes():
    # children of this process running the zygote: /proc/*/stat's fourth field is the parent's id
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"copydesk.flows.execution.zygote" in command:
            found.append(int(entry))
    return found

def zygotes_once_started():
    deadline = time.monotonic() + 30
    while not (found := zygotes()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return found

before = zygotes()
shared.prestart_workers().join()
started = zygotes_once_started()
shared.prestart_workers().join()
again = zygotes_once_started()
with shared.leased_workers(1) as pool:
    done = pool.submit(operator.call, [os.getppid], limits=Limits(60.0), on_lost=print).result(60)
print(len(before), len(started), done.results == started, again == started)
shared.stop_workers()
"""


def test_the_zygote_starts_before_the_first_batch_and_workers_fork_from_it() -> None:
    # a fresh process: this one's zygote may be running, started by another test's pool
    done = subprocess.run(
        [sys.executable, "-c", PRESTART_CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # none before; one after; the first batch's worker forked from it; a second prestart reuses it
    assert done.stdout.split() == ["0", "1", "True", "True"]


def test_batches_cover_every_link_once_with_a_half_first_batch() -> None:
    assert staggered_batches(0, 512) == []
    assert staggered_batches(300, 512) == [(0, 300)]
    assert staggered_batches(512, 512) == [(0, 512)]
    for count, size in [(513, 512), (7362, 512), (5, 1), (9, 2), (20928, 1024)]:
        spans = staggered_batches(count, size)
        # contiguous, in order, nothing twice, nothing left out
        assert spans[0][0] == 0 and spans[-1][1] == count
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
        sizes = [end - start for start, end in spans]
        # the first batch is half a batch, so the two runner threads' batches end at different times
        assert sizes[0] == max(1, size // 2)
        assert all(0 < s <= size for s in sizes[1:]) and all(s == size for s in sizes[1:-1])
