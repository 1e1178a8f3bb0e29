"""Signs of bot walls (JavaScript challenges, captchas, access-denied interstitials), shared by the fetcher,
which sees them on 403/429/503 responses, and the extractor, which sees them on 200 and 202 pages."""

import re
from collections.abc import Mapping

CHALLENGE_MARKERS = (
    "cf-browser-verification", "cf_chl_", "/cdn-cgi/challenge-platform/", "cf-challenge", "px-captcha",
    "_incapsula_resource", "captcha-delivery.com", "geo.captcha-delivery", "perimeterx", "awswaf",
)  # fmt: skip
# words an interstitial shows; real pages print some of them too (noscript notes, comment captchas), so
# they count only on a page with almost no text and no article markup
INTERSTITIAL_RE = re.compile(
    r"just a moment|checking your browser|attention required|pardon our interruption"
    r"|are you a (?:robot|human)|unusual traffic|access denied|access to this page has been denied"
    r"|you don'?t have permission to access"
    r"|(?:please )?enable javascript|javascript is disabled|verify (?:that )?you are (?:a )?human"
    r"|request unsuccessful|bot verification|captcha",
    re.IGNORECASE,
)
# how much of an error response the fetcher reads to recognise a wall
ERROR_BODY_SNIFF_BYTES = 64 * 1024
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def has_challenge_marker(html: str) -> bool:
    """True when the markup carries a known bot-protection vendor's challenge code."""
    lowered = html[:300_000].lower()
    return any(marker in lowered for marker in CHALLENGE_MARKERS)


def is_wall_response(headers: Mapping[str, str], body: bytes) -> bool:
    """True for an HTTP error response that is a bot wall rather than a plain error page."""
    if any(k.lower() == "cf-mitigated" and "challenge" in v.lower() for k, v in headers.items()):
        return True
    html = body[:ERROR_BODY_SNIFF_BYTES].decode("utf-8", errors="replace")
    if has_challenge_marker(html):
        return True
    visible = " ".join(_TAGS.sub(" ", html).split())
    return len(visible) < 600 and bool(INTERSTITIAL_RE.search(visible))
