"""Discovery: feed and sitemap parsing on hand-written documents, discover_outlet over loopback HTTP."""

import asyncio
import base64
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from copydesk.loopback import SiteServer, serve_sites
from copydesk.tasks import discover
from copydesk.tasks.dates import parse_utc as parse_date
from copydesk.tasks.discover import (
    DiscoveryError,
    SitemapParse,
    child_sitemap_in_window,
    discover_outlet,
    link_in_window,
    merge_links,
    parse_feed,
    parse_sitemap,
)
from copydesk.tasks.models import Failure, Link, Outlet, RunWindow


def at(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    micro: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2025-06-18T09:30:00+09:00", at(2025, 6, 18, 0, 30), id="iso-offset"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 JST", at(2025, 6, 18, 0, 30), id="rfc822-jst"),
        pytest.param("2025-06-18", at(2025, 6, 18), id="date-only"),
        pytest.param("2025-06-18T09:30:00Z", at(2025, 6, 18, 9, 30), id="iso-z"),
        pytest.param("2025-06-18t09:30:00z", at(2025, 6, 18, 9, 30), id="iso-lowercase"),
        pytest.param("2025-06-18T09:30:00", at(2025, 6, 18, 9, 30), id="iso-naive-is-utc"),
        pytest.param("2025-06-18 09:30:00 +0200", at(2025, 6, 18, 7, 30), id="iso-space-offset"),
        pytest.param(
            "2025-06-18T09:30:00.123456789+09:00", at(2025, 6, 18, 0, 30, 0, 123456), id="nanoseconds"
        ),
        pytest.param("2025-06-18T09:30+09:00", at(2025, 6, 18, 0, 30), id="w3c-minutes"),
        pytest.param("2025-06", at(2025, 6, 1), id="w3c-year-month"),
        pytest.param("20250618T093000Z", at(2025, 6, 18, 9, 30), id="iso-basic"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 GMT", at(2025, 6, 18, 9, 30), id="rfc822-gmt"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 EST", at(2025, 6, 18, 14, 30), id="rfc822-est"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 -0700", at(2025, 6, 18, 16, 30), id="rfc822-numeric"),
        pytest.param("18 Jun 2025 09:30 +0530", at(2025, 6, 18, 4, 0), id="rfc822-no-weekday-no-seconds"),
        pytest.param("Wed, 18 June 2025 09:30:00 +0000", at(2025, 6, 18, 9, 30), id="rfc822-full-month"),
        pytest.param("Wed, 18 Jun 25 09:30:00 GMT", at(2025, 6, 18, 9, 30), id="rfc822-two-digit-year"),
        pytest.param("Wednesday, 18-Jun-25 09:30:00 GMT", at(2025, 6, 18, 9, 30), id="rfc850"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 GMT+9", at(2025, 6, 18, 0, 30), id="gmt-plus"),
        pytest.param("Wed, 18 Jun 2025 09:30:00", at(2025, 6, 18, 9, 30), id="rfc822-no-zone"),
        pytest.param("Wed, 18 Jun 2025", at(2025, 6, 18), id="rfc822-no-time"),
        pytest.param("Wed Jun 18 09:30:00 JST 2025", at(2025, 6, 18, 0, 30), id="asctime"),
        pytest.param("  Wed, 18 Jun 2025\n 09:30:00 GMT  ", at(2025, 6, 18, 9, 30), id="whitespace"),
    ],
)
def test_parse_date(value: str, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="none"),
        pytest.param("", id="empty"),
        pytest.param("garbage", id="garbage"),
        pytest.param("yesterday", id="word"),
        pytest.param("0000-00-00", id="zeros"),
        pytest.param("0001-01-01T00:00:00Z", id="min-placeholder"),
        pytest.param("2025-13-01", id="month-13"),
        pytest.param("2025-06-18T25:00:00Z", id="hour-25"),
        pytest.param("Wed, 32 Jun 2025 09:30:00 GMT", id="day-32"),
        pytest.param("Wed, 18 Foo 2025 09:30:00 GMT", id="bad-month"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 +2500", id="offset-out-of-range"),
        pytest.param("1718703000", id="epoch-seconds"),
        pytest.param("2025-06-18T09:30:00+09:00 and more", id="trailing-text"),
    ],
)
def test_parse_date_rejects(value: str | None) -> None:
    assert parse_date(value) is None


RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Example News</title>
  <link>https://news.example/</link>
  <atom:link href="https://news.example/feeds/main.xml" rel="self" type="application/rss+xml"/>
  <item>
    <title><![CDATA[  Rates held
        steady ]]></title>
    <link>
      /2025/06/18/rates.html
    </link>
    <guid isPermaLink="false">abc-123</guid>
    <pubDate>Wed, 18 Jun 2025 09:30:00 JST</pubDate>
    <description><![CDATA[<p>The central bank <b>held</b> rates.</p><script>alert(1)</script>]]></description>
  </item>
  <item>
    <title>Second &amp; last</title>
    <guid>https://news.example/2025/06/18/second.html</guid>
    <dc:date>2025-06-18T10:00:00Z</dc:date>
    <description></description>
    <content:encoded><![CDATA[<div>Full</div><div>text</div>]]></content:encoded>
  </item>
  <item><title>No link at all</title><guid isPermaLink="false">x-1</guid></item>
  <item><title>Mail</title><link>mailto:desk@news.example</link></item>
  <item><title>Script</title><link>javascript:alert(1)</link></item>
</channel>
</rss>"""

RSS091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link><language>en</language>
<item><title>Caf&eacute;&nbsp;opens</title><link>http://old.example/cafe.html</link>
<description>A&nbsp;new caf&eacute; &mdash; finally</description></item>
</channel></rss>"""

RSS092 = b"""<?xml version="1.0"?>
<rss version="0.92"><channel><title>Dave</title><link>http://scripting.example/</link>
<item><description>Only a description, no title</description><link>http://scripting.example/2001/1.html</link></item>
</channel></rss>"""

RSS090 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
  <channel><title>Mozilla Dot Org</title><link>http://www.mozilla.example</link></channel>
  <item><title>New Status Updates</title><link>http://www.mozilla.example/status/</link></item>
</rdf:RDF>"""

RSS1 = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF news</title><link>https://rdf.example/</link>
    <items><rdf:Seq><rdf:li resource="https://rdf.example/a.html"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rdf.example/a.html">
    <title>RDF item</title><link>https://rdf.example/a.html</link>
    <dc:date>2025-06-18T09:30:00+09:00</dc:date><description>Plain text</description>
  </item>
  <item rdf:about="https://rdf.example/only-about.html"><title>About only</title></item>
</rdf:RDF>"""

ATOM1 = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/news/">
  <title>Blog</title>
  <link rel="self" href="https://blog.example/atom.xml"/>
  <entry>
    <title type="html">Quarterly &lt;em&gt;results&lt;/em&gt;</title>
    <link rel="edit" href="https://blog.example/api/1"/>
    <link rel="alternate" type="application/json" href="https://blog.example/api/1.json"/>
    <link rel="alternate" type="text/html" href="2025/results.html"/>
    <id>tag:blog.example,2025:1</id>
    <published>2025-06-18T09:30:00+09:00</published>
    <updated>2025-06-19T08:00:00Z</updated>
    <summary type="html">&lt;p&gt;Profits &amp;amp; losses&lt;/p&gt;</summary>
  </entry>
  <entry xml:base="https://other.example/deep/">
    <title>Relative to entry base</title>
    <link href="story.html#top"/>
    <id>urn:uuid:2</id>
    <updated>2025-06-17T12:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Only <b>content</b></p></div></content>
  </entry>
  <entry><title>Id is the URL</title><id>https://blog.example/by-id</id><updated>2025-06-16</updated></entry>
  <entry><title>Nothing to link</title><id>urn:uuid:4</id></entry>
</feed>"""

ATOM03 = (
    b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old Atom</title>
  <link rel="alternate" type="text/html" href="https://old.example/"/>
  <entry>
    <title>Atom 0.3 entry</title>
    <link rel="alternate" type="text/html" href="https://old.example/2004/05/entry.html"/>
    <id>tag:old.example,2004:1</id>
    <issued>2004-05-18T09:30:00-05:00</issued>
    <modified>2004-05-19T09:30:00Z</modified>
    <content type="text/html" mode="escaped">&lt;p&gt;Escaped body&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Base64 entry</title>
    <link rel="alternate" type="text/html" href="https://old.example/b64.html"/>
    <issued>2004-05-20T00:00:00Z</issued>
    <content type="text/html" mode="base64">"""
    + base64.b64encode(b"<p>Base64 body</p>")
    + b"""</content>
  </entry>
</feed>"""
)

FEEDBURNER = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>
<item><title>Burned</title><link>https://feeds.feedburner.example/~r/x/~3/abc/</link>
<feedburner:origLink>https://origin.example/story.html</feedburner:origLink></item>
</channel></rss>"""


@dataclass(frozen=True)
class Expect:
    url: str
    title: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    description: str | None = None


FEED_CASES = [
    pytest.param(
        RSS2,
        "https://news.example/feeds/main.xml",
        [
            Expect(
                "https://news.example/2025/06/18/rates.html",
                "Rates held steady",
                at(2025, 6, 18, 0, 30),
                None,
                "The central bank held rates.",
            ),
            Expect(
                "https://news.example/2025/06/18/second.html",
                "Second & last",
                at(2025, 6, 18, 10),
                None,
                "Full text",
            ),
        ],
        id="rss-2.0",
    ),
    pytest.param(
        RSS091,
        "http://old.example/rss.xml",
        [
            Expect("http://old.example/cafe.html", "Café opens", None, None, "A new café — finally"),
        ],
        id="rss-0.91-html-entities",
    ),
    pytest.param(
        RSS092,
        "http://scripting.example/rss.xml",
        [
            Expect("http://scripting.example/2001/1.html", None, None, None, "Only a description, no title"),
        ],
        id="rss-0.92",
    ),
    pytest.param(
        RSS090,
        "http://www.mozilla.example/rss.rdf",
        [
            Expect("http://www.mozilla.example/status/", "New Status Updates"),
        ],
        id="rss-0.90",
    ),
    pytest.param(
        RSS1,
        "https://rdf.example/index.rdf",
        [
            Expect("https://rdf.example/a.html", "RDF item", at(2025, 6, 18, 0, 30), None, "Plain text"),
            Expect("https://rdf.example/only-about.html", "About only"),
        ],
        id="rss-1.0",
    ),
    pytest.param(
        ATOM1,
        "https://blog.example/atom.xml",
        [
            Expect(
                "https://blog.example/news/2025/results.html",
                "Quarterly results",
                at(2025, 6, 18, 0, 30),
                at(2025, 6, 19, 8),
                "Profits & losses",
            ),
            Expect(
                "https://other.example/deep/story.html",
                "Relative to entry base",
                None,
                at(2025, 6, 17, 12),
                "Only content",
            ),
            Expect("https://blog.example/by-id", "Id is the URL", None, at(2025, 6, 16)),
        ],
        id="atom-1.0-xml-base",
    ),
    pytest.param(
        ATOM03,
        "https://old.example/atom.xml",
        [
            Expect(
                "https://old.example/2004/05/entry.html",
                "Atom 0.3 entry",
                at(2004, 5, 18, 14, 30),
                at(2004, 5, 19, 9, 30),
                "Escaped body",
            ),
            Expect("https://old.example/b64.html", "Base64 entry", at(2004, 5, 20), None, "Base64 body"),
        ],
        id="atom-0.3",
    ),
    pytest.param(
        FEEDBURNER,
        "https://feeds.feedburner.example/x",
        [
            Expect("https://origin.example/story.html", "Burned"),
        ],
        id="feedburner-origlink",
    ),
]


def found(links: list[Link]) -> list[Expect]:
    return [Expect(li.url, li.title, li.published_at, li.modified_at, li.description) for li in links]


@pytest.mark.parametrize(("body", "feed_url", "expected"), FEED_CASES)
def test_parse_feed_flavours(body: bytes, feed_url: str, expected: list[Expect]) -> None:
    links = parse_feed(body, feed_url, "example")
    assert found(links) == expected
    assert {(li.outlet_id, li.via, li.found_in) for li in links} == {("example", "feed", feed_url)}


def test_feed_description_is_truncated_text() -> None:
    paragraph = "<p>" + "word " * 1000 + "</p>"
    body = f"""<rss><channel><item><link>https://x.example/long</link>
        <description><![CDATA[{paragraph}]]></description></item></channel></rss>""".encode()
    (link,) = parse_feed(body, "https://x.example/feed", "x")
    assert link.description is not None
    assert len(link.description) <= 2000
    assert link.description.startswith("word word")
    assert "<" not in link.description


TRUNCATED = b"""<?xml version="1.0"?><rss><channel>
<item><title>One</title><link>https://t.example/1</link></item>
<item><title>Two</title><link>https://t.example/2</link></item>
<item><title>Thr"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss><channel><item><title>Laughs &lol9;</title><description>&lol9;</description>
<link>https://x.example/lol</link></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>x&xxe;y</title><link>https://x.example/xxe</link></item></channel></rss>"""

JAPANESE_TITLE = "東京で新しい駅が開業"


def _rss(title: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f"""{declaration}<rss><channel><item><title>{title}</title>
        <link>https://enc.example/a</link></item></channel></rss>"""


MALFORMED_CASES = [
    pytest.param(TRUNCATED, [("https://t.example/1", "One"), ("https://t.example/2", "Two")], id="truncated"),
    pytest.param(
        b"<rss><channel><item><title>a&nbsp;b &copy; c &bogus; d</title>"
        b"<link>https://x.example/q?a=1&b=2&amp;c=3</link></item></channel></rss>",
        [("https://x.example/q?a=1&b=2&c=3", "a b \u00a9 c d")],
        id="html-entities-and-bare-ampersand",
    ),
    pytest.param(
        _rss("Café", '<?xml version="1.0" encoding="ISO-8859-1"?>').encode("utf-8"),
        [("https://enc.example/a", "Café")],
        id="declared-latin1-is-utf8",
    ),
    pytest.param(
        _rss("Café déjà vu").encode("cp1252"),
        [("https://enc.example/a", "Café déjà vu")],
        id="declared-utf8-is-cp1252",
    ),
    pytest.param(
        _rss(JAPANESE_TITLE, '<?xml version="1.0" encoding="Shift_JIS"?>').encode("shift_jis"),
        [("https://enc.example/a", JAPANESE_TITLE)],
        id="shift-jis",
    ),
    pytest.param(
        _rss(JAPANESE_TITLE, '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-8"),
        [("https://enc.example/a", JAPANESE_TITLE)],
        id="declared-utf16-is-utf8",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + _rss("Bom").encode("utf-8"),
        [("https://enc.example/a", "Bom")],
        id="utf8-bom",
    ),
    pytest.param(
        _rss(JAPANESE_TITLE, '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16"),
        [("https://enc.example/a", JAPANESE_TITLE)],
        id="utf16-bom",
    ),
    pytest.param(
        b"\n\n   \t" + _rss("Lead").encode(),
        [("https://enc.example/a", "Lead")],
        id="whitespace-before-decl",
    ),
    pytest.param(
        b"<br />\n<b>Warning</b>: Undefined index in /var/www/feed.php on line 3<br />\n"
        + _rss("Php").encode(),
        [("https://enc.example/a", "Php")],
        id="php-warning-before-decl",
    ),
    pytest.param(
        _rss("Ctrl\x0bchars\x1b here").encode(),
        [("https://enc.example/a", "Ctrlchars here")],
        id="control-chars",
    ),
    pytest.param(BILLION_LAUGHS, [("https://x.example/lol", "Laughs")], id="billion-laughs"),
    pytest.param(XXE, [("https://x.example/xxe", "xy")], id="xxe"),
    pytest.param(
        gzip.compress(_rss("Zipped").encode()),
        [("https://enc.example/a", "Zipped")],
        id="gzipped-feed",
    ),
]


@pytest.mark.parametrize(("body", "expected"), MALFORMED_CASES)
def test_parse_feed_malformed(body: bytes, expected: list[tuple[str, str]]) -> None:
    links = parse_feed(body, "https://enc.example/feed.xml", "x")
    assert [(li.url, li.title) for li in links] == expected
    # entity expansion never happened: the description of &lol9; is empty, not a billion laughs
    assert all(li.description is None for li in links)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        pytest.param(
            b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>hi<br></body></html>",
            "not_a_feed",
            id="html-page",
        ),
        pytest.param(
            b"\n<html lang='en'><body>Cloudflare says hi</body></html>", "not_a_feed", id="html-no-doctype"
        ),
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
            b"<body/></html>",
            "not_a_feed",
            id="xhtml-page",
        ),
        pytest.param(
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
            "not_a_feed",
            id="sitemap-not-feed",
        ),
        pytest.param(b'{"items": []}', "not_a_feed", id="json"),
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"  \n ", "empty", id="blank"),
    ],
)
def test_parse_feed_refuses_non_feeds(body: bytes, kind: str) -> None:
    with pytest.raises(DiscoveryError) as raised:
        parse_feed(body, "https://x.example/feed", "x")
    assert raised.value.kind == kind


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
        xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">
  <url>
    <loc> https://site.example/2025/06/18/one.html </loc>
    <lastmod>2025-06-18T10:00:00+00:00</lastmod>
    <changefreq>daily</changefreq>
    <image:image><image:loc>https://cdn.site.example/one.jpg</image:loc><image:title>Pic</image:title></image:image>
  </url>
  <url>
    <loc><![CDATA[https://site.example/2025/06/17/two.html?a=1&b=2]]></loc>
    <video:video><video:title>Clip</video:title><video:content_loc>https://cdn.site.example/v.mp4</video:content_loc>
    </video:video>
  </url>
  <url><loc>/relative/three.html</loc><lastmod>garbage</lastmod></url>
  <url><loc>ftp://site.example/file</loc></url>
  <url><lastmod>2025-06-18</lastmod></url>
</urlset>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://paper.example/business/rates.html</loc>
    <news:news>
      <news:publication><news:name>The Paper</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-06-18T09:30:00+09:00</news:publication_date>
      <news:title>Rates &amp; bonds</news:title>
    </news:news>
    <lastmod>2025-06-18T12:00:00Z</lastmod>
  </url>
  <url><loc>https://paper.example/about.html</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://site.example/sitemap-2025-06-18.xml</loc><lastmod>2025-06-18T23:00:00Z</lastmod></sitemap>
  <sitemap><loc>/sitemap-2025-05.xml.gz</loc></sitemap>
  <sitemap><loc>https://site.example/news.xml</loc><lastmod>nonsense</lastmod></sitemap>
  <sitemap><lastmod>2025-06-18</lastmod></sitemap>
</sitemapindex>"""


def test_parse_urlset_ignores_image_and_video() -> None:
    parsed = parse_sitemap(URLSET, "https://site.example/sitemap.xml", "site")
    assert parsed.children == []
    assert [(li.url, li.modified_at, li.via) for li in parsed.links] == [
        ("https://site.example/2025/06/18/one.html", at(2025, 6, 18, 10), "sitemap"),
        ("https://site.example/2025/06/17/two.html?a=1&b=2", None, "sitemap"),
        ("https://site.example/relative/three.html", None, "sitemap"),
    ]
    assert all(li.title is None and li.published_at is None for li in parsed.links)


def test_parse_news_sitemap() -> None:
    parsed = parse_sitemap(NEWS_SITEMAP, "https://paper.example/news-sitemap.xml", "paper")
    first, second = parsed.links
    assert (first.via, first.title, first.published_at, first.modified_at) == (
        "news_sitemap",
        "Rates & bonds",
        at(2025, 6, 18, 0, 30),
        at(2025, 6, 18, 12),
    )
    assert (second.via, second.title, second.published_at) == ("sitemap", None, None)


def test_parse_sitemap_index() -> None:
    parsed = parse_sitemap(INDEX, "https://site.example/sitemap_index.xml", "site")
    assert parsed == SitemapParse(
        links=[],
        children=[
            ("https://site.example/sitemap-2025-06-18.xml", at(2025, 6, 18, 23)),
            ("https://site.example/sitemap-2025-05.xml.gz", None),
            ("https://site.example/news.xml", None),
        ],
    )


@pytest.mark.parametrize("document", [pytest.param(URLSET, id="urlset"), pytest.param(INDEX, id="index")])
def test_parse_gzipped_sitemap(document: bytes) -> None:
    plain = parse_sitemap(document, "https://site.example/s.xml.gz", "site")
    assert parse_sitemap(gzip.compress(document), "https://site.example/s.xml.gz", "site") == plain
    # a transfer cut short still yields the entries that arrived
    zipped = gzip.compress(document)
    partial = parse_sitemap(zipped[: len(zipped) * 3 // 4], "https://site.example/s.xml.gz", "site")
    assert len(partial.links) + len(partial.children) >= 1


@pytest.mark.parametrize("layers", [1, 2, 3], ids=["gzip", "gzip-in-gzip", "three-deep"])
def test_gzip_bomb_is_refused_however_deeply_nested(layers: int) -> None:
    # every layer's output is spent from one budget: nesting never buys a document more room
    body = b"<urlset>" + b" " * discover.MAX_DOCUMENT_BYTES + b"</urlset>"
    for _ in range(layers):
        body = gzip.compress(body)
    with pytest.raises(DiscoveryError) as raised:
        parse_sitemap(body, "https://x.example/s.xml.gz", "x")
    assert raised.value.kind == "too_large"


def test_more_gzip_layers_than_any_document_needs_are_refused() -> None:
    body = b"<urlset><url><loc>https://x.example/a</loc></url></urlset>"
    for _ in range(4):
        body = gzip.compress(body)
    with pytest.raises(DiscoveryError) as raised:
        parse_sitemap(body, "https://x.example/s.xml.gz", "x")
    assert raised.value.kind == "too_large" and "nested" in str(raised.value)


def test_corrupt_gzip_is_malformed() -> None:
    with pytest.raises(DiscoveryError) as raised:
        parse_sitemap(b"\x1f\x8b\x08\x00garbage-not-deflate", "https://x.example/s.xml.gz", "x")
    assert raised.value.kind == "malformed"


def test_text_and_feed_sitemaps() -> None:
    body = b"https://t.example/a.html\n\nhttps://t.example/b.html\r\nnot a url\n"
    text = parse_sitemap(body, "https://t.example/s.txt", "t")
    assert [li.url for li in text.links] == ["https://t.example/a.html", "https://t.example/b.html"]
    feed = parse_sitemap(RSS1, "https://rdf.example/index.rdf", "r")
    assert [li.url for li in feed.links] == [
        "https://rdf.example/a.html",
        "https://rdf.example/only-about.html",
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<!doctype html><html><body>404</body></html>", id="html"),
        pytest.param(RSS2.replace(b"<rss", b"<rsx").replace(b"</rss>", b"</rsx>"), id="unknown-root"),
    ],
)
def test_parse_sitemap_refuses_non_sitemaps(body: bytes) -> None:
    with pytest.raises(DiscoveryError) as raised:
        parse_sitemap(body, "https://x.example/sitemap.xml", "x")
    assert raised.value.kind == "not_a_sitemap"


JUNE_18 = RunWindow(start=at(2025, 6, 18), end=at(2025, 6, 18, 23, 59, 59))


@pytest.mark.parametrize(
    ("url", "lastmod", "window", "kept"),
    [
        pytest.param("https://s.example/sitemap-2025-06-18.xml", None, JUNE_18, True, id="same-day"),
        pytest.param("https://s.example/sitemap-2025-06-17.xml", None, JUNE_18, True, id="day-before-slack"),
        pytest.param("https://s.example/sitemap-2025-06-10.xml", None, JUNE_18, False, id="week-before"),
        pytest.param("https://s.example/sitemap-2025-06-25.xml", None, JUNE_18, False, id="week-after"),
        pytest.param("https://s.example/sitemap-2025-06.xml", None, JUNE_18, True, id="same-month"),
        pytest.param("https://s.example/posts-2025-05.xml", None, JUNE_18, False, id="month-before"),
        pytest.param("https://s.example/2025/06/sitemap.xml", None, JUNE_18, True, id="path-month"),
        pytest.param("https://s.example/2025/04/sitemap.xml", None, JUNE_18, False, id="path-month-before"),
        pytest.param("https://s.example/sitemap/2025/06/01.xml", None, JUNE_18, False, id="path-day"),
        pytest.param("https://s.example/sitemap_20250618.xml", None, JUNE_18, True, id="compact-day"),
        pytest.param("https://s.example/s.xml?yyyy=2025&mm=06&dd=18", None, JUNE_18, True, id="query-day"),
        pytest.param("https://s.example/s.xml?yyyy=2025&mm=06&dd=01", None, JUNE_18, False, id="query-old"),
        pytest.param("https://s.example/s.xml?year=2024", None, JUNE_18, False, id="query-year"),
        pytest.param("https://s.example/sitemap-2024.xml", None, JUNE_18, False, id="year-before"),
        pytest.param("https://s.example/sitemap-2048.xml", None, JUNE_18, True, id="future-year-is-a-number"),
        pytest.param("https://s.example/post-sitemap12.xml", None, JUNE_18, True, id="numbered"),
        pytest.param("https://127.0.0.1:2024/sitemap.xml", None, JUNE_18, True, id="port-is-not-a-year"),
        pytest.param("https://s.example/sitemap.xml", at(2024, 1, 1), JUNE_18, False, id="stale-lastmod"),
        pytest.param("https://s.example/sitemap.xml", at(2025, 6, 17, 12), JUNE_18, True, id="lastmod-slack"),
        pytest.param("https://s.example/sitemap.xml", at(2025, 8, 1), JUNE_18, True, id="lastmod-after"),
        pytest.param("https://s.example/sitemap.xml", None, JUNE_18, True, id="unknown"),
        pytest.param("https://s.example/sitemap-2020-01-01.xml", None, RunWindow(), True, id="open-window"),
        pytest.param(
            "https://s.example/sitemap-2020-01-01.xml",
            None,
            RunWindow(start=at(2025, 1, 1)),
            False,
            id="start-only",
        ),
        pytest.param(
            "https://s.example/sitemap-2030-01-01.xml",
            None,
            RunWindow(end=at(2025, 1, 1)),
            True,
            id="end-only-future-name-ignored",
        ),
        pytest.param(
            "https://s.example/sitemap-2025-06-01.xml",
            None,
            RunWindow(start=datetime(2025, 6, 18), end=datetime(2025, 6, 19)),
            False,
            id="naive-window",
        ),
    ],
)
def test_child_sitemap_in_window(url: str, lastmod: datetime | None, window: RunWindow, kept: bool) -> None:
    assert child_sitemap_in_window(url, lastmod, window) is kept


def _link(published: datetime | None = None, modified: datetime | None = None) -> Link:
    return Link(
        url="https://w.example/a",
        outlet_id="w",
        via="feed",
        found_in="https://w.example/feed",
        published_at=published,
        modified_at=modified,
    )


@pytest.mark.parametrize(
    ("link", "window", "kept"),
    [
        pytest.param(_link(at(2025, 6, 18, 9)), JUNE_18, True, id="published-inside"),
        pytest.param(_link(at(2025, 6, 17, 23)), JUNE_18, False, id="published-before"),
        pytest.param(_link(at(2025, 6, 19, 0, 0, 1)), JUNE_18, False, id="published-after"),
        pytest.param(_link(at(2025, 6, 1), at(2025, 6, 18, 9)), JUNE_18, False, id="published-wins"),
        pytest.param(_link(None, at(2025, 6, 18, 9)), JUNE_18, True, id="modified-fallback"),
        pytest.param(_link(), JUNE_18, False, id="undated-bounded"),
        pytest.param(_link(), RunWindow(), True, id="undated-open"),
        pytest.param(_link(at(1999, 1, 1)), RunWindow(), True, id="open-keeps-all"),
        pytest.param(_link(at(2025, 6, 18, 9)), RunWindow(start=datetime(2025, 6, 18)), True, id="naive"),
    ],
)
def test_link_in_window(link: Link, window: RunWindow, kept: bool) -> None:
    assert link_in_window(link, window) is kept


def test_merge_links_keeps_first_sighting_and_fills_in() -> None:
    feed = Link(
        url="https://m.example/a",
        outlet_id="m",
        via="feed",
        found_in="https://m.example/feed",
        title="Title",
        published_at=at(2025, 6, 18, 9),
        description="short",
    )
    sitemap = Link(
        url="https://m.example/a",
        outlet_id="m",
        via="news_sitemap",
        found_in="https://m.example/s",
        title="Other",
        published_at=at(2025, 6, 18, 8),
        modified_at=at(2025, 6, 19),
        description="a longer description",
    )
    other = Link(url="https://m.example/b", outlet_id="m", via="sitemap", found_in="https://m.example/s")
    merged = merge_links([feed, other, sitemap])
    assert [li.url for li in merged] == ["https://m.example/a", "https://m.example/b"]
    assert (merged[0].via, merged[0].found_in, merged[0].title) == ("feed", "https://m.example/feed", "Title")
    assert (merged[0].published_at, merged[0].modified_at) == (at(2025, 6, 18, 8), at(2025, 6, 19))
    assert merged[0].description == "a longer description"


@dataclass(frozen=True)
class Response:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpxGetter:
    """The smallest getter honouring discovery's contract, over a real httpx client."""

    client: httpx.AsyncClient
    accepts: list[str] = field(default_factory=list)

    async def get(
        self, url: str, *, accept: str = "*/*", conditional: dict[str, str] | None = None
    ) -> Response:
        self.accepts.append(accept)
        response = await self.client.get(url, headers={"Accept": accept, **(conditional or {})})
        headers = dict(response.headers)
        return Response(url, str(response.url), response.status_code, headers, response.content)


SITE_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Site</title><link>{{BASE}}/</link>
  <item><title>Feed story</title><link>/2025/06/18/feed-story.html</link>
    <pubDate>Wed, 18 Jun 2025 09:30:00 JST</pubDate><description>From the feed</description></item>
  <item><title>Shared story</title><link>{{BASE}}/2025/06/18/shared.html</link>
    <pubDate>Wed, 18 Jun 2025 12:00:00 GMT</pubDate></item>
  <item><title>Old feed story</title><link>{{BASE}}/2025/05/02/old.html</link>
    <pubDate>Fri, 02 May 2025 12:00:00 GMT</pubDate></item>
  <item><title>Elsewhere</title><link>https://wire.example/2025/06/18/wire.html</link>
    <pubDate>Wed, 18 Jun 2025 13:00:00 GMT</pubDate></item>
</channel></rss>"""


def _index(*children: tuple[str, str | None]) -> str:
    entries = "".join(
        f"<sitemap><loc>{loc}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</sitemap>"
        for loc, lastmod in children
    )
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def _urlset(*entries: tuple[str, str | None]) -> str:
    urls = "".join(
        f"<url><loc>{loc}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>"
        for loc, lastmod in entries
    )
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


SITE_FILES: dict[str, str | bytes] = {
    "feed.rss": SITE_FEED,
    # a moved feed: relative item links must resolve against where the feed ended up
    "old/feed.rss": "",
    "old/feed.rss.headers": "Status: 301\nLocation: /feed.rss\n",
    "homepage.rss": "<!DOCTYPE html><html><head><title>Site</title></head><body><h1>Hi</h1></body></html>",
    "sitemap_index.xml": _index(
        ("{{BASE}}/sitemap_index.xml", "2025-06-18"),  # lists itself
        ("{{BASE}}/sitemaps/sitemap-2025-06-18.xml", "2025-06-18T23:00:00Z"),
        ("{{BASE}}/sitemaps/sitemap-2025-05.xml.gz", "2025-05-31"),
        ("{{BASE}}/2025/04/sitemap.xml", None),
        ("{{BASE}}/sitemaps/posts.xml?yyyy=2025&amp;mm=06&amp;dd=01", None),
        ("{{BASE}}/sitemaps/archive.xml", "2024-01-01"),
        ("{{BASE}}/sitemaps/undated.xml", None),
        ("{{BASE}}/sub_index.xml", None),
    ),
    # a second index that points back at the first: the loop has to end
    "sub_index.xml": _index(
        ("{{BASE}}/sitemap_index.xml", None),
        ("{{BASE}}/news-sitemap.xml", None),
        ("{{BASE}}/sitemaps/gone.xml", None),
    ),
    "sitemaps/sitemap-2025-06-18.xml": _urlset(
        ("{{BASE}}/2025/06/18/shared.html", "2025-06-18T13:00:00Z"),
        ("{{BASE}}/2025/06/18/sitemap-only.html", "2025-06-18T08:00:00Z"),
        ("{{BASE}}/2025/06/10/touched.html", "2025-06-10T08:00:00Z"),
    ),
    "sitemaps/posts.xml": _urlset(("{{BASE}}/2025/06/01/posts.html", "2025-06-01")),
    "2025/04/sitemap.xml": _urlset(("{{BASE}}/2025/04/03/april.html", "2025-04-03")),
    "sitemaps/archive.xml": _urlset(("{{BASE}}/2023/12/01/archive.html", "2023-12-01")),
    "sitemaps/undated.xml": _urlset(
        ("{{BASE}}/undated.html", None), ("{{BASE}}/2025/06/18/dated.html", "2025-06-18")
    ),
    "news-sitemap.xml": NEWS_SITEMAP.decode().replace("https://paper.example", "{{BASE}}"),
}

# served as bytes: the site server substitutes {{BASE}} only in text files, so the gz carries real URLs
GZ_PATH = "sitemaps/sitemap-2025-05.xml.gz"


def _build_site(root: Path, port_base: str) -> None:
    for name, content in SITE_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    may = _urlset((f"{port_base}/2025/05/20/may.html", "2025-05-20"))
    (root / GZ_PATH).write_bytes(gzip.compress(may.encode()))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[SiteServer]:
    with serve_sites(tmp_path) as server:
        _build_site(tmp_path, server.base_url)
        yield server


def _outlet(server: SiteServer, feeds: list[str], sitemaps: list[str]) -> Outlet:
    base = server.base_url
    return Outlet(id="site", feeds=[base + f for f in feeds], sitemaps=[base + s for s in sitemaps])


def _discover(
    outlet: Outlet, window: RunWindow | None = None, max_sitemaps: int = 500
) -> tuple[list[Link], list[Failure]]:
    async def run() -> tuple[list[Link], list[Failure]]:
        async with httpx.AsyncClient(follow_redirects=True, timeout=10, trust_env=False) as client:
            return await discover_outlet(outlet, HttpxGetter(client), window, max_sitemaps)

    return asyncio.run(run())


def test_discover_outlet_walks_feeds_and_sitemaps(site: SiteServer) -> None:
    base = site.base_url
    outlet = _outlet(site, ["/old/feed.rss", "/missing.rss", "/homepage.rss"], ["/sitemap_index.xml"])
    outlet = outlet.model_copy(update={"feeds": [*outlet.feeds, "http://127.0.0.1:1/refused.rss"]})
    links, failures = _discover(outlet)

    by_url = {li.url: li for li in links}
    assert len(by_url) == len(links)
    assert set(by_url) == {
        f"{base}/2025/06/18/feed-story.html",
        f"{base}/2025/06/18/shared.html",
        f"{base}/2025/05/02/old.html",
        "https://wire.example/2025/06/18/wire.html",
        f"{base}/2025/06/18/sitemap-only.html",
        f"{base}/2025/06/10/touched.html",
        f"{base}/2025/05/20/may.html",
        f"{base}/2025/04/03/april.html",
        f"{base}/2025/06/01/posts.html",
        f"{base}/2023/12/01/archive.html",
        f"{base}/undated.html",
        f"{base}/2025/06/18/dated.html",
        f"{base}/business/rates.html",
        f"{base}/about.html",
    }
    feed_story = by_url[f"{base}/2025/06/18/feed-story.html"]
    assert (feed_story.via, feed_story.found_in) == ("feed", f"{base}/feed.rss")
    assert feed_story.description == "From the feed"
    shared = by_url[f"{base}/2025/06/18/shared.html"]
    # the feed saw it first (title, pubDate); the sitemap added its lastmod
    assert (shared.via, shared.title) == ("feed", "Shared story")
    assert (shared.published_at, shared.modified_at) == (at(2025, 6, 18, 12), at(2025, 6, 18, 13))
    assert by_url[f"{base}/business/rates.html"].via == "news_sitemap"

    assert sorted((f.url, f.kind, f.http_status, f.stage) for f in failures) == [
        ("http://127.0.0.1:1/refused.rss", "error", None, "discover"),
        (f"{base}/homepage.rss", "not_a_feed", None, "discover"),
        (f"{base}/missing.rss", "http_error", 404, "discover"),
        (f"{base}/sitemaps/gone.xml", "http_error", 404, "discover"),
    ]
    # every sitemap fetched exactly once although the indexes list themselves and each other
    sitemap_requests = [path for path in site.requests if not path.endswith(".rss")]
    assert len(sitemap_requests) == len(set(sitemap_requests)) == 10


def test_discover_outlet_window_prunes_children_by_name_and_lastmod(site: SiteServer) -> None:
    base = site.base_url
    outlet = _outlet(site, ["/feed.rss"], ["/sitemap_index.xml"])
    links, failures = _discover(outlet, JUNE_18)

    assert {li.url for li in links} == {
        f"{base}/2025/06/18/feed-story.html",
        f"{base}/2025/06/18/shared.html",
        "https://wire.example/2025/06/18/wire.html",
        f"{base}/2025/06/18/sitemap-only.html",
        f"{base}/2025/06/18/dated.html",
        f"{base}/business/rates.html",
    }
    assert [(f.url, f.kind) for f in failures] == [(f"{base}/sitemaps/gone.xml", "http_error")]
    # pruned children were never asked for
    for pruned in (
        "/sitemaps/sitemap-2025-05.xml.gz",
        "/2025/04/sitemap.xml",
        "/sitemaps/posts.xml",
        "/sitemaps/archive.xml",
    ):
        assert not any(path.startswith(pruned) for path in site.requests), pruned
    for kept in (
        "/sitemaps/sitemap-2025-06-18.xml",
        "/sitemaps/undated.xml",
        "/sub_index.xml",
        "/news-sitemap.xml",
    ):
        assert site.requests.count(kept) == 1, kept
    assert site.requests.count("/sitemap_index.xml") == 1


def test_discover_outlet_caps_sitemaps(site: SiteServer) -> None:
    outlet = _outlet(site, [], ["/sitemap_index.xml"])
    links, failures = _discover(outlet, max_sitemaps=3)
    assert len(site.requests) == 3
    (cap,) = [f for f in failures if f.kind == "sitemap_cap"]
    assert "cap of 3" in cap.error
    # the newest children by lastmod go first under a cap (fetched side by side: in either order)
    assert set(site.requests[1:]) == {"/sitemaps/sitemap-2025-06-18.xml", "/sitemaps/sitemap-2025-05.xml.gz"}
    assert links


def test_discover_outlet_feeds_only_sends_feed_accept(site: SiteServer) -> None:
    outlet = _outlet(site, ["/feed.rss"], [])

    async def run() -> tuple[list[Link], list[str]]:
        async with httpx.AsyncClient(follow_redirects=True, timeout=10, trust_env=False) as client:
            getter = HttpxGetter(client)
            links, _ = await discover_outlet(outlet, getter)
            return links, getter.accepts

    links, accepts = asyncio.run(run())
    assert len(links) == 4
    assert accepts == [discover.FEED_ACCEPT]
