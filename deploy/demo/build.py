"""Regenerate the demo news web (deploy/demo/sites) and deploy/demo/outlets.yaml from deploy/demo/src.

Run `python deploy/demo/build.py` after editing a source; the output is committed and `make demo` serves
it as is. Pure stdlib, deterministic (a second run rewrites nothing), and independent of the test
fixtures' generator in tests/sites/build.py.

Four outlets, six pages each:
  meridian    Meridian Press, a wire service: originals, RSS 2.0
  northfield  The Northfield Gazette, a regional daily: four originals and two edited wire stories
              (new headline, sentences dropped, "first published by" line), plain + Google News sitemaps
  newsgrid    Newsgrid, an aggregator: five full copies and one teaser, each with a Related Articles
              block carrying the full text of two other demo stories; RSS 1.0 (RDF) with one dead link
  minato      みなと新報, a Japanese paper: originals served as Shift_JIS, Atom
"""

# the page templates below are lines of HTML; wrapping them to 110 columns would hide the markup
# ruff: noqa: E501

import html
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
SITES = HERE / "sites"
BASE = "{{BASE}}"


@dataclass(frozen=True)
class Story:
    path: str
    fields: dict[str, str]
    paragraphs: tuple[str, ...]

    def __getitem__(self, name: str) -> str:
        return self.fields[name]

    @property
    def url(self) -> str:
        return f"{BASE}/{self.path}"

    @property
    def title(self) -> str:
        return self["title"]

    @property
    def authors(self) -> list[str]:
        return [a.strip() for a in self.fields.get("authors", "").split(";") if a.strip()]

    @property
    def published(self) -> datetime:
        moment = datetime.fromisoformat(self["published"])
        if moment.tzinfo is None:
            raise SystemExit(f"{self.path}: published has no offset")
        return moment

    @property
    def body(self) -> str:
        return " ".join(self.paragraphs)


def parse_stories(name: str) -> list[Story]:
    """Read src/<name>.txt: blocks opened by '=== <path>', header lines, blank line, paragraphs."""
    stories = []
    for block in re.split(r"^=== ", (SRC / f"{name}.txt").read_text(encoding="utf-8"), flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        header, _, body = rest.partition("\n\n")
        fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
        paragraphs = tuple(" ".join(p.split()) for p in body.strip().split("\n\n") if p.strip())
        stories.append(Story(head.strip(), fields, paragraphs))
    return stories


def check(story: Story, language: str) -> None:
    """Fail loudly when a story breaks the demo's own rules."""
    if story["key"] not in story.body:
        raise SystemExit(f"{story.path}: key sentence is not in the body")
    if not 4 <= len(story.paragraphs) <= 9:
        raise SystemExit(f"{story.path}: {len(story.paragraphs)} paragraphs, want 4-9")
    size = len(story.body.split()) if language == "en" else len(re.sub(r"\s", "", story.body))
    low, high = (250, 700) if language == "en" else (400, 900)
    if not low <= size <= high:
        raise SystemExit(f"{story.path}: size {size}, want {low}-{high}")
    story.published  # noqa: B018 - raises on a naive timestamp


def republish(copy: Story, original: Story, credit: str) -> Story:
    """The regional edit of a wire story: its own headline, some sentences dropped, a credit line added."""
    drops = [d.strip() for d in copy["drop"].split("|")]
    paragraphs = []
    for paragraph in original.paragraphs:
        for sentence in drops:
            paragraph = paragraph.replace(sentence, "")
        if paragraph.strip():
            paragraphs.append(" ".join(paragraph.split()))
    if sum(len(p) for p in paragraphs) >= sum(len(p) for p in original.paragraphs):
        raise SystemExit(f"{copy.path}: nothing was dropped from {original.path}")
    fields = {**original.fields, **copy.fields, "key": original["key"]}
    return Story(copy.path, fields, (*paragraphs, f"This report was first published by {credit}."))


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def iso(moment: datetime) -> str:
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def json_ld(data: object) -> str:
    return (
        '<script type="application/ld+json">'
        + json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        + "</script>"
    )


def clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M} {'a.m.' if moment.hour < 12 else 'p.m.'}"


# -- Meridian Press --------------------------------------------------------------------------------------

MERIDIAN = "Meridian Press"


def meridian_page(story: Story, others: list[Story]) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story["description"],
        "datePublished": iso(story.published),
        "author": [{"@type": "Person", "name": a} for a in story.authors],
        "publisher": {"@type": "NewsMediaOrganization", "name": MERIDIAN},
        "mainEntityOfPage": story.url,
        "articleSection": story["section"],
    }
    more = [o for o in others if o.path != story.path][:3]
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>{esc(story.title)} | {MERIDIAN}</title>",
                f'<meta name="description" content="{attr(story["description"])}">',
                f'<link rel="canonical" href="{story.url}">',
                '<meta property="og:type" content="article">',
                f'<meta property="og:site_name" content="{MERIDIAN}">',
                f'<meta property="og:title" content="{attr(story.title)}">',
                f'<meta property="article:published_time" content="{iso(story.published)}">',
                json_ld(data),
                "</head>",
                "<body>",
                f'<header class="masthead"><a href="{BASE}/meridian/">{MERIDIAN}</a><nav><a href="/meridian/world/">World</a> '
                '<a href="/meridian/business/">Business</a> <a href="/meridian/science/">Science</a> <a href="/meridian/asia/">Asia</a></nav></header>',
                "<main>",
                "<article>",
                f'  <p class="section">{esc(story["section"])}</p>',
                f"  <h1>{esc(story.title)}</h1>",
                f'  <p class="byline">By {esc(" and ".join(story.authors))}, {MERIDIAN}</p>',
                f'  <time datetime="{iso(story.published)}">{story.published:%B} {story.published.day}, {story.published.year} {story.published:%H:%M} GMT</time>',
                *(f"  <p>{esc(p)}</p>" for p in story.paragraphs),
                f'  <p class="licensing">Copyright 2025 {MERIDIAN}. All rights reserved. This material may not be republished without a licence.</p>',
                "</article>",
                '<aside class="more"><h2>More from Meridian</h2><ul>',
                *(f'  <li><a href="{o.url}">{esc(o.title)}</a></li>' for o in more),
                "</ul></aside>",
                "</main>",
                f'<footer><p>{MERIDIAN} is an independent news agency serving 1,400 newsrooms.</p><p><a href="/meridian/terms">Terms</a> | <a href="/meridian/privacy">Privacy</a></p></footer>',
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def meridian_feed(stories: list[Story]) -> str:
    ordered = sorted(stories, key=lambda s: s.published, reverse=True)
    items = "".join(
        "    <item>\n"
        f"      <title>{xml_escape(s.title)}</title>\n"
        f"      <link>{s.url}</link>\n"
        f'      <guid isPermaLink="true">{s.url}</guid>\n'
        f"      <pubDate>{format_datetime(s.published)}</pubDate>\n"
        f"      <category>{xml_escape(s['section'])}</category>\n"
        f"      <description>{xml_escape(s['description'])}</description>\n"
        "    </item>\n"
        for s in ordered
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
        f"    <title>{MERIDIAN}: Top News</title>\n    <link>{BASE}/meridian/</link>\n"
        "    <description>Breaking news and analysis from Meridian Press</description>\n    <language>en</language>\n"
        f"    <lastBuildDate>{format_datetime(ordered[0].published)}</lastBuildDate>\n"
        + items
        + "  </channel>\n</rss>\n"
    )


# -- The Northfield Gazette ---------------------------------------------------------------------------

GAZETTE = "The Northfield Gazette"


def gazette_page(story: Story, based_on: Story | None) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": iso(story.published),
        "author": [{"@type": "Person", "name": a} for a in story.authors],
        "publisher": {"@type": "Organization", "name": GAZETTE},
    }
    if based_on is not None:
        data["isBasedOn"] = based_on.url
    credit = f", {MERIDIAN}" if "copy_of" in story.fields else ""
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en-US">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>{esc(story.title)} - {GAZETTE}</title>",
                f'<meta name="description" content="{attr(story["description"])}">',
                f'<link rel="canonical" href="{story.url}">',
                f'<meta property="og:site_name" content="{GAZETTE}">',
                f'<meta property="og:title" content="{attr(story.title)}">',
                f'<meta property="article:published_time" content="{iso(story.published)}">',
                json_ld(data),
                "</head>",
                '<body class="single-post">',
                '<div class="site">',
                f'  <div class="site-branding"><a href="{BASE}/northfield/">{GAZETTE}</a><span class="tagline">Northfield\'s daily newspaper since 1903</span></div>',
                '  <div class="main-navigation"><a href="/northfield/news/">News</a> <a href="/northfield/business/">Business</a> <a href="/northfield/sports/">Sports</a> <a href="/northfield/obituaries/">Obituaries</a></div>',
                '  <div class="content-area">',
                f'    <div class="entry-header"><span class="cat-links">{esc(story["section"])}</span><h1 class="entry-title">{esc(story.title)}</h1>',
                f'    <div class="entry-meta">By <span class="author">{esc(" and ".join(story.authors))}{credit}</span> | <span class="posted-on">{story.published:%B} {story.published.day}, {story.published.year} at {clock(story.published)}</span></div></div>',
                '    <div class="entry-content">',
                *(f"      <p>{esc(p)}</p>" for p in story.paragraphs),
                "    </div>",
                '    <div class="support-box"><p>Support local journalism: subscribe to the Gazette for $2 a week.</p></div>',
                '    <div class="comments-area"><h3>Join the discussion</h3><p>Comments are open to subscribers.</p></div>',
                "  </div>",
                '  <div class="widget-area"><div class="widget"><h3>Today\'s e-edition</h3><p>Read the print edition online.</p></div></div>',
                f'  <div class="site-footer">Copyright 2025 {GAZETTE}, 400 Commerce Street, Northfield.</div>',
                "</div>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def gazette_sitemaps(stories: list[Story]) -> tuple[str, str]:
    ordered = sorted(stories, key=lambda s: s.published, reverse=True)
    plain = "".join(
        f"  <url>\n    <loc>{s.url}</loc>\n    <lastmod>{iso(s.published)}</lastmod>\n  </url>\n"
        for s in ordered
    )
    news = "".join(
        f"  <url>\n    <loc>{s.url}</loc>\n    <news:news>\n      <news:publication>\n"
        f"        <news:name>{GAZETTE}</news:name>\n        <news:language>en</news:language>\n"
        f"      </news:publication>\n      <news:publication_date>{iso(s.published)}</news:publication_date>\n"
        f"      <news:title>{xml_escape(s.title)}</news:title>\n    </news:news>\n  </url>\n"
        for s in ordered
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    )
    return (
        f"{head}>\n{plain}</urlset>\n",
        f'{head} xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{news}</urlset>\n',
    )


# -- Newsgrid ------------------------------------------------------------------------------------------

NEWSGRID = "Newsgrid"


@dataclass(frozen=True)
class Copy:
    path: str
    original: Story
    credit: str
    published: datetime
    related: tuple[tuple[str, Story], ...]
    teaser: bool = False

    @property
    def url(self) -> str:
        return f"{BASE}/{self.path}"


def newsgrid_page(copy: Copy) -> str:
    original = copy.original
    paragraphs = original.paragraphs[:2] if copy.teaser else original.paragraphs
    text = [f"      <p>{esc(p)}</p>" for p in paragraphs]
    if copy.teaser:
        text.append(
            f'      <p class="read-on"><a href="{original.url}">Continue reading at {esc(copy.credit)}</a></p>'
        )
    related = [
        f'    <div class="rel-item"><h4>{esc(s.title)}</h4><h4>{esc(s.title)}</h4><span class="rel-src">{esc(src)}</span>'
        f'<span class="rel-time">time a day ago</span><ul><li>{esc(src)}</li></ul><h5>{esc(s.title)}</h5><p>{esc(s.body)}</p></div>'
        for src, s in copy.related
    ]
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>{esc(original.title)} | {NEWSGRID}</title>",
                f'<link rel="canonical" href="{copy.url}">',
                f'<meta property="og:site_name" content="{NEWSGRID}">',
                f'<meta property="og:title" content="{attr(original.title)}">',
                f'<meta property="article:published_time" content="{iso(copy.published)}">',
                "</head>",
                "<body>",
                f'<div class="top"><a href="{BASE}/newsgrid/"><img src="/newsgrid/logo.svg" alt="logo"></a></div>',
                '<div class="page">',
                f"  <h1>{esc(original.title)}</h1>",
                '  <div class="card">',
                f"    <h2>{esc(original.title)}</h2>",
                f'    <div class="credit"><span>{esc(copy.credit)}</span><span>{copy.published:%d-%m-%Y}</span></div>',
                '    <div class="card-body">',
                *text,
                "    </div>",
                "  </div>",
                '  <div class="assistant"><h3>Ask Newsgrid Assistant</h3><p>Get a quick summary, a timeline or a translation of any story with one tap.</p></div>',
                '  <div class="comments"><h3>Comments</h3><p>Be the first to comment on this story.</p></div>',
                '  <div class="related"><h3>Related Articles</h3>',
                *related,
                "  </div>",
                '  <div class="app"><h3>GET THE APP</h3><p>Stay ahead of the news: install the Newsgrid app for iPhone and Android.</p></div>',
                "</div>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def newsgrid_feed(copies: list[Copy], gone: tuple[str, str, datetime]) -> str:
    rows = [(c.url, c.original.title, c.published, c.credit) for c in copies]
    rows.append((f"{BASE}/{gone[0]}", gone[1], gone[2], MERIDIAN))
    rows.sort(key=lambda r: r[2], reverse=True)
    lis = "".join(f'        <rdf:li rdf:resource="{u}"/>\n' for u, *_ in rows)
    items = "".join(
        f'  <item rdf:about="{u}">\n    <title>{xml_escape(t)}</title>\n    <link>{u}</link>\n'
        f"    <dc:date>{iso(d)}</dc:date>\n    <dc:source>{xml_escape(c)}</dc:source>\n  </item>\n"
        for u, t, d, c in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'  <channel rdf:about="{BASE}/newsgrid/index.rdf">\n    <title>{NEWSGRID}</title>\n    <link>{BASE}/newsgrid/</link>\n'
        "    <description>The day's stories from everywhere, in one place</description>\n"
        "    <items>\n      <rdf:Seq>\n"
        + lis
        + "      </rdf:Seq>\n    </items>\n  </channel>\n"
        + items
        + "</rdf:RDF>\n"
    )


# -- みなと新報 ------------------------------------------------------------------------------------------

MINATO = "みなと新報"


def minato_page(story: Story) -> str:
    moment = story.published
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="ja">',
                "<head>",
                '<meta charset="Shift_JIS">',
                f"<title>{esc(story.title)} - {MINATO}</title>",
                f'<meta name="description" content="{attr(story["description"])}">',
                f'<meta property="og:site_name" content="{MINATO}">',
                f'<meta property="og:title" content="{attr(story.title)}">',
                f'<meta property="article:published_time" content="{iso(moment)}">',
                f'<meta name="author" content="{attr(story.authors[0])}">',
                f'<link rel="canonical" href="{story.url}">',
                "</head>",
                "<body>",
                f'<div id="header"><a href="{BASE}/minato/">{MINATO}</a><ul><li>社会</li><li>政治</li><li>経済</li><li>地域</li><li>科学</li></ul></div>',
                '<div id="article">',
                f'  <div class="category">{esc(story["section"])}</div>',
                f"  <h1>{esc(story.title)}</h1>",
                f'  <div class="date">{moment.year}年{moment.month}月{moment.day}日 {moment.hour}時{moment:%M}分</div>',
                '  <div class="text">',
                *(f"    <p>{esc(p)}</p>" for p in story.paragraphs),
                "  </div>",
                f'  <div class="writer">記者：{esc(story.authors[0])}</div>',
                '  <div class="sns">この記事をシェア</div>',
                "</div>",
                '<div id="side"><h2>よく読まれている記事</h2><ol><li>汐見駅前の再開発、来年春に着工へ</li><li>汐見高校野球部、夏の大会へ向け壮行会</li></ol></div>',
                '<div id="footer">Copyright みなと新報社 記事の無断転載を禁じます</div>',
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def minato_feed(stories: list[Story]) -> str:
    ordered = sorted(stories, key=lambda s: s.published, reverse=True)
    entries = "".join(
        f"  <entry>\n    <title>{xml_escape(s.title)}</title>\n"
        f'    <link rel="alternate" type="text/html" href="{s.url}"/>\n    <id>{s.url}</id>\n'
        f"    <published>{iso(s.published)}</published>\n    <updated>{iso(s.published)}</updated>\n"
        f"    <author><name>{xml_escape(s.authors[0])}</name></author>\n"
        f"    <summary>{xml_escape(s['description'])}</summary>\n  </entry>\n"
        for s in ordered
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">\n'
        f'  <title>{MINATO}</title>\n  <link rel="alternate" href="{BASE}/minato/"/>\n  <id>{BASE}/minato/</id>\n'
        f"  <updated>{iso(ordered[0].published)}</updated>\n" + entries + "</feed>\n"
    )


def front_page(name: str, lang: str, stories: list[tuple[str, str]], charset: str = "utf-8") -> str:
    links = "".join(f'<li><a href="{url}">{esc(title)}</a></li>\n' for url, title in stories)
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n<title>{esc(name)}</title>\n</head>\n<body>\n<h1>{esc(name)}</h1>\n<ul>\n{links}</ul>\n</body>\n</html>\n'


# -- build ---------------------------------------------------------------------------------------------

OUTLETS_YAML = """\
# the bundled demo outlets for `make demo` (flows/demo.py serves deploy/demo/sites on loopback);
# GENERATED by deploy/demo/build.py. {{BASE}} stands for the site server's base URL.
allow_private_addresses: true
outlets:
  - id: meridian
    name: Meridian Press
    homepage: "{{BASE}}/meridian/"
    site_prefix: "{{BASE}}/meridian/"
    language: en
    feeds:
      - "{{BASE}}/meridian/rss.xml"
  - id: northfield
    name: The Northfield Gazette
    homepage: "{{BASE}}/northfield/"
    site_prefix: "{{BASE}}/northfield/"
    language: en
    sitemaps:
      - "{{BASE}}/northfield/sitemap.xml"
      - "{{BASE}}/northfield/news-sitemap.xml"
  - id: newsgrid
    name: Newsgrid
    homepage: "{{BASE}}/newsgrid/"
    site_prefix: "{{BASE}}/newsgrid/"
    language: en
    feeds:
      - "{{BASE}}/newsgrid/index.rdf"
  - id: minato
    name: みなと新報
    homepage: "{{BASE}}/minato/"
    site_prefix: "{{BASE}}/minato/"
    language: ja
    feeds:
      - "{{BASE}}/minato/atom.xml"
"""


def render() -> dict[str, bytes]:
    """Every file under deploy/demo/sites, keyed by its path there, plus ../outlets.yaml."""
    files: dict[str, bytes] = {}

    def add(path: str, text: str, codec: str = "utf-8") -> None:
        data = text.encode(codec)
        if codec == "cp932" and (data != text.encode("shift_jis") or data.decode("shift_jis") != text):
            raise SystemExit(f"{path}: text does not round-trip through shift_jis")
        files[path] = data

    wire, gazette, minato = parse_stories("meridian"), parse_stories("northfield"), parse_stories("minato")
    by_path = {s.path: s for s in wire}
    gazette = [republish(s, by_path[s["copy_of"]], MERIDIAN) if "copy_of" in s.fields else s for s in gazette]
    for story in wire + gazette:
        check(story, "en")
    for story in minato:
        check(story, "ja")

    for story in wire:
        add(story.path, meridian_page(story, wire))
    add("meridian/rss.xml", meridian_feed(wire))
    add("meridian/rss.xml.headers", "Content-Type: application/rss+xml; charset=UTF-8\n")
    add("meridian/index.html", front_page(MERIDIAN, "en", [(s.url, s.title) for s in wire]))

    for story in gazette:
        original = by_path.get(story.fields.get("copy_of", ""))
        add(story.path, gazette_page(story, original if story.fields.get("based_on") == "yes" else None))
    plain, news = gazette_sitemaps(gazette)
    for name, text in (("sitemap.xml", plain), ("news-sitemap.xml", news)):
        add(f"northfield/{name}", text)
        add(f"northfield/{name}.headers", "Content-Type: application/xml; charset=UTF-8\n")
    add("northfield/index.html", front_page(GAZETTE, "en-US", [(s.url, s.title) for s in gazette]))

    stories = {s.path.rsplit("/", 1)[-1].removesuffix(".html"): s for s in wire + gazette}

    def pick(name: str) -> Story:
        return stories[name]

    def source(story: Story) -> str:
        return MERIDIAN if story.path.startswith("meridian/") else GAZETTE

    plan = [
        (
            "heatwave-pushes-southern-spain-past-44c",
            "2025-06-17T12:05:00+00:00",
            ("cooling-centers-open-as-heat-wave-arrives", "lumetric-profit-jumps-on-data-center-chips"),
            False,
        ),
        (
            "typhoon-sepat-nears-okinawa",
            "2025-06-18T05:12:00+00:00",
            ("orison-motors-recalls-410000-vehicles", "grand-avenue-rapid-bus-line-opens"),
            False,
        ),
        (
            "antarctic-bacteria-break-down-plastic-in-cold-water",
            "2025-06-16T20:30:00+00:00",
            ("heatwave-pushes-southern-spain-past-44c", "millers-ford-covered-bridge-reopens"),
            False,
        ),
        (
            "orison-motors-recalls-410000-vehicles",
            "2025-06-18T17:45:00+00:00",
            ("lumetric-profit-jumps-on-data-center-chips", "council-passes-budget-with-property-tax-rise"),
            False,
        ),
        (
            "council-passes-budget-with-property-tax-rise",
            "2025-06-18T03:20:00+00:00",
            ("grand-avenue-rapid-bus-line-opens", "dockworkers-strike-shuts-kestrel-bay-terminals"),
            False,
        ),
        (
            "dockworkers-strike-shuts-kestrel-bay-terminals",
            "2025-06-16T15:40:00+00:00",
            ("typhoon-sepat-nears-okinawa", "antarctic-bacteria-break-down-plastic-in-cold-water"),
            True,
        ),
    ]
    copies = []
    for index, (name, when, related, teaser) in enumerate(plan):
        original = pick(name)
        copies.append(
            Copy(
                path=f"newsgrid/story/{index + 31:04d}-{name if len(name) <= 40 else name[:40].rsplit('-', 1)[0]}.html",
                original=original,
                credit=source(original),
                published=datetime.fromisoformat(when),
                related=tuple((source(pick(r)), pick(r)) for r in related),
                teaser=teaser,
            )
        )
    for copy in copies:
        add(copy.path, newsgrid_page(copy))
    # a story the aggregator pulled after listing it: the demo's one failure row
    gone = (
        "newsgrid/story/0030-celebrity-chef-opens-floating-restaurant.html",
        "Celebrity chef opens floating restaurant",
        datetime.fromisoformat("2025-06-16T10:00:00+00:00"),
    )
    add(
        gone[0],
        "<!DOCTYPE html>\n<html><head><title>Not found</title></head><body><h1>This story is no longer available</h1></body></html>\n",
    )
    add(gone[0] + ".headers", "Status: 404\n")
    add("newsgrid/index.rdf", newsgrid_feed(copies, gone))
    add("newsgrid/index.html", front_page(NEWSGRID, "en", [(c.url, c.original.title) for c in copies]))

    for story in minato:
        add(story.path, minato_page(story), "cp932")
        add(story.path + ".headers", "Content-Type: text/html\n")
    add("minato/atom.xml", minato_feed(minato))
    add("minato/atom.xml.headers", "Content-Type: application/atom+xml; charset=UTF-8\n")
    add(
        "minato/index.html",
        front_page(MINATO, "ja", [(s.url, s.title) for s in minato], "Shift_JIS"),
        "cp932",
    )
    add("minato/index.html.headers", "Content-Type: text/html\n")

    files["../outlets.yaml"] = OUTLETS_YAML.encode("utf-8")
    return files


def write(files: dict[str, bytes]) -> list[str]:
    """Write files whose bytes changed and remove stale ones under sites/; return what changed."""
    changed = []
    for path, data in sorted(files.items()):
        target = (SITES / path).resolve()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed.append(path)
    for file in sorted(SITES.rglob("*")):
        rel = file.relative_to(SITES).as_posix()
        if file.is_file() and rel not in files:
            file.unlink()
            changed.append(f"removed {rel}")
    return changed


if __name__ == "__main__":
    print("\n".join(write(render())) or "up to date", file=sys.stderr)
