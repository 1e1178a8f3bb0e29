"""`copydesk serve`: the deployments of deploy/prefect.yaml served from one process, the simplest way to run
on a schedule. The yaml is the one definition of the deployments: `prefect deploy` reads it for a work pool,
and this module builds the same deployments from it (names, descriptions, tags, parameters, schedules)."""

import logging
from importlib.resources import files
from pathlib import Path

import yaml
from prefect import serve
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron

from copydesk.flows.backfill import backfill
from copydesk.flows.ingest import ingest

log = logging.getLogger("copydesk")

# the flow each entrypoint of deploy/prefect.yaml names
FLOWS = {"flows/ingest.py:ingest": ingest, "flows/backfill.py:backfill": backfill}


def deployment_specs() -> list[dict]:
    """The deployments of deploy/prefect.yaml, their one definition (package data when installed)."""
    spec = yaml.safe_load((files("copydesk.deploy") / "prefect.yaml").read_text(encoding="utf-8"))
    return spec["deployments"]


def deployment_names() -> tuple[str, ...]:
    """`<flow>/<deployment>` of every deployment, as `prefect deployment run` takes them."""
    return tuple(f"{FLOWS[s['entrypoint']].name}/{s['name']}" for s in deployment_specs())


def build_deployments(
    outlets: Path, warehouse: Path, cron: str | None = None, timezone: str | None = None
) -> list:
    """The deployments of deploy/prefect.yaml, to serve from this process: the paths become their default
    parameters, and cron / timezone (when given) replace the cron schedule's."""
    paths = {"outlets": str(outlets.resolve()), "warehouse": str(warehouse.resolve())}
    built = []
    for spec in deployment_specs():
        schedules = [
            Cron(cron or s["cron"], timezone=timezone or s.get("timezone") or "UTC")
            for s in spec.get("schedules") or []
        ]
        built.append(
            FLOWS[spec["entrypoint"]].to_deployment(
                name=spec["name"],
                schedules=schedules or None,
                parameters={**(spec.get("parameters") or {}), **paths},
                tags=spec.get("tags") or [],
                description=spec.get("description"),
            )
        )
    return built


def release_worker_deployments(names: tuple[str, ...] | None = None) -> list[str]:
    """Delete deployments of these names that `prefect deploy` made for a work pool; returns their names.

    A served deployment updated in place keeps the work pool and storage fields of a worker deployment, and
    its runs then crash looking for flow code in storage; serving the same names means taking them over.
    """
    released = []
    with get_client(sync_client=True) as client:
        for name in names or deployment_names():
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
