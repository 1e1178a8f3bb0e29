"""`copydesk serve`: both deployments served from one process, the simplest way to run on a schedule."""

import logging
from pathlib import Path

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron

from copydesk.flows.backfill import backfill
from copydesk.flows.ingest import ingest

log = logging.getLogger("copydesk")

# deployment names are a contract: `prefect deployment run backfill/backfill` and the README rely on them
INGEST_DEPLOYMENT = "ingest-every-30-min"
BACKFILL_DEPLOYMENT = "backfill"
DEPLOYMENTS = (f"ingest/{INGEST_DEPLOYMENT}", f"backfill/{BACKFILL_DEPLOYMENT}")


def build_deployments(
    outlets: Path, warehouse: Path, cron: str = "*/30 * * * *", timezone: str = "UTC"
) -> list:
    """The ingest deployment (on the cron schedule) and the backfill deployment; paths as parameters."""
    paths = {"outlets": str(outlets.resolve()), "warehouse": str(warehouse.resolve())}
    return [
        ingest.to_deployment(
            name=INGEST_DEPLOYMENT,
            schedule=Cron(cron, timezone=timezone),
            parameters=paths,
            tags=["copydesk"],
            description="Fetch the outlets' new articles, fold copies into stories, load the warehouse.",
        ),
        backfill.to_deployment(
            name=BACKFILL_DEPLOYMENT,
            parameters=paths,
            tags=["copydesk"],
            description="What the outlets published between start and end (Run -> Custom run, pick dates).",
        ),
    ]


def release_worker_deployments(names: tuple[str, ...] = DEPLOYMENTS) -> list[str]:
    """Delete deployments of these names that `prefect deploy` made for a work pool; returns their names.

    A served deployment updated in place keeps the work pool and storage fields of a worker deployment, and
    its runs then crash looking for flow code in storage; serving the same names means taking them over.
    """
    released = []
    with get_client(sync_client=True) as client:
        for name in names:
            try:
                deployment = client.read_deployment_by_name(name)
            except ObjectNotFound:
                continue
            if deployment.work_pool_name:
                client.delete_deployment(deployment.id)
                released.append(name)
    return released


def serve_deployments(
    outlets: Path, warehouse: Path, cron: str, timezone: str, limit: int | None = None
) -> None:
    """Serve both deployments until stopped; stopping leaves schedules active and scheduled runs in place."""
    for name in release_worker_deployments():
        log.warning("deployment %s belonged to a work pool; it is now served by this process instead", name)
    serve(*build_deployments(outlets, warehouse, cron, timezone), pause_on_shutdown=False, limit=limit)
