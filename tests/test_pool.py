"""The extraction pool: shared by a run's batches, stopped before the load so its workers' memory is free."""

import os
import subprocess
import sys
from pathlib import Path

from copydesk.tasks import batch


def _worker_pids(pool: object) -> set[int]:
    return {p.pid for p in getattr(pool, "_processes", {}).values()}


def test_an_idle_pool_stops_at_once_and_a_leased_one_stays() -> None:
    with batch.leased_pool(1) as pool:
        pid = pool.submit(os.getpid).result()
        assert pid != os.getpid()
        batch.stop_pool_if_idle()  # a batch holds it: it must keep running
        assert pool.submit(os.getpid).result() == pid
    # the run's last batch let go: the load that follows gets the memory now, not after POOL_IDLE_S
    workers = _worker_pids(pool)
    assert workers
    batch.stop_pool_if_idle()
    assert batch._pool is None
    assert all(not os.path.exists(f"/proc/{p}") or _is_zombie_or_gone(p) for p in workers)


def _is_zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] == "Z"
    except FileNotFoundError:
        return True


PRESTART_CHECK = """
import os
from copydesk.tasks import batch

def forkservers():
    found = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as children:
            for pid in children.read().split():
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    if b"multiprocessing.forkserver" in cmdline.read():
                        found.append(int(pid))
    return found

before = forkservers()
batch.prestart_pool()
started = forkservers()
with batch.leased_pool(1) as pool:
    parent = pool.submit(os.getppid).result()
batch.shutdown_pool()
batch.prestart_pool()
print(len(before), len(started), parent == started[0], forkservers() == started)
"""


def test_the_forkserver_starts_before_the_first_batch_and_workers_fork_from_it() -> None:
    # a fresh process: this one's forkserver may be running already, started by another test's pool
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", PRESTART_CHECK], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # none before; one after; the first batch's worker forked from it; a second prestart reuses it
    assert done.stdout.split() == ["0", "1", "True", "True"]


def test_batches_cover_every_link_once_with_a_half_first_batch() -> None:
    from copydesk.flows.ingest import staggered_batches

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


def test_the_forkserver_stops_with_an_idle_pool_and_a_later_batch_starts_it_again() -> None:
    from multiprocessing import forkserver

    batch.prestart_pool()
    with batch.leased_pool(1) as pool:
        assert pool.submit(os.getpid).result() != os.getpid()
    server = forkserver._forkserver._forkserver_pid
    assert server is not None and os.path.exists(f"/proc/{server}")
    batch.stop_pool_if_idle()
    batch.wait_for_forkserver_stop()
    # its preloaded modules are not held through the load that follows
    assert _is_zombie_or_gone(server)
    with batch.leased_pool(1) as pool:
        assert pool.submit(os.getpid).result() != os.getpid()
    batch.stop_pool_if_idle()
    # a backfill keeps it between its days' runs, and stops it after the last
    servers = []
    with batch.forkserver_kept():
        for _ in range(2):
            with batch.leased_pool(1) as pool:
                assert pool.submit(os.getpid).result() != os.getpid()
            servers.append(forkserver._forkserver._forkserver_pid)
            batch.stop_pool_if_idle()
            assert servers[-1] is not None and not _is_zombie_or_gone(servers[-1])
    batch.wait_for_forkserver_stop()
    assert servers[0] == servers[1] and _is_zombie_or_gone(servers[0])
