"""Dates: published_at and modified_at from every piece of evidence on and around the page.

Every piece of evidence becomes a Candidate (source, value, precision, role). Values are read by the one
date parser, copydesk.tasks.dates (ISO 8601, RFC 2822, US and JavaScript forms, zone names), with Unix times
and dateutil's free text allowed; a naive time is read in `outlet_timezone` when given, else UTC; a date
without a time becomes 12:00 in that zone (noon keeps the calendar day for any reader between UTC-11 and
UTC+11).
Candidates before 1995-01-01 or after now + 1 day are rejected and not listed. published_at is the
candidate of the best source in this order:

    jsonld > meta > feed = news_sitemap > time > credit = dateline > url > sitemap = warc > htmldate

(jsonld: NewsArticle/Article/BlogPosting/... datePublished, found in @graph and lists too; meta:
article:published_time, pubdate, date, dc.date, sailthru.date, parsely-pub-date...; feed/news_sitemap/
sitemap/warc: the Link's published_at by Link.via; time: <time datetime> in the article; credit: a
"NHK18-06-2025"/"18-06-2025" DD-MM-YYYY credit line; dateline: the time printed beside the headline, looked
for only when every other source gives a date without a time (`dateline_candidate`); url: /2025/06/18/-style
paths; htmldate: trafilatura's date guess, the last resort, made and listed only when no other source gave a
valid published date, since it reads the same JSON-LD, meta tags, <time> and URL). When that candidate lacks a
time or a zone, a more precise candidate (time with zone > naive time > date only) of any other source within
36 hours of it refines it, and published_at_source names the candidate used. modified_at takes the same order
over role "modified" (jsonld, meta, feed, time, http Last-Modified, sitemap lastmod) and is dropped when
earlier than published_at.

Without an outlet zone, a naive time is read in the page's own zone: the UTC offset the page's zoned dates
carry (JSON-LD, meta tags, <time>: "2026-05-13 15:44" beside an og:updated_time "...15:44:29+02:00" is
13:44Z), else the zone of the page's language and region where it has one (de, ja, ko, "en-GB"...; none for
languages and countries spanning several zones: en, es, pt, ar, ru, "en-US"), else UTC.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from copydesk.tasks.clean import CREDIT_HEAD_LINES, CREDIT_TAIL_LINES, match_credit_date
from copydesk.tasks.dates import DATE_ONLY, EXACT, NAIVE, zone_named, zone_of
from copydesk.tasks.dates import parse_date as parse_printed_date
from copydesk.tasks.extract.meta import PageMeta
from copydesk.tasks.extract.tree import attr_words, text_of, with_itemprop
from copydesk.tasks.models import Link

PRIORITY = {
    "jsonld": 0,
    "meta": 1,
    "feed": 2,
    "news_sitemap": 2,
    "time": 3,
    "credit": 4,
    "dateline": 4,
    "url": 5,
    "http": 5,
    "sitemap": 6,
    "warc": 6,
    "htmldate": 7,
}
MIN_DATE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
REFINE_WINDOW = timedelta(hours=36)
DATE_ONLY_HOUR = 12

META_PUBLISHED = (
    "article:published_time", "article:published:time", "og:article:published_time", "article:published",
    "datepublished",
    "og:published_time", "published_time", "publish-date", "publish_date", "publishdate", "pubdate",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "dc.date.created", "date", "article.published", "cxenseparse:recs:publishtime",
    "originalpublicationdate",
)  # fmt: skip
META_MODIFIED = (
    "article:modified_time", "article:modified:time", "og:article:modified_time", "datemodified",
    "og:updated_time", "modified_time",
    "article:modified", "dcterms.modified", "dc.date.modified", "lastmod", "last-modified", "article.updated",
)  # fmt: skip
URL_DATE_RE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
    r"|/(?P<y2>20\d{2})(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
ARTICLE_TIME_XPATH = etree.XPath("//article//time[@datetime]")
TIME_XPATH = etree.XPath("//time[@datetime]")


# the zone of a language (or a language's region) whose news is written in one UTC offset; languages and
# countries spanning several (en, es, pt, ar, ru, fa, id, "US", "CA", "AU", "BR", "MX", "RU") have none
LANGUAGE_ZONES = {
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam",
    "da": "Europe/Copenhagen", "sv": "Europe/Stockholm", "nb": "Europe/Oslo", "nn": "Europe/Oslo",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "pl": "Europe/Warsaw", "cs": "Europe/Prague",
    "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "bg": "Europe/Sofia",
    "el": "Europe/Athens", "tr": "Europe/Istanbul", "uk": "Europe/Kyiv", "hr": "Europe/Zagreb",
    "sl": "Europe/Ljubljana", "sr": "Europe/Belgrade", "lt": "Europe/Vilnius", "lv": "Europe/Riga",
    "et": "Europe/Tallinn", "is": "Atlantic/Reykjavik", "he": "Asia/Jerusalem", "ja": "Asia/Tokyo",
    "ko": "Asia/Seoul", "zh": "Asia/Shanghai", "th": "Asia/Bangkok", "vi": "Asia/Ho_Chi_Minh",
    "hi": "Asia/Kolkata", "ms": "Asia/Kuala_Lumpur",
}  # fmt: skip
REGION_ZONES = {
    "gb": "Europe/London", "uk": "Europe/London", "ie": "Europe/Dublin", "de": "Europe/Berlin",
    "at": "Europe/Vienna", "ch": "Europe/Zurich", "fr": "Europe/Paris", "be": "Europe/Brussels",
    "nl": "Europe/Amsterdam", "lu": "Europe/Luxembourg", "it": "Europe/Rome", "es": "Europe/Madrid",
    "pt": "Europe/Lisbon", "in": "Asia/Kolkata", "pk": "Asia/Karachi", "za": "Africa/Johannesburg",
    "ng": "Africa/Lagos", "ke": "Africa/Nairobi", "gh": "Africa/Accra", "eg": "Africa/Cairo",
    "nz": "Pacific/Auckland", "sg": "Asia/Singapore", "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei",
    "ph": "Asia/Manila", "my": "Asia/Kuala_Lumpur", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "il": "Asia/Jerusalem", "tr": "Europe/Istanbul", "ar": "America/Argentina/Buenos_Aires",
    "co": "America/Bogota", "pe": "America/Lima", "cl": "America/Santiago", "ve": "America/Caracas",
    "ae": "Asia/Dubai", "sa": "Asia/Riyadh", "qa": "Asia/Qatar",
}  # fmt: skip
PAGE_ZONE_SOURCES = frozenset({"jsonld", "meta", "time"})


def fixed_offset(value: datetime) -> datetime:
    """The same instant with a plain fixed-offset tzinfo (no dateutil or zoneinfo objects downstream)."""
    offset = value.utcoffset()
    return value if offset is None else value.replace(tzinfo=timezone(offset))


def language_zone(tag: str | None) -> tzinfo | None:
    """The zone a language tag ("de", "en-GB", "pt_BR") places the page in, when it names one."""
    if not tag:
        return None
    parts = re.split(r"[-_]", tag.strip().lower())
    region = parts[1] if len(parts) > 1 and len(parts[1]) == 2 else None
    name = REGION_ZONES.get(region) if region else None
    if name is None and (region is None or region not in ("us", "ca", "au", "br", "mx", "ru", "id", "cn")):
        name = LANGUAGE_ZONES.get(parts[0])
    return zone_named(name) if name else None


def page_zone(candidates: list["Candidate"], language_tags: list[str | None]) -> tzinfo | None:
    """The zone the page's naive times are in: its zoned dates' offset, else its language's zone."""
    offsets = [
        c.value.utcoffset()
        for c in sorted(candidates, key=lambda c: (c.role != "published", c.priority))
        if c.precision == EXACT and c.source in PAGE_ZONE_SOURCES
    ]
    offset = next((o for o in offsets if o is not None), None)
    if offset is not None:
        return timezone(offset)
    return next((z for z in map(language_zone, language_tags) if z is not None), None)


@dataclass(frozen=True)
class Candidate:
    """A date with its source, precision (EXACT, NAIVE, DATE_ONLY) and role; becomes a DateCandidate."""

    source: str
    value: datetime
    precision: int
    role: str

    @property
    def priority(self) -> int:
        """Rank of the source in PRIORITY; lower wins."""
        return PRIORITY.get(self.source, 9)


def parse_date(raw: str, zone: tzinfo = UTC) -> tuple[datetime, int] | None:
    """A date string as an aware datetime and its precision (EXACT, NAIVE or DATE_ONLY), read by the one date
    parser (copydesk.tasks.dates) with what pages add: Unix times, any text dateutil reads as a day, a day
    alone at DATE_ONLY_HOUR; a month or a year alone is no publication date."""
    parsed = parse_printed_date(str(raw), zone, date_only_hour=DATE_ONLY_HOUR, epoch=True, lenient=True)
    if parsed is None or parsed.precision > DATE_ONLY:
        return None
    return parsed.value, parsed.precision


def _url_date(url: str, zone: tzinfo) -> datetime | None:
    match = URL_DATE_RE.search(urlsplit(url).path)
    if not match:
        return None
    y, m, d = (match["y"], match["m"], match["d"]) if match["y"] else (match["y2"], match["m2"], match["d2"])
    try:
        return datetime(int(y), int(m), int(d), DATE_ONLY_HOUR, tzinfo=zone)
    except ValueError:
        return None


def _credit_date(line: str, zone: tzinfo) -> datetime | None:
    match = match_credit_date(line.strip())
    if not match:
        return None
    try:
        return datetime(int(match["y"]), int(match["m"]), int(match["d"]), DATE_ONLY_HOUR, tzinfo=zone)
    except ValueError:
        return None


def _time_elements(tree: HtmlElement) -> Iterator[tuple[str, str]]:
    """(role, datetime attribute) of the article's <time> elements, explicit itemprops first."""
    seen_published = False
    dated = (
        e
        for e in with_itemprop(tree, "datePublished", "dateModified")
        if e.get("datetime") is not None or e.get("content") is not None
    )
    for element in dated:
        role = "modified" if element.get("itemprop") == "dateModified" else "published"
        seen_published |= role == "published"
        yield role, element.get("datetime") or element.get("content") or ""
    if seen_published:
        return
    times = ARTICLE_TIME_XPATH(tree) or TIME_XPATH(tree)
    for element in times[:3]:
        parent = element.getparent()
        words = " ".join(attr_words(element) + (attr_words(parent) if parent is not None else []))
        role = "modified" if re.search(r"updat|modif|edit", words) else "published"
        yield role, element.get("datetime") or ""
        if role == "published":
            return


def resolve_dates(candidates: list[Candidate]) -> tuple[Candidate | None, Candidate | None]:
    """Pick (published, modified) from valid candidates by source priority, refined by precision."""
    published = _pick([c for c in candidates if c.role == "published"])
    modified = _pick([c for c in candidates if c.role == "modified"])
    if published and modified and modified.value < published.value - timedelta(minutes=1):
        modified = None
    return published, modified


def _pick(candidates: list[Candidate]) -> Candidate | None:
    if not candidates:
        return None
    best = min(candidates, key=lambda c: c.priority)
    if best.precision != EXACT:
        finer = [
            c
            for c in candidates
            if c.precision < best.precision and abs(c.value - best.value) <= REFINE_WINDOW
        ]
        if finer:
            best = min(finer, key=lambda c: (c.precision, c.priority))
    return best


def in_zone(candidates: list[Candidate], zone: tzinfo) -> list[Candidate]:
    """The candidates as collect_dates would make them in `zone`: naive and date-only values re-read there."""
    return [c if c.precision == EXACT else replace(c, value=c.value.replace(tzinfo=zone)) for c in candidates]


def collect_dates(
    page: PageMeta,
    pruned: HtmlElement,
    raw_text: str,
    credit_line: str | None,
    urls: list[str],
    link: Link | None,
    http_last_modified: datetime | None,
    zone: tzinfo,
) -> list[Candidate]:
    """Every date candidate of the page and its link, before the validity filter."""
    found: list[Candidate] = []

    def add(source: str, raw: Any, role: str = "published") -> None:
        if isinstance(raw, list):
            raw = next((r for r in raw if r), None)
        if isinstance(raw, dict):
            raw = raw.get("@value")
        if raw is None:
            return
        if isinstance(raw, datetime):
            value = raw if raw.tzinfo else raw.replace(tzinfo=zone)
            parsed: tuple[datetime, int] | None = (value, EXACT if raw.tzinfo else NAIVE)
        else:
            parsed = parse_date(str(raw), zone)
        if parsed:
            found.append(Candidate(source, parsed[0], parsed[1], role))

    for obj in (page.article_ld, page.page_ld if page.article_ld is None else None):
        if obj:
            add("jsonld", obj.get("datePublished") or obj.get("dateCreated"))
            add("jsonld", obj.get("dateModified"), "modified")
    for key in META_PUBLISHED:
        if key in page.meta:
            add("meta", page.first(key))
            break
    for key in META_MODIFIED:
        if key in page.meta:
            add("meta", page.first(key), "modified")
            break
    if link is not None:
        if link.published_at:
            add(link.via, link.published_at)
        if link.modified_at:
            add(link.via, link.modified_at, "modified")
    for role, raw in _time_elements(pruned):
        add("time", raw, role)
    lines = [line.strip() for line in raw_text.split("\n") if line.strip()]
    for line in lines[:CREDIT_HEAD_LINES] + lines[-CREDIT_TAIL_LINES:]:
        value = _credit_date(line, zone)
        if value:
            found.append(Candidate("credit", value, DATE_ONLY, "published"))
            break
    else:
        value = _credit_date(credit_line, zone) if credit_line else None
        if value:
            found.append(Candidate("credit", value, DATE_ONLY, "published"))
    for url in urls:
        value = _url_date(url, zone)
        if value:
            found.append(Candidate("url", value, DATE_ONLY, "published"))
            break
    if http_last_modified is not None:
        add("http", http_last_modified, "modified")
    return found


def htmldate_candidate(value: str | None, zone: tzinfo) -> Candidate | None:
    """trafilatura's (htmldate's) date guess as a candidate, the last resort."""
    parsed = parse_date(value, zone) if value else None
    return Candidate("htmldate", parsed[0], parsed[1], "published") if parsed else None


def is_plausible(candidate: Candidate, now: datetime) -> bool:
    """Not before MIN_DATE and not after now + FUTURE_SLACK."""
    return MIN_DATE <= candidate.value <= now + FUTURE_SLACK


# class/id words of the element a template prints its dateline in ("meta_date", "article-time", "datum")
DATELINE_WORDS = frozenset(
    {"date", "time", "dateline", "datum", "published", "publish", "pubdate", "timestamp", "posted", "zeit"}
)
DATELINE_MAX_CHARS = 100
# elements looked at around the headline: the dateline sits beside it, not far down the page
DATELINE_SCAN_LIMIT = 400
# a printed time: 15:25, 3:25 pm, 15.25 Uhr, 15h25, 15時25分
DATELINE_TIME_RE = re.compile(
    r"(?<!\d)(?P<H>[01]?\d|2[0-3])(?:(?::|h)(?P<M>[0-5]\d)(?!\d)(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
    r"|\.(?P<M2>[0-5]\d)\s*Uhr|時(?P<M3>[0-5]?\d)分)",
    re.IGNORECASE,
)
DIGITS_RE = re.compile(r"\d+")
# a zone printed after the time: "11:11 PM EST", "15:25 CET", "10:05 GMT+1", "10:05 +01:00"
DATELINE_ZONE_RE = re.compile(
    r"\s*\(?([A-Za-z]{1,5}(?:\s?[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})(?![\w:])"
)


def _prints_day(text: str, day: datetime) -> bool:
    """Whether a dateline's text prints `day`: its day of the month and its year or month number."""
    numbers = {int(n) for n in DIGITS_RE.findall(text)}
    return day.day in numbers and bool(({day.year, day.year % 100, day.month} - {day.day}) & numbers)


def _printed_time(text: str, day: datetime) -> tuple[int, int, tzinfo | None] | None:
    """(hour, minute, zone or None) of a dateline that prints `day` and a time; the first time when it prints
    several (published before updated)."""
    match = DATELINE_TIME_RE.search(text)
    if match is None or not _prints_day(f"{text[: match.start()]} {text[match.end() :]}", day):
        return None
    hour = int(match["H"])
    if match["ampm"]:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
    zone_name = DATELINE_ZONE_RE.match(text, match.end())
    zone = zone_of(zone_name[1]) if zone_name else None
    if zone is None and zone_name and zone_name[1].isupper() and len(zone_name[1]) > 1:
        return None  # a zone nobody can place ("11:28 AMT"): the time is not the page zone's
    return hour, int(match["M"] or match["M2"] or match["M3"]), zone


def _dateline_texts(headline: HtmlElement) -> Iterator[str]:
    """Short texts of the elements named as a date (DATELINE_WORDS, or a <time>) in the headline's parent,
    then its grandparent, in document order."""
    for scope in list(headline.iterancestors())[:2]:
        for seen, node in enumerate(scope.iter()):
            if seen > DATELINE_SCAN_LIMIT:
                break
            if not isinstance(node.tag, str):
                continue
            if node.tag != "time" and not DATELINE_WORDS.intersection(attr_words(node)):
                continue
            text = " ".join(text_of(node).split())
            if text and len(text) <= DATELINE_MAX_CHARS:
                yield text


def dateline_candidate(headline: list[HtmlElement], day: Candidate) -> Candidate | None:
    """The time the page prints beside its headline for a day known only as a date ("erstellt: 01. April
    2025, 15:25" under the <h1>, where the markup dates the page by its URL): a naive candidate, or an exact
    one where the zone is printed after the time ("Published 11:11 PM EST Nov 19, 2019").

    The first element near the headline named as a date that prints the same day decides: without a time
    there, a later one (a teaser's, another story's) is not taken.
    """
    element = next((h for h in headline if h.get("itemprop") != "articleBody"), None)
    if element is None or day.precision != DATE_ONLY:
        return None
    for text in _dateline_texts(element):
        if not _prints_day(text, day.value):
            continue
        printed = _printed_time(text, day.value)
        if printed is None:
            return None
        hour, minute, zone = printed
        value = day.value.replace(hour=hour, minute=minute, tzinfo=zone or day.value.tzinfo)
        precision = NAIVE if zone is None else EXACT
        return Candidate("dateline", fixed_offset(value), precision, "published")
    return None
