"""Readers and loads never lock each other out (issue 8), with real second processes holding the file."""

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from copydesk.loopback import serve_sites
from copydesk.warehouse import load, store
from tests.conftest import SITES, render_outlets

EXPECTED = yaml.safe_load((SITES / "expected.yaml").read_text(encoding="utf-8"))
LATE_OUTLET = "daily8"
DUCKDB_CLI = str(Path(sys.executable).with_name("duckdb"))

# a reader in its own process: an idle connection inside an open transaction, plus a long query, both
# started before the load; it reports what it saw before and after the load as JSON lines on stdout
READER = textwrap.dedent(
    """
    import json, sys, duckdb
    path = sys.argv[1]
    idle = duckdb.connect(path, read_only=True)
    idle.execute("BEGIN TRANSACTION")
    before = idle.execute("SELECT count(*) FROM articles").fetchone()[0]
    busy = duckdb.connect(path, read_only=True)
    # a slow query on a busy machine draws DuckDB's progress bar on stdout, which carries our answers
    busy.execute("SET enable_progress_bar = false")
    print(json.dumps({"ready": True, "before": before}), flush=True)
    sys.stdin.readline()                       # the test says: the load has started
    slow = busy.execute(
        "SELECT count(*), sum(a.word_count) FROM articles a, range(3000000) r "
        "WHERE (r.range + a.word_count) % 7 = 0"
    ).fetchone()
    sys.stdin.readline()                       # the test says: the load has finished
    during = idle.execute("SELECT count(*) FROM articles").fetchone()[0]
    idle.execute("COMMIT")
    again = idle.execute("SELECT count(*) FROM articles").fetchone()[0]
    # DuckDB shares one database instance among a process's connections to a path: close them all
    idle.close()
    busy.close()
    fresh = duckdb.connect(path, read_only=True).execute("SELECT count(*) FROM articles").fetchone()[0]
    print(json.dumps({"slow_rows": slow[0], "during": during, "again": again, "fresh": fresh}), flush=True)
    """
)


def _count(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


@pytest.mark.timeout(300)
def test_readers_in_other_processes_and_a_load_never_block_each_other(
    prefect_backend: None, tmp_path: Path
) -> None:
    from copydesk.flows.ingest import ingest

    warehouse = tmp_path / "wh"
    early = [o for o in EXPECTED["outlets"] if o != LATE_OUTLET]
    late_articles = len(EXPECTED["outlets"][LATE_OUTLET]["articles"])
    with serve_sites(SITES) as server:
        outlets = render_outlets(SITES / "outlets.yaml", server.base_url, tmp_path / "outlets.yaml")
        ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=early)
        old = _count(warehouse)
        published = str(warehouse / "warehouse.duckdb")

        reader = subprocess.Popen(
            [sys.executable, "-c", READER, published],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        cli = subprocess.Popen(
            [DUCKDB_CLI, "-readonly", "-csv", published],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert json.loads(reader.stdout.readline()) == {"ready": True, "before": old}
            cli.stdin.write("select 'cli-before', count(*) from articles;\n")
            cli.stdin.flush()
            reader.stdin.write("go\n")
            reader.stdin.flush()
            report = ingest(outlets=str(outlets), warehouse=str(warehouse))
            reader.stdin.write("done\n")
            reader.stdin.flush()
            seen = json.loads(reader.stdout.readline())
            cli_out, _ = cli.communicate("select 'cli-after', count(*) from articles;\n", timeout=60)
        finally:
            for proc in (reader, cli):
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    assert reader.returncode == 0 and cli.returncode == 0
    assert report.articles_new == late_articles
    assert seen["slow_rows"] > 0
    # the reader that was open through the load saw one consistent state, the old one
    assert seen["during"] == old and seen["again"] == old
    # a reader opened after the load sees the new rows
    assert seen["fresh"] == old + late_articles == _count(warehouse)
    # the DuckDB CLI session opened before the load keeps its snapshot too
    assert f"cli-before,{old}" in cli_out and f"cli-after,{old}" in cli_out


def test_a_second_load_waits_for_the_first_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = tmp_path / "wh"
    store.ensure_published(warehouse)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
            import sys, time
            from pathlib import Path
            from copydesk.warehouse.store import load_lock
            with load_lock(Path(sys.argv[1]), 10, "holder-run"):
                print("locked", flush=True)
                time.sleep(2)
            """
            ),
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with caplog.at_level("WARNING", logger="copydesk.warehouse"):
            report = load.load_pending(warehouse, lock_timeout_s=60, holder="second")
    finally:
        holder.wait(timeout=30)
    assert report.waited_for_lock_s > 0.5
    assert any("holder-run" in r.getMessage() for r in caplog.records), "the log names what it waited for"


def test_a_load_gives_up_with_a_clear_error_after_its_timeout(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    store.ensure_published(warehouse)
    release = threading.Event()
    locked = threading.Event()

    def hold() -> None:
        with store.load_lock(warehouse, 10, "long-backfill"):
            locked.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        with pytest.raises(store.LoadLockTimeout, match="load lock"):
            load.load_pending(warehouse, lock_timeout_s=0.5, holder="impatient")
        assert time.monotonic() - started < 10
    finally:
        release.set()
        thread.join()


def test_published_file_opens_while_the_loader_file_is_open_for_writing(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    store.ensure_published(warehouse)
    with store.load_lock(warehouse, 10, "test"):
        writer = store.open_loader(warehouse)
        try:
            reader = store.connect_reader(warehouse)
            assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
            reader.close()
        finally:
            writer.close()
