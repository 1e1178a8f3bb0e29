"""Page furniture, pruned from the HTML tree before trafilatura reads it.

Elements whose class/id names related stories, recommendations, newsletters, share/social bars, promos,
comments, Outbrain/Taboola, app downloads, and <aside>, go; never an ancestor of the headline or of
itemprop=articleBody, nor an element holding over 70% of the page's words (50% for the weak markers share,
social, promo, ads, aside). Blocks led by a "Related Articles"/"Comments"/"Download the App" heading after
the headline go too. A body printed as several containers of one class (ad rows between its parts) is
joined into its first container, which is all trafilatura reads. Figures: bench/results/extraction.md.
"""

import re
from collections.abc import Iterable
from copy import deepcopy
from functools import lru_cache
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from copydesk.tasks.clean import END_HEADING_RE, normalise_for_matching
from copydesk.tasks.extract.tree import attr_value, text_of, value_words, with_itemprop

# class/id words that name page furniture; "strong" ones never name an article body
STRONG_MARKERS = frozenset(
    {
        "related", "relatedarticles", "relatedstories", "recommended", "recommendation", "recommendations",
        "recommend", "outbrain", "taboola", "comments", "comment", "disqus", "appdownload", "trending",
        "mostread", "mostpopular", "morestories", "readmore", "newsletter", "newsletters", "signup",
        "breadcrumb", "breadcrumbs",
    }
)  # fmt: skip
WEAK_MARKERS = frozenset(
    {
        "share", "sharing", "sharebar", "sharetools", "social", "socials", "promo", "promos", "advert",
        "advertisement", "ad", "ads", "sidebar", "subscribe", "popular",
    }
)  # fmt: skip
MARKER_PAIRS = (
    ("app", "download"),
    ("download", "app"),
    ("most", "read"),
    ("most", "popular"),
    ("more", "stories"),
)
# the words of MARKER_PAIRS: a value without any holds none of its pairs
_PAIR_WORDS = frozenset(word for pair in MARKER_PAIRS for word in pair)
ALWAYS_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe")
PROTECTED_TAGS = frozenset({"html", "body", "main"})
# a marked element holding this share of the page's words is more likely the body with an odd class name
# ("story has-comments"); strong markers get more room because related blocks with full stories are long
WEAK_SHARE_LIMIT = 0.5
STRONG_SHARE_LIMIT = 0.7
# h1 too: some templates title every box with one ("<h1>You might also like</h1>" after the headline's)
SECTION_HEADING_TAGS = (
    "h1", "h2", "h3", "h4", "h5", "h6", "div", "p", "span", "strong", "b", "header", "section",
)  # fmt: skip
# blocks after a section heading that still go with it: short ones or link lists
SECTION_SIBLING_WORDS = 40
SECTION_HEADING_CHILDREN = 3
SECTION_HEADING_MAX_CHARS = 50
SECTION_SIBLING_LINKS = 0.5
# a <p> of this many words, mostly not links, after a furniture block set inside the story ("More on World"
# tabs between two of its sections) is the story going on
PROSE_MIN_WORDS = 8


# a class or id naming the container of an article's body as a whole ("article__body", "articleBody",
# "body__container"; not "story-body__link", a part of it)
BODY_CONTAINER_RE = re.compile(r"(?:article|story|post)[-_]*body|body[-_]*container|entry[-_]*content", re.I)
BODY_CONTAINER_TAGS = frozenset({"div", "section", "article", "main"})
# what every match of BODY_CONTAINER_RE holds, lower-cased: most values have neither
_BODY_CONTAINER_CUES = ("body", "content")
# more containers of one body class than this are a listing of many stories, not one story in parts
MAX_BODY_CHUNKS = 12
BODY_CHUNK = "body"


# the elements _marker_strength can mark, selected in C (document order): the rest need no look
MARKABLE_XPATH = etree.XPath("//*[@class or @id or @role] | //aside")


# room for the distinct class/id values of many outlets' templates: hashed CSS-in-JS class names make real
# pages' values many, and a miss costs the word split below
@lru_cache(maxsize=32768)
def _attr_marker(value: str) -> str | None:
    """'strong', 'weak' or None for the words of a class/id value (cached: templates repeat their classes);
    BODY_CHUNK for a value that names the article's body container and no furniture."""
    words = value_words(value)
    if not STRONG_MARKERS.isdisjoint(words):
        return "strong"
    if not _PAIR_WORDS.isdisjoint(words):
        pairs = set(zip(words, words[1:], strict=False))
        if any(p in pairs for p in MARKER_PAIRS):
            return "strong"
    if not WEAK_MARKERS.isdisjoint(words):
        return "weak"
    lowered = value.lower()
    if any(cue in lowered for cue in _BODY_CONTAINER_CUES) and any(
        BODY_CONTAINER_RE.fullmatch(token) for token in value.split()
    ):
        return BODY_CHUNK
    return None


def _marker_strength(element: HtmlElement) -> str | None:
    """'strong', 'weak' or None for how surely the element's class/id/tag names page furniture (BODY_CHUNK:
    it names the article's body)."""
    value = attr_value(element)
    strength = _attr_marker(value) if value != " " else None
    if strength and strength != BODY_CHUNK:
        return strength
    if element.tag == "aside" or (element.get("role") or "").lower() == "complementary":
        return "weak"
    return strength


def _text_len(element: HtmlElement) -> int:
    return len(text_of(element).split()) if element is not None else 0


def headline_nodes(tree: HtmlElement, titles: Iterable[str]) -> list[HtmlElement]:
    """The element carrying the page title (an h1, else any block whose text is the title) and articleBody."""
    keys = [k for k in (normalise_for_matching(t) for t in titles if t) if len(k) >= 8]
    found: list[HtmlElement] = []
    for h1 in tree.iter("h1"):
        text = normalise_for_matching(text_of(h1))
        if len(text) >= 8 and any(text in k or k in text for k in keys):
            found.append(h1)
    if not found and keys:
        # templates that style a div as the headline
        body = tree.find(".//body")
        for element in (body if body is not None else tree).iter(
            "h2", "div", "p", "span", "strong", "header"
        ):
            if len(element) <= 2 and normalise_for_matching(text_of(element)) in keys:
                found.append(element)
                break
    found.extend(with_itemprop(tree, "articleBody"))
    return found


def _leads(parent: HtmlElement, child: HtmlElement) -> bool:
    """True when nothing with text comes before `child` inside `parent`."""
    if (parent.text or "").strip():
        return False
    for sibling in child.itersiblings(preceding=True):
        if text_of(sibling).strip() or (sibling.tail or "").strip():
            return False
    return True


def _link_density(element: HtmlElement) -> float:
    total = len(text_of(element).strip())
    if not total:
        return 1.0
    linked = sum(len(text_of(a).strip()) for a in element.iter("a"))
    return linked / total


def cut_headed_sections(tree: HtmlElement, headline: list[HtmlElement]) -> int:
    """Remove "Related Articles"/"Comments"/"Download the App" sections that follow the headline, in place.

    A section is the largest block that starts with such a heading, plus the link lists or short blocks that
    follow it up to the first paragraph of prose; trafilatura often drops the heading itself, and the
    text-level cut then has nothing to cut at.
    """
    if not headline:
        return 0
    order: dict[HtmlElement, int] = {}
    start = 0
    protected = {a for node in headline for a in node.iterancestors()} | set(headline)
    removed = 0
    # the cheap tests first; a section's removal changes nothing that comes after it in document order
    for element in list(tree.iter(*SECTION_HEADING_TAGS)):
        if len(element) > SECTION_HEADING_CHILDREN:
            continue
        own = element.text
        if (
            own
            and len(own) > SECTION_HEADING_MAX_CHARS
            and len(" ".join(own.split())) > SECTION_HEADING_MAX_CHARS
        ):
            continue  # a paragraph, not a heading: its own text is already too long (no serialising needed)
        text = " ".join(text_of(element).split())
        if not text or len(text) > SECTION_HEADING_MAX_CHARS or not END_HEADING_RE.match(text):
            continue
        if not order:  # document order, taken before anything is removed
            order = {e: i for i, e in enumerate(tree.iter())}
            start = (
                max(order.get(node, 0) for node in headline if node.tag == "h1")
                if any(node.tag == "h1" for node in headline)
                else min(order.get(node, 0) for node in headline)
            )
        if order.get(element, 0) <= start or element in protected:
            continue
        if not any(a.tag == "body" for a in element.iterancestors()):
            continue  # already removed with an ancestor
        block = element
        parent = block.getparent()
        while (
            parent is not None
            and parent.tag not in PROTECTED_TAGS
            and parent not in protected
            and _leads(parent, block)
        ):
            block, parent = parent, parent.getparent()
        if parent is None:
            continue
        doomed = [block]
        for sibling in block.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if _link_density(sibling) < SECTION_SIBLING_LINKS and (
                _text_len(sibling) > SECTION_SIBLING_WORDS
                or (sibling.tag == "p" and _text_len(sibling) >= PROSE_MIN_WORDS)
            ):
                break  # the article goes on: a long block, or a paragraph of prose however short
            doomed.append(sibling)
        for element_ in doomed:
            element_.drop_tree()
            removed += 1
    return removed


def inline_ruby(tree: HtmlElement) -> None:
    """Make each <ruby> annotation plain text in its line ("尹錫悦（ユンソンニョル）"), in place.

    trafilatura breaks the line around a ruby element and drops its reading, splitting the sentence.
    """
    for ruby in list(tree.iter("ruby")):
        parent = ruby.getparent()
        if parent is None:
            continue
        text = text_of(ruby) + (ruby.tail or "")
        previous = ruby.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(ruby)


def _nearest_article(element: HtmlElement) -> HtmlElement | None:
    return next(element.iterancestors("article"), None)


def join_body_chunks(chunks: list[HtmlElement]) -> int:
    """Move the article's later body chunks into its first, in place; how many were joined.

    Templates that set ads or promotions between parts of a story print the body as several containers of
    one class ("body__container article__body" twice, an ad row between); trafilatura reads the first
    container it finds, and the story stops where the first chunk does. A later container joins only while
    it is still on the page, is of the same <article> (or of none, as the first), holds no <h1>, and no other
    <h1> than one (the headline's) stands in the smallest block holding both: another story printed below
    this one, as endless-scroll templates do, comes with its own headline or <article>.
    """
    first = chunks[0]
    if not any(a.tag == "body" for a in first.iterancestors()):
        return 0
    article = _nearest_article(first)
    first_ancestors = set(first.iterancestors())
    joined = 0
    for chunk in chunks[1:]:
        lineage = list(chunk.iterancestors())
        if first in lineage or chunk in first_ancestors or not any(a.tag == "body" for a in lineage):
            continue
        if _nearest_article(chunk) is not article or next(chunk.iter("h1"), None) is not None:
            break
        common = next(a for a in lineage if a in first_ancestors)
        if sum(1 for _ in common.iter("h1")) > 1:
            break
        if (chunk.text or "").strip():
            first.append(first.makeelement("p"))
            first[-1].text = chunk.text
        for child in list(chunk):
            first.append(child)
        chunk.drop_tree()
        joined += 1
    return joined


class Pruned(NamedTuple):
    """The pruned copy of the page, how many blocks went, and its headline and articleBody elements."""

    tree: HtmlElement
    removed: int
    headline: list[HtmlElement]


def prune_furniture(tree: HtmlElement, titles: Iterable[str]) -> Pruned:
    """A copy of the tree without scripts and furniture blocks."""
    tree = deepcopy(tree)
    for element in list(tree.iter(*ALWAYS_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    inline_ruby(tree)
    headline = headline_nodes(tree, titles)
    protected: set[HtmlElement] = set()
    for node in headline:
        protected.update(node.iterancestors())
        protected.add(node)
    body = tree.find(".//body")
    total = -1  # the page's words, counted before the first removal and only if some element is marked
    removed = 0
    chunks: dict[str, list[HtmlElement]] = {}
    for element in MARKABLE_XPATH(tree):
        if element.tag in PROTECTED_TAGS or element.getparent() is None:
            continue
        strength = _marker_strength(element)
        if strength == BODY_CHUNK and element.tag in BODY_CONTAINER_TAGS:
            chunks.setdefault(attr_value(element), []).append(element)
            continue
        if strength in (None, BODY_CHUNK) or element in protected:
            continue
        limit = STRONG_SHARE_LIMIT if strength == "strong" and protected else WEAK_SHARE_LIMIT
        if total < 0:
            total = _text_len(body if body is not None else tree)
        if _text_len(element) > limit * total:
            continue
        # an ancestor already went: the loop still yields its detached descendants
        if any(a.tag == "body" for a in element.iterancestors()) or body is None:
            element.drop_tree()
            removed += 1
    removed += cut_headed_sections(tree, headline)
    for same in chunks.values():
        if 1 < len(same) <= MAX_BODY_CHUNKS:
            join_body_chunks(same)
    return Pruned(tree, removed, headline)
