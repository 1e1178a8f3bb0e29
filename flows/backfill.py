"""The backfill flow: what the outlets published inside a date window, one subflow run per day.

Discovery runs once for the whole window (sitemap indexes pruned by lastmod and dated child names, urlsets
and feeds filtered by item dates); the links are then grouped by UTC publication day and each day is fetched,
extracted and loaded by its own `backfill-day` subflow run, so the UI shows the window's progress day by day.
WARC files (`warc_paths`, CC-NEWS format) add history older than the sitemaps in one `backfill-warc` subflow.
Every load skips URLs the warehouse already holds, so running a window again adds nothing.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta

from prefect import flow

from copydesk.flows.execution import workers_kept_between_runs
from copydesk.flows.ingest import run_links, task_runner_for
from copydesk.flows.steps import (
    discover_task,
    load_task,
    new_run_id,
    read_outlets_task,
    report_task,
    warc_task,
    write_run_record,
)
from copydesk.tasks.models import Link, LoadReport, OutletsConfig, RunWindow
from copydesk.tasks.settings import Settings, get_settings

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


@flow(name="backfill-day", flow_run_name="backfill-{day}", task_runner=task_runner_for(get_settings()))
def backfill_day(day: date, links: list[Link], config: OutletsConfig, settings: Settings) -> LoadReport:
    """Fetch, extract and load one day of a backfill window.

    Args:
        day: The UTC day these links were published on.
        links: The day's links, as discovery found them.
        config: The outlets being backfilled.
        settings: Run settings.
    """
    return run_links(
        links,
        config=config,
        settings=settings,
        warehouse=settings.warehouse,
        run_id=new_run_id(f"backfill-{day:%Y%m%d}"),
        flow_name="backfill",
        started_at=datetime.now(UTC),
        window=day_window(day),
    )


@flow(name="backfill-warc", flow_run_name="backfill-warc-{start}-{end}")
def backfill_warc(
    warc_paths: list[str], start: date, end: date, config: OutletsConfig, settings: Settings
) -> LoadReport:
    """Extract and load the window's articles of the configured outlets from WARC files (CC-NEWS format).

    Args:
        warc_paths: WARC files (.warc or .warc.gz) readable by the process running the flow.
        start: First day of the window (inclusive, UTC).
        end: Last day of the window (inclusive, UTC).
        config: The outlets being backfilled.
        settings: Run settings.
    """
    started_at = datetime.now(UTC)
    run_id = new_run_id("backfill-warc")
    window = window_of(start, end)
    stats = warc_task(warc_paths, settings.warehouse, run_id, config, settings, window)
    counts = stats.counts()
    write_run_record(settings.warehouse, run_id, "backfill", started_at, config, window, counts)
    report = load_task(settings.warehouse, run_id, settings)
    report_task(report, counts, dict(stats.failure_kinds))
    return report


@flow(name="backfill", log_prints=True)
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
    check_window(start, end, datetime.now(UTC).date())
    settings = get_settings(outlets=outlets, warehouse=warehouse)
    config = read_outlets_task(str(settings.outlets), outlet_ids)
    links = discover_task(config, settings, settings.warehouse, new_run_id("backfill"), window_of(start, end))
    days = links_by_day(links, start, end)
    _tell("window", days=len(days), links=sum(len(v) for v in days.values()), warc=len(warc_paths or []))
    reports = []
    with workers_kept_between_runs():
        for day, day_links in days.items():
            print(f"{day}: {len(day_links)} links")
            reports.append(backfill_day(day, day_links, config, settings))
            _tell("day", day=day, links=len(day_links), report=reports[-1])
        if warc_paths:
            reports.append(backfill_warc(warc_paths, start, end, config, settings))
            _tell("warc", report=reports[-1])
    print(f"{start}..{end}: {sum(r.articles_new for r in reports)} new articles")
    return reports
