"""One name for a run in both worlds: the Prefect flow run is named by the warehouse run_id it loads as.

A flow's `flow_run_name` is `run_name("ingest")` (a callable the engine calls when the run starts); the body
asks `warehouse_run_id()` for the same name back. A retry of a flow run keeps the flow run's name, but its
lake files must not be taken for the ones its failed attempt may already have loaded, so attempts after the
first get their own run_id (`<name>-attempt2`). `runs.prefect_flow_run_id` leads back to the flow run.
"""

import re
import threading
from collections.abc import Callable
from datetime import date
from uuid import UUID

from prefect.context import FlowRunContext

from copydesk.flows.steps import new_run_id

_PLAIN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,99}$")
_lock = threading.Lock()
_attempts: dict[UUID, int] = {}


def run_name(flow: str) -> Callable[[], str]:
    """A flow_run_name callable: a fresh warehouse run_id for this flow."""

    def name() -> str:
        return new_run_id(flow)

    name.__name__ = f"{flow.replace('-', '_')}_run_name"
    return name


def day_run_name() -> str:
    """The flow_run_name of a backfill day: a fresh run_id that names the day (`...Z-backfill-20250617`)."""
    from prefect.runtime import flow_run

    day = flow_run.parameters.get("day")
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return new_run_id(f"backfill-{day:%Y%m%d}" if isinstance(day, date) else "backfill-day")


def warehouse_run_id(flow: str) -> str:
    """The run_id of the flow run in progress (its name, per attempt), or a fresh one outside Prefect; called
    once per attempt, at the start of the flow's body."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return new_run_id(flow)
    # the engine's copy of the flow run keeps the run_count it was loaded with, so attempts are counted here:
    # a retry runs the flow's body again in the same process
    with _lock:
        attempt = _attempts[context.flow_run.id] = _attempts.get(context.flow_run.id, 0) + 1
    name = context.flow_run.name
    if not _PLAIN.match(name or ""):  # a name given by hand that cannot name files: a fresh id instead
        return new_run_id(flow)
    return name if attempt <= 1 else f"{name}-attempt{attempt}"


def prefect_flow_run_id() -> str | None:
    """The id of the Prefect flow run in progress, None outside one."""
    context = FlowRunContext.get()
    return str(context.flow_run.id) if context is not None and context.flow_run is not None else None
