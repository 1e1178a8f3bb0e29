"""Scale-out: ingest on a local Dask cluster (2 worker processes) loads the warehouse the default runner does.

COPYDESK_TASK_RUNNER=dask selects prefect-dask's DaskTaskRunner (COPYDESK_DASK_ADDRESS: an existing
scheduler); each fetch-extract batch then runs on a Dask worker, which extracts in its own process.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from copydesk.loopback import serve_sites
from tests.conftest import SITES, assert_same_warehouse, render_outlets

REPO = Path(__file__).resolve().parent.parent
# the flow's runner is chosen when a run starts (the environment of the process running it), not at import
SHOW_RUNNER = (
    "type(ingest.task_runner).__name__, type(task_runner_for(get_settings())).__name__, "
    "task_runner_for(get_settings()).address"
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A LocalCluster of two worker processes on 127.0.0.1; yields the scheduler address."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_the_setting_selects_the_dask_task_runner() -> None:
    env = {**os.environ, "COPYDESK_TASK_RUNNER": "dask", "COPYDESK_DASK_ADDRESS": "tcp://127.0.0.1:8786"}
    out = subprocess.run(
        [sys.executable, "-c", "from copydesk.flows.ingest import ingest, task_runner_for; "
         f"from copydesk.tasks.settings import get_settings; print({SHOW_RUNNER})"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    assert out.split() == ["SettingsTaskRunner", "DaskTaskRunner", "tcp://127.0.0.1:8786"]


# a python in which prefect-dask cannot be imported (as without the extra), then the `copydesk` command
WITHOUT_PREFECT_DASK = (
    "import sys; sys.modules['prefect_dask'] = None; "
    "from copydesk.flows.cli import main; sys.argv[0] = 'copydesk'; main()"
)


def test_the_dask_setting_without_the_extra_exits_2_naming_it(tmp_path: Path) -> None:
    outlets = render_outlets(SITES / "outlets.yaml", "http://127.0.0.1:9", tmp_path / "outlets.yaml")
    env = {**os.environ, "COPYDESK_TASK_RUNNER": "dask"}
    env.pop("COPYDESK_DASK_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PREFECT_DASK, "ingest", "--outlets", str(outlets),
         "--warehouse", str(tmp_path / "wh")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "COPYDESK_TASK_RUNNER=dask" in done.stderr
    assert "pip install 'copydesk[dask]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "wh").exists()


def test_ingest_on_dask_loads_the_same_warehouse(
    prefect_backend: None, cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Client, get_task_stream

    from copydesk.flows.ingest import ingest

    # small batches, so the fixture web makes enough tasks for both workers (both runs alike)
    monkeypatch.setenv("COPYDESK_BATCH_SIZE", "6")
    with serve_sites(SITES) as server:
        outlets = render_outlets(SITES / "outlets.yaml", server.base_url, tmp_path / "outlets.yaml")
        ingest(outlets=str(outlets), warehouse=str(tmp_path / "threads"))

        monkeypatch.setenv("COPYDESK_TASK_RUNNER", "dask")
        monkeypatch.setenv("COPYDESK_DASK_ADDRESS", cluster)
        # the same flow object: the setting is read when the run starts
        with Client(cluster) as client, get_task_stream(client) as stream:
            report = ingest(outlets=str(outlets), warehouse=str(tmp_path / "dask"))
        ran_on = {task["worker"] for task in stream.data}

    assert report.articles_new > 0
    assert len(ran_on) == 2, f"batches ran on {ran_on}, not on both Dask workers"
    assert_same_warehouse(tmp_path / "threads", tmp_path / "dask")
