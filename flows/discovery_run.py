"""A run's discovery over all its outlets, run by the flow's discover task or started ahead by the CLI.

`copydesk ingest` spends its first seconds importing Prefect and creating the flow run on one core, while
discovery (reading every feed and sitemap) could use the other. The CLI therefore starts the run's discovery
ahead, in a forked child (`prefetch_discovery`, flows/execution's Ahead), before it imports the flow; the
flow's discover task takes that result (`take_prefetched`) only when it asked the same question: the same
outlets, settings, warehouse, no window, and the feed and sitemap state the task itself read. Anything else
(no prefetch, another question, a prefetch that failed) and the task discovers by itself.
"""

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from copydesk.flows.execution import Ahead, AheadFailed
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
    # outlet id -> its feeds and sitemaps that had not changed (304 or the same body): the run's log says so
    unchanged_by_outlet: dict[str, int] = field(default_factory=dict)


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
        unchanged_by_outlet={
            o.id: len(g.unchanged)
            for o, g in zip(config.outlets, getters, strict=True)
            if isinstance(g, ConditionalGetter) and g.unchanged
        },
    )


def discover_all(
    config: OutletsConfig, settings: Settings, window: RunWindow | None, previous: PreviousStates | None
) -> Discovered:
    """Read every outlet's feeds and sitemaps, concurrently; `previous` makes the requests conditional."""
    return run_sync(_discover_all(config, settings, window, previous))


@dataclass(frozen=True)
class _Prefetch:
    question: tuple[OutletsConfig, Settings, Path]
    call: Ahead


_prefetch: _Prefetch | None = None
_prefetch_lock = threading.Lock()


def prefetch_discovery(config: OutletsConfig, settings: Settings, warehouse: Path) -> Ahead | None:
    """Start the run's incremental discovery in a forked child and return at once (None: not started, as
    from a process that has threads already: the CLI calls this before Prefect starts its threads)."""
    global _prefetch
    call = Ahead.start(_discover_ahead, config, settings, warehouse, name="discovery")
    if call is not None:
        with _prefetch_lock:
            _prefetch = _Prefetch((config, settings, warehouse), call)
    return call


def _discover_ahead(
    config: OutletsConfig, settings: Settings, warehouse: Path
) -> tuple[PreviousStates, Discovered]:
    previous = previous_states(warehouse, config)
    return previous, discover_all(config, settings, None, previous)


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
        prefetch.call.stop()
        return None
    try:
        used, found = prefetch.call.take()
    except AheadFailed as exc:
        log.warning("discovery started ahead failed (%s); discovering again", exc)
        return None
    return found if used == previous else None
