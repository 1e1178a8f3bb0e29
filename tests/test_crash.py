"""Crash safety and concurrent runs, with real processes: kill -9 an ingest mid-fetch, mid-write and mid-load,
then rerun and count rows; run two ingests on one warehouse at once.

Each ingest is a `copydesk ingest` process in its own session, talking to one real Prefect server, and is
killed with its whole process group (its extraction workers too).
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from bench.synweb import generate_web, render_outlets
from copydesk.loopback import SiteServer, serve_sites

COPYDESK = str(Path(sys.executable).with_name("copydesk"))
pytestmark = pytest.mark.server


@dataclass
class Web:
    server: SiteServer
    outlets: Path
    articles: int


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    root = tmp_path_factory.mktemp("crashweb")
    truth = generate_web(root, n_stories=60, runs=1, seed=11)
    with serve_sites(truth.sites) as server:
        yield Web(server, render_outlets(root, server.base_url), truth.articles)


def _start(web: Web, warehouse: Path, api: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PREFECT_API_URL": api,
        "COPYDESK_BATCH_SIZE": "24",
        "COPYDESK_EXTRACT_WORKERS": "2",
    }
    with open(log, "ab") as out:
        return subprocess.Popen(
            [COPYDESK, "ingest", "--outlets", str(web.outlets), "--warehouse", str(warehouse)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill_when(proc: subprocess.Popen, condition: Callable[[], bool], timeout_s: float = 120) -> bool:
    """SIGKILL the process group as soon as condition() holds; False if the run ended first."""
    deadline = time.monotonic() + timeout_s
    while proc.poll() is None and time.monotonic() < deadline:
        if condition():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.wait(timeout=30)
    return False


def _article_files(warehouse: Path) -> int:
    return len(list((warehouse / "lake" / "articles").glob("run=*/*.parquet")))


def _loading(warehouse: Path) -> bool:
    lock = warehouse / "state" / "load.lock"
    try:
        return "ingest" in lock.read_text()
    except OSError:
        return False


def _counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:

        def one(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        return {
            "articles": one("SELECT count(*) FROM articles"),
            "distinct_urls": one("SELECT count(DISTINCT url) FROM articles"),
            "distinct_ids": one("SELECT count(DISTINCT article_id) FROM articles"),
            "story_members": one("SELECT count(*) FROM core.story_members"),
            "loaded_files": one("SELECT count(*) FROM core.loaded_files"),
            "distinct_loaded_files": one("SELECT count(DISTINCT path) FROM core.loaded_files"),
            "failures": one("SELECT count(*) FROM failures"),
            "distinct_failures": one("SELECT count(DISTINCT (run_id, stage, url)) FROM failures"),
            "runs": one("SELECT count(*) FROM runs"),
        }
    finally:
        con.close()


def _consistent(counts: dict[str, int]) -> None:
    assert counts["articles"] == counts["distinct_urls"] == counts["distinct_ids"] == counts["story_members"]
    assert counts["loaded_files"] == counts["distinct_loaded_files"]
    assert counts["failures"] == counts["distinct_failures"]


def test_kill_during_fetch_write_and_load_loses_and_doubles_nothing(
    web: Web, prefect_server: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "wh"
    log = tmp_path / "ingest.log"

    def article_pages() -> int:
        return sum(1 for r in list(web.server.requests) if r.endswith(".html"))

    # 1. mid-fetch: some article pages requested, nothing written yet
    before = article_pages()
    killed = [_kill_when(_start(web, warehouse, prefect_server, log), lambda: article_pages() > before + 5)]
    assert _article_files(warehouse) == 0
    # 2. mid-write: the run's first batch files are in the lake, more are being fetched and written
    files_before = _article_files(warehouse)
    killed.append(
        _kill_when(
            _start(web, warehouse, prefect_server, log), lambda: _article_files(warehouse) > files_before
        )
    )
    pending_after_write_kill = _article_files(warehouse)
    # 3. mid-load: the loader holds the lock for this run's load
    killed.append(_kill_when(_start(web, warehouse, prefect_server, log), lambda: _loading(warehouse)))
    assert killed == [True, True, True], log.read_text()[-3000:]
    assert pending_after_write_kill > 0
    if (warehouse / "warehouse.duckdb").exists():
        _consistent(_counts(warehouse))  # whatever was published before the kills is whole

    # 4. a run that is left alone recovers everything
    final = _start(web, warehouse, prefect_server, log)
    assert final.wait(timeout=300) == 0, log.read_text()[-3000:]
    counts = _counts(warehouse)
    _consistent(counts)
    assert counts["articles"] == web.articles, (
        "every article was either loaded from the lake or fetched again"
    )
    assert counts["loaded_files"] == len(list((warehouse / "lake").glob("*/run=*/*.parquet")))

    # 5. and a rerun over the same outlets adds nothing
    again = _start(web, warehouse, prefect_server, log)
    assert again.wait(timeout=300) == 0
    assert _counts(warehouse)["articles"] == web.articles


def test_two_ingests_at_once_neither_corrupt_nor_duplicate(
    web: Web, prefect_server: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "wh"
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_start(web, warehouse, prefect_server, log) for log in logs]
    codes = [p.wait(timeout=300) for p in procs]
    assert codes == [0, 0], "\n".join(log.read_text()[-2000:] for log in logs)
    counts = _counts(warehouse)
    _consistent(counts)
    assert counts["articles"] == web.articles
    assert counts["runs"] == 2
