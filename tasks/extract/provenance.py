"""Provenance: the page's own URL, the mark of a copy (based_on_url), and the credited source.

URLs: `canonical_url` (tasks/urls.py) strips tracking parameters, lower-cases scheme and host, drops default
ports, fragments and a trailing "?", sorts the query and maps AMP variants to the plain page. Article.url is
the page's own <link rel=canonical> (else og:url) when it is on the fetched URL's registrable domain (a
canonical pointing at a site root is ignored); a canonical on another domain, else JSON-LD isBasedOn, else
sourceOrganization's url on another domain, becomes `based_on_url`, the mark of a copy, and Article.url stays
the fetched URL.

source_credit: a credit line in the text's first five or last three lines ("NHK18-06-2025",
"(NHKニュースより)", "Source: Reuters", "Originally published by X", a "WASHINGTON (Reuters) -"
dateline, a "— AP" sign-off; tasks/clean.py), else a "NHK18-06-2025" credit anywhere in the page (source and
date often in sibling spans), else JSON-LD isBasedOn/sourceOrganization names other than the site's own.
"""

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from courlan import extract_domain
from lxml.html import HtmlElement

from copydesk.tasks.clean import match_credit_date, normalise_for_matching, source_link_url
from copydesk.tasks.extract.jsonld import name_of, url_of
from copydesk.tasks.extract.meta import PageMeta
from copydesk.tasks.extract.tree import text_of
from copydesk.tasks.urls import canonical_url, url_problem

CREDIT_MAX_CHILDREN = 3
CREDIT_MAX_CHARS = 60
CREDIT_DATE_ANYWHERE_RE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d{2}")
# what every match of CREDIT_DATE_ANYWHERE_RE contains: a pattern that starts with a character set is searched
# for by a quick scan, one that starts with an optional digit is tried at every character
CREDIT_YEAR_ANYWHERE_RE = re.compile(r"[-./](?:19|20)\d{2}")


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


def resolve_urls(page: PageMeta, url: str, site_prefix: str | None = None) -> tuple[str, str | None]:
    """(Article.url, based_on_url) from the canonical link, og:url and JSON-LD copy markers."""
    fetched = canonical_url(url)
    same_site = _site_test(fetched, site_prefix)
    own = fetched
    based_on: str | None = None
    for candidate in (page.canonical, page.first("og:url")):
        if not candidate or not candidate.startswith("http") or url_problem(candidate):
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
            value = url_of(article.get(key))
            if value and url_problem(value) is None and not same_site(value):
                based_on = canonical_url(value)
                break
    return own, based_on


def linked_source(tree: HtmlElement, url: str, site_prefix: str | None = None) -> str | None:
    """The original a page names by a "Continue reading at X" / "Read more on X" / source link, if any."""
    anchors = ((text_of(a), a.get("href")) for a in tree.iter("a"))
    return source_link_url(anchors, url, _site_test(canonical_url(url), site_prefix))


def find_credit_line(tree: HtmlElement) -> str | None:
    """A "NHK18-06-2025" credit standing alone in one element of the page, which trafilatura may leave out."""
    # an element's text is a stretch of the page's text: most pages have no such date anywhere, and one
    # search over the page costs less than joining the text of each element
    page_text = text_of(tree)
    if not CREDIT_YEAR_ANYWHERE_RE.search(page_text) or not CREDIT_DATE_ANYWHERE_RE.search(page_text):
        return None
    for element in tree.iter():
        if not isinstance(element.tag, str) or len(element) > CREDIT_MAX_CHILDREN:
            continue
        # source and date often sit in sibling spans: "<span>NHK</span><span>18-06-2025</span>"
        text = text_of(element).strip()
        if not text or len(text) > CREDIT_MAX_CHARS:
            continue
        match = match_credit_date(text)
        if match and match["src"]:
            return text
    return None


def jsonld_credit(page: PageMeta, own_names: Iterable[str | None]) -> str | None:
    """The JSON-LD isBasedOn or sourceOrganization name, when it is not one of the site's own names."""
    article = page.article_ld or {}
    own = {normalise_for_matching(n) for n in own_names if n}
    for key in ("isBasedOn", "sourceOrganization"):
        name = name_of(article.get(key))
        if name and not name.startswith("http") and normalise_for_matching(name) not in own:
            return name
    return None
