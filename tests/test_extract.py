"""Extraction: golden pages (key sentences in, boilerplate out, fields) and the rules behind them."""

import json
import math
import random
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml import etree
from trafilatura import metadata as tmeta

from copydesk.tasks.clean import (
    _PUNCT_MAP,
    CREDIT_DATE_RE,
    FIRST_PUBLISHED_CUES,
    FIRST_PUBLISHED_RE,
    REPUBLISHED_CUES,
    REPUBLISHED_RE,
    clean_text,
    detect_source_credit,
    drop_leading_title,
    drop_link_boxes,
    has_cues,
    match_credit_date,
    normalise_for_matching,
    strip_credit_lines,
)
from copydesk.tasks.extract import (
    DATE_ONLY,
    EXACT,
    NAIVE,
    PAYWALL_CUES,
    PAYWALL_TEXT_RE,
    PRECISION_FALLBACK_CHARS,
    PRECISION_FALLBACK_RATIO,
    Candidate,
    ExtractionError,
    FastModeGate,
    PageMeta,
    _comparison_would_keep,
    _Extraction,
    _parse_html,
    _run_trafilatura,
    article_id_for,
    canonical_url,
    count_words,
    detect_language,
    extract_article,
    extract_text,
    find_credit_line,
    may_name_author,
    parse_date,
    pick_authors,
    resolve_dates,
    split_authors,
    with_itemprop,
)
from copydesk.tasks.models import Link

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_NAMES = sorted(p.name.removesuffix(".expected.json") for p in GOLDEN.glob("*.expected.json"))
NOW = datetime(2025, 6, 20, tzinfo=UTC)


def _load_golden(name: str) -> tuple[str, dict[str, Any]]:
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
    html, expected = _load_golden(name)
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
    html, expected = _load_golden("div_soup_graph")
    kwargs = _call_kwargs(expected)
    first = extract_article(html, expected["url"], **kwargs)
    second = extract_article(html, expected["url"], **kwargs)
    assert first == second


def test_feed_date_used_when_page_has_none() -> None:
    html, _ = _load_golden("url_date_only")
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
    html, expected = _load_golden("url_date_only")
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
    html, expected = _load_golden("url_date_only")
    stamp = datetime(2025, 6, 15, 8, 0, tzinfo=UTC)
    article = extract_article(html, expected["url"], http_last_modified=stamp, now=NOW)
    assert article.modified_at == stamp
    assert any(c.source == "http" and c.role == "modified" for c in article.date_candidates)


def test_paywalled_from_json_ld() -> None:
    html = """<html><head><title>Budget talks stall</title>
    <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
    "headline":"Budget talks stall","datePublished":"2025-06-18T10:00:00Z","isAccessibleForFree":"False",
    "hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".locked"}}</script>
    </head><body><article><h1>Budget talks stall</h1>
    <p>Negotiators left the finance ministry after midnight without an agreement on next year's spending plan,
    and both sides said they would not return before Monday.</p>
    <div class="locked"><p>Subscribe to continue reading.</p></div></article></body></html>"""
    article = extract_article(html, "https://paper.example/politics/budget-talks", now=NOW)
    assert article.access == "paywalled"
    assert article.published_at_source == "jsonld"


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


def test_fragment_without_html_element_parses() -> None:
    html = (
        "<p>"
        + "The bridge reopened to traffic on Sunday after six weeks of repairs to its deck. " * 3
        + "</p>"
    )
    article = extract_article(html, "https://paper.example/2025/06/15/bridge", now=NOW)
    assert "The bridge reopened to traffic" in article.text


def test_short_brief_is_kept() -> None:
    html = """<html><head><title>Ferry cancelled</title><meta property="og:type" content="article"></head>
    <body><nav><a href="/a">Home</a> <a href="/b">News</a> <a href="/c">Weather</a></nav>
    <article><h1>Ferry cancelled</h1>
    <p>The 6 a.m. ferry to the islands is cancelled today because of high winds.</p>
    </article></body></html>"""
    article = extract_article(html, "https://paper.example/brief/ferry", now=NOW)
    assert "ferry to the islands is cancelled" in article.text


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
    ],
    ids=["iso-offset", "iso-z", "rfc2822", "naive", "date-only-noon", "words", "epoch", "cest", "edt"],
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


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe; John Roe", ["Jane Doe", "John Roe"]),
        ("by: Jane Doe", ["Jane Doe"]),
        ("Jane Doe, Staff Writer", ["Jane Doe"]),
        ("Jane Doe, Tokyo Correspondent", ["Jane Doe"]),
        ("https://www.facebook.com/janedoe", []),
        ("김서연 기자", ["김서연"]),
        ("山田太郎記者", ["山田太郎"]),
    ],
    ids=[
        "by-prefix",
        "comma-and",
        "ampersand",
        "semicolon",
        "by-colon",
        "role",
        "beat-role",
        "url",
        "ko",
        "ja",
    ],
)
def test_split_authors(raw: str, names: list[str]) -> None:
    assert split_authors(raw) == names


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("NHK18-06-2025\nThe two leaders met in person.", "NHK"),
        ("The leaders met.\n（NHKニュースより）", "NHKニュース"),
        ("The leaders met.\n(共同通信より)", "共同通信"),
        ("Prices rose.\nSource: Reuters", "Reuters"),
        ("Prices rose.\nThis report was first published by The Harbour Times.", "The Harbour Times"),
        ("Prices rose.\nOriginally published by Kestrel Press on June 3.", "Kestrel Press"),
        ("WASHINGTON (Reuters) - Prices rose on Tuesday.\nMore text.", "Reuters"),
        ("Prices rose on Tuesday.\nMore text follows here. — AP", "AP"),
        ("(부산=연합뉴스) 김서연 기자 = 공사는 밝혔다.", "연합뉴스"),
        ("18-06-2025\nThe leaders met.", None),
        ("The leaders met and agreed - on most points.", None),
    ],
    ids=["nhk-date", "ja-fullwidth", "ja-halfwidth", "source-label", "first-published", "originally",
         "dateline", "signoff", "ko-dateline", "bare-date", "dash-in-sentence"],
)  # fmt: skip
def test_detect_source_credit(text: str, credit: str | None) -> None:
    assert detect_source_credit(text) == credit


def test_strip_credit_lines_only_strips_whole_credit_lines() -> None:
    text = "NHK18-06-2025\nThe leaders met.\nThey talked about Source: Reuters reports.\n（NHKニュースより）"
    stripped, removed = strip_credit_lines(text)
    assert stripped == "The leaders met.\nThey talked about Source: Reuters reports."
    assert removed == ["NHK18-06-2025", "（NHKニュースより）"]


def test_clean_text_cuts_related_and_furniture() -> None:
    body = "The council approved the plan on Monday after a long debate about costs and timing."
    text = "\n".join(
        [body, body, "Share on Facebook", body, "Orange background", "Try Our AI Features", "Explore it",
         "Related Articles", "Other story sentence that must go."]
    )  # fmt: skip
    cleaned, removed = clean_text(text)
    assert cleaned == "\n".join([body, body, body])
    assert "Share on Facebook" in removed
    assert any("Other story sentence" in block for block in removed)


def test_aggregator_text_pipeline() -> None:
    body = [
        "The city will test hydrogen river buses on the Sumida this autumn, officials said on Tuesday.",
        "Two converted boats will carry up to 40 passengers each between Asakusa and Hinode pier.",
    ]
    title = "Tokyo to trial hydrogen-powered river buses"
    text = "\n".join(
        ["logo", title, "", title, "", "NHK18-06-2025", *body, "Orange background", "", "Try Our AI Features",
         "", "Explore what Examplefold AI can do for you:", "", "Comments", "", "No comments yet...", "",
         "Related Articles", "", "Osaka ferries go electric", "Japan Times", "timea day ago",
         "Three ferry companies say they will replace their diesel engines with battery packs.", "",
         "DOWNLOAD THE APP", "", "Get Started Now: Download the App"]
    )  # fmt: skip
    cleaned, _ = clean_text(text)
    cleaned, _ = drop_leading_title(cleaned, [title])
    assert detect_source_credit(cleaned) == "NHK"
    cleaned, removed = strip_credit_lines(cleaned)
    assert removed == ["NHK18-06-2025"]
    assert cleaned == "\n".join(body)


def test_clean_text_keeps_early_heading() -> None:
    text = "Comments\nThe mayor said the comments were unfair and would be answered in full next week."
    assert clean_text(text)[0] == text


def test_link_box_inside_body_goes_story_stays() -> None:
    text = "First paragraph.\nDON'T MISS\nHeadline one [INSIGHT]\nHeadline two [VIDEO]\nThe story goes on."
    assert drop_link_boxes(text)[0] == "First paragraph.\nThe story goes on."


def test_normalise_for_matching() -> None:
    assert normalise_for_matching("ＡＢＣ　１２３､ﾃｽﾄ｡") == "abc 123、テスト。"
    assert normalise_for_matching("“Quoted” — text\n\n here") == '"quoted" - text here'


def test_count_words_cjk_aware() -> None:
    assert count_words("the quick brown fox") == 4
    assert count_words("除雪車を増強") == 3
    assert count_words("한국과 일본 정상은") == 3


def _random_strings(seed: int, alphabet: str, count: int = 4000, longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


ASCII = "".join(map(chr, range(128)))
# ASCII, Latin, Han, kana, hangul, full- and half-width forms, an Arabic-Indic digit, marks the maps respell
MIXED = ASCII + "éßİ日本語カナ한국어，。、ｶＡ１𠀋_٣“”‘’«»—–…`\u200b"


def test_count_words_counts_what_the_word_regex_finds() -> None:
    # the definition: runs of \w once every Han and kana character stands apart; two of those make a word
    han_or_kana = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")

    def reference(text: str) -> int:
        runs = re.findall(r"\w+", han_or_kana.sub(" ", text))
        return len(runs) + math.ceil(len(han_or_kana.findall(text)) / 2)

    for text in _random_strings(1, MIXED) + _random_strings(2, ASCII):
        assert count_words(text) == reference(text), repr(text)


def test_match_credit_date_is_the_credit_regex() -> None:
    # lines that end in every way the quick refusal looks at: a year, a year and a newline, other digits
    rng = random.Random(3)
    lines = [
        rng.choice(["", "NHK", "Kyodo News ", "A.B ", " ", "(c) "])
        + "".join(rng.choice("0123456789٣-./ ") for _ in range(rng.randint(4, 12)))
        + rng.choice(["", "\n", " ", "x", "\n\n", "2025", "1999\n"])
        for _ in range(20000)
    ]
    for line in lines + _random_strings(4, MIXED) + ["NHK18-06-2025", "NHK18-06-2025\n", "18.6.1999"]:
        expected = CREDIT_DATE_RE.match(line)
        found = match_credit_date(line)
        assert (found and found.groupdict()) == (expected and expected.groupdict()), repr(line)


def test_normalise_for_matching_is_nfkc_casefold_and_the_punctuation_map() -> None:
    def reference(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        return " ".join(text.translate(_PUNCT_MAP).casefold().split())

    for text in _random_strings(5, MIXED) + _random_strings(6, ASCII):
        assert normalise_for_matching(text) == reference(text), repr(text)


def test_with_itemprop_selects_what_the_predicate_xpaths_select() -> None:
    page = lxml.html.document_fromstring(
        '<html><body><div itemprop="articleBody"><time itemprop="datePublished" datetime="">x</time>'
        '<meta itemprop="dateModified" content="2020-01-02"><span itemprop="datePublished">no date</span>'
        '<p itemprop="articleBody extra">not exactly</p><section itemprop="articleBody">b</section></div>'
        "</body></html>"
    )
    for node in (page, page.find(".//section")):  # "//" looks from the document root, wherever it is asked
        body = etree.XPath('//*[@itemprop="articleBody"]')(node)
        assert [e.tag for e in body] == ["div", "section"]
        assert with_itemprop(node, "articleBody") == body
    dated = etree.XPath('//*[@itemprop="datePublished" or @itemprop="dateModified"][@datetime or @content]')
    assert with_itemprop(page, "datePublished", "dateModified")[:2] == dated(page)


def test_find_credit_line_finds_a_credit_among_dates_and_years() -> None:
    page = (
        "<html><body><p>Filed 12/2019 and updated in 2020-21.</p>"
        "<div><p>Text of the story, long enough that its block is no credit line.</p>"
        "<span>NHK18-06-2025</span></div></body></html>"
    )
    assert find_credit_line(lxml.html.document_fromstring(page)) == "NHK18-06-2025"
    no_credit = page.replace("<span>NHK18-06-2025</span>", "<span>18-06-2025</span>")
    assert find_credit_line(lxml.html.document_fromstring(no_credit)) is None


@pytest.mark.parametrize(
    ("text", "hint", "html_lang", "expected"),
    [
        (
            "The two leaders met in person for the first time on the sidelines of the summit.",
            "ja",
            None,
            "en",
        ),
        ("OK", "ja", "en", "ja"),
        ("OK", None, "ko", "ko"),
    ],
    ids=["detected", "short-uses-hint", "short-uses-html-lang"],
)
def test_detect_language(text: str, hint: str | None, html_lang: str | None, expected: str) -> None:
    assert detect_language(text, hint, html_lang) == expected


def _full_mode_text(tree: Any, url: str) -> str:
    """extract_text's result with trafilatura's comparison always run (the reference for its fast path)."""
    precise = _run_trafilatura(tree, url, precision=True).text
    if len(precise) >= PRECISION_FALLBACK_CHARS:
        return precise
    balanced = _run_trafilatura(tree, url, precision=False).text
    return balanced if len(precise) < PRECISION_FALLBACK_RATIO * len(balanced) else precise


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_fast_mode_first_gives_the_full_mode_text(name: str) -> None:
    html, _ = _load_golden(name)
    tree = _parse_html(html)
    assert tree is not None
    url = "https://example.com/story"
    assert extract_text(tree, url) == _full_mode_text(tree, url)


def test_comparison_is_run_when_the_fast_text_is_empty_short_unclean_or_tabular() -> None:
    def body(inner: str) -> Any:
        return etree.fromstring(f"<body>{inner}</body>")

    prose = "<p>" + "A paragraph of the article body. " * 20 + "</p>"
    text = "A paragraph of the article body. " * 20
    assert _comparison_would_keep(_Extraction(text, body(prose)))
    assert not _comparison_would_keep(_Extraction("", body(prose)))
    assert not _comparison_would_keep(_Extraction(text[:200], body(prose)))  # jusText is tried under 250
    assert not _comparison_would_keep(_Extraction(text, None))
    assert not _comparison_would_keep(_Extraction(text, body(prose + "<aside>Also read</aside>")))
    assert not _comparison_would_keep(_Extraction(text, body("<div>text without paragraphs</div>")))
    tables = "<table><tr><td>1</td></tr></table>" * 2
    assert not _comparison_would_keep(_Extraction(text, body(prose + tables)))


def test_fast_mode_gate_skips_an_outlet_after_misses_and_probes_it_again() -> None:
    gate = FastModeGate(misses_to_skip=2, probe_every=3)
    assert gate.should_try_fast("soup")
    gate.record("soup", kept=False)
    assert gate.should_try_fast("soup")
    gate.record("soup", kept=False)
    # two misses in a row: skipped twice, then probed on the third page
    assert [gate.should_try_fast("soup") for _ in range(6)] == [False, False, True, False, False, True]
    assert gate.should_try_fast("other")  # outlets are kept apart
    gate.record("soup", kept=True)  # a probe that the guard keeps gives the outlet fast mode back
    assert [gate.should_try_fast("soup") for _ in range(3)] == [True, True, True]


def _div_soup_page(n: int) -> str:
    """An article whose paragraphs are <div>s (no <p>, no <article>): fast mode finds no text in it."""
    paragraphs = "".join(
        f'<div class="p">Paragraph {i} of story {n}: the harbour board met on Tuesday to weigh the bids for '
        f"the new ferry terminal, and its chair said a decision would follow within the month.</div>"
        for i in range(8)
    )
    return (
        f"<html><head><title>Ferry terminal bids {n}</title></head><body>"
        f"<div class='top'><a href='/'>Home</a></div><div class='cnt'>"
        f"<div class='hdl'>Ferry terminal bids {n}</div><div class='txt'>{paragraphs}"
        "</div></div></body></html>"
    )


def test_extract_text_skips_fast_mode_where_it_keeps_missing_and_gives_the_full_mode_text() -> None:
    gate = FastModeGate(misses_to_skip=2, probe_every=4)
    url = "https://soup.example/story"
    for n in range(8):
        tree = _parse_html(_div_soup_page(n))
        assert tree is not None
        quick = _run_trafilatura(tree, url, precision=True, fast=True)
        assert not _comparison_would_keep(quick)  # the page is what the gate is for
        text = extract_text(tree, url, "soup", gate)
        assert text == _full_mode_text(tree, url)
        assert f"Paragraph 7 of story {n}" in text
    assert not gate.should_try_fast("soup")


@pytest.mark.parametrize(
    ("markup", "may_match"),
    [
        ('<div class="by">Jo Bloggs</div>', False),
        ('<div class="meta"><span class="byline">By Jo Bloggs</span></div>', True),
        ('<p><a rel="author" href="/jo">Jo Bloggs</a></p>', True),
        ('<span class="AuthorName">Jo Bloggs</span>', True),
        ('<div id="article-Author">Jo Bloggs</div>', True),
        ('<div data-component="Byline">Jo Bloggs</div>', True),
        ("<author>Jo Bloggs</author>", True),
    ],
    ids=["no-cue", "byline-class", "rel-author", "authorname", "author-id", "byline-component", "author-tag"],
)
def test_author_xpaths_run_only_where_they_may_match(markup: str, may_match: bool) -> None:
    body = f"<h1>Title</h1>{markup}<p>{'Body text. ' * 30}</p>"
    html = f"<html><head><title>T</title></head><body>{body}</body></html>"
    tree = _parse_html(html)
    assert tree is not None
    assert may_name_author(tree) is may_match
    if not may_match:
        assert tmeta.extract_author(tree) is None  # what the skipped XPaths would have said
    else:
        assert tmeta.extract_author(tree) == "Jo Bloggs"


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


def test_trafilatura_author_is_read_only_when_page_markup_names_nobody() -> None:
    asked: list[bool] = []

    def trafilatura_author() -> str:
        asked.append(True)
        return "By Mira Okafor"

    with_meta = PageMeta(meta={"author": ["Jon Bell"]})
    assert pick_authors(with_meta, trafilatura_author, ["Harbour Post"]) == ["Jon Bell"]
    assert asked == []
    assert pick_authors(PageMeta(), trafilatura_author, ["Harbour Post"]) == ["Mira Okafor"]
    assert asked == [True]
    # the outlet's own name as the only meta author is filtered out, so trafilatura's is asked for
    own_name = PageMeta(meta={"author": ["Harbour Post"]})
    assert pick_authors(own_name, trafilatura_author, ["Harbour Post"]) == ["Mira Okafor"]


@pytest.mark.parametrize(
    ("pattern", "cues", "line"),
    [
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "Subscribe to continue reading."),
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "LOG IN TO KEEP READING"),
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "This story is available to paying subscribers only"),
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "To continue reading, please sign in"),
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "この記事は有料会員限定です"),
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "유료회원 전용 기사입니다"),
        (PAYWALL_TEXT_RE, PAYWALL_CUES, "付费阅读"),
        (FIRST_PUBLISHED_RE, FIRST_PUBLISHED_CUES, "This story was FIRST RAN in The Harbour Post"),
        (FIRST_PUBLISHED_RE, FIRST_PUBLISHED_CUES, "Originally appeared on Kestrel Press"),
        (REPUBLISHED_RE, REPUBLISHED_CUES, "Reprinted with permission from The Courier"),
    ],
)
def test_regex_cues_hold_for_every_match(pattern: Any, cues: Any, line: str) -> None:
    # the cue test skips the regex: it must never say no where the regex says yes
    assert pattern.search(line)
    assert has_cues(line, cues)
    assert not has_cues("A plain sentence about the harbour.", cues)


def test_parsed_pages_get_their_element_classes_from_a_lookup_in_c() -> None:
    # lxml.html's own lookup (a Python method per element handed to Python) gives a form its FormElement class
    # and costs ~5 % of a worker's CPU; tasks.extract sets a lookup in C on the parser trafilatura uses
    tree = _parse_html("<html><body><form><input name='q'><label>Q</label></form><p>text</p></body></html>")
    assert tree is not None
    assert {type(e) for e in tree.iter() if isinstance(e.tag, str)} == {lxml.html.HtmlElement}
