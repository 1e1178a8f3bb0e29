"""copydesk's own log records in the Prefect flow run's logs (the UI's Logs tab), the terminal unchanged.

copydesk logs through stdlib loggers under the `copydesk` namespace, which Prefect does not ship. While a
flow runs, `shipped_to_prefect(flow_run_id)` gives that namespace a Prefect API handler at INFO and keeps the
terminal as it was: the namespace stops propagating, and a small handler passes on to the root logger's
handlers exactly the records they received before (those at or above the level the namespace had), unless
a handler of the namespace owns the terminal already (the CLI's progress display, which shows copydesk's INFO
lines itself). So an operator sees every INFO line of a run in the UI, and a terminal user sees no line twice.

Records made in threads without a Prefect run context (the event loop of discovery, the loader) belong to
the innermost flow run that installed the handler, so they are shipped too.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect.context import FlowRunContext, TaskRunContext
from prefect.logging.handlers import APILogHandler

NAMESPACE = "copydesk"
SHIPPED_LEVEL = logging.INFO

_lock = threading.Lock()
_runs: list[str] = []
_saved: dict[str, Any] = {}


class _RunLogHandler(APILogHandler):
    """The API handler, with the flow run of the innermost shipped run for records made outside any run."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "flow_run_id", None) is None and not (
            FlowRunContext.get() or TaskRunContext.get()
        ):
            with _lock:
                current = _runs[-1] if _runs else None
            if current is None:
                return
            record.flow_run_id = current
        super().emit(record)


class _ToRootHandlers(logging.Handler):
    """What propagation did before: the record to the root logger's handlers, from the old level on."""

    def __init__(self, threshold: int) -> None:
        super().__init__(level=threshold)

    def emit(self, record: logging.LogRecord) -> None:
        for handler in logging.getLogger().handlers:
            if record.levelno >= handler.level:
                handler.handle(record)


@contextmanager
def shipped_to_prefect(flow_run_id: str | None) -> Iterator[None]:
    """Ship the `copydesk` loggers' records (INFO and up) to this flow run's logs while the block runs."""
    if flow_run_id is None:  # not a Prefect run: nothing to ship to
        yield
        return
    logger = logging.getLogger(NAMESPACE)
    with _lock:
        if not _runs:
            _saved.update(
                level=logger.level, propagate=logger.propagate, threshold=logger.getEffectiveLevel()
            )
            _saved["handlers"] = [_RunLogHandler(level=SHIPPED_LEVEL)]
            if logger.propagate:
                # the terminal was served by propagation: keep serving it as before. When propagation is off
                # already, a handler of the namespace owns the terminal (the CLI's progress display)
                _saved["handlers"].append(_ToRootHandlers(_saved["threshold"]))
            for handler in _saved["handlers"]:
                logger.addHandler(handler)
            logger.propagate = False
            logger.setLevel(min(SHIPPED_LEVEL, _saved["threshold"]))
        _runs.append(flow_run_id)
    try:
        yield
    finally:
        with _lock:
            _runs.remove(flow_run_id)
            if not _runs:
                for handler in _saved.pop("handlers"):
                    logger.removeHandler(handler)
                logger.setLevel(_saved.pop("level"))
                logger.propagate = _saved.pop("propagate")
                _saved.clear()
