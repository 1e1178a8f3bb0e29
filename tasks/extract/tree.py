"""The parsed page: one HTML parse per page, and the element tests every room shares."""

import re

import trafilatura
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HtmlProcessingInstruction,
    document_fromstring,
    fromstring,
)
from trafilatura.utils import DOCTYPE_TAG, HTML_PARSER, load_html

# lxml gives each element it hands to Python the class its parser's lookup names. lxml.html's lookup (form,
# input, label... classes by tag) is a Python method called for every element handed to Python, a visible
# share of a worker's CPU (bench/results/extraction.md). A lookup in C that makes every element an
# HtmlElement serves trafilatura and this package alike (neither uses the form classes); set on the parser
# trafilatura's load_html uses (trafilatura is pinned, pyproject.toml). Checked: identical Articles and
# signatures on 1,500 pages of the benchmark web.
trafilatura.utils.HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)

# compiled once: tree.xpath(string) compiles its expression on every call.
# every itemprop value of the document, each with its element (getparent): selecting these and testing
# them in Python is faster than libxml2 testing a predicate on each element (//*[@itemprop="..."])
ITEMPROP_XPATH = etree.XPath("//@itemprop")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
# the gap between a lower-case letter or digit and a capital ("relatedStories"): a space goes there. A plain
# replacement string is applied in C; "\\1 \\2" was expanded in Python for every match
_CAMEL_GAP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


# the characters trafilatura's load_html removes before parsing (its INVALID_XML_CHARS). Its regex pass over
# the whole page costs more than the parse of a long page; one `in` test per character runs in C at a
# fraction of that, and a page almost never holds any of them
_INVALID_XML_CHARS = tuple(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF))


def _repair_would_change(html: str) -> bool:
    """Whether trafilatura's repair of a page before parsing (repair_faulty_html) would change it: an invalid
    character, a doctype libxml2 misreads, a self-closing <html/> in the first lines, or (its doctype step
    rejoins the first line with a newline) a doctype page with no newline."""
    if any(c in html for c in _INVALID_XML_CHARS):
        return True
    first_end = html.find("\n")
    if first_end < 0:
        return "doctype" in html[:50].lower()
    if DOCTYPE_TAG.match(html, 0, first_end):
        return True
    return any("<html" in line and line.endswith("/>") for line in html[:4096].splitlines()[:4])


def _load_html(html: str) -> HtmlElement | None:
    """What trafilatura's load_html makes of a page, parsed with its parser directly when its repair would
    change nothing and the parse is plain (a tree with children); anything else goes through load_html.

    Follows load_html's steps for a str as trafilatura's pinned version (pyproject.toml) takes them;
    tests/test_extract_tree.py holds the two to the same tree."""
    if _repair_would_change(html):
        return load_html(html)
    try:
        tree = fromstring(html, parser=HTML_PARSER)
    except (ValueError, etree.LxmlError):
        # an encoding declaration in a str, or markup lxml refuses: load_html's fallbacks decide
        return load_html(html)
    # load_html retries an empty tree from bytes and refuses a near-empty one of a page that names no html
    if tree is None or len(tree) == 0 or (len(tree) < 2 and "html" not in html[:50].lower()):
        return load_html(html)
    return tree


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura parses it, or lxml's document for a fragment; None if unparseable."""
    tree = _load_html(html)
    if tree is not None:
        return tree
    # trafilatura refuses fragments without an <html> element; lxml wraps them in a document
    try:
        return document_fromstring(html)
    except (ValueError, etree.ParserError):
        return None


def text_of(element: HtmlElement) -> str:
    """The text of the element and its descendants, as "".join(element.itertext()) gives it.

    Serialised by libxml2 in one call, much faster than joining itertext's pieces in Python, which made the
    per-block text tests (headings, credit lines, link density) a large share of extraction's own time.
    """
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def with_itemprop(tree: HtmlElement, *names: str) -> list[HtmlElement]:
    """The document's elements whose itemprop is one of names, in document order."""
    return [value.getparent() for value in ITEMPROP_XPATH(tree) if value in names]


def attr_value(element: HtmlElement) -> str:
    """The element's class and id, space-separated (" " when it has neither)."""
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def value_words(value: str) -> list[str]:
    """Lower-case words of a class/id value, camelCase split: "relatedStories-box" -> related stories box."""
    return [w for w in _WORD_SPLIT.split(_CAMEL_GAP.sub(" ", value).lower()) if w]


def attr_words(element: HtmlElement) -> list[str]:
    """The words of the element's class and id."""
    return value_words(attr_value(element))
