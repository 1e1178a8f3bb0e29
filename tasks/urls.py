"""URLs as copydesk identifies articles by them: the canonical form, and the article id made from it.

Apart from extraction (tasks/extract/) so that the processes that only fetch, select and load do not import
trafilatura for them.
"""

import hashlib
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# only names that never select content: a dropped content parameter would merge two articles
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id", "igshid",
        "igsh", "mc_cid", "mc_eid", "ocid", "cmpid", "cmp", "_ga", "_gl", "ref", "ref_src", "ref_url", "spm",
        "scm", "smid", "smtyp", "sr_share", "s_cid", "icid", "ito", "ns_mchannel", "ns_source", "ns_campaign",
        "ns_linkname", "ns_fee", "guccounter", "guce_referrer", "guce_referrer_sig", "wt.mc_id", "wt_mc_id",
        "xtor", "__twitter_impression", "traffic_source", "amp", "outputtype",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "at_", "mc_", "_hs", "hsa_", "pk_", "mtm_", "matomo_", "piwik_", "vero_", "oly_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Google's AMP cache: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path
AMP_CACHE_RE = re.compile(r"^/[cv]/(?:s/)?(?P<rest>[^/].*)$")


def _strip_amp_path(path: str) -> str:
    """Drop AMP markers from a path: a trailing /amp, an /amp/ segment, an .amp.html suffix."""
    if path.endswith(".amp.html"):
        return path[: -len(".amp.html")] + ".html"
    if path.endswith(".amp"):
        return path[: -len(".amp")]
    segments = path.split("/")
    if "amp" in segments:
        kept = [s for s in segments if s != "amp"]
        # /news/story/amp/ -> /news/story/, /amp/news/story -> /news/story
        path = "/".join(kept) or "/"
        if not path.startswith("/"):
            path = "/" + path
    return path


# a page asks for its URLs' canonical forms ~4 times (ids, its own URL, its canonical link, the feed's)
@lru_cache(maxsize=16384)
def canonical_url(url: str) -> str:
    """The URL with tracking parameters, fragment, default port and AMP variant removed, query sorted."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower() or "https"
    host = (parts.hostname or "").lower().rstrip(".")
    path = parts.path or "/"
    if host.endswith(".cdn.ampproject.org"):
        match = AMP_CACHE_RE.match(path)
        if match:
            inner_scheme = "https" if path.startswith(("/c/s/", "/v/s/")) else "http"
            return canonical_url(
                f"{inner_scheme}://{match['rest']}" + (f"?{parts.query}" if parts.query else "")
            )
    if host.startswith("amp."):
        # amp.example.com serves www.example.com's pages on every site seen so far
        host = "www." + host[len("amp.") :]
    port = parts.port
    netloc = f"[{host}]" if ":" in host else host
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        low = key.lower()
        if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
            continue
        query.append((key, value))
    query.sort()
    path = _strip_amp_path(path)
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def article_id_for(url: str) -> str:
    """A stable 16-hex id: sha1 of the canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]
