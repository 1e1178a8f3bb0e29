"""The only network code of copydesk: a polite, bounded async HTTP client with typed errors.

Transport: aiohttp (its C parser costs a fraction of httpx's CPU per page, measured on the loopback web of
bench/throughput.py, where fetching shares two cores with extraction: bench/results/throughput.md);
httpx.URL parses and joins URLs.

Error kinds (FetchError.kind), as stored in `failures.kind`:
  timeout, connection_error, dns_error, http_error, too_large, too_many_redirects, bad_redirect,
  forbidden_address, robots_disallowed, host_backoff, bad_url, bad_encoding, not_html, empty, internal_error,
  blocked (a 401/403/429/503 answer that is a bot wall: JavaScript challenge, captcha, access-denied page).
"""

import asyncio
import ipaddress
import logging
import math
import random
import re
import socket
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
import httpx
import yarl
from protego import Protego

from copydesk.tasks.aio import run_sync
from copydesk.tasks.botwall import ERROR_BODY_SNIFF_BYTES, is_wall_response
from copydesk.tasks.decode import (
    InflateBudget,
    InflateError,
    Inflater,
    decode_html,
    gunzip_layers,
)
from copydesk.tasks.models import Failure, Link, Page
from copydesk.tasks.settings import Settings

log = logging.getLogger(__name__)

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
# the one Accept of feed requests (discovery's and any other's)
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,application/xml;q=0.8,"
    "text/xml;q=0.8,*/*;q=0.1"
)
SITEMAP_ACCEPT = "application/xml,text/xml;q=0.9,application/x-gzip;q=0.8,application/gzip;q=0.8,*/*;q=0.1"
ROBOTS_ACCEPT = "text/plain"
# only what we can inflate with bounded memory ourselves; brotli/zstd would need extra dependencies
ACCEPT_ENCODING = "gzip, deflate"
HTML_TYPES = {"text/html", "application/xhtml+xml"}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# statuses bot walls answer with (Cloudflare, Akamai, DataDome, PerimeterX ...)
WALL_STATUSES = {401, 403, 429, 503}
# 501 and 505 say the server will never do this, so retrying them only adds load
NEVER_TRANSIENT_5XX = {501, 505}
# a host whose requests keep failing after all retries is given up for the rest of the run
HOST_DEAD_AFTER = 5
# robots.txt may ask for any delay; past this a run would never finish, so we cap what we honour
MAX_CRAWL_DELAY_S = 60.0
# RFC 9309 lets crawlers stop parsing robots.txt after 500 KiB
ROBOTS_MAX_BYTES = 500 * 1024
# longest header line we accept (aiohttp's default, 8 KiB, refuses some real sites' cookies and CSPs)
MAX_HEADER_BYTES = 64 * 1024
HTML_MARKERS = re.compile(rb"<\s*(!doctype\s+html|html|head|body|title|meta|div|p)[\s>/]", re.IGNORECASE)
# what a page's text almost never holds and a binary body decoded as text is full of: control characters
# other than tab, newline, form feed and carriage return, and U+FFFD (bytes the decoder could not map)
CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0C, 0x0D))
REPLACEMENT_UTF8 = "\ufffd".encode()


class FetchError(Exception):
    """A failed fetch, with a short machine-readable kind and whether a later try may succeed."""

    transient: bool = False

    def __init__(self, kind: str, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.http_status = http_status


class TransientError(FetchError):
    """A failure that may go away: timeouts, connection errors, 5xx, 429."""

    transient = True


class PermanentError(FetchError):
    """A failure that retrying will not fix: 4xx, too large, not HTML, forbidden, disallowed."""

    transient = False


@dataclass(frozen=True)
class Response:
    """A complete HTTP response; body is already stripped of transfer compression."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class _Host:
    """Politeness and health state for one origin (scheme, host, port) during one run."""

    slots: asyncio.Semaphore
    interval_s: float
    spacing: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    consecutive_failures: int = 0
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_loaded: bool = False
    robots: Protego | None = None

    @property
    def dead(self) -> bool:
        return self.consecutive_failures >= HOST_DEAD_AFTER


def parse_http_date(value: str | None) -> datetime | None:
    """An aware datetime from an HTTP date header, or None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        moment = parse_http_date(value)
        if moment is None:
            return None
        return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def is_forbidden_address(address: str) -> bool:
    """True for addresses a crawler must never reach: loopback, private, link-local, multicast, reserved."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # an IPv4 address wrapped in IPv6 reaches the IPv4 host, so judge that one
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _looks_like_html(body: bytes) -> bool:
    return HTML_MARKERS.search(body[:4096]) is not None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    # real pages have almost no control characters; images, archives and PDFs are full of them. Counted on
    # the UTF-8 bytes: bytes.translate and bytes.count run faster than a regex over the str
    raw = sample.encode("utf-8", "surrogatepass")
    controls = len(raw) - len(raw.translate(None, CONTROL_BYTES)) + raw.count(REPLACEMENT_UTF8)
    return controls > max(2, len(sample) // 100)


def page_from_response(link: Link, response: Response) -> Page:
    """Check that a response is a usable HTML page and decode it; raises PermanentError otherwise."""
    content_type = response.headers.get("content-type")
    mime = content_type.split(";", 1)[0].strip().lower() if content_type else ""
    # (isspace, not strip: a whole-body copy only to see it is blank)
    if not response.body or response.body.isspace():
        raise PermanentError("empty", "empty body", http_status=response.status)
    if mime and mime not in HTML_TYPES:
        raise PermanentError("not_html", f"content type {mime}", http_status=response.status)
    if not mime and not _looks_like_html(response.body):
        raise PermanentError("not_html", "no content type and no HTML markup", http_status=response.status)
    html, encoding = decode_html(response.body, content_type)
    if _looks_binary(html):
        raise PermanentError(
            "not_html", f"binary content served as {mime or 'untyped'}", http_status=response.status
        )
    return Page(
        link=link,
        final_url=response.final_url,
        status=response.status,
        content_type=content_type,
        # html parsers drop NUL characters anyway, and lxml refuses strings that hold them
        html=html.replace("\x00", "") if "\x00" in html else html,
        encoding=encoding,
        last_modified=parse_http_date(response.headers.get("last-modified")),
        fetched_at=datetime.now(UTC),
    )


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise PermanentError("bad_url", f"invalid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise PermanentError("bad_url", f"not an http(s) URL: {url}")
    return parsed


def environment_proxies() -> dict[str, str]:
    """HTTP_PROXY / HTTPS_PROXY / NO_PROXY (any case) as urllib reads them, once per Fetcher."""
    return {k: v for k, v in urllib.request.getproxies_environment().items() if k in ("http", "https", "no")}


def proxy_for(url: yarl.URL, proxies: dict[str, str]) -> yarl.URL | None:
    """The proxy for a request to url: None without one for its scheme, or if NO_PROXY names the host."""
    proxy = proxies.get(url.scheme)
    if not proxy or (url.host and urllib.request.proxy_bypass_environment(url.host, proxies)):
        return None
    return yarl.URL(proxy)


class Fetcher:
    """A polite HTTP client for one run: global and per-host limits, retries, robots.txt, SSRF guard."""

    def __init__(self, settings: Settings, allow_private_addresses: bool = False) -> None:
        self._settings = settings
        self._allow_private = allow_private_addresses
        self._client: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str] = {}
        self._slots: asyncio.Semaphore | None = None
        self._hosts: dict[str, _Host] = {}

    async def __aenter__(self) -> "Fetcher":
        s = self._settings
        self._slots = asyncio.Semaphore(s.total_concurrency)
        self._client = aiohttp.ClientSession(
            headers={"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            # total_timeout_s bounds each attempt in _attempt; these bound its phases
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=s.total_timeout_s,
                sock_connect=s.connect_timeout_s,
                sock_read=s.read_timeout_s,
            ),
            # our semaphores bound concurrency; the pool only needs room for them
            connector=aiohttp.TCPConnector(limit=s.total_concurrency + 4, limit_per_host=0),
            # bodies are inflated by _Inflater, in bounded steps
            auto_decompress=False,
            # cookies are kept for the run, as a browser would (unsafe: also for hosts given as IP addresses)
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            # not trust_env: it costs two thread hops per request (a ~/.netrc lookup, which would also send
            # credentials to sites, and the proxy settings); the proxy settings are read once, below
            trust_env=False,
            # real sites send long Set-Cookie and CSP headers
            max_line_size=MAX_HEADER_BYTES,
            max_field_size=MAX_HEADER_BYTES,
        )
        # aiohttp silently repeats a GET once when a connection resets; our retries count and space every
        # request to a host (max_retries, backoff), so its own retry is off (as aiohttp's test client does)
        self._client._retry_connection = False
        self._proxies = environment_proxies()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def get(
        self, url: str, *, accept: str = FEED_ACCEPT, conditional: dict[str, str] | None = None
    ) -> Response:
        """GET a URL with retries and redirects; a .gz body is gunzipped; status >= 400 raises FetchError."""
        return await self._get(url, accept=accept, conditional=conditional, check_robots=True)

    async def fetch_page(self, link: Link) -> Page:
        """Fetch and decode one HTML page; raises FetchError when it is missing, too big or not HTML."""
        response = await self.get(link.url, accept=HTML_ACCEPT)
        return page_from_response(link, response)

    async def fetch_pages(self, links: list[Link]) -> tuple[list[Page], list[Failure]]:
        """Fetch pages concurrently; a page that fails becomes a Failure instead of raising."""
        results = await asyncio.gather(*(self.fetch_page_or_failure(link) for link in links))
        pages = [r for r in results if isinstance(r, Page)]
        failures = [r for r in results if isinstance(r, Failure)]
        return pages, failures

    async def fetch_page_or_failure(self, link: Link) -> Page | Failure:
        """fetch_page, with any error turned into the Failure row it is recorded as."""
        try:
            return await self.fetch_page(link)
        except FetchError as exc:
            return Failure(
                url=link.url,
                outlet_id=link.outlet_id,
                stage="fetch",
                kind=exc.kind,
                error=str(exc),
                http_status=exc.http_status,
                transient=exc.transient,
                at=datetime.now(UTC),
            )
        except Exception as exc:
            # a bug here must cost one page, not the batch; the traceback goes to the log
            log.exception("unexpected error fetching %s", link.url)
            return Failure(
                url=link.url,
                outlet_id=link.outlet_id,
                stage="fetch",
                kind="internal_error",
                error=f"{type(exc).__name__}: {exc}",
                at=datetime.now(UTC),
            )

    def _host(self, url: httpx.URL) -> tuple[str, _Host]:
        origin = _origin(url)
        host = self._hosts.get(origin)
        if host is None:
            host = _Host(
                slots=asyncio.Semaphore(self._settings.per_host_concurrency),
                interval_s=self._settings.min_host_interval_s,
            )
            self._hosts[origin] = host
        return origin, host

    async def _get(
        self, url: str, *, accept: str, conditional: dict[str, str] | None, check_robots: bool
    ) -> Response:
        headers = {"Accept": accept, **(conditional or {})}
        current = url
        for _ in range(self._settings.max_redirects + 1):
            target = _parse_url(current)
            origin, host = self._host(target)
            if host.dead:
                raise TransientError(
                    "host_backoff", f"{origin} kept failing; skipped for the rest of this run"
                )
            if check_robots and self._settings.respect_robots:
                robots = await self._robots(target, host)
                if robots is not None and not robots.can_fetch(current, self._settings.user_agent):
                    raise PermanentError("robots_disallowed", f"robots.txt of {origin} disallows {current}")
            hop = await self._request_with_retries(host, current, target, headers)
            if hop.status in REDIRECT_STATUSES:
                location = hop.headers.get("location")
                if not location:
                    raise PermanentError(
                        "bad_redirect", f"HTTP {hop.status} without Location", http_status=hop.status
                    )
                try:
                    current = str(target.join(location.strip()))
                except httpx.InvalidURL as exc:
                    raise PermanentError("bad_redirect", f"invalid Location {location!r}: {exc}") from exc
                continue
            if hop.status >= 400:
                raise _status_error(hop)
            return Response(url=url, final_url=current, status=hop.status, headers=hop.headers, body=hop.body)
        raise PermanentError(
            "too_many_redirects", f"more than {self._settings.max_redirects} redirects from {url}"
        )

    async def _robots(self, target: httpx.URL, host: _Host) -> Protego | None:
        if host.robots_loaded:
            # every request asks; only the first of a host waits for the file (a lock per request cost a
            # share of fetching's CPU: bench/results/throughput.md)
            return host.robots
        async with host.robots_lock:
            if not host.robots_loaded:
                host.robots = await self._load_robots(target)
                host.robots_loaded = True
                if host.robots is not None:
                    delay = host.robots.crawl_delay(self._settings.user_agent)
                    if delay:
                        host.interval_s = max(host.interval_s, min(float(delay), MAX_CRAWL_DELAY_S))
            return host.robots

    async def _load_robots(self, target: httpx.URL) -> Protego | None:
        robots_url = str(target.copy_with(path="/robots.txt", query=None, fragment=None))
        try:
            response = await self._get(robots_url, accept=ROBOTS_ACCEPT, conditional=None, check_robots=False)
        except FetchError as exc:
            # 4xx means "no rules" (RFC 9309). For 5xx and network failures the RFC says to assume a full
            # disallow; we allow instead, because robots.txt is read once per run and a flaky robots endpoint
            # would otherwise silently drop an outlet's whole window. Per-host limits still apply, and a
            # host that keeps failing is given up by the host_backoff rule.
            log.info("%s unavailable (%s: %s); allowing all", robots_url, exc.kind, exc)
            return None
        text = response.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        return Protego.parse(text)

    async def _request_with_retries(
        self, host: _Host, url: str, parsed: httpx.URL, headers: dict[str, str]
    ) -> Response:
        attempt = 0
        while True:
            if host.dead:
                raise TransientError("host_backoff", "host kept failing; skipped for the rest of this run")
            retry_after: float | None = None
            try:
                response = await self._attempt(host, url, parsed, headers)
            except TransientError as exc:
                if exc.kind == "host_backoff":
                    raise
                failure: TransientError = exc
            else:
                if not _is_transient_status(response.status):
                    host.consecutive_failures = 0
                    return response
                failure = _status_error(response)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            if attempt >= self._settings.max_retries:
                host.consecutive_failures += 1
                if host.consecutive_failures == HOST_DEAD_AFTER:
                    log.warning("giving up on host of %s after %d failed requests", url, HOST_DEAD_AFTER)
                raise failure
            await asyncio.sleep(self._backoff(attempt, retry_after))
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        cap = self._settings.backoff_cap_s
        ceiling = min(cap, self._settings.backoff_base_s * 2**attempt)
        # jitter keeps many workers that failed together from retrying in lockstep
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, cap))
        return delay

    async def _attempt(self, host: _Host, url: str, parsed: httpx.URL, headers: dict[str, str]) -> Response:
        # `parsed` is httpx's parse of `url` (made once per hop: parsing is a tenth of a fetch's CPU)
        assert self._slots is not None, "Fetcher used outside 'async with'"
        total = self._settings.total_timeout_s
        # the host slot comes first so requests queued for one busy host never hold global slots
        async with host.slots:
            if host.dead:
                # it may have died while this request queued for a slot
                raise TransientError("host_backoff", "host kept failing; skipped for the rest of this run")
            await self._keep_interval(host)
            async with self._slots:
                try:
                    async with asyncio.timeout(total):
                        if not self._allow_private:
                            await self._check_address(parsed)
                        return await self._send(url, parsed, headers)
                except TimeoutError as exc:
                    # aiohttp's connect and read timeouts are TimeoutErrors too
                    message = str(exc) or f"no complete response within {total:g}s"
                    raise TransientError("timeout", f"{type(exc).__name__}: {message}") from exc
                except aiohttp.InvalidURL as exc:
                    raise PermanentError("bad_url", f"{type(exc).__name__}: {exc}") from exc
                except aiohttp.ClientError as exc:
                    raise TransientError("connection_error", f"{type(exc).__name__}: {exc}") from exc

    async def _keep_interval(self, host: _Host) -> None:
        if host.interval_s <= 0:
            return  # no spacing asked (the default; robots.txt's Crawl-delay sets one)
        async with host.spacing:
            loop = asyncio.get_running_loop()
            now = loop.time()
            if host.next_start > now:
                await asyncio.sleep(host.next_start - now)
                now = loop.time()
            host.next_start = now + host.interval_s

    async def _check_address(self, parsed: httpx.URL) -> None:
        # checked before every request and redirect hop; the client resolves again when connecting, so a
        # DNS answer that changes in between (rebinding) is not covered by this guard
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                raise PermanentError("dns_error", f"{parsed.host} does not resolve: {exc}") from exc
            raise TransientError("dns_error", f"cannot resolve {parsed.host}: {exc}") from exc
        for info in infos:
            address = str(info[4][0])
            if is_forbidden_address(address):
                raise PermanentError(
                    "forbidden_address", f"{parsed.host} resolves to non-public address {address}"
                )

    async def _send(self, url: str, parsed: httpx.URL, headers: dict[str, str]) -> Response:
        assert self._client is not None, "Fetcher used outside 'async with'"
        # httpx.URL has already percent-encoded the URL; yarl must send it as it is
        target = yarl.URL(str(parsed), encoded=True)
        proxy = proxy_for(target, self._proxies)
        response = await self._client.get(
            target,
            headers=headers,
            allow_redirects=False,
            proxy=proxy,
            proxy_auth=aiohttp.BasicAuth.from_url(proxy) if proxy is not None and proxy.user else None,
        )
        complete = False
        try:
            status = response.status
            # redirects, 304 and most errors carry nothing we use; closing drops the connection instead.
            # the statuses bot walls answer with get their first bytes read, to tell a wall from an error
            if status in WALL_STATUSES:
                body = await self._read_prefix(response, ERROR_BODY_SNIFF_BYTES)
            elif status in REDIRECT_STATUSES or status == 304 or status >= 400:
                body = b""
            else:
                body = await self._read(response)
                complete = True
            return Response(url=url, final_url=url, status=status, headers=_header_dict(response), body=body)
        finally:
            # a connection whose body was read to the end goes back to the pool; any other is closed
            if complete:
                response.release()
            else:
                response.close()

    async def _read_prefix(self, response: aiohttp.ClientResponse, limit: int) -> bytes:
        """At most `limit` bytes of the (inflated) body; the rest is never read."""
        encoding = response.headers.get("content-encoding", "").strip().lower()
        inflater = (
            Inflater("gzip" if encoding == "x-gzip" else encoding, InflateBudget(4 * limit))
            if encoding in ("gzip", "x-gzip", "deflate")
            else None
        )
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in response.content.iter_any():
                pieces = inflater.feed(chunk) if inflater else [chunk]
                parts.extend(pieces)
                size += sum(len(p) for p in pieces)
                if size >= limit:
                    break
        except (InflateError, aiohttp.ClientError, TimeoutError):
            pass  # a sniff, not a download: whatever arrived is enough
        return b"".join(parts)[:limit]

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        limit = self._settings.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > limit:
            raise PermanentError("too_large", f"Content-Length {declared} exceeds {limit} bytes")
        encodings = [
            e.strip().lower()
            for e in response.headers.get("content-encoding", "").split(",")
            if e.strip() and e.strip().lower() != "identity"
        ]
        encodings = ["gzip" if e == "x-gzip" else e for e in encodings]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "deflate")):
            raise PermanentError("bad_encoding", f"unsupported Content-Encoding {', '.join(encodings)}")
        # one budget for every layer: the transport's encoding, a .gz file, and any .gz inside that
        budget = InflateBudget(limit)
        inflater = Inflater(encodings[0], budget) if encodings else None
        parts: list[bytes] = []
        received = 0
        try:
            # raw bytes are inflated here, not by the client, so one small chunk can never expand unchecked
            async for chunk in response.content.iter_any():
                received += len(chunk)
                if received > limit:
                    raise PermanentError("too_large", f"body exceeds {limit} bytes")
                parts.extend(inflater.feed(chunk) if inflater else [chunk])
            if inflater is not None:
                parts.append(inflater.flush())
            # sitemaps come as .gz files: whatever is still gzip after the transport's decoding is unpacked
            return gunzip_layers(b"".join(parts), budget)
        except InflateError as exc:
            raise PermanentError(exc.kind, str(exc)) from exc


def _header_dict(response: aiohttp.ClientResponse) -> dict[str, str]:
    """Headers with lower-case names; a repeated header's values joined with ", " (RFC 9110 5.3)."""
    headers: dict[str, str] = {}
    for name, value in response.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _status_error(response: Response) -> FetchError:
    """The error for a final HTTP status >= 400: 'blocked' for a bot wall, 'http_error' otherwise. A wall may
    lift, so it counts as transient and later runs try the page again (a few times)."""
    if response.status in WALL_STATUSES and is_wall_response(response.headers, response.body):
        message = f"HTTP {response.status}: bot wall or challenge page"
        return TransientError("blocked", message, http_status=response.status)
    error_type = TransientError if _is_transient_status(response.status) else PermanentError
    return error_type("http_error", f"HTTP {response.status}", http_status=response.status)


def _is_transient_status(status: int) -> bool:
    return status in (408, 429) or (500 <= status <= 599 and status not in NEVER_TRANSIENT_5XX)


def fetch_pages_sync(
    links: list[Link], settings: Settings, allow_private_addresses: bool = False
) -> tuple[list[Page], list[Failure]]:
    """Fetch pages from synchronous code (Prefect task threads) with a Fetcher of its own."""

    async def run() -> tuple[list[Page], list[Failure]]:
        async with Fetcher(settings, allow_private_addresses=allow_private_addresses) as fetcher:
            return await fetcher.fetch_pages(links)

    return run_sync(run())
