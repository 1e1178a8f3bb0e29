"""Access room: paywalled, teaser or free."""

import pytest

from copydesk.tasks.clean import has_cues
from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.access import PAYWALL_CUES, PAYWALL_TEXT_RE
from tests.test_extract_article import NOW


def test_paywalled_from_json_ld() -> None:
    html = """<html><head><title>Budget talks stall</title>
    <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
    "headline":"Budget talks stall","datePublished":"2025-06-18T10:00:00Z","isAccessibleForFree":"False",
    "hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".locked"}}</script>
    </head><body><article><h1>Budget talks stall</h1>
    <p>Negotiators left the finance ministry after midnight without an agreement on next year's spending plan,
    and both sides said they would not return before Monday.</p>
    <div class="locked"><p>Subscribe to continue reading.</p></div></article></body></html>"""
    article = extract_article(html, "https://paper.example/politics/budget-talks", now=NOW)
    assert article.access == "paywalled"
    assert article.published_at_source == "jsonld"


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to continue reading.",
        "LOG IN TO KEEP READING",
        "This story is available to paying subscribers only",
        "To continue reading, please sign in",
        "この記事は有料会員限定です",
        "유료회원 전용 기사입니다",
        "付费阅读",
    ],
)
def test_paywall_cues_hold_for_every_match(line: str) -> None:
    # the cue test skips the regex: it must never say no where the regex says yes
    assert PAYWALL_TEXT_RE.search(line)
    assert has_cues(line, PAYWALL_CUES)
    assert not has_cues("A plain sentence about the harbour.", PAYWALL_CUES)
