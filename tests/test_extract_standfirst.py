"""Standfirst room: the visible lead between headline and body is part of the text."""

from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.furniture import prune_furniture
from copydesk.tasks.extract.standfirst import find_standfirst
from copydesk.tasks.extract.tree import parse_html
from tests.test_extract_article import NOW

HEADLINE = "Harbour board picks the lower ferry bid"
LEAD = "The board chose a bid eleven million below the other, but the new terminal opens a year later."
BODY = [
    "The harbour board met on Tuesday evening to weigh the two bids for the new ferry terminal on the quay.",
    "Its chair said the cheaper bid left room in the budget for the dredging the channel needs next spring.",
    "Work on the terminal's foundations is due to start in the autumn, once the old fish market is cleared.",
]
URL = "https://harbourpost.example/news/ferry-bid"


def _page(header_extra: str, *, description: str = LEAD, after_body: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return (
        f'<html><head><title>{HEADLINE}</title><meta property="og:description" content="{description}">'
        f'<meta property="og:title" content="{HEADLINE}"></head><body><article>'
        f"<header><h1>{HEADLINE}</h1>{header_extra}</header>"
        f'<div class="article-body">{paragraphs}</div></article>{after_body}</body></html>'
    )


def test_header_standfirst_equal_to_the_description_leads_the_text() -> None:
    article = extract_article(_page(f'<div class="sc-x1 qKa">{LEAD}</div>'), URL, now=NOW)
    assert article.text.split("\n")[0] == LEAD
    assert BODY[0] in article.text


def test_standfirst_named_by_its_class_leads_the_text() -> None:
    html = _page(f'<p class="article-subtitle">{LEAD}</p>', description="Ferry bids weighed.")
    article = extract_article(html, URL, now=NOW)
    assert article.text.split("\n")[0] == LEAD


def test_description_cut_short_with_an_ellipsis_still_names_the_standfirst() -> None:
    html = _page(f"<div>{LEAD}</div>", description=LEAD[:70] + "…")
    assert extract_article(html, URL, now=NOW).text.split("\n")[0] == LEAD


def test_image_caption_with_a_lead_class_is_not_a_standfirst() -> None:
    caption = "The old fish market on the quay, photographed from the harbour wall on a winter morning."
    html = _page(
        f'<div class="lead-art-block"><img src="/a.jpg"><span>{caption}</span></div>', description="x"
    )
    article = extract_article(html, URL, now=NOW)
    assert caption not in article.text
    assert article.text.split("\n")[0] == BODY[0]


def test_text_after_the_body_start_is_never_taken_as_standfirst() -> None:
    teaser = f'<aside class="x"><div class="teaser">{LEAD}</div></aside>'
    tree = parse_html(_page("", after_body=teaser))
    assert tree is not None
    pruned = prune_furniture(tree, [HEADLINE])
    assert find_standfirst(pruned.tree, pruned.headline, "\n".join(BODY), [LEAD]) is None


def test_a_standfirst_already_in_the_text_is_not_repeated() -> None:
    tree = parse_html(_page(f"<div>{LEAD}</div>"))
    assert tree is not None
    pruned = prune_furniture(tree, [HEADLINE])
    assert find_standfirst(pruned.tree, pruned.headline, "\n".join([LEAD, *BODY]), [LEAD]) is None
    assert find_standfirst(pruned.tree, pruned.headline, "\n".join(BODY), [LEAD]) == LEAD


def test_a_headline_printed_apart_from_its_kicker_is_not_the_lead_and_does_not_hide_it() -> None:
    # og:title "<kicker>: <headline>"; the page prints the kicker in the <h1>, the headline under it
    lead = "Work on the harbour wall starts in May. What it costs and how long the quay stays closed."
    body = "The harbour board signed the contract for the new wall on Tuesday after a long debate. " * 4
    html = (
        '<html><head><meta property="og:title" content="Harbour works 2025: When they start - and what '
        f'they cost"><meta name="description" content="{lead}"></head><body><article>'
        "<h1>Harbour works 2025</h1><div class='article__subheadline'>When they start - and what they cost"
        f"</div><figure><img src='/wall.jpg'><figcaption>The old wall.</figcaption></figure>"
        f"<p class='article__teaser-text'>{lead}</p><p>{body}</p></article></body></html>"
    )
    article = extract_article(html, "https://harbourpost.example/news/wall-2025", now=NOW)
    assert article.text.split("\n")[0] == lead
    assert "When they start" not in article.text
