"""The synthetic syndicated web: truth is consistent and every truth article is served and discoverable."""

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
from bench.synweb import BASE, KINDS, GroundTruth, generate_web, render_outlets  # noqa: E402

Truth = dict[str, dict[str, dict[str, object]]]


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
        elif kind in ("rss", "RDF") and name == "link" and node.text and "/" in node.text.removeprefix("http://"):
            found.add(node.text.strip())
        elif kind == "feed" and name == "link" and node.get("rel", "alternate") == "alternate":
            found.add(node.get("href", ""))
    return found


def _discover(root: Path, out_dir: Path) -> tuple[str, dict[str, set[str]]]:
    with serve_sites(root) as server, httpx.Client(timeout=10) as client:
        config = load_outlets(render_outlets(out_dir, server.base_url))
        assert config.allow_private_addresses
        found = {o.id: set().union(*(_links(client, u) for u in [*o.feeds, *o.sitemaps]))
                 for o in config.outlets}
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
