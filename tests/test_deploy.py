"""Deployments on a real `prefect server` process: `copydesk serve`, and deploy/prefect.yaml with a worker.

Backfills are triggered the way the UI and the CLI do it (POST /deployments/{id}/create_flow_run, `prefect
deployment run`), run by the serving process or a `process` worker against the fixture web, and the
published warehouse must then hold exactly the window's articles, each once.
"""

import re
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import httpx
import pytest
import yaml

from copydesk.loopback import serve_sites
from tests.conftest import BIN, REPO, SITES, ServedWeb, prefect_env, render_outlets, running

pytestmark = pytest.mark.server

TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
INGEST = "ingest/ingest-every-30-min"
BACKFILL = "backfill/backfill"


class Api:
    """The Prefect REST API as the UI uses it; a busy SQLite-backed server answers 503, so calls retry."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.client = httpx.Client(timeout=30)

    def call(self, method: str, path: str, json: object = None) -> httpx.Response:
        for _ in range(30):
            try:
                response = self.client.request(method, f"{self.url}{path}", json=json)
            except httpx.TransportError:
                time.sleep(0.5)
                continue
            if response.status_code not in (502, 503):
                return response
            time.sleep(0.5)
        raise AssertionError(f"{method} {path}: the API stayed unavailable")

    def get(self, path: str) -> dict:
        response = self.call("GET", path)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, json: object) -> object:
        response = self.call("POST", path, json)
        response.raise_for_status()
        return response.json() if response.content else None

    def deployment(self, name: str) -> dict | None:
        response = self.call("GET", f"/deployments/name/{name}")
        return None if response.status_code == 404 else response.raise_for_status().json()

    def wait_deployment(self, name: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while (found := self.deployment(name)) is None or found.get("status") != "READY":
            assert proc.poll() is None, f"the serving process died:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"{name} not ready:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        return found

    def run_backfill(self, deployment_id: str, start: str, end: str) -> str:
        """Create a run as the UI's Custom run form does: the deployment's defaults plus the dates."""
        body = {"parameters": {"start": start, "end": end}, "state": {"type": "SCHEDULED"}}
        return self.post(f"/deployments/{deployment_id}/create_flow_run", body)["id"]

    def wait_run(self, run_id: str, log: Path, timeout: float = 240) -> dict:
        deadline = time.monotonic() + timeout
        while (run := self.get(f"/flow_runs/{run_id}"))["state_type"] not in TERMINAL:
            assert time.monotonic() < deadline, f"{run_id} is {run['state_type']}:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        return run

    def scheduled_runs(self, deployment_id: str, wait_s: float = 0) -> list[dict]:
        """The deployment's runs in state Scheduled, soonest first; waits up to wait_s for the scheduler."""
        body = {
            "deployments": {"id": {"any_": [deployment_id]}},
            "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            "sort": "EXPECTED_START_TIME_ASC",
        }
        deadline = time.monotonic() + wait_s
        while not (runs := self.post("/flow_runs/filter", body)) and time.monotonic() < deadline:
            time.sleep(1)
        return runs

    def delete_deployments(self, *names: str) -> None:
        for name in names:
            if (found := self.deployment(name)) is not None:
                self.call("DELETE", f"/deployments/{found['id']}")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedWeb]:
    with serve_sites(SITES) as server:
        target = tmp_path_factory.mktemp("deploy-web") / "outlets.yaml"
        yield ServedWeb(server, render_outlets(SITES / "outlets.yaml", server.base_url, target))


def expected_urls(base_url: str, start: date, end: date) -> set[str]:
    """Fixture articles whose stated publication time falls on the UTC days start..end."""
    truth = yaml.safe_load((SITES / "expected.yaml").read_text(encoding="utf-8"))
    return {
        f"{base_url}/{path}"
        for outlet in truth["outlets"].values()
        for path, article in outlet["articles"].items()
        if start <= datetime.fromisoformat(article["published_at"]).astimezone(UTC).date() <= end
    }


def articles(warehouse: Path) -> list[tuple[str, datetime]]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("select url, published_at from articles").fetchall()
    finally:
        con.close()


def backfill_runs(warehouse: Path) -> list[tuple[str, datetime]]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("select flow, window_start from runs order by run_id").fetchall()
    finally:
        con.close()


def assert_window(warehouse: Path, base_url: str, start: date, end: date) -> None:
    rows = articles(warehouse)
    urls = [url for url, _ in rows]
    assert len(urls) == len(set(urls)), "an article was loaded twice"
    assert set(urls) == expected_urls(base_url, start, end)
    assert all(start <= published.astimezone(UTC).date() <= end for _, published in rows)


def test_serve_schedules_ingest_and_runs_ui_backfills(
    web: ServedWeb, prefect_server: str, tmp_path: Path
) -> None:
    api = Api(prefect_server)
    api.delete_deployments(INGEST, BACKFILL)
    warehouse = tmp_path / "warehouse"
    log = tmp_path / "serve.log"
    # a daily time twelve hours away: the schedule makes runs, and none comes due while the test runs
    tokyo = datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(hours=12)
    cron = f"{tokyo.minute} {tokyo.hour} * * *"
    cmd = [
        str(BIN / "copydesk"),
        "serve",
        "--outlets",
        str(web.outlets),
        "--warehouse",
        str(warehouse),
        "--cron",
        cron,
        "--timezone",
        "Asia/Tokyo",
    ]
    with running(cmd, prefect_env(prefect_server, tmp_path / "home"), log) as serve:
        ingest = api.wait_deployment(INGEST, serve, log)
        backfill = api.wait_deployment(BACKFILL, serve, log)

        assert [s["schedule"]["cron"] for s in ingest["schedules"]] == [cron]
        assert ingest["schedules"][0]["schedule"]["timezone"] == "Asia/Tokyo"
        assert ingest["schedules"][0]["active"] and not ingest["paused"]
        # the server's scheduler service picks up a new deployment within seconds
        scheduled = api.scheduled_runs(ingest["id"], wait_s=90)
        assert scheduled, "the cron schedule created no scheduled runs"
        for run in scheduled:
            due = datetime.fromisoformat(run["expected_start_time"]).astimezone(ZoneInfo("Asia/Tokyo"))
            assert (due.hour, due.minute) == (tokyo.hour, tokyo.minute)
            assert due > datetime.now(UTC)
        assert backfill["schedules"] == []
        # served from deploy/prefect.yaml's definitions: the same descriptions and tags
        spec = yaml.safe_load((REPO / "deploy" / "prefect.yaml").read_text(encoding="utf-8"))
        for served, defined in zip((ingest, backfill), spec["deployments"], strict=True):
            assert (served["description"], served["tags"]) == (defined["description"], defined["tags"])
        schema = backfill["parameter_openapi_schema"]
        assert schema["properties"]["start"]["format"] == "date"
        assert schema["properties"]["end"]["format"] == "date"
        assert set(schema["required"]) == {"start", "end"}
        assert "First day of the window" in schema["properties"]["start"]["description"]

        # two runs of one window at once (their loads queue on the lock), and a window ending before it starts
        day = "2025-06-17"
        pair = [api.run_backfill(backfill["id"], day, day) for _ in range(2)]
        bad = api.run_backfill(backfill["id"], "2025-06-18", "2025-06-16")
        for run_id in pair:
            run = api.wait_run(run_id, log)
            assert run["state_type"] == "COMPLETED", run["state"]
        failed = api.wait_run(bad, log)
        assert failed["state_type"] == "FAILED"
        assert "before start" in failed["state"]["message"]
        assert_window(warehouse, web.server.base_url, date(2025, 6, 17), date(2025, 6, 17))

        # one subflow run per day, named by the warehouse run_id, which names the day
        days = [
            r
            for r in api.post("/flow_runs/filter", {"flows": {"name": {"any_": ["backfill-day"]}}})
            if r["parameters"]["warehouse"] == str(warehouse.resolve())
        ]
        assert len(days) == 2 and all(r["name"].endswith("Z-backfill-20250617") for r in days)

        # the same window again adds nothing
        before = len(articles(warehouse))
        again = api.wait_run(api.run_backfill(backfill["id"], day, day), log)
        assert again["state_type"] == "COMPLETED"
        assert len(articles(warehouse)) == before
        assert {flow for flow, _ in backfill_runs(warehouse)} == {"backfill"}
        scheduled_ids = {r["id"] for r in api.scheduled_runs(ingest["id"])}

    assert serve.returncode is not None
    # stopping serve paused nothing and kept the schedule's runs
    after = api.deployment(INGEST)
    assert after is not None and not after["paused"] and after["schedules"][0]["active"]
    assert {r["id"] for r in api.scheduled_runs(ingest["id"])} == scheduled_ids
    assert api.deployment(BACKFILL) is not None
    api.delete_deployments(INGEST, BACKFILL)


def test_prefect_yaml_deploys_to_a_process_pool_and_a_worker_runs_backfills(
    web: ServedWeb, prefect_server: str, tmp_path: Path
) -> None:
    api = Api(prefect_server)
    api.delete_deployments(INGEST, BACKFILL)
    spec = yaml.safe_load((REPO / "deploy" / "prefect.yaml").read_text(encoding="utf-8"))
    pool = spec["deployments"][0]["work_pool"]["name"]
    env = prefect_env(prefect_server, tmp_path / "home")
    prefect = str(BIN / "prefect")

    subprocess.run(
        [prefect, "work-pool", "create", pool, "--type", "process", "--overwrite"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    deployed = subprocess.run(
        [prefect, "--no-prompt", "deploy", "--prefect-file", "deploy/prefect.yaml", "--all"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    # `schedules: null`, not `[]`: Prefect warns about the latter
    assert "FutureWarning" not in deployed.stdout + deployed.stderr

    ingest, backfill = api.deployment(INGEST), api.deployment(BACKFILL)
    assert ingest is not None and backfill is not None
    assert ingest["entrypoint"] == "flows/ingest.py:ingest"
    assert backfill["entrypoint"] == "flows/backfill.py:backfill"
    assert ingest["work_pool_name"] == pool and backfill["work_pool_name"] == pool
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in ingest["schedules"]] == [
        ("*/30 * * * *", "UTC")
    ]
    assert backfill["schedules"] == []
    assert backfill["parameter_openapi_schema"]["properties"]["start"]["format"] == "date"
    assert backfill["pull_steps"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}
    ]
    assert api.scheduled_runs(ingest["id"], wait_s=90), "the cron schedule created no scheduled runs"
    # an ingest due at the next half hour would load every fixture article into the warehouse under test
    api.call("PATCH", f"/deployments/{ingest['id']}", {"paused": True}).raise_for_status()

    warehouse = tmp_path / "warehouse"
    log = tmp_path / "worker.log"
    worker_env = {**env, "COPYDESK_OUTLETS": str(web.outlets), "COPYDESK_WAREHOUSE": str(warehouse)}
    with running([prefect, "worker", "start", "--pool", pool], worker_env, log):
        # exactly as the README says, from the CLI
        started = subprocess.run(
            [prefect, "deployment", "run", BACKFILL, "-p", "start=2025-06-18", "-p", "end=2025-06-18"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert started.returncode == 0, started.stdout + started.stderr
        run_id = re.search(r"UUID: ([0-9a-f-]{36})", started.stdout).group(1)  # type: ignore[union-attr]
        run = api.wait_run(run_id, log)
        assert run["state_type"] == "COMPLETED", run["state"]
        assert run["parameters"] == {"start": "2025-06-18", "end": "2025-06-18"}
    assert_window(warehouse, web.server.base_url, date(2025, 6, 18), date(2025, 6, 18))

    # `copydesk serve` on the same server takes the two names over from the work pool
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from copydesk.flows.serve import release_worker_deployments

    with temporary_settings(updates={PREFECT_API_URL: prefect_server}):
        assert release_worker_deployments() == [INGEST, BACKFILL]
    assert api.deployment(INGEST) is None and api.deployment(BACKFILL) is None


def test_cli_backfill_of_a_week_shows_progress_and_loads_the_window(
    web: ServedWeb, prefect_server: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse"
    env = prefect_env(prefect_server, tmp_path / "home")
    cmd = [
        str(BIN / "copydesk"),
        "backfill",
        "--start",
        "2025-06-12",
        "--end",
        "2025-06-18",
        "--outlets",
        str(web.outlets),
        "--warehouse",
        str(warehouse),
    ]
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # the progress bars' last frame (on stderr: stdout holds the result only): every day done, every link of
    # the window handled
    expected = expected_urls(web.server.base_url, date(2025, 6, 12), date(2025, 6, 18))
    assert re.search(r"days \(done 2025-06-18, \d+ new articles\).*7/7", done.stderr)
    assert f"backfilled 2025-06-12..2025-06-18: {len(expected)} new articles" in done.stdout
    assert_window(warehouse, web.server.base_url, date(2025, 6, 12), date(2025, 6, 18))

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    future = subprocess.run(
        [*cmd[:2], "--start", "2025-06-12", "--end", tomorrow, *cmd[6:]],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert future.returncode == 2
    assert "reaches into the future" in future.stderr
