"""Meta room: what the page says about itself, and trafilatura's metadata reader as the fallback."""

import pytest
from trafilatura import metadata as tmeta

from copydesk.tasks.extract.meta import may_name_author, read_page_meta
from copydesk.tasks.extract.tree import parse_html


@pytest.mark.parametrize(
    ("markup", "may_match"),
    [
        ('<div class="by">Jo Bloggs</div>', False),
        ('<div class="meta"><span class="byline">By Jo Bloggs</span></div>', True),
        ('<p><a rel="author" href="/jo">Jo Bloggs</a></p>', True),
        ('<span class="AuthorName">Jo Bloggs</span>', True),
        ('<div id="article-Author">Jo Bloggs</div>', True),
        ('<div data-component="Byline">Jo Bloggs</div>', True),
        ("<author>Jo Bloggs</author>", True),
    ],
    ids=["no-cue", "byline-class", "rel-author", "authorname", "author-id", "byline-component", "author-tag"],
)
def test_author_xpaths_run_only_where_they_may_match(markup: str, may_match: bool) -> None:
    body = f"<h1>Title</h1>{markup}<p>{'Body text. ' * 30}</p>"
    html = f"<html><head><title>T</title></head><body>{body}</body></html>"
    tree = parse_html(html)
    assert tree is not None
    assert may_name_author(tree) is may_match
    if not may_match:
        assert tmeta.extract_author(tree) is None  # what the skipped XPaths would have said
    else:
        assert tmeta.extract_author(tree) == "Jo Bloggs"


def test_read_page_meta_collects_head_and_structured_data() -> None:
    html = (
        '<html lang="de-AT"><head><title> Fähre  fährt wieder </title>'
        '<meta property="OG:Title" content="Fähre fährt wieder"><meta name="author" content="">'
        '<meta name="author" content="Anna Gruber"><link rel="canonical" href="/a/faehre">'
        '<script type="application/ld+json">[{"@type":"WebPage","name":"p"},'
        '{"@type":["NewsArticle"],"headline":"Fähre fährt wieder"}]</script></head><body></body></html>'
    )
    tree = parse_html(html)
    assert tree is not None
    page = read_page_meta(tree, "https://zeitung.example/x")
    assert page.first("og:title") == "Fähre fährt wieder"
    assert page.first("author") == "Anna Gruber"  # the empty value is passed over
    assert page.canonical == "https://zeitung.example/a/faehre"
    assert page.html_lang == "de"
    assert page.title_tag == "Fähre fährt wieder"
    assert page.article_ld is not None and page.article_ld["headline"] == "Fähre fährt wieder"
    assert page.page_ld is not None and page.page_ld["name"] == "p"
    assert page.ld_types == {"WebPage", "NewsArticle"}
