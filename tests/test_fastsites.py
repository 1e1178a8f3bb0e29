"""bench.fastsites answers what copydesk.loopback answers: same status, headers and bytes for every path,
on the fixture web and on a bench web of legacy charsets (as the throughput benchmark's bare side reads)."""

import socket
from pathlib import Path

import httpx
import pytest

from bench.fastsites import serve_fast_sites
from bench.synweb.cjk import generate_cjk_web
from copydesk.loopback import serve_sites

SITES = Path(__file__).parent / "sites"


def _paths(root: Path) -> list[str]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    paths = ["/" + p.relative_to(root).as_posix() for p in files]
    # directories (index.html), a missing file, a path outside the root, a sidecar itself
    extra = ["/", f"/{files[0].relative_to(root).parts[0]}/", "/no/such/page.html", "/../pyproject.toml",
             "/%2e%2e/etc/passwd"]  # fmt: skip
    return paths + extra + [p + ".headers" for p in paths[:3]]


@pytest.fixture(scope="module", params=["fixtures", "cjk"])
def root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "fixtures":
        return SITES
    return generate_cjk_web(tmp_path_factory.mktemp("cjk"), n_stories=12, page_bytes=10_000).sites


def test_every_path_gets_the_same_answer_from_both_servers(root: Path) -> None:
    paths = _paths(root)
    assert len(paths) > 60
    assert any(p.endswith(".headers") for p in paths[:-3])  # sidecars with a status or a charset
    with serve_sites(root) as slow, serve_fast_sites(root) as fast, httpx.Client(timeout=10) as client:
        for path in paths:
            want = client.get(slow.base_url + path)
            got = client.get(fast.base_url + path)
            assert got.status_code == want.status_code, path
            for header in ("content-type", "content-length", "retry-after", "location", "last-modified"):
                assert got.headers.get(header) == want.headers.get(header), (path, header)
            # {{BASE}} becomes each server's own base URL
            assert got.content.replace(fast.base_url.encode(), b"BASE") == want.content.replace(
                slow.base_url.encode(), b"BASE"
            ), path
        assert fast.requests == slow.requests
        assert len(fast.requests) == len(paths)


def test_keep_alive_head_and_connection_close() -> None:
    with serve_fast_sites(SITES) as fast:
        host, port = fast.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                b"HEAD /harbor/ HTTP/1.1\r\nHost: x\r\n\r\n"
                b"GET /no/such HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    head, rest = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"Content-Length: 0" not in head  # a HEAD says the GET's length and sends no body
    assert rest.startswith(b"HTTP/1.1 404 Not Found")  # the same connection answered the next request
    assert rest.endswith(b"<h1>Not found</h1></body></html>")  # and then closed it, as asked
    assert fast.requests == ["/harbor/", "/no/such"]
