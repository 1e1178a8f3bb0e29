"""What the page says about itself: meta tags, JSON-LD, canonical link, <html lang>, <title>; and
trafilatura's own metadata reader, the fallback for every field, trimmed to the fields copydesk reads."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import metadata as tmeta
from trafilatura.settings import Document

from copydesk.tasks.extract.jsonld import ARTICLE_TYPES, PAGE_TYPES, jsonld_objects, types_of
from copydesk.tasks.extract.language import lang_code
from copydesk.tasks.urls import url_problem


@dataclass
class PageMeta:
    """What the page says about itself in its head and structured data."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    article_ld: dict[str, Any] | None = None
    page_ld: dict[str, Any] | None = None
    ld_types: set[str] = field(default_factory=set)
    canonical: str | None = None
    html_lang: str | None = None
    lang_tag: str | None = None
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
            href = element.get("href", "").strip()
            # a malformed href (a broken IPv6 literal, a bad port) is the page's mistake: no canonical link
            if url_problem(href) is None or not href.startswith(("http:", "https:")):
                try:
                    page.canonical = urljoin(url, href)
                except ValueError:
                    page.canonical = None
    for obj in jsonld_objects(tree):
        types = types_of(obj)
        page.ld_types |= types
        if types & ARTICLE_TYPES and page.article_ld is None:
            page.article_ld = obj
        elif types & PAGE_TYPES and page.page_ld is None:
            page.page_ld = obj
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    page.html_lang = lang_code(lang)
    page.lang_tag = lang.strip() if lang else None
    title = tree.find(".//title")
    if title is not None and title.text_content():
        page.title_tag = " ".join(title.text_content().split())
    return page


# what an element must carry for one of trafilatura 2.3.1's AUTHOR_XPATHS to match it: a tag named author
# (or rel: its `rel='me'` tests a child element), or one of these in a class, id, rel, itemprop, data-testid
# or data-component value, compared in lower case (the XPaths are case-sensitive: this is a superset)
AUTHOR_ATTRIBUTES_XPATH = etree.XPath("//@class|//@id|//@rel|//@itemprop|//@data-testid|//@data-component")
AUTHOR_CUES = (
    "author", "byl", "bbl", "username", "screenname", "writer", "zuozhe", "bianji", "xiaobian",
    "channel-name", "submitted-by", "posted-by", "journalist-name",
)  # fmt: skip


def may_name_author(tree: HtmlElement) -> bool:
    """False when trafilatura's author XPaths cannot match anything in the tree (their cost is then saved:
    an aggregator's pages often name no author anywhere); True when they might."""
    if next(tree.iter("author", "rel"), None) is not None:
        return True
    values = " ".join(AUTHOR_ATTRIBUTES_XPATH(tree)).lower()
    return any(cue in values for cue in AUTHOR_CUES)


def page_metadata(tree: HtmlElement, url: str) -> Document:
    """trafilatura.extract_metadata without the parts copydesk does not use (categories, tags, licence).

    The same steps in the same order as trafilatura 2.3.1's extract_metadata, so every field read here
    (title, author, url, date, sitename, description) is what it returns; categories, tags and licence
    took a large share of its time, and the hostname (a courlan parse) is not read either.
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
