"""The bundled demo web (deploy/demo/sites and deploy/demo/outlets.yaml), written from deploy/demo/src.

`render()` returns every file; `python deploy/demo/build.py` writes what changed. The output is committed as
package data and `copydesk demo` serves it as is.

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

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.synweb import feeds
from bench.synweb.copies import continue_line, credit_date, drop_sentences, first_published_line
from bench.synweb.files import FileSet, OutletEntry, outlets_yaml
from bench.synweb.markup import BASE, attr, esc, front_page, iso, ja_date, ld_script, rfc822
from bench.synweb.sources import Story, check_story, newest_first, read_stories

ROOT = Path(__file__).resolve().parents[2] / "deploy" / "demo"
SRC = ROOT / "src"


def parse_stories(name: str) -> list[Story]:
    """The stories of src/<name>.txt."""
    return read_stories(SRC / f"{name}.txt")


def republish(copy: Story, original: Story, credit: str) -> Story:
    """The regional edit of a wire story: its own headline, some sentences dropped, a credit line added."""
    paragraphs = drop_sentences(original.paragraphs, [d.strip() for d in copy["drop"].split("|")])
    if sum(len(p) for p in paragraphs) >= sum(len(p) for p in original.paragraphs):
        raise SystemExit(f"{copy.path}: nothing was dropped from {original.path}")
    fields = {**original.fields, **copy.fields, "key": original["key"]}
    return Story(copy.path, fields, (*paragraphs, first_published_line(credit)))


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
                ld_script(data),
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
    ordered = newest_first(stories)
    items = [
        feeds.rss_item(s.title, s.url, rfc822(s.published), s["description"], guid=s.url, permalink=True,
                 category=s["section"])
        for s in ordered
    ]  # fmt: skip
    channel = feeds.rss_channel(f"{MERIDIAN}: Top News", f"{BASE}/meridian/",
                          "Breaking news and analysis from Meridian Press", "en",
                          built=rfc822(ordered[0].published))  # fmt: skip
    return feeds.xml_document(feeds.rss(channel, items), pretty=True)


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
                ld_script(data),
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
    ordered = newest_first(stories)
    plain = feeds.urlset(feeds.sitemap_url(s.url, iso(s.published)) for s in ordered)
    news = feeds.urlset(
        (feeds.news_url(s.url, GAZETTE, "en", iso(s.published), s.title) for s in ordered), news=True
    )
    return feeds.xml_document(plain, pretty=True), feeds.xml_document(news, pretty=True)


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
            f'      <p class="read-on"><a href="{original.url}">{esc(continue_line(copy.credit))}</a></p>'
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
                f'    <div class="credit"><span>{esc(copy.credit)}</span><span>{credit_date(copy.published)}</span></div>',
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
    channel = feeds.rdf_channel(f"{BASE}/newsgrid/index.rdf", NEWSGRID, f"{BASE}/newsgrid/",
                          "The day's stories from everywhere, in one place", [u for u, *_ in rows])  # fmt: skip
    items = [feeds.rdf_item(u, t, u, date=iso(d), source=c) for u, t, d, c in rows]
    return feeds.xml_document(feeds.rdf(channel, items), pretty=True)


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
                f'  <div class="date">{ja_date(moment)}</div>',
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
    return feeds.atom_of_stories(stories, MINATO, f"{BASE}/minato/", "ja")


# -- build ---------------------------------------------------------------------------------------------

OUTLETS_HEADER = (
    "# the bundled demo outlets for `make demo` (flows/demo.py serves deploy/demo/sites on loopback);",
    "# GENERATED by deploy/demo/build.py. {{BASE}} stands for the site server's base URL.",
)
OUTLETS = (
    OutletEntry("meridian", MERIDIAN, f"{BASE}/meridian/", "en", [f"{BASE}/meridian/rss.xml"]),
    OutletEntry("northfield", GAZETTE, f"{BASE}/northfield/", "en", (),
                [f"{BASE}/northfield/sitemap.xml", f"{BASE}/northfield/news-sitemap.xml"]),
    OutletEntry("newsgrid", NEWSGRID, f"{BASE}/newsgrid/", "en", [f"{BASE}/newsgrid/index.rdf"]),
    OutletEntry("minato", MINATO, f"{BASE}/minato/", "ja", [f"{BASE}/minato/atom.xml"]),
)  # fmt: skip


def render() -> FileSet:
    """Every file of the demo, keyed by its path under deploy/demo (sites/... and outlets.yaml)."""
    files = FileSet()

    def add(path: str, text: str, codec: str = "utf-8") -> None:
        files.add(f"sites/{path}", text, codec)

    wire, gazette, minato = parse_stories("meridian"), parse_stories("northfield"), parse_stories("minato")
    by_path = {s.path: s for s in wire}
    gazette = [republish(s, by_path[s["copy_of"]], MERIDIAN) if "copy_of" in s.fields else s for s in gazette]
    for story in wire + gazette:
        check_story(story, "en")
    for story in minato:
        check_story(story, "ja")

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

    files.add("outlets.yaml", outlets_yaml(OUTLETS_HEADER, OUTLETS, quote_names=False))
    return files
