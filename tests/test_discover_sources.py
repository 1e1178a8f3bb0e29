"""Discovery over loopback HTTP through the production Fetcher: outlets known only by their homepage, the HTTP
charset of feeds, and what a bounded backfill window keeps of undated links."""

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

from copydesk.loopback import SiteServer, serve_sites
from copydesk.tasks.discover import (
    discover_outlet,
    document_in_window,
    feeds_in_homepage,
    sitemaps_in_robots,
)
from copydesk.tasks.http import Fetcher
from copydesk.tasks.models import Failure, Link, Outlet, RunWindow
from copydesk.tasks.outlets import parse_outlets
from copydesk.tasks.sources import ConditionalGetter, SourceState
from tests.test_http import fast_settings, write_site

JUNE_18 = RunWindow(
    start=datetime(2025, 6, 18, tzinfo=UTC), end=datetime(2025, 6, 18, 23, 59, 59, tzinfo=UTC)
)

HOMEPAGE = """<!DOCTYPE html><html><head><title>Harbour Post</title><base href="{{BASE}}/feeds/">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All news" href="main.xml">
<link rel="alternate" type="application/atom+xml; charset=utf-8" href="{{BASE}}/atom.xml">
<link rel="alternate" type="application/rss+xml" href="main.xml#again">
<link rel="alternate" hreflang="de" href="{{BASE}}/de/">
</head><body><a href="/rss-help.html">RSS</a></body></html>"""

# a latin-1 label only in the HTTP header, with windows-1252 quotes in the bytes
MAIN_FEED = (
    '<rss version="2.0"><channel><title>Harbour Post</title><link>{{BASE}}/</link>'
    "<item><title>Mayor\x92s \x93new\x94 quay</title><link>{{BASE}}/2025/06/18/quay.html</link>"
    "<pubDate>Wed, 18 Jun 2025 09:30:00 EDT</pubDate></item></channel></rss>"
).encode("latin-1")

ATOM_FEED = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Harbour Post</title><id>urn:hp</id><updated>2025-06-18T12:00:00Z</updated>
<entry><title>Dredging</title><link href="{{BASE}}/2025/06/18/dredging.html"/><id>urn:1</id>
<updated>2025-06-18T10:00:00Z</updated></entry></feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>{{BASE}}/2025/06/18/budget.html</loc>
<news:news><news:publication_date>2025-06-18T08:00:00Z</news:publication_date><news:title>Budget</news:title>
</news:news></url></urlset>"""

# the same sitemap twice, once relative
ROBOTS = b"User-agent: *\nAllow: /\n\nSitemap: {{BASE}}/news-sitemap.xml\nsitemap: /news-sitemap.xml\n"

GUESSED_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{{BASE}}/sitemaps/posts.xml</loc></sitemap></sitemapindex>"""

POSTS = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{{BASE}}/2025/06/18/posts.html</loc><lastmod>2025-06-18</lastmod></url></urlset>"""


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[dict[str, SiteServer]]:
    """Three hosts: one that links feeds and names a sitemap in robots.txt, one with only a guessable
    sitemap, one with nothing to find."""
    with ExitStack() as stack:
        linked = stack.enter_context(serve_sites(tmp_path / "linked"))
        write_site(
            tmp_path / "linked",
            {
                "index.html": HOMEPAGE.encode(),
                "feeds/main.xml": MAIN_FEED,
                "atom.xml": ATOM_FEED,
                "robots.txt": ROBOTS,
                "news-sitemap.xml": NEWS_SITEMAP,
            },
            headers={"feeds/main.xml": "Content-Type: application/rss+xml; charset=ISO-8859-1\n"},
        )
        guessed = stack.enter_context(serve_sites(tmp_path / "guessed"))
        write_site(
            tmp_path / "guessed",
            {
                "index.html": b"<!DOCTYPE html><html><head><title>Quiet</title></head><body>Hi</body></html>",
                "sitemap_index.xml": GUESSED_INDEX,
                "sitemaps/posts.xml": POSTS,
                # a soft 404: the site answers every guess with its homepage
                "sitemap.xml": b"<!DOCTYPE html><html><body>Not here</body></html>",
            },
        )
        empty = stack.enter_context(serve_sites(tmp_path / "empty"))
        write_site(tmp_path / "empty", {"index.html": b"<!DOCTYPE html><html><body>Nothing</body></html>"})
        yield {"linked": linked, "guessed": guessed, "empty": empty}


def _homepage_outlet(server: SiteServer, outlet_id: str) -> Outlet:
    return Outlet(id=outlet_id, homepage=f"{server.base_url}/index.html")


def _discover(
    outlet: Outlet, window: RunWindow | None = None, previous: dict[str, SourceState] | None = None
) -> tuple[list[Link], list[Failure], ConditionalGetter]:
    async def run() -> tuple[list[Link], list[Failure], ConditionalGetter]:
        async with Fetcher(fast_settings(), allow_private_addresses=True) as fetcher:
            getter = ConditionalGetter(fetcher, outlet.id, previous or {})
            links, failures = await discover_outlet(outlet, getter, window)
            return links, failures, getter

    return asyncio.run(run())


def test_an_outlet_may_be_given_by_its_homepage_alone() -> None:
    config = parse_outlets("outlets:\n  - id: post\n    homepage: https://post.example/\n")
    assert config.outlets[0].feeds == config.outlets[0].sitemaps == []
    with pytest.raises(ValueError, match="'feeds', 'sitemaps' or 'homepage'"):
        parse_outlets("outlets:\n  - id: post\n    name: Post\n")


def test_homepage_feeds_and_robots_sitemaps_are_found_and_read(sites: dict[str, SiteServer]) -> None:
    server = sites["linked"]
    base = server.base_url
    links, failures, getter = _discover(_homepage_outlet(server, "post"))
    assert failures == []
    by_url = {link.url: link for link in links}
    assert set(by_url) == {
        f"{base}/2025/06/18/quay.html",
        f"{base}/2025/06/18/dredging.html",
        f"{base}/2025/06/18/budget.html",
    }
    quay = by_url[f"{base}/2025/06/18/quay.html"]
    # the charset came from the HTTP header only, and ISO-8859-1 there means windows-1252
    assert quay.title == "Mayor\u2019s \u201cnew\u201d quay"
    assert quay.published_at == datetime(2025, 6, 18, 13, 30, tzinfo=UTC)
    assert by_url[f"{base}/2025/06/18/budget.html"].via == "news_sitemap"
    # each feed and the sitemap once, although the homepage and robots.txt name them twice
    assert server.requests.count("/feeds/main.xml") == 1
    assert server.requests.count("/news-sitemap.xml") == 1
    # robots.txt named a sitemap: no path was guessed
    assert "/sitemap.xml" not in server.requests
    # the homepage and robots.txt keep no state: only feeds and sitemaps are requested conditionally
    assert set(getter.seen) == {f"{base}/feeds/main.xml", f"{base}/atom.xml", f"{base}/news-sitemap.xml"}

    # the next run finds the same sources although nothing changed, and says nothing is missing
    again, failures, getter = _discover(_homepage_outlet(server, "post"), previous=getter.seen)
    assert failures == [] and again == []
    assert getter.unchanged == set(getter.seen)


def test_a_guessed_sitemap_is_read_and_missing_guesses_are_no_failures(sites: dict[str, SiteServer]) -> None:
    server = sites["guessed"]
    links, failures, _ = _discover(_homepage_outlet(server, "quiet"))
    assert [link.url for link in links] == [f"{server.base_url}/2025/06/18/posts.html"]
    assert failures == []
    assert "/sitemap_index.xml" in server.requests and "/news-sitemap.xml" in server.requests


def test_an_outlet_with_nothing_to_find_is_one_failure_row(sites: dict[str, SiteServer]) -> None:
    server = sites["empty"]
    links, failures, _ = _discover(_homepage_outlet(server, "bare"))
    assert links == []
    assert [(f.kind, f.url, f.stage) for f in failures] == [
        ("no_sources", f"{server.base_url}/index.html", "discover")
    ]
    assert "robots.txt names no sitemap" in failures[0].error


def test_an_unreachable_homepage_is_its_failure_and_no_sources() -> None:
    outlet = Outlet(id="gone", homepage="http://127.0.0.1:1/")
    links, failures, _ = _discover(outlet)
    assert links == []
    assert [f.kind for f in failures][-1] == "no_sources"
    assert failures[0].url == "http://127.0.0.1:1/" and failures[0].kind != "no_sources"


def test_feeds_in_homepage_reads_link_elements_only() -> None:
    page = HOMEPAGE.replace("{{BASE}}", "https://post.example")
    assert feeds_in_homepage(page, "https://post.example/") == [
        "https://post.example/feeds/main.xml",
        "https://post.example/atom.xml",
    ]
    assert feeds_in_homepage("<html><head></head></html>", "https://post.example/") == []


def test_sitemaps_in_robots() -> None:
    robots = "User-agent: *\nDisallow: /x\nSITEMAP: /a.xml\n# Sitemap: /commented.xml\nSitemap:https://b.example/b.xml\n"
    assert sitemaps_in_robots(robots, "https://post.example/robots.txt") == [
        "https://post.example/a.xml",
        "https://b.example/b.xml",
    ]


UNDATED_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{{BASE}}/sitemaps/day-2025-06-18.xml</loc></sitemap>
<sitemap><loc>{{BASE}}/sitemaps/latest.xml</loc><lastmod>2025-06-18T20:00:00Z</lastmod></sitemap>
<sitemap><loc>{{BASE}}/sitemaps/evergreen.xml</loc></sitemap>
</sitemapindex>"""


def _urls(*paths: str) -> bytes:
    entries = "".join(f"<url><loc>{{{{BASE}}}}{path}</loc></url>" for path in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


def _feed(build_date: str, path: str) -> bytes:
    return (
        f'<rss version="2.0"><channel><title>T</title><link>{{{{BASE}}}}/</link><lastBuildDate>{build_date}'
        f"</lastBuildDate><item><title>Undated</title><link>{{{{BASE}}}}{path}</link></item></channel></rss>"
    ).encode()


def test_a_window_keeps_undated_links_of_documents_dated_inside_it(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "sitemap_index.xml": UNDATED_INDEX,
            "sitemaps/day-2025-06-18.xml": _urls("/a/named-day.html"),
            "sitemaps/latest.xml": _urls("/a/lastmod-in-window.html"),
            "sitemaps/evergreen.xml": _urls("/a/evergreen.html"),
            "fresh.rss": _feed("Wed, 18 Jun 2025 21:00:00 GMT", "/a/fresh-feed.html"),
            "stale.rss": _feed("Thu, 01 May 2025 21:00:00 GMT", "/a/stale-feed.html"),
            "undated.rss": _feed("", "/a/undated-feed.html"),
            "served.rss": _feed("", "/a/served-in-window.html"),
        },
        headers={"served.rss": "Last-Modified: Wed, 18 Jun 2025 18:00:00 GMT\n"},
    )
    with serve_sites(tmp_path) as server:
        base = server.base_url
        outlet = Outlet(
            id="dated",
            feeds=[f"{base}/{name}.rss" for name in ("fresh", "stale", "undated", "served")],
            sitemaps=[f"{base}/sitemap_index.xml"],
        )
        kept, failures, _ = _discover(outlet, JUNE_18)
        everything, _, _ = _discover(outlet)
    assert failures == []
    assert {link.url.removeprefix(base) for link in kept} == {
        "/a/named-day.html",
        "/a/lastmod-in-window.html",
        "/a/fresh-feed.html",
        "/a/served-in-window.html",
    }
    # an open window keeps every link, dated or not
    assert len(everything) == 7


@pytest.mark.parametrize(
    ("url", "dated", "kept"),
    [
        pytest.param("https://p.example/sitemap-2025-06-18.xml", None, True, id="named-day"),
        pytest.param(
            "https://p.example/sitemap-2025-06-10.xml",
            datetime(2025, 6, 18, tzinfo=UTC),
            False,
            id="name-wins-over-date",
        ),
        pytest.param(
            "https://p.example/feed.xml", datetime(2025, 6, 18, 5, tzinfo=UTC), True, id="dated-inside"
        ),
        pytest.param(
            "https://p.example/feed.xml", datetime(2025, 6, 1, tzinfo=UTC), False, id="dated-before"
        ),
        pytest.param("https://p.example/feed.xml", None, False, id="undated-document"),
    ],
)
def test_document_in_window(url: str, dated: datetime | None, kept: bool) -> None:
    assert document_in_window(url, dated, JUNE_18) is kept
    assert document_in_window(url, dated, RunWindow()) is True
