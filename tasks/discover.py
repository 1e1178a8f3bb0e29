"""Discovery: parse feeds and sitemaps into Links (pure), and walk one outlet's feeds and sitemaps (driver).

Everything above `discover_outlet` is pure: bytes in, models out, no network, no clock except where a
Failure is stamped. The driver reaches the network only through the getter it is given (tasks/http.py's
Fetcher in production, a tiny httpx getter in tests).

Feeds are read as RSS 2.0 and Atom (RFC 4287) define them and as feedparser and browsers read them in
practice: elements count only in their own namespace (`<media:title>` is not the title); a title is a text
construct of its declared type (Atom `text`, `html`, `xhtml`, Atom 0.3 `mode="base64"`/`escaped`; an RSS
title is plain text unless it is markup in every respect, feedparser's rule; `news:title` is plain text);
bytes are decoded with a byte order mark first, then the HTTP charset, then the XML declaration, with the
Western labels (ISO-8859-1, US-ASCII) read as windows-1252 (tasks/decode.py). An entry cut off by the end of
a truncated document is dropped whole, and a document whose HTML doctype precedes a feed root is the feed.

Backfill windows keep a link dated inside them; an undated link is kept when the document that listed it is
itself dated inside the window (the sitemap's lastmod in its index or the day its name names, the feed's own
lastBuildDate/updated, else the document's HTTP Last-Modified): the day's sitemap lists the day's articles.

An outlet given only by its homepage has its sources found first: the feeds its homepage links
(`<link rel="alternate" type="application/rss+xml|atom+xml">`) and the sitemaps its robots.txt names, or
else the sitemaps at the usual paths (/sitemap.xml, /sitemap_index.xml, /news-sitemap.xml ...); a guess that
is missing is no failure, finding nothing at all is one (`no_sources`).
"""

import asyncio
import base64
import binascii
import contextlib
import html.entities
import logging
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from lxml import etree

from copydesk.tasks.dates import parse_utc, zone_named
from copydesk.tasks.decode import (
    GZIP_MAGIC,
    InflateBudget,
    InflateError,
    decode_html,
    decode_xml,
    gunzip_layers,
)
from copydesk.tasks.http import FEED_ACCEPT, HTML_ACCEPT, ROBOTS_ACCEPT, SITEMAP_ACCEPT, parse_http_date
from copydesk.tasks.models import Failure, Link, LinkVia, Outlet, RunWindow
from copydesk.tasks.urls import url_problem

log = logging.getLogger(__name__)

__all__ = ["FEED_ACCEPT", "SITEMAP_ACCEPT"]

MAX_DESCRIPTION_CHARS = 2000
# longer than any headline: bounds what one item of a hostile feed makes us keep
MAX_TITLE_CHARS = 1000
# a document handed over still gzipped gets the room a fetched body gets (Settings.max_body_bytes' default)
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# sitemaps.org's limit for one sitemap file, applied to every document: links past it are counted, not kept
MAX_LINKS_PER_DOCUMENT = 50_000
# parsing runs in threads beside the event loop; this many at once keeps the trees of a run's documents
# from piling up in memory
PARSE_CONCURRENCY = 2
# plenty of html for a 2000-character description; bounds the stripping cost of huge content:encoded
MAX_DESCRIPTION_HTML_CHARS = 100_000
MAX_ERROR_CHARS = 500
DISCOVERY_CONCURRENCY = 4
# date-only lastmods and sitemap names carry no zone: a day either side keeps edge items in the window
WINDOW_SLACK = timedelta(days=1)
# a homepage's feed links are in its head; a megabyte of it is far more than any head
MAX_HOMEPAGE_CHARS = 1_000_000
# where sites put their sitemaps when robots.txt names none (the paths sitemap libraries try)
SITEMAP_GUESSES = (
    "/sitemap.xml", "/sitemap_index.xml", "/sitemap-index.xml", "/news-sitemap.xml", "/sitemap_news.xml",
    "/sitemap.xml.gz",
)  # fmt: skip
# a homepage links feeds of these types; JSON feeds are not read
FEED_LINK_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})

ATOM_10 = "http://www.w3.org/2005/Atom"
ATOM_03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = ("http://purl.org/dc/elements/1.1/", "dc")
DCTERMS = ("http://purl.org/dc/terms/", "dcterms")
CONTENT = ("http://purl.org/rss/1.0/modules/content/", "content")
FEEDBURNER = ("http://rssnamespace.org/feedburner/ext/1.0", "feedburner")
ATOM_IN_RSS = (ATOM_10, "atom")
# rss 0.90, 1.0 and userland's rss 2.0 namespaces; most rss 0.9x/2.0 have none
RSS_SPACES = (
    "",
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://purl.org/rss/1.0/",
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
)
SITEMAP_SPACES = (
    "",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap/0.84",
)
NEWS = ("http://www.google.com/schemas/sitemap-news/0.9", "news")
XHTML = "http://www.w3.org/1999/xhtml"


class DiscoveryError(ValueError):
    """A document that cannot yield links; `kind` is the Failure kind it becomes."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.http_status: int | None = None
        self.transient = False


@dataclass(frozen=True)
class SitemapParse:
    """What one sitemap document holds: article links and child sitemaps with their lastmod, and what was left
    out: entries past MAX_LINKS_PER_DOCUMENT (`over_cap`) and links with invalid URLs (`invalid`, the first
    one in `first_invalid`)."""

    links: list[Link] = field(default_factory=list)
    children: list[tuple[str, datetime | None]] = field(default_factory=list)
    over_cap: int = 0
    invalid: int = 0
    first_invalid: str | None = None
    # the document's own date, when it gives one (a feed's lastBuildDate or updated)
    dated: datetime | None = None


class _Entries:
    """A document's entries as they are found: valid URLs kept up to the cap, the rest counted."""

    def __init__(self) -> None:
        self.kept = 0
        self.over_cap = 0
        self.invalid = 0
        self.first_invalid: str | None = None

    def full(self) -> bool:
        """True once the cap is reached: every later entry is counted and skipped unread."""
        if self.kept >= MAX_LINKS_PER_DOCUMENT:
            self.over_cap += 1
            return True
        return False

    def admit(self, url: str) -> bool:
        """True when an entry with this URL is kept (the caller asked full() first)."""
        problem = url_problem(url)
        if problem is not None:
            self.invalid += 1
            if self.first_invalid is None:
                self.first_invalid = f"{url[:200]!r}: {problem}"
            return False
        self.kept += 1
        return True

    def result(
        self,
        links: list[Link],
        children: list[tuple[str, datetime | None]] | None = None,
        dated: datetime | None = None,
    ) -> SitemapParse:
        return SitemapParse(links, children or [], self.over_cap, self.invalid, self.first_invalid, dated)


def _aware(moment: datetime | None) -> datetime | None:
    # RunWindow accepts naive bounds; comparing them with aware link dates would raise
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _is_open(window: RunWindow | None) -> bool:
    return window is None or (window.start is None and window.end is None)


def link_in_window(link: Link, window: RunWindow) -> bool:
    """True when the link's published (else modified) time is in the window; undated links pass open ones."""
    moment = link.published_at or link.modified_at
    if _is_open(window):
        return True
    if moment is None:
        return False
    start, end = _aware(window.start), _aware(window.end)
    if start is not None and moment < start:
        return False
    return not (end is not None and moment > end)


_NAME_YMD = re.compile(
    r"(?<![0-9])(?P<y>(?:19|20)\d{2})(?P<sep>[-_/.]?)(?P<m>0[1-9]|1[0-2])"
    r"(?:(?P=sep)(?P<d>0[1-9]|[12]\d|3[01]))?(?![0-9])"
)
# a bare year only counts behind a separator: `sitemap2019.xml` is more often page 2019 than a year
_NAME_YEAR = re.compile(r"(?:^|[-_/.=])(?P<y>(?:19|20)\d{2})(?![0-9])")
_QUERY_YEAR = ("yyyy", "year", "y")
_QUERY_MONTH = ("mm", "month", "m")
_QUERY_DAY = ("dd", "day", "d")


def _period(year: int, month: int | None, day: int | None) -> tuple[datetime, datetime] | None:
    try:
        if month is None:
            return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        if day is None:
            first = datetime(year, month, 1, tzinfo=UTC)
            return first, (first + timedelta(days=32)).replace(day=1)
        start = datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
    return start, start + timedelta(days=1)


def _query_int(query: dict[str, str], names: tuple[str, ...]) -> int | None:
    for name in names:
        value = query.get(name, "")
        # isdigit() alone admits '²' and 5,000-digit strings, which int() refuses
        if value.isascii() and value.isdigit() and len(value) <= 4:
            return int(value)
    return None


def sitemap_name_period(url: str) -> tuple[datetime, datetime] | None:
    """The [start, end) UTC period a sitemap URL names: sitemap-2025-06-18.xml, /2025/06/, ?yyyy=2025."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None  # a broken IPv6 literal: no name to read a date from
    # the host is left out: ports and IP addresses look like years
    path = parts.path
    periods: list[tuple[datetime, datetime]] = []
    # years far in the future are page numbers or ids, not dates
    latest_year = datetime.now(UTC).year + 1
    query = {key.lower(): value for key, value in parse_qsl(parts.query)}
    year = _query_int(query, _QUERY_YEAR)
    if year is not None and 1990 <= year <= latest_year:
        found = _period(year, _query_int(query, _QUERY_MONTH), _query_int(query, _QUERY_DAY))
        if found:
            periods.append(found)
    names = f"{path}?{parts.query}" if parts.query else path
    for match in _NAME_YMD.finditer(names):
        if int(match["y"]) <= latest_year:
            found = _period(int(match["y"]), int(match["m"]), int(match["d"]) if match["d"] else None)
            if found:
                periods.append(found)
    if not periods:
        for match in _NAME_YEAR.finditer(names):
            if 1990 <= int(match["y"]) <= latest_year:
                found = _period(int(match["y"]), None, None)
                if found:
                    periods.append(found)
    if not periods:
        return None
    return min(start for start, _ in periods), max(end for _, end in periods)


def child_sitemap_in_window(url: str, lastmod: datetime | None, window: RunWindow) -> bool:
    """False only when the child's lastmod or the date in its name shows it cannot hold window items."""
    if _is_open(window):
        return True
    start, end = _aware(window.start), _aware(window.end)
    lastmod = _aware(lastmod)
    # a sitemap last changed before the window opened cannot list anything published inside it;
    # a lastmod after the window says nothing (old sitemaps get touched)
    if lastmod is not None and start is not None and lastmod + WINDOW_SLACK < start:
        return False
    period = sitemap_name_period(url)
    if period is None:
        return True
    period_start, period_end = period
    if start is not None and period_end + WINDOW_SLACK <= start:
        return False
    return not (end is not None and period_start - WINDOW_SLACK > end)


def document_in_window(url: str, dated: datetime | None, window: RunWindow) -> bool:
    """True when a document's undated links belong to the window: the period its name names (sitemap-
    2025-06-18.xml), else its own date (lastmod in its index, a feed's lastBuildDate/updated, HTTP
    Last-Modified), lies in the window (a day's slack either side). Open windows keep everything."""
    if _is_open(window):
        return True
    start, end = _aware(window.start), _aware(window.end)
    period = sitemap_name_period(url)
    if period is None:
        moment = _aware(dated)
        if moment is None:
            return False
        period = (moment, moment)
    period_start, period_end = period
    if start is not None and period_end + WINDOW_SLACK <= start:
        return False
    return not (end is not None and period_start - WINDOW_SLACK > end)


_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CDATA = re.compile(r"(<!\[CDATA\[.*?(?:\]\]>|\Z))", re.S)
_AMPERSAND = re.compile(r"&(?:([A-Za-z][A-Za-z0-9._-]{0,63});|(#[0-9]{1,8};|#[xX][0-9A-Fa-f]{1,8};))?")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
# the prolog may hold comments and processing instructions (xml-stylesheet) before the doctype; atomic
# groups keep a prolog of many comments from backtracking
_DOCTYPE = re.compile(r"\A((?>\s+|<!--.*?-->|<\?.*?\?>)*+)<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.S | re.I)
_ROOT_START = re.compile(r"<(?:[A-Za-z][\w.-]*:)?(?:rss|feed|RDF|channel|urlset|sitemapindex)[\s>/]")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>/])", re.I | re.S)
_HTML_ROOT = re.compile(r"<html[\s>/]", re.I)


def _fix_ampersand(match: re.Match[str]) -> str:
    name, numeric = match.group(1), match.group(2)
    if numeric:
        return match.group(0)
    if name is None:
        # a bare '&' (unescaped query strings) makes libxml2 drop the text after it
        return "&amp;"
    if name in _XML_ENTITIES:
        return match.group(0)
    expansion = html.entities.html5.get(name + ";")
    if expansion is None:
        # with the doctype gone every other name is undefined; a reference libxml2 cannot resolve makes
        # its recovery drop every later &amp;, so the reference goes
        return ""
    # html entities (&nbsp; in RSS) are undefined in XML; a character reference means the same thing
    return "".join(f"&#{ord(char)};" for char in expansion)


def _clean_markup(text: str) -> str:
    # the doctype goes first: its entities are never expanded (no billion laughs, no XXE), and libxml2
    # stops recovering at an entity it refuses, losing the rest of the document
    text = _DOCTYPE.sub(r"\1", text, count=1)
    text = _CONTROL_CHARS.sub("", text)
    if "&" not in text:
        return text
    # cdata sections are literal text: entities inside them are the html's business, not the xml's
    pieces = _CDATA.split(text)
    for index in range(0, len(pieces), 2):
        pieces[index] = _AMPERSAND.sub(_fix_ampersand, pieces[index])
    return "".join(pieces)


class _RefuseExternal(etree.Resolver):
    """Answers every external id a document names (its DTD, an entity, a parameter entity, XInclude) with
    nothing: libxml2 opens `file:` system ids even with load_dtd off, so nothing is left to its loader."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> object:
        log.debug("refused external id %r (public %r)", system_url, public_id)
        return self.resolve_string("", context)


def _xml_parser() -> etree.XMLParser:
    # resolve_entities/no_network/load_dtd off and a resolver that refuses every external id: no billion
    # laughs, no XXE, no file or connection opened; recover for the broken feeds the web is full of;
    # huge_tree off keeps libxml2's depth and text-size limits
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        encoding="utf-8",
    )
    parser.resolvers.add(_RefuseExternal())
    return parser


def _tags(spaces: Iterable[str], *names: str) -> frozenset[str]:
    """The tags lxml gives the named elements in these namespaces: '' for none, a URI, or a bare prefix for
    documents that use a well-known prefix without declaring it (lxml then keeps 'dc:date' as the tag)."""
    found = set()
    for space in spaces:
        for name in names:
            if not space:
                found.add(name)
            elif ":" in space:
                found.add(f"{{{space}}}{name}")
            else:
                found.add(f"{space}:{name}")
    return frozenset(found)


def _document_text(body: bytes, content_type: str | None = None) -> str:
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip_layers(body, InflateBudget(MAX_DOCUMENT_BYTES))
        except InflateError as exc:
            raise DiscoveryError("malformed" if exc.kind == "bad_encoding" else exc.kind, str(exc)) from exc
    if not body.strip():
        raise DiscoveryError("empty", "empty body")
    text = decode_xml(body, content_type).lstrip("\ufeff \t\r\n")
    if not text.startswith("<?xml"):
        # php warnings and stray bytes before the declaration are common; the document starts at <?xml
        # unless the root element came first (then a later "<?xml" is content)
        start = text.find("<?xml", 0, 65536)
        if start > 0 and not _ROOT_START.search(text, 0, start):
            text = text[start:]
    return _XML_DECLARATION.sub("", text, count=1)


@dataclass(frozen=True)
class _Tree:
    """A parsed document: its root, and libxml2's first error when it had to recover."""

    root: etree._Element
    broken: str | None


_UNFINISHED = re.compile(r"Premature end of data in tag (\S+)")


def _drop_cut_text(root: etree._Element, tag: str) -> None:
    """Drop the text the bytes ended inside, in the innermost open element (libxml2 names it): a <loc> or
    <link> cut short is a bogus URL, a cut <lastmod> a wrong date. Its children, and every child of its open
    ancestors, arrived whole."""
    name = tag.rsplit(":", 1)[-1]
    # the open elements are the last element of the document and its ancestors
    chain = [root]
    while len(chain[-1]):
        chain.append(chain[-1][-1])
    for node in reversed(chain):
        if _local(node) == name:
            if len(node):
                node[-1].tail = None
            else:
                node.text = None
            return


def _parse_tree(text: str, url: str, wrong_kind: str) -> _Tree:
    """The document's tree; DiscoveryError(wrong_kind) for HTML pages and text that is not XML."""
    if _HTML_START.match(text[:4096]):
        # an html doctype (or a comment) in front of a feed's root is a careless template, not a page
        root_at = _ROOT_START.search(text, 0, 65536)
        html_at = _HTML_ROOT.search(text, 0, 65536)
        if root_at is None or (html_at is not None and html_at.start() < root_at.start()):
            raise DiscoveryError(wrong_kind, "an HTML page, not XML")
        text = text[root_at.start() :]
    parser = _xml_parser()
    try:
        root = etree.fromstring(_clean_markup(text).encode("utf-8"), parser, base_url=url)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(wrong_kind, f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError(wrong_kind, "no XML element found")
    if _local(root) == "html":
        raise DiscoveryError(wrong_kind, "an HTML page, not XML")
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    for error in errors:
        cut = _UNFINISHED.match(error.message)
        if cut is not None:
            _drop_cut_text(root, cut[1])
            break
    return _Tree(root, f"line {errors[0].line}: {errors[0].message}" if errors else None)


def _local(node: etree._Element) -> str:
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag.rsplit(":", 1)[-1]


def _space(node: etree._Element) -> str:
    tag = node.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _kids(node: etree._Element, tags: frozenset[str]) -> Iterator[etree._Element]:
    for child in node:
        if child.tag in tags:
            yield child


def _kid(node: etree._Element | None, tags: frozenset[str]) -> etree._Element | None:
    if node is None:
        return None
    return next(_kids(node, tags), None)


# elements whose text is no part of what a reader sees
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head"})
_BLOCKS = frozenset({
    "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "blockquote", "section", "article", "figure", "figcaption", "hr", "img", "dd", "dt",
})  # fmt: skip


def _text(node: etree._Element | None, markup: bool = False) -> str:
    """All text under an element, CDATA included; comments and unresolved entities left out. With markup
    (an xhtml construct) the children are html: script and style text is left out, blocks become spaces."""
    if node is None:
        return ""
    if len(node) == 0:
        return node.text or ""
    parts = [node.text or ""]
    # an explicit stack: nesting depth is the document's choice, not ours
    stack: list[tuple[Iterator[etree._Element], str]] = [(iter(node), "")]
    while stack:
        current, tail = stack[-1]
        child = next(current, None)
        if child is None:
            stack.pop()
            parts.append(tail)
            continue
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        name = _local(child).lower() if markup else ""
        if name in _HIDDEN:
            parts.append(child.tail or "")
            continue
        space = " " if name in _BLOCKS else ""
        parts.append(space + (child.text or ""))
        stack.append((iter(child), space + (child.tail or "")))
    return "".join(parts)


class _TextCollector(HTMLParser):
    """Visible text of an HTML fragment, with block elements turned into spaces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


_LOOKS_HTML = re.compile(r"<[A-Za-z!/]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_END_TAG = re.compile(r"</(\w+)\s*>")
_ANY_TAG = re.compile(r"</?(\w+)")
_ENTITY = re.compile(r"&(#?\w+);")
# the elements an escaped-html title or summary is written with; a "tag" outside this list (<blink>, <foo>,
# <T>) is a word in angle brackets
_INLINE_HTML = frozenset({
    "a", "abbr", "acronym", "b", "big", "br", "cite", "code", "del", "dfn", "div", "em", "font", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "ul", "var", "wbr",
})  # fmt: skip


def _html_text(text: str) -> str:
    """Markup stripped and entities decoded: the text an html fragment shows."""
    if not _LOOKS_HTML.search(text):
        return text
    collector = _TextCollector()
    collector.feed(text[:MAX_DESCRIPTION_HTML_CHARS])
    collector.close()
    return "".join(collector.parts)


def _is_markup(text: str) -> bool:
    """feedparser's rule for text whose type is not declared: html only when it closes an element or uses an
    entity, and every tag and entity in it is html's."""
    if not (_END_TAG.search(text) or _ENTITY.search(text)):
        return False
    if any(tag.lower() not in _INLINE_HTML for tag in _ANY_TAG.findall(text)):
        return False
    return all(name.startswith("#") or f"{name};" in html.entities.html5 for name in _ENTITY.findall(text))


def _construct_text(node: etree._Element, default: str) -> str:
    """The plain text of a text construct by its declared type (RFC 4287 3.1: text, html, xhtml; Atom 0.3:
    a MIME type and mode xml, escaped or base64); `default` ('text', 'html' or 'guess') when undeclared."""
    kind = (node.get("type") or "").strip().lower()
    mode = (node.get("mode") or "").strip().lower()
    if kind in ("xhtml", "application/xhtml+xml") or (mode == "xml" and len(node)):
        return _text(node, markup=True)
    text = _text(node)
    if mode == "base64":
        try:
            text = base64.b64decode("".join(text.split()), validate=False).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    if kind in ("html", "text/html") or mode == "escaped":
        return _html_text(text)
    if kind in ("text", "text/plain") or kind.startswith("text/"):
        return text
    if default == "html" or (default == "guess" and _is_markup(text)):
        return _html_text(text)
    return text


def _plain(text: str | None, limit: int) -> str | None:
    """Whitespace collapsed, cut to limit; None when nothing is left."""
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rstrip()
    return text or None


def _first_construct(node: etree._Element, *choices: tuple[frozenset[str], str]) -> str:
    """The text of the first of the named constructs (in order of preference) that has any."""
    for tags, default in choices:
        for child in _kids(node, tags):
            text = _construct_text(child, default)
            if text.strip():
                return text
    return ""


# an absolute http(s) URL with a plain host, a path and no fragment
_PLAIN_URL = re.compile(r"https?://[^/?#\s\[\]@\\]+/[^#\s]*")


def _absolute(raw: str | None, base: str) -> str | None:
    """An absolute http(s) URL without fragment, or None for anything else (mailto:, javascript:, junk)."""
    if not raw:
        return None
    raw = raw.strip().replace(" ", "%20")
    if not raw:
        return None
    if _PLAIN_URL.fullmatch(raw):
        # already what urlunsplit(urlsplit()) would give: most sitemap and feed URLs
        return raw
    web = raw[:8].lower().startswith(("http://", "https://"))
    try:
        # most sitemap and feed URLs are absolute already; urljoin is the expensive half
        parts = urlsplit(raw if web else urljoin(base, raw))
    except ValueError:
        # an http(s) URL urllib cannot take apart (a broken IPv6 literal) is kept, for url_problem to count
        return raw if web else None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if not parts.hostname:
        return raw if web else None
    # fragments never reach the server: two links differing only there are the same document
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def _base(node: etree._Element, fallback: str) -> str:
    # lxml folds the xml:base chain and the document URL into .base
    return node.base or fallback


def _date_of(node: etree._Element | None, zone: tzinfo, *choices: frozenset[str]) -> datetime | None:
    if node is None:
        return None
    for tags in choices:
        for child in _kids(node, tags):
            moment = parse_utc(_text(child), zone)
            if moment is not None:
                return moment
    return None


def _make_link(
    url: str,
    outlet_id: str,
    via: LinkVia,
    found_in: str,
    title: str | None,
    published_at: datetime | None,
    modified_at: datetime | None,
    description: str | None,
) -> Link:
    return Link(
        url=url,
        outlet_id=outlet_id,
        via=via,
        found_in=found_in,
        title=_plain(title, MAX_TITLE_CHARS),
        published_at=published_at,
        modified_at=modified_at,
        description=_plain(description, MAX_DESCRIPTION_CHARS),
    )


@dataclass(frozen=True)
class _Vocabulary:
    """The tags one feed dialect names its parts with: its own namespace for its own elements, Dublin Core,
    content:, Atom-in-RSS and feedburner for theirs."""

    item: frozenset[str]
    title: frozenset[str]
    link: frozenset[str]
    guid: frozenset[str]
    published: tuple[frozenset[str], ...]
    modified: tuple[frozenset[str], ...]
    description: tuple[tuple[frozenset[str], str], ...]
    feed_date: tuple[frozenset[str], ...]


_DC_TITLE = _tags(DC, "title")
_DC_DATE = _tags(DC, "date")
_DC_ISSUED = _tags(DCTERMS, "issued", "created")
_DC_MODIFIED = _tags(DCTERMS, "modified")
_ORIG_LINK = _tags(FEEDBURNER, "origLink")
_ATOM_LINK_IN_RSS = _tags(ATOM_IN_RSS, "link")


@lru_cache(maxsize=16)
def _rss_vocabulary(space: str) -> _Vocabulary:
    own = (space, *RSS_SPACES) if space not in RSS_SPACES else RSS_SPACES
    return _Vocabulary(
        item=_tags(own, "item"),
        title=_tags(own, "title"),
        link=_tags(own, "link"),
        guid=_tags(own, "guid"),
        published=(_tags(own, "pubDate"), _DC_DATE, _DC_ISSUED, _tags(ATOM_IN_RSS, "published")),
        modified=(_tags(ATOM_IN_RSS, "updated"), _DC_MODIFIED),
        description=(
            (_tags(own, "description"), "html"),
            (_tags(CONTENT, "encoded"), "html"),
            (_tags(ATOM_IN_RSS, "summary"), "text"),
        ),
        feed_date=(_tags(own, "lastBuildDate", "pubDate"), _DC_DATE, _tags(ATOM_IN_RSS, "updated")),
    )


@lru_cache(maxsize=16)
def _atom_vocabulary(space: str) -> _Vocabulary:
    own = (space,)
    return _Vocabulary(
        item=_tags(own, "entry"),
        title=_tags(own, "title"),
        link=_tags(own, "link"),
        guid=_tags(own, "id"),
        # atom 1.0 says published/updated; atom 0.3 issued/created/modified
        published=(_tags(own, "published", "issued", "created"), _DC_DATE),
        modified=(_tags(own, "updated", "modified"), _DC_MODIFIED),
        description=((_tags(own, "summary"), "text"), (_tags(own, "content"), "text")),
        feed_date=(_tags(own, "updated", "modified"), _DC_DATE),
    )


def _rss_item_url(item: etree._Element, words: _Vocabulary, feed_url: str) -> str | None:
    # feedburner's origLink is the article; <link> is a feedburner redirect
    for orig in _kids(item, _ORIG_LINK):
        url = _absolute(_text(orig), _base(orig, feed_url))
        if url:
            return url
    alternates: list[etree._Element] = []
    for link in _kids(item, words.link):
        text = _text(link).strip()
        if text:
            url = _absolute(text, _base(link, feed_url))
            if url:
                return url
        elif link.get("href"):
            alternates.append(link)
    alternates.extend(_kids(item, _ATOM_LINK_IN_RSS))
    for link in alternates:
        if link.get("href") and link.get("rel", "alternate") == "alternate":
            url = _absolute(link.get("href"), _base(link, feed_url))
            if url:
                return url
    for guid in _kids(item, words.guid):
        # a guid is a link only when it says so (the default) and looks like one; most are opaque ids
        permalink = guid.get("isPermaLink", "true").strip().lower() != "false"
        if permalink and _text(guid).strip().lower().startswith(("http://", "https://")):
            url = _absolute(_text(guid), _base(guid, feed_url))
            if url:
                return url
    # rss 1.0 names each item by its URL
    about = item.get(f"{{{RDF}}}about")
    return _absolute(about, _base(item, feed_url)) if about else None


def _atom_entry_url(entry: etree._Element, words: _Vocabulary, feed_url: str) -> str | None:
    ranked: list[tuple[int, str]] = []
    for link in _kids(entry, words.link):
        # rel may be the full iana iri
        rel = (link.get("rel") or "alternate").strip().lower().rsplit("/", 1)[-1]
        href = link.get("href") or _text(link)
        url = _absolute(href, _base(link, feed_url))
        if url is None or rel != "alternate":
            continue
        kind = (link.get("type") or "text/html").lower()
        ranked.append((0 if "html" in kind else 1, url))
    if ranked:
        return min(ranked, key=lambda pair: pair[0])[1]
    # an entry without an alternate link is still named by its id when that id is a URL
    entry_id = _text(_kid(entry, words.guid)).strip()
    if entry_id.lower().startswith(("http://", "https://")):
        return _absolute(entry_id, feed_url)
    return None


@dataclass(frozen=True)
class _Feed:
    """A feed's entries and what names their parts."""

    words: _Vocabulary
    entries: list[etree._Element]
    atom: bool
    # the feed's own date (lastBuildDate, updated): how recent the list is
    dated: datetime | None


def _feed_of(tree: _Tree, zone: tzinfo) -> _Feed | None:
    """The feed in a tree, or None when the root is not a feed."""
    root = tree.root
    name = _local(root)
    if name == "feed":
        words = _atom_vocabulary(_space(root))
        entries = list(_kids(root, words.item))
        return _Feed(words, entries, True, _date_of(root, zone, *words.feed_date))
    if name not in ("rss", "RDF", "channel"):
        return None
    words = _rss_vocabulary(_space(root) if name != "RDF" else "")
    # rss 2.0 nests items in the channel; rss 0.90/1.0 puts them beside it; broken feeds do either
    channels = [child for child in root if _local(child) == "channel"]
    containers = [root, *channels]
    items = [item for container in containers for item in _kids(container, words.item)]
    dated = None
    for container in containers:
        dated = dated or _date_of(container, zone, *words.feed_date)
    return _Feed(words, items, False, dated)


def _feed_links(feed: _Feed, feed_url: str, outlet_id: str, zone: tzinfo, entries: _Entries) -> list[Link]:
    words = feed.words
    title_default = "text" if feed.atom else "guess"
    links = []
    for entry in feed.entries:
        if entries.full():
            continue
        url = _atom_entry_url(entry, words, feed_url) if feed.atom else _rss_item_url(entry, words, feed_url)
        if url is None or not entries.admit(url):
            continue
        links.append(
            _make_link(
                url,
                outlet_id,
                "feed",
                feed_url,
                title=_first_construct(entry, (words.title, title_default), (_DC_TITLE, "guess")),
                published_at=_date_of(entry, zone, *words.published),
                modified_at=_date_of(entry, zone, *words.modified),
                description=_first_construct(entry, *words.description),
            )
        )
    return links


def parse_feed_document(
    body: bytes, feed_url: str, outlet_id: str, *, content_type: str | None = None, zone: tzinfo = UTC
) -> SitemapParse:
    """parse_feed with what was left out (entries past the cap, invalid URLs) counted beside the links, and
    the feed's own date; naive dates are read in `zone`, the bytes decoded by `content_type`'s charset."""
    tree = _parse_tree(_document_text(body, content_type), feed_url, "not_a_feed")
    feed = _feed_of(tree, zone)
    if feed is None:
        raise DiscoveryError("not_a_feed", f"root element <{_local(tree.root)}> is not RSS or Atom")
    entries = _Entries()
    links = _feed_links(feed, feed_url, outlet_id, zone, entries)
    if tree.broken and not links:
        # recovery keeps what parses; a broken feed that yields nothing is an outlet problem worth a row
        raise DiscoveryError("malformed", f"not well-formed XML and no items recovered ({tree.broken})")
    return entries.result(links, dated=feed.dated)


def parse_feed(body: bytes, feed_url: str, outlet_id: str, *, content_type: str | None = None) -> list[Link]:
    """Links in an RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 document; raises DiscoveryError when it is not a feed."""
    return parse_feed_document(body, feed_url, outlet_id, content_type=content_type).links


def _text_sitemap(text: str, sitemap_url: str, outlet_id: str) -> SitemapParse:
    # sitemaps.org allows a plain list of URLs, one per line
    entries = _Entries()
    links = []
    for line in text.splitlines():
        line = line.strip()
        if not line or entries.full():
            continue
        url = _absolute(line, sitemap_url) if line.startswith(("http://", "https://")) else None
        if url and entries.admit(url):
            links.append(_make_link(url, outlet_id, "sitemap", sitemap_url, None, None, None, None))
    return entries.result(links)


@lru_cache(maxsize=16)
def _sitemap_tags(space: str) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(sitemap, url, loc, lastmod) tags of a sitemap document whose root is in `space`."""
    own = (space, *SITEMAP_SPACES) if space not in SITEMAP_SPACES else SITEMAP_SPACES
    return _tags(own, "sitemap"), _tags(own, "url"), _tags(own, "loc"), _tags(own, "lastmod")


_NEWS = _tags(NEWS, "news")
_NEWS_TITLE = _tags(NEWS, "title")
_NEWS_PUBLISHED = _tags(NEWS, "publication_date")


def parse_sitemap(
    body: bytes, sitemap_url: str, outlet_id: str, *, content_type: str | None = None, zone: tzinfo = UTC
) -> SitemapParse:
    """Links and child sitemaps of a urlset, sitemapindex, news, text or feed sitemap, gzipped or not."""
    text = _document_text(body, content_type)
    if text.startswith(("http://", "https://")):
        return _text_sitemap(text, sitemap_url, outlet_id)
    tree = _parse_tree(text, sitemap_url, "not_a_sitemap")
    root = tree.root
    name = _local(root)
    sitemap_tag, url_tag, loc_tag, lastmod_tag = _sitemap_tags(_space(root))
    entries = _Entries()
    if name == "sitemapindex":
        children = []
        for entry in _kids(root, sitemap_tag):
            if entries.full():
                continue
            loc = _kid(entry, loc_tag)
            url = _absolute(_text(loc), _base(loc, sitemap_url)) if loc is not None else None
            if url and entries.admit(url):
                children.append((url, parse_utc(_text(_kid(entry, lastmod_tag)), zone)))
        return entries.result([], children)
    if name == "urlset":
        links = []
        for entry in _kids(root, url_tag):
            if entries.full():
                continue
            # one pass over the entry (the first of each kind counts): this loop runs 50,000 times a sitemap
            loc = lastmod = news = None
            for child in entry:
                tag = child.tag
                if tag in loc_tag:
                    loc = child if loc is None else loc
                elif tag in lastmod_tag:
                    lastmod = child if lastmod is None else lastmod
                elif tag in _NEWS:
                    news = child if news is None else news
            url = _absolute(_text(loc), _base(loc, sitemap_url)) if loc is not None else None
            if url is None or not entries.admit(url):
                continue
            # image:, video: and friends are ignored; only news:news says something about the article
            links.append(
                _make_link(
                    url,
                    outlet_id,
                    "news_sitemap" if news is not None else "sitemap",
                    sitemap_url,
                    # google's news:title is plain text: escaped brackets are part of the headline
                    title=_text(_kid(news, _NEWS_TITLE)) or None,
                    published_at=_date_of(news, zone, _NEWS_PUBLISHED),
                    modified_at=parse_utc(_text(lastmod), zone) if lastmod is not None else None,
                    description=None,
                )
            )
        if tree.broken and not links:
            raise DiscoveryError("malformed", f"not well-formed XML and no URLs recovered ({tree.broken})")
        return entries.result(links)
    # sitemaps.org accepts RSS and Atom feeds as sitemaps
    feed = _feed_of(tree, zone)
    if feed is not None:
        return entries.result(_feed_links(feed, sitemap_url, outlet_id, zone, entries), dated=feed.dated)
    raise DiscoveryError("not_a_sitemap", f"root element <{name}> is not a sitemap")


def _merge(first: Link, later: Link) -> Link:
    """One link from two sightings: first sighting's provenance, the fuller fields of both."""
    published = [moment for moment in (first.published_at, later.published_at) if moment is not None]
    modified = [moment for moment in (first.modified_at, later.modified_at) if moment is not None]
    descriptions = [text for text in (first.description, later.description) if text]
    return first.model_copy(
        update={
            "title": first.title or later.title,
            # a re-listing repeats an item with a later date; the first publication is the earliest one
            "published_at": min(published) if published else None,
            "modified_at": max(modified) if modified else None,
            "description": max(descriptions, key=len) if descriptions else None,
        }
    )


def merge_links(links: Iterable[Link]) -> list[Link]:
    """Links deduplicated by URL in first-seen order, metadata of repeated sightings merged."""
    merged: dict[str, Link] = {}
    for link in links:
        seen = merged.get(link.url)
        merged[link.url] = link if seen is None else _merge(seen, link)
    return list(merged.values())


class DocumentResponse(Protocol):
    """What discovery needs from a fetched document."""

    @property
    def status(self) -> int: ...

    @property
    def body(self) -> bytes: ...

    @property
    def final_url(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


class DocumentGetter(Protocol):
    """Fetches one document; tasks/http.py's Fetcher is one."""

    async def get(
        self, url: str, *, accept: str = ..., conditional: dict[str, str] | None = None
    ) -> DocumentResponse: ...


def _failure(url: str, outlet_id: str, exc: BaseException) -> Failure:
    kind = getattr(exc, "kind", None)
    status = getattr(exc, "http_status", None)
    if not isinstance(kind, str) or not kind:
        kind = "timeout" if isinstance(exc, TimeoutError) else "error"
    message = str(exc) or type(exc).__name__
    if kind == "error":
        message = f"{type(exc).__name__}: {message}"
    return Failure(
        url=url,
        outlet_id=outlet_id,
        stage="discover",
        kind=kind,
        error=message[:MAX_ERROR_CHARS],
        http_status=status if isinstance(status, int) else None,
        transient=bool(getattr(exc, "transient", False)),
        at=datetime.now(UTC),
    )


class _HttpStatusError(Exception):
    """A non-2xx answer from a getter that returns responses instead of raising."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.kind = "http_error"
        self.http_status = status
        self.transient = status == 429 or status >= 500


# what parses a fetched document: its bytes, its final URL and outlet, its Content-Type, the outlet's zone
Parse = Callable[..., SitemapParse]


@dataclass
class _Loaded:
    url: str
    final_url: str
    parsed: SitemapParse | None = None
    failure: Failure | None = None
    # a document that yielded links but left some out (past the cap, invalid URLs) says so in a row too
    notice: Failure | None = None
    # the document's own date (a feed's lastBuildDate, else its HTTP Last-Modified): see document_in_window
    dated: datetime | None = None


# one semaphore per event loop: discovery of every outlet of a run shares it
_parse_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = (
    weakref.WeakKeyDictionary()
)


async def _parse_off_loop(parse: Callable[[], SitemapParse], timeout_s: float) -> SitemapParse:
    """parse() in a thread of its own, so the event loop goes on fetching; a parse that takes longer than
    timeout_s is a `too_slow` DiscoveryError.

    A daemon thread, not an executor's: libxml2 cannot be interrupted, so a parse past its deadline is left
    to finish on its own, and a daemon thread never keeps the process from exiting.
    """
    loop = asyncio.get_running_loop()
    slots = _parse_slots.setdefault(loop, asyncio.Semaphore(PARSE_CONCURRENCY))
    async with slots:
        done: asyncio.Future[SitemapParse] = loop.create_future()

        def settle(result: SitemapParse | None, error: BaseException | None) -> None:
            if done.done():
                return  # the deadline passed first
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result)  # type: ignore[arg-type]

        def run() -> None:
            result, error = None, None
            try:
                result = parse()
            except Exception as exc:  # noqa: BLE001 - handed to the awaiting coroutine, which records it
                error = exc
            # a loop that has closed meanwhile (the run gave up on this document) has nobody to tell
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, result, error)

        worker = threading.Thread(target=run, name="copydesk-parse", daemon=True)
        worker.start()
        try:
            parsed = await asyncio.wait_for(done, timeout_s)
        except TimeoutError:
            raise DiscoveryError("too_slow", f"parsing took longer than {timeout_s:g}s") from None
        # the thread has answered and is ending: wait for its end, so a caller that forks next (a discovery
        # started ahead) does not see a thread still counted as alive
        worker.join(timeout=1.0)
        return parsed


def _notice(url: str, outlet_id: str, parsed: SitemapParse) -> Failure | None:
    """The row for what a parsed document left out, or None when it kept everything."""
    if not parsed.over_cap and not parsed.invalid:
        return None
    said = []
    if parsed.over_cap:
        said.append(f"{parsed.over_cap} entries past the cap of {MAX_LINKS_PER_DOCUMENT} a document not kept")
    if parsed.invalid:
        said.append(f"{parsed.invalid} links with invalid URLs skipped (first {parsed.first_invalid})")
    return Failure(
        url=url,
        outlet_id=outlet_id,
        stage="discover",
        kind="truncated" if parsed.over_cap else "bad_links",
        error="; ".join(said)[:MAX_ERROR_CHARS],
        at=datetime.now(UTC),
    )


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


@dataclass(frozen=True)
class _Reader:
    """Fetches and parses one outlet's documents: a getter, a concurrency limit, the parse deadline."""

    getter: "DocumentGetter"
    outlet: Outlet
    limit: asyncio.Semaphore
    parse_timeout_s: float

    async def load(self, url: str, accept: str, parse: Parse) -> _Loaded:
        """Fetch and parse one document; whatever goes wrong becomes its failure row."""
        outlet_id = self.outlet.id
        async with self.limit:
            try:
                response = await self.getter.get(url, accept=accept)
                final_url = response.final_url or url
                if response.status == 304:
                    return _Loaded(url, final_url)
                if not 200 <= response.status < 300:
                    raise _HttpStatusError(response.status)
                headers = response.headers
                body = response.body
                zone = zone_named(self.outlet.timezone)
                parsed = await _parse_off_loop(
                    lambda: parse(
                        body, final_url, outlet_id, content_type=_header(headers, "content-type"), zone=zone
                    ),
                    self.parse_timeout_s,
                )
                dated = parsed.dated or parse_http_date(_header(headers, "last-modified"))
                return _Loaded(url, final_url, parsed, notice=_notice(url, outlet_id, parsed), dated=dated)
            # one broken document must not stop the outlet: whatever went wrong becomes a failure row
            # (CancelledError is a BaseException and still propagates)
            except Exception as exc:
                log.debug("discovery of %s failed: %r", url, exc)
                return _Loaded(url, url, failure=_failure(url, outlet_id, exc))

    async def text(self, url: str, accept: str) -> tuple[str | None, Failure | None]:
        """A page's text (a homepage, robots.txt) decoded as a browser would; or the failure row."""
        async with self.limit:
            try:
                response = await self.getter.get(url, accept=accept)
                if not 200 <= response.status < 300:
                    raise _HttpStatusError(response.status)
                text, _ = decode_html(response.body, _header(response.headers, "content-type"))
                return text, None
            except Exception as exc:  # noqa: BLE001 - recorded as the outlet's failure row by the caller
                log.debug("discovery of %s failed: %r", url, exc)
                return None, _failure(url, self.outlet.id, exc)


def _visit_key(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _newest_first(children: list[tuple[str, datetime | None]]) -> list[tuple[str, datetime | None]]:
    # under a sitemap cap the newest children are the ones worth fetching
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(children, key=lambda child: _aware(child[1]) or floor, reverse=True)


@dataclass
class _Found:
    """What an outlet's documents list: links, failure rows, how many documents were read (parsed, or
    unchanged since the last run), and the undated links whose document is dated in the window."""

    links: list[Link] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    read: int = 0
    undated_in_window: set[str] = field(default_factory=set)

    def add(self, loaded: _Loaded, window: RunWindow | None, lastmod: datetime | None = None) -> bool:
        """Take one loaded document's links and rows; True when it was read."""
        if loaded.failure is not None:
            self.failures.append(loaded.failure)
            return False
        self.read += 1
        if loaded.notice is not None:
            self.failures.append(loaded.notice)
        if loaded.parsed is None:
            return True  # unchanged since the last run
        self.links.extend(loaded.parsed.links)
        if window is not None and document_in_window(loaded.final_url, lastmod or loaded.dated, window):
            undated = (link for link in loaded.parsed.links if not (link.published_at or link.modified_at))
            self.undated_in_window.update(link.url for link in undated)
        return True


async def _walk_sitemaps(
    reader: _Reader,
    start: list[str],
    window: RunWindow | None,
    max_sitemaps: int,
    found: _Found,
    guesses: frozenset[str] = frozenset(),
) -> None:
    """Read the sitemaps from `start` down through their indexes; a guessed sitemap that fails is dropped."""
    visited: set[str] = set()
    skipped: list[str] = []
    fetched = 0
    level: list[tuple[str, datetime | None]] = [(url, None) for url in start]
    # breadth first, one level at a time: a self-listing index or a loop between indexes ends in `visited`
    while level:
        batch = []
        for url, lastmod in level:
            key = _visit_key(url)
            if key in visited:
                continue
            visited.add(key)
            if fetched >= max_sitemaps:
                skipped.append(url)
                continue
            fetched += 1
            batch.append((url, lastmod))
        loaded = await asyncio.gather(*(reader.load(url, SITEMAP_ACCEPT, parse_sitemap) for url, _ in batch))
        level = []
        for result, (_, lastmod) in zip(loaded, batch, strict=True):
            if result.failure is not None and result.url in guesses:
                log.debug("no sitemap at %s (%s)", result.url, result.failure.kind)
                continue
            if not found.add(result, window, lastmod):
                continue
            visited.add(_visit_key(result.final_url))
            if result.parsed is None:
                continue
            for child_url, child_lastmod in _newest_first(result.parsed.children):
                if window is not None and not child_sitemap_in_window(child_url, child_lastmod, window):
                    log.debug("pruned sitemap %s (lastmod %s) outside %s", child_url, child_lastmod, window)
                    continue
                level.append((child_url, child_lastmod))
    if skipped:
        found.failures.append(
            Failure(
                url=skipped[0],
                outlet_id=reader.outlet.id,
                stage="discover",
                kind="sitemap_cap",
                error=f"sitemap cap of {max_sitemaps} reached; {len(skipped)} listed sitemaps not fetched",
                at=datetime.now(UTC),
            )
        )


class _FeedLinks(HTMLParser):
    """The feeds a page links with <link rel="alternate" type="application/rss+xml|atom+xml">, and its
    <base href>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        if tag != "link":
            return
        values = {name: value or "" for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";", 1)[0].strip().lower()
        if "alternate" in rels and kind in FEED_LINK_TYPES and values.get("href"):
            self.feeds.append(values["href"])


def feeds_in_homepage(html_text: str, page_url: str) -> list[str]:
    """The absolute URLs of the feeds a homepage links (<link rel="alternate" type=...rss/atom...>)."""
    collector = _FeedLinks()
    collector.feed(html_text[:MAX_HOMEPAGE_CHARS])
    collector.close()
    base = _absolute(collector.base, page_url) or page_url
    urls = (_absolute(href, base) for href in collector.feeds)
    return list(dict.fromkeys(url for url in urls if url and url_problem(url) is None))


_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


def sitemaps_in_robots(robots_text: str, robots_url: str) -> list[str]:
    """The absolute URLs of the sitemaps a robots.txt names in `Sitemap:` lines."""
    urls = (_absolute(match, robots_url) for match in _SITEMAP_LINE.findall(robots_text[:500_000]))
    return list(dict.fromkeys(url for url in urls if url and url_problem(url) is None))


async def _find_sources(reader: _Reader, homepage: str) -> tuple[list[str], list[str], bool, list[Failure]]:
    """(feeds, sitemaps, sitemaps are guesses, failures) for an outlet known only by its homepage."""
    robots_url = urljoin(homepage, "/robots.txt")
    (page, page_failure), (robots, _) = await asyncio.gather(
        reader.text(homepage, HTML_ACCEPT), reader.text(robots_url, ROBOTS_ACCEPT)
    )
    feeds = feeds_in_homepage(page, homepage) if page is not None else []
    # a missing robots.txt is the common case, not a failure of the outlet
    sitemaps = sitemaps_in_robots(robots, robots_url) if robots is not None else []
    guessed = not sitemaps
    if guessed:
        sitemaps = [urljoin(homepage, path) for path in SITEMAP_GUESSES]
    return feeds, sitemaps, guessed, [page_failure] if page_failure is not None else []


async def discover_outlet(
    outlet: Outlet,
    getter: DocumentGetter,
    window: RunWindow | None = None,
    max_sitemaps: int = 500,
    parse_timeout_s: float = 60.0,
) -> tuple[list[Link], list[Failure]]:
    """All article links an outlet's feeds and sitemaps list (deduplicated, windowed) and what failed; an
    outlet with only a homepage has its feeds and sitemaps found first."""
    reader = _Reader(getter, outlet, asyncio.Semaphore(DISCOVERY_CONCURRENCY), parse_timeout_s)
    found = _Found()
    feeds, sitemaps, guesses = list(outlet.feeds), list(outlet.sitemaps), frozenset[str]()
    searched = outlet.homepage is not None and not feeds and not sitemaps
    if searched:
        assert outlet.homepage is not None
        feeds, sitemaps, guessed, failures = await _find_sources(reader, outlet.homepage)
        found.failures.extend(failures)
        guesses = frozenset(sitemaps) if guessed else frozenset()
    # feeds first: their titles and descriptions are the richer first sighting when merging
    for loaded in await asyncio.gather(
        *(reader.load(url, FEED_ACCEPT, parse_feed_document) for url in dict.fromkeys(feeds))
    ):
        found.add(loaded, window)
    await _walk_sitemaps(reader, sitemaps, window, max_sitemaps, found, guesses)
    if searched and not feeds and found.read == 0:
        found.failures.append(
            Failure(
                url=outlet.homepage or "",
                outlet_id=outlet.id,
                stage="discover",
                kind="no_sources",
                error=(
                    'found no feed or sitemap: the homepage links no RSS/Atom feed (<link rel="alternate">), '
                    "robots.txt names no sitemap, and none of " + ", ".join(SITEMAP_GUESSES) + " is a sitemap"
                )[:MAX_ERROR_CHARS],
                at=datetime.now(UTC),
            )
        )
    links = merge_links(found.links)
    if window is not None:
        links = [
            link
            for link in links
            if link_in_window(link, window)
            or (
                link.published_at is None and link.modified_at is None and link.url in found.undated_in_window
            )
        ]
    return links, found.failures
