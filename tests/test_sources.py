"""Conditional GET for feeds and sitemaps, and retries of pages that failed transiently, across runs."""

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from copydesk.loopback import serve_sites
from copydesk.tasks.http import Fetcher
from copydesk.tasks.sources import ConditionalGetter, SourceState, document_kind
from tests.conftest import SITES, render_outlets
from tests.test_http import FaultServer, fast_settings

FLAKY = "harbor/2025/06/18/alder-marine-wins-hybrid-ferry-contract.html"


def _get_twice(url: str, previous: dict[str, SourceState]) -> tuple[ConditionalGetter, int]:
    async def run() -> tuple[ConditionalGetter, int]:
        async with Fetcher(fast_settings(), allow_private_addresses=True) as fetcher:
            getter = ConditionalGetter(fetcher, "o", previous)
            response = await getter.get(url)
            return getter, response.status

    return asyncio.run(run())


def test_etag_from_one_run_makes_the_next_request_conditional(faults: FaultServer) -> None:
    url = faults.base_url + "/etag/feed"
    first, status = _get_twice(url, {})
    assert status == 200 and first.unchanged == set()
    state = first.seen[url]
    assert (state.etag, state.kind) == ('"v1"', "feed")
    second, status = _get_twice(url, {url: state})
    assert status == 304 and second.unchanged == {url}
    assert second.seen[url].changed_at == state.changed_at


def test_document_kind() -> None:
    assert document_kind(b'<?xml version="1.0"?><sitemapindex xmlns="x">') == "sitemap_index"
    assert document_kind(b"<urlset>") == "sitemap"
    assert document_kind(b"<rss><channel/></rss>") == "feed"


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_unchanged_sources_are_not_reparsed_and_transient_failures_are_retried(
    prefect_backend: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.flows.ingest import ingest

    monkeypatch.setenv("COPYDESK_MAX_RETRIES", "0")
    sites = tmp_path / "sites"
    shutil.copytree(SITES, sites)
    flaky_headers = sites / (FLAKY + ".headers")
    flaky_headers.write_text("Status: 503\nRetry-After: 1\n", encoding="utf-8")
    warehouse = tmp_path / "wh"
    outlet_ids = ["harbor", "valley"]
    with serve_sites(sites) as server:
        outlets = render_outlets(sites / "outlets.yaml", server.base_url, tmp_path / "outlets.yaml")
        first = ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=outlet_ids)
        flaky_headers.unlink()  # the server recovers
        seen = len(server.requests)
        second = ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=outlet_ids)
        second_requests = list(server.requests)[seen:]

    url = f"{server.base_url}/{FLAKY}"
    failure = _query(warehouse, f"SELECT stage, http_status, transient FROM failures WHERE url = '{url}'")
    assert failure == [("fetch", 503, True)]
    assert _query(warehouse, f"SELECT count(*) FROM articles WHERE url = '{url}'") == [(1,)]
    assert second.articles_new == 1 and first.articles_new > 1
    assert f"/{FLAKY}" in second_requests
    discovered = _query(warehouse, "SELECT discovered FROM runs ORDER BY started_at")
    # run 2 re-reads the feeds but finds them unchanged; only the retried page is "discovered"
    assert discovered[0][0] > 1 and discovered[1][0] == 1
    states = _query(
        warehouse,
        "SELECT url, kind, body_hash IS NOT NULL, checked_at > changed_at "
        "FROM core.source_state ORDER BY url",
    )
    kinds = {url.rsplit("/", 1)[-1]: kind for url, kind, _, _ in states}
    assert kinds["rss.xml"] == "feed" and kinds["sitemap_index.xml"] == "sitemap_index"
    assert all(has_hash for _, _, has_hash, _ in states)
    assert any(rechecked for *_, rechecked in states), "run 2 re-checked unchanged sources"
    assert datetime.now(UTC) > max(
        r[0] for r in _query(warehouse, "SELECT checked_at FROM core.source_state")
    )
