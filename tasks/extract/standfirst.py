"""Standfirst: the visible lead between the headline and the body, which is part of the article.

trafilatura often leaves it out: it sits in the article's <header>, or in a block styled apart from the
body's paragraphs. A block is the standfirst when it comes after the headline and before the block where
the extracted text begins, and either its text is the page's description (og:description, description,
twitter:description, the JSON-LD description; templates fill those from the standfirst) or its class/id
names a standfirst (standfirst, lead, lede, teaser, intro, summary, subtitle, dek, excerpt, abstract...).
Found, and not already in the text, it becomes the text's first line.
"""

from collections.abc import Iterable

from lxml.html import HtmlElement

from copydesk.tasks.clean import normalise_for_matching
from copydesk.tasks.extract.tree import attr_value, text_of, value_words

STANDFIRST_WORDS = frozenset(
    {
        "standfirst", "lead", "lede", "leadtext", "teaser", "intro", "introduction", "summary", "subtitle",
        "subheadline", "subhead", "dek", "deck", "excerpt", "abstract", "sapo", "chapeau", "vorspann",
        "ingress", "ingres", "bajada", "entradilla",
    }
)  # fmt: skip
# class/id words of blocks that share a standfirst word but hold media, bylines or dates ("lead-art-block")
NOT_STANDFIRST_WORDS = frozenset(
    {
        "art", "image", "img", "photo", "media", "figure", "video", "caption", "picture", "gallery", "credit",
        "byline", "author", "date", "time", "meta", "related", "teasers", "list", "item", "link", "links",
    }
)  # fmt: skip
STANDFIRST_PAIRS = (("sub", "title"), ("sub", "headline"), ("sub", "heading"), ("article", "description"))
BLOCK_TAGS = frozenset({"p", "div", "h2", "h3", "h4", "span", "section", "header", "strong", "em", "b", "li"})
MIN_CHARS = 30
# a block this long that begins the extracted text marks where the body starts
MIN_START_CHARS = 12
MAX_CHILDREN = 3
MAX_CHARS = 1200
# the standfirst sits right after the headline: how many text-bearing elements the search looks at
MAX_ELEMENTS = 80
# a description cut short by the template ("...") still names the standfirst if it covers this much of it
PREFIX_SHARE = 0.6
ELLIPSIS = ("...", "…")


def _is_standfirst_class(element: HtmlElement) -> bool:
    value = attr_value(element)
    if value == " ":
        return False
    words = value_words(value)
    if any(w in NOT_STANDFIRST_WORDS for w in words):
        return False
    if any(w in STANDFIRST_WORDS for w in words):
        return True
    pairs = set(zip(words, words[1:], strict=False))
    return any(p in pairs for p in STANDFIRST_PAIRS)


def _matches_description(key: str, descriptions: list[str]) -> bool:
    for description in descriptions:
        if key == description:
            return True
        if len(description) >= PREFIX_SHARE * len(key) and key.startswith(description):
            return True
    return False


def _description_keys(descriptions: Iterable[str | None]) -> list[str]:
    keys = []
    for description in descriptions:
        if not description:
            continue
        key = normalise_for_matching(description)
        for ellipsis in ELLIPSIS:
            key = key.removesuffix(ellipsis).rstrip()
        if len(key) >= MIN_CHARS:
            keys.append(key)
    return keys


def _begins(key: str, body_start: str) -> bool:
    """Whether a block's text begins the way the extracted text does (or is that text's first line)."""
    if not body_start:
        return False
    return key.startswith(body_start) or (len(key) >= MIN_START_CHARS and body_start.startswith(key))


def find_standfirst(
    tree: HtmlElement, headline: list[HtmlElement], text: str, descriptions: Iterable[str | None]
) -> str | None:
    """The standfirst's text when the extracted `text` lacks it, else None."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    body_start = normalise_for_matching(lines[0])[:60]
    described = _description_keys(descriptions)
    start = next((node for node in headline if node.tag == "h1"), None)
    body = tree.find(".//body")
    seen = 0
    after_headline = start is None
    for element in (body if body is not None else tree).iter():
        if not after_headline:
            after_headline = element is start
            continue
        if not isinstance(element.tag, str):
            continue
        # the extracted text begins in this element's own text: no standfirst comes after it
        own = element.text
        if own and len(own) >= MIN_START_CHARS and _begins(normalise_for_matching(own), body_start):
            return None
        # a standfirst, and the body's first paragraph, are small blocks: a container's whole text is not read
        if element.tag not in BLOCK_TAGS or len(element) > MAX_CHILDREN:
            continue
        if start is not None and start in element.iterancestors():
            continue  # inside the headline
        raw = text_of(element)
        if len(raw) < MIN_START_CHARS:
            continue
        key = normalise_for_matching(raw)
        if _begins(key, body_start):
            return None  # the extracted text begins here: no standfirst before it
        if len(raw) < MIN_CHARS or len(key) > MAX_CHARS:
            continue
        seen += 1
        if seen > MAX_ELEMENTS:
            return None
        if _matches_description(key, described) or (
            _is_standfirst_class(element) and next(element.iter("img", "figure"), None) is None
        ):
            if key[:60] in normalise_for_matching(text):
                return None
            return " ".join(raw.split())
    return None
