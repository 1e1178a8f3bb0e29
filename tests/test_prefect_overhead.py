"""flows/prefect_overhead.py: heartbeats still reach the API and their thread ends with the run; parameters
are recorded as Prefect's own encoder records them, without importing it."""

import subprocess
import sys
import threading
import time
from datetime import date, datetime

import prefect.flow_engine
import pytest
from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext

from copydesk.flows.prefect_overhead import LeanFlow, flow, install_prompt_heartbeats


@flow(name="copydesk-short-flow")
def _short_flow(day: date, names: list[str] | None = None, limit: int = 0) -> str:
    run = FlowRunContext.get()
    assert run is not None and run.flow_run is not None
    return str(run.flow_run.id)


def _heartbeats_of(run_id: str, wait_s: float = 30.0) -> list[dict]:
    """The heartbeat events the API recorded for a flow run (it persists events a few seconds late)."""
    query = {
        "filter": {
            "event": {"name": ["prefect.flow-run.heartbeat"]},
            "resource": {"id": [f"prefect.flow-run.{run_id}"]},
        }
    }
    deadline = time.monotonic() + wait_s
    with get_client(sync_client=True) as client:
        while True:
            answer = client._client.post("/events/filter", json=query)
            answer.raise_for_status()
            events = answer.json()["events"]
            if events or time.monotonic() > deadline:
                return events
            time.sleep(0.5)


def test_the_flow_modules_build_lean_flows_with_prompt_heartbeats() -> None:
    from copydesk.flows.backfill import backfill, backfill_day
    from copydesk.flows.ingest import ingest

    assert all(isinstance(f, LeanFlow) for f in (ingest, backfill, backfill_day))
    installed = prefect.flow_engine._send_heartbeats
    assert installed.__module__ == "copydesk.flows.prefect_overhead"
    assert install_prompt_heartbeats() is True
    assert prefect.flow_engine._send_heartbeats is installed


@pytest.mark.parametrize(
    "parameters",
    [
        {"outlets": "deploy/outlets.yaml", "warehouse": None, "outlet_ids": ["a", "b"], "max_links": 0},
        {"start": date(2026, 5, 1), "end": datetime(2026, 5, 3, 12, 30), "outlet_ids": ("x",), "f": 0.5},
        {"nested": {"k": [1, True, None, date(2026, 1, 2)]}},
        {"odd": {1: "non-string key"}, "path": __import__("pathlib").Path("/tmp/x")},
    ],
)
def test_parameters_are_recorded_as_prefects_encoder_records_them(parameters: dict) -> None:
    lean = LeanFlow(fn=_short_flow.fn, name="lean")
    plain = Flow(fn=_short_flow.fn, name="plain")
    assert lean.serialize_parameters(parameters) == plain.serialize_parameters(parameters)


def test_recording_plain_parameters_imports_no_fastapi() -> None:
    code = (
        "import sys; from datetime import date\n"
        "from copydesk.flows.backfill import backfill\n"
        "days = {'start': date(2026, 1, 1), 'end': date(2026, 1, 2), 'outlet_ids': ['a']}\n"
        "backfill.serialize_parameters(days)\n"
        "print('fastapi' in sys.modules)\n"
    )
    command = [sys.executable, "-c", code]
    answer = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert answer.stdout.strip() == "False"


@pytest.mark.usefixtures("prefect_backend")
def test_a_run_still_sends_its_heartbeat_and_leaves_no_heartbeat_thread() -> None:
    run_id = _short_flow(date(2026, 1, 1), ["a"])
    # the thread has ended when the flow call returns, not a nap later
    assert not [t for t in threading.enumerate() if t.name == "copydesk-heartbeat"]
    events = _heartbeats_of(run_id)
    assert len(events) == 1
    assert events[0]["resource"]["prefect.resource.id"] == f"prefect.flow-run.{run_id}"
    with get_client(sync_client=True) as client:
        recorded = client.read_flow_run(run_id).parameters
    assert recorded == {"day": "2026-01-01", "names": ["a"], "limit": 0}
