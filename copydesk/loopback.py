"""A loopback HTTP server for fixture and demo outlets: real bytes over real HTTP, for tests, demo and bench.

Layout of a site root: any files; `{{BASE}}` inside a served file is replaced by the server's base URL
(e.g. http://127.0.0.1:41234) so pages can carry absolute links. A sidecar `<file>.headers` holds extra
response lines (`Status: 404`, `Content-Type: text/html; charset=Shift_JIS`, `Retry-After: 1`, ...);
without one, the content type comes from the extension and carries no charset, as many real servers do.
"""

import mimetypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"{{BASE}}"
TEXT_SUFFIXES = {".html", ".htm", ".xml", ".rss", ".atom", ".txt", ".json", ".yaml", ".rdf"}
DEFAULT_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
}


def _read_sidecar(path: Path) -> tuple[int, list[tuple[str, str]]]:
    status, headers = 200, []
    sidecar = path.with_name(path.name + ".headers")
    if sidecar.is_file():
        for line in sidecar.read_text(encoding="utf-8").splitlines():
            if ":" not in line:
                continue
            name, value = (part.strip() for part in line.split(":", 1))
            if name.lower() == "status":
                status = int(value)
            else:
                headers.append((name, value))
    return status, headers


NOT_FOUND = b"<html><body><h1>Not found</h1></body></html>"


def _resolve(root: Path, raw_path: str) -> Path | None:
    path = unquote(urlsplit(raw_path).path)
    # normpath, not resolve(): ".." cannot leave the root, and the root is ours (no symlinks out of it);
    # resolve() stats every component of the path, most of an answer's time
    candidate = Path(os.path.normpath(root / path.lstrip("/")))
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def site_response(root: Path, base_url: str, raw_path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) a site server answers to a GET of raw_path under root (resolved, absolute),
    without Content-Length: the file with {{BASE}} replaced and its sidecar's status and headers, or a 404."""
    path = _resolve(root, raw_path)
    if path is None or path.name.endswith(".headers"):
        return 404, [("Content-Type", "text/html")], NOT_FOUND
    status, extra = _read_sidecar(path)
    body = path.read_bytes()
    if path.suffix in TEXT_SUFFIXES:
        body = body.replace(PLACEHOLDER, base_url.encode("ascii"))
    headers = []
    if "content-type" not in {name.lower() for name, _ in extra}:
        guessed = mimetypes.guess_type(path.name)[0]
        ctype = DEFAULT_TYPES.get(path.suffix) or guessed or "application/octet-stream"
        if path.name.endswith(".gz"):
            ctype = "application/gzip"
        headers.append(("Content-Type", ctype))
    return status, headers + extra, body


class SiteHandler(BaseHTTPRequestHandler):
    """Serves files under the server's root with {{BASE}} substituted."""

    server: "SiteServer"
    protocol_version = "HTTP/1.1"
    # http.server writes headers and body separately; with Nagle on, each response then waits ~40 ms for
    # the delayed ACK, which made loopback fetching 15x slower than the pipeline (bench/results/throughput.md)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.server.record(self.path)
        status, headers, body = site_response(self.server.root, self.server.base_url, self.path)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SiteServer(ThreadingHTTPServer):
    """A threading HTTP server bound to loopback that remembers the paths it was asked for."""

    daemon_threads = True

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = root.resolve()
        self.requests: list[str] = []
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", port), SiteHandler)

    def handle_error(self, request: object, client_address: tuple) -> None:
        # a client closing its kept-alive connection is no error of the server's (it printed a traceback)
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)


@contextmanager
def serve_sites(root: Path, port: int = 0) -> Iterator[SiteServer]:
    """Serve root on 127.0.0.1 in a background thread for the duration of the block."""
    server = SiteServer(root, port)
    thread = threading.Thread(target=server.serve_forever, name="copydesk-sites", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
