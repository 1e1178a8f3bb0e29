"""The ingest flow: discover -> select new -> fetch + extract in batches -> load -> report."""

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import Field

from copydesk.extras import import_extra
from copydesk.flows.execution import run_in_batches
from copydesk.flows.identity import prefect_flow_run_id, run_name, warehouse_run_id
from copydesk.flows.logs import shipped_to_prefect
from copydesk.flows.prefect_overhead import flow
from copydesk.flows.report import outlet_counts, report_task
from copydesk.flows.steps import (
    commit_source_states,
    discover_task,
    load_task,
    process_batch_task,
    read_outlets_task,
    select_new_task,
    write_run_record,
)
from copydesk.tasks.models import Link, LoadReport, OutletsConfig, RunWindow
from copydesk.tasks.settings import Settings, get_settings
from copydesk.warehouse.store import learned_outlet_blocks


def task_runner_for(settings: Settings) -> TaskRunner:
    """The task runner COPYDESK_TASK_RUNNER selects: two batch threads locally, or a Dask cluster."""
    if settings.task_runner == "dask":
        prefect_dask = import_extra("prefect_dask", "dask", "COPYDESK_TASK_RUNNER=dask")

        if settings.dask_address:
            return prefect_dask.DaskTaskRunner(address=settings.dask_address)
        workers = settings.dask_workers or settings.extract_workers or None
        cluster = {"n_workers": workers, "threads_per_worker": 1, "processes": True}
        return prefect_dask.DaskTaskRunner(cluster_kwargs=cluster)
    return ThreadPoolTaskRunner(max_workers=2)


class SettingsTaskRunner(TaskRunner):
    """The task runner COPYDESK_TASK_RUNNER selects, chosen when a flow run starts, not when its module is
    imported: the environment of the process running the flow decides, whoever imported the module first."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: TaskRunner | None = None

    def duplicate(self) -> "SettingsTaskRunner":
        return type(self)()

    def __enter__(self) -> "SettingsTaskRunner":
        super().__enter__()
        self._inner = task_runner_for(get_settings()).__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        inner, self._inner = self._inner, None
        try:
            if inner is not None:
                inner.__exit__(*exc)
        finally:
            super().__exit__(*exc)

    def submit(self, task, parameters, wait_for=None, dependencies=None):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN201
        if self._inner is None:
            raise RuntimeError("the task runner was not started")
        return self._inner.submit(task, parameters, wait_for, dependencies)


def run_links(
    links: list[Link],
    *,
    config: OutletsConfig,
    settings: Settings,
    warehouse: Path,
    run_id: str,
    flow_name: str,
    started_at: datetime,
    window: RunWindow | None = None,
    max_links: int = 0,
) -> LoadReport:
    """The part of a run after discovery; shared by ingest and each backfill day."""
    # quote(): Prefect would walk every Link of a list parameter looking for futures
    fresh = select_new_task(quote(links), warehouse, max_links)
    # a run that fetched only part of what it found must not record its sources as read
    complete = window is None and not (max_links and len(fresh) >= max_links)
    per_outlet = outlet_counts(config, links, fresh)
    # read once per run, not per batch: each batch's workers sign texts less what the loader will strip
    learned = learned_outlet_blocks(warehouse, sorted({link.outlet_id for link in fresh}))
    stats = run_in_batches(
        process_batch_task, fresh, settings.batch_size, learned, warehouse, run_id, config, settings
    )
    kinds: Counter[str] = Counter()
    for s in stats:
        kinds.update(s.failure_kinds)
    counts = {
        "discovered": len(links),
        "new": len(fresh),
        "fetched": sum(s.fetched for s in stats),
        "extracted": sum(s.extracted for s in stats),
        "failed": sum(s.failed for s in stats),
    }
    if complete:
        commit_source_states(warehouse, run_id)
    flow_run_id = prefect_flow_run_id()
    write_run_record(
        warehouse,
        run_id,
        flow_name,
        started_at,
        config,
        window,
        counts,
        prefect_flow_run_id=flow_run_id,
        outlet_counts=per_outlet,
    )
    report = load_task(warehouse, run_id, settings)
    report_task(
        warehouse,
        report,
        counts,
        dict(kinds),
        flow_key="ingest" if window is None else "backfill-day",
        started_at=started_at,
        settings=settings,
        judge=flow_name == "ingest",
        flow_run_id=flow_run_id,
    )
    return report


# idempotent (a rerun loads what the failed attempt did not, nothing twice): retried once after a pause
@flow(
    name="ingest",
    flow_run_name=run_name("ingest"),
    log_prints=True,
    task_runner=SettingsTaskRunner(),
    retries=1,
    retry_delay_seconds=10,
)
def ingest(
    outlets: str | None = None,
    warehouse: str | None = None,
    outlet_ids: list[str] | None = None,
    max_links: Annotated[int, Field(ge=0)] = 0,
) -> LoadReport:
    """Fetch every new article of the configured outlets, fold copies into stories and load the warehouse.

    Args:
        outlets: Path of the outlets YAML file (default: COPYDESK_OUTLETS or deploy/outlets.yaml).
        warehouse: Warehouse directory (default: COPYDESK_WAREHOUSE or ./data).
        outlet_ids: Only these outlets (all when empty).
        max_links: Fetch at most this many new links in this run (0 = no limit).
    """
    with shipped_to_prefect(prefect_flow_run_id()):
        settings = get_settings(outlets=outlets, warehouse=warehouse)
        started_at = datetime.now(UTC)
        run_id = warehouse_run_id("ingest")
        config = read_outlets_task(str(settings.outlets), outlet_ids)
        links = discover_task(config, settings, settings.warehouse, run_id, incremental=True)
        return run_links(
            links,
            config=config,
            settings=settings,
            warehouse=settings.warehouse,
            run_id=run_id,
            flow_name="ingest",
            started_at=started_at,
            max_links=max_links,
        )
