"""extract_article end to end: golden pages (key sentences in, boilerplate out, every field)."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from copydesk.tasks.extract import ExtractionError, article_id_for, extract_article
from copydesk.tasks.models import Link

GOLDEN = Path(__file__).parent / "golden"


GOLDEN_NAMES = sorted(p.name.removesuffix(".expected.json") for p in GOLDEN.glob("*.expected.json"))


NOW = datetime(2025, 6, 20, tzinfo=UTC)


def load_golden(name: str) -> tuple[str, dict[str, Any]]:
    html = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((GOLDEN / f"{name}.expected.json").read_text(encoding="utf-8"))
    return html, expected


def _call_kwargs(expected: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(expected.get("call", {}))
    if "now" in kwargs:
        kwargs["now"] = datetime.fromisoformat(kwargs["now"])
    if "link" in kwargs:
        kwargs["link"] = Link(**kwargs["link"])
    return kwargs


def test_golden_fixtures_exist() -> None:
    for name in GOLDEN_NAMES:
        assert (GOLDEN / f"{name}.html").is_file(), name
    assert len(GOLDEN_NAMES) >= 10


@pytest.mark.parametrize("name", GOLDEN_NAMES, ids=GOLDEN_NAMES)
def test_golden_page(name: str) -> None:
    html, expected = load_golden(name)
    kwargs = _call_kwargs(expected)
    if "error" in expected:
        with pytest.raises(ExtractionError) as caught:
            extract_article(html, expected["url"], **kwargs)
        assert caught.value.kind == expected["error"]
        return
    article = extract_article(html, expected["url"], **kwargs)
    for sentence in expected["must_contain"]:
        assert sentence in article.text, sentence
    for boilerplate in expected["must_not_contain"]:
        assert boilerplate not in article.text, boilerplate
    assert article.title == expected["title"]
    assert article.url == expected["canonical_url"]
    assert article.article_id == article_id_for(expected["canonical_url"])
    assert article.fetched_url == expected["url"]
    assert article.based_on_url == expected["based_on_url"]
    assert article.published_at == datetime.fromisoformat(expected["published_at"])
    assert article.published_at_source == expected["published_at_source"]
    assert article.language == expected["language"]
    for key in ("authors", "source_credit", "site_name", "access"):
        if key in expected:
            assert getattr(article, key) == expected[key], key
    if "modified_at" in expected:
        assert article.modified_at == datetime.fromisoformat(expected["modified_at"])
    if "min_word_count" in expected:
        assert article.word_count >= expected["min_word_count"]
    if "no_candidate_after" in expected:
        limit = datetime.fromisoformat(expected["no_candidate_after"])
        assert all(c.value <= limit for c in article.date_candidates)
    assert article.word_count > 0
    assert len(article.content_hash) == 40
    assert article.published_at_source in {c.source for c in article.date_candidates}


def test_extraction_is_repeatable() -> None:
    html, expected = load_golden("div_soup_graph")
    kwargs = _call_kwargs(expected)
    first = extract_article(html, expected["url"], **kwargs)
    second = extract_article(html, expected["url"], **kwargs)
    assert first == second
