"""The parsed page: one HTML parse per page, and the element tests every room shares."""

import re

import trafilatura
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, document_fromstring
from trafilatura.utils import load_html

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
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura parses it, or lxml's document for a fragment; None if unparseable."""
    tree = load_html(html)
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
    return [w for w in _WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", value).lower()) if w]


def attr_words(element: HtmlElement) -> list[str]:
    """The words of the element's class and id."""
    return value_words(attr_value(element))
