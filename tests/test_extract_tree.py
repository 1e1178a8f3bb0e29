"""Tree room: the one parse of the page and the element tests the rooms share."""

import lxml.html
import pytest
from lxml import etree

from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.tree import parse_html, value_words, with_itemprop
from tests.test_extract_article import NOW


def test_fragment_without_html_element_parses() -> None:
    html = (
        "<p>"
        + "The bridge reopened to traffic on Sunday after six weeks of repairs to its deck. " * 3
        + "</p>"
    )
    article = extract_article(html, "https://paper.example/2025/06/15/bridge", now=NOW)
    assert "The bridge reopened to traffic" in article.text


def test_with_itemprop_selects_what_the_predicate_xpaths_select() -> None:
    page = lxml.html.document_fromstring(
        '<html><body><div itemprop="articleBody"><time itemprop="datePublished" datetime="">x</time>'
        '<meta itemprop="dateModified" content="2020-01-02"><span itemprop="datePublished">no date</span>'
        '<p itemprop="articleBody extra">not exactly</p><section itemprop="articleBody">b</section></div>'
        "</body></html>"
    )
    for node in (page, page.find(".//section")):  # "//" looks from the document root, wherever it is asked
        body = etree.XPath('//*[@itemprop="articleBody"]')(node)
        assert [e.tag for e in body] == ["div", "section"]
        assert with_itemprop(node, "articleBody") == body
    dated = etree.XPath('//*[@itemprop="datePublished" or @itemprop="dateModified"][@datetime or @content]')
    assert with_itemprop(page, "datePublished", "dateModified")[:2] == dated(page)


def test_parsed_pages_get_their_element_classes_from_a_lookup_in_c() -> None:
    # lxml.html's own lookup (a Python method per element handed to Python) gives a form its FormElement class
    # and costs ~5 % of a worker's CPU; tasks.extract sets a lookup in C on the parser trafilatura uses
    tree = parse_html("<html><body><form><input name='q'><label>Q</label></form><p>text</p></body></html>")
    assert tree is not None
    assert {type(e) for e in tree.iter() if isinstance(e.tag, str)} == {lxml.html.HtmlElement}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("relatedStories-box", ["related", "stories", "box"]),
        ("article__body", ["article", "body"]),
        # a gap only after a lower-case letter or digit: runs of capitals stay one word
        ("aBC", ["a", "bc"]),
        ("a1B", ["a1", "b"]),
        ("aBcD", ["a", "bc", "d"]),
        ("HTMLWidget mostPopular_2", ["htmlwidget", "most", "popular", "2"]),
        ("Äbc-DéF", ["bc", "d", "f"]),
        (" ", []),
    ],
)
def test_class_words_split_at_camel_case_and_punctuation(value: str, words: list[str]) -> None:
    assert value_words(value) == words


_BODY = "<body><p>The council met on Tuesday to vote on the harbour budget.</p></body>"


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(f"<!DOCTYPE html>\n<html><head><title>t</title></head>{_BODY}</html>", id="plain"),
        pytest.param(f"<!DOCTYPE html><html>{_BODY}</html>", id="doctype-without-newline"),
        pytest.param(f'<!DOCTYPE html PUBLIC "x" "y"/>\n<html>{_BODY}</html>', id="self-closed-doctype"),
        pytest.param(f"<!doctype html>\n<html lang='en'/>\n{_BODY}</html>", id="self-closed-html"),
        pytest.param("<html>" + _BODY.replace("met", "me\x0bt\x00") + "</html>", id="control-characters"),
        pytest.param("<html>" + _BODY.replace("met", "met\ufffe") + "</html>", id="noncharacter"),
        pytest.param(f'<?xml version="1.0" encoding="utf-8"?>\n<html>{_BODY}</html>', id="xml-declaration"),
        pytest.param(f"<head><title>t</title></head>{_BODY}", id="no-html-element"),
    ],
)
def test_parse_html_gives_trafilaturas_tree(html: str) -> None:
    # the page is parsed without trafilatura's repair pass when that pass would change nothing: the tree
    # must be the one trafilatura's load_html makes, whatever the page
    from trafilatura.utils import load_html

    theirs = load_html(html)
    ours = parse_html(html)
    assert theirs is not None and ours is not None
    assert etree.tostring(ours, encoding=str) == etree.tostring(theirs, encoding=str)
