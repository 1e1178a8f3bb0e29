"""A corpus of bad inputs served by a real loopback server: each becomes a clear failure row (or clean data),
and the good articles of the same run still land.

The hostile outlet is written here, by us: broken and truncated feeds, undefined entities and a wrong
declared encoding, a sitemap index that points at itself, empty bodies, binary served as text/html, a 20 MB
page, an index page with no article, JavaScript walls (403 and 202), a soft 404, invalid and future dates.
"""

import random
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from bench.hostile import article
from copydesk.loopback import serve_sites
from tests.conftest import render_outlets

GOOD_BODY = " ".join(
    f"Paragraph {i} of the harbour dredging report explains how the county will pay for the work, which "
    "boats must move during the summer and what the engineers found in last year's survey of the channel."
    for i in range(6)
)


def rss(items: list[str], extra: str = "") -> str:
    entries = "".join(
        f"<item><title>{p}</title><link>{{{{BASE}}}}/hostile/{p}</link>"
        "<pubDate>Wed, 18 Jun 2025 09:00:00 +0000</pubDate></item>"
        for p in items
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>H</title>'
    return f"{head}{extra}{entries}</channel></rss>"


PAGES = {
    "good-1.html": article("Harbour dredging to start in July"),
    "good-2.html": article(
        "Ferry timetable changes for the summer", body=GOOD_BODY.replace("harbour", "ferry")
    ),
    "future-date.html": article(
        "Council sets budget hearing dates",
        published="2099-01-01T00:00:00+00:00",
        body=GOOD_BODY.replace("dredging", "budget"),
    ),
    "invalid-date.html": article(
        "Library extends weekend opening hours",
        published="31/31/2025 99:99",
        body=GOOD_BODY.replace("dredging", "library"),
    ),
    "empty.html": "",
    "no-article.html": "<!DOCTYPE html><html><head><title>Sections</title></head><body><ul>"
    + "".join(f'<li><a href="/hostile/s{i}.html">Section headline number {i}</a></li>' for i in range(40))
    + "</ul></body></html>",
    "soft-404.html": "<!DOCTYPE html><html><head><title>Page not found</title></head><body>"
    "<h1>Page not found</h1><p>Sorry, the page you are looking for does not exist.</p></body></html>",
    "js-wall-403.html": "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<noscript>Please enable JavaScript and cookies to continue</noscript></body></html>",
    "js-wall-202.html": "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<p>Checking your browser before accessing the site. "
    "Please enable JavaScript and cookies to continue.</p>"
    "</body></html>",
}
HEADERS = {
    "js-wall-403.html": "Status: 403\nContent-Type: text/html\n",
    "js-wall-202.html": "Status: 202\nContent-Type: text/html\n",
    "binary.html": "Content-Type: text/html\n",
    "huge.html": "Content-Type: text/html\n",
}
LISTED = [*PAGES, "binary.html", "huge.html", "missing.html"]

# url -> (stage, kind) the run must record
EXPECTED_FAILURES = {
    "feeds/malformed.xml": ("discover", None),
    "feeds/empty.xml": ("discover", None),
    "empty.html": ("fetch", None),
    "binary.html": ("fetch", "not_html"),
    "huge.html": ("fetch", "too_large"),
    "missing.html": ("fetch", "http_error"),
    "js-wall-403.html": ("fetch", "blocked"),
    "js-wall-202.html": ("extract", "blocked"),
    "no-article.html": ("extract", "not_article"),
    "soft-404.html": ("extract", "not_article"),
}


def build_hostile_site(root: Path) -> None:
    site = root / "hostile"
    (site / "feeds").mkdir(parents=True)
    for name, html in PAGES.items():
        (site / name).write_text(html, encoding="utf-8")
    (site / "binary.html").write_bytes(random.Random(3).randbytes(30_000))
    (site / "huge.html").write_text(article("Huge", body=("word " * 4_000_000)), encoding="utf-8")
    for name, headers in HEADERS.items():
        (site / f"{name}.headers").write_text(headers, encoding="utf-8")
    (site / "feeds" / "main.xml").write_text(rss(LISTED[:6]), encoding="utf-8")
    # undefined entities and a declared encoding that is wrong for the bytes
    (site / "feeds" / "entities.xml").write_bytes(
        rss(LISTED[6:], extra="<description>Caf&eacute; news &nbsp;&copy;</description>")
        .replace('encoding="utf-8"', 'encoding="iso-8859-1"')
        .encode("utf-8")
    )
    (site / "feeds" / "truncated.xml").write_text(rss(["good-1.html", "good-2.html"])[:-40], encoding="utf-8")
    (site / "feeds" / "malformed.xml").write_text(
        "<rss><channel><item><title>oops</item></rss", encoding="utf-8"
    )
    (site / "feeds" / "empty.xml").write_text("", encoding="utf-8")
    (site / "sitemap_index.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>{{BASE}}/hostile/sitemap_index.xml</loc></sitemap>"
        "<sitemap><loc>{{BASE}}/hostile/sitemap-loop.xml</loc></sitemap></sitemapindex>",
        encoding="utf-8",
    )
    (site / "sitemap-loop.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>{{BASE}}/hostile/sitemap_index.xml</loc></sitemap></sitemapindex>",
        encoding="utf-8",
    )
    feeds = "\n".join(
        f'      - "{{{{BASE}}}}/hostile/feeds/{n}"'
        for n in ("main.xml", "entities.xml", "truncated.xml", "malformed.xml", "empty.xml")
    )
    (root / "outlets.yaml").write_text(
        "allow_private_addresses: true\noutlets:\n  - id: hostile\n"
        '    homepage: "{{BASE}}/hostile/"\n    site_prefix: "{{BASE}}/hostile/"\n    language: en\n'
        f'    feeds:\n{feeds}\n    sitemaps:\n      - "{{{{BASE}}}}/hostile/sitemap_index.xml"\n',
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile_run(prefect_backend: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, object]:
    from copydesk.flows.ingest import ingest

    root = tmp_path_factory.mktemp("hostile")
    build_hostile_site(root)
    warehouse = root / "wh"
    with serve_sites(root) as server:
        outlets = render_outlets(root / "outlets.yaml", server.base_url, root / "outlets.rendered.yaml")
        report = ingest(outlets=str(outlets), warehouse=str(warehouse))
    return server.base_url + "/hostile/", warehouse, report


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("path", sorted(EXPECTED_FAILURES))
def test_each_bad_input_is_a_clear_failure_row(hostile_run: tuple, path: str) -> None:
    base, warehouse, _ = hostile_run
    rows = _rows(warehouse, f"SELECT stage, kind, error FROM failures WHERE url = '{base}{path}'")
    assert len(rows) == 1, f"{path}: {rows}"
    stage, kind, error = rows[0]
    want_stage, want_kind = EXPECTED_FAILURES[path]
    assert stage == want_stage
    if want_kind:
        assert kind == want_kind
    assert error and len(error) < 600


def test_good_articles_land_and_bad_dates_never_do(hostile_run: tuple) -> None:
    base, warehouse, report = hostile_run
    rows = dict(_rows(warehouse, "SELECT url, published_at FROM articles"))
    assert set(rows) == {
        base + p for p in ("good-1.html", "good-2.html", "future-date.html", "invalid-date.html")
    }
    now = datetime.now(UTC)
    assert all(ts is None or ts <= now for ts in rows.values()), "no future publication time is loaded"
    # the feed's date stands in for the page's impossible ones
    assert rows[base + "future-date.html"] == datetime(2025, 6, 18, 9, tzinfo=UTC)
    assert rows[base + "invalid-date.html"] == datetime(2025, 6, 18, 9, tzinfo=UTC)
    assert not _rows(warehouse, "SELECT url FROM articles WHERE coalesce(text, '') = '' OR word_count < 20")
    assert report.articles_new == 4


def test_the_run_is_recorded_and_nothing_is_stored_twice(hostile_run: tuple) -> None:
    _, warehouse, _ = hostile_run
    ((failed, extracted),) = _rows(warehouse, "SELECT failed, extracted FROM runs")
    assert extracted == 4 and failed >= len(EXPECTED_FAILURES) - 2
    assert _rows(warehouse, "SELECT count(*), count(DISTINCT url) FROM failures")[0][0] == len(
        EXPECTED_FAILURES
    )
