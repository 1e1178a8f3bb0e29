"""Standfirst: the visible lead between the headline and the body, which is part of the article.

trafilatura often leaves it out: it sits in the article's <header>, or in a block styled apart from the
body's paragraphs. A block is the standfirst when it comes after the headline and before the block where
the extracted text begins, and either its text is the page's description (og:description, description,
twitter:description, the JSON-LD description; templates fill those from the standfirst) or its class/id
names a standfirst (standfirst, lead, lede, teaser, intro, summary, subtitle, dek, excerpt, abstract...).
Found, and not already in the text, it becomes the text's first line.
"""

from collections.abc import Iterable, Iterator
from functools import lru_cache

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
BODY_START_LINES = 2
BODY_START_SCAN_LINES = 8
BODY_START_SCAN_CHARS = 200
MAX_CHILDREN = 3
MAX_CHARS = 1200
# the standfirst sits right after the headline: how many text-bearing elements the search looks at
MAX_ELEMENTS = 80
# a description cut short by the template ("...") still names the standfirst if it covers this much of it
PREFIX_SHARE = 0.6
ELLIPSIS = ("...", "…")


def _is_standfirst_class(element: HtmlElement) -> bool:
    value = attr_value(element)
    return value != " " and _standfirst_value(value)


@lru_cache(maxsize=8192)
def _standfirst_value(value: str) -> bool:
    """Whether a class/id value names a standfirst (cached: templates repeat their classes)."""
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


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _begins(text: str, body_starts: list[str]) -> bool:
    """Whether a block's whitespace-collapsed text begins the way one of the extracted text's first lines
    does (or is such a line's beginning). Both come from the same page text: no further normalising."""
    return any(
        text.startswith(start) or (len(text) >= MIN_START_CHARS and start.startswith(text))
        for start in body_starts
    )


def _following(start: HtmlElement, root: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after `start` in document order, its own descendants left out, up to the end of root."""
    node: HtmlElement | None = start
    while node is not None and node is not root:
        for sibling in node.itersiblings():
            yield from sibling.iter()
        node = node.getparent()


def find_standfirst(
    tree: HtmlElement,
    headline: list[HtmlElement],
    text: str,
    descriptions: Iterable[str | None],
    titles: Iterable[str | None] = (),
) -> str | None:
    """The standfirst's text when the extracted `text` lacks it, else None.

    A block that repeats one of the `titles` is the headline again, not a standfirst.
    """
    # where the extracted text begins: its first lines (the first may be a dateline above the headline)
    body_starts: list[str] = []
    for line in text.split("\n", BODY_START_SCAN_LINES)[:BODY_START_SCAN_LINES]:
        if line.strip():
            body_starts.append(_collapse(line[:BODY_START_SCAN_CHARS])[:60])
            if len(body_starts) == BODY_START_LINES:
                break
    if not body_starts:
        return None
    descriptions = [d for d in descriptions if d and len(d) >= MIN_CHARS]
    described: list[str] | None = None  # their matching keys, made when a block's length could match one
    lengths = [(PREFIX_SHARE * len(d) - 20, len(d) / PREFIX_SHARE + 20) for d in descriptions]
    # the headline's <h1>: the longest, where a site logo in an <h1> of its own matches the title too
    h1s = [node for node in headline if node.tag == "h1"]
    start = max(h1s, key=lambda h1: len(text_of(h1))) if len(h1s) > 1 else (h1s[0] if h1s else None)
    if start is not None:
        elements = _following(start, start.getroottree().getroot())
    else:
        body = tree.find(".//body")
        elements = (body if body is not None else tree).iter()
    seen = 0
    for element in elements:
        if not isinstance(element.tag, str):
            continue
        # the extracted text begins in this element's own text: no standfirst comes after it
        own = element.text
        if own and len(own) >= MIN_START_CHARS and _begins(_collapse(own), body_starts):
            return None
        # a standfirst, and the body's first paragraph, are small blocks: a container's whole text is not read
        if element.tag not in BLOCK_TAGS or len(element) > MAX_CHILDREN:
            continue
        raw = _collapse(text_of(element))
        if len(raw) < MIN_START_CHARS:
            continue
        if _begins(raw, body_starts):
            return None  # the extracted text begins here: no standfirst before it
        if len(body_starts[0]) >= MIN_CHARS and body_starts[0] in raw:
            continue  # it holds the body: not a standfirst (one of its children may be)
        if len(raw) < MIN_CHARS or len(raw) > MAX_CHARS:
            continue
        seen += 1
        if seen > MAX_ELEMENTS:
            return None
        described_here = False
        if any(low <= len(raw) <= high for low, high in lengths):
            described = _description_keys(descriptions) if described is None else described
            described_here = _matches_description(normalise_for_matching(raw), described)
        if described_here or (
            _is_standfirst_class(element) and next(element.iter("img", "figure"), None) is None
        ):
            if raw[:60] in _collapse(text):
                return None  # already in the text
            if raw.casefold() in {_collapse(t).casefold() for t in titles if t}:
                continue  # the headline again
            return raw
    return None
