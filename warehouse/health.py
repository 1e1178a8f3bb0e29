"""Outlet health rows (the outlet_health view) read back from the published warehouse after a load."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from copydesk.warehouse.store import connect_reader, named_queries

SQL = named_queries("health.sql")


@dataclass(frozen=True)
class HistoryWanted:
    """Which past rows to read beside a run's: each outlet's last `runs` runs of `flow` up to `before`."""

    flow: str
    before: datetime
    runs: int


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: list) -> list[dict]:
    cursor = con.execute(SQL[name], params)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def run_health(
    warehouse: Path, run_id: str, history: HistoryWanted | None = None
) -> tuple[list[dict], list[dict]]:
    """The run's outlet_health rows (one per outlet) and, when history is asked for, those outlets' earlier
    rows (the run itself left out), read on one reader connection."""
    con = connect_reader(warehouse)
    try:
        rows = _rows(con, "run_health", [run_id])
        if history is None or not rows:
            return rows, []
        outlet_ids = [r["outlet_id"] for r in rows]
        wanted = [outlet_ids, history.flow, run_id, history.before, history.runs]
        runs = [run for (run,) in con.execute(SQL["recent_runs"], wanted).fetchall()]
        if not runs:
            return rows, []
        return rows, _rows(con, "recent_health", [runs, outlet_ids, history.runs])
    finally:
        con.close()
