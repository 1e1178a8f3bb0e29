"""The extraction pool: shared by a run's batches, stopped before the load so its workers' memory is free."""

import os

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
