"""copydesk's feed and sitemap parser against the conformance corpus (tests/feed_corpus.py), case by case."""

import pytest

from copydesk.tasks.discover import SitemapParse, parse_feed_document, parse_sitemap
from tests.feed_corpus import CASES, DEFECTS, Case, Item


def read_case(case: Case) -> SitemapParse:
    """The case's document through copydesk's parser, as discovery reads it."""
    parse = parse_feed_document if case.kind == "feed" else parse_sitemap
    return parse(case.body, case.url, "paper", content_type=case.content_type)


def items_of(parsed: SitemapParse) -> list[Item]:
    """What the parser returned, in the corpus' terms."""
    return [Item(link.url, link.title, link.published_at or link.modified_at) for link in parsed.links]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corpus_case(case: Case) -> None:
    parsed = read_case(case)
    assert items_of(parsed) == list(case.items)
    assert [url for url, _ in parsed.children] == list(case.children)


def test_every_defect_class_has_cases() -> None:
    covered = {case.defect for case in CASES}
    assert set(DEFECTS) <= covered


WHOLE = (
    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>https://a.example/whole</loc><lastmod>2025-06-18</lastmod></url>"
)


@pytest.mark.parametrize(
    ("tail", "last"),
    [
        pytest.param("<url><loc>https://a.example/cut-sh", None, id="inside-loc"),
        pytest.param(
            "<url><loc>https://a.example/x</loc><lastmod>2025-06-1",
            ("https://a.example/x", None),
            id="inside-lastmod",
        ),
        pytest.param("<url><loc>https://a.example/x</loc>", ("https://a.example/x", None), id="after-loc"),
        pytest.param(
            "<url><loc>https://a.example/x</loc><lastm", ("https://a.example/x", None), id="inside-tag"
        ),
        pytest.param(
            "<url><loc>https://a.example/x</loc><lastmod>2025-06-18</lastmod></url>",
            ("https://a.example/x", "2025-06-18"),
            id="after-entry",
        ),
    ],
)
def test_a_truncated_sitemap_keeps_only_what_arrived_whole(
    tail: str, last: tuple[str, str | None] | None
) -> None:
    links = parse_sitemap((WHOLE + tail).encode(), "https://a.example/s.xml", "a").links
    assert links[0].url == "https://a.example/whole"
    found = [
        (link.url, link.modified_at.date().isoformat() if link.modified_at else None) for link in links[1:]
    ]
    assert found == ([last] if last else [])
