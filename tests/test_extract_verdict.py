"""Verdict room: pages that yield no article (blocked, empty, not_article) and briefs that do."""

import pytest

from copydesk.tasks.extract import ExtractionError, extract_article
from tests.test_extract_article import NOW


def test_empty_page_raises_empty() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_article("<html><body><div></div></body></html>", "https://paper.example/x", now=NOW)
    assert caught.value.kind == "empty"


def test_access_denied_interstitial_is_blocked() -> None:
    html = """<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>
    You don't have permission to access "http://paper.example/news/x" on this server.<p>
    Reference #18.5c2e1002.1750000000.1a2b3c</p></body></html>"""
    with pytest.raises(ExtractionError) as caught:
        extract_article(html, "https://paper.example/news/x", now=NOW)
    assert caught.value.kind == "blocked"


def test_brief_with_noscript_note_is_not_blocked() -> None:
    html = """<html><head><title>Ferry cancelled</title><meta property="og:type" content="article"></head>
    <body><noscript>Please enable JavaScript to view the comments.</noscript><article><h1>Ferry cancelled</h1>
    <p>The 6 a.m. ferry to the islands is cancelled today because of high winds.</p>
    </article></body></html>"""
    article = extract_article(html, "https://paper.example/brief/ferry", now=NOW)
    assert "ferry to the islands is cancelled" in article.text


def test_soft_404_is_not_article() -> None:
    html = """<html><head><title>Page not found | Metro Daily</title></head><body><div class="err">
    <h1>Sorry, we couldn't find that page</h1><p>Try the search box or go back to the home page.</p>
    </div></body></html>"""
    with pytest.raises(ExtractionError) as caught:
        extract_article(html, "https://metro.example/news/2025/06/18/gone.html", now=NOW)
    assert caught.value.kind == "not_article"


def test_short_brief_is_kept() -> None:
    html = """<html><head><title>Ferry cancelled</title><meta property="og:type" content="article"></head>
    <body><nav><a href="/a">Home</a> <a href="/b">News</a> <a href="/c">Weather</a></nav>
    <article><h1>Ferry cancelled</h1>
    <p>The 6 a.m. ferry to the islands is cancelled today because of high winds.</p>
    </article></body></html>"""
    article = extract_article(html, "https://paper.example/brief/ferry", now=NOW)
    assert "ferry to the islands is cancelled" in article.text
