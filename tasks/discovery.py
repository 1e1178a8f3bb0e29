"""A run's discovery over all its outlets, run by the flow's discover task or started ahead by the CLI.

`copydesk ingest` spends its first ~2 s importing Prefect and creating the flow run on one core, while
discovery (reading every feed and sitemap: ~0.6 s of a core for 8,000 links) could use the other. The CLI
therefore starts the run's discovery in a child process before it imports the flow (`prefetch_discovery`),
and the flow's discover task takes that result (`take_prefetched`) only when it asked the same question: the
same outlets, settings, warehouse, no window, and the feed and sitemap state the task itself read. Anything
else (no prefetch, another question, a prefetch that failed) and the task discovers by itself.
"""

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from copydesk.tasks.aio import run_sync
from copydesk.tasks.discover import discover_outlet
from copydesk.tasks.http import Fetcher
from copydesk.tasks.models import Failure, Link, OutletsConfig, RunWindow
from copydesk.tasks.settings import Settings
from copydesk.tasks.sources import ConditionalGetter, SourceState
from copydesk.warehouse import store

log = logging.getLogger("copydesk")

# outlet id -> feed or sitemap URL -> what the last run saw there
PreviousStates = dict[str, dict[str, SourceState]]


@dataclass(frozen=True)
class Discovered:
    """What discovery found: links, failures, the state of every source read, and how many were unchanged."""

    links: list[Link]
    failures: list[Failure]
    states: list[SourceState]
    unchanged: int


def previous_states(warehouse: Path, config: OutletsConfig) -> PreviousStates:
    """The feed and sitemap state the last load recorded for these outlets."""
    previous: PreviousStates = {}
    for row in store.source_states(warehouse, [o.id for o in config.outlets]):
        state = SourceState(*row)
        previous.setdefault(state.outlet_id, {})[state.url] = state
    return previous


async def _discover_all(
    config: OutletsConfig, settings: Settings, window: RunWindow | None, previous: PreviousStates | None
) -> Discovered:
    async with Fetcher(settings, config.allow_private_addresses) as fetcher:
        getters = [
            ConditionalGetter(fetcher, o.id, previous.get(o.id, {})) if previous is not None else fetcher
            for o in config.outlets
        ]
        results = await asyncio.gather(
            *(
                discover_outlet(o, g, window, parse_timeout_s=settings.parse_timeout_s)
                for o, g in zip(config.outlets, getters, strict=True)
            )
        )
    conditional = [g for g in getters if isinstance(g, ConditionalGetter)]
    return Discovered(
        links=[link for found, _ in results for link in found],
        failures=[f for _, failed in results for f in failed],
        states=[st for g in conditional for st in g.seen.values()],
        unchanged=sum(len(g.unchanged) for g in conditional),
    )


def discover_all(
    config: OutletsConfig, settings: Settings, window: RunWindow | None, previous: PreviousStates | None
) -> Discovered:
    """Read every outlet's feeds and sitemaps, concurrently; `previous` makes the requests conditional."""
    return run_sync(_discover_all(config, settings, window, previous))


@dataclass(frozen=True)
class _Prefetch:
    question: tuple[OutletsConfig, Settings, Path]
    child: BaseProcess
    answer: Connection


_prefetch: _Prefetch | None = None
_prefetch_lock = threading.Lock()


def prefetch_discovery(config: OutletsConfig, settings: Settings, warehouse: Path) -> bool:
    """Start the run's incremental discovery in a forked child and return at once (False: not started).

    A fork, because the child then starts with this process's imports instead of redoing them (a forkserver
    worker is ready ~1 s later, about when the flow wants the links); and only from a single-threaded process,
    where forking is safe: the CLI calls this before Prefect starts its threads.
    """
    global _prefetch
    if threading.active_count() > 1:
        return False
    answer, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_discover_in_child, args=(send, config, settings, warehouse), name="discovery", daemon=True
    )
    child.start()
    send.close()
    with _prefetch_lock:
        _prefetch = _Prefetch((config, settings, warehouse), child, answer)
    return True


def _discover_in_child(send: Connection, config: OutletsConfig, settings: Settings, warehouse: Path) -> None:
    # the parent's imports are the start's critical path; this has ~1 s of slack behind them
    os.nice(10)
    reply: tuple[PreviousStates, Discovered] | str
    try:
        previous = previous_states(warehouse, config)
        reply = (previous, discover_all(config, settings, None, previous))
    except Exception as exc:  # noqa: BLE001 - the flow's task discovers by itself instead
        reply = f"{type(exc).__name__}: {exc}"
    # a parent that asked another question has stopped listening
    with contextlib.suppress(OSError):
        send.send(reply)
    send.close()


def wait_for_prefetch(timeout_s: float) -> bool:
    """Wait until the discovery started ahead has its answer ready (without taking it) or timeout_s has
    passed; False if none was started, or it had no answer in time."""
    with _prefetch_lock:
        prefetch = _prefetch
    if prefetch is None:
        return False
    try:
        return bool(multiprocessing.connection.wait([prefetch.answer], timeout_s))
    except (OSError, ValueError):
        # taken (and closed) by the flow meanwhile
        return False


def take_prefetched(
    config: OutletsConfig,
    settings: Settings,
    warehouse: Path,
    window: RunWindow | None,
    previous: PreviousStates,
) -> Discovered | None:
    """The prefetched discovery if it answered exactly this question, waiting for it if needed; else None.

    The question is the outlets, the settings, the warehouse, no window, and the feed and sitemap state the
    child read (a load in between changes it). A prefetch is taken once: a later run discovers by itself.
    """
    global _prefetch
    with _prefetch_lock:
        prefetch, _prefetch = _prefetch, None
    if prefetch is None:
        return None
    if window is not None or prefetch.question != (config, settings, warehouse):
        _stop(prefetch)
        return None
    try:
        reply = prefetch.answer.recv()
    except (EOFError, OSError):
        reply = "the discovery process ended without an answer"
    _stop(prefetch)
    if isinstance(reply, str):
        log.warning("discovery started ahead failed (%s); discovering again", reply)
        return None
    used, found = reply
    return found if used == previous else None


def _stop(prefetch: _Prefetch) -> None:
    prefetch.answer.close()
    prefetch.child.join(timeout=1)
    if prefetch.child.is_alive():
        prefetch.child.kill()
        prefetch.child.join()
