"""Execution machinery, in one room: the processes and threads the pipeline runs on, behind a small interface.

The flows ask for work to be done; this package decides where it runs:

- `run_in_batches(task, items, size, shared, *args)`: a run's links as Prefect task runs, batch by batch,
  then the extraction workers freed for the load (batches.py);
- `leased_workers(size)`: the process's one extraction pool, held by a batch while it runs; its jobs are
  `submit(each, items, context, limits=Limits(...), on_lost=...)`, every item bounded in time and memory, a
  dead worker replaced and its item handed to on_lost (shared.py, pool.py, zygote.py);
- `workers_kept_between_runs()`: a backfill's days share one zygote; `prestart_workers(after)`: the CLI starts
  the zygote early; `stop_workers()`: the end of a command;
- `Ahead.start(fn, *args)`: a call started ahead in a forked child (the CLI's discovery) (ahead.py);
- `frozen_imports()`: a command's heavy imports without the cyclic GC, then frozen (imports.py).

Nothing here imports Prefect, the warehouse or the pipeline's modules (the zygote imports the extraction
modules by name, to preload them), and no pure module imports this package.
"""

from copydesk.flows.execution.ahead import Ahead, AheadFailed
from copydesk.flows.execution.batches import Batch, run_in_batches, staggered_batches
from copydesk.flows.execution.imports import frozen_imports
from copydesk.flows.execution.pool import Done, Limits, Lost, WorkerPool
from copydesk.flows.execution.shared import (
    leased_workers,
    prestart_workers,
    release_idle_workers,
    stop_workers,
    workers_kept_between_runs,
)

__all__ = [
    "Ahead",
    "AheadFailed",
    "Batch",
    "Done",
    "Limits",
    "Lost",
    "WorkerPool",
    "frozen_imports",
    "leased_workers",
    "prestart_workers",
    "release_idle_workers",
    "run_in_batches",
    "staggered_batches",
    "stop_workers",
    "workers_kept_between_runs",
]
