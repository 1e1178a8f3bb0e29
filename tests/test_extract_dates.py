"""Dates room: parsing, candidates from the page and its link, and the choice of published_at."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from copydesk.tasks.extract import extract_article, parse_date, resolve_dates
from copydesk.tasks.extract.dates import DATE_ONLY, EXACT, NAIVE, Candidate
from copydesk.tasks.models import Link
from tests.test_extract_article import NOW, load_golden

NOW_2026 = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        ("2025-06-18T09:30:00+09:00", datetime(2025, 6, 18, 0, 30, tzinfo=UTC), EXACT),
        ("2025-06-18T00:30:00Z", datetime(2025, 6, 18, 0, 30, tzinfo=UTC), EXACT),
        ("Wed, 18 Jun 2025 00:30:00 GMT", datetime(2025, 6, 18, 0, 30, tzinfo=UTC), EXACT),
        ("2025-06-18 09:30", datetime(2025, 6, 18, 9, 30, tzinfo=UTC), NAIVE),
        ("2025-06-18", datetime(2025, 6, 18, 12, 0, tzinfo=UTC), DATE_ONLY),
        ("June 18, 2025", datetime(2025, 6, 18, 12, 0, tzinfo=UTC), DATE_ONLY),
        ("1750206600", datetime(2025, 6, 18, 0, 30, tzinfo=UTC), EXACT),
        ("18 Jun 2025 10:00 CEST", datetime(2025, 6, 18, 8, 0, tzinfo=UTC), EXACT),
        ("Wednesday, June 18, 2025 at 9:30 PM EDT", datetime(2025, 6, 19, 1, 30, tzinfo=UTC), EXACT),
        # the one parser's readings (copydesk.tasks.dates), as feeds get them
        ("June 18, 2025 9:30 AM ET", datetime(2025, 6, 18, 13, 30, tzinfo=UTC), EXACT),
        ("Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)", datetime(2012, 8, 30, 15, 26, 16, tzinfo=UTC), EXACT),
    ],
    ids=[
        "iso-offset",
        "iso-z",
        "rfc2822",
        "naive",
        "date-only-noon",
        "words",
        "epoch",
        "cest",
        "edt",
        "us-region-zone",
        "javascript",
    ],  # fmt: skip
)
def test_parse_date(raw: str, value: datetime, precision: int) -> None:
    parsed = parse_date(raw)
    assert parsed is not None
    assert parsed == (value, precision)


def test_naive_time_takes_outlet_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    parsed = parse_date("2025-06-18 21:30", tokyo)
    assert parsed == (datetime(2025, 6, 18, 12, 30, tzinfo=UTC), NAIVE)


def test_parse_date_rejects_garbage() -> None:
    assert parse_date("yesterday-ish") is None
    assert parse_date("2025") is None  # a year alone is no publication date
    assert parse_date("2025-06") is None  # nor a month
    assert parse_date("") is None


def _candidate(source: str, value: datetime, precision: int = EXACT, role: str = "published") -> Candidate:
    return Candidate(source, value, precision, role)


def test_priority_jsonld_over_meta_over_feed() -> None:
    day = datetime(2025, 6, 18, 3, 0, tzinfo=UTC)
    published, _ = resolve_dates(
        [
            _candidate("feed", day + timedelta(hours=2)),
            _candidate("meta", day + timedelta(hours=1)),
            _candidate("jsonld", day),
            _candidate("htmldate", day, DATE_ONLY),
        ]
    )
    assert published is not None and published.source == "jsonld"


def test_date_only_refined_by_precise_lower_priority() -> None:
    day = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)
    published, _ = resolve_dates(
        [_candidate("jsonld", day, DATE_ONLY), _candidate("time", day.replace(hour=7))]
    )
    assert published is not None
    assert (published.source, published.value) == ("time", day.replace(hour=7))


def test_precise_candidate_far_away_does_not_override() -> None:
    day = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)
    published, _ = resolve_dates(
        [_candidate("credit", day, DATE_ONLY), _candidate("sitemap", day + timedelta(days=5))]
    )
    assert published is not None and published.source == "credit"


def test_modified_before_published_is_dropped() -> None:
    day = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)
    published, modified = resolve_dates(
        [_candidate("meta", day), _candidate("http", day - timedelta(days=2), role="modified")]
    )
    assert published is not None and modified is None


def test_future_and_ancient_dates_are_not_candidates() -> None:
    html = """<html><head><title>Old pier reopens</title>
    <meta property="article:published_time" content="2099-01-01T00:00:00Z">
    <meta name="dc.date" content="1990-01-01"></head><body><article><h1>Old pier reopens</h1>
    <p>The old pier reopened to walkers on Saturday after a two-year repair of its iron legs and deck
    boards.</p><p>Anglers will be allowed back at the far end from next month, the council said.</p>
    </article></body></html>"""
    article = extract_article(html, "https://paper.example/2025/06/14/pier", now=NOW)
    assert article.published_at_source == "url"
    assert all(
        datetime(1995, 1, 1, tzinfo=UTC) <= c.value <= NOW + timedelta(days=1)
        for c in article.date_candidates
    )


def test_feed_date_used_when_page_has_none() -> None:
    html, _ = load_golden("url_date_only")
    link = Link(
        url="https://eastbrookpost.example/fete",
        outlet_id="eastbrook",
        via="news_sitemap",
        found_in="https://eastbrookpost.example/news-sitemap.xml",
        published_at=datetime(2025, 6, 14, 18, 30, tzinfo=UTC),
    )
    article = extract_article(html, "https://eastbrookpost.example/fete", link=link, now=NOW)
    assert article.published_at == datetime(2025, 6, 14, 18, 30, tzinfo=UTC)
    assert article.published_at_source == "news_sitemap"


def test_url_date_refined_by_precise_sitemap_time() -> None:
    html, expected = load_golden("url_date_only")
    link = Link(
        url=expected["url"],
        outlet_id="eastbrook",
        via="sitemap",
        found_in="https://eastbrookpost.example/sitemap.xml",
        published_at=datetime(2025, 6, 14, 9, 15, tzinfo=UTC),
    )
    article = extract_article(html, expected["url"], link=link, now=NOW)
    # the URL says the day, the sitemap the time of that day
    assert article.published_at == datetime(2025, 6, 14, 9, 15, tzinfo=UTC)
    assert article.published_at_source == "sitemap"


def test_http_last_modified_is_modified_evidence() -> None:
    html, expected = load_golden("url_date_only")
    stamp = datetime(2025, 6, 15, 8, 0, tzinfo=UTC)
    article = extract_article(html, expected["url"], http_last_modified=stamp, now=NOW)
    assert article.modified_at == stamp
    assert any(c.source == "http" and c.role == "modified" for c in article.date_candidates)


_DATED_BY_TEXT_ONLY = """<html><head><title>Harbour lights return</title></head><body><article>
<h1>Harbour lights return</h1><p class="byline">Published 12 June 2025</p>
<p>The strings of lights along the harbour wall were switched back on on Thursday evening after the council
replaced the old cabling that had failed in the winter storms.</p>
<p>Traders on the quay said the evening trade had suffered without them and welcomed the return.</p>
</article></body></html>"""


def test_htmldate_guess_only_when_nothing_else_dates_the_page() -> None:
    undated_url = "https://paper.example/news/harbour-lights"
    alone = extract_article(_DATED_BY_TEXT_ONLY, undated_url, now=NOW)
    assert [c.source for c in alone.date_candidates] == ["htmldate"]
    assert alone.published_at_source == "htmldate"
    assert alone.published_at is not None and alone.published_at.date().isoformat() == "2025-06-12"

    # with a date from the URL, trafilatura's guess (which reads the URL too) is neither made nor listed
    dated = extract_article(_DATED_BY_TEXT_ONLY, "https://paper.example/2025/06/12/harbour-lights", now=NOW)
    assert [c.source for c in dated.date_candidates] == ["url"]

    # a future-dated meta tag is no date: the guess is still made
    future = _DATED_BY_TEXT_ONLY.replace(
        "</head>", '<meta property="article:published_time" content="2099-01-01T00:00:00Z"></head>'
    )
    assert extract_article(future, undated_url, now=NOW).published_at_source == "htmldate"


_BODY = (
    "<p>" + "The ferry timetable changes from Monday, with two extra crossings in the evening. " * 4 + "</p>"
)


def _dated_page(head: str, lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<html{lang_attr}><head><title>Ferry timetable changes</title>{head}</head><body><article>"
        f"<h1>Ferry timetable changes</h1>{_BODY}</article></body></html>"
    )


def _ld(**fields: str) -> str:
    return (
        '<script type="application/ld+json">' + json.dumps({"@type": "NewsArticle", **fields}) + "</script>"
    )


def test_naive_jsonld_time_is_read_in_the_offset_of_the_pages_zoned_dates() -> None:
    head = _ld(datePublished="2026-05-13 15:44") + (
        '<meta property="og:updated_time" content="2026-05-13T16:10:29+02:00">'
    )
    article = extract_article(_dated_page(head), "https://faehre.example/news/fahrplan", now=NOW_2026)
    assert article.published_at == datetime(2026, 5, 13, 13, 44, tzinfo=UTC)
    assert article.published_at_source == "jsonld"


def test_naive_time_is_read_in_the_zone_of_the_page_language() -> None:
    page = _dated_page(_ld(datePublished="2026-01-29 18:40"), lang="ko")
    article = extract_article(page, "https://hangu.example/article/1", now=NOW_2026)
    assert article.published_at == datetime(2026, 1, 29, 9, 40, tzinfo=UTC)
    british = _dated_page(_ld(datePublished="2026-01-29 18:40"), lang="en-GB")
    assert extract_article(british, "https://x.example/a", now=NOW_2026).published_at == datetime(
        2026, 1, 29, 18, 40, tzinfo=UTC
    )


def test_naive_time_stays_utc_where_the_language_spans_zones_and_the_outlet_zone_wins() -> None:
    page = _dated_page(_ld(datePublished="2026-01-29 18:40"), lang="en-US")
    assert extract_article(page, "https://x.example/a", now=NOW_2026).published_at == datetime(
        2026, 1, 29, 18, 40, tzinfo=UTC
    )
    german = _dated_page(_ld(datePublished="2026-01-29 18:40"), lang="de")
    article = extract_article(german, "https://x.example/a", now=NOW_2026, outlet_timezone="Asia/Tokyo")
    assert article.published_at == datetime(2026, 1, 29, 9, 40, tzinfo=UTC)


def test_misspelled_published_time_meta_is_read() -> None:
    head = '<meta property="article:published:time" content="2026-02-03T07:05:00+01:00">'
    article = extract_article(_dated_page(head), "https://x.example/a", now=NOW_2026)
    assert article.published_at == datetime(2026, 2, 3, 6, 5, tzinfo=UTC)
    assert article.published_at_source == "meta"


def test_fact_check_claim_review_dates_the_page() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
        '"ClaimReview", "datePublished": "2026-05-13T15:44:00+02:00", "author": {"@type": "Organization", '
        '"name": "Faktencheck Hafen"}, "itemReviewed": {"@type": "Claim", "datePublished": "2026-05-07"}}]}'
        "</script>"
    )
    article = extract_article(_dated_page(ld), "https://faktencheck.example/doc/1", now=NOW_2026)
    assert article.published_at == datetime(2026, 5, 13, 13, 44, tzinfo=UTC)
    assert article.authors == ["Faktencheck Hafen"]


def _dated_by_url_and_dateline(dateline: str, lang: str = "de", related: str = "") -> str:
    """A page whose markup dates it only by its URL's day and whose template prints the time under the
    headline, with a box of other stories' times further down."""
    return (
        f'<html lang="{lang}"><head><title>Fährplan ändert sich</title></head><body><article class="story">'
        f'<h1 class="story_title">Fährplan ändert sich</h1><div class="story_meta">{dateline}'
        '<span class="story_cat">in: <a href="/kat/hafen/">Hafen</a></span></div>'
        f"<div class='story_text'>{_BODY}</div>{related}</article></body></html>"
    )


_DATELINE_URL = "https://faehre.example/2026/04/01/faehrplan/"


@pytest.mark.parametrize(
    ("dateline", "lang", "published"),
    [
        (
            '<span class="meta_date">erstellt: <strong>01. April 2026, 15:25</strong></span>',
            "de",
            datetime(2026, 4, 1, 13, 25, tzinfo=UTC),
        ),
        ('<p class="dateline">01.04.2026 um 9.05 Uhr</p>', "de", datetime(2026, 4, 1, 7, 5, tzinfo=UTC)),
        (
            '<div class="timestamp">Published 11:11 PM EST Apr 1, 2026</div>',
            "en",
            datetime(2026, 4, 2, 4, 11, tzinfo=UTC),
        ),
        ('<time class="pub">2026年4月1日 15時25分</time>', "ja", datetime(2026, 4, 1, 6, 25, tzinfo=UTC)),
    ],
    ids=["de-words", "de-uhr", "us-zone-printed", "ja"],
)
def test_a_day_known_only_from_the_url_takes_the_time_printed_beside_the_headline(
    dateline: str, lang: str, published: datetime
) -> None:
    article = extract_article(_dated_by_url_and_dateline(dateline, lang), _DATELINE_URL, now=NOW_2026)
    assert article.published_at == published
    assert article.published_at_source == "dateline"


def test_a_printed_time_of_another_day_or_of_other_stories_is_not_the_pages() -> None:
    related = (
        '<div class="more_box"><p class="teaser_date">01.04.2026, 11:40</p><p>Hafenfest verschoben</p></div>'
    )
    # the dateline prints another day: the URL's day stands, at noon
    other_day = _dated_by_url_and_dateline('<span class="date">31.03.2026, 15:25</span>', related="")
    article = extract_article(other_day, _DATELINE_URL, now=NOW_2026)
    assert article.published_at == datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    assert article.published_at_source == "url"
    # no time beside the headline: a teaser's time further down is another story's
    teaser = _dated_by_url_and_dateline('<span class="date">01. April 2026</span>', related=related)
    assert extract_article(teaser, _DATELINE_URL, now=NOW_2026).published_at_source == "url"
    # a page dated to the minute by its markup keeps its markup's time
    zoned = _dated_by_url_and_dateline('<span class="date">01.04.2026, 15:25</span>').replace(
        "</head>", '<meta property="article:published_time" content="2026-04-01T08:00:00+02:00"></head>'
    )
    assert extract_article(zoned, _DATELINE_URL, now=NOW_2026).published_at == datetime(
        2026, 4, 1, 6, 0, tzinfo=UTC
    )


def test_a_dateline_zone_is_read_and_one_nobody_can_place_keeps_the_day_only() -> None:
    offset = _dated_by_url_and_dateline('<span class="date">01.04.2026, 10:05 GMT+1</span>', lang="en")
    assert extract_article(offset, _DATELINE_URL, now=NOW_2026).published_at == datetime(
        2026, 4, 1, 9, 5, tzinfo=UTC
    )
    unknown = _dated_by_url_and_dateline('<span class="date">April 1, 2026 - 11:28 AMT</span>', lang="en")
    article = extract_article(unknown, _DATELINE_URL, now=NOW_2026)
    assert article.published_at_source == "url"
    assert article.published_at == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
