"""The extraction pool: shared by a run's batches, stopped before the load so its workers' memory is free."""

import os
import time

from tasks import batch


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


def test_prestarted_workers_are_running_before_the_first_batch_asks() -> None:
    batch.prestart_pool(2)
    try:
        pool = batch.extraction_pool(2)
        deadline = time.monotonic() + 60
        while len(_worker_pids(pool)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = _worker_pids(pool)
        assert len(started) == 2  # both workers, not one reused for every start-up job
        with batch.leased_pool(2) as leased:
            assert leased is pool  # the first batch gets the started pool
            assert leased.submit(os.getpid).result() in started
    finally:
        batch.shutdown_pool()
    assert batch._pool is None


def test_a_command_may_stop_a_pool_that_is_still_starting() -> None:
    pool = batch.extraction_pool(1)
    batch.shutdown_pool()  # e.g. a command that ended before its start-up thread got to submit
    batch.start_workers(pool, 2)  # must not raise in that thread
    assert batch._pool is None
