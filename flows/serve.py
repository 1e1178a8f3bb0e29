"""`copydesk serve`: both deployments served from one process, the simplest way to run on a schedule."""

from pathlib import Path

from prefect import serve
from prefect.schedules import Cron

from flows.backfill import backfill
from flows.ingest import ingest

INGEST_DEPLOYMENT = "ingest-every-30-min"
BACKFILL_DEPLOYMENT = "backfill"


def build_deployments(outlets: Path, warehouse: Path, cron: str = "*/30 * * * *", timezone: str = "UTC") -> list:
    """The ingest deployment (cron schedule) and the backfill deployment (no schedule), with paths as parameters."""
    paths = {"outlets": str(outlets.resolve()), "warehouse": str(warehouse.resolve())}
    return [
        ingest.to_deployment(
            name=INGEST_DEPLOYMENT, schedule=Cron(cron, timezone=timezone), parameters=paths, tags=["copydesk"]
        ),
        backfill.to_deployment(name=BACKFILL_DEPLOYMENT, parameters=paths, tags=["copydesk"]),
    ]


def serve_deployments(outlets: Path, warehouse: Path, cron: str, timezone: str, limit: int | None = None) -> None:
    """Serve both deployments until interrupted; stopping leaves schedules active and scheduled runs in place."""
    serve(*build_deployments(outlets, warehouse, cron, timezone), pause_on_shutdown=False, limit=limit)
