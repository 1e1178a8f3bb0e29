# fixture documents are long lines of XML, kept whole so each reads like the document it stands for
# ruff: noqa: E501
"""A conformance corpus of feeds and sitemaps, written by us, shaped like what outlets really serve.

Each Case is one document as it arrives (bytes, Content-Type, URL) and what a correct reader gets from it:
every item's URL, title and date (the publication date, else the modification date: what a window goes
by). The cases cover the dialects (RSS 0.90/0.91/0.92/1.0/2.0, Atom 0.3/1.0, sitemaps, sitemap indexes,
Google News sitemaps, text sitemaps, gzip) and the defects issue 22 names, each marked by `defect`.
tests/test_feed_corpus.py holds copydesk's parser to every case; bench/feeds.py runs the same cases through
copydesk and the maintained parsers it was measured against.
"""

import gzip
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

BASE = "https://paper.example"


@dataclass(frozen=True)
class Item:
    """One item as a correct reader returns it; title None means the item has none."""

    url: str
    title: str | None = None
    date: datetime | None = None


@dataclass(frozen=True)
class Case:
    """One document and what it lists; `children` are the sitemaps a sitemap index names."""

    id: str
    kind: Literal["feed", "sitemap"]
    body: bytes
    items: tuple[Item, ...]
    content_type: str | None = "application/xml"
    url: str = f"{BASE}/feed.xml"
    children: tuple[str, ...] = ()
    # the defect class of issue 22 the case stands for ("" for a dialect or feature case)
    defect: str = ""
    # lower-case words that say what the case is about, for the results table
    about: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _rss(items: str, extra_ns: str = "", encoding: str = "UTF-8", channel_extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<rss version="2.0"{extra_ns}><channel><title>The Paper</title><link>{BASE}/</link>'
        f"<description>News from the harbour town</description>{channel_extra}{items}</channel></rss>"
    )


CASES: list[Case] = [
    # -- dialects ---------------------------------------------------------------------------------------
    Case(
        "rss20-cdata-entities",
        "feed",
        _rss(
            "<item><title><![CDATA[Ferry fares rise & routes change]]></title>"
            f"<link>{BASE}/2025/06/18/ferry.html</link><pubDate>Wed, 18 Jun 2025 09:30:00 +0000</pubDate>"
            "<description><![CDATA[<p>The <b>ferry</b> company said.</p>]]></description></item>"
            "<item><title>Library &amp; archive merge</title>"
            f"<guid>{BASE}/2025/06/18/library.html</guid><pubDate>Wed, 18 Jun 2025 10:00:00 GMT</pubDate></item>"
        ).encode(),
        (
            Item(f"{BASE}/2025/06/18/ferry.html", "Ferry fares rise & routes change", at(2025, 6, 18, 9, 30)),
            Item(f"{BASE}/2025/06/18/library.html", "Library & archive merge", at(2025, 6, 18, 10)),
        ),
        about="rss 2.0, cdata, entities, guid as link",
    ),
    Case(
        "rss091-netscape-doctype",
        "feed",
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old Paper</title><link>http://old.example/</link>'
        b"<description>d</description><language>en</language>"
        b"<item><title>Caf&eacute;&nbsp;opens on the quay</title><link>http://old.example/cafe.html</link>"
        b"<description>A new caf&eacute;</description></item></channel></rss>",
        (Item("http://old.example/cafe.html", "Caf\u00e9 opens on the quay"),),
        url="http://old.example/rss.xml",
        about="rss 0.91, netscape doctype, html entities",
    ),
    Case(
        "rss092-no-title",
        "feed",
        b'<?xml version="1.0"?><rss version="0.92"><channel><title>T</title><link>http://old.example/</link>'
        b"<description>d</description><item><description>Only a description</description>"
        b"<link>http://old.example/2001/1.html</link></item></channel></rss>",
        (Item("http://old.example/2001/1.html", None),),
        url="http://old.example/rss.xml",
        about="rss 0.92, an item without a title",
    ),
    Case(
        "rss090-rdf",
        "feed",
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Ninety</title>'
        b"<link>http://ninety.example/</link><description>d</description></channel>"
        b"<item><title>Tide tables printed</title><link>http://ninety.example/tides.html</link></item>"
        b"</rdf:RDF>",
        (Item("http://ninety.example/tides.html", "Tide tables printed"),),
        url="http://ninety.example/rss.rdf",
        about="rss 0.90 (rdf)",
    ),
    Case(
        "rss10-rdf-dc",
        "feed",
        (
            '<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f'<channel rdf:about="{BASE}/rss"><title>One</title><link>{BASE}/</link><description>d</description>'
            f'<items><rdf:Seq><rdf:li rdf:resource="{BASE}/2025/06/18/pier.html"/></rdf:Seq></items></channel>'
            f'<item rdf:about="{BASE}/2025/06/18/pier.html"><title>Pier reopens</title>'
            f"<link>{BASE}/2025/06/18/pier.html</link><dc:date>2025-06-18T09:30:00+09:00</dc:date>"
            "<content:encoded><![CDATA[<p>Full text</p>]]></content:encoded></item>"
            f'<item rdf:about="{BASE}/2025/06/18/about-only.html"><title>Named by rdf:about</title>'
            "<dc:date>2025-06-18T11:00:00Z</dc:date></item></rdf:RDF>"
        ).encode(),
        (
            Item(f"{BASE}/2025/06/18/pier.html", "Pier reopens", at(2025, 6, 18, 0, 30)),
            Item(f"{BASE}/2025/06/18/about-only.html", "Named by rdf:about", at(2025, 6, 18, 11)),
        ),
        url=f"{BASE}/rss",
        about="rss 1.0 (rdf), dc:date, rdf:about",
    ),
    Case(
        "atom10-xml-base",
        "feed",
        (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:base="{BASE}/news/"><title>Atom Paper</title><id>urn:uuid:1</id>'
            "<updated>2025-06-18T12:00:00Z</updated>"
            '<entry xml:base="2025/"><title>Harbour dredging starts</title>'
            '<link rel="alternate" type="text/html" href="06/18/dredging.html"/>'
            '<link rel="enclosure" href="https://cdn.example/dredging.jpg"/>'
            "<id>urn:uuid:2</id><published>2025-06-18T08:00:00+02:00</published>"
            "<updated>2025-06-18T09:00:00+02:00</updated><summary>Work begins</summary></entry>"
            '<entry><title>Only updated</title><link href="/2025/06/17/updated.html"/><id>urn:uuid:3</id>'
            "<updated>2025-06-17T22:00:00Z</updated></entry></feed>"
        ).encode(),
        (
            Item(f"{BASE}/news/2025/06/18/dredging.html", "Harbour dredging starts", at(2025, 6, 18, 6)),
            Item(f"{BASE}/2025/06/17/updated.html", "Only updated", at(2025, 6, 17, 22)),
        ),
        content_type="application/atom+xml",
        url=f"{BASE}/news/atom.xml",
        about="atom 1.0, nested xml:base, rel=enclosure ignored, updated only",
    ),
    Case(
        "atom03",
        "feed",
        b'<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
        b"<title>Old Atom</title><modified>2025-06-18T12:00:00Z</modified>"
        b'<entry><title>Bridge inspection due</title><link rel="alternate" type="text/html" '
        b'href="http://atom03.example/bridge.html"/><id>tag:atom03.example,2025:1</id>'
        b"<issued>2025-06-18T09:30:00-04:00</issued><modified>2025-06-18T14:00:00Z</modified></entry></feed>",
        (Item("http://atom03.example/bridge.html", "Bridge inspection due", at(2025, 6, 18, 13, 30)),),
        content_type="application/atom+xml",
        url="http://atom03.example/atom.xml",
        about="atom 0.3, issued and modified",
    ),
    Case(
        "feedburner-origlink",
        "feed",
        _rss(
            "<item><title>Council meets</title><link>https://feeds.example/~r/paper/~3/abc/</link>"
            f"<feedburner:origLink>{BASE}/2025/06/18/council.html</feedburner:origLink>"
            "<pubDate>Wed, 18 Jun 2025 07:00:00 +0000</pubDate></item>",
            ' xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"',
        ).encode(),
        (Item(f"{BASE}/2025/06/18/council.html", "Council meets", at(2025, 6, 18, 7)),),
        about="feedburner origLink over the redirect link",
    ),
    # -- defect: windows-1252 bytes under western labels, and the HTTP charset ----------------------------
    Case(
        "cp1252-declared-iso-8859-1",
        "feed",
        _rss(
            "<item><title>Mayor says \x93test\x94 and don\x92t panic \x96 again</title>"
            f"<link>{BASE}/2025/06/18/mayor.html</link><pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>",
            encoding="ISO-8859-1",
        ).encode("latin-1"),
        (
            Item(
                f"{BASE}/2025/06/18/mayor.html",
                "Mayor says \u201ctest\u201d and don\u2019t panic \u2013 again",
                at(2025, 6, 18, 9),
            ),
        ),
        content_type="text/xml",
        defect="charset",
        about="windows-1252 quotes in a feed declared ISO-8859-1",
    ),
    Case(
        "http-charset-latin1-no-declaration",
        "feed",
        (
            '<rss version="2.0"><channel><title>T</title><link>https://paper.example/</link><description>d'
            "</description><item><title>Caf\xe9 owner\x92s \x93best\x94 year</title>"
            f"<link>{BASE}/2025/06/18/cafe.html</link><pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate>"
            "</item></channel></rss>"
        ).encode("latin-1"),
        (
            Item(
                f"{BASE}/2025/06/18/cafe.html",
                "Caf\u00e9 owner\u2019s \u201cbest\u201d year",
                at(2025, 6, 18, 9),
            ),
        ),
        content_type="application/rss+xml; charset=ISO-8859-1",
        defect="charset",
        about="charset only in the HTTP header (latin1 label read as windows-1252)",
    ),
    Case(
        "http-charset-over-declaration",
        "feed",
        _rss(
            "<item><title>Na\xefve plan for the \u201cnew\u201d quay</title>"
            f"<link>{BASE}/2025/06/18/quay.html</link><pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>",
            encoding="UTF-8",
        ).encode("cp1252"),
        (
            Item(
                f"{BASE}/2025/06/18/quay.html",
                "Na\u00efve plan for the \u201cnew\u201d quay",
                at(2025, 6, 18, 9),
            ),
        ),
        content_type="application/xml; charset=windows-1252",
        defect="charset",
        about="the HTTP charset overrides the XML declaration (RFC 7303)",
    ),
    Case(
        "bom-over-declaration",
        "feed",
        b"\xef\xbb\xbf"
        + _rss(
            "<item><title>Stra\u00dfe closed \u2013 detour</title>"
            f"<link>{BASE}/2025/06/18/strasse.html</link><pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>",
            encoding="ISO-8859-1",
        ).encode("utf-8"),
        (Item(f"{BASE}/2025/06/18/strasse.html", "Stra\u00dfe closed \u2013 detour", at(2025, 6, 18, 9)),),
        content_type="text/xml; charset=ISO-8859-1",
        defect="charset",
        about="a UTF-8 byte order mark overrides header and declaration",
    ),
    # -- defect: zones and date formats -------------------------------------------------------------------
    Case(
        "us-zone-abbreviations",
        "feed",
        _rss(
            f"<item><title>Eastern</title><link>{BASE}/a/est.html</link>"
            "<pubDate>Wed, 15 Jan 2025 09:30:00 EST</pubDate></item>"
            f"<item><title>Pacific daylight</title><link>{BASE}/a/pdt.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:30:00 PDT</pubDate></item>"
            f"<item><title>Central</title><link>{BASE}/a/cdt.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:30:00 CDT</pubDate></item>"
            f"<item><title>Eastern generic, summer</title><link>{BASE}/a/et-summer.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:30:00 ET</pubDate></item>"
            f"<item><title>Pacific generic, winter</title><link>{BASE}/a/pt-winter.html</link>"
            "<pubDate>Wed, 15 Jan 2025 09:30:00 PT</pubDate></item>"
            f"<item><title>Mountain generic</title><link>{BASE}/a/mt.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:30:00 MT</pubDate></item>"
        ).encode(),
        (
            Item(f"{BASE}/a/est.html", "Eastern", at(2025, 1, 15, 14, 30)),
            Item(f"{BASE}/a/pdt.html", "Pacific daylight", at(2025, 6, 18, 16, 30)),
            Item(f"{BASE}/a/cdt.html", "Central", at(2025, 6, 18, 14, 30)),
            Item(f"{BASE}/a/et-summer.html", "Eastern generic, summer", at(2025, 6, 18, 13, 30)),
            Item(f"{BASE}/a/pt-winter.html", "Pacific generic, winter", at(2025, 1, 15, 17, 30)),
            Item(f"{BASE}/a/mt.html", "Mountain generic", at(2025, 6, 18, 15, 30)),
        ),
        defect="dates",
        about="US zone abbreviations, fixed (EST, PDT) and generic (ET, PT, MT)",
    ),
    Case(
        "other-date-formats",
        "feed",
        _rss(
            f"<item><title>Etc zone</title><link>{BASE}/b/etc.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:30:00 Etc/GMT</pubDate></item>"
            f"<item><title>JavaScript date</title><link>{BASE}/b/js.html</link>"
            "<pubDate>Thu Aug 30 2012 17:26:16 +0200</pubDate></item>"
            f"<item><title>JavaScript date with zone name</title><link>{BASE}/b/js-name.html</link>"
            "<pubDate>Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)</pubDate></item>"
            f"<item><title>Prose date</title><link>{BASE}/b/prose.html</link>"
            "<pubDate>Wednesday, June 18, 2025 9:30 AM</pubDate></item>"
            f"<item><title>Prose date, afternoon, eastern</title><link>{BASE}/b/prose-pm.html</link>"
            "<pubDate>June 18, 2025 2:05 PM EDT</pubDate></item>"
        ).encode(),
        (
            Item(f"{BASE}/b/etc.html", "Etc zone", at(2025, 6, 18, 9, 30)),
            Item(f"{BASE}/b/js.html", "JavaScript date", at(2012, 8, 30, 15, 26, 16)),
            Item(f"{BASE}/b/js-name.html", "JavaScript date with zone name", at(2012, 8, 30, 15, 26, 16)),
            Item(f"{BASE}/b/prose.html", "Prose date", at(2025, 6, 18, 9, 30)),
            Item(f"{BASE}/b/prose-pm.html", "Prose date, afternoon, eastern", at(2025, 6, 18, 18, 5)),
        ),
        defect="dates",
        about="Etc/GMT, JavaScript Date.toString, US prose dates with AM/PM",
    ),
    # -- defect: titles by their declared type --------------------------------------------------------------
    Case(
        "atom-title-types",
        "feed",
        (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            "<id>urn:t</id><updated>2025-06-18T12:00:00Z</updated>"
            '<entry><title type="text">Why the &lt;blink&gt; tag &amp; &lt;marquee&gt; died</title>'
            f'<link href="{BASE}/c/text.html"/><id>urn:1</id><updated>2025-06-18T10:00:00Z</updated></entry>'
            '<entry><title type="html">Rates &lt;b&gt;held&lt;/b&gt; at 4&amp;amp;nbsp;%</title>'
            f'<link href="{BASE}/c/html.html"/><id>urn:2</id><updated>2025-06-18T10:00:00Z</updated></entry>'
            '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Storm <em>warning</em>'
            "<script>track()</script> for the coast</div></title>"
            f'<link href="{BASE}/c/xhtml.html"/><id>urn:3</id><updated>2025-06-18T10:00:00Z</updated></entry>'
            "</feed>"
        ).encode(),
        (
            Item(f"{BASE}/c/text.html", "Why the <blink> tag & <marquee> died", at(2025, 6, 18, 10)),
            Item(f"{BASE}/c/html.html", "Rates held at 4&nbsp;%", at(2025, 6, 18, 10)),
            Item(f"{BASE}/c/xhtml.html", "Storm warning for the coast", at(2025, 6, 18, 10)),
        ),
        content_type="application/atom+xml",
        defect="titles",
        about="atom text, html and xhtml titles",
    ),
    Case(
        "atom03-base64-escaped",
        "feed",
        b'<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
        b"<title>T</title><modified>2025-06-18T12:00:00Z</modified>"
        b'<entry><title type="text/plain" mode="base64">U2hpcHlhcmQgd2lucyBjb250cmFjdA==</title>'
        b'<link rel="alternate" type="text/html" href="http://atom03.example/b64.html"/>'
        b"<issued>2025-06-18T10:00:00Z</issued></entry>"
        b'<entry><title type="text/html" mode="escaped">Quay &lt;i&gt;reopens&lt;/i&gt;</title>'
        b'<link rel="alternate" type="text/html" href="http://atom03.example/escaped.html"/>'
        b"<issued>2025-06-18T10:00:00Z</issued></entry></feed>",
        (
            Item("http://atom03.example/b64.html", "Shipyard wins contract", at(2025, 6, 18, 10)),
            Item("http://atom03.example/escaped.html", "Quay reopens", at(2025, 6, 18, 10)),
        ),
        content_type="application/atom+xml",
        url="http://atom03.example/atom.xml",
        defect="titles",
        about="atom 0.3 base64 and escaped titles",
    ),
    Case(
        "rss-title-text-or-markup",
        "feed",
        _rss(
            f"<item><title>Use the &lt;blink&gt; tag sparingly</title><link>{BASE}/d/blink.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
            f"<item><title>Vote &lt;b&gt;today&lt;/b&gt;</title><link>{BASE}/d/bold.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
            f"<item><title>Sales grow 5% &gt; forecast</title><link>{BASE}/d/gt.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
        ).encode(),
        (
            Item(f"{BASE}/d/blink.html", "Use the <blink> tag sparingly", at(2025, 6, 18, 9)),
            Item(f"{BASE}/d/bold.html", "Vote today", at(2025, 6, 18, 9)),
            Item(f"{BASE}/d/gt.html", "Sales grow 5% > forecast", at(2025, 6, 18, 9)),
        ),
        defect="titles",
        about="rss titles: escaped markup stripped, angle-bracket words kept",
    ),
    # -- defect: elements matched with their namespace ------------------------------------------------------
    Case(
        "namespaced-titles",
        "feed",
        _rss(
            "<item><media:title>Photo: the new quay</media:title><itunes:title>Episode 12</itunes:title>"
            f"<title>Quay opens to the public</title><link>{BASE}/2025/06/18/quay-open.html</link>"
            "<media:description>Caption</media:description>"
            "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
            "<item><itunes:title>Only an itunes title</itunes:title>"
            f"<link>{BASE}/2025/06/18/podcast.html</link><pubDate>Wed, 18 Jun 2025 10:00:00 GMT</pubDate></item>",
            ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
        ).encode(),
        (
            Item(f"{BASE}/2025/06/18/quay-open.html", "Quay opens to the public", at(2025, 6, 18, 9)),
            Item(f"{BASE}/2025/06/18/podcast.html", None, at(2025, 6, 18, 10)),
        ),
        defect="namespaces",
        about="media:title and itunes:title are not the title",
    ),
    # -- defect: an html doctype in front of the feed -------------------------------------------------------
    Case(
        "html-doctype-before-rss",
        "feed",
        (
            '<!DOCTYPE html>\n<?xml version="1.0" encoding="UTF-8"?>\n'
            + _rss(
                f"<item><title>Tram line extended</title><link>{BASE}/2025/06/18/tram.html</link>"
                "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
            ).split("\n", 1)[1]
        ).encode(),
        (Item(f"{BASE}/2025/06/18/tram.html", "Tram line extended", at(2025, 6, 18, 9)),),
        content_type="text/html; charset=UTF-8",
        defect="doctype",
        about="an html doctype written before <rss> by a careless template",
    ),
    # -- defect: a document cut off -------------------------------------------------------------------------
    Case(
        "feed-truncated-mid-link",
        "feed",
        _rss(
            f"<item><title>Complete item</title><link>{BASE}/2025/06/18/complete.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
            f"<item><title>Cut off</title><link>{BASE}/2025/06/18/cut-o"
        )
        .split("</channel>")[0]
        .encode(),
        (Item(f"{BASE}/2025/06/18/complete.html", "Complete item", at(2025, 6, 18, 9)),),
        defect="truncated",
        about="a feed cut off inside an item's link",
    ),
    # -- sitemaps ---------------------------------------------------------------------------------------------
    Case(
        "urlset-lastmod",
        "sitemap",
        (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
            f"<url><loc>{BASE}/2025/06/18/a.html</loc><lastmod>2025-06-18T09:30:00+01:00</lastmod>"
            "<image:image><image:loc>https://cdn.example/a.jpg</image:loc></image:image></url>"
            f"<url><loc>{BASE}/2025/06/18/b.html</loc><lastmod>2025-06-18</lastmod></url>"
            f"<url><loc> {BASE}/2025/06/18/c.html?x=1&amp;y=2 </loc></url></urlset>"
        ).encode(),
        (
            Item(f"{BASE}/2025/06/18/a.html", None, at(2025, 6, 18, 8, 30)),
            Item(f"{BASE}/2025/06/18/b.html", None, at(2025, 6, 18)),
            Item(f"{BASE}/2025/06/18/c.html?x=1&y=2", None, None),
        ),
        url=f"{BASE}/sitemap.xml",
        about="urlset, W3C dates, image:loc ignored",
    ),
    Case(
        "sitemap-index",
        "sitemap",
        (
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{BASE}/sitemaps/2025-06-18.xml</loc><lastmod>2025-06-18T23:00:00Z</lastmod></sitemap>"
            f"<sitemap><loc>/sitemaps/2025-06-17.xml.gz</loc></sitemap></sitemapindex>"
        ).encode(),
        (),
        url=f"{BASE}/sitemap_index.xml",
        children=(f"{BASE}/sitemaps/2025-06-18.xml", f"{BASE}/sitemaps/2025-06-17.xml.gz"),
        about="sitemap index, a relative child",
    ),
    Case(
        "google-news-sitemap",
        "sitemap",
        (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"<url><loc>{BASE}/2025/06/18/budget.html</loc><news:news><news:publication>"
            "<news:name>The Paper</news:name><news:language>en</news:language></news:publication>"
            "<news:publication_date>2025-06-18T09:30:00-04:00</news:publication_date>"
            "<news:title>Budget &lt;draft&gt; leaks &amp; council reacts</news:title></news:news></url>"
            "</urlset>"
        ).encode(),
        (
            Item(
                f"{BASE}/2025/06/18/budget.html",
                "Budget <draft> leaks & council reacts",
                at(2025, 6, 18, 13, 30),
            ),
        ),
        url=f"{BASE}/news-sitemap.xml",
        defect="titles",
        about="google news sitemap, news:title is plain text",
    ),
    Case(
        "news-sitemap-undeclared-prefix",
        "sitemap",
        (
            f'<?xml version="1.0"?><urlset><url><loc>{BASE}/2025/06/18/undeclared.html</loc><news:news>'
            "<news:publication_date>2025-06-18T09:30:00Z</news:publication_date>"
            "<news:title>Prefix never declared</news:title></news:news></url></urlset>"
        ).encode(),
        (Item(f"{BASE}/2025/06/18/undeclared.html", "Prefix never declared", at(2025, 6, 18, 9, 30)),),
        url=f"{BASE}/news-sitemap.xml",
        defect="namespaces",
        about="a news sitemap without namespace declarations",
    ),
    Case(
        "sitemap-gzip",
        "sitemap",
        gzip.compress(
            (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{BASE}/2025/06/17/gz.html</loc><lastmod>2025-06-17T10:00:00Z</lastmod></url></urlset>"
            ).encode()
        ),
        (Item(f"{BASE}/2025/06/17/gz.html", None, at(2025, 6, 17, 10)),),
        content_type="application/x-gzip",
        url=f"{BASE}/sitemaps/2025-06-17.xml.gz",
        about="a .xml.gz sitemap",
    ),
    Case(
        "sitemap-truncated-mid-loc",
        "sitemap",
        (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{BASE}/2025/06/18/whole.html</loc><lastmod>2025-06-18</lastmod></url>"
            f"<url><loc>{BASE}/2025/06/18/cut-sh"
        ).encode(),
        (Item(f"{BASE}/2025/06/18/whole.html", None, at(2025, 6, 18)),),
        url=f"{BASE}/sitemap.xml",
        defect="truncated",
        about="a sitemap cut off inside a <loc>",
    ),
    Case(
        "text-sitemap",
        "sitemap",
        f"{BASE}/2025/06/18/one.html\n{BASE}/2025/06/18/two.html\n\nnot a url\n".encode(),
        (Item(f"{BASE}/2025/06/18/one.html"), Item(f"{BASE}/2025/06/18/two.html")),
        content_type="text/plain",
        url=f"{BASE}/sitemap.txt",
        about="a plain-text sitemap",
    ),
    Case(
        "feed-as-sitemap",
        "sitemap",
        _rss(
            f"<item><title>Listed in a feed sitemap</title><link>{BASE}/2025/06/18/fs.html</link>"
            "<pubDate>Wed, 18 Jun 2025 09:00:00 GMT</pubDate></item>"
        ).encode(),
        (Item(f"{BASE}/2025/06/18/fs.html", "Listed in a feed sitemap", at(2025, 6, 18, 9)),),
        url=f"{BASE}/sitemap-feed.xml",
        about="an RSS feed given as a sitemap",
    ),
]

DEFECTS = ("charset", "dates", "titles", "namespaces", "doctype", "truncated")
