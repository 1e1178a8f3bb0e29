"""The bench's loopback web: copydesk.loopback's responses from an asyncio server in one thread.

Outlets' web servers run elsewhere, not on the two cores a benchmark measures. copydesk.loopback (http.server:
a thread per connection, email-parser headers) cost ~0.35 ms of CPU per page there, 2.5 s of a 30 s ingest;
this server answers the same bytes (copydesk.loopback.site_response) for about a third of that. Tests and the
demo keep copydesk.loopback; tests/test_fastsites.py holds the two servers' answers equal.
"""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from copydesk.loopback import site_response

MAX_HEAD_BYTES = 64 * 1024


@dataclass
class FastSites:
    """A running server: its base URL and the request targets it was asked for, in order."""

    root: Path
    base_url: str = ""
    requests: list[str] = field(default_factory=list)


class _SiteProtocol(asyncio.Protocol):
    """HTTP/1.1 GET and HEAD with keep-alive; requests carry no body (a fetcher's)."""

    def __init__(self, sites: FastSites) -> None:
        self.sites = sites
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            if not self._answer(head):
                self.transport.close()
                return
        if len(self.buffer) > MAX_HEAD_BYTES:
            self._write(400, [], b"", head_only=False, close=True)
            self.transport.close()

    def _answer(self, head: bytes) -> bool:
        """Answer one request; False when the connection must close after it."""
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) != 3 or parts[0] not in (b"GET", b"HEAD"):
            self._write(400 if len(parts) != 3 else 405, [], b"", head_only=False, close=True)
            return False
        method, target, version = parts
        connection = [
            line.split(b":", 1)[1].strip().lower()
            for line in lines[1:]
            if line[:11].lower() == b"connection:"
        ]
        close = b"close" in connection or (version == b"HTTP/1.0" and b"keep-alive" not in connection)
        path = target.decode("latin-1")
        self.sites.requests.append(path)
        status, headers, body = site_response(self.sites.root, self.sites.base_url, path)
        self._write(status, headers, body, head_only=method == b"HEAD", close=close)
        return not close

    def _write(
        self, status: int, headers: list[tuple[str, str]], body: bytes, *, head_only: bool, close: bool
    ) -> None:
        assert self.transport is not None
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines += [f"{name}: {value}" for name, value in headers]
        lines.append(f"Content-Length: {len(body)}")
        if close:
            lines.append("Connection: close")
        self.transport.write(
            "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + (b"" if head_only else body)
        )


@contextmanager
def serve_fast_sites(root: Path, port: int = 0) -> Iterator[FastSites]:
    """Serve root on 127.0.0.1 from an event loop in a background thread for the duration of the block."""
    sites = FastSites(root.resolve())
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: _SiteProtocol(sites), "127.0.0.1", port))
    host, bound = server.sockets[0].getsockname()[:2]
    sites.base_url = f"http://{host}:{bound}"
    thread = threading.Thread(target=loop.run_forever, name="copydesk-fast-sites", daemon=True)
    thread.start()
    try:
        yield sites
    finally:

        async def stop() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
