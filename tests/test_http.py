"""tasks/http.py over real loopback HTTP: static sites via serve_sites, faults via a handler of our own."""

import asyncio
import gzip
import random
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from copydesk.loopback import serve_sites
from copydesk.tasks.http import (
    Fetcher,
    FetchError,
    PermanentError,
    Response,
    TransientError,
    decode_html,
    fetch_pages_sync,
    is_forbidden_address,
    parse_retry_after,
)
from copydesk.tasks.models import Failure, Link, Page
from copydesk.tasks.settings import Settings

# ① and 髙 exist only in cp932, 똠 only in cp949: decoding with the narrower codec would fail
JAPANESE = "日本語のニュース記事です。東京都は本日、新しい政策を発表しました。①髙"
KOREAN = "한국어 뉴스 기사입니다. 서울시는 오늘 새로운 정책을 발표했습니다. 똠방각하"
FRENCH = (
    "Le gouvernement a annoncé mercredi une réforme très contestée. « C’est inacceptable », a déclaré "
    "le député, qui réclame 5 € de plus par élève — déjà trop tard, selon l’opposition."
)
PAGE = b"<!doctype html><html><head><title>ok</title></head><body><p>Hello, world.</p></body></html>"
MB = 1024 * 1024


def fast_settings(**overrides: object) -> Settings:
    """Small timeouts and limits so fault tests finish in seconds."""
    values: dict[str, object] = {
        "connect_timeout_s": 1.0,
        "read_timeout_s": 1.0,
        "total_timeout_s": 2.0,
        "max_retries": 2,
        "backoff_base_s": 0.05,
        "backoff_cap_s": 2.0,
        "max_body_bytes": MB,
        "max_redirects": 5,
        "min_host_interval_s": 0.0,
        "per_host_concurrency": 4,
        "total_concurrency": 8,
        "respect_robots": True,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def link(url: str) -> Link:
    return Link(url=url, outlet_id="test", via="feed", found_in="http://feeds.example/rss")


def fetch_one(url: str, settings: Settings, allow_private: bool = True) -> Page | Failure:
    pages, failures = fetch_pages_sync([link(url)], settings, allow_private_addresses=allow_private)
    assert len(pages) + len(failures) == 1
    return pages[0] if pages else failures[0]


def get_or_error(
    url: str, settings: Settings, conditional: dict[str, str] | None = None, allow_private: bool = True
) -> Response | FetchError:
    async def run() -> Response | FetchError:
        async with Fetcher(settings, allow_private_addresses=allow_private) as fetcher:
            try:
                return await fetcher.get(url, conditional=conditional)
            except FetchError as exc:
                return exc

    return asyncio.run(run())


class FaultServer(ThreadingHTTPServer):
    """A loopback server whose paths misbehave on purpose; it records when each path was asked for."""

    daemon_threads = True

    def __init__(self, robots_status: int = 404) -> None:
        self.robots_status = robots_status
        self.lock = threading.Lock()
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.user_agents: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.bomb = gzip.compress(bytes(50 * MB), compresslevel=6)
        self.binary = random.Random(7).randbytes(20_000)
        super().__init__(("127.0.0.1", 0), FaultHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        # clients hang up on purpose in these tests (too large, timeouts); a traceback would only be noise
        return

    def count(self, path: str) -> int:
        with self.lock:
            return len(self.hits[path])


class FaultHandler(BaseHTTPRequestHandler):
    """Routes on the first path segment; the rest of the path keeps each test's counters apart."""

    server: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def reply(self, status: int, body: bytes = b"", content_type: str = "text/html", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path].append(time.monotonic())
            self.server.user_agents.append(self.headers.get("User-Agent", ""))
            seen = len(self.server.hits[path])
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
        try:
            self.route(path.strip("/").split("/")[0], seen)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def route(self, kind: str, seen: int) -> None:
        if kind == "robots.txt":
            self.reply(self.server.robots_status, b"", "text/plain")
        elif kind == "ok":
            self.reply(200, PAGE)
        elif kind == "flaky":
            self.reply(503, b"busy") if seen <= 2 else self.reply(200, PAGE)
        elif kind == "throttle":
            self.reply(429, b"slow down", Retry_After="1") if seen == 1 else self.reply(200, PAGE)
        elif kind == "throttle-long":
            self.reply(429, b"slow down", Retry_After="3600") if seen == 1 else self.reply(200, PAGE)
        elif kind == "down":
            self.reply(503, b"down")
        elif kind == "notfound":
            self.reply(404, b"<html><body>gone</body></html>")
        elif kind == "slow":
            time.sleep(3)
            self.reply(200, PAGE)
        elif kind == "napping":
            time.sleep(0.3)
            self.reply(200, PAGE)
        elif kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.3)
        elif kind == "reset":
            # SO_LINGER 0 makes close() send a TCP reset instead of an orderly FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif kind == "loop":
            target = "/loop/b" if self.path.endswith("/a") else "/loop/a"
            self.reply(302, b"", Location=target)
        elif kind == "chain":
            hops = int(self.path.rsplit("/", 1)[1])
            if hops == 0:
                self.reply(200, PAGE)
            else:
                self.reply(301, b"", Location=str(hops - 1))
        elif kind == "huge":
            self.reply(200, b"<html>" + b"x" * (3 * MB))
        elif kind == "huge-stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for _ in range(48):
                self.wfile.write(b"x" * 65536)
        elif kind == "bomb":
            self.reply(200, self.server.bomb, Content_Encoding="gzip")
        elif kind == "gzipped":
            self.reply(200, gzip.compress(PAGE), Content_Encoding="gzip")
        elif kind == "deflated":
            packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            self.reply(200, packer.compress(PAGE) + packer.flush(), Content_Encoding="deflate")
        elif kind == "binary":
            self.reply(200, self.server.binary)
        elif kind == "pdf":
            self.reply(200, b"%PDF-1.7\n" + self.server.binary, "application/pdf")
        elif kind == "empty":
            self.reply(200, b"")
        elif kind == "blank":
            self.reply(200, b" \r\n\t\x0b\x0c \n")
        elif kind == "etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
            else:
                self.reply(200, b"<rss/>", "application/rss+xml", ETag='"v1"')
        else:
            self.reply(404, b"no such fault")


@pytest.mark.parametrize(
    ("path", "overrides", "kind", "transient", "status", "hits"),
    [
        pytest.param("/down/a", {"max_retries": 1}, "http_error", True, 503, 2, id="5xx-after-retries"),
        pytest.param("/notfound/a", {}, "http_error", False, 404, 1, id="404-not-retried"),
        pytest.param("/slow/a", {"max_retries": 0}, "timeout", True, None, 1, id="read-timeout"),
        pytest.param(
            "/trickle/a",
            {"max_retries": 0, "total_timeout_s": 1.5},
            "timeout",
            True,
            None,
            1,
            id="total-deadline",
        ),
        pytest.param(
            "/reset/a", {"max_retries": 1}, "connection_error", True, None, 2, id="connection-reset"
        ),
        pytest.param(
            "/loop/a", {"max_redirects": 4}, "too_many_redirects", False, None, 3, id="redirect-loop"
        ),
        pytest.param("/huge/a", {}, "too_large", False, None, 1, id="content-length-too-large"),
        pytest.param("/huge-stream/a", {}, "too_large", False, None, 1, id="streamed-too-large"),
        pytest.param("/bomb/a", {}, "too_large", False, None, 1, id="gzip-bomb"),
        pytest.param("/binary/a", {}, "not_html", False, 200, 1, id="binary-as-text-html"),
        pytest.param("/pdf/a", {}, "not_html", False, 200, 1, id="pdf"),
        pytest.param("/empty/a", {}, "empty", False, 200, 1, id="empty-body"),
        pytest.param("/blank/a", {}, "empty", False, 200, 1, id="whitespace-body"),
    ],
)
def test_fault_becomes_failure(
    faults: FaultServer,
    path: str,
    overrides: dict[str, object],
    kind: str,
    transient: bool,
    status: int | None,
    hits: int,
) -> None:
    result = fetch_one(faults.base_url + path, fast_settings(**overrides))
    assert isinstance(result, Failure), result
    assert (result.kind, result.transient, result.http_status) == (kind, transient, status)
    assert result.stage == "fetch"
    assert result.outlet_id == "test"
    assert result.url == faults.base_url + path
    if path.startswith("/loop"):
        # 4 redirects allowed: five requests alternate between the two loop paths
        assert faults.count("/loop/a") == hits
    else:
        assert faults.count(path) == hits


def test_transient_5xx_is_retried_until_success(faults: FaultServer) -> None:
    result = fetch_one(faults.base_url + "/flaky/a", fast_settings(max_retries=2))
    assert isinstance(result, Page), result
    assert result.status == 200
    assert "Hello, world." in result.html
    assert faults.count("/flaky/a") == 3


def test_retry_after_seconds_is_honoured(faults: FaultServer) -> None:
    result = fetch_one(faults.base_url + "/throttle/a", fast_settings(max_retries=1))
    assert isinstance(result, Page), result
    first, second = faults.hits["/throttle/a"]
    assert second - first >= 0.9


def test_retry_after_is_capped_at_backoff_cap(faults: FaultServer) -> None:
    result = fetch_one(faults.base_url + "/throttle-long/a", fast_settings(max_retries=1, backoff_cap_s=0.2))
    assert isinstance(result, Page), result
    first, second = faults.hits["/throttle-long/a"]
    assert second - first < 3600


NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1", 1.0, id="seconds"),
        pytest.param(" 120 ", 120.0, id="seconds-padded"),
        pytest.param("Wed, 01 May 2024 12:00:30 GMT", 30.0, id="http-date"),
        pytest.param("Wed, 01 May 2024 11:00:00 GMT", 0.0, id="http-date-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("-5", None, id="negative"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_redirect_chain_is_followed_to_the_end(faults: FaultServer) -> None:
    result = fetch_one(faults.base_url + "/chain/3", fast_settings(max_redirects=3))
    assert isinstance(result, Page), result
    assert result.final_url == faults.base_url + "/chain/0"
    assert result.link.url == faults.base_url + "/chain/3"
    response = get_or_error(faults.base_url + "/chain/2", fast_settings())
    assert isinstance(response, Response)
    assert (response.url, response.final_url) == (faults.base_url + "/chain/2", faults.base_url + "/chain/0")


def test_redirect_chain_longer_than_allowed_fails(faults: FaultServer) -> None:
    result = get_or_error(faults.base_url + "/chain/4", fast_settings(max_redirects=3))
    assert isinstance(result, PermanentError)
    assert result.kind == "too_many_redirects"


def test_host_that_keeps_failing_is_given_up(faults: FaultServer) -> None:
    urls = [f"{faults.base_url}/down/dead-{i}" for i in range(8)]
    settings = fast_settings(max_retries=1, per_host_concurrency=1)
    pages, failures = fetch_pages_sync([link(u) for u in urls], settings, allow_private_addresses=True)
    assert pages == []
    kinds = [f.kind for f in failures]
    assert kinds.count("http_error") == 5
    assert kinds.count("host_backoff") == 3
    assert all(f.transient for f in failures)
    # five requests used both tries; others that were mid-retry when the host died stop after one
    hits = sum(faults.count(f"/down/dead-{i}") for i in range(8))
    assert 10 <= hits <= 13


def test_per_host_concurrency_is_a_ceiling(faults: FaultServer) -> None:
    with faults.lock:
        faults.max_in_flight = 0
    urls = [f"{faults.base_url}/napping/{i}" for i in range(6)]
    pages, failures = fetch_pages_sync(
        [link(u) for u in urls], fast_settings(per_host_concurrency=2), allow_private_addresses=True
    )
    assert (len(pages), failures) == (6, [])
    assert faults.max_in_flight == 2
    assert [p.link.url for p in pages] == urls


def test_min_host_interval_spaces_request_starts(faults: FaultServer) -> None:
    urls = [f"{faults.base_url}/ok/spaced-{i}" for i in range(4)]
    pages, _ = fetch_pages_sync([link(u) for u in urls], fast_settings(min_host_interval_s=0.2), True)
    assert len(pages) == 4
    starts = sorted(faults.hits[f"/ok/spaced-{i}"][0] for i in range(4))
    assert all(later - earlier >= 0.18 for earlier, later in zip(starts, starts[1:], strict=False))


def test_user_agent_comes_from_settings(faults: FaultServer) -> None:
    settings = fast_settings(user_agent="copydesk-test/9 (+mailto:desk@example.org)")
    assert isinstance(fetch_one(faults.base_url + "/ok/ua", settings), Page)
    assert faults.user_agents[-1] == "copydesk-test/9 (+mailto:desk@example.org)"


@pytest.mark.parametrize("path", ["/gzipped/a", "/deflated/a"], ids=["gzip", "raw-deflate"])
def test_compressed_transfer_is_decoded(faults: FaultServer, path: str) -> None:
    result = fetch_one(faults.base_url + path, fast_settings())
    assert isinstance(result, Page), result
    assert "Hello, world." in result.html


def test_conditional_get_returns_304_without_error(faults: FaultServer) -> None:
    fresh = get_or_error(faults.base_url + "/etag/a", fast_settings())
    assert isinstance(fresh, Response)
    assert (fresh.status, fresh.body, fresh.headers["etag"]) == (200, b"<rss/>", '"v1"')
    unchanged = get_or_error(
        faults.base_url + "/etag/a", fast_settings(), conditional={"If-None-Match": '"v1"'}
    )
    assert isinstance(unchanged, Response)
    assert (unchanged.status, unchanged.body) == (304, b"")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["ip-literal", "hostname"])
def test_private_addresses_are_refused(faults: FaultServer, host: str) -> None:
    port = faults.server_address[1]
    path = f"/ok/ssrf-{host}"
    result = fetch_one(f"http://{host}:{port}{path}", fast_settings(), allow_private=False)
    assert isinstance(result, Failure)
    assert (result.kind, result.transient) == ("forbidden_address", False)
    assert faults.count(path) == 0


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        pytest.param("127.0.0.1", True, id="loopback"),
        pytest.param("10.1.2.3", True, id="private"),
        pytest.param("169.254.169.254", True, id="link-local-metadata"),
        pytest.param("100.64.0.1", True, id="shared-cgnat"),
        pytest.param("224.0.0.1", True, id="multicast"),
        pytest.param("0.0.0.0", True, id="unspecified"),
        pytest.param("::1", True, id="ipv6-loopback"),
        pytest.param("::ffff:192.168.0.1", True, id="ipv4-mapped-private"),
        pytest.param("fe80::1%eth0", True, id="ipv6-link-local-scoped"),
        pytest.param("93.184.216.34", False, id="public-v4"),
        pytest.param("2606:4700:4700::1111", False, id="public-v6"),
    ],
)
def test_is_forbidden_address(address: str, forbidden: bool) -> None:
    assert is_forbidden_address(address) is forbidden


def test_robots_5xx_is_treated_as_allow() -> None:
    server = FaultServer(robots_status=503)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = fetch_one(server.base_url + "/ok/a", fast_settings(max_retries=0))
        assert isinstance(result, Page), result
        assert server.count("/robots.txt") == 1
    finally:
        server.shutdown()
        server.server_close()


def write_site(root: Path, files: dict[str, bytes], headers: dict[str, str] | None = None) -> None:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    for name, sidecar in (headers or {}).items():
        (root / f"{name}.headers").write_text(sidecar, encoding="utf-8")


def test_robots_disallow_is_respected_and_fetched_once(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "robots.txt": b"User-agent: *\nDisallow: /private/\n",
            "public.html": PAGE,
            "other.html": PAGE,
            "private/secret.html": PAGE,
        },
    )
    with serve_sites(tmp_path) as site:
        urls = [
            f"{site.base_url}/public.html",
            f"{site.base_url}/private/secret.html",
            f"{site.base_url}/other.html",
        ]
        pages, failures = fetch_pages_sync(
            [link(u) for u in urls], fast_settings(), allow_private_addresses=True
        )
        assert [p.link.url for p in pages] == [urls[0], urls[2]]
        assert [(f.url, f.kind, f.transient) for f in failures] == [(urls[1], "robots_disallowed", False)]
        assert site.requests.count("/robots.txt") == 1
        assert "/private/secret.html" not in site.requests

        ignoring, _ = fetch_pages_sync([link(urls[1])], fast_settings(respect_robots=False), True)
        assert len(ignoring) == 1


def test_robots_crawl_delay_spaces_requests(tmp_path: Path) -> None:
    write_site(tmp_path, {"robots.txt": b"User-agent: *\nCrawl-delay: 0.4\n", "a.html": PAGE, "b.html": PAGE})
    with serve_sites(tmp_path) as site:
        urls = [f"{site.base_url}/a.html", f"{site.base_url}/b.html"]
        started = time.monotonic()
        pages, failures = fetch_pages_sync(
            [link(u) for u in urls], fast_settings(), allow_private_addresses=True
        )
        elapsed = time.monotonic() - started
    assert (len(pages), failures) == (2, [])
    # robots.txt itself, then two pages, each start at least 0.4 s after the one before
    assert elapsed >= 0.4


def html_with(text: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "sidecar", "expected", "encoding"),
    [
        pytest.param(
            html_with(JAPANESE, '<meta charset="Shift_JIS">').encode("cp932"),
            None,
            JAPANESE,
            "cp932",
            id="shift_jis-meta-only",
        ),
        pytest.param(
            html_with(
                JAPANESE, '<meta http-equiv="Content-Type" content="text/html; charset=x-sjis">'
            ).encode("cp932"),
            None,
            JAPANESE,
            "cp932",
            id="sjis-http-equiv",
        ),
        pytest.param(
            html_with(KOREAN).encode("cp949"),
            "Content-Type: text/html; charset=EUC-KR",
            KOREAN,
            "cp949",
            id="euc-kr-header-only",
        ),
        pytest.param(
            html_with(FRENCH).encode("cp1252"), None, FRENCH, "cp1252", id="windows-1252-undeclared"
        ),
        pytest.param(
            html_with(FRENCH).encode("utf-8"),
            "Content-Type: text/html; charset=iso-8859-1",
            FRENCH,
            "utf-8",
            id="utf-8-under-stale-latin1-header",
        ),
    ],
)
def test_pages_are_decoded_to_the_original_text(
    tmp_path: Path, body: bytes, sidecar: str | None, expected: str, encoding: str
) -> None:
    write_site(tmp_path, {"page.html": body}, {"page.html": sidecar} if sidecar else None)
    with serve_sites(tmp_path) as site:
        result = fetch_one(f"{site.base_url}/page.html", fast_settings())
    assert isinstance(result, Page), result
    assert f"<p>{expected}</p>" in result.html
    assert result.encoding == encoding


@pytest.mark.parametrize(
    ("body", "content_type", "expected", "encoding"),
    [
        pytest.param(
            b"\xef\xbb\xbf<p>caf\xc3\xa9</p>",
            "text/html; charset=iso-8859-1",
            "<p>café</p>",
            "utf-8",
            id="bom",
        ),
        pytest.param(
            b"<p>\x80 5</p>", "text/html; charset=iso-8859-1", "<p>€ 5</p>", "cp1252", id="latin1-is-cp1252"
        ),
        pytest.param(
            b"<p>\x80 5</p>", "text/html; charset=us-ascii", "<p>€ 5</p>", "cp1252", id="ascii-is-cp1252"
        ),
        pytest.param(
            "<p>中国镕</p>".encode("gbk"),
            "text/html; charset=gb2312",
            "<p>中国镕</p>",
            "gb18030",
            id="gb2312-is-gb18030",
        ),
        pytest.param(
            '<meta charset="utf-8"><p>caf\xe9 ok</p>'.encode() + b"\xff",
            None,
            '<meta charset="utf-8"><p>caf\xe9 ok</p>\ufffd',
            "utf-8",
            id="stray-byte-keeps-declared",
        ),
        pytest.param(
            html_with(JAPANESE * 3).encode("cp932"),
            "text/html; charset=utf-8",
            html_with(JAPANESE * 3),
            "cp932",
            id="wrong-declaration-falls-back-to-detection",
        ),
        pytest.param(
            b"<p>plain</p>", "text/html; charset=rot13", "<p>plain</p>", "utf-8", id="non-text-codec-ignored"
        ),
    ],
)
def test_decode_html(body: bytes, content_type: str | None, expected: str, encoding: str) -> None:
    assert decode_html(body, content_type) == (expected, encoding)


def test_gzipped_sitemap_is_unpacked(tmp_path: Path) -> None:
    xml = b'<?xml version="1.0"?><urlset><url><loc>http://a.example/1</loc></url></urlset>'
    write_site(tmp_path, {"sitemap.xml.gz": gzip.compress(xml), "bomb.xml.gz": gzip.compress(bytes(20 * MB))})
    with serve_sites(tmp_path) as site:
        response = get_or_error(f"{site.base_url}/sitemap.xml.gz", fast_settings())
        bomb = get_or_error(f"{site.base_url}/bomb.xml.gz", fast_settings())
    assert isinstance(response, Response)
    assert response.body == xml
    assert isinstance(bomb, PermanentError)
    assert bomb.kind == "too_large"


def test_last_modified_becomes_an_aware_datetime(tmp_path: Path) -> None:
    write_site(tmp_path, {"page.html": PAGE}, {"page.html": "Last-Modified: Tue, 30 Apr 2024 08:15:00 GMT"})
    with serve_sites(tmp_path) as site:
        result = fetch_one(f"{site.base_url}/page.html", fast_settings())
    assert isinstance(result, Page), result
    assert result.last_modified == datetime(2024, 4, 30, 8, 15, tzinfo=UTC)
    assert result.fetched_at.tzinfo is not None
    assert result.content_type == "text/html"


def test_get_raises_typed_errors(faults: FaultServer) -> None:
    missing = get_or_error(faults.base_url + "/notfound/feed", fast_settings())
    assert isinstance(missing, PermanentError)
    assert (missing.kind, missing.http_status, missing.transient) == ("http_error", 404, False)
    down = get_or_error(faults.base_url + "/down/feed", fast_settings(max_retries=0))
    assert isinstance(down, TransientError)
    assert (down.kind, down.http_status, down.transient) == ("http_error", 503, True)
    bad = get_or_error("ftp://example.org/feed.xml", fast_settings())
    assert isinstance(bad, PermanentError)
    assert bad.kind == "bad_url"


def test_proxy_from_the_environment_carries_requests_unless_no_proxy_names_the_host(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    # the fault server answers absolute-form requests as a forward proxy would; news.invalid never resolves,
    # so a page can only arrive through the proxy
    monkeypatch.setenv("HTTP_PROXY", faults.base_url)
    monkeypatch.setenv("NO_PROXY", "bypassed.invalid")
    page = fetch_one("http://news.invalid/ok/proxied", fast_settings())
    assert isinstance(page, Page) and "Hello, world." in page.html
    assert faults.count("/ok/proxied") == 1
    direct = fetch_one("http://bypassed.invalid/ok/direct", fast_settings(max_retries=0))
    assert isinstance(direct, Failure) and direct.kind == "connection_error", direct
    assert faults.count("/ok/direct") == 0
