"""Flow-run heartbeats (flows/heartbeats.py): still sent to the API, and their thread ends with the run."""

import threading
import time

import prefect.flow_engine
import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext

from copydesk.flows.heartbeats import install_prompt_heartbeats


@flow
def _short_flow() -> str:
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


def test_the_flow_modules_install_it_once() -> None:
    import copydesk.flows.backfill  # noqa: F401 - importing the flows installs it

    installed = prefect.flow_engine._send_heartbeats
    assert installed.__module__ == "copydesk.flows.heartbeats"
    assert install_prompt_heartbeats() is True
    assert prefect.flow_engine._send_heartbeats is installed


@pytest.mark.usefixtures("prefect_backend")
def test_a_run_still_sends_its_heartbeat_and_leaves_no_heartbeat_thread() -> None:
    assert install_prompt_heartbeats() is True
    run_id = _short_flow()
    # the thread has ended when the flow call returns, not a nap later
    assert not [t for t in threading.enumerate() if t.name == "copydesk-heartbeat"]
    events = _heartbeats_of(run_id)
    assert len(events) == 1
    assert events[0]["resource"]["prefect.resource.id"] == f"prefect.flow-run.{run_id}"
