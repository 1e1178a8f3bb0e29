"""The fixture news web under tests/sites: six outlets written from the story sources in tests/sites/src.

`render()` returns every file (pages, feeds, sitemaps, outlets.yaml and expected.yaml, the ground truth the
end-to-end tests assert); `python tests/sites/build.py` writes what changed. The output is committed, so
tests never run the generator except to check that the committed bytes are what it writes.

  harbor  The Harbor Times: semantic HTML5, og and article:* meta, JSON-LD NewsArticle, RSS 2.0 with
          tracking parameters
  metro   Metro Daily: div soup, JSON-LD @graph, Atom with a 404 and a PDF
  valley  Valley Courier: XHTML-era CMS with microdata, a sitemap index (one child gzipped) + news sitemap
  daily8  Daily Eight: an aggregator's full and truncated copies with Related Articles blocks, RSS 1.0
  tokyo   東京ニュース: Shift_JIS declared only in <meta charset>, RSS 2.0
  seoul   서울 데일리: EUC-KR declared only in the Content-Type header, Atom
"""

# the page templates below are lines of HTML; wrapping them to 110 columns would hide the markup
# ruff: noqa: E501

import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.synweb import feeds
from bench.synweb.copies import continue_line, credit_date
from bench.synweb.files import FileSet, OutletEntry, outlets_yaml
from bench.synweb.markup import BASE, attr, esc, front_page, iso, ja_date, ld_script, rfc822, slug
from bench.synweb.sources import Story, aware, check_story, newest_first, read_stories
from bench.synweb.truth import yaml_lines

ROOT = Path(__file__).resolve().parents[2] / "tests" / "sites"
SRC = ROOT / "src"
OUTLET_DIRS = ("harbor", "metro", "valley", "daily8", "tokyo", "seoul")
DC_ATOM = {"xmlns:dc": "http://purl.org/dc/elements/1.1/", "xmlns:atom": "http://www.w3.org/2005/Atom"}


def parse_stories(name: str) -> list[Story]:
    """The stories of src/<name>.txt."""
    return read_stories(SRC / f"{name}.txt")


def home_page(name: str, lang: str, links: list[tuple[str, str]], charset: str | None = "utf-8") -> str:
    """An outlet's home page (list items indented by two spaces)."""
    return front_page(name, lang, links, charset, item_indent="  ")


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, well enough to pick a first or last one (Korean included)."""
    if "。" in paragraph:
        return re.findall(r"[^。]+。", paragraph)
    return re.split(r'(?<=[.!?])\s+|(?<=[.!?]")\s+', paragraph)


def clock_12h(moment: datetime, style: str) -> str:
    hour = moment.hour % 12 or 12
    if style == "us":
        return f"{hour}:{moment:%M} {'a.m.' if moment.hour < 12 else 'p.m.'}"
    return f"{hour}:{moment:%M} {'am' if moment.hour < 12 else 'pm'}"


US_ZONES = {-7: "PDT", -5: "CDT"}


def us_date(moment: datetime) -> str:
    zone = US_ZONES[int(moment.utcoffset().total_seconds() // 3600)]
    return f"{moment:%B} {moment.day}, {moment.year} at {clock_12h(moment, 'us')} {zone}"


def uk_date(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y} {clock_12h(moment, 'uk')} BST"


# -- The Harbor Times: semantic HTML5, og and article:* meta, JSON-LD NewsArticle --------------------

HARBOR_NAME = "The Harbor Times"
HARBOR_NEWSLETTER = "Get the Morning Tide newsletter in your inbox every weekday at 6 a.m."
HARBOR_SHARE = "Share this story"
HARBOR_MOST_READ_EXTRA = "Police seek driver after hit-and-run on Front Street"
HARBOR_FOOTER = "The Harbor Times is published by Alder Bay Media Group in Port Alder, Washington."
HARBOR_BOILERPLATE = [HARBOR_NEWSLETTER, HARBOR_SHARE, HARBOR_MOST_READ_EXTRA, HARBOR_FOOTER]
HARBOR_TRACKING = "?utm_source=rss&utm_medium=feed"


def harbor_page(story: Story, others: list[Story]) -> str:
    published, modified = story.published, story.modified
    authors = story.authors
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story["title"],
        "description": story["description"],
        "datePublished": iso(published),
        "dateModified": iso(modified or published),
        "author": [{"@type": "Person", "name": a, "url": f"{BASE}/harbor/staff/{slug(a)}/"} for a in authors],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": HARBOR_NAME,
            "logo": {"@type": "ImageObject", "url": f"{BASE}/harbor/static/logo-600x60.png"},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
        "image": [f"{BASE}/harbor/static/img/{slug(story['title'])[:40]}-1200.jpg"],
        "articleSection": story["section"],
        "inLanguage": "en-US",
        "isAccessibleForFree": True,
    }
    byline = " and ".join(
        f'<a rel="author" href="{BASE}/harbor/staff/{slug(a)}/">{esc(a)}</a>' for a in authors
    )
    body = []
    for index, paragraph in enumerate(story.paragraphs):
        body.append(f"      <p>{esc(paragraph)}</p>")
        if index == 2:
            body.append(
                '      <aside class="newsletter-signup">\n'
                "        <h2>The Morning Tide</h2>\n"
                f"        <p>{esc(HARBOR_NEWSLETTER)}</p>\n"
                '        <form action="/harbor/newsletter" method="post"><input type="email" name="email" '
                'placeholder="Email address"><button type="submit">Sign up</button></form>\n'
                "      </aside>"
            )
    most_read = [o["title"] for o in others if o.path != story.path][:3] + [HARBOR_MOST_READ_EXTRA]
    updated = ""
    if modified:
        updated = f'\n        <p class="updated">Updated <time datetime="{iso(modified)}">{us_date(modified)}</time></p>'
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en-US">',
        "<head>",
        '  <meta charset="utf-8">',
        '  <meta name="viewport" content="width=device-width, initial-scale=1">',
        f"  <title>{esc(story['title'])} | {HARBOR_NAME}</title>",
        f'  <meta name="description" content="{attr(story["description"])}">',
        f'  <link rel="canonical" href="{story.url}">',
        '  <meta property="og:type" content="article">',
        f'  <meta property="og:site_name" content="{HARBOR_NAME}">',
        f'  <meta property="og:title" content="{attr(story["title"])}">',
        f'  <meta property="og:description" content="{attr(story["description"])}">',
        f'  <meta property="og:url" content="{story.url}">',
        f'  <meta property="og:image" content="{data["image"][0]}">',
        f'  <meta property="article:published_time" content="{iso(published)}">',
        f'  <meta property="article:modified_time" content="{iso(modified or published)}">',
        f'  <meta property="article:section" content="{attr(story["section"])}">',
        f'  <meta name="author" content="{attr(", ".join(authors))}">',
        f'  <link rel="alternate" type="application/rss+xml" title="{HARBOR_NAME}" href="{BASE}/harbor/rss.xml">',
        '  <link rel="stylesheet" href="/harbor/static/site.css">',
        "  " + ld_script(data, indent=1).replace("\n", "\n  "),
        "</head>",
        "<body>",
        '  <header class="site-header">',
        f'    <a class="brand" href="{BASE}/harbor/">{HARBOR_NAME}</a>',
        '    <nav aria-label="Sections"><ul>',
        *(
            f'      <li><a href="{BASE}/harbor/{slug(s)}/">{s}</a></li>'
            for s in (
                "News",
                "Transportation",
                "Environment",
                "Education",
                "Business",
                "Opinion",
                "Obituaries",
            )
        ),
        "    </ul></nav>",
        '    <a class="subscribe" href="/harbor/subscribe">Subscribe</a>',
        "  </header>",
        "  <main>",
        "    <article>",
        "      <header>",
        f'        <p class="kicker"><a href="{BASE}/harbor/{slug(story["section"])}/">{esc(story["section"])}</a></p>',
        f"        <h1>{esc(story['title'])}</h1>",
        f'        <p class="standfirst">{esc(story["description"])}</p>',
        f'        <p class="byline">By {byline}, <span class="role">{esc(story["role"])}</span></p>',
        f'        <p class="dateline"><time datetime="{iso(published)}">{us_date(published)}</time></p>{updated}',
        "      </header>",
        f'      <div class="share-bar" aria-label="{HARBOR_SHARE}">',
        f"        <span>{HARBOR_SHARE}</span>",
        '        <a href="https://www.facebook.com/sharer/sharer.php">Facebook</a>',
        '        <a href="mailto:?subject=From%20The%20Harbor%20Times">Email</a>',
        '        <button type="button">Copy link</button>',
        "      </div>",
        '      <figure class="lead-image">',
        f'        <img src="{data["image"][0]}" alt="" width="1200" height="675">',
        f"        <figcaption>{esc(story['section'])} file photo. (Harbor Times)</figcaption>",
        "      </figure>",
        '      <div class="article-body">',
        *body,
        "      </div>",
        '      <footer class="article-footer">',
        f'        <p class="corrections">Spotted an error? <a href="{BASE}/harbor/corrections/">Request a correction</a>.</p>',
        "      </footer>",
        "    </article>",
        '    <aside class="most-read">',
        "      <h2>Most read</h2>",
        "      <ol>",
        *(f'        <li><a href="{BASE}/harbor/">{esc(t)}</a></li>' for t in most_read),
        "      </ol>",
        "    </aside>",
        "  </main>",
        '  <footer class="site-footer">',
        f"    <p>{HARBOR_FOOTER}</p>",
        '    <p><a href="/harbor/about">About us</a> | <a href="/harbor/contact">Contact</a> | '
        '<a href="/harbor/privacy">Privacy policy</a></p>',
        "  </footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def harbor_feed(stories: list[Story]) -> str:
    items = [
        feeds.rss_item(
            story["title"],
            story.url + HARBOR_TRACKING,
            rfc822(story.published),
            story["description"],
            guid=f"harbor-{story.published:%Y%m%d}-{slug(story['title'])[:24]}",
            permalink=False,
            creators=story.authors,
            category=story["section"],
        )
        for story in newest_first(stories)
    ]
    newest = max(s.modified or s.published for s in stories)
    channel = feeds.rss_channel(
        HARBOR_NAME,
        f"{BASE}/harbor/",
        "News from Port Alder and Skell Island",
        "en-us",
        self_href=f"{BASE}/harbor/rss.xml",
        built=rfc822(newest),
    )
    return feeds.xml_document(feeds.rss(channel, items, DC_ATOM), pretty=True)


# -- Metro Daily: div soup, no <article>, JSON-LD @graph (WebPage + NewsArticle + Organization) -------

METRO_NAME = "Metro Daily"
METRO_READ_MORE = "Bus fares in Castlebridge to rise by 20p from July"
METRO_BRIEFING = "Sign up to the Metro Daily morning briefing for the stories Castlebridge is talking about."
METRO_TRENDING = "Man charged after van crashes into shop on Kingsway"
METRO_FOOTER = "Metro Daily is part of Northline Media Group."
METRO_BOILERPLATE = [METRO_READ_MORE, METRO_BRIEFING, METRO_TRENDING, METRO_FOOTER]


def metro_page(story: Story) -> str:
    published, modified = story.published, story.modified
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebPage",
                "@id": f"{story.url}#webpage",
                "url": story.url,
                "name": story["title"],
                "inLanguage": "en-GB",
                "isPartOf": {"@id": f"{BASE}/metro/#website"},
                "breadcrumb": {"@id": f"{story.url}#breadcrumb"},
            },
            {
                "@type": "NewsArticle",
                "@id": f"{story.url}#article",
                "isPartOf": {"@id": f"{story.url}#webpage"},
                "mainEntityOfPage": {"@id": f"{story.url}#webpage"},
                "headline": story["title"],
                "description": story["description"],
                "datePublished": iso(published),
                "dateModified": iso(modified or published),
                "author": [{"@type": "Person", "name": a} for a in story.authors],
                "publisher": {"@id": f"{BASE}/metro/#organization"},
                "articleSection": [story["section"], "Castlebridge"],
                "inLanguage": "en-GB",
            },
            {
                "@type": "Organization",
                "@id": f"{BASE}/metro/#organization",
                "name": METRO_NAME,
                "url": f"{BASE}/metro/",
                "logo": {"@type": "ImageObject", "url": f"{BASE}/metro/assets/metro-logo.png"},
                "parentOrganization": {"@type": "Organization", "name": "Northline Media Group"},
            },
        ],
    }
    blocks = []
    for index, paragraph in enumerate(story.paragraphs):
        blocks.append(f'          <div class="text-block"><p>{esc(paragraph)}</p></div>')
        if index == 1:
            blocks.append(
                '          <div class="ad-slot ad-slot--inline"><div class="ad-label">Advertisement</div>'
                '<div id="div-gpt-ad-mpu-1"></div></div>'
            )
        if index == 3:
            blocks.append(
                '          <div class="read-more-inline"><div class="read-more-inline__inner">'
                f'<strong>READ MORE:</strong> <a href="{BASE}/metro/news/castlebridge/">{METRO_READ_MORE}</a>'
                "</div></div>"
            )
    updated = f'<div class="updated-date">Updated: {uk_date(modified)}</div>' if modified else ""
    author = story.authors[0]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="UTF-8">',
        f"<title>{esc(story['title'])} | {METRO_NAME}</title>",
        f'<meta name="description" content="{attr(story["description"])}">',
        f'<link rel="canonical" href="{story.url}">',
        f'<meta property="og:site_name" content="{METRO_NAME}">',
        f'<meta property="og:title" content="{attr(story["title"])}">',
        f'<meta property="og:url" content="{story.url}">',
        '<meta name="twitter:card" content="summary_large_image">',
        ld_script(graph, indent=1),
        "</head>",
        '<body class="template-article section-news">',
        '<div id="page">',
        '  <div class="masthead"><div class="masthead__inner">',
        f'    <div class="logo"><a href="{BASE}/metro/">{METRO_NAME}</a></div>',
        '    <div class="nav"><div class="nav__item"><a href="/metro/news/">News</a></div>'
        '<div class="nav__item"><a href="/metro/sport/">Sport</a></div>'
        '<div class="nav__item"><a href="/metro/whats-on/">What\'s On</a></div>'
        '<div class="nav__item"><a href="/metro/property/">Property</a></div></div>',
        "  </div></div>",
        '  <div class="container"><div class="row">',
        '    <div class="col-main">',
        '      <div class="breadcrumbs"><a href="/metro/news/">News</a> &rsaquo; '
        '<a href="/metro/news/castlebridge/">Castlebridge</a></div>',
        f'      <div class="article-headline"><h1 class="headline">{esc(story["title"])}</h1></div>',
        f'      <div class="article-standfirst"><div class="standfirst-text">{esc(story["description"])}</div></div>',
        '      <div class="article-meta">',
        f'        <div class="author-block"><div class="author-name">By <a href="{BASE}/metro/authors/{slug(author)}/">'
        f'{esc(author)}</a></div><div class="author-role">{esc(story["role"])}</div></div>',
        f'        <div class="publish-date">{uk_date(published)}</div>{updated}',
        "      </div>",
        '      <div class="article-content">',
        '        <div class="content-wrapper">',
        *blocks,
        "        </div>",
        f'        <div class="newsletter-promo"><div class="promo-text">{METRO_BRIEFING}</div>'
        '<div class="promo-button"><a href="/metro/newsletters/">Sign up</a></div></div>',
        "      </div>",
        '      <div class="article-tags"><div class="tag"><a href="/metro/topics/castlebridge/">Castlebridge</a></div>'
        f'<div class="tag"><a href="/metro/topics/{slug(story["section"])}/">{esc(story["section"])}</a></div></div>',
        "    </div>",
        '    <div class="col-side">',
        '      <div class="widget widget--trending"><div class="widget-title">Trending</div>',
        f'        <div class="widget-item"><a href="/metro/news/">{METRO_TRENDING}</a></div>',
        '        <div class="widget-item"><a href="/metro/news/">Roadworks on the A61 to last until August</a></div>',
        "      </div>",
        "    </div>",
        "  </div></div>",
        f'  <div class="footer"><div class="footer__inner"><div class="footer__legal">{METRO_FOOTER} '
        "Registered in England and Wales.</div></div></div>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


METRO_GONE = "metro/news/castlebridge/2025/06/18/stadium-redevelopment-plans-unveiled.html"
METRO_PDF = "metro/documents/2025/castlebridge-transport-audit.pdf"


def metro_feed(stories: list[Story]) -> str:
    def entry(title: str, path: str, tag: str, published: datetime, updated: datetime, authors: list[str],
              summary: str, link_type: str | None = "text/html"):  # fmt: skip
        return feeds.atom_entry(
            title,
            f"{BASE}/{path}",
            f"tag:metro-daily.example,2025:{tag}",
            iso(published),
            iso(updated),
            summary,
            authors=authors,
            link_type=link_type,
            summary_type="text",
        )

    entries = [
        (
            story.modified or story.published,
            entry(story["title"], story.path, slug(story["title"]), story.published,
                  story.modified or story.published, story.authors, story["description"]),
        )
        for story in stories
    ]  # fmt: skip
    # the stadium story was pulled after the feed was built; the audit entry links a PDF without a type
    gone = aware("2025-06-18T09:00:00+01:00")
    entries.append((gone, entry("Stadium redevelopment plans unveiled", METRO_GONE,
                                "stadium-redevelopment-plans-unveiled", gone, gone, ["Hannah Pryce"],
                                "First look at the plans for a 30,000-seat ground at Eastfield.")))  # fmt: skip
    audit = aware("2025-06-17T08:00:00+01:00")
    entries.append((audit, entry("Read the full Castlebridge transport audit", METRO_PDF,
                                 "castlebridge-transport-audit", audit, audit, ["Metro Daily"],
                                 "The 64-page audit of the city's buses and trams, as published.", None)))  # fmt: skip
    entries.sort(key=lambda e: e[0], reverse=True)
    header = [
        feeds.el("title", f"{METRO_NAME} - Castlebridge"),
        feeds.atom_link(f"{BASE}/metro/", "alternate", "text/html"),
        feeds.atom_link(f"{BASE}/metro/atom.xml", "self", "application/atom+xml"),
        feeds.el("id", "tag:metro-daily.example,2025:castlebridge"),
        feeds.el("updated", iso(entries[0][0])),
    ]
    return feeds.xml_document(
        feeds.atom(header, [e for _, e in entries], "en-GB"), pretty=True, encoding="utf-8"
    )


def metro_gone_page() -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="UTF-8"><title>Page not found | Metro Daily'
        '</title></head>\n<body><div class="error-page"><h1>Sorry, we couldn\'t find that page</h1>'
        '<p>It may have been moved or deleted. <a href="/metro/">Go to the homepage</a>.</p></div></body>\n</html>\n'
    )


def pdf_bytes(lines: list[str]) -> bytes:
    """A small valid one-page PDF with the given lines of text; offsets in the xref are computed."""
    text = "BT /F1 12 Tf 72 740 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


# -- Valley Courier: XHTML-era CMS with microdata, discovered through sitemaps only ---------------------

VALLEY_NAME = "Valley Courier"
VALLEY_SUBSCRIBE = "Subscribe to the Valley Courier e-edition for $1 a week."
VALLEY_OBITS = "Submit an obituary or a memorial notice online."
VALLEY_FOOTER = "Copyright 2025 Valley Courier, Dunmore. All rights reserved."
VALLEY_BOILERPLATE = [VALLEY_SUBSCRIBE, VALLEY_OBITS, VALLEY_FOOTER]
VALLEY_GZ_CHILD = "valley/sitemap-2025-06-17.xml.gz"


def valley_posted(moment: datetime) -> str:
    return (
        f"{moment:%B} {moment.day}, {moment.year} {moment.hour % 12 or 12}:{moment:%M} "
        f"{'AM' if moment.hour < 12 else 'PM'}"
    )


def valley_page(story: Story, others: list[Story]) -> str:
    author = story.authors[0]
    related = [o for o in others if o.path != story.path][:2]
    lines = [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en-US" xml:lang="en-US">',
        "<head>",
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
        f"<title>{esc(story['title'])} - {VALLEY_NAME}</title>",
        f'<meta name="description" content="{attr(story["description"])}" />',
        f'<meta name="author" content="{attr(author)}" />',
        f'<meta property="og:title" content="{attr(story["title"])}" />',
        f'<meta property="og:site_name" content="{VALLEY_NAME}" />',
        f'<link rel="canonical" href="{story.url}" />',
        '<link rel="stylesheet" type="text/css" href="/valley/css/courier.css" />',
        "</head>",
        "<body>",
        '<div id="wrapper">',
        '<div id="header">',
        f'  <div id="logo"><a href="{BASE}/valley/">{VALLEY_NAME}</a></div>',
        '  <div id="tagline">Serving Dunmore and the Mill River valley since 1889</div>',
        '  <ul id="topnav"><li><a href="/valley/news/">News</a></li><li><a href="/valley/sports/">Sports</a></li>'
        '<li><a href="/valley/obituaries/">Obituaries</a></li><li><a href="/valley/classifieds/">Classifieds</a>'
        "</li></ul>",
        "</div>",
        '<div id="content">',
        '<div class="story" itemscope="itemscope" itemtype="https://schema.org/NewsArticle">',
        f'  <meta itemprop="datePublished" content="{iso(story.published)}" />',
        f'  <div class="section-label">{esc(story["section"])}</div>',
        f'  <h1 itemprop="headline">{esc(story["title"])}</h1>',
        f'  <div class="byline">By <span itemprop="author" itemscope="itemscope" itemtype="https://schema.org/Person">'
        f'<span itemprop="name">{esc(author)}</span></span> | {esc(story["role"])}</div>',
        f'  <div class="dateline">Posted: {valley_posted(story.published)}</div>',
        '  <div class="story-body" itemprop="articleBody">',
        *(f"    <p>{esc(p)}</p>" for p in story.paragraphs),
        "  </div>",
        "</div>",
        '<div class="related-links"><h3>Related stories</h3><ul>',
        *(f'  <li><a href="{o.url}">{esc(o["title"])}</a></li>' for o in related),
        "</ul></div>",
        "</div>",
        '<div id="sidebar">',
        f'  <div class="box subscribe"><p>{VALLEY_SUBSCRIBE}</p><a href="/valley/subscribe">Subscribe</a></div>',
        f'  <div class="box obits"><h3>Obituaries</h3><p>{VALLEY_OBITS}</p></div>',
        "</div>",
        f'<div id="footer"><p>{VALLEY_FOOTER}</p></div>',
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def valley_sitemaps(stories: list[Story]) -> dict[str, str]:
    by_day: dict[str, list[Story]] = {}
    for story in stories:
        by_day.setdefault(f"{story.published:%Y-%m-%d}", []).append(story)
    files = {}
    index_rows = []
    for day, group in sorted(by_day.items()):
        lastmod = max(s.modified or s.published for s in group)
        if f"valley/sitemap-{day}.xml.gz" == VALLEY_GZ_CHILD:
            # the site server does not substitute {{BASE}} inside .gz files, so this child lists
            # root-relative locations; parsers resolve them against the sitemap's own URL
            child, prefix = VALLEY_GZ_CHILD, "/"
        else:
            child, prefix = f"valley/sitemap-{day}.xml", f"{BASE}/"
        rows = [feeds.sitemap_url(prefix + s.path, iso(s.modified or s.published)) for s in group]
        files[child] = feeds.xml_document(feeds.urlset(rows), pretty=True)
        index_rows.append((f"{BASE}/{child}", iso(lastmod)))
    files["valley/sitemap_index.xml"] = feeds.xml_document(feeds.sitemap_index(index_rows), pretty=True)
    news_rows = [
        feeds.news_url(story.url, VALLEY_NAME, "en", iso(story.published), story["title"])
        for story in newest_first(stories)
        if story["news"] == "yes"
    ]
    files["valley/news-sitemap.xml"] = feeds.xml_document(feeds.urlset(news_rows, news=True), pretty=True)
    return files


# -- Daily Eight: an aggregator that republishes whole stories and stuffs related ones below --------

DAILY8_NAME = "Daily Eight"
DAILY8_AI = "Try Our AI Features"
DAILY8_AI_LINE = "Explore what Daily Eight AI can do for you:"
DAILY8_COMMENTS = "No comments yet..."
DAILY8_APP = "Get Started Now: Download the App"
DAILY8_APP_LINE = (
    "Ready to dive into a world of global content with local flavor? Download the Daily Eight app today "
    "from your preferred app store and start exploring."
)
DAILY8_BOILERPLATE = [DAILY8_AI, DAILY8_AI_LINE, DAILY8_COMMENTS, DAILY8_APP, DAILY8_APP_LINE]


@dataclass(frozen=True)
class Copy:
    """A page on Daily Eight that copies a story from another outlet."""

    path: str
    original: Story
    credit: str
    kind: str  # full | truncated
    published: datetime
    related: tuple[tuple[str, str, Story], ...]  # (source label, age label, story)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return self.original.paragraphs if self.kind == "full" else self.original.paragraphs[:2]

    @property
    def url(self) -> str:
        return f"{BASE}/{self.path}"


def daily8_page(copy: Copy) -> str:
    title = copy.original["title"]
    story_text = "\n".join(f"        <p>{esc(p)}</p>" for p in copy.paragraphs)
    if copy.kind == "truncated":
        story_text += f'\n        <p class="continue"><a href="{copy.original.url}" rel="nofollow">{esc(continue_line(copy.credit))}</a></p>'
    related = []
    for source, age, story in copy.related:
        related.append(
            '      <div class="related-card">\n'
            f'        <a class="related-thumb" href="{BASE}/daily8/"><h4>{esc(story["title"])}</h4></a>\n'
            f'        <h4 class="related-title">{esc(story["title"])}</h4>\n'
            f'        <div class="related-meta"><span class="related-source">{esc(source)}</span>'
            f'<span class="related-time"><i class="icon">time</i>{esc(age)}</span></div>\n'
            f'        <ul class="related-tags"><li>{esc(source)}</li></ul>\n'
            f"        <h5>{esc(story['title'])}</h5>\n"
            f'        <p class="related-text">{esc(story.body)}</p>\n'
            "      </div>"
        )
    if not related:
        related.append('      <p class="related-empty">More stories are loading...</p>')
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} - {DAILY8_NAME}</title>",
        f'<link rel="canonical" href="{copy.url}">',
        f'<meta property="og:site_name" content="{DAILY8_NAME}">',
        f'<meta property="og:title" content="{attr(title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{copy.url}">',
        f'<meta property="article:published_time" content="{iso(copy.published)}">',
        "</head>",
        "<body>",
        '<div class="topbar">',
        f'  <a class="logo" href="{BASE}/daily8/"><img src="/daily8/static/logo.svg" alt="logo"></a>',
        '  <nav><a href="/daily8/">Home</a> <a href="/daily8/world">World</a> <a href="/daily8/business">Business</a> '
        '<a href="/daily8/tech">Tech</a> <a href="/daily8/sport">Sport</a></nav>',
        "</div>",
        '<main class="feed-article">',
        f'  <h1 class="headline">{esc(title)}</h1>',
        '  <div class="summary-card">',
        f'    <h2 class="card-title">{esc(title)}</h2>',
        f'    <div class="source-line"><span class="source-name">{esc(copy.credit)}</span>'
        f'<span class="source-date">{credit_date(copy.published)}</span></div>',
        '    <div class="story-text">',
        story_text,
        "    </div>",
        "  </div>",
        '  <section class="ai-promo">',
        '    <div class="bg-orange" aria-hidden="true">Orange background</div>',
        f"    <h3>{DAILY8_AI}</h3>",
        f"    <p>{DAILY8_AI_LINE}</p>",
        "    <ul><li>Summarise this story in three bullet points</li><li>Translate it into 40 languages</li></ul>",
        "  </section>",
        '  <section class="comments">',
        "    <h3>Comments</h3>",
        f"    <p>{DAILY8_COMMENTS}</p>",
        '    <form><textarea placeholder="Join the conversation"></textarea><button>Post</button></form>',
        "  </section>",
        '  <section class="related">',
        "    <h3>Related Articles</h3>",
        *related,
        "  </section>",
        '  <section class="app-cta">',
        "    <h3>DOWNLOAD THE APP</h3>",
        f"    <h4>{DAILY8_APP}</h4>",
        f"    <p>{DAILY8_APP_LINE}</p>",
        '    <p><img src="/daily8/static/app-store.svg" alt="app-store"><img src="/daily8/static/play-store.svg" '
        'alt="play-store"></p>',
        "  </section>",
        "</main>",
        "<footer><p>Daily Eight collects news from publishers around the world.</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def daily8_feed(copies: list[Copy]) -> str:
    ordered = newest_first(copies)
    channel = feeds.rdf_channel(
        f"{BASE}/daily8/index.rdf",
        DAILY8_NAME,
        f"{BASE}/daily8/",
        "Top stories from publishers everywhere",
        [c.url for c in ordered],
        iso(ordered[0].published),
    )
    items = [
        feeds.rdf_item(
            c.url, c.original["title"], c.url, c.original["description"], iso(c.published), c.credit
        )
        for c in ordered
    ]
    return feeds.xml_document(feeds.rdf(channel, items), pretty=True)


# -- 東京ニュース (Shift_JIS on the wire) and 서울 데일리 (EUC-KR on the wire) ---------------------------

TOKYO_NAME = "東京ニュース"
TOKYO_SHARE = "この記事をシェアする"
TOKYO_RANKING = "夏のボーナス、平均支給額が3年連続で増加"
TOKYO_FOOTER = "Copyright 東京ニュース 記事・写真の無断転載を禁じます"
TOKYO_BOILERPLATE = [TOKYO_SHARE, TOKYO_RANKING, "記事・写真の無断転載を禁じます"]


def tokyo_page(story: Story) -> str:
    author = story.authors[0]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story["title"],
        "datePublished": iso(story.published),
        "dateModified": iso(story.modified or story.published),
        "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": TOKYO_NAME},
        "inLanguage": "ja",
    }
    lines = [
        "<!DOCTYPE html>",
        '<html lang="ja">',
        "<head>",
        '<meta charset="Shift_JIS">',
        f"<title>{esc(story['title'])} | {TOKYO_NAME}</title>",
        f'<meta name="description" content="{attr(story["description"])}">',
        f'<meta property="og:title" content="{attr(story["title"])}">',
        f'<meta property="og:site_name" content="{TOKYO_NAME}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{story.url}">',
        f'<meta property="article:published_time" content="{iso(story.published)}">',
        f'<link rel="canonical" href="{story.url}">',
        ld_script(data, indent=1),
        "</head>",
        "<body>",
        '<header id="site-header">',
        f'  <div class="logo"><a href="{BASE}/tokyo/">{TOKYO_NAME}</a></div>',
        '  <ul class="gnav"><li><a href="/tokyo/">トップ</a></li><li><a href="/tokyo/news/">社会</a></li>'
        '<li><a href="/tokyo/politics/">政治</a></li><li><a href="/tokyo/business/">経済</a></li>'
        '<li><a href="/tokyo/life/">暮らし</a></li><li><a href="/tokyo/weather/">天気</a></li></ul>',
        "</header>",
        '<div id="main">',
        '  <div class="content--detail">',
        '    <div class="detail-header">',
        f'      <p class="detail-category">{esc(story["section"])}</p>',
        f'      <h1 class="content--title">{esc(story["title"])}</h1>',
        f'      <p class="content--date"><time datetime="{iso(story.published)}">{ja_date(story.published)}</time></p>',
        "    </div>",
        '    <div class="content--body">',
        *(f"      <p>{esc(p)}</p>" for p in story.paragraphs),
        "    </div>",
        f'    <p class="content--byline">{esc(story["role"])}\u3000{esc(author)}</p>',
        f'    <div class="share"><span>{TOKYO_SHARE}</span><a href="#">X</a><a href="#">LINE</a></div>',
        "  </div>",
        '  <aside class="ranking">',
        "    <h2>アクセスランキング</h2>",
        f'    <ol><li><a href="/tokyo/">{TOKYO_RANKING}</a></li><li><a href="/tokyo/">都内の梅雨入り、平年より4日遅く</a>'
        "</li></ol>",
        "  </aside>",
        "</div>",
        f"<footer><p>{TOKYO_FOOTER}</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def tokyo_feed(stories: list[Story]) -> str:
    items = [
        feeds.rss_item(s["title"], s.url, rfc822(s.published), s["description"], guid=s.url, permalink=True)
        for s in newest_first(stories)
    ]
    channel = feeds.rss_channel(TOKYO_NAME, f"{BASE}/tokyo/", "東京ニュースの最新記事", "ja")
    return feeds.xml_document(feeds.rss(channel, items), pretty=True)


SEOUL_NAME = "서울 데일리"
SEOUL_SHARE = "기사 공유하기"
SEOUL_MOST_VIEWED = "장마 시작 앞두고 지하 차도 침수 대비 점검"
SEOUL_COPYRIGHT = "무단 전재 및 재배포 금지"
SEOUL_BOILERPLATE = [SEOUL_SHARE, SEOUL_MOST_VIEWED, SEOUL_COPYRIGHT]


def seoul_page(story: Story) -> str:
    author = story.authors[0]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="ko">',
        "<head>",
        f"<title>{esc(story['title'])} - {SEOUL_NAME}</title>",
        f'<meta name="description" content="{attr(story["description"])}">',
        f'<meta name="author" content="{attr(author)}">',
        f'<meta property="og:title" content="{attr(story["title"])}">',
        f'<meta property="og:site_name" content="{SEOUL_NAME}">',
        '<meta property="og:type" content="article">',
        f'<meta property="article:published_time" content="{iso(story.published)}">',
        f'<link rel="canonical" href="{story.url}">',
        "</head>",
        "<body>",
        '<div id="header">',
        f'  <a class="logo" href="{BASE}/seoul/">{SEOUL_NAME}</a>',
        '  <ul class="menu"><li><a href="/seoul/politics/">정치</a></li><li><a href="/seoul/economy/">경제</a></li>'
        '<li><a href="/seoul/society/">사회</a></li><li><a href="/seoul/world/">국제</a></li></ul>',
        "</div>",
        '<div id="container">',
        '  <div class="article-head">',
        f'    <span class="section">{esc(story["section"])}</span>',
        f"    <h1>{esc(story['title'])}</h1>",
        f'    <div class="info"><span class="byline">{esc(author)} {esc(story["role"])}</span> '
        f'<span class="date">입력 {story.published:%Y.%m.%d %H:%M}</span></div>',
        "  </div>",
        '  <div id="articleBody" class="article-body">',
        *(f"    <p>{esc(p)}</p>" for p in story.paragraphs),
        "  </div>",
        f'  <div class="copyright">{SEOUL_NAME}, {SEOUL_COPYRIGHT}</div>',
        f'  <div class="share-box"><button type="button">{SEOUL_SHARE}</button></div>',
        f'  <div class="most-viewed"><h3>많이 본 뉴스</h3><ol><li><a href="/seoul/">{SEOUL_MOST_VIEWED}</a></li></ol></div>',
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def seoul_feed(stories: list[Story]) -> str:
    return feeds.atom_of_stories(stories, SEOUL_NAME, f"{BASE}/seoul/", "ko")


# -- expected.yaml -------------------------------------------------------------------------------------

EXPECTED_HEADER = """\
# ground truth for the fixture web in tests/sites; GENERATED by tests/sites/build.py, edit src/*.txt instead.
#
# every path is relative to the site root: url = f"{server.base_url}/{path}"; outlets.yaml holds the
# same outlets with {{BASE}} in place of the base URL.
#
# schema: 1
# totals: {outlets, articles, originals, copies, failures}         counts over all outlets
# outlets.<outlet_id>:
#   name, language, homepage                                        homepage is a path
#   sources: list of                                                every feed or sitemap the outlet lists
#     path          the file as outlets.yaml or a sitemap index names it
#     kind          rss | atom | rdf | sitemap_index | sitemap | news_sitemap
#     content_type  the exact Content-Type header served
#     gzip          true when the body is a gzip file (the .xml.gz child sitemap)
#     relative_locs true when <loc> values are root-relative (/valley/...) rather than absolute URLs
#     links         what it lists, in document order, as paths (query strings kept); child sitemaps
#                   for a sitemap_index, article or failure paths otherwise
#   articles.<path>:                                                keyed by canonical path (no query)
#     title           str
#     key_sentence    str   must be in the extracted text
#     last_sentence   str   the body's last sentence: must be in the text (proves nothing was cut)
#     must_not_contain [str] on the page (boilerplate, teasers, related stories) but not in the text
#     published_at    str   ISO 8601 with offset, as the page states it
#     modified_at     str | null
#     authors         [str] empty when the page names no author
#     language        en | ja | ko
#     site_name       str
#     description     str
#     encoding        utf-8 | shift_jis | euc-kr                    the bytes on the wire
#     charset_from    meta | http_header                            where the page declares it (meta covers
#                                                                   <meta charset> and http-equiv)
#     listed_as       [str] the links discovery finds for it (with tracking query, if any)
#     listed_in       [str] source paths that list it
#     paragraphs      int   body paragraphs on the page
#     size            int   body words (en) or non-space characters (ja, ko)
#     copy_of         str | null  path of the original in another outlet
#     copy_kind       full | truncated | null
#     source_credit   str | null  the credited outlet as the copy prints it
#     embeds_full_text_of [str]   fixture articles whose full text sits in this page's Related Articles
#                                 block: this page must NOT be linked to them as a copy
#   failures: list of                                               urls that must end as failure rows
#     path, listed_in, stage (fetch), kind (http_error | not_html), http_status, content_type
"""


def size_of(paragraphs: tuple[str, ...], language: str) -> int:
    text = " ".join(paragraphs)
    return len(text.split()) if language == "en" else len(re.sub(r"\s", "", text))


def article_entry(
    story: Story,
    *,
    language: str,
    site_name: str,
    boilerplate: list[str],
    encoding: str = "utf-8",
    charset_from: str = "meta",
) -> dict:
    return {
        "title": story["title"],
        "key_sentence": story["key"],
        "last_sentence": sentences(story.paragraphs[-1])[-1],
        "must_not_contain": list(boilerplate),
        "published_at": iso(story.published),
        "modified_at": iso(story.modified) if story.modified else None,
        "authors": story.authors,
        "language": language,
        "site_name": site_name,
        "description": story["description"],
        "encoding": encoding,
        "charset_from": charset_from,
        "listed_as": [],
        "listed_in": [],
        "paragraphs": len(story.paragraphs),
        "size": size_of(story.paragraphs, language),
        "copy_of": None,
        "copy_kind": None,
        "source_credit": None,
        "embeds_full_text_of": [],
    }


def source(path: str, kind: str, content_type: str, links: list[str], **extra: bool) -> dict:
    return {
        "path": path,
        "kind": kind,
        "content_type": content_type,
        "gzip": extra.get("gzip", False),
        "relative_locs": extra.get("relative_locs", False),
        "links": links,
    }


def link_articles(outlet: dict) -> None:
    """Fill listed_as / listed_in from the outlet's sources."""
    for src in outlet["sources"]:
        if src["kind"] == "sitemap_index":
            continue
        for link in src["links"]:
            path = link.split("?", 1)[0]
            article = outlet["articles"].get(path)
            if article is None:
                continue
            if link not in article["listed_as"]:
                article["listed_as"].append(link)
            article["listed_in"].append(src["path"])


def fixture_outlets_yaml(outlets: list[dict]) -> str:
    header = [
        "# fixture outlets for end-to-end tests; GENERATED by tests/sites/build.py.",
        "# {{BASE}} stands for the loopback site server's base URL (copydesk.loopback.serve_sites).",
    ]
    entries = [
        OutletEntry(o["id"], o["name"], f"{BASE}/{o['homepage']}", o["language"],
                    [f"{BASE}/{p}" for p in o["feeds"]], [f"{BASE}/{p}" for p in o["sitemaps"]])
        for o in outlets
    ]  # fmt: skip
    return outlets_yaml(header, entries)


def render() -> FileSet:
    """Every generated file's bytes, keyed by path under tests/sites."""
    out = FileSet()
    harbor, metro, valley = parse_stories("harbor"), parse_stories("metro"), parse_stories("valley")
    related_only, tokyo, seoul = parse_stories("daily8"), parse_stories("tokyo"), parse_stories("seoul")
    for group, language in ((harbor, "en"), (metro, "en"), (valley, "en"), (tokyo, "ja"), (seoul, "ko")):
        for story in group:
            check_story(story, language)

    outlets_meta: list[dict] = []
    expected: dict[str, dict] = {}

    def outlet(
        oid: str,
        name: str,
        language: str,
        sources: list[dict],
        articles: dict,
        *,
        feeds: tuple[str, ...] = (),
        sitemaps: tuple[str, ...] = (),
        failures: tuple[dict, ...] = (),
    ) -> None:
        expected[oid] = {
            "name": name,
            "language": language,
            "homepage": f"{oid}/",
            "sources": sources,
            "articles": articles,
            "failures": list(failures),
        }
        outlets_meta.append({"id": oid, "name": name, "homepage": f"{oid}/", "language": language,
                             "feeds": list(feeds), "sitemaps": list(sitemaps)})  # fmt: skip

    def entries(
        stories: list[Story], name: str, boilerplate: list[str], language: str = "en", **wire: str
    ) -> dict:
        return {s.path: article_entry(s, language=language, site_name=name, boilerplate=boilerplate, **wire)
                for s in stories}  # fmt: skip

    def pages(stories: list[Story], render_page, codec: str = "utf-8", headers: str | None = None) -> None:
        for story in stories:
            out.add(story.path, render_page(story), codec)
            if headers:
                out.add(story.path + ".headers", headers)

    pages(harbor, lambda s: harbor_page(s, harbor))
    out.add("harbor/rss.xml", harbor_feed(harbor))
    out.add("harbor/rss.xml.headers", "Content-Type: application/rss+xml; charset=UTF-8\n")
    out.add("harbor/index.html", home_page(HARBOR_NAME, "en-US", [(s.url, s["title"]) for s in harbor]))
    links = [s.path + HARBOR_TRACKING for s in newest_first(harbor)]
    outlet(
        "harbor",
        HARBOR_NAME,
        "en",
        [source("harbor/rss.xml", "rss", "application/rss+xml; charset=UTF-8", links)],
        entries(harbor, HARBOR_NAME, HARBOR_BOILERPLATE),
        feeds=("harbor/rss.xml",),
    )

    pages(metro, metro_page)
    out.add(METRO_GONE, metro_gone_page())
    out.add(METRO_GONE + ".headers", "Status: 404\n")
    out.add(
        METRO_PDF,
        pdf_bytes(
            [
                "Castlebridge Transport Audit 2025",
                "Prepared for the Combined Authority",
                "Summary of findings: bus punctuality, tram capacity, fares.",
            ]
        ),
    )
    feed = metro_feed(metro)
    out.add("metro/atom.xml", feed)
    out.add("metro/atom.xml.headers", "Content-Type: application/atom+xml; charset=utf-8\n")
    out.add("metro/index.html", home_page(METRO_NAME, "en-GB", [(s.url, s["title"]) for s in metro]))
    links = [m.removeprefix(f"{BASE}/") for m in re.findall(r'rel="alternate"[^>]*href="([^"]+)"', feed)][1:]
    failed = [(METRO_GONE, "http_error", 404, "text/html"), (METRO_PDF, "not_html", 200, "application/pdf")]
    outlet(
        "metro",
        METRO_NAME,
        "en",
        [source("metro/atom.xml", "atom", "application/atom+xml; charset=utf-8", links)],
        entries(metro, METRO_NAME, METRO_BOILERPLATE),
        feeds=("metro/atom.xml",),
        failures=tuple(
            {
                "path": path,
                "listed_in": "metro/atom.xml",
                "stage": "fetch",
                "kind": kind,
                "http_status": status,
                "content_type": ctype,
            }
            for path, kind, status, ctype in failed
        ),
    )

    pages(valley, lambda s: valley_page(s, valley))
    maps = valley_sitemaps(valley)
    for path, text in maps.items():
        if path.endswith(".gz"):
            out.add_gzip(path, text)
        else:
            out.add(path, text)
            out.add(path + ".headers", "Content-Type: application/xml; charset=UTF-8\n")
    out.add("valley/index.html", home_page(VALLEY_NAME, "en-US", [(s.url, s["title"]) for s in valley]))

    def locs(text: str) -> list[str]:
        return [loc.removeprefix(f"{BASE}/").lstrip("/") for loc in re.findall(r"<loc>([^<]+)</loc>", text)]

    xml_type = "application/xml; charset=UTF-8"
    index = "valley/sitemap_index.xml"
    valley_sources = [source(index, "sitemap_index", xml_type, locs(maps[index]))]
    for child in locs(maps[index]):
        gz = child.endswith(".gz")
        valley_sources.append(
            source(
                child,
                "sitemap",
                "application/gzip" if gz else xml_type,
                locs(maps[child]),
                gzip=gz,
                relative_locs=gz,
            )
        )
    valley_sources.append(
        source("valley/news-sitemap.xml", "news_sitemap", xml_type, locs(maps["valley/news-sitemap.xml"]))
    )
    outlet(
        "valley",
        VALLEY_NAME,
        "en",
        valley_sources,
        entries(valley, VALLEY_NAME, VALLEY_BOILERPLATE),
        sitemaps=(index, "valley/news-sitemap.xml"),
    )

    by_path = {s.path: s for s in harbor + metro + valley}
    ferry = by_path["harbor/2025/06/17/port-alder-ferry-fares-frozen-through-2026.html"]
    hospital = by_path["valley/news/2025/06/17/dunmore-hospital-to-reopen-birthing-unit.html"]
    tram = by_path["metro/news/castlebridge/2025/06/16/northgate-tram-extension-approved.html"]
    smoke = related_only[0]
    copies = [
        Copy("daily8/article/4f1c2a90-port-alder-ferry-fares-frozen.html", ferry, "Harbor Times", "full",
             aware("2025-06-18T02:14:00+00:00"),
             ((VALLEY_NAME, "a day ago", hospital), (smoke["source"], smoke["age"], smoke))),
        Copy("daily8/article/7b20e5d3-northgate-tram-extension-approved.html", tram, METRO_NAME, "truncated",
             aware("2025-06-16T09:02:00+00:00"), ()),
    ]  # fmt: skip
    daily8_articles = {}
    for copy in copies:
        out.add(copy.path, daily8_page(copy))
        entry = article_entry(
            copy.original, language="en", site_name=DAILY8_NAME, boilerplate=DAILY8_BOILERPLATE
        )
        entry.update(
            published_at=iso(copy.published),
            modified_at=None,
            authors=[],
            description=None,
            last_sentence=sentences(copy.paragraphs[-1])[-1],
            paragraphs=len(copy.paragraphs),
            size=size_of(copy.paragraphs, "en"),
            copy_of=copy.original.path,
            copy_kind=copy.kind,
            source_credit=copy.credit,
        )
        if copy.kind == "truncated":
            entry["key_sentence"] = sentences(copy.paragraphs[0])[0]
            entry["must_not_contain"].append(continue_line(copy.credit))
        for _, _, story in copy.related:
            entry["must_not_contain"].append(story["key"])
            if story.path in by_path:
                entry["embeds_full_text_of"].append(story.path)
        if copy.kind == "full" and copy.original["key"] not in " ".join(copy.paragraphs):
            raise SystemExit(f"{copy.path}: key sentence lost in the copy")
        daily8_articles[copy.path] = entry
    out.add("daily8/index.rdf", daily8_feed(copies))
    out.add("daily8/index.html", home_page(DAILY8_NAME, "en", [(c.url, c.original["title"]) for c in copies]))
    links = [c.path for c in newest_first(copies)]
    outlet(
        "daily8",
        DAILY8_NAME,
        "en",
        [source("daily8/index.rdf", "rdf", "application/rdf+xml", links)],
        daily8_articles,
        feeds=("daily8/index.rdf",),
    )

    # tokyo: Shift_JIS bytes, declared only in <meta charset>; the header names no charset
    pages(tokyo, tokyo_page, "cp932", "Content-Type: text/html\n")
    out.add(
        "tokyo/index.html",
        home_page(TOKYO_NAME, "ja", [(s.url, s["title"]) for s in tokyo], "Shift_JIS"),
        "cp932",
    )
    out.add("tokyo/index.html.headers", "Content-Type: text/html\n")
    out.add("tokyo/rss.xml", tokyo_feed(tokyo))
    out.add("tokyo/rss.xml.headers", "Content-Type: text/xml; charset=UTF-8\n")
    links = [s.path for s in newest_first(tokyo)]
    outlet(
        "tokyo",
        TOKYO_NAME,
        "ja",
        [source("tokyo/rss.xml", "rss", "text/xml; charset=UTF-8", links)],
        entries(tokyo, TOKYO_NAME, TOKYO_BOILERPLATE, "ja", encoding="shift_jis", charset_from="meta"),
        feeds=("tokyo/rss.xml",),
    )

    # seoul: EUC-KR bytes, declared only in the Content-Type header
    euc_kr = "Content-Type: text/html; charset=EUC-KR\n"
    pages(seoul, seoul_page, "cp949", euc_kr)
    out.add(
        "seoul/index.html", home_page(SEOUL_NAME, "ko", [(s.url, s["title"]) for s in seoul], None), "cp949"
    )
    out.add("seoul/index.html.headers", euc_kr)
    out.add("seoul/atom.xml", seoul_feed(seoul))
    out.add("seoul/atom.xml.headers", "Content-Type: application/atom+xml; charset=UTF-8\n")
    links = [s.path for s in newest_first(seoul)]
    outlet(
        "seoul",
        SEOUL_NAME,
        "ko",
        [source("seoul/atom.xml", "atom", "application/atom+xml; charset=UTF-8", links)],
        entries(seoul, SEOUL_NAME, SEOUL_BOILERPLATE, "ko", encoding="euc-kr", charset_from="http_header"),
        feeds=("seoul/atom.xml",),
    )

    for outlet in expected.values():
        link_articles(outlet)
        for path, article in outlet["articles"].items():
            if not article["listed_in"]:
                raise SystemExit(f"{path}: no feed or sitemap lists it")
    articles = [a for o in expected.values() for a in o["articles"].values()]
    copies_count = sum(1 for a in articles if a["copy_of"])
    document = {
        "schema": 1,
        "totals": {
            "outlets": len(expected),
            "articles": len(articles),
            "originals": len(articles) - copies_count,
            "copies": copies_count,
            "failures": sum(len(o["failures"]) for o in expected.values()),
        },
        "outlets": expected,
    }
    out.add("expected.yaml", EXPECTED_HEADER + "\n".join(yaml_lines(document)) + "\n")
    out.add("outlets.yaml", fixture_outlets_yaml(outlets_meta))
    return out
