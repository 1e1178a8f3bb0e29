"""The fixture web in tests/sites serves what expected.yaml says it does.

A test of the fixture itself, over real HTTP: if it fails, the end-to-end tests built on expected.yaml
would be asserting against the wrong pages. The pipeline's own tests live elsewhere.
"""

import gzip
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from bench.synweb import demo, fixtures
from copydesk.loopback import SiteServer, serve_sites
from copydesk.tasks.outlets import parse_outlets

SITES = Path(__file__).parent / "sites"
EXPECTED = yaml.safe_load((SITES / "expected.yaml").read_text(encoding="utf-8"))
OUTLETS = EXPECTED["outlets"]
# python codecs for the wire encodings expected.yaml names; cp932/cp949 are what browsers decode with
CODECS = {"utf-8": "utf-8", "shift_jis": "cp932", "euc-kr": "cp949"}
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "rss1": "http://purl.org/rss/1.0/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
}

ARTICLES = [(path, article) for outlet in OUTLETS.values() for path, article in outlet["articles"].items()]
SOURCES = [source for outlet in OUTLETS.values() for source in outlet["sources"]]
FAILURES = [failure for outlet in OUTLETS.values() for failure in outlet["failures"]]


@pytest.fixture(scope="module")
def server() -> Iterator[SiteServer]:
    with serve_sites(SITES) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as http:
        yield http


def page_text(markup: str) -> str:
    """Text a reader could see: scripts dropped, tags blanked, entities decoded, whitespace collapsed."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def listed_links(kind: str, body: bytes) -> list[str]:
    """The links a feed or sitemap lists, in document order, as written."""
    root = ET.fromstring(body)
    if kind == "rss":
        return [(item.findtext("link") or "").strip() for item in root.iter("item")]
    if kind == "atom":
        return [
            link.get("href", "")
            for entry in root.findall("atom:entry", NS)
            for link in entry.findall("atom:link", NS)
            if link.get("rel", "alternate") == "alternate"
        ]
    if kind == "rdf":
        return [
            (item.findtext("rss1:link", namespaces=NS) or "").strip()
            for item in root.findall("rss1:item", NS)
        ]
    if kind == "sitemap_index":
        return [(loc.text or "").strip() for loc in root.findall("sm:sitemap/sm:loc", NS)]
    return [(loc.text or "").strip() for loc in root.findall("sm:url/sm:loc", NS)]


def test_totals_add_up() -> None:
    totals = EXPECTED["totals"]
    copies = [a for _, a in ARTICLES if a["copy_of"]]
    assert totals == {
        "outlets": len(OUTLETS),
        "articles": len(ARTICLES),
        "originals": len(ARTICLES) - len(copies),
        "copies": len(copies),
        "failures": len(FAILURES),
    }
    originals = {path for path, a in ARTICLES if not a["copy_of"]}
    for article in copies:
        assert article["copy_of"] in originals
        assert article["copy_kind"] in {"full", "truncated"}
        assert article["source_credit"]
    for _, article in ARTICLES:
        assert set(article["embeds_full_text_of"]) <= originals


def _strays(root: Path, folders: list[str], made: dict[str, bytes]) -> list[str]:
    """Files under the generated folders that the generator does not write."""
    files = (p for folder in folders for p in (root / folder).rglob("*") if p.is_file())
    return [rel for rel in (p.relative_to(root).as_posix() for p in files) if rel not in made]


def test_generated_files_are_up_to_date() -> None:
    made = fixtures.render()
    assert len(made.files) > 40
    assert made.stale(SITES) == [], "run `python tests/sites/build.py` and commit the result"
    assert _strays(SITES, list(fixtures.OUTLET_DIRS), made.files) == []


def test_outlets_file_names_every_top_level_source(server: SiteServer) -> None:
    text = (SITES / "outlets.yaml").read_text(encoding="utf-8").replace("{{BASE}}", server.base_url)
    config = parse_outlets(text, "tests/sites/outlets.yaml")
    assert config.allow_private_addresses
    assert [o.id for o in config.outlets] == list(OUTLETS)
    for outlet in config.outlets:
        expected = OUTLETS[outlet.id]
        children = {link for s in expected["sources"] if s["kind"] == "sitemap_index" for link in s["links"]}
        top_level = [
            f"{server.base_url}/{s['path']}" for s in expected["sources"] if s["path"] not in children
        ]
        assert outlet.feeds + outlet.sitemaps == top_level
        assert outlet.language == expected["language"]
        assert outlet.homepage == f"{server.base_url}/{expected['homepage']}"


@pytest.mark.parametrize("source", SOURCES, ids=[s["path"] for s in SOURCES])
def test_source_is_served_and_lists_what_expected_says(
    server: SiteServer, client: httpx.Client, source: dict
) -> None:
    response = client.get(f"{server.base_url}/{source['path']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == source["content_type"]
    body = response.content
    if source["gzip"]:
        assert body[:2] == b"\x1f\x8b"
        body = gzip.decompress(body)
    assert b"{{BASE}}" not in body
    prefix = "/" if source["relative_locs"] else f"{server.base_url}/"
    links = listed_links(source["kind"], body)
    assert all(link.startswith(prefix) for link in links), links
    assert [link.removeprefix(prefix) for link in links] == source["links"]


@pytest.mark.parametrize("path,article", ARTICLES, ids=[path for path, _ in ARTICLES])
def test_article_page_is_served_with_its_ground_truth(
    server: SiteServer, client: httpx.Client, path: str, article: dict
) -> None:
    response = client.get(f"{server.base_url}/{path}")
    assert response.status_code == 200
    content_type = response.headers["content-type"]
    assert content_type.split(";")[0] == "text/html"
    body = response.content
    codec = CODECS[article["encoding"]]
    if article["charset_from"] == "meta":
        assert "charset" not in content_type
        assert re.search(rb'<meta[^>]+charset="?' + re.escape(article["encoding"]).encode(), body, re.I)
    else:
        assert content_type.lower().endswith(f"charset={article['encoding']}")
        assert b"charset" not in body.lower()
    if codec != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    markup = body.decode(codec)
    assert f'<link rel="canonical" href="{server.base_url}/{path}"' in markup
    text = page_text(markup)
    assert article["title"] in text
    assert article["key_sentence"] in text
    assert article["last_sentence"] in text
    # the negatives only mean something if the page really carries them
    for unwanted in article["must_not_contain"]:
        assert unwanted in text, unwanted
    if article["source_credit"]:
        assert article["source_credit"] in text
    for embedded in article["embeds_full_text_of"]:
        original = next(a for p, a in ARTICLES if p == embedded)
        assert original["key_sentence"] in text
        assert original["last_sentence"] in text


@pytest.mark.parametrize("path,article", ARTICLES, ids=[path for path, _ in ARTICLES])
def test_links_as_listed_reach_the_page(
    server: SiteServer, client: httpx.Client, path: str, article: dict
) -> None:
    assert article["listed_as"], "nothing lists this article"
    for link in article["listed_as"]:
        response = client.get(f"{server.base_url}/{link}")
        assert response.status_code == 200
        assert f"/{path}".encode() in response.content


def test_shift_jis_page_decodes_only_as_cp932(server: SiteServer, client: httpx.Client) -> None:
    path, article = next((p, a) for p, a in ARTICLES if a["encoding"] == "shift_jis")
    response = client.get(f"{server.base_url}/{path}")
    assert response.headers["content-type"] == "text/html"
    assert b'<meta charset="Shift_JIS">' in response.content
    assert article["key_sentence"] in response.content.decode("cp932")
    assert article["key_sentence"].encode("utf-8") not in response.content


def test_euc_kr_page_names_its_charset_only_in_the_header(server: SiteServer, client: httpx.Client) -> None:
    path, article = next((p, a) for p, a in ARTICLES if a["encoding"] == "euc-kr")
    response = client.get(f"{server.base_url}/{path}")
    assert response.headers["content-type"] == "text/html; charset=EUC-KR"
    assert b"charset" not in response.content.lower()
    assert article["key_sentence"] in response.content.decode("euc-kr")


@pytest.mark.parametrize("failure", FAILURES, ids=[f"{f['kind']}:{f['path']}" for f in FAILURES])
def test_failure_urls_fail_the_expected_way(server: SiteServer, client: httpx.Client, failure: dict) -> None:
    response = client.get(f"{server.base_url}/{failure['path']}")
    assert response.status_code == failure["http_status"]
    assert response.headers["content-type"] == failure["content_type"]
    if failure["kind"] == "not_html":
        assert response.content.startswith(b"%PDF-")
    listed = next(s for s in SOURCES if s["path"] == failure["listed_in"])
    assert failure["path"] in listed["links"]


@pytest.mark.parametrize("outlet_id", list(OUTLETS))
def test_homepage_is_served(server: SiteServer, client: httpx.Client, outlet_id: str) -> None:
    response = client.get(f"{server.base_url}/{OUTLETS[outlet_id]['homepage']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


DEMO = Path(__file__).resolve().parent.parent / "deploy" / "demo"


def test_demo_web_is_up_to_date() -> None:
    made = demo.render()
    assert "outlets.yaml" in made.files and len(made.files) > 40
    assert made.stale(DEMO) == [], "run `python deploy/demo/build.py` and commit the result"
    assert _strays(DEMO, ["sites"], made.files) == []


def test_demo_outlets_serve_every_listed_page(client: httpx.Client) -> None:
    with serve_sites(DEMO / "sites") as demo:
        text = (DEMO / "outlets.yaml").read_text(encoding="utf-8").replace("{{BASE}}", demo.base_url)
        config = parse_outlets(text, "deploy/demo/outlets.yaml")
        statuses: dict[str, int] = {}
        for outlet in config.outlets:
            for url in outlet.feeds + outlet.sitemaps:
                response = client.get(url)
                assert response.status_code == 200, url
                pattern = re.escape(demo.base_url) + r"/[^<\"\s]+\.html"
                for link in set(re.findall(pattern, response.text)):
                    statuses[link] = client.get(link).status_code
        dead = f"{demo.base_url}/newsgrid/story/0030-celebrity-chef-opens-floating-restaurant.html"
    assert len(config.outlets) == 4
    # six article pages per outlet, plus the one story the aggregator pulled after listing it
    assert list(statuses.values()).count(200) == 24
    assert [url for url, status in statuses.items() if status != 200] == [dead]
