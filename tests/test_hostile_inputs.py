"""Issue 19, piece by piece: one bad link, document, SQL statement or damaged file costs at most itself.

(The same cases end to end, through real `copydesk` commands: tests/test_hostile_corpus.py.)
"""

import asyncio
import gzip
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from bench.hostile import BAD_LINKS
from copydesk.flows.selection import select_new_links
from copydesk.loopback import serve_sites
from copydesk.tasks import discover
from copydesk.tasks.discover import (
    MAX_LINKS_PER_DOCUMENT,
    child_sitemap_in_window,
    discover_outlet,
    parse_feed_document,
    parse_sitemap,
    sitemap_name_period,
)
from copydesk.tasks.http import Fetcher, FetchError, PermanentError, Response
from copydesk.tasks.models import Failure, Link, Outlet, RunWindow
from copydesk.tasks.outlets import OutletsFileError, parse_outlets
from copydesk.tasks.urls import canonical_url, url_problem
from copydesk.warehouse import lake, load, store
from tests.test_http import fast_settings, write_site
from tests.test_load import _article, _failure
from tests.test_stories import story_text

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("url", BAD_LINKS, ids=range(len(BAD_LINKS)))
def test_an_invalid_url_has_a_named_problem_and_canonical_url_never_raises(url: str) -> None:
    assert url_problem(url)
    assert isinstance(canonical_url(url), str)


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a?b=1", "http://www.müller.de/a", "http://[::1]:8080/x", "https://a.example:443/"],
)
def test_valid_urls_have_no_problem(url: str) -> None:
    assert url_problem(url) is None


def test_select_new_skips_invalid_links_and_keeps_the_rest(tmp_path: Path) -> None:
    links = [
        Link(url=url, outlet_id="o", via="feed", found_in="f") for url in (*BAD_LINKS, "https://ok.example/a")
    ]
    fresh = select_new_links(links, tmp_path / "wh")
    assert [link.url for link in fresh] == ["https://ok.example/a"]


@pytest.mark.parametrize(
    "child",
    [
        "news.xml?year=\u00b2",
        "news.xml?year=" + "9" * 5000,
        "news.xml?yyyy=2025&mm=\u00b9&dd=\u0663",
        "s-99999-99-99.xml",
    ],
)
def test_odd_sitemap_child_names_are_no_dates_and_no_errors(child: str) -> None:
    url = f"https://a.example/{child}"
    window = RunWindow(start=datetime(2025, 6, 17, tzinfo=UTC), end=datetime(2025, 6, 18, tzinfo=UTC))
    assert sitemap_name_period(url) is None or sitemap_name_period(url)[0].year == 2025
    assert child_sitemap_in_window(url, None, window) in (True, False)


def test_links_past_the_cap_are_counted_not_kept() -> None:
    extra = 7
    urls = "".join(
        f"<url><loc>https://a.example/{i}</loc></url>" for i in range(MAX_LINKS_PER_DOCUMENT + extra)
    )
    parsed = parse_sitemap(f"<urlset>{urls}</urlset>".encode(), "https://a.example/s.xml", "a")
    assert len(parsed.links) == MAX_LINKS_PER_DOCUMENT and parsed.over_cap == extra
    row = discover._notice("https://a.example/s.xml", "a", parsed)
    assert row is not None and row.kind == "truncated" and str(extra) in row.error


def test_invalid_links_of_a_feed_are_counted_and_the_valid_ones_kept() -> None:
    items = "".join(f"<item><link><![CDATA[{url}]]></link></item>" for url in BAD_LINKS)
    body = f"<rss><channel>{items}<item><link>https://a.example/ok</link></item></channel></rss>".encode()
    parsed = parse_feed_document(body, "https://a.example/f", "a")
    assert [link.url for link in parsed.links] == ["https://a.example/ok"]
    # javascript: and ftp: are not links at all; the others are links that are broken
    assert parsed.invalid == len(BAD_LINKS) - 2 and parsed.first_invalid
    row = discover._notice("https://a.example/f", "a", parsed)
    assert row is not None and row.kind == "bad_links"


def _discover(outlet: Outlet, parse_timeout_s: float) -> tuple[list[Link], list[Failure]]:
    async def run() -> tuple[list[Link], list[Failure]]:
        async with Fetcher(fast_settings(max_body_bytes=20 * 2**20), allow_private_addresses=True) as fetcher:
            return await discover_outlet(outlet, fetcher, parse_timeout_s=parse_timeout_s)

    return asyncio.run(run())


def test_a_document_that_parses_too_long_is_a_failure_row_and_discovery_goes_on(tmp_path: Path) -> None:
    slow = "".join(
        f"<item><link>https://a.example/s/{i}</link><description><![CDATA[{'<p><b>x</b> y</p>' * 80}]]>"
        "</description></item>"
        for i in range(6000)
    )
    quick = "<rss><channel><item><link>https://a.example/quick</link></item></channel></rss>"
    write_site(
        tmp_path, {"slow.xml": f"<rss><channel>{slow}</channel></rss>".encode(), "quick.xml": quick.encode()}
    )
    with serve_sites(tmp_path) as site:
        outlet = Outlet(id="a", feeds=[f"{site.base_url}/slow.xml", f"{site.base_url}/quick.xml"])
        links, failures = _discover(outlet, parse_timeout_s=0.3)
    assert [f.kind for f in failures] == ["too_slow"] and failures[0].url.endswith("/slow.xml")
    assert [link.url for link in links] == ["https://a.example/quick"]


def _get(url: str, max_body_bytes: int) -> Response | FetchError:
    async def run() -> Response | FetchError:
        async with Fetcher(
            fast_settings(max_body_bytes=max_body_bytes), allow_private_addresses=True
        ) as fetcher:
            try:
                return await fetcher.get(url)
            except FetchError as exc:
                return exc

    return asyncio.run(run())


def test_every_layer_of_gzip_spends_one_budget(tmp_path: Path) -> None:
    sitemap = b"<urlset>" + b"<url><loc>https://a.example/1</loc></url>" * 10 + b"</urlset>"
    bomb = b"<urlset>" + b" " * (3 * 2**20) + b"</urlset>"
    encoded = "Content-Encoding: gzip\nContent-Type: application/xml\n"
    write_site(
        tmp_path,
        {
            "ok.xml.gz": gzip.compress(gzip.compress(sitemap)),
            "bomb.xml.gz": gzip.compress(gzip.compress(bomb)),
        },
        {"ok.xml.gz": encoded, "bomb.xml.gz": encoded},
    )
    with serve_sites(tmp_path) as site:
        ok = _get(f"{site.base_url}/ok.xml.gz", 2**20)
        refused = _get(f"{site.base_url}/bomb.xml.gz", 2**20)
    assert isinstance(ok, Response) and ok.body == sitemap
    assert isinstance(refused, PermanentError) and refused.kind == "too_large"


def test_outlets_files_that_would_crash_the_reader_are_clear_errors() -> None:
    with pytest.raises(OutletsFileError, match="nested too deeply"):
        parse_outlets("outlets:" + " [" * 20_000 + " ]" * 20_000)
    with pytest.raises(OutletsFileError, match="field 'id'"):
        parse_outlets('outlets:\n  - id: "a\\n"\n    feeds: ["https://a.example/f"]\n')


# the reader's guard


def _copydesk(*args: str) -> subprocess.CompletedProcess[str]:
    """A copydesk command's result, its output with rich's line wrapping undone."""
    done = subprocess.run(
        [sys.executable, "-m", "copydesk", *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    done.stdout, done.stderr = " ".join(done.stdout.split()), " ".join(done.stderr.split())
    return done


def _failure_row(n: int) -> Failure:
    return _failure(f"https://a.example/{n}")


@pytest.fixture
def small_warehouse(tmp_path: Path) -> Path:
    """A warehouse holding three failure rows, loaded from its lake."""
    warehouse = tmp_path / "wh"
    lake.write_file(
        warehouse, "failures", "r1", "f.parquet", lake.failure_rows([_failure_row(n) for n in range(3)], "r1")
    )
    load.load_pending(warehouse, holder="r1")
    return warehouse


def _count(warehouse: Path) -> int:
    con = store.connect_reader(warehouse)
    try:
        return con.execute("SELECT count(*) FROM failures").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    "statement",
    [
        "ATTACH '{wh}/state/loader.duckdb' AS l (READ_WRITE)",
        "COPY (SELECT 1) TO '{wh}/warehouse.duckdb'",
        "COPY (SELECT 1 AS x) TO '{wh}/lake/failures/run=evil/x.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '{wh}/export'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SELECT * FROM read_text('/etc/hostname')",
    ],
)
def test_reader_connections_refuse_every_write(small_warehouse: Path, statement: str) -> None:
    con = store.connect_reader(small_warehouse)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(statement.format(wh=small_warehouse))
    finally:
        con.close()
    assert _count(small_warehouse) == 3
    assert not list(small_warehouse.rglob("evil")) and not (small_warehouse / "export").exists()


def test_allowed_directories_are_readable_and_writable_and_never_the_warehouse(
    small_warehouse: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "analysis"
    mine.mkdir()
    (mine / "codes.csv").write_text("kind,label\nhttp_error,HTTP error\n", encoding="utf-8")
    allowed = store.check_allowed_dirs(small_warehouse, [mine])
    con = store.connect_reader(small_warehouse, allowed)
    try:
        rows = con.execute(
            f"SELECT label, count(*) FROM failures JOIN read_csv('{mine}/codes.csv') USING (kind) GROUP BY 1"
        ).fetchall()
        con.execute(f"COPY (SELECT * FROM failures) TO '{mine}/out.csv'")
        with pytest.raises(duckdb.Error):
            con.execute(f"COPY (SELECT 1) TO '{small_warehouse}/x.csv'")
    finally:
        con.close()
    assert rows == [("HTTP error", 3)] and (mine / "out.csv").exists()
    for overlapping in (small_warehouse, small_warehouse / "lake", tmp_path):
        with pytest.raises(ValueError, match="overlaps"):
            store.check_allowed_dirs(small_warehouse, [overlapping])


def test_copydesk_sql_names_the_refused_statement_and_still_answers_reads(small_warehouse: Path) -> None:
    loader = small_warehouse / "state" / "loader.duckdb"
    attack = _copydesk(
        "sql", "-w", str(small_warehouse),
        f"SELECT 1; ATTACH '{loader}' AS l (READ_WRITE); DELETE FROM l.core.failures",
    )  # fmt: skip
    assert attack.returncode == 1
    assert "refused statement 2 (ATTACH)" in attack.stderr and "Traceback" not in attack.stderr
    read = _copydesk(
        "sql", "-w", str(small_warehouse), "--format", "csv", "SELECT count(*) AS n FROM failures"
    )
    assert read.returncode == 0 and read.stdout == "n 3"
    overlap = _copydesk(
        "sql", "-w", str(small_warehouse), "--allow-dir", str(small_warehouse.parent), "SELECT 1"
    )
    assert overlap.returncode == 2 and "overlaps" in overlap.stderr


# the warehouse heals


def test_a_truncated_snapshot_is_published_again_by_the_next_reader(small_warehouse: Path) -> None:
    target = small_warehouse / "warehouse.duckdb"
    with open(target, "r+b") as handle:
        handle.truncate(target.stat().st_size // 2)
    assert _count(small_warehouse) == 3


def test_a_scribbled_loader_is_restored_from_the_snapshot_by_the_next_load(small_warehouse: Path) -> None:
    with open(store.loader_path(small_warehouse), "r+b") as handle:
        handle.write(os.urandom(8192))
    lake.write_file(
        small_warehouse, "failures", "r2", "f.parquet", lake.failure_rows([_failure_row(9)], "r2")
    )
    load.load_pending(small_warehouse, holder="r2")
    assert _count(small_warehouse) == 4
    assert len(list((small_warehouse / "state" / "broken").glob("loader.duckdb.*"))) == 1


def test_when_both_files_are_damaged_the_load_rebuilds_from_the_lake(small_warehouse: Path) -> None:
    for path in (store.loader_path(small_warehouse), store.published_path(small_warehouse)):
        with open(path, "r+b") as handle:
            handle.write(os.urandom(8192))
    repaired = _copydesk("repair", "-w", str(small_warehouse))
    assert repaired.returncode == 0, repaired.stderr
    assert "rebuilds it from the lake" in repaired.stdout and "loaded 1 lake files" in repaired.stdout
    assert _count(small_warehouse) == 3
    again = _copydesk("repair", "-w", str(small_warehouse))
    assert again.returncode == 0 and "nothing to repair" in again.stdout


def test_stale_temp_files_of_dead_processes_go_and_live_ones_stay(small_warehouse: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = small_warehouse / f".warehouse.duckdb.tmp-{gone.pid}"
    live = small_warehouse / f".warehouse.duckdb.tmp-{os.getppid()}"
    run_dir = next((small_warehouse / "lake" / "failures").glob("run=*"))
    dead_lake = run_dir / f".f.parquet.tmp-{gone.pid}"
    for path in (dead, live, dead_lake):
        path.write_bytes(b"partial")
    with store.load_lock(small_warehouse, 10):
        said = store.heal(small_warehouse)
    assert not dead.exists() and not dead_lake.exists() and live.exists()
    assert len(said) == 2


def test_a_failed_publish_leaves_no_temp_file(small_warehouse: Path) -> None:
    target = store.published_path(small_warehouse)
    target.unlink()
    target.mkdir()
    with pytest.raises(OSError):
        store.publish(small_warehouse)
    assert not list(small_warehouse.glob(".*.tmp-*"))


def test_a_file_given_as_the_warehouse_exits_2(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for command in (["sql", "SELECT 1"], ["repair"]):
        result = _copydesk(*command, "-w", str(afile))
        assert (
            result.returncode == 2 and "not a directory" in result.stderr and "Traceback" not in result.stderr
        )


# runs


def test_each_run_of_a_multi_run_load_keeps_its_own_counts(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    for run, numbers in (("r1", range(2)), ("r2", range(2, 5))):
        arts = [_article(i, "\n".join(story_text(500 + i))) for i in numbers]
        n = len(arts)
        lake.write_file(warehouse, "articles", run, "a.parquet", lake.article_rows(arts, {}, run))
        row = {
            "run_id": run,
            "flow": "ingest",
            "started_at": datetime.now(UTC),
            "finished_at": datetime.now(UTC),
            "outlet_ids": ["wire"],
            "discovered": n,
            "new": n,
            "fetched": n,
            "extracted": n,
            "failed": 0,
        }
        lake.write_file(
            warehouse, "runs", run, "run.parquet", pa.Table.from_pylist([row], schema=lake.RUN_SCHEMA)
        )
    load.load_pending(warehouse, holder="r2")
    con = store.connect_reader(warehouse)
    try:
        rows = con.execute("SELECT run_id, loaded, copies FROM runs ORDER BY 1").fetchall()
    finally:
        con.close()
    assert rows == [("r1", 2, 0), ("r2", 3, 0)]
