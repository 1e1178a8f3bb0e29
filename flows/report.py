"""What an operator sees of a run in the Prefect UI: per-outlet log lines, artifacts, degradation events.

After a run's load, its `outlet_health` rows (one per outlet, warehouse/views.sql) are read back and become
one log line per outlet, the per-outlet table (discovered / new / copies / failed), a run summary and the
outlet health table; for scheduled ingests each outlet is judged against its own recent runs
(tasks/health.py) and every degradation becomes a `copydesk.outlet.degraded` Prefect event that automations
can act on. Artifact keys carry the flow (`ingest-...`, `backfill-day-...`), so runs of different flows do
not overwrite each other's cards.
"""

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from copydesk.tasks.health import (
    Degradation,
    Thresholds,
    degradations,
    failure_kinds_text,
    health_line,
    health_table,
)
from copydesk.tasks.models import Link, LoadReport, OutletsConfig
from copydesk.tasks.settings import Settings
from copydesk.warehouse.health import HistoryWanted, run_health

log = logging.getLogger("copydesk.report")

STEP = {"cache_policy": NO_CACHE, "persist_result": False}
DEGRADED_EVENT = "copydesk.outlet.degraded"


def outlet_counts(config: OutletsConfig, discovered: Sequence[Link], fresh: Sequence[Link]) -> list[dict]:
    """Links discovered and new per configured outlet (zeros included: a silent outlet is news too)."""
    found = Counter(link.outlet_id for link in discovered)
    new = Counter(link.outlet_id for link in fresh)
    return [{"outlet_id": o.id, "discovered": found[o.id], "new": new[o.id]} for o in config.outlets]


def thresholds_of(settings: Settings) -> Thresholds:
    """The degradation thresholds the settings give (COPYDESK_HEALTH_*)."""
    return Thresholds(
        quiet_runs=settings.health_quiet_runs,
        failure_share=settings.health_failure_share,
        words_drop=settings.health_words_drop,
        coverage_drop=settings.health_coverage_drop,
        history_runs=settings.health_history_runs,
        min_history=settings.health_min_history,
    )


def judge_outlets(rows: list[dict], history: list[dict], thresholds: Thresholds) -> list[Degradation]:
    """Each outlet's degradations in this run, against its own last runs of the same flow (history)."""
    by_outlet: dict[str, list[dict]] = {}
    for row in history:
        by_outlet.setdefault(row["outlet_id"], []).append(row)
    return [d for row in rows for d in degradations(row, by_outlet.get(row["outlet_id"], []), thresholds)]


def emit_degradation(found: Degradation, flow_run_id: str | None) -> None:
    """A `copydesk.outlet.degraded` event about the outlet, for Prefect automations (notify, pause)."""
    related = []
    if flow_run_id:
        related.append(
            {"prefect.resource.id": f"prefect.flow-run.{flow_run_id}", "prefect.resource.role": "flow-run"}
        )
    emit_event(
        event=DEGRADED_EVENT,
        resource={
            "prefect.resource.id": f"copydesk.outlet.{found.outlet_id}",
            "prefect.resource.name": found.outlet_id,
            "copydesk.degradation": found.kind,
        },
        related=related,
        payload={"run_id": found.run_id, "kind": found.kind, "message": found.message, **found.figures},
    )


def outlet_table(rows: list[dict], report: LoadReport) -> list[dict]:
    """The per-outlet table: links discovered, new articles loaded, copies among them, failures."""
    return [
        {
            "outlet": r["outlet_id"],
            "discovered": r.get("links_found") or 0,
            "new": r.get("articles_new") or 0,
            "copies": report.per_outlet.get(r["outlet_id"], {}).get("copies", 0),
            "failed": r.get("failed") or 0,
        }
        for r in rows
    ]


def summary_markdown(report: LoadReport, counts: dict[str, int], failures_by_kind: dict[str, int]) -> str:
    """The run summary card: counts, what loaded, failures by kind."""
    lines = [f"### run {report.run_id}", ""]
    lines += [f"- {k}: {v}" for k, v in counts.items()]
    lines += [f"- loaded: {report.articles_new}", f"- copies linked: {report.copies_linked}"]
    if report.waited_for_lock_s:
        lines.append(f"- waited for the load lock: {report.waited_for_lock_s:.1f} s")
    lines += ["", "#### failures by kind", *(f"- {k}: {n}" for k, n in sorted(failures_by_kind.items()))]
    if not failures_by_kind:
        lines.append("- none")
    return "\n".join(lines) + "\n"


@task(name="report", **STEP)
def report_task(
    warehouse: Path,
    report: LoadReport,
    counts: dict[str, int],
    failures_by_kind: dict[str, int],
    *,
    flow_key: str,
    started_at: datetime,
    settings: Settings,
    judge: bool,
    flow_run_id: str | None,
) -> list[Degradation]:
    """Log each outlet's run, publish the run's artifacts and, when judging, the outlets' degradations."""
    thresholds = thresholds_of(settings)
    wanted = HistoryWanted("ingest", started_at, thresholds.history_runs) if judge else None
    rows, history = run_health(warehouse, report.run_id, wanted)
    for row in rows:
        log.info("%s", health_line(row))
    flagged: list[Degradation] = []
    if judge:
        flagged = judge_outlets(rows, history, thresholds)
        for found in flagged:
            log.warning("outlet %s degraded (%s): %s", found.outlet_id, found.kind, found.message)
            emit_degradation(found, flow_run_id)
    if rows:
        create_table_artifact(
            key=f"{flow_key}-outlets", table=outlet_table(rows, report), description=f"run {report.run_id}"
        )
        create_table_artifact(
            key=f"{flow_key}-outlet-health",
            table=health_table(rows, flagged),
            description=f"outlet health, run {report.run_id}",
        )
    create_markdown_artifact(
        key=f"{flow_key}-summary", markdown=summary_markdown(report, counts, failures_by_kind)
    )
    log.info("run %s: %s", report.run_id, ", ".join(f"{k} {v}" for k, v in counts.items()))
    if failures_by_kind:
        log.info("run %s failures by kind: %s", report.run_id, failure_kinds_text(failures_by_kind))
    return flagged


def window_summary(start: str, end: str, days: list[dict]) -> str:
    """The backfill parent's card: totals, and a line per day that had links (links, new, copies, failures);
    days without links cost no run and are only counted (a ten-year window has thousands)."""
    busy = [d for d in days if d["links"]]
    lines = [
        f"### backfill {start}..{end}",
        "",
        f"- days: {len(days)}, with links: {len(busy)}",
        f"- days without links (no subflow run, no load): {len(days) - len(busy)}",
        f"- links: {sum(d['links'] for d in days)}",
        f"- new articles: {sum(d['new'] for d in days)}",
        f"- copies linked: {sum(d['copies'] for d in days)}",
        f"- failures: {sum(d['failed'] for d in days)}",
        "",
        "| day | links | new | copies | failed | run |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {d['day']} | {d['links']} | {d['new']} | {d['copies']} | {d['failed']} | {d['run']} |"
        for d in busy
    ]
    return "\n".join(lines) + "\n"


@task(name="window-summary", **STEP)
def window_summary_task(start: str, end: str, days: list[dict]) -> None:
    """Publish the backfill window's summary on the parent run."""
    create_markdown_artifact(key="backfill-window", markdown=window_summary(start, end, days))
    log.info(
        "backfill %s..%s: %d days, %d with links, %d new articles",
        start,
        end,
        len(days),
        sum(1 for d in days if d["links"]),
        sum(d["new"] for d in days),
    )
