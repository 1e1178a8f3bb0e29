"""An article the outlet updates: its sitemap lastmod moves; copydesk re-fetches it, keeps both versions."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from copydesk.loopback import serve_sites
from tests.conftest import SITES, render_outlets

PAGE = "valley/news/2025/06/18/farmers-market-vendors-sue-over-permit-fees.html"
FIRST_PARAGRAPH = "<p>Seven vendors at the Dunmore Saturday Farmers Market have sued the city"
ADDED = "Update: a judge on Thursday declined to pause the fee while the lawsuit proceeds, a lawyer said."


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_updated_article_is_refetched_and_versioned(prefect_backend: None, tmp_path: Path) -> None:
    from copydesk.flows.ingest import ingest

    sites = tmp_path / "sites"
    shutil.copytree(SITES, sites)
    warehouse = tmp_path / "wh"
    with serve_sites(sites) as server:
        outlets = render_outlets(sites / "outlets.yaml", server.base_url, tmp_path / "outlets.yaml")
        first = ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=["valley"])
        assert first.articles_new > 1

        page = sites / PAGE
        html = page.read_text(encoding="utf-8")
        assert FIRST_PARAGRAPH in html
        page.write_text(
            html.replace(FIRST_PARAGRAPH, f"<p>{ADDED}</p>\n    {FIRST_PARAGRAPH}", 1), encoding="utf-8"
        )
        sitemap = sites / "valley" / "sitemap-2025-06-18.xml"
        now = datetime.now(UTC).isoformat()  # full precision: the first fetch may be in this same second
        sitemap.write_text(
            sitemap.read_text(encoding="utf-8").replace("2025-06-18T10:15:00-05:00", now), encoding="utf-8"
        )
        index = sites / "valley" / "sitemap_index.xml"
        index.write_text(
            index.read_text(encoding="utf-8").replace("2025-06-18T17:30:00-05:00", now), encoding="utf-8"
        )

        seen = len(server.requests)
        second = ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=["valley"])
        fetched_second = [r for r in list(server.requests)[seen:] if r.endswith(".html")]
        seen = len(server.requests)
        third = ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=["valley"])
        fetched_third = [r for r in list(server.requests)[seen:] if r.endswith(".html")]

        url = f"{server.base_url}/{PAGE}"
        assert fetched_second == [f"/{PAGE}"], "only the changed article is fetched again"
        assert (second.articles_new, second.articles_updated) == (0, 1)
        assert fetched_third == [] and (third.articles_new, third.articles_updated) == (0, 0)
        (text,) = _query(warehouse, f"SELECT text FROM articles WHERE url = '{url}'")[0]
        assert text.startswith(ADDED), "articles shows the latest text"
        versions = _versions(warehouse, url)
        assert len(versions) == 2 and versions[0][1] != versions[1][1]
        assert ADDED not in versions[0][0] and ADDED in versions[1][0]
        (count,) = _query(warehouse, "SELECT count(*) FROM articles")[0]
        assert count == first.articles_new
        # each text is stored once: the current in core.articles, the replaced one in core.article_versions
        assert _query(warehouse, "SELECT count(*) FROM core.article_versions")[0][0] == 1

        # the outlet takes the update back: the first text is current again, with its first fetch's time
        page.write_text(html, encoding="utf-8")
        later = datetime.now(UTC).isoformat()
        sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(now, later), encoding="utf-8")
        index.write_text(index.read_text(encoding="utf-8").replace(now, later), encoding="utf-8")
        fourth = ingest(outlets=str(outlets), warehouse=str(warehouse), outlet_ids=["valley"])

    assert (fourth.articles_new, fourth.articles_updated) == (0, 1)
    (text,) = _query(warehouse, f"SELECT text FROM articles WHERE url = '{url}'")[0]
    assert not text.startswith(ADDED) and FIRST_PARAGRAPH.removeprefix("<p>")[:40] in text
    assert _versions(warehouse, url) == versions, "the same two texts, each with its first fetch's time"
    assert _query(warehouse, "SELECT count(*) FROM core.article_versions")[0][0] == 1


def _versions(warehouse: Path, url: str) -> list[tuple]:
    return _query(
        warehouse,
        f"""SELECT v.text, v.content_hash, v.fetched_at, v.run_id FROM article_versions v
            JOIN articles a USING (article_id) WHERE a.url = '{url}' ORDER BY v.fetched_at""",
    )
