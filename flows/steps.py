"""The pipeline's Prefect tasks: each a few lines over plain functions that tests call directly."""

import logging
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from copydesk.flows import batch as batch_mod
from copydesk.flows.discovery_run import discover_all, previous_states, take_prefetched
from copydesk.flows.execution import Batch
from copydesk.tasks.models import Link, LoadReport, OutletsConfig, RunWindow
from copydesk.tasks.outlets import load_outlets
from copydesk.tasks.settings import Settings
from copydesk.tasks.sources import SourceState
from copydesk.tasks.urls import canonical_url, url_problem
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
    lake.promote(staged, warehouse, "sources", run_id, "sources.parquet")
    return True


def select_new_links(links: list[Link], warehouse: Path, limit: int = 0) -> list[Link]:
    """One link per canonical URL, minus the URLs the warehouse has already seen, except articles whose
    feed or sitemap says they changed after we last fetched them (the new text loads as a new version)."""
    unique: dict[str, Link] = {}
    invalid = 0
    for link in links:
        # discovery keeps no invalid URL; links from elsewhere (retries, WARC records) are checked here, so
        # one bad URL costs itself and never the run
        problem = url_problem(link.url)
        if problem is not None:
            invalid += 1
            if invalid == 1:
                log.warning("skipping a link with an invalid URL %r: %s", link.url[:200], problem)
            continue
        key = canonical_url(link.url)
        if key not in unique:
            # most feed and sitemap URLs are canonical already: a Link is frozen, so it can be kept as it is
            unique[key] = link if key == link.url else link.model_copy(update={"url": key})
        elif link.modified_at and (
            unique[key].modified_at is None or link.modified_at > unique[key].modified_at
        ):
            unique[key] = unique[key].model_copy(update={"modified_at": link.modified_at})
    if invalid > 1:
        log.warning("skipped %d links with invalid URLs", invalid)
    seen = store.seen_urls(warehouse, list(unique))
    fresh = [link for key, link in unique.items() if key not in seen or _changed_since(link, seen[key])]
    return fresh[:limit] if limit else fresh


def _changed_since(link: Link, fetched_at: datetime | None) -> bool:
    return fetched_at is not None and link.modified_at is not None and link.modified_at > fetched_at


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
    lake.write_file(
        warehouse, "runs", run_id, "run.parquet", pa.Table.from_pylist([row], schema=lake.RUN_SCHEMA)
    )


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
        lake.write_file(
            warehouse, "failures", run_id, "discover.parquet", lake.failure_rows(found.failures, run_id)
        )
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
    return select_new_links(links, warehouse, limit)


@task(name="fetch-extract-batch", **STEP)
def process_batch_task(
    batch: Batch, warehouse: Path, run_id: str, config: OutletsConfig, settings: Settings
) -> batch_mod.BatchStats:
    """Fetch and extract one batch of links into the lake (batch.shared: the outlets' learned boilerplate)."""
    return batch_mod.process_batch(
        list(batch.items),
        warehouse=warehouse,
        run_id=run_id,
        batch_no=batch.number,
        config=config,
        settings=settings,
        boilerplate_of=batch.shared,
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
    )
    report.run_id = run_id
    return report
