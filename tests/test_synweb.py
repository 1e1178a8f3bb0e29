"""bench.synweb's bench webs (generated, CJK, real): truth is consistent and every truth article is served,
discoverable and in the bytes it says; the feed layouts every web uses."""

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import httpx
import pytest

from copydesk.loopback import serve_sites
from copydesk.tasks.outlets import load_outlets

# bench/ is not an installed package, and `.venv/bin/pytest` (unlike `python -m pytest`) leaves the repo
# root off sys.path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.synweb import BASE, KINDS, WEBS, GroundTruth, build_web, feeds, generate_web, render_outlets  # noqa: E402
from bench.synweb.cjk import generate_cjk_web  # noqa: E402
from bench.synweb.real import RealPage, generate_real_web  # noqa: E402
from bench.synweb.sources import SourceText, read_stories  # noqa: E402

Truth = dict[str, dict[str, dict[str, object]]]
SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> GroundTruth:
    return generate_web(tmp_path_factory.mktemp("synweb"), n_stories=12)


@pytest.fixture(scope="module")
def truth(web: GroundTruth) -> Truth:
    return web.load()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _links(client: httpx.Client, url: str) -> set[str]:
    """Article URLs a feed or sitemap lists, following sitemap indexes."""
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    found: set[str] = set()
    kind = _local(root.tag)
    for node in root.iter():
        name = _local(node.tag)
        if kind == "sitemapindex" and name == "loc":
            found |= _links(client, (node.text or "").strip())
        elif kind == "urlset" and name == "loc":
            found.add((node.text or "").strip())
        elif (
            kind in ("rss", "RDF")
            and name == "link"
            and node.text
            and "/" in node.text.removeprefix("http://")
        ):
            found.add(node.text.strip())
        elif kind == "feed" and name == "link" and node.get("rel", "alternate") == "alternate":
            found.add(node.get("href", ""))
    return found


def _discover(root: Path, out_dir: Path) -> tuple[str, dict[str, set[str]]]:
    with serve_sites(root) as server, httpx.Client(timeout=10) as client:
        config = load_outlets(render_outlets(out_dir, server.base_url))
        assert config.allow_private_addresses
        found = {
            o.id: set().union(*(_links(client, u) for u in [*o.feeds, *o.sitemaps])) for o in config.outlets
        }
        return server.base_url, found


def test_each_story_has_one_original_and_every_kind_exists(truth: Truth) -> None:
    originals = Counter(e["story"] for e in truth["articles"].values() if e["is_original"])
    assert set(originals) == set(truth["stories"]) and set(originals.values()) == {1}
    for url, entry in truth["articles"].items():
        story = truth["stories"][str(entry["story"])]
        assert (story["original"] == url) == entry["is_original"]
        assert entry["key_sentence"] not in entry["must_not_contain"]
        assert url.startswith(f"{BASE}/{entry['outlet']}/")
    kinds = Counter(str(e["kind"]) for e in truth["articles"].values())
    assert set(kinds) == set(KINDS)
    # copies arriving a run later, including copies of stories whose original was in run 1
    late = [e for e in truth["articles"].values() if e["run"] == 2 and not e["is_original"]]
    assert any(truth["stories"][str(e["story"])]["run"] == 1 for e in late)
    related = {s["related_to"] for s in truth["stories"].values() if s["kind"] in ("followup", "twin")}
    assert related and related <= set(truth["stories"])


@pytest.mark.parametrize("run", [1, 2], ids=["run1", "run2"])
def test_every_truth_article_is_listed_by_its_outlet_in_its_run(
    web: GroundTruth, truth: Truth, run: int
) -> None:
    root = web.sites if run == 1 else web.sites_run2
    assert root is not None
    base, found = _discover(root, web.out_dir)
    for url, entry in truth["articles"].items():
        urls = {u.replace(BASE, base) for u in [url, *entry["variants"]]}  # type: ignore[misc]
        listed = bool(urls & found[str(entry["outlet"])])
        assert listed == (int(entry["run"]) <= run), (url, entry["run"], run)


def test_pages_serve_their_key_sentence_in_their_encoding(web: GroundTruth, truth: Truth) -> None:
    assert web.sites_run2 is not None
    seen_sjis = 0
    with serve_sites(web.sites_run2) as server, httpx.Client(timeout=10) as client:
        for url, entry in truth["articles"].items():
            response = client.get(url.replace(BASE, server.base_url))
            assert response.status_code == 200, url
            assert b"{{BASE}}" not in response.content
            if entry["encoding"] == "cp932":
                seen_sjis += 1
                # whichever of the two names a decoder trusts, the bytes read the same
                text = response.content.decode("cp932")
                assert response.content.decode("shift_jis") == text
                assert 'charset="Shift_JIS"' in text or "charset=Shift_JIS" in text
                with pytest.raises(UnicodeDecodeError):
                    response.content.decode("utf-8")
            else:
                text = response.content.decode("utf-8")
            assert str(entry["key_sentence"]) in text, url
            assert f'rel="canonical" href="{server.base_url}/' in text
            for variant in entry["variants"]:  # type: ignore[attr-defined]
                page = client.get(variant.replace(BASE, server.base_url))
                assert page.status_code == 200
                assert f'<link rel="canonical" href="{url.replace(BASE, server.base_url)}">' in page.text
    assert seen_sjis >= 1


def test_run1_root_lacks_run2_pages(web: GroundTruth, truth: Truth) -> None:
    for url, entry in truth["articles"].items():
        path = url.removeprefix(BASE + "/")
        assert (web.sites / path).is_file() == (entry["run"] == 1)
        assert web.sites_run2 is not None and (web.sites_run2 / path).is_file()


def test_same_seed_same_web(web: GroundTruth, tmp_path: Path) -> None:
    again = generate_web(tmp_path, n_stories=12)
    assert again.truth_file.read_bytes() == web.truth_file.read_bytes()
    other = generate_web(tmp_path / "other", n_stories=12, seed=8)
    assert other.truth_file.read_bytes() != web.truth_file.read_bytes()


# -- the layouts every web's feeds are written in


def test_feeds_pretty_and_compact_layouts() -> None:
    items = [feeds.rss_item("A & B", "http://x/a?p=1&q=2", "Mon, 16 Jun 2025 10:00:00 GMT", "d", guid="g1")]
    channel = feeds.rss_channel("Name", "http://x/", "About", "en")
    pretty = feeds.xml_document(feeds.rss(channel, items), pretty=True)
    assert pretty.splitlines()[1:5] == ['<rss version="2.0">', "  <channel>", "    <title>Name</title>",
                                         "    <link>http://x/</link>"]  # fmt: skip
    assert "      <title>A &amp; B</title>" in pretty and "      <guid>g1</guid>" in pretty
    compact = feeds.xml_document(feeds.rss(channel, items), pretty=False)
    assert compact.splitlines() == [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        "<title>Name</title><link>http://x/</link><description>About</description><language>en</language>",
        "<item><title>A &amp; B</title><link>http://x/a?p=1&amp;q=2</link><guid>g1</guid>"
        "<pubDate>Mon, 16 Jun 2025 10:00:00 GMT</pubDate><description>d</description></item>",
        "</channel></rss>",
    ]
    entry = feeds.atom_entry("T", "http://x/t", "http://x/t", "2025-06-16", "2025-06-16", "s", authors=["A"])
    atom = feeds.xml_document(feeds.atom([feeds.el("title", "Feed")], [entry]), pretty=False)
    assert atom.splitlines()[1] == '<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>'
    for document in (pretty, compact, atom):
        ET.fromstring(document.encode())


# -- the CJK web


@pytest.fixture(scope="module")
def cjk_web(tmp_path_factory: pytest.TempPathFactory) -> GroundTruth:
    return generate_cjk_web(tmp_path_factory.mktemp("cjk"), n_stories=40, page_bytes=20_000)


# what a page's bytes are in each truth encoding, and how the page or its server names it
CJK_CODECS = {"utf-8": "utf-8", "cp932": "shift_jis", "euc-jp": "euc_jp", "euc-kr": "euc_kr"}


def test_cjk_web_serves_legacy_charsets_it_declares(cjk_web: GroundTruth) -> None:
    truth = cjk_web.load()
    articles = truth["articles"]
    languages = Counter(str(s["language"]) for s in truth["stories"].values())
    assert set(languages) == {"ja", "ko", "zh"} and languages["ja"] > languages["zh"]
    encodings = Counter(str(e["encoding"]) for e in articles.values())
    assert set(encodings) == set(CJK_CODECS)
    base, found = _discover(cjk_web.sites, cjk_web.out_dir)
    with serve_sites(cjk_web.sites) as server, httpx.Client(timeout=10) as client:
        for url, entry in articles.items():
            assert url.replace(BASE, base) in found[str(entry["outlet"])], url
            response = client.get(url.replace(BASE, server.base_url))
            assert response.status_code == 200, url
            codec = CJK_CODECS[str(entry["encoding"])]
            declared = response.headers["content-type"] + response.content[:600].decode("ascii", "replace")
            if codec != "utf-8":
                with pytest.raises(UnicodeDecodeError):
                    response.content.decode("utf-8")
                assert codec.replace("_", "-") in declared.lower().replace("_", "-")
            text = response.content.decode(codec)
            assert str(entry["key_sentence"]) in text, url
            if entry["kind"] == "original":
                assert len(response.content) >= 15_000  # padded to ~20 kB, measured in UTF-8


def test_cjk_stories_are_long(cjk_web: GroundTruth) -> None:
    originals = [u for u, e in cjk_web.load()["articles"].items() if e["kind"] == "original"]
    paragraphs = [(cjk_web.sites / u.removeprefix(BASE + "/")).read_bytes().count(b"<p>") for u in originals]
    assert min(paragraphs) >= 14


# -- the real web, from pages of our own (the real pages of ../shared/bench are the benchmark's)


def _fixture_pages() -> list[RealPage]:
    """The fixture web's original pages as 'real' pages, with their texts from tests/sites/src; harbor's
    pages lose their meta charset, as pages whose server alone names the charset."""
    codecs = {"harbor": "utf-8", "metro": "utf-8", "valley": "utf-8", "tokyo": "cp932"}
    pages = []
    for outlet, codec in codecs.items():
        for story in read_stories(SITES / "src" / f"{outlet}.txt"):
            html = (SITES / story.path).read_bytes().decode(codec)
            undeclared = outlet == "harbor"
            if undeclared:
                html = html.replace('<meta charset="utf-8">', "")
            text = SourceText(story.path, story.title, story.paragraphs, "ja" if outlet == "tokyo" else "en")
            pages.append(RealPage(html, codec, undeclared, text))
    return pages


@pytest.fixture(scope="module")
def real_web(tmp_path_factory: pytest.TempPathFactory) -> GroundTruth:
    pages = _fixture_pages()
    return generate_real_web(tmp_path_factory.mktemp("real"), n_stories=3 * len(pages), pages=pages)


def test_real_web_places_each_page_on_several_outlets_with_distinct_bytes(real_web: GroundTruth) -> None:
    truth = real_web.load()
    placements = [(u, e) for u, e in truth["articles"].items() if e["kind"] == "real"]
    assert len(placements) == real_web.stories
    assert {e["kind"] for e in truth["articles"].values()} > {"real", "full"}
    by_text: dict[str, list[str]] = {}
    for url, entry in placements:
        by_text.setdefault(str(truth["stories"][str(entry["story"])]["source_text"]), []).append(url)
    base, found = _discover(real_web.sites, real_web.out_dir)
    with serve_sites(real_web.sites) as server, httpx.Client(timeout=10) as client:
        for urls in by_text.values():
            assert len(urls) == 3
            bodies = []
            for url in urls:
                outlet = url.removeprefix(BASE + "/").split("/", 1)[0]
                assert url.replace(BASE, base) in found[outlet]
                response = client.get(url.replace(BASE, server.base_url))
                assert response.status_code == 200
                served_url = url.replace(BASE, server.base_url)
                entry = truth["articles"][url]
                codec = "cp932" if entry["encoding"] == "cp932" else str(entry["encoding"])
                markup = response.content.decode(codec)
                assert markup.count('rel="canonical"') == 1
                assert f'<link rel="canonical" href="{served_url}">' in markup
                assert str(entry["key_sentence"]) in markup
                assert 'class="more-from"' in markup
                bodies.append(response.content)
            assert len(set(bodies)) == 3
            assert len({url.removeprefix(BASE + "/").split("/", 1)[0] for url in urls}) == 3


def test_real_web_keeps_legacy_bytes_and_names_utf8_for_undeclared_pages(real_web: GroundTruth) -> None:
    truth = real_web.load()
    placements = {u: str(truth["stories"][str(e["story"])]["source_text"])
                  for u, e in truth["articles"].items() if e["kind"] == "real"}  # fmt: skip
    sjis = next(u for u, text in placements.items() if text.startswith("tokyo/"))
    undeclared = next(u for u, text in placements.items() if text.startswith("harbor/"))
    declared = next(u for u, text in placements.items() if text.startswith("metro/"))
    with serve_sites(real_web.sites) as server, httpx.Client(timeout=10) as client:
        body = client.get(sjis.replace(BASE, server.base_url)).content
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        assert b'<meta charset="Shift_JIS">' in body and truth["articles"][sjis]["encoding"] == "cp932"
        assert client.get(undeclared.replace(BASE, server.base_url)).headers["content-type"] == (
            "text/html; charset=utf-8"
        )
        assert client.get(declared.replace(BASE, server.base_url)).headers["content-type"] == "text/html"


def test_build_web_names_every_kind(tmp_path: Path) -> None:
    assert WEBS == ("generated", "real", "cjk")
    web = build_web("cjk", tmp_path / "cjk", n_stories=12)
    assert web.load()["meta"]["web"] == "cjk" and web.sites_run2 is None
    with pytest.raises(ValueError, match="unknown web"):
        build_web("nope", tmp_path / "nope")
