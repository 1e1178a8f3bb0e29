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
AMP_CACHE_RE = re.compile(r"/[cv]/(?:s/)?(?P<rest>[^/].*)", re.S)
# browsers and servers cap URLs near here; sitemaps.org asks for fewer than 2,048 characters
MAX_URL_CHARS = 4096
# what no URL as sent may hold: control characters, spaces, and the characters a host can never have
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
_BAD_HOST = re.compile(r"[^\w.\-\[\]:%]", re.ASCII)


def url_problem(url: str) -> str | None:
    """Why an absolute URL cannot be fetched or named (None when it can): not http(s), too long, control
    characters or spaces, a lone surrogate, a port that is not a number up to 65535, a broken IPv6 literal,
    no host."""
    if len(url) > MAX_URL_CHARS:
        return f"longer than {MAX_URL_CHARS} characters"
    if _UNSAFE.search(url):
        return "control characters or spaces"
    if not url.isascii():
        try:
            url.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate, which no URL can send"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - urllib checks the port only when asked for it
    except ValueError as exc:
        return str(exc) or "unparseable"
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return f"scheme {parts.scheme or '(none)'!r} is not http(s)"
    host = parts.hostname
    if not host:
        return "no host"
    # non-ascii letters are international names (IDNA); punctuation other than . - is never in a host
    if _BAD_HOST.search(host.encode("ascii", "ignore").decode()):
        return f"host {host[:100]!r} has characters no host name has"
    return None


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
    """The URL with tracking parameters, fragment, default port and AMP variant removed, query sorted.

    Never raises: a URL urllib cannot take apart (a port past 65535 or not a number, a broken IPv6 literal)
    has no canonical form and comes back stripped of surrounding whitespace; `url_problem` says what is wrong
    with it, and the fetcher refuses it as `bad_url`.
    """
    try:
        return _canonical(url.strip())
    except ValueError:
        return url.strip()


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower() or "https"
    host = (parts.hostname or "").lower().rstrip(".")
    path = parts.path or "/"
    if host.endswith(".cdn.ampproject.org"):
        match = AMP_CACHE_RE.fullmatch(path)
        if match:
            inner_scheme = "https" if path.startswith(("/c/s/", "/v/s/")) else "http"
            return _canonical(
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
