"""Turn one fetched HTML page into an Article (pure: never fetches).

Text: page furniture is pruned from the HTML tree first (elements whose class/id names related stories,
recommendations, newsletters, share/social bars, promos, comments, Outbrain/Taboola, app downloads, and
<aside>), never an ancestor of the headline or of itemprop=articleBody nor an element holding over 70% of
the page's words (50% for the weak markers share, social, promo, ads, aside); blocks led by a "Related
Articles"/"Comments"/"Download the App" heading after the headline go too. trafilatura then extracts in
precision mode without comments and without its deduplication (a document-level test that emptied a real
article), in its fast mode unless its readability/jusText comparison could change the text; when that text
is under 500 characters and under half of balanced mode's, the balanced text is used (precision mode
sometimes drops a whole body). `tasks.clean.clean_text` then cuts trailing sections,
inline link boxes and furniture lines, leading lines that repeat the headline go, and whole credit lines
("NHK18-06-2025", "（NHKニュースより）") are stripped after being recorded as `source_credit`. Figures:
bench/results/extraction.md.

URLs: `canonical_url` strips tracking parameters, lower-cases scheme and host, drops default ports, fragments
and a trailing "?", sorts the query and maps AMP variants to the plain page. Article.url is the page's own
<link rel=canonical> (else og:url) when it is on the fetched URL's registrable domain (a canonical pointing
at a site root is ignored); a canonical on another domain, else JSON-LD isBasedOn, else sourceOrganization's
url on another domain, becomes `based_on_url`, the mark of a copy, and Article.url stays the fetched URL.

Dates: every piece of evidence becomes a DateCandidate (source, value, role). Values parse as ISO 8601,
RFC 2822 or free text; a naive time is read in `outlet_timezone` when given, else UTC; a date without a time
becomes 12:00 in that zone (noon keeps the calendar day for any reader between UTC-11 and UTC+11).
Candidates before 1995-01-01 or after now + 1 day are rejected and not listed. published_at is the
candidate of the best source in this order:

    jsonld > meta > feed = news_sitemap > time > credit > url > sitemap = warc > htmldate

(jsonld: NewsArticle/Article/BlogPosting/... datePublished, found in @graph and lists too; meta:
article:published_time, pubdate, date, dc.date, sailthru.date, parsely-pub-date...; feed/news_sitemap/
sitemap/warc: the Link's published_at by Link.via; time: <time datetime> in the article; credit: a
"NHK18-06-2025"/"18-06-2025" DD-MM-YYYY credit line; url: /2025/06/18/-style paths; htmldate: trafilatura's
date guess, the last resort, made and listed only when no other source gave a valid published date, since it
reads the same JSON-LD, meta tags, <time> and URL). When that candidate lacks a time or a zone, a more precise
candidate (time with zone > naive time > date only) of any other source within 36 hours of it refines it, and
published_at_source names the candidate used. modified_at takes the same order over role "modified"
(jsonld, meta, feed, time, http Last-Modified, sitemap lastmod) and is dropped when earlier than published_at.

Language: CLD2 (pycld2) on the text when it has at least 50 characters and CLD2 calls its guess reliable;
otherwise language_hint, then <html lang>, then the unreliable guess.

Authors: JSON-LD author persons, else meta author/article:author/parsely-author/byl, else trafilatura's,
else JSON-LD author organisations; "By A, B and C" is split, roles ("Staff Writer", "기자", "記者") and
URLs dropped, and names equal to the site, publisher or outlet id left out.

source_credit: a credit line in the text's first five or last three lines ("NHK18-06-2025",
"(NHKニュースより)", "Source: Reuters", "Originally published by X", a "WASHINGTON (Reuters) -"
dateline, a "— AP" sign-off), else a "NHK18-06-2025" credit anywhere in the page (source and date often
in sibling spans), else JSON-LD isBasedOn/sourceOrganization names other than the site's own.

access: "paywalled" when JSON-LD isAccessibleForFree (or a hasPart's) is false, article:content_tier is
locked, or the text ends in a subscribe-to-continue prompt; "teaser" when the text (or a link on the page)
says "Continue reading at ..." and the text has at most 300 words, or when it has under 60% of the words of
the feed's description; "free" when JSON-LD says so or the text has 150+ words with no paywall sign;
None otherwise.

word_count: \\w+ runs count one word each, except Han and kana, which have no spaces between words and count
one word per two characters (Korean separates words by spaces and is counted by runs).

Errors (ExtractionError.kind): "blocked" for bot challenge markup, or captcha/"Access denied"/"enable
JavaScript" wording on a page with almost no text and no article markup; "empty" when no text is left;
"not_article" for index and list pages (text made mostly of the page's link texts; short text on a
link-heavy page without article markup; one-line teasers under headline links on a page without article
markup), and for "page not found" pages served with status 200. Short briefs with article markup are kept.
"""

import hashlib
import json
import math
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from copy import copy, deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import cache, lru_cache, partial
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycld2
import trafilatura
from courlan import extract_domain
from dateutil import parser as dateutil_parser
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, document_fromstring
from trafilatura import metadata as tmeta
from trafilatura.external import SANITIZED_XPATH  # trafilatura is pinned (pyproject.toml)
from trafilatura.settings import Document, Extractor
from trafilatura.utils import load_html

from copydesk.tasks.botwall import INTERSTITIAL_RE, has_challenge_marker
from copydesk.tasks.clean import (
    CREDIT_HEAD_LINES,
    CREDIT_TAIL_LINES,
    END_HEADING_RE,
    READ_ELSEWHERE_RE,
    clean_text,
    credit_of_line,
    detect_source_credit,
    drop_leading_title,
    has_cues,
    has_read_more,
    match_credit_date,
    normalise_for_matching,
    source_link_url,
    strip_credit_lines,
)
from copydesk.tasks.models import Article, DateCandidate, Link
from copydesk.tasks.urls import article_id_for, canonical_url

Access = Literal["free", "paywalled", "teaser"]

# lxml gives each element it hands to Python the class its parser's lookup names. lxml.html's lookup (form,
# input, label... classes by tag) is a Python method, called ~290 times a page: ~5 % of a worker's CPU. A
# lookup in C that makes every element an HtmlElement serves trafilatura and this module alike (neither uses
# the form classes); set on the parser trafilatura's load_html uses (trafilatura is pinned, pyproject.toml).
# Checked: identical Articles and signatures on 1,500 pages of the benchmark web.
trafilatura.utils.HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


class ExtractionError(Exception):
    """A page that yields no article; `kind` is a short machine-readable class stored in `failures`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


def registrable_domain(url: str) -> str | None:
    """The registrable domain (eTLD+1) of a URL, e.g. nhk.or.jp for www3.nhk.or.jp."""
    host = urlsplit(url).hostname
    return _registrable_domain_of_host(host) if host else None


@lru_cache(maxsize=4096)
def _registrable_domain_of_host(host: str) -> str:
    # a page asks for two or three URLs' domains, nearly always of a host seen before (a courlan parse each)
    return extract_domain(f"http://{host}/", fast=True) or host


def _same_site(a: str, b: str) -> bool:
    da, db = registrable_domain(a), registrable_domain(b)
    return da is not None and da == db


ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "SatiricalArticle",
        "BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "Report", "TechArticle", "ScholarlyArticle",
        "Review", "DiscussionForumPosting",
    }
)  # fmt: skip
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "AboutPage", "MediaObject", "VideoObject"})
INDEX_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "SiteNavigationElement"})


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def _walk_jsonld(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    # only @graph and mainEntity nest the page's own entities; walking every nested object would pick up
    # related articles from citation/relatedLink lists
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            _walk_jsonld(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity"):
            if key in data:
                _walk_jsonld(data[key], out, depth + 1)


CDATA_WRAPPER_RE = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
COMMENT_WRAPPER_RE = re.compile(r"^<!--|-->$")


def _load_json(raw: str) -> Any:
    raw = raw.strip()
    # the wrappers are rare, and each regex tries its "$" branch at every character of the script (an
    # articleBody makes it long): look for them first
    if "<![CDATA[" in raw or "]]>" in raw:
        raw = CDATA_WRAPPER_RE.sub("", raw).strip()
    if raw.startswith("<!--") or raw.endswith("-->"):
        raw = COMMENT_WRAPPER_RE.sub("", raw).strip()
    try:
        return json.loads(raw, strict=False)
    except json.JSONDecodeError:
        # trailing commas are the usual hand-written JSON-LD slip
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
        except json.JSONDecodeError:
            return None


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, flattened through lists, @graph and mainEntity."""
    out: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _load_json(script.text or "")
        if data is not None:
            _walk_jsonld(data, out)
    return out


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = _first_str(item)
            if found:
                return found
    if isinstance(value, dict):
        for key in ("@value", "name", "url", "@id"):
            found = _first_str(value.get(key))
            if found:
                return found
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _name_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return _first_str(value.get("name")) or _first_str(value.get("legalName"))
    if isinstance(value, list):
        for item in value:
            name = _name_of(item)
            if name:
                return name
        return None
    return _first_str(value)


def _url_of(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("url", "@id", "sameAs"):
            found = _first_str(value.get(key))
            if found and found.startswith("http"):
                return found
        return None
    if isinstance(value, list):
        for item in value:
            found = _url_of(item)
            if found:
                return found
        return None
    found = _first_str(value)
    return found if found and found.startswith("http") else None


@dataclass
class PageMeta:
    """What the page says about itself in its head and structured data."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    article_ld: dict[str, Any] | None = None
    page_ld: dict[str, Any] | None = None
    ld_types: set[str] = field(default_factory=set)
    canonical: str | None = None
    html_lang: str | None = None
    title_tag: str | None = None

    def first(self, *keys: str) -> str | None:
        """The first non-empty meta value among the keys, in key order."""
        for key in keys:
            for value in self.meta.get(key, []):
                if value.strip():
                    return value.strip()
        return None


def read_page_meta(tree: HtmlElement, url: str) -> PageMeta:
    """Collect meta tags, JSON-LD, canonical link and <html lang>."""
    page = PageMeta()
    for element in tree.iter("meta"):
        key = (
            element.get("property")
            or element.get("name")
            or element.get("itemprop")
            or element.get("http-equiv")
        )
        content = element.get("content")
        if key and content is not None:
            page.meta.setdefault(key.strip().lower(), []).append(content)
    for element in tree.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        if "canonical" in rel and element.get("href") and page.canonical is None:
            page.canonical = urljoin(url, element.get("href", "").strip())
    for obj in jsonld_objects(tree):
        types = _types(obj)
        page.ld_types |= types
        if types & ARTICLE_TYPES and page.article_ld is None:
            page.article_ld = obj
        elif types & PAGE_TYPES and page.page_ld is None:
            page.page_ld = obj
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    page.html_lang = _lang_code(lang)
    title = tree.find(".//title")
    if title is not None and title.text_content():
        page.title_tag = " ".join(title.text_content().split())
    return page


def _lang_code(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


# class/id words that name page furniture; "strong" ones never name an article body
STRONG_MARKERS = frozenset(
    {
        "related", "relatedarticles", "relatedstories", "recommended", "recommendation", "recommendations",
        "recommend", "outbrain", "taboola", "comments", "comment", "disqus", "appdownload", "trending",
        "mostread", "mostpopular", "morestories", "readmore", "newsletter", "newsletters", "signup",
        "breadcrumb", "breadcrumbs",
    }
)  # fmt: skip
WEAK_MARKERS = frozenset(
    {
        "share", "sharing", "sharebar", "sharetools", "social", "socials", "promo", "promos", "advert",
        "advertisement", "ad", "ads", "sidebar", "subscribe", "popular",
    }
)  # fmt: skip
MARKER_PAIRS = (
    ("app", "download"),
    ("download", "app"),
    ("most", "read"),
    ("most", "popular"),
    ("more", "stories"),
)
ALWAYS_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe")
PROTECTED_TAGS = frozenset({"html", "body", "main"})
# a marked element holding this share of the page's words is more likely the body with an odd class name
# ("story has-comments"); strong markers get more room because related blocks with full stories are long
WEAK_SHARE_LIMIT = 0.5
STRONG_SHARE_LIMIT = 0.7
SECTION_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "div", "p", "span", "strong", "b", "header", "section")
# blocks after a section heading that still go with it: short ones or link lists
SECTION_SIBLING_WORDS = 40
SECTION_HEADING_CHILDREN = 3
SECTION_HEADING_MAX_CHARS = 50
SECTION_SIBLING_LINKS = 0.5
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def _attr_value(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _value_words(value: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", value).lower()) if w]


def _attr_words(element: HtmlElement) -> list[str]:
    return _value_words(_attr_value(element))


@lru_cache(maxsize=8192)
def _attr_marker(value: str) -> str | None:
    """'strong', 'weak' or None for the words of a class/id value (cached: templates repeat their classes)."""
    words = _value_words(value)
    if any(w in STRONG_MARKERS for w in words):
        return "strong"
    pairs = set(zip(words, words[1:], strict=False))
    if any(p in pairs for p in MARKER_PAIRS):
        return "strong"
    if any(w in WEAK_MARKERS for w in words):
        return "weak"
    return None


def _marker_strength(element: HtmlElement) -> str | None:
    """'strong', 'weak' or None for how surely the element's class/id/tag names page furniture."""
    value = _attr_value(element)
    if value != " ":
        strength = _attr_marker(value)
        if strength:
            return strength
    if element.tag == "aside" or (element.get("role") or "").lower() == "complementary":
        return "weak"
    return None


def _text_len(element: HtmlElement) -> int:
    return len(_text_of(element).split()) if element is not None else 0


# compiled once: tree.xpath(string) compiles its expression on every call
# every itemprop value of the document, each with its element (getparent): selecting these and testing
# them in Python is 3x faster than libxml2 testing a predicate on each element (//*[@itemprop="..."]: ~40 us
# a page)
ITEMPROP_XPATH = etree.XPath("//@itemprop")
ARTICLE_TIME_XPATH = etree.XPath("//article//time[@datetime]")
TIME_XPATH = etree.XPath("//time[@datetime]")
PARAGRAPH_TEXT_XPATH = etree.XPath(".//p//text()")
UNCLEAN_XPATH = etree.XPath(SANITIZED_XPATH)


def with_itemprop(tree: HtmlElement, *names: str) -> list[HtmlElement]:
    """The document's elements whose itemprop is one of names, in document order."""
    return [value.getparent() for value in ITEMPROP_XPATH(tree) if value in names]


def _text_of(element: HtmlElement) -> str:
    """The text of the element and its descendants, as "".join(element.itertext()) gives it.

    Serialised by libxml2 in one call: ~10x faster than joining itertext's pieces in Python, which made the
    per-block text tests (headings, credit lines, link density) a tenth of extraction's own time.
    """
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _headline_nodes(tree: HtmlElement, titles: Iterable[str]) -> list[HtmlElement]:
    """The element carrying the page title (an h1, else any block whose text is the title) and articleBody."""
    keys = [k for k in (normalise_for_matching(t) for t in titles if t) if len(k) >= 8]
    found: list[HtmlElement] = []
    for h1 in tree.iter("h1"):
        text = normalise_for_matching(_text_of(h1))
        if len(text) >= 8 and any(text in k or k in text for k in keys):
            found.append(h1)
    if not found and keys:
        # templates that style a div as the headline
        body = tree.find(".//body")
        for element in (body if body is not None else tree).iter(
            "h2", "div", "p", "span", "strong", "header"
        ):
            if len(element) <= 2 and normalise_for_matching(_text_of(element)) in keys:
                found.append(element)
                break
    found.extend(with_itemprop(tree, "articleBody"))
    return found


def _leads(parent: HtmlElement, child: HtmlElement) -> bool:
    """True when nothing with text comes before `child` inside `parent`."""
    if (parent.text or "").strip():
        return False
    for sibling in child.itersiblings(preceding=True):
        if _text_of(sibling).strip() or (sibling.tail or "").strip():
            return False
    return True


def _link_density(element: HtmlElement) -> float:
    total = len(_text_of(element).strip())
    if not total:
        return 1.0
    linked = sum(len(_text_of(a).strip()) for a in element.iter("a"))
    return linked / total


def cut_headed_sections(tree: HtmlElement, headline: list[HtmlElement]) -> int:
    """Remove "Related Articles"/"Comments"/"Download the App" sections that follow the headline, in place.

    A section is the largest block that starts with such a heading, plus the link lists or short blocks that
    follow it; trafilatura often drops the heading itself, and the text-level cut then has nothing to cut at.
    """
    if not headline:
        return 0
    order: dict[HtmlElement, int] = {}
    start = 0
    protected = {a for node in headline for a in node.iterancestors()} | set(headline)
    removed = 0
    # the cheap tests first; a section's removal changes nothing that comes after it in document order
    for element in list(tree.iter(*SECTION_HEADING_TAGS)):
        if len(element) > SECTION_HEADING_CHILDREN:
            continue
        text = " ".join(_text_of(element).split())
        if not text or len(text) > SECTION_HEADING_MAX_CHARS or not END_HEADING_RE.match(text):
            continue
        if not order:  # document order, taken before anything is removed
            order = {e: i for i, e in enumerate(tree.iter())}
            start = (
                max(order.get(node, 0) for node in headline if node.tag == "h1")
                if any(node.tag == "h1" for node in headline)
                else min(order.get(node, 0) for node in headline)
            )
        if order.get(element, 0) <= start or element in protected:
            continue
        if not any(a.tag == "body" for a in element.iterancestors()):
            continue  # already removed with an ancestor
        block = element
        parent = block.getparent()
        while (
            parent is not None
            and parent.tag not in PROTECTED_TAGS
            and parent not in protected
            and _leads(parent, block)
        ):
            block, parent = parent, parent.getparent()
        if parent is None:
            continue
        doomed = [block]
        for sibling in block.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if _text_len(sibling) > SECTION_SIBLING_WORDS and _link_density(sibling) < SECTION_SIBLING_LINKS:
                break
            doomed.append(sibling)
        for element_ in doomed:
            element_.drop_tree()
            removed += 1
    return removed


def prune_furniture(tree: HtmlElement, titles: Iterable[str]) -> tuple[HtmlElement, int]:
    """A copy of the tree without scripts and furniture blocks; returns it and how many blocks went."""
    tree = deepcopy(tree)
    for element in list(tree.iter(*ALWAYS_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    headline = _headline_nodes(tree, titles)
    protected: set[HtmlElement] = set()
    for node in headline:
        protected.update(node.iterancestors())
        protected.add(node)
    body = tree.find(".//body")
    total = -1  # the page's words, counted before the first removal and only if some element is marked
    removed = 0
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in PROTECTED_TAGS or element in protected:
            continue
        if element.getparent() is None:
            continue
        strength = _marker_strength(element)
        if strength is None:
            continue
        limit = STRONG_SHARE_LIMIT if strength == "strong" and protected else WEAK_SHARE_LIMIT
        if total < 0:
            total = _text_len(body if body is not None else tree)
        if _text_len(element) > limit * total:
            continue
        # an ancestor already went: the loop still yields its detached descendants
        if any(a.tag == "body" for a in element.iterancestors()) or body is None:
            element.drop_tree()
            removed += 1
    removed += cut_headed_sections(tree, headline)
    return tree, removed


PRIORITY = {
    "jsonld": 0,
    "meta": 1,
    "feed": 2,
    "news_sitemap": 2,
    "time": 3,
    "credit": 4,
    "url": 5,
    "http": 5,
    "sitemap": 6,
    "warc": 6,
    "htmldate": 7,
}
EXACT, NAIVE, DATE_ONLY = 0, 1, 2
MIN_DATE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
REFINE_WINDOW = timedelta(hours=36)
DATE_ONLY_HOUR = 12

META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "og:published_time", "published_time", "publish-date", "publish_date", "publishdate", "pubdate",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "dc.date.created", "date", "article.published", "cxenseparse:recs:publishtime",
    "originalpublicationdate",
)  # fmt: skip
META_MODIFIED = (
    "article:modified_time", "og:article:modified_time", "datemodified", "og:updated_time", "modified_time",
    "article:modified", "dcterms.modified", "dc.date.modified", "lastmod", "last-modified", "article.updated",
)  # fmt: skip
URL_DATE_RE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
    r"|/(?P<y2>20\d{2})(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
# zone abbreviations news pages print; ambiguous ones (IST, CST in China) are left out
TZ_ABBREVIATIONS = {
    name: hours * 3600
    for name, hours in {
        "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
        "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8,
        "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    }.items()
}  # fmt: skip
_DATE_ONLY_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_HAS_TIME_RE = re.compile(r"\d{1,2}:\d{2}|T\d{2}")


def fixed_offset(value: datetime) -> datetime:
    """The same instant with a plain fixed-offset tzinfo (no dateutil or zoneinfo objects downstream)."""
    offset = value.utcoffset()
    return value if offset is None else value.replace(tzinfo=timezone(offset))


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
    """Parse a date string to an aware datetime and its precision (EXACT, NAIVE or DATE_ONLY)."""
    text = " ".join(str(raw).split())
    if not text or len(text) > 64:
        return None
    match = _DATE_ONLY_RE.match(text)
    if match:
        try:
            day = datetime(int(match[1]), int(match[2]), int(match[3]), DATE_ONLY_HOUR)
        except ValueError:
            return None
        return day.replace(tzinfo=zone), DATE_ONLY
    if re.fullmatch(r"\d{10}(?:\d{3})?", text):
        # epoch seconds or milliseconds
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC), EXACT
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_free(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        return None
    if not _HAS_TIME_RE.search(text):
        return parsed.replace(hour=DATE_ONLY_HOUR, minute=0, second=0, microsecond=0, tzinfo=zone), DATE_ONLY
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=zone), NAIVE
    return parsed, EXACT


def _parse_free(text: str) -> datetime | None:
    try:
        with warnings.catch_warnings():
            # an unknown zone name leaves the time naive, which the caller reads in the outlet's zone
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            # parsing against two defaults shows whether the text named a day and a month, or only a year
            first = dateutil_parser.parse(text, default=datetime(2000, 1, 1), tzinfos=TZ_ABBREVIATIONS)
            second = dateutil_parser.parse(text, default=datetime(2000, 2, 2), tzinfos=TZ_ABBREVIATIONS)
    except (ValueError, OverflowError, TypeError):
        return None
    return first if (first.month, first.day) == (second.month, second.day) else None


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
        words = " ".join(_attr_words(element) + (_attr_words(parent) if parent is not None else []))
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


AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|、|／|\s/\s)\s*", re.IGNORECASE)
AUTHOR_PREFIX_RE = re.compile(
    r"^(?:(?:written|reported|text|words|reporting)\s+)?(?:by|von|par|por)\s*:?\s+", re.I
)
ROLE_WORDS_RE = re.compile(
    r"^(?:the\s+)?(?:(?:senior|chief|staff|special|political|foreign|business|deputy|contributing|associate|"
    r"managing|executive|washington|tokyo|london|science|tech|technology|sports?|news|investigative|"
    r"national|global|economics?|health|climate|white house|europe|asia)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist|journalist|staff|team|desk|"
    r"bureau|agency|wire|newsroom|photographer|producer|analyst|guest author|author)s?$",
    re.IGNORECASE,
)
# ja/ko bylines carry a trailing title: "山田太郎記者", "홍길동 기자"
CJK_ROLE_SUFFIX_RE = re.compile(r"\s*(?:記者|特派員|編集委員|論説委員|기자|특파원|논설위원)$")


def split_authors(raw: str) -> list[str]:
    """Split a byline like "By A, B and C" into names, dropping roles, handles and URLs."""
    names: list[str] = []
    text = " ".join(raw.split())
    text = AUTHOR_PREFIX_RE.sub("", text)
    for part in AUTHOR_SPLIT_RE.split(text):
        part = AUTHOR_PREFIX_RE.sub("", part.strip(" .·-–—:()[]\"'"))
        part = CJK_ROLE_SUFFIX_RE.sub("", part).strip()
        if not part or len(part) > 60 or len(part.split()) > 5:
            continue
        if "@" in part or "http" in part.lower() or "/" in part or ROLE_WORDS_RE.match(part):
            continue
        if not re.search(r"\w", part) or part.isdigit():
            continue
        names.append(part)
    return names


def _ld_authors(article: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(person names, organisation names) from a JSON-LD author field."""
    persons: list[str] = []
    orgs: list[str] = []
    raw = article.get("author") or article.get("creator")
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if isinstance(item, dict):
            types = _types(item)
            name = _first_str(item.get("name"))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = " ".join(
                    filter(None, [_first_str(item.get("givenName")), _first_str(item.get("familyName"))])
                )
            if not name:
                continue
            (orgs if types & {"Organization", "NewsMediaOrganization", "Corporation"} else persons).extend(
                split_authors(name)
            )
        elif isinstance(item, str):
            persons.extend(split_authors(item))
    return persons, orgs


def pick_authors(
    page: PageMeta, trafilatura_author: Callable[[], str | None], org_names: Iterable[str]
) -> list[str]:
    """Authors from JSON-LD, then meta tags, then trafilatura; deduplicated, without the outlet's own name.

    `trafilatura_author` is called only when JSON-LD persons and meta tags name nobody left after the filters.
    """
    orgs = {normalise_for_matching(n).removeprefix("the ") for n in org_names if n}
    sources: list[list[str] | None] = []
    ld_orgs: list[str] = []
    if page.article_ld:
        persons, ld_orgs = _ld_authors(page.article_ld)
        sources.append(persons)
    meta_raw = page.first(
        "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"
    )
    if meta_raw:
        sources.append(split_authors(meta_raw))
    sources.append(None)  # trafilatura's author: read only if every earlier source comes out empty
    sources.append(ld_orgs)
    for names in sources:
        if names is None:
            fallback = trafilatura_author()
            names = split_authors(fallback) if fallback else []
        kept: list[str] = []
        seen: set[str] = set()
        for name in names:
            key = normalise_for_matching(name)
            if key in seen or key.removeprefix("the ") in orgs:
                continue
            seen.add(key)
            kept.append(name)
        if kept:
            return kept
    return []


# markup only bot-challenge pages carry
BLOCKED_MAX_TEXT = 600
INTERSTITIAL_MAX_TEXT = 200
PAYWALL_TEXT_RE = re.compile(
    r"(?:subscribe|subscription|log in|sign in) to (?:continue|read|keep reading|unlock)"
    r"|(?:this (?:article|story|content) is )?(?:for|available to|exclusive to) (?:paying )?"
    r"subscribers(?: only)?"
    r"|to continue reading,? (?:please )?(?:subscribe|log in|sign in)"
    r"|この記事は(?:有料|会員)|유료 ?회원|付费(?:内容|阅读)",
    re.IGNORECASE,
)
# what every match of PAYWALL_TEXT_RE contains (casefolded), tested before the regex (see clean.has_cues)
PAYWALL_CUES = (("subscri", "log in", "sign in", "この記事は", "유료", "付费"),)
_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# one match per Han or kana character (group 1 set) or per run of other word characters (group 1 empty): the
# words count_words counts, in one pass and without the copy of the text a substitution makes
_CJK_OR_WORD_RE = re.compile(f"([{_CJK_CHARS}])|[^\\W{_CJK_CHARS}]+")
# ASCII word characters (what \w matches below 128) to "a", everything else to a space, for bytes.translate
_ASCII_WORDS = bytes(
    ord("a") if i < 128 and (chr(i).isalnum() or chr(i) == "_") else ord(" ") for i in range(256)
)
MIN_LANGID_CHARS = 50
# text made mostly of link texts is a list of headlines
LINK_LINE_SHARE_INDEX = 0.6
LINK_LINE_SHARE_ALWAYS = 0.8
SHORT_TEXT_WORDS = 40
PAGE_LINK_DENSITY_INDEX = 0.5
# a page without article markup that lists headline links and whose text is one-liners is an index
INDEX_HEADLINE_LINKS = 5
INDEX_MAX_MEAN_LINE = 80
TEASER_RATIO = 0.6
CREDIT_MAX_CHILDREN = 3
SOFT_404_MAX_WORDS = 80
SOFT_404_RE = re.compile(
    r"\b(?:page not found|404 (?:error|not found)|error 404|(?:couldn'?t|could not|can'?t|cannot) find "
    r"(?:that|this|the) page|page (?:you requested |you are looking for )?(?:does not|doesn'?t) exist"
    r"|page (?:is )?no longer available)\b"
    r"|ページが見つかりません|페이지를 찾을 수 없습니다",
    re.IGNORECASE,
)
CREDIT_MAX_CHARS = 60
TEASER_MAX_WORDS = 300
FREE_MIN_WORDS = 150
# precision mode output this short, and under half of balanced mode's, has lost the body (an empty or
# one-paragraph result); a longer precision text is a body, and balanced mode's extra is usually furniture
PRECISION_FALLBACK_RATIO = 0.5
PRECISION_FALLBACK_CHARS = 500

# CLD2's codes that are not ISO 639-1
CLD2_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi"}
# control characters CLD2 refuses as invalid UTF-8, and lone surrogates that do not encode
_CLD2_UNSAFE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LANGID_MAX_CHARS = 20_000


def _cld2(text: str) -> tuple[str | None, bool]:
    """(ISO 639-1 code or None, reliable) of CLD2's best guess for the text."""
    sample = _CLD2_UNSAFE_RE.sub(" ", text[:LANGID_MAX_CHARS])
    try:
        reliable, _, details = pycld2.detect(sample, bestEffort=True)
    except (pycld2.error, UnicodeError):
        return None, False
    code = details[0][1].split("-")[0].lower()
    if code in {"un", "xx", "xxx"}:
        return None, False
    return CLD2_CODES.get(code, code), reliable


def detect_language(text: str, hint: str | None = None, html_lang: str | None = None) -> str | None:
    """ISO 639-1 language of the text; the hint, then <html lang>, when the text is short or unclear.

    CLD2 rather than py3langid: the same answer on every page of our benchmarks at a tenth of the CPU
    (py3langid walks its byte DFA in Python: ~0.6-1 ms a page, a fifth of extraction on short pages).
    """
    stripped = text.strip()
    guess, reliable = _cld2(stripped) if stripped else (None, False)
    if guess and reliable and len(stripped) >= MIN_LANGID_CHARS:
        return guess
    return _lang_code(hint) or html_lang or guess


def count_words(text: str) -> int:
    """Words in the text (runs of \\w characters); Han and kana count one word per two characters."""
    if text.isascii():
        # no Han or kana; the runs of word characters, found in C: 5x faster than a findall, which builds a
        # string per word (it was 2 % of an extraction worker's time)
        return len(text.encode("ascii").translate(_ASCII_WORDS).split())
    matches = _CJK_OR_WORD_RE.findall(text)
    words = matches.count("")
    return words + math.ceil((len(matches) - words) / 2)


def content_hash(text: str) -> str:
    """sha1 hex of the text normalised for matching."""
    return hashlib.sha1(normalise_for_matching(text).encode("utf-8")).hexdigest()


def _is_blocked(html: str, tree: HtmlElement, page: PageMeta, text_len: int) -> bool:
    """True for bot challenges, captchas and access-denied or enable-JavaScript interstitials."""
    if text_len > BLOCKED_MAX_TEXT:
        return False
    if has_challenge_marker(html):
        return True
    has_article_markup = page.article_ld or (page.first("og:type") or "").lower() == "article"
    if text_len > INTERSTITIAL_MAX_TEXT or has_article_markup:
        return False
    return bool(INTERSTITIAL_RE.search(f"{page.title_tag or ''}\n{_visible_text(tree)[:2000]}"))


def _visible_text(tree: HtmlElement) -> str:
    """The body's text without scripts and styles; noscript stays, since interstitials speak there."""
    body = tree.find(".//body")
    if body is None:
        return ""
    body = deepcopy(body)
    etree.strip_elements(body, "script", "style", "template", with_tail=False)
    return " ".join(_text_of(body).split())


def _anchor_texts(tree: HtmlElement) -> tuple[set[str], int]:
    """Normalised texts of the page's links (20+ characters) and their total length."""
    texts: set[str] = set()
    total = 0
    for anchor in tree.iter("a"):
        text = " ".join(_text_of(anchor).split())
        total += len(text)
        if len(text) >= 20:
            texts.add(normalise_for_matching(text))
    return texts, total


def _headline_links(tree: HtmlElement) -> int:
    """Headings that hold a link with a headline-length text: the teasers of an index page."""
    count = 0
    for heading in tree.iter("h2", "h3", "h4"):
        if any(len(" ".join(_text_of(a).split())) >= 20 for a in heading.iter("a")):
            count += 1
    return count


def _link_line_share(text: str, anchors: set[str]) -> float:
    if not anchors:
        return 0.0  # no line is link text
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    total = sum(len(line) for line in lines)
    if not total:
        return 0.0
    linked = sum(len(line) for line in lines if normalise_for_matching(line) in anchors)
    return linked / total


@lru_cache(maxsize=4)
def _extractor_options(precision: bool, fast: bool = False) -> Extractor:
    # what bare_extraction builds from these arguments; building it reads trafilatura's config each time
    # (~0.2 ms, a tenth of a run on a short page), so each process builds each set once
    return Extractor(
        output_format="python",
        fast=fast,
        precision=precision,
        comments=False,
        tables=True,
        # deduplication off: its document-level duplicate test emptied a real article in the benchmark
        dedup=False,
        with_metadata=False,
    )


@dataclass(frozen=True)
class _Extraction:
    text: str
    body: etree._Element | None


# each thread's own Extractor per mode, given each page's url and source: a copy of the shared one for every
# page (copy() of a __slots__ object, ~15 us) was 0.5 % of an extraction worker's time
_thread_options = threading.local()


def _page_options(precision: bool, fast: bool, url: str) -> Extractor:
    by_mode: dict[tuple[bool, bool], Extractor] | None = getattr(_thread_options, "by_mode", None)
    if by_mode is None:
        by_mode = _thread_options.by_mode = {}
    options = by_mode.get((precision, fast))
    if options is None:
        # trafilatura reads the options and copies them before it changes any (its recall retry)
        options = by_mode[precision, fast] = copy(_extractor_options(precision, fast))
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")
    return options


def _run_trafilatura(tree: HtmlElement, url: str, *, precision: bool, fast: bool = False) -> _Extraction:
    options = _page_options(precision, fast, url)
    # bare_extraction works on its own copy of a tree it is given, so the caller's tree stays intact
    document = trafilatura.bare_extraction(tree, url=url, options=options)
    if document is None:
        return _Extraction("", None)
    return _Extraction(document.text or "", document.body)


def _comparison_would_keep(extraction: _Extraction) -> bool:
    """Whether trafilatura's comparison with readability and jusText (what fast mode skips) would keep this
    text as it is, as far as the text itself tells.

    The comparison replaces an empty text, one with no paragraph text or more tables than paragraphs, one
    that still holds elements it calls unclean (aside, figure, nav, time...; jusText is then tried), one under
    MIN_EXTRACTED_SIZE (250) characters, and one under half of readability's. The last needs readability's
    text, so it is not checked here: on the 16,153 pages checked (121 real, 16,000 generated, the test
    fixtures) every non-empty fast-mode text equalled the full mode's. Texts under 500 characters also go
    through extract_text's balanced-mode fallback, which runs the full comparison.
    """
    body = extraction.body
    if body is None or len(extraction.text) < _extractor_options(True, True).min_extracted_size:
        return False
    paragraphs = body.findall(".//p")
    return (
        bool(PARAGRAPH_TEXT_XPATH(body))
        and len(body.findall(".//table")) <= len(paragraphs)
        and not UNCLEAN_XPATH(body)
    )


class FastModeGate:
    """Per outlet, whether trafilatura's fast mode is worth trying before its full precision mode.

    On a template fast mode cannot read (paragraphs in <div>s and no <p>, say) its text fails
    `_comparison_would_keep` on every page, and that try costs ~3.5 ms of the page's ~9. After
    `misses_to_skip` misses in a row on one outlet, this process goes straight to the full mode there, and
    tries fast mode again once in `probe_every` pages, so an outlet that changes template gets it back.
    Either way the text is the full mode's: the fast path only ever returns a text the guard holds equal.
    """

    def __init__(self, misses_to_skip: int = 4, probe_every: int = 32, max_outlets: int = 10_000) -> None:
        self.misses_to_skip = misses_to_skip
        self.probe_every = probe_every
        self.max_outlets = max_outlets
        self._misses: dict[str, int] = {}
        self._skipped: dict[str, int] = {}

    def should_try_fast(self, outlet_id: str) -> bool:
        """Whether to try fast mode first on this outlet's next page."""
        if self._misses.get(outlet_id, 0) < self.misses_to_skip:
            return True
        skipped = self._skipped.get(outlet_id, 0) + 1
        self._skipped[outlet_id] = 0 if skipped >= self.probe_every else skipped
        return skipped >= self.probe_every

    def record(self, outlet_id: str, kept: bool) -> None:
        """What the guard said of a fast-mode text of this outlet."""
        if kept:
            self._misses.pop(outlet_id, None)
            self._skipped.pop(outlet_id, None)
            return
        if len(self._misses) >= self.max_outlets and outlet_id not in self._misses:
            self._misses.clear()  # a bound, not a policy: forgetting only costs a few fast-mode tries
            self._skipped.clear()
        self._misses[outlet_id] = self._misses.get(outlet_id, 0) + 1


# one per process: each extraction worker learns its outlets' templates from the pages it extracts
FAST_MODE_GATE = FastModeGate()


def extract_text(
    tree: HtmlElement, url: str, outlet_id: str | None = None, gate: FastModeGate | None = None
) -> str:
    """trafilatura's precision-mode text, or its balanced text when precision mode lost the body.

    Precision mode runs in trafilatura's fast mode first (no readability/jusText comparison: ~40 % of
    trafilatura's time on a typical article page); the full precision mode runs only when that comparison
    could change the text (`_comparison_would_keep`). With an outlet, `gate` (default FAST_MODE_GATE) skips
    the fast try on outlets where it keeps missing.
    """
    gate = gate or FAST_MODE_GATE
    precise = None
    if outlet_id is None or gate.should_try_fast(outlet_id):
        quick = _run_trafilatura(tree, url, precision=True, fast=True)
        kept = _comparison_would_keep(quick)
        if outlet_id is not None:
            gate.record(outlet_id, kept)
        precise = quick.text if kept else None
    if precise is None:
        precise = _run_trafilatura(tree, url, precision=True).text
    if len(precise) >= PRECISION_FALLBACK_CHARS:
        return precise
    balanced = _run_trafilatura(tree, url, precision=False).text
    if len(precise) < PRECISION_FALLBACK_RATIO * len(balanced):
        return balanced
    return precise


# what an element must carry for one of trafilatura 2.3.1's AUTHOR_XPATHS to match it: a tag named author
# (or rel: its `rel='me'` tests a child element), or one of these in a class, id, rel, itemprop, data-testid
# or data-component value, compared in lower case (the XPaths are case-sensitive: this is a superset)
AUTHOR_ATTRIBUTES_XPATH = etree.XPath("//@class|//@id|//@rel|//@itemprop|//@data-testid|//@data-component")
AUTHOR_CUES = (
    "author", "byl", "bbl", "username", "screenname", "writer", "zuozhe", "bianji", "xiaobian",
    "channel-name", "submitted-by", "posted-by", "journalist-name",
)  # fmt: skip


def may_name_author(tree: HtmlElement) -> bool:
    """False when trafilatura's author XPaths cannot match anything in the tree (their ~1 ms is then saved:
    an aggregator's pages often name no author anywhere); True when they might."""
    if next(tree.iter("author", "rel"), None) is not None:
        return True
    values = " ".join(AUTHOR_ATTRIBUTES_XPATH(tree)).lower()
    return any(cue in values for cue in AUTHOR_CUES)


def page_metadata(tree: HtmlElement, url: str) -> Document:
    """trafilatura.extract_metadata without the parts copydesk does not use (categories, tags, licence).

    The same steps in the same order as trafilatura 2.3.1's extract_metadata, so every field read here
    (title, author, url, date, sitename, description) is what it returns; categories, tags and licence
    took over a third of its time, and the hostname (a courlan parse) is not read either.
    """
    metadata = tmeta.examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = tmeta.extract_meta_json(tree, metadata)
    except Exception as err:  # noqa: BLE001 - as trafilatura: its JSON-LD reader has bugs on odd markup
        tmeta.LOGGER.warning("error in JSON metadata extraction: %s", err)
    if not metadata.title:
        metadata.title = tmeta.extract_title(tree)
    if not metadata.author and may_name_author(tree):
        metadata.author = tmeta.extract_author(tree)
    if not metadata.url:
        metadata.url = tmeta.extract_url(tree, url)
    date_config = tmeta.set_date_params(True)
    date_config["url"] = metadata.url
    metadata.date = tmeta.find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = tmeta.extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        match = tmeta.META_URL.match(metadata.url)
        if match:
            metadata.sitename = match[1]
    metadata.filedate = date_config.get("max_date")
    metadata.clean_and_trim()
    return metadata


def _parse_html(html: str) -> HtmlElement | None:
    tree = load_html(html)
    if tree is not None:
        return tree
    # trafilatura refuses fragments without an <html> element; lxml wraps them in a document
    try:
        return document_fromstring(html)
    except (ValueError, etree.ParserError):
        return None


def _zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _strip_site_suffix(title: str | None, site_names: Iterable[str]) -> str | None:
    if not title:
        return None
    # ascii whitespace only: an ideographic space inside a Japanese headline is part of it
    title = re.sub(r"[ \t\r\n\f\v]+", " ", title).strip()
    for name in site_names:
        if not name:
            continue
        for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
            suffix = f"{sep}{name}"
            if title.lower().endswith(suffix.lower()) and len(title) > len(suffix) + 5:
                return title[: -len(suffix)].strip()
    return title


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _paywalled(page: PageMeta, text: str) -> bool | None:
    """True/False when the page says whether it is free, None when it does not."""
    article = page.article_ld or {}
    if _is_false(article.get("isAccessibleForFree")):
        return True
    parts = article.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict) and _is_false(part.get("isAccessibleForFree")):
            return True
    tier = (page.first("article:content_tier") or "").lower()
    if tier in {"locked", "premium", "subscriber", "paid"}:
        return True
    tail = "\n".join(text.rsplit("\n", 3)[-3:])
    if len(tail) < 2000 and has_cues(tail, PAYWALL_CUES) and PAYWALL_TEXT_RE.search(tail):
        return True
    free = article.get("isAccessibleForFree")
    if free is True or (isinstance(free, str) and free.strip().lower() == "true") or tier == "free":
        return False
    return None


def _collect_dates(
    page: PageMeta,
    pruned: HtmlElement,
    raw_text: str,
    credit_line: str | None,
    urls: list[str],
    link: Link | None,
    http_last_modified: datetime | None,
    zone: tzinfo,
) -> list[Candidate]:
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


def _htmldate_candidate(value: str | None, zone: tzinfo) -> Candidate | None:
    parsed = parse_date(value, zone) if value else None
    return Candidate("htmldate", parsed[0], parsed[1], "published") if parsed else None


CREDIT_DATE_ANYWHERE_RE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d{2}")
# what every match of CREDIT_DATE_ANYWHERE_RE contains: a pattern that starts with a character set is searched
# for by a quick scan, one that starts with an optional digit is tried at every character (~60 us a page)
CREDIT_YEAR_ANYWHERE_RE = re.compile(r"[-./](?:19|20)\d{2}")


def find_credit_line(tree: HtmlElement) -> str | None:
    """A "NHK18-06-2025" credit standing alone in one element of the page, which trafilatura may leave out."""
    # an element's text is a stretch of the page's text: most pages have no such date anywhere, and one
    # search over the page costs less than joining the text of each element
    page_text = _text_of(tree)
    if not CREDIT_YEAR_ANYWHERE_RE.search(page_text) or not CREDIT_DATE_ANYWHERE_RE.search(page_text):
        return None
    for element in tree.iter():
        if not isinstance(element.tag, str) or len(element) > CREDIT_MAX_CHILDREN:
            continue
        # source and date often sit in sibling spans: "<span>NHK</span><span>18-06-2025</span>"
        text = _text_of(element).strip()
        if not text or len(text) > CREDIT_MAX_CHARS:
            continue
        match = match_credit_date(text)
        if match and match["src"]:
            return text
    return None


def links_elsewhere(tree: HtmlElement) -> bool:
    """True when the page links to the rest of its story ("Continue reading at X"), dropped by trafilatura."""
    return any(READ_ELSEWHERE_RE.match(" ".join(_text_of(a).split())) for a in tree.iter("a"))


def _valid(candidate: Candidate, now: datetime) -> bool:
    return MIN_DATE <= candidate.value <= now + FUTURE_SLACK


def _site_test(fetched: str, site_prefix: str | None) -> Callable[[str], bool]:
    """Whether a URL belongs to the same site as the fetched page: same registrable domain, or, for
    outlets that share a host, inside the outlet's URL prefix."""
    if site_prefix:
        host = urlsplit(site_prefix).netloc

        def same(candidate: str) -> bool:
            if urlsplit(candidate).netloc == host:
                return candidate.startswith(site_prefix)
            return _same_site(candidate, fetched)

        return same
    return lambda candidate: _same_site(candidate, fetched)


def _resolve_urls(page: PageMeta, url: str, site_prefix: str | None = None) -> tuple[str, str | None]:
    """(Article.url, based_on_url) from the canonical link, og:url and JSON-LD copy markers."""
    fetched = canonical_url(url)
    same_site = _site_test(fetched, site_prefix)
    own = fetched
    based_on: str | None = None
    for candidate in (page.canonical, page.first("og:url")):
        if not candidate or not candidate.startswith("http"):
            continue
        candidate_url = canonical_url(urljoin(url, candidate))
        if same_site(candidate_url):
            # a canonical pointing at the site root is a template default, not this page
            if urlsplit(candidate_url).path in ("", "/") and urlsplit(fetched).path not in ("", "/"):
                continue
            own = candidate_url
            break
        if based_on is None:
            based_on = candidate_url
        break
    article = page.article_ld or {}
    if based_on is None:
        for key in ("isBasedOn", "isBasedOnUrl", "sourceOrganization"):
            value = _url_of(article.get(key))
            if value and not same_site(value):
                based_on = canonical_url(value)
                break
    return own, based_on


def _access(paywalled: bool | None, teaser_marker: bool, word_count: int, link: Link | None) -> Access | None:
    """'paywalled', 'teaser', 'free' or None (unknown), by the rules in the module docstring."""
    feed_words = count_words(link.description) if link and link.description else 0
    if paywalled:
        return "paywalled"
    if (teaser_marker and word_count <= TEASER_MAX_WORDS) or (
        feed_words and word_count < TEASER_RATIO * feed_words
    ):
        return "teaser"
    if paywalled is False or word_count >= FREE_MIN_WORDS:
        return "free"
    return None


def _reject_non_article(
    page: PageMeta, tree: HtmlElement, pruned: HtmlElement, raw_text: str, text: str, word_count: int
) -> None:
    """Raise ExtractionError("not_article") for index/list pages and "page not found" pages."""
    article_evidence = (
        bool(page.article_ld)
        or (page.first("og:type") or "").lower() == "article"
        or bool(page.first("article:published_time") or with_itemprop(tree, "articleBody"))
    )
    anchors, linked_chars = _anchor_texts(tree)
    share = _link_line_share(raw_text, anchors)
    if share >= LINK_LINE_SHARE_ALWAYS or (share >= LINK_LINE_SHARE_INDEX and not article_evidence):
        raise ExtractionError("not_article", f"{share:.0%} of the text is link text")
    # the page-wide measures below decide only where the page shows no article evidence (most articles do)
    if not article_evidence and word_count < SHORT_TEXT_WORDS:
        body = tree.find(".//body")
        body_chars = len(" ".join(_text_of(body if body is not None else tree).split())) or 1
        if linked_chars / body_chars >= PAGE_LINK_DENSITY_INDEX:
            raise ExtractionError("not_article", f"{word_count} words on a page of links")
    if word_count < SOFT_404_MAX_WORDS and SOFT_404_RE.search(f"{page.title_tag or ''}\n{text[:300]}"):
        raise ExtractionError("not_article", "a 'page not found' page served as a page")
    if article_evidence:
        return
    index_evidence = (page.first("og:type") or "").lower() == "website" or bool(page.ld_types & INDEX_TYPES)
    teasers = _headline_links(pruned)
    lines = [line for line in text.split("\n") if line.strip()]
    mean_line = sum(len(line) for line in lines) / max(1, len(lines))
    if (index_evidence or teasers >= INDEX_HEADLINE_LINKS) and mean_line < INDEX_MAX_MEAN_LINE:
        raise ExtractionError("not_article", f"{teasers} headline links and {mean_line:.0f}-character lines")


def extract_article(
    html: str,
    url: str,
    *,
    outlet_id: str = "",
    link: Link | None = None,
    language_hint: str | None = None,
    http_last_modified: datetime | None = None,
    fetched_at: datetime | None = None,
    now: datetime | None = None,
    outlet_timezone: str | None = None,
    site_prefix: str | None = None,
) -> Article:
    """Extract text and metadata from a decoded HTML page; raises ExtractionError when there is no article."""
    now = now or datetime.now(UTC)
    fetched_at = fetched_at or now
    zone = _zone(outlet_timezone)
    if not html or not html.strip():
        raise ExtractionError("empty", "no HTML")
    tree = _parse_html(html)
    if tree is None:
        raise ExtractionError("empty", "HTML did not parse")
    page = read_page_meta(tree, url)
    article_ld = page.article_ld or {}
    # trafilatura's metadata is the fallback for every field (~0.4 ms a page): read only when one is missing
    metadata = cache(partial(page_metadata, tree, url))
    site_name = (
        page.first("og:site_name", "application-name")
        or _name_of(article_ld.get("publisher"))
        or metadata().sitename
    )
    publisher = _name_of(article_ld.get("publisher"))
    raw_title = (
        page.first("og:title", "twitter:title")
        or _first_str(article_ld.get("headline"))
        or metadata().title
        or (link.title if link else None)
        or page.title_tag
    )
    title = _strip_site_suffix(raw_title, [n for n in (site_name, publisher) if n])

    pruned, _ = prune_furniture(tree, [t for t in (title, raw_title, page.title_tag) if t])
    raw_text = extract_text(pruned, url, outlet_id)
    if not raw_text.strip():
        # pruning can take a page whose only text sits in a marked block: try the whole page once
        raw_text = extract_text(tree, url)
    if _is_blocked(html, tree, page, len(raw_text.strip())):
        raise ExtractionError("blocked", "bot challenge or access-denied interstitial")
    if not raw_text.strip():
        raise ExtractionError("empty", "no text extracted")

    teaser_marker = has_read_more(raw_text) or links_elsewhere(pruned)
    text, _ = clean_text(raw_text)
    text, _ = drop_leading_title(text, [t for t in (title, raw_title, page.title_tag) if t])
    credit_line = find_credit_line(pruned)
    source_credit = detect_source_credit(text) or (credit_of_line(credit_line) if credit_line else None)
    text, _ = strip_credit_lines(text)
    text = text.strip()
    if not text:
        raise ExtractionError("empty", "only boilerplate left after cleaning")
    word_count = count_words(text)

    _reject_non_article(page, tree, pruned, raw_text, text, word_count)

    fetched_canonical = canonical_url(url)
    article_url, based_on_url = _resolve_urls(page, url, site_prefix)
    if based_on_url is None:  # issue 20: a "Continue reading at X" / source link names the original
        anchors = ((_text_of(a), a.get("href")) for a in pruned.iter("a"))
        based_on_url = source_link_url(anchors, url, _site_test(fetched_canonical, site_prefix))
    if source_credit is None:
        for key in ("isBasedOn", "sourceOrganization"):
            name = _name_of(article_ld.get(key))
            if (
                name
                and not name.startswith("http")
                and normalise_for_matching(name)
                not in {normalise_for_matching(n) for n in (site_name, publisher) if n}
            ):
                source_credit = name
                break

    candidates = [
        c
        for c in _collect_dates(
            page,
            pruned,
            raw_text,
            credit_line,
            [article_url, fetched_canonical],
            link,
            http_last_modified,
            zone,
        )
        if _valid(c, now)
    ]
    if not any(c.role == "published" for c in candidates):
        # htmldate's guess is the last resort: it reads the same JSON-LD, meta tags, <time> and URL as above
        guess = _htmldate_candidate(metadata().date, zone)
        if guess is not None and _valid(guess, now):
            candidates.append(guess)
    published, modified = resolve_dates(candidates)
    unique: dict[tuple[str, datetime, str], DateCandidate] = {}
    for c in candidates:
        unique.setdefault(
            (c.source, c.value, c.role),
            DateCandidate(source=c.source, value=fixed_offset(c.value), role=c.role),
        )

    description = (
        page.first("og:description", "description", "twitter:description")
        or _first_str(article_ld.get("description"))
        or metadata().description
    )
    access = _access(_paywalled(page, raw_text), teaser_marker, word_count, link)

    return Article(
        article_id=article_id_for(article_url),
        url=article_url,
        fetched_url=url,
        outlet_id=outlet_id,
        title=title,
        authors=pick_authors(
            page, lambda: metadata().author, [n for n in (site_name, publisher, outlet_id) if n]
        ),
        published_at=fixed_offset(published.value) if published else None,
        published_at_source=published.source if published else None,
        modified_at=fixed_offset(modified.value) if modified else None,
        date_candidates=list(unique.values()),
        language=detect_language(text, language_hint, page.html_lang),
        text=text,
        word_count=word_count,
        site_name=site_name,
        description=description,
        source_credit=source_credit,
        based_on_url=based_on_url,
        access=access,
        content_hash=content_hash(text),
        fetched_at=fetched_at,
    )


__all__ = [
    "Candidate",
    "ExtractionError",
    "article_id_for",
    "canonical_url",
    "count_words",
    "detect_language",
    "extract_article",
    "parse_date",
    "resolve_dates",
    "split_authors",
]
