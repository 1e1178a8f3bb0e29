"""WARC files (CC-NEWS layout) as a backfill source: a WARC we write here with warcio, read by the pipeline.

The file mixes what a CC-NEWS file holds: pages of the configured outlets published inside the window,
before it and after it, a page crawled days after the window that was published inside it, pages of other
sites and of another outlet on a shared host, a 404, an image, request and warcinfo records, and a page
crawled twice. The backfill must load exactly the window's outlet articles, once, and nothing on a rerun.
"""

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from copydesk.loopback import serve_sites
from copydesk.tasks.models import OutletsConfig, RunWindow
from copydesk.tasks.outlets import load_outlets
from copydesk.tasks.warc import outlet_matcher, read_warc_pages

WINDOW = (date(2025, 3, 9), date(2025, 3, 11))

OUTLETS = """\
allow_private_addresses: true
outlets:
  - id: lantern
    name: The Lantern
    homepage: https://lantern.example/
    feeds: ["{base}/lantern/rss.xml"]
    domains: [m.lantern.example]
  - id: ridge
    name: Ridge Notes
    homepage: https://blogs.example/ridge/
    site_prefix: https://blogs.example/ridge/
    feeds: ["{base}/ridge/rss.xml"]
"""

EMPTY_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{name}</title><link>{base}/</link><description>-</description>
</channel></rss>
"""

# (url, published, crawled, topic): topics make each page's text distinct
PAGES = [
    (
        "https://lantern.example/news/2025/03/10/harbour-lights.html",
        "2025-03-10T09:00:00+00:00",
        "2025-03-10T12:00:00Z",
        "harbour lights",
    ),
    (
        "https://www.lantern.example/news/2025/03/11/orchard-frost.html",
        "2025-03-11T22:30:00+00:00",
        "2025-03-13T08:00:00Z",
        "orchard frost",
    ),
    (
        "https://m.lantern.example/news/2025/03/09/bridge-survey.html",
        "2025-03-09T00:15:00+00:00",
        "2025-03-09T01:00:00Z",
        "bridge survey",
    ),
    (
        "https://lantern.example/news/2025/03/05/library-hours.html",
        "2025-03-05T10:00:00+00:00",
        "2025-03-10T10:00:00Z",
        "library hours",
    ),
    (
        "https://lantern.example/news/2025/03/12/ferry-timetable.html",
        "2025-03-12T07:00:00+00:00",
        "2025-03-12T09:00:00Z",
        "ferry timetable",
    ),
    (
        "https://lantern.example/news/2025/03/08/market-square.html",
        "2025-03-08T18:00:00+00:00",
        "2025-03-08T20:00:00Z",
        "market square",
    ),
    (
        "https://otherpaper.example/news/2025/03/10/harbour-lights.html",
        "2025-03-10T09:30:00+00:00",
        "2025-03-10T12:00:00Z",
        "tide gauge",
    ),
    (
        "https://blogs.example/ridge/2025/03/10/trail-repairs.html",
        "2025-03-10T15:00:00+00:00",
        "2025-03-10T16:00:00Z",
        "trail repairs",
    ),
    (
        "https://blogs.example/valleyfolk/2025/03/10/choir-concert.html",
        "2025-03-10T15:00:00+00:00",
        "2025-03-10T16:00:00Z",
        "choir concert",
    ),
]
IN_WINDOW = {
    "https://lantern.example/news/2025/03/10/harbour-lights.html": "lantern",
    "https://www.lantern.example/news/2025/03/11/orchard-frost.html": "lantern",
    "https://m.lantern.example/news/2025/03/09/bridge-survey.html": "lantern",
    "https://blogs.example/ridge/2025/03/10/trail-repairs.html": "ridge",
}


def article_html(url: str, published: str, topic: str) -> str:
    """A plain news page of our own words about one topic."""
    title = f"Council report on the {topic} is published"
    paragraphs = [
        f"The town council released its long awaited report on the {topic} on {published[:10]}, "
        f"setting out what residents told the review panel over the winter months.",
        f"Officials said the {topic} had drawn more letters than any other local matter this year, "
        "and that the panel read every one of them before writing its recommendations.",
        f"According to the report, work connected to the {topic} will be staged over two seasons so "
        "that shops, schools and the weekly market can keep to their usual hours.",
        f"Residents who spoke at the public meeting asked for clearer notices about the {topic}, "
        "and the council agreed to post updates on the noticeboard outside the library.",
        f"A final decision on the budget for the {topic} is expected at the next full council "
        "meeting, where members will also hear from the independent auditor.",
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{title}", "datePublished": "{published}", "author": {{"@type": "Person", "name": "Ada Reyes"}}}}
</script></head>
<body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Ada Reyes</p>
{body}
</article></main><footer>Copyright The Lantern</footer></body></html>"""


def _response(
    writer: WARCWriter, url: str, crawled: str, status: str, content_type: str, body: bytes
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": crawled}
    )
    writer.write_record(record)


def write_warc(path: Path) -> Path:
    """A gzipped WARC laid out like a CC-NEWS file."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "copydesk tests"}))
        for url, published, crawled, topic in PAGES:
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                warc_headers_dict={"WARC-Date": crawled},
            )
            writer.write_record(request)
            html = article_html(url, published, topic).encode("utf-8")
            _response(writer, url, crawled, "200 OK", "text/html; charset=utf-8", html)
        # crawled again a day later: still one article
        url, published, _, topic = PAGES[0]
        html = article_html(url, published, topic).encode("utf-8")
        _response(writer, url, "2025-03-11T12:00:00Z", "200 OK", "text/html; charset=utf-8", html)
        _response(
            writer,
            "https://lantern.example/news/missing.html",
            "2025-03-10T12:00:00Z",
            "404 Not Found",
            "text/html",
            b"<html><body>Not found</body></html>",
        )
        _response(
            writer,
            "https://lantern.example/img/lights.jpg",
            "2025-03-10T12:00:00Z",
            "200 OK",
            "image/jpeg",
            b"\xff\xd8\xff\xe0 not really a jpeg",
        )
    return path


@pytest.fixture(scope="module")
def outlets_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An outlets file whose live feeds are empty, so everything a backfill loads comes from the WARC."""
    root = tmp_path_factory.mktemp("warc-web")
    sites = root / "sites"
    with serve_sites(sites) as server:
        for outlet in ("lantern", "ridge"):
            (sites / outlet).mkdir(parents=True)
            feed = EMPTY_FEED.format(name=outlet, base=server.base_url)
            (sites / outlet / "rss.xml").write_text(feed, encoding="utf-8")
        path = root / "outlets.yaml"
        path.write_text(OUTLETS.format(base=server.base_url), encoding="utf-8")
        yield path


def window() -> RunWindow:
    from copydesk.flows.backfill import window_of

    return window_of(*WINDOW)


def test_outlet_matcher_uses_homepage_host_domains_and_site_prefix(outlets_web: Path) -> None:
    match = outlet_matcher(load_outlets(outlets_web))
    assert match("https://lantern.example/news/a.html") == "lantern"
    assert match("https://www.lantern.example/news/a.html") == "lantern"
    assert match("https://m.lantern.example/news/a.html") == "lantern"
    assert match("https://blogs.example/ridge/a.html") == "ridge"
    assert match("https://blogs.example/valleyfolk/a.html") is None
    assert match("https://otherpaper.example/news/a.html") is None


def test_read_warc_pages_keeps_outlet_html_crawled_from_the_window_start(
    outlets_web: Path, tmp_path: Path
) -> None:
    config: OutletsConfig = load_outlets(outlets_web)
    pages = list(read_warc_pages([write_warc(tmp_path / "news.warc.gz")], config, window(), 10_000_000))
    urls = [p.final_url for p in pages]
    # not the other sites, the 404, the image, nor the page crawled before the window opened
    assert "https://otherpaper.example/news/2025/03/10/harbour-lights.html" not in urls
    assert "https://blogs.example/valleyfolk/2025/03/10/choir-concert.html" not in urls
    assert "https://lantern.example/news/2025/03/08/market-square.html" not in urls
    assert not [u for u in urls if u.endswith(("missing.html", ".jpg"))]
    # pages published outside the window are still read: only extraction tells their date
    assert "https://lantern.example/news/2025/03/05/library-hours.html" in urls
    assert urls.count(PAGES[0][0]) == 2
    first = pages[0]
    assert first.link.via == "warc" and first.link.outlet_id == "lantern"
    assert first.fetched_at == datetime(2025, 3, 10, 12, tzinfo=UTC)
    assert "harbour lights" in first.html


def test_backfill_loads_the_windows_warc_articles_once(
    prefect_backend: None, outlets_web: Path, tmp_path: Path
) -> None:
    from copydesk.flows.backfill import backfill

    warc = write_warc(tmp_path / "CC-NEWS-20250313000000-00001.warc.gz")
    warehouse = tmp_path / "warehouse"
    kwargs = {
        "start": WINDOW[0],
        "end": WINDOW[1],
        "warc_paths": [str(warc)],
        "outlets": str(outlets_web),
        "warehouse": str(warehouse),
    }
    reports = backfill(**kwargs)
    assert sum(r.articles_new for r in reports) == len(IN_WINDOW)

    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    rows = con.execute(
        "select url, outlet_id, published_at, discovered_via, fetched_at from articles"
    ).fetchall()
    con.close()
    assert {url: outlet for url, outlet, *_ in rows} == IN_WINDOW
    assert len(rows) == len(IN_WINDOW)
    for url, _, published, via, fetched in rows:
        assert WINDOW[0] <= published.astimezone(UTC).date() <= WINDOW[1], url
        assert via == "warc"
        # the crawl time, not the time of the backfill
        assert fetched.year == 2025

    again = backfill(**kwargs)
    assert sum(r.articles_new for r in again) == 0
