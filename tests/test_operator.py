"""What an operator sees of runs in Prefect, read from a real `prefect server`'s API.

`copydesk ingest` and `copydesk backfill` run as processes against the session's server and the fixture web;
the test then reads what the UI shows: the flow run's logs (copydesk's own lines), its artifacts, the
backfill days' parameters, and the flow run that the warehouse's `runs` row names.
"""

import json
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from copydesk.loopback import serve_sites
from copydesk.warehouse.store import load_lock
from tests.conftest import BIN, REPO, SITES, ServedWeb, prefect_env, render_outlets
from tests.test_deploy import Api, expected_urls

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedWeb]:
    with serve_sites(SITES) as server:
        target = tmp_path_factory.mktemp("operator-web") / "outlets.yaml"
        yield ServedWeb(server, render_outlets(SITES / "outlets.yaml", server.base_url, target))


def copydesk(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(BIN / "copydesk"), *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def run_logs(api: Api, flow_run_id: str) -> list[dict]:
    """Every log record of the flow run and its task runs, oldest first."""
    records: list[dict] = []
    while True:
        body = {
            "logs": {"flow_run_id": {"any_": [flow_run_id]}},
            "sort": "TIMESTAMP_ASC",
            "limit": 200,
            "offset": len(records),
        }
        page = api.post("/logs/filter", body)
        records += page
        if len(page) < 200:
            return records


def wait_logs(api: Api, flow_run_id: str, needle: str, timeout: float = 30) -> list[dict]:
    """The run's records once one contains needle (the server writes shipped logs in batches)."""
    deadline = time.monotonic() + timeout
    while True:
        records = run_logs(api, flow_run_id)
        if any(needle in r["message"] for r in records):
            return records
        assert time.monotonic() < deadline, f"no log line with {needle!r}: {[r['message'] for r in records]}"
        time.sleep(1)


def artifacts(api: Api, flow_run_id: str) -> dict[str, dict]:
    found = api.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
    return {a["key"]: a for a in found}


def table(artifact: dict) -> list[dict]:
    data = artifact["data"]
    return json.loads(data) if isinstance(data, str) else data


def test_ingest_ships_copydesk_lines_and_per_outlet_artifacts_to_its_flow_run(
    web: ServedWeb, prefect_server: str, tmp_path: Path
) -> None:
    api = Api(prefect_server)
    warehouse = tmp_path / "warehouse"
    env = prefect_env(prefect_server, tmp_path / "home")
    args = ["ingest", "--outlets", str(web.outlets), "--warehouse", str(warehouse)]
    first = copydesk(args, env)

    # the warehouse's run names its Prefect flow run, and the flow run is named by the run_id
    [(run_id, flow_run_id)] = query(warehouse, "select run_id, prefect_flow_run_id from runs")
    flow_run = api.get(f"/flow_runs/{flow_run_id}")
    assert flow_run["name"] == run_id and flow_run["state_type"] == "COMPLETED"

    outlets = [
        o
        for (o,) in query(
            warehouse, "select distinct outlet_id from outlet_health where run_id = ?", [run_id]
        )
    ]
    assert len(outlets) == 6
    records = wait_logs(api, flow_run_id, f"outlet {outlets[-1]}:")
    lines = [r["message"] for r in records if r["name"].startswith("copydesk")]
    for outlet in outlets:
        [line] = [m for m in lines if m.startswith(f"outlet {outlet}: ")]
        assert "links discovered" in line and " new, " in line and "failures:" in line
        assert "host back-offs" in line and "robots refusals" in line
    # the terminal shows copydesk's INFO lines too (the CLI's progress display), each once
    terminal = first.stdout + first.stderr
    for outlet in outlets:
        assert terminal.count(f"outlet {outlet}: ") == 1, terminal[-3000:]

    keys = artifacts(api, flow_run_id)
    assert {"ingest-outlets", "ingest-summary", "ingest-outlet-health"} <= set(keys)
    rows = table(keys["ingest-outlets"])
    assert {tuple(r) for r in rows} == {("outlet", "discovered", "new", "copies", "failed")}
    assert sum(r["new"] for r in rows) == query(warehouse, "select count(*) from articles")[0][0]
    assert sum(r["copies"] for r in rows) > 0

    # a second run: its feeds are unchanged (conditional GET), and its load waits for a lock the test holds
    lake_runs = warehouse / "lake" / "runs"
    before = set(lake_runs.iterdir())
    released = threading.Event()

    def hold_lock() -> None:
        with load_lock(warehouse, 600, "operator-test-holder"):
            deadline = time.monotonic() + 120
            while set(lake_runs.iterdir()) == before and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)
        released.set()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    second = copydesk(args, env)
    holder.join()
    assert released.is_set()
    [(run_id2, flow_run_id2)] = query(
        warehouse, "select run_id, prefect_flow_run_id from runs where run_id <> ?", [run_id]
    )
    records = wait_logs(api, flow_run_id2, "feeds/sitemaps unchanged")
    messages = [r["message"] for r in records]
    waits = [m for m in messages if "waiting for the warehouse load lock held by" in m]
    assert len(waits) == 1 and "operator-test-holder" in waits[0]
    unchanged = [m for m in messages if "feeds/sitemaps unchanged" in m]
    assert {m.split(":")[0] for m in unchanged} >= {"outlet harbor", "outlet metro"}
    # a WARNING reaches the terminal too, once: no line doubled by the shipping
    assert (second.stdout + second.stderr).count("waiting for the warehouse load lock held by") == 1
    assert api.get(f"/flow_runs/{flow_run_id2}")["name"] == run_id2


def test_backfill_days_carry_only_their_day_and_window_and_empty_days_cost_nothing(
    web: ServedWeb, prefect_server: str, tmp_path: Path
) -> None:
    api = Api(prefect_server)
    warehouse = tmp_path / "warehouse"
    env = prefect_env(prefect_server, tmp_path / "home")
    start, end = date(2025, 6, 9), date(2025, 6, 18)
    copydesk(
        [
            "backfill",
            "--start",
            start.isoformat(),
            "--end",
            end.isoformat(),
            "--outlets",
            str(web.outlets),
            "--warehouse",
            str(warehouse),
        ],
        env,
    )
    expected = expected_urls(web.server.base_url, start, end)
    assert {u for (u,) in query(warehouse, "select url from articles")} == expected

    day_runs = [
        r
        for r in api.post("/flow_runs/filter", {"flows": {"name": {"any_": ["backfill-day"]}}})
        if r["parameters"].get("warehouse") == str(warehouse)
    ]
    assert day_runs
    sizes = []
    for run in day_runs:
        assert set(run["parameters"]) == {"day", "window_id", "warehouse"}, run["parameters"]
        sizes.append(len(json.dumps(run["parameters"])))
        assert run["state_type"] == "COMPLETED"
    print(f"backfill-day parameter bytes: max {max(sizes)} over {len(sizes)} day runs")
    assert max(sizes) < 120 + len(str(warehouse))

    # a day without links costs no subflow run, no lake file and no load (no runs row)
    rows = query(
        warehouse, "select run_id, prefect_flow_run_id, window_start from runs where flow = 'backfill'"
    )
    assert len(rows) == len(day_runs) < (end - start).days + 1
    assert {fr for _, fr, _ in rows} == {r["id"] for r in day_runs}
    assert {r["name"] for r in day_runs} == {run_id for run_id, _, _ in rows}
    lake_run_files = list((warehouse / "lake" / "runs").glob("run=*/run.parquet"))
    assert len(lake_run_files) == len(day_runs)
    days_with_articles = {
        d
        for (d,) in query(
            warehouse, "select distinct cast(published_at at time zone 'UTC' as date) from articles"
        )
    }
    assert {ws.date() for _, _, ws in rows} >= days_with_articles
    assert not any((warehouse / "state" / "backfill").iterdir())

    # the parent run: the window summary, a line per day
    parent_id = day_runs[0]["parent_task_run_id"]
    parent_task = api.get(f"/task_runs/{parent_id}")
    parent = api.get(f"/flow_runs/{parent_task['flow_run_id']}")
    summary = artifacts(api, parent["id"])["backfill-window"]["data"]
    assert f"### backfill {start}..{end}" in summary
    assert f"- days: {(end - start).days + 1}, with links: {len(day_runs)}" in summary
    assert (
        f"- days without links (no subflow run, no load): {(end - start).days + 1 - len(day_runs)}" in summary
    )
    assert sorted(r["name"] for r in day_runs) == sorted(re.findall(r"\| (\S+Z-backfill-\d{8}) \|", summary))
    day_keys = artifacts(api, day_runs[0]["id"])
    assert {"backfill-day-outlets", "backfill-day-summary"} <= set(day_keys)
    assert {tuple(r) for r in table(day_keys["backfill-day-outlets"])} == {
        ("outlet", "discovered", "new", "copies", "failed")
    }


def test_a_failed_ingest_is_retried_under_a_run_id_of_its_own_and_loads_once(
    web: ServedWeb, prefect_server: str, tmp_path: Path
) -> None:
    api = Api(prefect_server)
    warehouse = tmp_path / "warehouse"
    # the first attempt gives up on the load lock (held by the test) after a second; the retry finds it free
    env = prefect_env(prefect_server, tmp_path / "home", COPYDESK_LOAD_LOCK_TIMEOUT_S="1")
    args = ["ingest", "--outlets", str(web.outlets), "--warehouse", str(warehouse)]
    copydesk([*args, "--outlet", "metro"], env)  # a published warehouse: readers need no lock
    lake_runs = warehouse / "lake" / "runs"
    before = set(lake_runs.iterdir())

    def hold_lock() -> None:
        with load_lock(warehouse, 600, "operator-test-holder"):
            deadline = time.monotonic() + 120
            while set(lake_runs.iterdir()) == before and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(3)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    copydesk([*args, "--outlet", "harbor"], env)
    holder.join()

    rows = query(
        warehouse,
        "select run_id, prefect_flow_run_id from runs where outlet_ids = ['harbor'] order by run_id",
    )
    assert len(rows) == 2
    (first, flow_run_id), (second, same_flow_run) = rows
    assert second == f"{first}-attempt2" and same_flow_run == flow_run_id
    run = api.get(f"/flow_runs/{flow_run_id}")
    assert run["name"] == first and run["run_count"] == 2 and run["state_type"] == "COMPLETED"
    urls = [u for (u,) in query(warehouse, "select url from articles")]
    assert urls and len(urls) == len(set(urls))
