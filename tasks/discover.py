"""Discovery: parse feeds and sitemaps into Links (pure), and walk one outlet's feeds and sitemaps (driver).

Everything above `discover_outlet` is pure: bytes in, models out, no network, no clock except where a
Failure is stamped. The driver reaches the network only through the getter it is given (tasks/http.py's
Fetcher in production, a tiny httpx getter in tests).
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
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from lxml import etree

from copydesk.tasks.decode import GZIP_MAGIC, InflateBudget, InflateError, decode_xml, gunzip_layers
from copydesk.tasks.models import Failure, Link, LinkVia, Outlet, RunWindow
from copydesk.tasks.urls import url_problem

log = logging.getLogger(__name__)

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
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
SITEMAP_ACCEPT = (
    "application/xml, text/xml;q=0.9, application/x-gzip;q=0.8, application/gzip;q=0.8, */*;q=0.1"
)
# date-only lastmods and sitemap names carry no zone: a day either side keeps edge items in the window
WINDOW_SLACK = timedelta(days=1)


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
        self, links: list[Link], children: list[tuple[str, datetime | None]] | None = None
    ) -> SitemapParse:
        return SitemapParse(links, children or [], self.over_cap, self.invalid, self.first_invalid)


_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

# offsets in hours; RFC 822 names first, then zones news feeds actually print. CST stays US Central as
# RFC 822 defines it, IST is India (the outlets that print it are Indian).
_ZONES: dict[str, float] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BST": 1, "IST": 5.5, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "WEST": 1, "EET": 2, "EEST": 3,
    "MSK": 3, "TRT": 3, "GST": 4, "PKT": 5, "ICT": 7, "WIB": 7, "SGT": 8, "HKT": 8, "PHT": 8,
    "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13, "BRT": -3, "ART": -3,
}

_ISO_EXTENDED = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?)?)?"
    r"\s*(?P<tz>[Zz]|(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?|UTC|GMT)?"
)
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:[Tt](?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
_RFC822 = re.compile(
    r"(?:[A-Za-z]{2,9}\.?,?\s*)?"  # weekday, often wrong or abbreviated oddly: ignored
    r"(?P<d>\d{1,2})[\s-]+(?P<mon>[A-Za-z]{3,9})\.?,?[\s-]+(?P<y>\d{4}|\d{2})"
    r"(?:,?(?:\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>[A-Za-z]{1,5}(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{1,2}:?\d{2})?"
    r"\s*(?:\([^)]*\))?"
)
# `date` and ctime output: Wed Jun 18 09:30:00 JST 2025
_ASCTIME = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-z]{3,9})\s+(?P<d>\d{1,2})\s+"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s+(?:(?P<tz>[A-Za-z]{1,5}|[+-]\d{4})\s+)?(?P<y>\d{4})"
)
_OFFSET = re.compile(r"(?P<name>[A-Za-z]*)\s*(?:(?P<sign>[+-])(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?)?")


def _zone(token: str | None) -> timezone | None:
    """A tzinfo for '+0900', '-05:00', 'Z', 'JST', 'GMT+9'; None when absent; UTC for unknown names."""
    if not token:
        return None
    match = _OFFSET.fullmatch(token.strip())
    if match is None:
        return None
    name, sign = match["name"].upper(), match["sign"]
    if sign:
        minutes = int(match["hh"]) * 60 + int(match["mm"] or 0)
        base = _ZONES.get(name, 0) if name else 0
        return timezone(timedelta(hours=base) + (-1 if sign == "-" else 1) * timedelta(minutes=minutes))
    # an unknown zone name still pins the clock time; UTC is off by hours at most, dropping the date
    # would drop the link from every bounded window
    return timezone(timedelta(hours=_ZONES.get(name, 0)))


def _build(
    year: int, month: int, day: int, hour: str | None, minute: str | None, second: str | None,
    fraction: str | None, zone: timezone | None,
) -> datetime | None:
    # years outside this range are placeholders (0001-01-01, 9999-12-31) rather than publication dates
    if not 1800 <= year <= 2200:
        return None
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    sec = int(second or 0)
    # a leap second is still that minute
    sec = min(sec, 59)
    try:
        moment = datetime(year, month, day, int(hour or 0), int(minute or 0), sec, micro, tzinfo=zone or UTC)
    except ValueError:
        return None
    return moment.astimezone(UTC)


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822/2822 or ISO 8601/W3C date into an aware UTC datetime; None for missing or garbage."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text or len(text) > 64:
        return None
    for pattern in (_ISO_EXTENDED, _ISO_BASIC):
        match = pattern.fullmatch(text)
        if match:
            try:
                zone = _zone(match["tz"])
            except ValueError:
                return None
            return _build(
                int(match["y"]), int(match["m"] or 1), int(match["d"] or 1),
                match["H"], match["M"], match["S"], match["f"], zone,
            )
    match = _RFC822.fullmatch(text) or _ASCTIME.fullmatch(text)
    if match is None:
        return None
    month = _MONTHS.get(match["mon"][:3].lower())
    if month is None:
        return None
    year = int(match["y"])
    if len(match["y"]) == 2:
        # RFC 2822 section 4.3: two-digit years below 50 are in the 2000s
        year += 2000 if year < 50 else 1900
    try:
        zone = _zone(match["tz"])
    except ValueError:
        return None
    return _build(year, month, int(match["d"]), match["H"], match["M"], match["S"], None, zone)


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


_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CDATA = re.compile(r"(<!\[CDATA\[.*?(?:\]\]>|\Z))", re.S)
_AMPERSAND = re.compile(r"&(?:([A-Za-z][A-Za-z0-9._-]{0,63});|(#[0-9]{1,8};|#[xX][0-9A-Fa-f]{1,8};))?")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
# the prolog may hold comments and processing instructions (xml-stylesheet) before the doctype; atomic
# groups keep a prolog of many comments from backtracking
_DOCTYPE = re.compile(
    r"\A((?>\s+|<!--.*?-->|<\?.*?\?>)*+)<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.S | re.I
)
_ROOT_START = re.compile(r"<(?:[A-Za-z][\w.-]*:)?(?:rss|feed|RDF|channel|urlset|sitemapindex)[\s>/]")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>/])", re.I | re.S)


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
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8",
    )
    parser.resolvers.add(_RefuseExternal())
    return parser


def _document_text(body: bytes) -> str:
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip_layers(body, InflateBudget(MAX_DOCUMENT_BYTES))
        except InflateError as exc:
            raise DiscoveryError("malformed" if exc.kind == "bad_encoding" else exc.kind, str(exc)) from exc
    if not body.strip():
        raise DiscoveryError("empty", "empty body")
    text = decode_xml(body).lstrip("\ufeff \t\r\n")
    if not text.startswith("<?xml"):
        # php warnings and stray bytes before the declaration are common; the document starts at <?xml
        # unless the root element came first (then a later "<?xml" is content)
        start = text.find("<?xml", 0, 65536)
        if start > 0 and not _ROOT_START.search(text, 0, start):
            text = text[start:]
    return _XML_DECLARATION.sub("", text, count=1)


def _parse_tree(text: str, url: str, wrong_kind: str) -> tuple[etree._Element, str | None]:
    """The document's root and, when libxml2 had to recover from broken markup, its first error."""
    if _HTML_START.match(text[:4096]):
        raise DiscoveryError(wrong_kind, "an HTML page, not XML")
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
    return root, (f"line {errors[0].line}: {errors[0].message}" if errors else None)


def _local(node: etree._Element) -> str:
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag.rsplit(":", 1)[-1]


def _children(node: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in node:
        if _local(child) in names:
            yield child


def _first(node: etree._Element, *names: str) -> etree._Element | None:
    # the order of names is the order of preference
    found = {}
    for child in node:
        name = _local(child)
        if name in names and name not in found:
            found[name] = child
    for name in names:
        if name in found:
            return found[name]
    return None


def _text(node: etree._Element | None) -> str:
    """All text under an element, CDATA included; comments and unresolved entities left out."""
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
        if isinstance(child.tag, str):
            parts.append(child.text or "")
            stack.append((iter(child), child.tail or ""))
        else:
            parts.append(child.tail or "")
    return "".join(parts)


class _TextCollector(HTMLParser):
    """Visible text of an HTML fragment, with block elements turned into spaces."""

    SKIP = frozenset({"script", "style", "noscript", "template", "head"})
    BLOCK = frozenset({
        "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
        "table", "blockquote", "section", "article", "figure", "figcaption", "hr", "img", "dd", "dt",
    })

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


_LOOKS_HTML = re.compile(r"<[A-Za-z!/]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _plain(text: str, limit: int | None = None) -> str | None:
    """Markup stripped, entities decoded, whitespace collapsed, cut to limit; None when nothing is left."""
    if _LOOKS_HTML.search(text):
        collector = _TextCollector()
        collector.feed(text[:MAX_DESCRIPTION_HTML_CHARS])
        collector.close()
        text = "".join(collector.parts)
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip()
    return text or None


def _content_text(node: etree._Element | None) -> str:
    """The text of an Atom/RSS text construct, decoding Atom 0.3 base64 content."""
    if node is None:
        return ""
    text = _text(node)
    if node.get("mode") == "base64":
        try:
            return base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    return text


def _first_text(node: etree._Element, *names: str) -> str:
    """Content text of the first of the named children (in order of preference) that has any."""
    for name in names:
        for child in _children(node, name):
            text = _content_text(child)
            if text.strip():
                return text
    return ""


def _absolute(raw: str | None, base: str) -> str | None:
    """An absolute http(s) URL without fragment, or None for anything else (mailto:, javascript:, junk)."""
    if not raw:
        return None
    raw = raw.strip().replace(" ", "%20")
    if not raw:
        return None
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


def _date_of(node: etree._Element, *names: str) -> datetime | None:
    for name in names:
        for child in _children(node, name):
            moment = parse_date(_text(child))
            if moment is not None:
                return moment
    return None


def _make_link(
    url: str, outlet_id: str, via: LinkVia, found_in: str, title: str | None,
    published_at: datetime | None, modified_at: datetime | None, description: str | None,
) -> Link:
    return Link(
        url=url, outlet_id=outlet_id, via=via, found_in=found_in,
        title=_plain(title, MAX_TITLE_CHARS) if title else None,
        published_at=published_at, modified_at=modified_at,
        description=_plain(description, MAX_DESCRIPTION_CHARS) if description else None,
    )


def _rss_item_url(item: etree._Element, feed_url: str) -> str | None:
    # feedburner's origLink is the article; <link> is a feedburner redirect
    for orig in _children(item, "origLink"):
        url = _absolute(_text(orig), _base(orig, feed_url))
        if url:
            return url
    alternates: list[str] = []
    for link in _children(item, "link"):
        text = _text(link).strip()
        if text:
            url = _absolute(text, _base(link, feed_url))
            if url:
                return url
        elif link.get("href") and link.get("rel", "alternate") == "alternate":
            url = _absolute(link.get("href"), _base(link, feed_url))
            if url:
                alternates.append(url)
    if alternates:
        return alternates[0]
    for guid in _children(item, "guid"):
        # a guid is a link only when it says so (the default) and looks like one; most are opaque ids
        permalink = guid.get("isPermaLink", "true").strip().lower() != "false"
        if permalink and _text(guid).strip().lower().startswith(("http://", "https://")):
            url = _absolute(_text(guid), _base(guid, feed_url))
            if url:
                return url
    # rss 1.0 names each item by its URL
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return _absolute(about, _base(item, feed_url)) if about else None


def _rss_links(
    items: Iterable[etree._Element], feed_url: str, outlet_id: str, entries: _Entries
) -> list[Link]:
    links = []
    for item in items:
        if entries.full():
            continue
        url = _rss_item_url(item, feed_url)
        if url is None or not entries.admit(url):
            continue
        links.append(_make_link(
            url, outlet_id, "feed", feed_url,
            title=_first_text(item, "title"),
            published_at=_date_of(item, "pubDate", "date", "published", "issued", "created"),
            modified_at=_date_of(item, "updated", "modified"),
            description=_first_text(item, "description", "summary", "encoded"),
        ))
    return links


def _atom_entry_url(entry: etree._Element, feed_url: str) -> str | None:
    ranked: list[tuple[int, str]] = []
    for link in _children(entry, "link"):
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
    entry_id = _text(_first(entry, "id")).strip()
    if entry_id.lower().startswith(("http://", "https://")):
        return _absolute(entry_id, feed_url)
    return None


def _atom_links(
    items: Iterable[etree._Element], feed_url: str, outlet_id: str, entries: _Entries
) -> list[Link]:
    links = []
    for entry in items:
        if entries.full():
            continue
        url = _atom_entry_url(entry, feed_url)
        if url is None or not entries.admit(url):
            continue
        links.append(_make_link(
            url, outlet_id, "feed", feed_url,
            title=_first_text(entry, "title"),
            published_at=_date_of(entry, "published", "issued", "created", "date"),
            modified_at=_date_of(entry, "updated", "modified"),
            description=_first_text(entry, "summary", "content", "description"),
        ))
    return links


def _feed_links(
    root: etree._Element, feed_url: str, outlet_id: str, entries: _Entries
) -> list[Link] | None:
    """Links of a feed tree, or None when the root is not a feed."""
    name = _local(root)
    if name == "feed":
        return _atom_links(_children(root, "entry"), feed_url, outlet_id, entries)
    if name in ("rss", "RDF", "channel"):
        # rss 2.0 nests items in the channel; rss 0.90/1.0 puts them beside it; broken feeds do either
        containers = [root, *_children(root, "channel")]
        items = (item for container in containers for item in _children(container, "item"))
        return _rss_links(items, feed_url, outlet_id, entries)
    return None


def parse_feed_document(body: bytes, feed_url: str, outlet_id: str) -> SitemapParse:
    """parse_feed with what was left out (entries past the cap, invalid URLs) counted beside the links."""
    root, broken = _parse_tree(_document_text(body), feed_url, "not_a_feed")
    entries = _Entries()
    links = _feed_links(root, feed_url, outlet_id, entries)
    if links is None:
        raise DiscoveryError("not_a_feed", f"root element <{_local(root)}> is not RSS or Atom")
    if broken and not links:
        # recovery keeps what parses; a broken feed that yields nothing is an outlet problem worth a row
        raise DiscoveryError("malformed", f"not well-formed XML and no items recovered ({broken})")
    return entries.result(links)


def parse_feed(body: bytes, feed_url: str, outlet_id: str) -> list[Link]:
    """Links in an RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 document; raises DiscoveryError when it is not a feed."""
    return parse_feed_document(body, feed_url, outlet_id).links


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


def parse_sitemap(body: bytes, sitemap_url: str, outlet_id: str) -> SitemapParse:
    """Links and child sitemaps of a urlset, sitemapindex, news, text or feed sitemap, gzipped or not."""
    text = _document_text(body)
    if text.startswith(("http://", "https://")):
        return _text_sitemap(text, sitemap_url, outlet_id)
    root, broken = _parse_tree(text, sitemap_url, "not_a_sitemap")
    name = _local(root)
    entries = _Entries()
    if name == "sitemapindex":
        children = []
        for entry in _children(root, "sitemap"):
            if entries.full():
                continue
            loc = _first(entry, "loc")
            url = _absolute(_text(loc), _base(loc, sitemap_url)) if loc is not None else None
            if url and entries.admit(url):
                children.append((url, parse_date(_text(_first(entry, "lastmod")))))
        return entries.result([], children)
    if name == "urlset":
        links = []
        for entry in _children(root, "url"):
            if entries.full():
                continue
            loc = _first(entry, "loc")
            url = _absolute(_text(loc), _base(loc, sitemap_url)) if loc is not None else None
            if url is None or not entries.admit(url):
                continue
            # image:, video: and friends are ignored; only news:news says something about the article
            news = _first(entry, "news")
            links.append(_make_link(
                url, outlet_id, "news_sitemap" if news is not None else "sitemap", sitemap_url,
                title=_text(_first(news, "title")) if news is not None else None,
                published_at=_date_of(news, "publication_date") if news is not None else None,
                modified_at=parse_date(_text(_first(entry, "lastmod"))),
                description=None,
            ))
        if broken and not links:
            raise DiscoveryError("malformed", f"not well-formed XML and no URLs recovered ({broken})")
        return entries.result(links)
    # sitemaps.org accepts RSS and Atom feeds as sitemaps
    feed = _feed_links(root, sitemap_url, outlet_id, entries)
    if feed is not None:
        return entries.result(feed)
    raise DiscoveryError("not_a_sitemap", f"root element <{name}> is not a sitemap")


def _merge(first: Link, later: Link) -> Link:
    """One link from two sightings: first sighting's provenance, the fuller fields of both."""
    published = [moment for moment in (first.published_at, later.published_at) if moment is not None]
    modified = [moment for moment in (first.modified_at, later.modified_at) if moment is not None]
    descriptions = [text for text in (first.description, later.description) if text]
    return first.model_copy(update={
        "title": first.title or later.title,
        # a re-listing repeats an item with a later date; the first publication is the earliest one
        "published_at": min(published) if published else None,
        "modified_at": max(modified) if modified else None,
        "description": max(descriptions, key=len) if descriptions else None,
    })


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
        url=url, outlet_id=outlet_id, stage="discover", kind=kind, error=message[:MAX_ERROR_CHARS],
        http_status=status if isinstance(status, int) else None,
        transient=bool(getattr(exc, "transient", False)), at=datetime.now(UTC),
    )


class _HttpStatusError(Exception):
    """A non-2xx answer from a getter that returns responses instead of raising."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.kind = "http_error"
        self.http_status = status
        self.transient = status == 429 or status >= 500


@dataclass
class _Loaded:
    url: str
    final_url: str
    parsed: SitemapParse | None = None
    failure: Failure | None = None
    # a document that yielded links but left some out (past the cap, invalid URLs) says so in a row too
    notice: Failure | None = None


# one semaphore per event loop: discovery of every outlet of a run shares it
_parse_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = (
    weakref.WeakKeyDictionary()
)


async def _parse_off_loop(
    parse: Callable[[bytes, str, str], SitemapParse], body: bytes, url: str, outlet_id: str, timeout_s: float
) -> SitemapParse:
    """parse(body, url, outlet_id) in a thread of its own, so the event loop goes on fetching; a parse that
    takes longer than timeout_s is a `too_slow` DiscoveryError.

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
                result = parse(body, url, outlet_id)
            except Exception as exc:  # noqa: BLE001 - handed to the awaiting coroutine, which records it
                error = exc
            # a loop that has closed meanwhile (the run gave up on this document) has nobody to tell
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, result, error)

        threading.Thread(target=run, name="copydesk-parse", daemon=True).start()
        try:
            return await asyncio.wait_for(done, timeout_s)
        except TimeoutError:
            raise DiscoveryError("too_slow", f"parsing took longer than {timeout_s:g}s") from None


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
        url=url, outlet_id=outlet_id, stage="discover", kind="truncated" if parsed.over_cap else "bad_links",
        error="; ".join(said)[:MAX_ERROR_CHARS], at=datetime.now(UTC),
    )


async def _load(
    getter: DocumentGetter, url: str, accept: str, outlet_id: str,
    parse: Callable[[bytes, str, str], SitemapParse], limit: asyncio.Semaphore, parse_timeout_s: float,
) -> _Loaded:
    async with limit:
        try:
            response = await getter.get(url, accept=accept)
            final_url = response.final_url or url
            if response.status == 304:
                return _Loaded(url, final_url)
            if not 200 <= response.status < 300:
                raise _HttpStatusError(response.status)
            parsed = await _parse_off_loop(parse, response.body, final_url, outlet_id, parse_timeout_s)
            return _Loaded(url, final_url, parsed, notice=_notice(url, outlet_id, parsed))
        # one broken document must not stop the outlet: whatever went wrong becomes a failure row
        # (CancelledError is a BaseException and still propagates)
        except Exception as exc:
            log.debug("discovery of %s failed: %r", url, exc)
            return _Loaded(url, url, failure=_failure(url, outlet_id, exc))


def _visit_key(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _newest_first(children: list[tuple[str, datetime | None]]) -> list[tuple[str, datetime | None]]:
    # under a sitemap cap the newest children are the ones worth fetching
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(children, key=lambda child: _aware(child[1]) or floor, reverse=True)


async def _walk_sitemaps(
    outlet: Outlet, window: RunWindow | None, max_sitemaps: int,
    run: Callable[[str, str, Callable[[bytes, str, str], SitemapParse]], Awaitable[_Loaded]],
) -> tuple[list[Link], list[Failure]]:
    links: list[Link] = []
    failures: list[Failure] = []
    visited: set[str] = set()
    skipped: list[str] = []
    fetched = 0
    level = list(outlet.sitemaps)
    # breadth first, one level at a time: a self-listing index or a loop between indexes ends in `visited`
    while level:
        batch = []
        for url in level:
            key = _visit_key(url)
            if key in visited:
                continue
            visited.add(key)
            if fetched >= max_sitemaps:
                skipped.append(url)
                continue
            fetched += 1
            batch.append(url)
        loaded = await asyncio.gather(*(run(url, SITEMAP_ACCEPT, parse_sitemap) for url in batch))
        level = []
        for result in loaded:
            if result.failure is not None:
                failures.append(result.failure)
                continue
            visited.add(_visit_key(result.final_url))
            if result.notice is not None:
                failures.append(result.notice)
            if result.parsed is None:
                continue
            links.extend(result.parsed.links)
            for child_url, lastmod in _newest_first(result.parsed.children):
                if window is not None and not child_sitemap_in_window(child_url, lastmod, window):
                    log.debug("pruned sitemap %s (lastmod %s) outside %s", child_url, lastmod, window)
                    continue
                level.append(child_url)
    if skipped:
        failures.append(Failure(
            url=skipped[0], outlet_id=outlet.id, stage="discover", kind="sitemap_cap",
            error=f"sitemap cap of {max_sitemaps} reached; {len(skipped)} listed sitemaps not fetched",
            at=datetime.now(UTC),
        ))
    return links, failures


async def discover_outlet(
    outlet: Outlet,
    getter: DocumentGetter,
    window: RunWindow | None = None,
    max_sitemaps: int = 500,
    parse_timeout_s: float = 60.0,
) -> tuple[list[Link], list[Failure]]:
    """All article links an outlet's feeds and sitemaps list (deduplicated, windowed) and what failed."""
    limit = asyncio.Semaphore(DISCOVERY_CONCURRENCY)

    def run(url: str, accept: str, parse: Callable[[bytes, str, str], SitemapParse]) -> Awaitable[_Loaded]:
        return _load(getter, url, accept, outlet.id, parse, limit, parse_timeout_s)

    found: list[Link] = []
    failures: list[Failure] = []
    # feeds first: their titles and descriptions are the richer first sighting when merging
    feeds = await asyncio.gather(
        *(run(url, FEED_ACCEPT, parse_feed_document) for url in dict.fromkeys(outlet.feeds))
    )
    for result in feeds:
        if result.failure is not None:
            failures.append(result.failure)
            continue
        if result.notice is not None:
            failures.append(result.notice)
        if result.parsed is not None:
            found.extend(result.parsed.links)
    sitemap_links, sitemap_failures = await _walk_sitemaps(outlet, window, max_sitemaps, run)
    found.extend(sitemap_links)
    failures.extend(sitemap_failures)
    links = merge_links(found)
    if window is not None:
        links = [link for link in links if link_in_window(link, window)]
    return links, failures
