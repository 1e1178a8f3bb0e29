"""The pipeline's Prefect tasks: each a few lines over plain functions that tests call directly."""

import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from copydesk.flows import batch as batch_mod
from copydesk.flows.discovery_run import discover_all, previous_states, take_prefetched
from copydesk.flows.execution import Batch
from copydesk.flows.progress import NEW_LINKS
from copydesk.flows.selection import select_new_links
from copydesk.tasks.models import Link, LoadReport, OutletsConfig, RunWindow
from copydesk.tasks.outlets import load_outlets
from copydesk.tasks.settings import Settings, get_settings
from copydesk.tasks.sources import SourceState
from copydesk.warehouse import lake, load, store

log = logging.getLogger("copydesk")

# tasks take paths and small models; big inputs are never hashed for caching
STEP = {"cache_policy": NO_CACHE, "persist_result": False}


def new_run_id(flow: str) -> str:
    """A sortable, unique run id."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{flow}"


def retry_links(warehouse: Path, config: OutletsConfig, max_attempts: int = 3) -> list[Link]:
    """Links for pages that failed transiently in earlier runs and were not loaded since."""
    return [
        Link(url=url, outlet_id=outlet_id, via="retry", found_in=f"failures ({attempts} earlier attempts)")
        for url, outlet_id, attempts in store.retryable_failures(
            warehouse, [o.id for o in config.outlets], max_attempts
        )
    ]


def stage_source_states(warehouse: Path, run_id: str, states: list[SourceState]) -> None:
    """Park the run's feed/sitemap state outside the lake until the run's pages are all in it."""
    if not states:
        return
    rows = [{**st.__dict__, "run_id": run_id} for st in states]
    lake.write_atomic(
        pa.Table.from_pylist(rows, schema=lake.SOURCE_SCHEMA),
        lake.staging_path(warehouse, f"sources-{run_id}.parquet"),
    )


def commit_source_states(warehouse: Path, run_id: str) -> bool:
    """Move the run's staged source state into the lake, to load with the run's pages; False if none."""
    staged = lake.staging_path(warehouse, f"sources-{run_id}.parquet")
    if not staged.exists():
        return False
    # where the lake is comes from the environment (COPYDESK_LAKE), read here at the edge, not in warehouse/
    lake.promote(staged, warehouse, "sources", run_id, "sources.parquet", lake=get_settings().lake)
    return True


def write_run_record(
    warehouse: Path,
    run_id: str,
    flow: str,
    started_at: datetime,
    config: OutletsConfig,
    window: RunWindow | None,
    counts: dict[str, int],
    *,
    prefect_flow_run_id: str | None = None,
    outlet_counts: list[dict] | None = None,
) -> None:
    """The run's own row, written to the lake so it loads with the run's data (with the Prefect flow run that
    made it and the links discovered / new per outlet, when known)."""
    row = {
        "run_id": run_id,
        "flow": flow,
        "started_at": started_at,
        "finished_at": datetime.now(UTC),
        "window_start": window.start if window else None,
        "window_end": window.end if window else None,
        "outlet_ids": [o.id for o in config.outlets],
        **{k: counts.get(k, 0) for k in ("discovered", "new", "fetched", "extracted", "failed")},
        "prefect_flow_run_id": prefect_flow_run_id,
        "outlet_counts": outlet_counts,
    }
    table = pa.Table.from_pylist([row], schema=lake.RUN_SCHEMA)
    lake.write_file(warehouse, "runs", run_id, "run.parquet", table, lake=get_settings().lake)


@task(name="read-outlets", **STEP)
def read_outlets_task(path: str, outlet_ids: list[str] | None) -> OutletsConfig:
    """Load and validate the outlets file, keeping the selected outlets."""
    return load_outlets(path).select(outlet_ids)


@task(name="discover", **STEP)
def discover_task(
    config: OutletsConfig,
    settings: Settings,
    warehouse: Path,
    run_id: str,
    window: RunWindow | None = None,
    incremental: bool = False,
) -> list[Link]:
    """Discover links; discovery failures go to the lake as failure rows.

    incremental (scheduled ingests): feeds and sitemaps are requested conditionally on what the last run saw,
    and pages that failed transiently before are tried again.
    """
    previous = previous_states(warehouse, config) if incremental else None
    prefetched = take_prefetched(config, settings, warehouse, window, previous) if incremental else None
    found = prefetched or discover_all(config, settings, window, previous)
    links = found.links
    for outlet_id, unchanged in sorted(found.unchanged_by_outlet.items()):
        log.info(
            "outlet %s: %d feeds/sitemaps unchanged since the last run (304 or same body)",
            outlet_id,
            unchanged,
        )
    if found.failures:
        failed = lake.failure_rows(found.failures, run_id)
        lake.write_file(warehouse, "failures", run_id, "discover.parquet", failed, lake=settings.lake)
    if incremental:
        stage_source_states(warehouse, run_id, found.states)
        retries = retry_links(warehouse, config)
        if retries:
            log.info("retrying %d pages that failed transiently before", len(retries))
            links = links + retries
    log.info("discovered %d links (%d discovery failures)", len(links), len(found.failures))
    return links


@task(name="select-new", **STEP)
def select_new_task(links: list[Link], warehouse: Path, limit: int = 0) -> list[Link]:
    """Drop links the warehouse has already seen."""
    fresh = select_new_links(links, warehouse, limit)
    # the CLI's progress display takes its per-outlet totals from this record (flows/progress.py)
    log.info(
        "%d new links to fetch", len(fresh), extra={NEW_LINKS: Counter(link.outlet_id for link in fresh)}
    )
    return fresh


@task(name="fetch-extract-batch", **STEP)
def process_batch_task(
    batch: Batch, warehouse: Path, run_id: str, config: OutletsConfig, settings: Settings
) -> batch_mod.BatchStats:
    """Fetch and extract one batch of links into the lake (batch.shared: the outlets' learned templates)."""
    return batch_mod.process_batch(
        list(batch.items),
        warehouse=warehouse,
        run_id=run_id,
        batch_no=batch.number,
        config=config,
        settings=settings,
        learned_of=batch.shared,
    )


@task(name="read-warc", **STEP)
def warc_task(
    paths: list[str],
    warehouse: Path,
    run_id: str,
    config: OutletsConfig,
    settings: Settings,
    window: RunWindow,
) -> batch_mod.WarcStats:
    """Extract the window's new articles of the configured outlets from WARC files into the lake."""
    return batch_mod.process_warc(
        paths, warehouse=warehouse, run_id=run_id, config=config, settings=settings, window=window
    )


@task(name="load", **STEP)
def load_task(warehouse: Path, run_id: str, settings: Settings) -> LoadReport:
    """Load every pending lake file into the warehouse in one transaction and publish it to readers."""
    report = load.load_pending(
        warehouse,
        lock_timeout_s=settings.load_lock_timeout_s,
        holder=run_id,
        memory_limit=settings.load_memory_limit,
        lake_at=settings.lake,
    )
    report.run_id = run_id
    return report
