"""A run's links as batches of Prefect task runs, shaped for the shared extraction pool."""

from collections.abc import Sequence
from typing import Any, Protocol

from copydesk.flows.execution.shared import release_idle_workers


class Batch:
    """A batch's items, what every batch of the run shares, and the batch's number, as one task parameter
    Prefect passes as it is.

    Prefect walks every list, dict and model given to a task looking for futures (a cost per item), and
    prefect-dask turns its quote() annotation, a tuple, into a plain tuple; an object of a class of our own is
    neither walked nor rewritten.
    """

    __slots__ = ("items", "number", "shared")

    def __init__(self, items: Sequence[Any], shared: Any, number: int) -> None:
        self.items = items
        self.shared = shared
        self.number = number


class _Future(Protocol):
    def result(self) -> Any: ...


class _BatchTask(Protocol):
    def submit(self, batch: Batch, *args: Any) -> _Future: ...


def staggered_batches(count: int, size: int) -> list[tuple[int, int]]:
    """(start, end) of each batch of `count` links: the first holds half of `size`, the rest `size`.

    The two runner threads share the extraction pool evenly, so batches that start together end together, and
    at each end both threads write lake files and start fetching while the pool waits. A half first batch
    offsets one thread's batch ends by half a batch from the other's, so the pool always has pages to work on.
    """
    if count <= size:
        return [(0, count)] if count else []
    edges = [0, *range(max(1, size // 2), count, size), count]
    return list(zip(edges, edges[1:], strict=False))


def run_in_batches(task: _BatchTask, items: Sequence[Any], size: int, shared: Any, *args: Any) -> list[Any]:
    """task(Batch, *args) for each batch of items, submitted at once; their results in order. The extraction
    workers stop when the last batch is done: what follows (the load) gets their memory."""
    futures = [
        task.submit(Batch(items[start:end], shared, number), *args)
        for number, (start, end) in enumerate(staggered_batches(len(items), size), start=1)
    ]
    results = [future.result() for future in futures]
    release_idle_workers()
    return results
