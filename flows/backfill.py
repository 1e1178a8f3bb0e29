"""The backfill flow: what the outlets published inside a date window, one subflow run per day."""

from datetime import UTC, date, datetime, time, timedelta

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows.ingest import run_links
from tasks.models import Link, LoadReport, OutletsConfig, RunWindow
from tasks.settings import Settings, get_settings
from tasks.steps import discover_task, new_run_id, read_outlets_task


class WindowError(ValueError):
    """A backfill window that cannot be run."""


def check_window(start: date, end: date, today: date) -> None:
    """Reject windows that end before they start or reach into the future."""
    if end < start:
        raise WindowError(f"end ({end}) is before start ({start})")
    if start > today or end > today:
        raise WindowError(f"the window {start}..{end} reaches into the future (today is {today} UTC)")


def day_window(day: date) -> RunWindow:
    """The whole UTC day as an inclusive window."""
    begin = datetime.combine(day, time.min, tzinfo=UTC)
    return RunWindow(start=begin, end=begin + timedelta(days=1) - timedelta(microseconds=1))


def links_by_day(links: list[Link], start: date, end: date) -> dict[date, list[Link]]:
    """Group links by the UTC day of their publication (else modification) time, inside the window."""
    days: dict[date, list[Link]] = {start + timedelta(days=i): [] for i in range((end - start).days + 1)}
    for link in links:
        moment = link.published_at or link.modified_at
        if moment is not None and (day := moment.astimezone(UTC).date()) in days:
            days[day].append(link)
    return days


@flow(name="backfill-day", flow_run_name="backfill-{day}", task_runner=ThreadPoolTaskRunner(max_workers=2))
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


@flow(name="backfill", log_prints=True)
def backfill(
    start: date,
    end: date,
    outlet_ids: list[str] | None = None,
    outlets: str | None = None,
    warehouse: str | None = None,
) -> list[LoadReport]:
    """Ingest what the outlets published between start and end (inclusive, UTC days), one subflow per day.

    Args:
        start: First day of the window (inclusive, UTC).
        end: Last day of the window (inclusive, UTC); not after today.
        outlet_ids: Only these outlets (all configured outlets when empty).
        outlets: Path of the outlets YAML file (default: COPYDESK_OUTLETS or deploy/outlets.yaml).
        warehouse: Warehouse directory (default: COPYDESK_WAREHOUSE or ./data).
    """
    check_window(start, end, datetime.now(UTC).date())
    settings = get_settings(outlets=outlets, warehouse=warehouse)
    config = read_outlets_task(str(settings.outlets), outlet_ids)
    window = RunWindow(start=day_window(start).start, end=day_window(end).end)
    links = discover_task(config, settings, settings.warehouse, new_run_id("backfill"), window)
    reports = []
    for day, day_links in links_by_day(links, start, end).items():
        print(f"{day}: {len(day_links)} links")
        reports.append(backfill_day(day, day_links, config, settings))
    return reports
