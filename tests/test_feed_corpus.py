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
