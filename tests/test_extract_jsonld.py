"""JSON-LD room: blocks read one by one; a broken or hostile block is skipped and the page goes on."""

import pytest

from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.jsonld import MAX_DEPTH, MAX_NUMBER_CHARS, jsonld_objects, load_json
from copydesk.tasks.extract.tree import parse_html
from tests.test_extract_article import NOW

GOOD_BLOCK = (
    '{"@context":"https://schema.org","@type":"NewsArticle","headline":"Harbour board picks ferry bid",'
    '"datePublished":"2025-06-18T10:00:00Z","author":{"@type":"Person","name":"Mira Okafor"}}'
)
HOSTILE_BLOCKS = {
    "long-integer": '{"@type":"NewsArticle","wordCount":' + "9" * 50_000 + "}",
    "long-float": '{"@type":"NewsArticle","ratingValue":1.' + "5" * 50_000 + "}",
    "deep-array": "[" * 200_000 + "]" * 200_000,
    "deep-under-the-parser-limit": '{"headline":' + "[" * 900 + '"x"' + "]" * 900 + "}",
    "not-json": '{"@type": "NewsArticle", headline: Harbour}',
}


def _page(*blocks: str) -> str:
    scripts = "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    body = "The harbour board chose the lower of two bids for the new ferry terminal on Tuesday. " * 4
    return (
        f"<html><head><title>Harbour board picks ferry bid</title>{scripts}</head><body><article>"
        f"<h1>Harbour board picks ferry bid</h1><p>{body}</p></article></body></html>"
    )


@pytest.mark.parametrize("block", list(HOSTILE_BLOCKS.values()), ids=list(HOSTILE_BLOCKS))
def test_hostile_block_is_skipped_and_the_page_keeps_its_good_block(block: str) -> None:
    article = extract_article(_page(block, GOOD_BLOCK), "https://harbour.example/news/ferry-bid", now=NOW)
    assert article.published_at_source == "jsonld"
    assert article.authors == ["Mira Okafor"]
    assert "lower of two bids" in article.text


@pytest.mark.parametrize("block", list(HOSTILE_BLOCKS.values()), ids=list(HOSTILE_BLOCKS))
def test_hostile_block_reads_as_nothing(block: str) -> None:
    assert load_json(block) is None


def test_bounds_leave_ordinary_blocks_alone() -> None:
    nested = '{"a":' + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2) + "}"
    assert load_json(nested) is not None
    assert load_json('{"n": ' + "7" * MAX_NUMBER_CHARS + "}") == {"n": int("7" * MAX_NUMBER_CHARS)}
    assert load_json('{"n": -12, "x": 1.5e3}') == {"n": -12, "x": 1500.0}


def test_usual_slips_are_forgiven() -> None:
    assert load_json('<!--{"@type":"NewsArticle",}-->') == {"@type": "NewsArticle"}
    assert load_json('//<![CDATA[\n{"@type":"NewsArticle"}\n//]]>') == {"@type": "NewsArticle"}
    assert load_json('{"headline": "line one\nline two"}') == {"headline": "line one\nline two"}


def test_objects_flatten_through_graph_and_main_entity_only() -> None:
    block = (
        '{"@graph":[{"@type":"WebPage","mainEntity":{"@type":"NewsArticle","headline":"A"}},'
        '{"@type":"Organization","name":"Harbour Post"}],'
        '"citation":{"@type":"NewsArticle","headline":"Related"}}'
    )
    tree = parse_html(_page(block))
    assert tree is not None
    headlines = [obj.get("headline") for obj in jsonld_objects(tree)]
    assert "A" in headlines and "Related" not in headlines
