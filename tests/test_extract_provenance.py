"""Provenance room: canonical URLs, article ids and credit lines found in the page."""

import lxml.html
import pytest

from copydesk.tasks.extract import article_id_for, canonical_url
from copydesk.tasks.extract.provenance import find_credit_line


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Example.COM:443/News/Story?utm_source=x&b=2&a=1#top",
            "https://www.example.com/News/Story?a=1&b=2",
        ),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ocid=5&cmpid=6", "https://example.com/a"),
        (
            "https://example.com/a?_ga=1&igshid=2&ref=tw&ref_src=twsrc&at_medium=x&at_campaign=y",
            "https://example.com/a",
        ),
        ("https://example.com/a?spm=a2c.1&id=7", "https://example.com/a?id=7"),
        ("https://example.com/news/story/amp/", "https://example.com/news/story/"),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/amp/news/story", "https://example.com/news/story"),
        ("https://example.com/news/story?amp", "https://example.com/news/story"),
        ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
        ("https://example.com/news/story?outputType=amp", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://amp.example.com/news/story", "https://www.example.com/news/story"),
        (
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story",
            "https://www.example.com/news/story",
        ),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/search?q=amp+fuel", "https://example.com/search?q=amp+fuel"),
    ],
    ids=[
        "case-port-fragment-sort",
        "http-default-port",
        "other-port-kept",
        "trailing-question-mark",
        "click-ids",
        "ga-social-refs",
        "spm-dropped-id-kept",
        "amp-suffix-slash",
        "amp-suffix",
        "amp-prefix-segment",
        "amp-flag",
        "amp-flag-value",
        "output-type-amp",
        "amp-html",
        "amp-host",
        "amp-cache",
        "empty-path",
        "amp-in-value-kept",
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "https://Example.com/amp/news/x?utm_medium=a&z=1&b=2"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_article_id_is_stable_hex_of_canonical() -> None:
    a = article_id_for("https://example.com/x?utm_source=feed")
    assert a == article_id_for("HTTPS://EXAMPLE.COM/x#frag")
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != article_id_for("https://example.com/y")


def test_find_credit_line_finds_a_credit_among_dates_and_years() -> None:
    page = (
        "<html><body><p>Filed 12/2019 and updated in 2020-21.</p>"
        "<div><p>Text of the story, long enough that its block is no credit line.</p>"
        "<span>NHK18-06-2025</span></div></body></html>"
    )
    assert find_credit_line(lxml.html.document_fromstring(page)) == "NHK18-06-2025"
    no_credit = page.replace("<span>NHK18-06-2025</span>", "<span>18-06-2025</span>")
    assert find_credit_line(lxml.html.document_fromstring(no_credit)) is None
