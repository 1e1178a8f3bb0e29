"""Access: whether a reader gets the whole article.

"paywalled" when JSON-LD isAccessibleForFree (or a hasPart's) is false, article:content_tier is locked, or
the text ends in a subscribe-to-continue prompt; "teaser" when the text (or a link on the page) says
"Continue reading at ..." and the text has at most 300 words, or when it has under 60% of the words of the
feed's description; "free" when JSON-LD says so or the text has 150+ words with no paywall sign; None
otherwise.
"""

import re
from typing import Literal

from lxml.html import HtmlElement

from copydesk.tasks.clean import READ_ELSEWHERE_RE, has_cues
from copydesk.tasks.extract.jsonld import is_false
from copydesk.tasks.extract.meta import PageMeta
from copydesk.tasks.extract.tree import text_of
from copydesk.tasks.extract.words import count_words
from copydesk.tasks.models import Link

Access = Literal["free", "paywalled", "teaser"]

PAYWALL_TEXT_RE = re.compile(
    r"(?:subscribe|subscription|log in|sign in) to (?:continue|read|keep reading|unlock)"
    r"|(?:this (?:article|story|content) is )?(?:for|available to|exclusive to) (?:paying )?"
    r"subscribers(?: only)?"
    r"|to continue reading,? (?:please )?(?:subscribe|log in|sign in)"
    r"|この記事は(?:有料|会員)|유료 ?회원|付费(?:内容|阅读)",
    re.IGNORECASE,
)
# what every match of PAYWALL_TEXT_RE contains (casefolded), tested before the regex (see clean.has_cues)
PAYWALL_CUES = (("subscri", "log in", "sign in", "この記事は", "유료", "付费"),)
LOCKED_TIERS = frozenset({"locked", "premium", "subscriber", "paid"})
TEASER_RATIO = 0.6
TEASER_MAX_WORDS = 300
FREE_MIN_WORDS = 150


def paywalled(page: PageMeta, text: str) -> bool | None:
    """True/False when the page says whether it is free, None when it does not."""
    article = page.article_ld or {}
    if is_false(article.get("isAccessibleForFree")):
        return True
    parts = article.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict) and is_false(part.get("isAccessibleForFree")):
            return True
    tier = (page.first("article:content_tier") or "").lower()
    if tier in LOCKED_TIERS:
        return True
    tail = "\n".join(text.rsplit("\n", 3)[-3:])
    if len(tail) < 2000 and has_cues(tail, PAYWALL_CUES) and PAYWALL_TEXT_RE.search(tail):
        return True
    free = article.get("isAccessibleForFree")
    if free is True or (isinstance(free, str) and free.strip().lower() == "true") or tier == "free":
        return False
    return None


def links_elsewhere(tree: HtmlElement) -> bool:
    """True when the page links to the rest of its story ("Continue reading at X"), dropped by trafilatura."""
    return any(READ_ELSEWHERE_RE.match(" ".join(text_of(a).split())) for a in tree.iter("a"))


def access_of(paywall: bool | None, teaser_marker: bool, word_count: int, link: Link | None) -> Access | None:
    """'paywalled', 'teaser', 'free' or None (unknown), by the rules in this module's docstring."""
    feed_words = count_words(link.description) if link and link.description else 0
    if paywall:
        return "paywalled"
    if (teaser_marker and word_count <= TEASER_MAX_WORDS) or (
        feed_words and word_count < TEASER_RATIO * feed_words
    ):
        return "teaser"
    if paywall is False or word_count >= FREE_MIN_WORDS:
        return "free"
    return None
