"""Property tests: random mutations of our own fixture feeds, sitemaps, URLs and pages (tests/sites) go
through discovery's parsing, URL canonicalisation, the byte decoders and extraction's entry function, and
nothing escapes but the documented errors (DiscoveryError, InflateError, ExtractionError).

Examples are derandomised and bounded so the suite stays fast and a failure reproduces; raise
COPYDESK_FUZZ_EXAMPLES to search longer.
"""

import gzip
import os
import re
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from copydesk.tasks.dates import parse_utc
from copydesk.tasks.decode import InflateBudget, InflateError, decode_html, decode_xml, gunzip_layers
from copydesk.tasks.discover import (
    DiscoveryError,
    child_sitemap_in_window,
    parse_feed,
    parse_sitemap,
    sitemap_name_period,
)
from copydesk.tasks.extract import ExtractionError, extract_article
from copydesk.tasks.models import RunWindow
from copydesk.tasks.urls import canonical_url, url_problem

SITES = Path(__file__).parent / "sites"
EXAMPLES = int(os.environ.get("COPYDESK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

DOCUMENTS = sorted(
    p.read_bytes().replace(b"{{BASE}}", b"http://127.0.0.1:8000")
    for p in SITES.rglob("*")
    if p.suffix in (".xml", ".gz") and p.is_file()
)
PAGES = sorted(p.read_bytes() for p in SITES.rglob("*.html") if p.is_file())
URLS = sorted(
    {
        url.decode("utf-8", "replace")
        for body in DOCUMENTS + PAGES
        for url in re.findall(rb"https?://[^\s\"'<>]+", body.replace(b"{{BASE}}", b"http://127.0.0.1:8000"))
    }
)
# what hostile documents and URLs are made of
TOKENS = [
    b'<!DOCTYPE rss SYSTEM "file:///dev/zero">', b'<?xml-stylesheet href="x"?>', b"<!ENTITY % p SYSTEM 'x'>",
    b"&lol;", b"&#0;", b"&#x110000;", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x1f\x8b", b"</", b"<", b">", b"&", b'"', b"'", b"<item>", b"</item>", b"<url><loc>", b"<link>",
    b"http://x:99999/", b"http://[::1", b"?year=\xc2\xb2", b"<script>", b"<html>", b'<meta charset="utf-7">',
    b'encoding="idna"', b"\r", b"\t", b"\xe2\x80\xae", "²".encode(), "\u0663".encode(),
]  # fmt: skip
URL_TOKENS = [
    ":99999", ":abc", ":-1", "[", "]", "[::1", "%", "%zz", "\x00", "\n", " ", "#", "?", "&", "=", "@", "..",
    "/amp/", ".amp.html", "utm_source=x", "²", "\u0663", "ⓔ", "xn--", "\ud800", "//", "\\", "http://",
    "cdn.ampproject.org/c/s/",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, corpus: list[bytes]) -> bytes:
    """A corpus item with a few random edits: inserted tokens or bytes, cut or repeated slices, truncation,
    a gzip wrapper."""
    data = bytearray(draw(st.sampled_from(corpus)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["token", "bytes", "cut", "repeat", "truncate"]))
        if edit == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif edit == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif edit == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif edit == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(2, 20))
        else:
            del data[at:]
    out = bytes(data)
    return gzip.compress(out) if draw(st.booleans()) and draw(st.booleans()) else out


@st.composite
def mutated_url(draw: st.DrawFn) -> str:
    url = list(draw(st.sampled_from(URLS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(url)))
        piece = draw(st.one_of(st.sampled_from(URL_TOKENS), st.text(min_size=1, max_size=4)))
        url[at:at] = list(piece)
    return "".join(url)


WINDOW = RunWindow(start=datetime(2025, 6, 17, tzinfo=UTC), end=datetime(2025, 6, 18, 23, tzinfo=UTC))


def test_the_corpora_are_there() -> None:
    assert len(DOCUMENTS) >= 8 and len(PAGES) >= 20 and len(URLS) >= 30


@FUZZ
@given(mutated(DOCUMENTS))
def test_discovery_parsing_raises_only_discovery_errors(body: bytes) -> None:
    for parse in (parse_feed, parse_sitemap):
        with suppress(DiscoveryError):
            parse(body, "http://127.0.0.1:8000/feed.xml", "o")


@FUZZ
@given(mutated(DOCUMENTS + PAGES))
def test_decoders_always_give_text(body: bytes) -> None:
    assert isinstance(decode_xml(body), str)
    assert isinstance(decode_html(body, "text/html; charset=" + body[:8].decode("latin-1"))[0], str)
    with suppress(InflateError):
        gunzip_layers(body, InflateBudget(2**20))


@FUZZ
@given(mutated_url())
def test_urls_never_raise(url: str) -> None:
    canonical = canonical_url(url)
    assert isinstance(canonical, str)
    problem = url_problem(url)
    assert problem is None or isinstance(problem, str)
    if problem is None:
        # a fetchable URL stays fetchable once canonical
        assert url_problem(canonical) is None, (url, canonical)
    period = sitemap_name_period(url)
    assert period is None or period[0] < period[1]
    assert child_sitemap_in_window(url, parse_utc(url[-30:]), WINDOW) in (True, False)


@FUZZ
@given(mutated(PAGES), mutated_url())
def test_extraction_raises_only_extraction_errors(page: bytes, url: str) -> None:
    # the pipeline extracts only pages fetched from URLs without a problem (discovery, select-new and the
    # WARC reader drop the others), so extraction is not asked about the rest
    assume(url_problem(url) is None)
    html, _ = decode_html(page, None)
    with suppress(ExtractionError):
        extract_article(html, url, outlet_id="o")


ARTICLE = next(p for p in sorted((SITES / "harbor").rglob("*.html")) if "/2025/" in p.as_posix())


@pytest.mark.parametrize(
    "markup",
    [
        '<link rel="canonical" href="http://[::1/x">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "isBasedOn": "http://[::1/x"}</script>',
    ],
    ids=["canonical-link", "json-ld-is-based-on"],
)
def test_a_broken_url_inside_a_page_costs_only_that_url(markup: str) -> None:
    html = ARTICLE.read_text(encoding="utf-8").replace("{{BASE}}", "http://127.0.0.1:8000")
    url = "http://127.0.0.1:8000/" + ARTICLE.relative_to(SITES).as_posix()
    article = extract_article(html.replace("<head>", "<head>" + markup, 1), url, outlet_id="harbor")
    assert article.url == url
