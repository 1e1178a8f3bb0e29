"""Outlet health rows (the outlet_health view) read back from the published warehouse after a load."""

from datetime import datetime
from pathlib import Path

from copydesk.warehouse.store import connect_reader, named_queries

SQL = named_queries("health.sql")


def _rows(warehouse: Path, name: str, params: list) -> list[dict]:
    con = connect_reader(warehouse)
    try:
        cursor = con.execute(SQL[name], params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def run_health(warehouse: Path, run_id: str) -> list[dict]:
    """The run's outlet_health rows, one per outlet."""
    return _rows(warehouse, "run_health", [run_id])


def recent_health(
    warehouse: Path, outlet_ids: list[str], flow: str, run_id: str, before: datetime, runs: int
) -> list[dict]:
    """Each outlet's last `runs` outlet_health rows of `flow` up to `before`, the run itself left out."""
    if not outlet_ids:
        return []
    return _rows(warehouse, "recent_health", [outlet_ids, flow, run_id, before, runs])
