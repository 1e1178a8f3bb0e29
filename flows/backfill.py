"""The backfill flow: what the outlets published inside a date window, one subflow run per day.

Discovery runs once for the whole window (sitemap indexes pruned by lastmod and dated child names, urlsets
and feeds filtered by item dates); the links are then grouped by UTC publication day and staged in the
warehouse's state (warehouse/backfill_state.py), and each day with links is fetched, extracted and loaded by
its own `backfill-day` subflow run, given only its day, the window's id and the warehouse: the UI shows the
window's progress day by day, and Prefect's database holds no link lists. A day without links costs nothing.
WARC files (`warc_paths`, CC-NEWS format) add history older than the sitemaps in one `backfill-warc` subflow.
Every load skips URLs the warehouse already holds, so running a window again adds nothing.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from prefect import task
from prefect.utilities.annotations import quote

from copydesk.flows.execution import workers_kept_between_runs
from copydesk.flows.identity import day_run_name, prefect_flow_run_id, run_name, warehouse_run_id
from copydesk.flows.ingest import SettingsTaskRunner, run_links
from copydesk.flows.logs import shipped_to_prefect
from copydesk.flows.prefect_overhead import flow
from copydesk.flows.report import report_task, window_summary_task
from copydesk.flows.steps import (
    STEP,
    discover_task,
    load_task,
    read_outlets_task,
    warc_task,
    write_run_record,
)
from copydesk.tasks.models import Link, LoadReport, RunWindow
from copydesk.tasks.settings import get_settings
from copydesk.warehouse import backfill_state
from copydesk.warehouse.backfill_state import StagedWindow

# who wants to hear about a backfill's progress in this process (the CLI's progress bars); not a parameter,
# so deployments and the UI never see it
ProgressSink = Callable[[str, dict], None]
_progress: ContextVar[ProgressSink | None] = ContextVar("copydesk_backfill_progress", default=None)


@contextmanager
def backfill_progress(sink: ProgressSink) -> Iterator[None]:
    """Send the backfill's events ("window", "day", "warc") to sink while the block runs."""
    token = _progress.set(sink)
    try:
        yield
    finally:
        _progress.reset(token)


def _tell(event: str, **data: object) -> None:
    sink = _progress.get()
    if sink is not None:
        sink(event, data)


class WindowError(ValueError):
    """A backfill window that cannot be run."""


def check_window(start: date, end: date, today: date) -> None:
    """Reject windows that end before they start or reach into the future."""
    if end < start:
        raise WindowError(f"end ({end}) is before start ({start}): the window is inclusive, start <= end")
    if end > today:
        raise WindowError(
            f"the window {start}..{end} reaches into the future (today is {today} UTC): "
            "nothing can have been published there yet"
        )


def day_window(day: date) -> RunWindow:
    """The whole UTC day as an inclusive window."""
    begin = datetime.combine(day, time.min, tzinfo=UTC)
    return RunWindow(start=begin, end=begin + timedelta(days=1) - timedelta(microseconds=1))


def window_of(start: date, end: date) -> RunWindow:
    """The UTC days start..end as one inclusive window."""
    return RunWindow(start=day_window(start).start, end=day_window(end).end)


def links_by_day(links: list[Link], start: date, end: date) -> dict[date, list[Link]]:
    """Group links by the UTC day of their publication (else modification) time, inside the window."""
    days: dict[date, list[Link]] = {start + timedelta(days=i): [] for i in range((end - start).days + 1)}
    for link in links:
        moment = link.published_at or link.modified_at
        if moment is not None and (day := moment.astimezone(UTC).date()) in days:
            days[day].append(link)
    return days


@task(name="stage-window", **STEP)
def stage_window_task(warehouse: Path, window: StagedWindow, days: dict[date, list[Link]]) -> list[date]:
    """Stage the window's links by day in the warehouse's state; returns the days that have links."""
    return backfill_state.stage_window(warehouse, window, days)


@task(name="read-day", **STEP)
def read_day_task(warehouse: Path, window_id: str, day: date) -> tuple[StagedWindow, list[Link]]:
    """The window a day belongs to and the day's staged links."""
    return backfill_state.read_window(warehouse, window_id), backfill_state.read_day(
        warehouse, window_id, day
    )


# idempotent (URLs loaded by a failed attempt are not fetched again): retried once after a pause
@flow(
    name="backfill-day",
    flow_run_name=day_run_name,
    task_runner=SettingsTaskRunner(),
    retries=1,
    retry_delay_seconds=10,
)
def backfill_day(day: date, window_id: str, warehouse: str) -> LoadReport:
    """Fetch, extract and load one day of a backfill window, from the links its window staged for it.

    Args:
        day: The UTC day whose links to fetch.
        window_id: The backfill window the day belongs to (the parent run's warehouse run_id).
        warehouse: Warehouse directory holding the window's staged links.
    """
    with shipped_to_prefect(prefect_flow_run_id()):
        started_at = datetime.now(UTC)
        window, links = read_day_task(Path(warehouse), window_id, day)
        settings = get_settings(outlets=window.outlets, warehouse=warehouse)
        config = read_outlets_task(window.outlets, window.outlet_ids)
        return run_links(
            links,
            config=config,
            settings=settings,
            warehouse=settings.warehouse,
            run_id=warehouse_run_id(f"backfill-{day:%Y%m%d}"),
            flow_name="backfill",
            started_at=started_at,
            window=day_window(day),
        )


@flow(name="backfill-warc", flow_run_name=run_name("backfill-warc"))
def backfill_warc(warc_paths: list[str], window_id: str, warehouse: str) -> LoadReport:
    """Extract and load the window's articles of the configured outlets from WARC files (CC-NEWS format).

    Args:
        warc_paths: WARC files (.warc or .warc.gz) readable by the process running the flow.
        window_id: The backfill window (the parent run's warehouse run_id).
        warehouse: Warehouse directory holding the window's staged state.
    """
    with shipped_to_prefect(prefect_flow_run_id()):
        started_at = datetime.now(UTC)
        staged = backfill_state.read_window(Path(warehouse), window_id)
        settings = get_settings(outlets=staged.outlets, warehouse=warehouse)
        config = read_outlets_task(staged.outlets, staged.outlet_ids)
        run_id = warehouse_run_id("backfill-warc")
        window = window_of(staged.start, staged.end)
        stats = warc_task(warc_paths, settings.warehouse, run_id, config, settings, window)
        counts = stats.counts()
        flow_run_id = prefect_flow_run_id()
        write_run_record(
            settings.warehouse,
            run_id,
            "backfill",
            started_at,
            config,
            window,
            counts,
            prefect_flow_run_id=flow_run_id,
        )
        report = load_task(settings.warehouse, run_id, settings)
        report_task(
            settings.warehouse,
            report,
            counts,
            dict(stats.failure_kinds),
            flow_key="backfill-warc",
            started_at=started_at,
            settings=settings,
            judge=False,
            flow_run_id=flow_run_id,
        )
        return report


def _day_row(day: date, links: int, report: LoadReport | None) -> dict:
    if report is None:
        return {"day": day.isoformat(), "links": links, "new": 0, "copies": 0, "failed": 0, "run": None}
    return {
        "day": day.isoformat(),
        "links": links,
        "new": report.articles_new,
        "copies": report.copies_linked,
        "failed": report.failures,
        "run": report.run_id,
    }


@flow(name="backfill", flow_run_name=run_name("backfill"), log_prints=True)
def backfill(
    start: date,
    end: date,
    outlet_ids: list[str] | None = None,
    warc_paths: list[str] | None = None,
    outlets: str | None = None,
    warehouse: str | None = None,
) -> list[LoadReport]:
    """Ingest what the outlets published between start and end (inclusive, UTC days), one subflow run per day.

    Args:
        start: First day of the window (inclusive, UTC).
        end: Last day of the window (inclusive, UTC); not after today.
        outlet_ids: Only these outlets (all configured outlets when empty).
        warc_paths: WARC files (CC-NEWS format) to take older history from, as paths on the machine running
            the flow; only the configured outlets' pages published inside the window are kept.
        outlets: Path of the outlets YAML file (default: COPYDESK_OUTLETS or deploy/outlets.yaml).
        warehouse: Warehouse directory (default: COPYDESK_WAREHOUSE or ./data).
    """
    with shipped_to_prefect(prefect_flow_run_id()):
        check_window(start, end, datetime.now(UTC).date())
        settings = get_settings(outlets=outlets, warehouse=warehouse)
        window_id = warehouse_run_id("backfill")
        config = read_outlets_task(str(settings.outlets), outlet_ids)
        links = discover_task(config, settings, settings.warehouse, window_id, window_of(start, end))
        days = links_by_day(links, start, end)
        _tell("window", days=len(days), links=sum(len(v) for v in days.values()), warc=len(warc_paths or []))
        staged = StagedWindow(
            window_id=window_id, start=start, end=end, outlets=str(settings.outlets), outlet_ids=outlet_ids
        )
        with_links = set(stage_window_task(settings.warehouse, staged, quote(days)))
        reports, rows = [], []
        try:
            with workers_kept_between_runs():
                for day, day_links in days.items():
                    # a day without links costs no subflow run, lake file or load
                    report = (
                        backfill_day(day=day, window_id=window_id, warehouse=str(settings.warehouse))
                        if day in with_links
                        else None
                    )
                    if report is not None:
                        print(f"{day}: {len(day_links)} links, {report.articles_new} new articles")
                        reports.append(report)
                    rows.append(_day_row(day, len(day_links), report))
                    _tell("day", day=day, links=len(day_links), report=report or LoadReport(run_id=""))
                if warc_paths:
                    reports.append(
                        backfill_warc(
                            warc_paths=warc_paths, window_id=window_id, warehouse=str(settings.warehouse)
                        )
                    )
                    _tell("warc", report=reports[-1])
        finally:
            backfill_state.drop_window(settings.warehouse, window_id)
        window_summary_task(start.isoformat(), end.isoformat(), rows)
        print(f"{start}..{end}: {sum(r.articles_new for r in reports)} new articles")
        return reports
