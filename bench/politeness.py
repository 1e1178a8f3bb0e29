"""Politeness as the server sees it: request rate and concurrency per host under copydesk's fetcher.

Run `.venv/bin/python -m bench.politeness`; results go to stdout and bench/results/politeness.md.

A loopback server answers 200 with a small article after a fixed service time and logs when each request
arrived and how many were in flight. copydesk's Fetcher (the pipeline's own fetch code) then fetches N pages
under several settings: the default per-host limits, a minimum interval between request starts, and a
robots.txt Crawl-delay. Reported per setting: max requests in any 1-second window, mean rate, max in flight.
"""

import argparse
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.results_file import write_file
from copydesk.tasks.http import fetch_pages_sync
from copydesk.tasks.models import Link
from copydesk.tasks.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "politeness.md"
PAGE = (
    b"<!DOCTYPE html><html><head><title>t</title></head><body><article><h1>t</h1>"
    + b"<p>Some words of a page.</p>" * 40
    + b"</article></body></html>"
)


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, service_s: float, crawl_delay: float | None) -> None:
        self.service_s = service_s
        self.crawl_delay = crawl_delay
        self.lock = threading.Lock()
        self.arrivals: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(BaseHTTPRequestHandler):
    server: CountingServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
            if self.server.crawl_delay is not None:
                body += f"Crawl-delay: {self.server.crawl_delay}\n".encode()
            self._reply(body, "text/plain")
            return
        with self.server.lock:
            self.server.arrivals.append(time.monotonic())
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
        time.sleep(self.server.service_s)
        with self.server.lock:
            self.server.in_flight -= 1
        self._reply(PAGE, "text/html; charset=utf-8")

    def _reply(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def max_per_second(arrivals: list[float]) -> int:
    """Most request arrivals in any window of one second."""
    best, start = 0, 0
    for end in range(len(arrivals)):
        while arrivals[end] - arrivals[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def measure(label: str, pages: int, service_s: float, crawl_delay: float | None, **settings: object) -> dict:
    server = CountingServer(service_s, crawl_delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        links = [
            Link(url=f"{base}/a/{i}.html", outlet_id="o", via="feed", found_in="bench") for i in range(pages)
        ]
        started = time.monotonic()
        fetched, failed = fetch_pages_sync(links, Settings(**settings), allow_private_addresses=True)
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    arrivals = sorted(server.arrivals)
    span = (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
    return {
        "label": label,
        "pages": pages,
        "fetched": len(fetched),
        "failed": len(failed),
        "seconds": elapsed,
        "max_per_s": max_per_second(arrivals),
        "mean_per_s": (len(arrivals) - 1) / span if span else float("nan"),
        "max_in_flight": server.max_in_flight,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--service-ms", type=float, default=20.0, help="server time per request")
    args = parser.parse_args()
    service = args.service_ms / 1000
    runs = [
        measure("defaults (4 per host, no interval)", args.pages, service, None),
        measure("per_host_concurrency=2", args.pages, service, None, per_host_concurrency=2),
        measure("min_host_interval_s=0.1", args.pages // 2, service, None, min_host_interval_s=0.1),
        measure("robots.txt Crawl-delay: 0.25", args.pages // 4, service, 0.25),
    ]
    lines = [
        "# Politeness observed at the server",
        "",
        f"Command: `.venv/bin/python -m bench.politeness --pages {args.pages} "
        f"--service-ms {args.service_ms:g}`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. One loopback host; the server sleeps "
        f"{args.service_ms:g} ms per request and records arrivals and requests in flight.",
        "",
        "| setting | pages | fetched | failed | seconds | max requests in any 1 s | mean req/s "
        "| max in flight |",
        "|---|---|---|---|---|---|---|---|",
        *[
            f"| {r['label']} | {r['pages']} | {r['fetched']} | {r['failed']} | {r['seconds']:.2f} "
            f"| {r['max_per_s']} | {r['mean_per_s']:.1f} | {r['max_in_flight']} |"
            for r in runs
        ],
        "",
        "Concurrency per host never exceeds the setting; a minimum interval or a robots.txt Crawl-delay",
        "caps the rate at 1/interval requests per second (Crawl-delay is honoured up to 60 s). The",
        "defaults (4 requests in flight per host, no interval, like common crawler defaults) let a fast",
        "host be fetched as fast as it answers; set COPYDESK_MIN_HOST_INTERVAL_S for outlets that ask",
        "for less.",
    ]
    text = "\n".join(lines) + "\n"
    write_file(RESULTS, text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
