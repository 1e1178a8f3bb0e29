"""Two costs Prefect 3.9.1 (pinned) adds to every flow run, and how copydesk's flows avoid them.

- Heartbeats: Prefect sends a flow run's heartbeats from a thread that sleeps in one-second steps and joins
  that thread when the run ends, so every flow run, each backfill day's subflow too, ends up to a second late
  while the thread finishes its nap. `install_prompt_heartbeats` sends the same heartbeats from a thread that
  waits on the stop signal itself; where Prefect's engine lacks a part this relies on (another Prefect),
  Prefect's own heartbeats stay and only the second comes back.
- Parameters: to record a run's parameters Prefect imports FastAPI for its JSON encoder, a third of a second
  of every command's start, though copydesk's flows take strings, numbers, dates and lists of them. `flow`
  builds a `LeanFlow`, which encodes those the way that encoder does and hands anything else to it.
"""

import contextvars
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import prefect.flow_engine as flow_engine
from prefect import Flow

_ENGINE_PARTS = ("heartbeat_seconds", "_build_heartbeat_event_template", "_emit_flow_run_heartbeat")

logger = logging.getLogger(__name__)


def _run_is_over(engine: Any) -> bool:
    run = getattr(engine, "flow_run", None)
    return bool(run is not None and run.state is not None and run.state.is_final())


@contextmanager
def _heartbeats_until_stopped(engine: Any, join_on_exit: bool = True) -> Iterator[None]:
    """Prefect's heartbeat context (same signature, same events), whose thread wakes when the run ends."""
    seconds = engine.heartbeat_seconds
    if seconds is None:
        yield
        return
    seconds = max(seconds, flow_engine.MINIMUM_HEARTBEAT_INTERVAL)
    resource, related = engine._build_heartbeat_event_template()
    stop = threading.Event()

    def beat() -> None:
        while not _run_is_over(engine):
            try:
                engine._emit_flow_run_heartbeat(resource, related)
            except Exception:  # noqa: BLE001 - a missed heartbeat must not touch the run; Prefect logs it alike
                logger.debug("flow run heartbeat not sent", exc_info=True)
            if stop.wait(seconds):
                return

    # the caller's context: the thread must see the run's settings (its API URL), as Prefect's does
    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(beat,), daemon=True, name="copydesk-heartbeat"
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        if join_on_exit:
            thread.join(timeout=2)


def install_prompt_heartbeats() -> bool:
    """Replace Prefect's heartbeat context by one that ends with the run; whether it is installed."""
    current = flow_engine._send_heartbeats
    if current is _heartbeats_until_stopped:
        return True
    engine_class = flow_engine.BaseFlowRunEngine
    if not all(hasattr(engine_class, part) for part in _ENGINE_PARTS):
        return False
    flow_engine._send_heartbeats = _heartbeats_until_stopped
    return True


class _NotPlain(Exception):
    """A parameter value that is not made of JSON values and dates."""


def _plain(value: Any) -> Any:
    """The value as FastAPI's encoder gives it (dates in ISO format, tuples as lists), or _NotPlain."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _plain(item) for key, item in value.items()}
    raise _NotPlain


class LeanFlow(Flow):
    """A Prefect flow whose plain parameters are recorded without importing FastAPI's encoder."""

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        try:
            return {key: _plain(value) for key, value in parameters.items()}
        except _NotPlain:
            return super().serialize_parameters(parameters)


def flow(**options: Any) -> Callable[[Callable[..., Any]], LeanFlow]:
    """`prefect.flow(...)` for copydesk's flows: the same options, a LeanFlow, and prompt heartbeats installed
    before any of them runs."""
    install_prompt_heartbeats()

    def build(fn: Callable[..., Any]) -> LeanFlow:
        return LeanFlow(fn=fn, **options)

    return build
