"""Furniture room: related/share/comment blocks pruned from a copy of the tree, the article kept."""

from collections import Counter

import pytest

from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.furniture import prune_furniture
from copydesk.tasks.extract.tree import parse_html, text_of
from tests.test_extract_article import NOW

STORY = "The harbour board chose the lower of two bids for the new ferry terminal on Tuesday. " * 6
OTHER = "A different story about the town's summer fair and its record crowds on the quay. " * 2


def _prune(html: str) -> tuple[str, int]:
    tree = parse_html(html)
    assert tree is not None
    pruned, removed, _ = prune_furniture(tree, ["Harbour board picks ferry bid"])
    assert text_of(tree) != text_of(pruned) or removed == 0  # the caller's tree is left as it was
    return " ".join(text_of(pruned).split()), removed


def test_marked_blocks_go_and_the_story_stays() -> None:
    html = (
        "<html><body><article><h1>Harbour board picks ferry bid</h1>"
        f"<div class='share-bar'><a href='#'>Share on Facebook</a></div><p>{STORY}</p>"
        f"<div class='relatedStories'><a href='/x'>{OTHER}</a></div></article>"
        "<aside><p>Most read today</p></aside><script>var x = 1;</script></body></html>"
    )
    text, removed = _prune(html)
    assert "lower of two bids" in text
    assert "Share on Facebook" not in text and "summer fair" not in text and "Most read today" not in text
    assert "var x" not in text
    assert removed >= 3


def test_a_marked_ancestor_of_the_headline_is_kept() -> None:
    html = (
        "<html><body><div class='story has-comments'><h1>Harbour board picks ferry bid</h1>"
        f"<p>{STORY}</p></div></body></html>"
    )
    text, _ = _prune(html)
    assert "lower of two bids" in text


def test_a_marked_block_holding_most_of_the_words_is_kept() -> None:
    html = f"<html><body><div class='promo-wrapper'><p>{STORY}</p></div><p>Short footer.</p></body></html>"
    text, _ = _prune(html)
    assert "lower of two bids" in text


@pytest.mark.parametrize(
    ("after_story", "heading"),
    [
        (
            f"<h2>Related Articles</h2><ul><li><a href='/a'>{OTHER}</a></li></ul></article>",
            "Related Articles",
        ),
        # templates that title every box with an <h1>: the headline is one, "You might also like" another
        (
            "</article><div class='dbox'><h1>You might also like</h1><div class='bigbox'><ul><li>"
            "<a href='/a'><h1>Summer fair on the quay</h1>"
            f"<p><font>RECORD CROWDS: </font>{OTHER}</p></a></li></ul></div></div>",
            "You might also like",
        ),
    ],
    ids=["related-h2", "box-h1"],
)
def test_a_headed_section_after_the_headline_goes_with_its_links(after_story: str, heading: str) -> None:
    headline = "<h1>Harbour board picks ferry bid</h1>"
    html = f"<html><body><article>{headline}<p>{STORY}</p>{after_story}</body></html>"
    text, _ = _prune(html)
    assert "lower of two bids" in text
    assert heading not in text and "summer fair" not in text


def test_the_story_goes_on_after_a_more_on_tabs_block_set_inside_it() -> None:
    # a tab box ("More on World" / "More videos") between two sections of the story, then short paragraphs
    short = [
        "Crews worked through the night to clear the slipway before the first ferry.",
        "The ferry company said the new timetable would start on the first of the month.",
        "Residents on the quay said they had waited ten years for a terminal of this size.",
    ]
    html = (
        "<html><body><article><h1>Harbour board picks ferry bid</h1>"
        f"<p>{STORY}</p><h3>Work on the slipway begins</h3>"
        "<div class='c-tabs'><div class='c-tabs__tabContainer'><button>More on World</button>"
        "<button>More videos</button></div><div class='c-tabs__content'><ul>"
        f"<li><a href='/a'>{OTHER}</a></li></ul></div></div>"
        + "".join(f"<p>{line}</p>" for line in short)
        + "</article></body></html>"
    )
    text, _ = _prune(html)
    assert all(line in text for line in short)
    assert "More videos" not in text and "summer fair" not in text


def test_ruby_readings_stay_inline_in_their_sentence() -> None:
    html = (
        "<html><body><article><h1>港の防波堤が完成</h1><p>港湾局の<ruby>尹錫悦<rp>（</rp><rt>ユンソンニョル</rt>"
        "<rp>）</rp></ruby>局長は３日、新しい防波堤の完成を発表した。</p></article></body></html>"
    )
    tree = parse_html(html)
    assert tree is not None
    pruned = prune_furniture(tree, ["港の防波堤が完成"]).tree
    assert next(pruned.iter("ruby"), None) is None
    paragraph = pruned.find(".//p")
    assert paragraph is not None
    assert text_of(paragraph) == "港湾局の尹錫悦（ユンソンニョル）局長は３日、新しい防波堤の完成を発表した。"


FIRST_PART = (
    "The harbour board chose the lower of two bids for the new ferry terminal on Tuesday evening. "
    "Members said the cheaper bid met every condition the tender had set for the quay and the car deck."
)
SECOND_PART = (
    "Work on the terminal is due to start in the spring, once the old ticket hall has been cleared away. "
    "The contractor expects the new berth to take its first ferry before the summer timetable begins."
)


def _chunk(text: str, paragraphs: int = 4) -> str:
    return (
        "<div class='grid'><div class='grid__item'><div class='body body__container article__body'>"
        "<div class='body__inner'>" + f"<p>{text}</p>" * paragraphs + "</div></div></div></div>"
    )


AD_ROW = "<div class='row mid-content'><div class='ad ad--mid-content'><div class='slot'></div></div></div>"


def test_a_body_printed_in_chunks_between_ads_is_read_whole() -> None:
    # a template that sets an ad row between parts of the story prints the body as two containers
    html = (
        "<html><head><title>Harbour board picks ferry bid</title></head><body><main><article>"
        f"<header><h1>Harbour board picks ferry bid</h1></header>{_chunk(FIRST_PART)}{AD_ROW}"
        f"{_chunk(SECOND_PART, 3)}</article></main></body></html>"
    )
    article = extract_article(html, "https://harbourpost.example/news/ferry-bid", now=NOW)
    assert "lower of two bids" in article.text
    assert "first ferry before the summer timetable" in article.text


def test_the_next_story_of_an_endless_page_is_not_joined() -> None:
    # the same body class in another <article>, or under another headline, is another story
    next_story = (
        "<article><h1>Summer fair draws record crowds</h1>"
        + _chunk("A different story about the town's summer fair and its record crowds on the quay.")
        + "</article>"
    )
    html = (
        "<html><body><main><article><h1>Harbour board picks ferry bid</h1>"
        f"{_chunk(FIRST_PART)}</article>{next_story}</main></body></html>"
    )
    text, _ = _prune(html)
    tree = parse_html(html)
    assert tree is not None
    pruned = prune_furniture(tree, ["Harbour board picks ferry bid"]).tree
    first_body = next(e for e in pruned.iter("div") if "article__body" in (e.get("class") or ""))
    assert "summer fair" not in text_of(first_body) and "summer fair" in text
    same_article = (
        "<html><body><main><div class='stream'><h1>Harbour board picks ferry bid</h1>"
        f"{_chunk(FIRST_PART)}<h1>Summer fair draws record crowds</h1>"
        f"{_chunk('A different story about the summer fair.')}</div></main></body></html>"
    )
    tree = parse_html(same_article)
    assert tree is not None
    pruned = prune_furniture(tree, ["Harbour board picks ferry bid"]).tree
    first_body = next(e for e in pruned.iter("div") if "article__body" in (e.get("class") or ""))
    assert "summer fair" not in text_of(first_body)


def test_parts_of_a_body_named_like_it_are_not_chunks() -> None:
    # "story-body__media" names a block inside the body, not a body container: each stays where it is
    html = (
        "<html><body><div class='story-body'><h1>Harbour board picks ferry bid</h1>"
        "<p>The board met on Tuesday.</p><div class='story-body__media'>Photo: the old quay.</div>"
        "<p>Bids closed in May.</p><div class='story-body__media'>Photo: the ticket hall.</div>"
        "<p>Work starts in spring.</p></div></body></html>"
    )
    text, _ = _prune(html)
    order = ["met on Tuesday", "old quay", "closed in May", "ticket hall", "starts in spring"]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)


def test_a_listing_of_many_bodies_of_one_class_is_not_joined() -> None:
    teasers = "".join(_chunk(f"Teaser number {i} about the harbour and its ferries.", 1) for i in range(14))
    html = f"<html><body><main><h1>Harbour board picks ferry bid</h1>{teasers}</main></body></html>"
    tree = parse_html(html)
    assert tree is not None
    pruned = prune_furniture(tree, ["Harbour board picks ferry bid"]).tree
    first_body = next(e for e in pruned.iter("div") if "article__body" in (e.get("class") or ""))
    assert "Teaser number 1 " not in text_of(first_body)


def _reference_marker(value: str) -> str | None:
    """_attr_marker as first written, every test on every value: what its prefilters must give."""
    import re

    from copydesk.tasks.extract import furniture

    words = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", value).lower()) if w]
    if any(w in furniture.STRONG_MARKERS for w in words):
        return "strong"
    pairs = set(zip(words, words[1:], strict=False))
    if any(p in pairs for p in furniture.MARKER_PAIRS):
        return "strong"
    if any(w in furniture.WEAK_MARKERS for w in words):
        return "weak"
    if any(furniture.BODY_CONTAINER_RE.fullmatch(token) for token in value.split()):
        return furniture.BODY_CHUNK
    return None


def test_class_values_are_marked_as_every_test_on_them_marks_them() -> None:
    import random
    import re
    from pathlib import Path

    from copydesk.tasks.extract.furniture import _attr_marker

    pages = [p.read_text(encoding="utf-8", errors="replace") for p in Path("tests").rglob("*.html")]
    values = {v for page in pages for v in re.findall(r"""(?:class|id)=["']([^"']*)["']""", page)}
    words = ["Article", "article", "story", "post", "Body", "BODY", "body", "container", "entry", "Content"]
    words += ["app", "download", "most", "Read", "more", "stories", "share", "ad", "x", "İ", "\u212a", "-"]
    words += [
        "_",
        "__",
        "relatedStories",
        "mostPopular",
        "appDownload",
        "sideBar",
        "öffnen",
        "body-container",
    ]
    rng = random.Random(5)
    for _ in range(3000):
        parts = [rng.choice(words) for _ in range(rng.randint(1, 5))]
        values.add("".join(p + rng.choice(["", " ", "-", "_", "  "]) for p in parts))
    values |= {" ", "", "articleBody", "story__body", "entry-content", "body--container", "post_Body x"}
    kinds = Counter()
    for value in values:
        assert _attr_marker(value) == _reference_marker(value), value
        kinds[_reference_marker(value)] += 1
    assert all(kinds[kind] > 20 for kind in ("strong", "weak", "body", None)), kinds
