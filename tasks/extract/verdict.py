"""The verdict on pages that yield no article (ExtractionError.kind, stored in `failures`).

"blocked" for bot challenge markup, or captcha/"Access denied"/"enable JavaScript" wording on a page with
almost no text and no article markup; "empty" when no text is left; "not_article" for index and list pages
(text made mostly of the page's link texts; short text on a link-heavy page without article markup;
one-line teasers under headline links on a page without article markup), and for "page not found" pages
served with status 200. Short briefs with article markup are kept.
"""

import re
from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement

from copydesk.tasks.botwall import INTERSTITIAL_RE, has_challenge_marker
from copydesk.tasks.clean import normalise_for_matching
from copydesk.tasks.extract.jsonld import INDEX_TYPES
from copydesk.tasks.extract.meta import PageMeta
from copydesk.tasks.extract.tree import text_of, with_itemprop

# text this long is an article whatever markup the page carries; bot challenges are shorter
BLOCKED_MAX_TEXT = 600
INTERSTITIAL_MAX_TEXT = 200
# text made mostly of link texts is a list of headlines
LINK_LINE_SHARE_INDEX = 0.6
LINK_LINE_SHARE_ALWAYS = 0.8
SHORT_TEXT_WORDS = 40
LINK_LINE_SLACK = 3
PAGE_LINK_DENSITY_INDEX = 0.5
# a page without article markup that lists headline links and whose text is one-liners is an index
INDEX_HEADLINE_LINKS = 5
INDEX_MAX_MEAN_LINE = 80
SOFT_404_MAX_WORDS = 80
SOFT_404_RE = re.compile(
    r"\b(?:page not found|404 (?:error|not found)|error 404|(?:couldn'?t|could not|can'?t|cannot) find "
    r"(?:that|this|the) page|page (?:you requested |you are looking for )?(?:does not|doesn'?t) exist"
    r"|page (?:is )?no longer available)\b"
    r"|ページが見つかりません|페이지를 찾을 수 없습니다",
    re.IGNORECASE,
)


class ExtractionError(Exception):
    """A page that yields no article; `kind` is a short machine-readable class stored in `failures`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


def is_blocked(html: str, tree: HtmlElement, page: PageMeta, text_len: int) -> bool:
    """True for bot challenges, captchas and access-denied or enable-JavaScript interstitials."""
    if text_len > BLOCKED_MAX_TEXT:
        return False
    if has_challenge_marker(html):
        return True
    has_article_markup = page.article_ld or (page.first("og:type") or "").lower() == "article"
    if text_len > INTERSTITIAL_MAX_TEXT or has_article_markup:
        return False
    return bool(INTERSTITIAL_RE.search(f"{page.title_tag or ''}\n{_visible_text(tree)[:2000]}"))


def _visible_text(tree: HtmlElement) -> str:
    """The body's text without scripts and styles; noscript stays, since interstitials speak there."""
    body = tree.find(".//body")
    if body is None:
        return ""
    body = deepcopy(body)
    etree.strip_elements(body, "script", "style", "template", with_tail=False)
    return " ".join(text_of(body).split())


def _anchor_texts(tree: HtmlElement) -> tuple[set[str], int]:
    """Normalised texts of the page's links (20+ characters) and their total length."""
    texts: set[str] = set()
    total = 0
    for anchor in tree.iter("a"):
        text = " ".join(text_of(anchor).split())
        total += len(text)
        if len(text) >= 20:
            texts.add(normalise_for_matching(text))
    return texts, total


def _headline_links(tree: HtmlElement) -> int:
    """Headings that hold a link with a headline-length text: the teasers of an index page."""
    count = 0
    for heading in tree.iter("h2", "h3", "h4"):
        if any(len(" ".join(text_of(a).split())) >= 20 for a in heading.iter("a")):
            count += 1
    return count


def _link_line_share(text: str, anchors: set[str]) -> float:
    if not anchors:
        return 0.0  # no line is link text
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    total = sum(len(line) for line in lines)
    if not total:
        return 0.0
    # normalising shortens a line by at most its extra whitespace and combining marks, or lengthens it
    # ("…" -> "..."): a line far longer than every link text is none of them, and is not normalised
    longest = LINK_LINE_SLACK * max(map(len, anchors))
    linked = sum(
        len(line) for line in lines if len(line) <= longest and normalise_for_matching(line) in anchors
    )
    return linked / total


def reject_non_article(
    page: PageMeta, tree: HtmlElement, pruned: HtmlElement, raw_text: str, text: str, word_count: int
) -> None:
    """Raise ExtractionError("not_article") for index/list pages and "page not found" pages."""
    article_evidence = (
        bool(page.article_ld)
        or (page.first("og:type") or "").lower() == "article"
        or bool(page.first("article:published_time") or with_itemprop(tree, "articleBody"))
    )
    anchors, linked_chars = _anchor_texts(tree)
    share = _link_line_share(raw_text, anchors)
    if share >= LINK_LINE_SHARE_ALWAYS or (share >= LINK_LINE_SHARE_INDEX and not article_evidence):
        raise ExtractionError("not_article", f"{share:.0%} of the text is link text")
    # the page-wide measures below decide only where the page shows no article evidence (most articles do)
    if not article_evidence and word_count < SHORT_TEXT_WORDS:
        body = tree.find(".//body")
        body_chars = len(" ".join(text_of(body if body is not None else tree).split())) or 1
        if linked_chars / body_chars >= PAGE_LINK_DENSITY_INDEX:
            raise ExtractionError("not_article", f"{word_count} words on a page of links")
    if word_count < SOFT_404_MAX_WORDS and SOFT_404_RE.search(f"{page.title_tag or ''}\n{text[:300]}"):
        raise ExtractionError("not_article", "a 'page not found' page served as a page")
    if article_evidence:
        return
    index_evidence = (page.first("og:type") or "").lower() == "website" or bool(page.ld_types & INDEX_TYPES)
    teasers = _headline_links(pruned)
    lines = [line for line in text.split("\n") if line.strip()]
    mean_line = sum(len(line) for line in lines) / max(1, len(lines))
    if (index_evidence or teasers >= INDEX_HEADLINE_LINKS) and mean_line < INDEX_MAX_MEAN_LINE:
        raise ExtractionError("not_article", f"{teasers} headline links and {mean_line:.0f}-character lines")
