"""Session-wide fixtures shared by the end-to-end tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import httpx
import pytest

if TYPE_CHECKING:
    from copydesk.loopback import SiteServer
    from tests.test_http import FaultServer

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

SITES = Path(__file__).parent / "sites"
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class ServedWeb:
    """A web of outlets served on loopback (copydesk.loopback) and its rendered outlets file."""

    server: "SiteServer"
    outlets: Path


@pytest.fixture(scope="session")
def prefect_backend() -> Iterator[None]:
    """One temporary Prefect API for every in-process flow run of the session (~18 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
    from copydesk.flows.execution import stop_workers

    stop_workers()


@pytest.fixture(scope="module")
def faults() -> Iterator["FaultServer"]:
    """The misbehaving loopback server of tests/test_http.py, for the tests that inject HTTP faults."""
    import threading

    from tests.test_http import FaultServer

    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def render_outlets(template: Path, base_url: str, target: Path) -> Path:
    """A concrete outlets file with {{BASE}} replaced by the running site server's URL."""
    target.write_text(template.read_text(encoding="utf-8").replace("{{BASE}}", base_url), encoding="utf-8")
    return target


# what must be equal when two runs over the same web load "the same warehouse"
SAME_WAREHOUSE_QUERIES = (
    "SELECT article_id, url, outlet_id, title, authors, published_at, language, text, word_count, story_id, "
    "is_original, source_credit, based_on_url, access FROM articles",
    "SELECT story_id, canonical_url, title, n_articles, original_article_id FROM stories",
    "SELECT url, outlet_id, stage, kind, http_status FROM failures",
)


def warehouse_rows(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of a query on the published warehouse, in a stable order."""
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def assert_same_warehouse(expected: Path, actual: Path) -> None:
    """Articles (texts, stories, originals), stories and failures of two warehouses: equal, not empty."""
    for sql in SAME_WAREHOUSE_QUERIES:
        want = warehouse_rows(expected, sql)
        assert want, sql
        assert warehouse_rows(actual, sql) == want, sql


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(cmd: list[str], env: dict[str, str], log: Path, cwd: Path = REPO) -> Iterator[subprocess.Popen]:
    """A process in its own session for the block, stopped by its id with SIGTERM (as a service manager)."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield proc
        finally:
            stop(proc)


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def prefect_env(api: str, home: Path, **extra: str) -> dict[str, str]:
    """Environment of a process talking to the test server, with its own PREFECT_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "COPYDESK_"))}
    home.mkdir(parents=True, exist_ok=True)
    return {
        **env,
        "PREFECT_API_URL": api,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # the serving process and the worker look for due runs every second instead of every 10-15 s
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        **extra,
    }


@contextmanager
def prefect_server_process(home: Path) -> Iterator[str]:
    """A `prefect server start` of our own on a free loopback port, UI included: yields its API URL."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = prefect_env(api, home, PREFECT_UI_API_URL=api)
    del env["PREFECT_API_URL"]
    cmd = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, env, home / "server.log") as proc:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            alive = proc.poll() is None and time.monotonic() < deadline
            assert alive, (home / "server.log").read_text()[-2000:]
            time.sleep(0.3)
        yield api


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `prefect server start` (SQLite, own PREFECT_HOME) on a free loopback port: its API URL."""
    with prefect_server_process(tmp_path_factory.mktemp("prefect-home")) as api:
        yield api


@pytest.fixture(scope="session")
def demo_workdir(prefect_server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory where the real `copydesk demo` ran, as `make demo` runs it: its warehouse in data/demo."""
    work = tmp_path_factory.mktemp("newcomer")
    env = prefect_env(prefect_server, work / ".prefect-home")
    done = subprocess.run(
        [str(BIN / "copydesk"), "demo"], cwd=work, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (work / "data" / "demo" / "warehouse.duckdb").is_file()
    return work
