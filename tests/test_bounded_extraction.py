"""Bounded work per page, end to end: `copydesk ingest` processes against a real Prefect server and a loopback
outlet that serves a pathological page beside good ones.

A page that overruns the extraction deadline, a page with more markup than any article has, a worker killed
(as the out-of-memory killer would) while on a page, and a page whose server never answers: each costs
only itself (a failure row of its kind), every good page lands, and the run exits 0. The deadlines are test
settings made small (COPYDESK_EXTRACT_PAGE_TIMEOUT_S, COPYDESK_BATCH_TIMEOUT_S): they bound each run.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.hostile import is_zygote
from copydesk.loopback import SiteHandler, SiteServer
from tests.conftest import warehouse_rows

COPYDESK = str(Path(sys.executable).with_name("copydesk"))
pytestmark = pytest.mark.server

GOOD = [f"good-{i}.html" for i in range(10)]
# one paragraph of 47,000 links: under the markup cap (~94,000 tags), and seconds of extraction
SLOW = "slow.html"
# more tags than any article page has: refused before it is parsed
DENSE = "dense.html"
HANG = "hang.html"


def article(n: int) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {p} of report {n} on the river crossing says how the council will pay for the "
        f"repairs, which lanes close in the spring and what the inspectors found under bridge number {n}.</p>"
        for p in range(6)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bridge report {n}</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2025-06-18T09:00:00+00:00">'
        f"</head><body><article><h1>Bridge report number {n} is out</h1>{paragraphs}</article></body></html>"
    )


def page_of_links(count: int) -> str:
    links = "".join(f'<a href="/bounded/l/{i}">link {i}</a> ' for i in range(count))
    return f"<!DOCTYPE html><html><head><title>Links</title></head><body><p>{links}</p></body></html>"


def page_of_divs(count: int) -> str:
    divs = "".join(f"<div><p>item {i}</p></div>" for i in range(count))
    return f"<!DOCTYPE html><html><head><title>Items</title></head><body>{divs}</body></html>"


def build_site(root: Path, pages: list[str]) -> Path:
    site = root / "bounded"
    site.mkdir(parents=True)
    for i, name in enumerate(GOOD):
        (site / name).write_text(article(i), encoding="utf-8")
    (site / SLOW).write_text(page_of_links(47_000), encoding="utf-8")
    (site / DENSE).write_text(page_of_divs(40_000), encoding="utf-8")
    (site / HANG).write_text(article(99), encoding="utf-8")
    items = "".join(
        f"<item><title>{name}</title><link>{{{{BASE}}}}/bounded/{name}</link>"
        "<pubDate>Wed, 18 Jun 2025 09:00:00 +0000</pubDate></item>"
        for name in pages
    )
    (site / "feed.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>B</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    outlets = root / "outlets.yaml"
    outlets.write_text(
        "allow_private_addresses: true\noutlets:\n  - id: bounded\n"
        '    homepage: "{{BASE}}/bounded/"\n    language: en\n'
        '    feeds:\n      - "{{BASE}}/bounded/feed.xml"\n',
        encoding="utf-8",
    )
    return outlets


class HangingHandler(SiteHandler):
    """Serves the site, except that a request for hang.html is never answered."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.endswith(HANG):
            self.server.record(self.path)
            self.server.released.wait(120)  # type: ignore[attr-defined]
            return
        super().do_GET()


class Site:
    def __init__(self, root: Path, pages: list[str]) -> None:
        template = build_site(root, pages)
        self.server = SiteServer(root)
        self.server.RequestHandlerClass = HangingHandler
        self.server.released = threading.Event()  # type: ignore[attr-defined]
        self.outlets = root / "outlets.rendered.yaml"
        self.outlets.write_text(template.read_text().replace("{{BASE}}", self.server.base_url))
        self.base = f"{self.server.base_url}/bounded/"

    def requested(self, name: str) -> int:
        return sum(1 for path in list(self.server.requests) if path.endswith(f"/{name}"))


@pytest.fixture
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    served = Site(tmp_path, request.param)
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.server.released.set()  # type: ignore[attr-defined]
        served.server.shutdown()
        served.server.server_close()


def _env(api: str, **settings: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    return {**base, "PREFECT_API_URL": api, **{f"COPYDESK_{k.upper()}": v for k, v in settings.items()}}


def _ingest(site: Site, warehouse: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [COPYDESK, "ingest", "--outlets", str(site.outlets), "--warehouse", str(warehouse)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _finish(proc: subprocess.Popen) -> str:
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    return output


def _failures(warehouse: Path) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for url, stage, kind, transient, error in warehouse_rows(
        warehouse, "SELECT url, stage, kind, transient, error FROM failures"
    ):
        found.setdefault(url.rsplit("/", 1)[1], []).append((stage, kind, transient, error))
    return found


def _articles(warehouse: Path) -> set[str]:
    return {url.rsplit("/", 1)[1] for (url,) in warehouse_rows(warehouse, "SELECT url FROM articles")}


@pytest.mark.parametrize("site", [[*GOOD, SLOW, DENSE]], indirect=True, ids=["slow-and-dense"])
def test_pages_past_the_deadline_or_the_markup_cap_fail_alone_and_for_good_after_the_retries(
    site: Site, prefect_server: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "wh"
    env = _env(prefect_server, extract_page_timeout_s="1.5", extract_attempts="2", extract_workers="2")
    _finish(_ingest(site, warehouse, env))
    assert _articles(warehouse) == set(GOOD)
    failures = _failures(warehouse)
    assert set(failures) == {SLOW, DENSE}
    [(stage, kind, transient, error)] = failures[SLOW]
    assert (stage, kind, transient) == ("extract", "too_slow", True)
    assert "COPYDESK_EXTRACT_PAGE_TIMEOUT_S" in error
    [(stage, kind, transient, error)] = failures[DENSE]
    assert (stage, kind, transient) == ("extract", "too_large", False) and "tags" in error

    # the next run tries the slow page again (its second and last attempt), not the dense one
    _finish(_ingest(site, warehouse, env))
    assert site.requested(SLOW) == 2 and site.requested(DENSE) == 1
    # (rows in no particular order: the permanent one is the second attempt's)
    assert sorted(f[1:3] for f in _failures(warehouse)[SLOW]) == [("too_slow", False), ("too_slow", True)]
    # and the one after that fetches it no more
    _finish(_ingest(site, warehouse, env))
    assert site.requested(SLOW) == 2
    assert _articles(warehouse) == set(GOOD)


def _children(pid: int) -> list[int]:
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # utime and stime, the 14th and 15th fields of the whole line
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("site", [[*GOOD, SLOW]], indirect=True, ids=["slow"])
def test_a_worker_killed_mid_page_costs_that_page_only(
    site: Site, prefect_server: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "wh"
    # one worker, and a deadline the slow page stays under: only the kill can stop it
    env = _env(prefect_server, extract_page_timeout_s="600", extract_workers="1")
    proc = _ingest(site, warehouse, env)
    killed = None
    deadline = time.monotonic() + 240
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        workers = [w for z in _children(proc.pid) if is_zygote(z) for w in _children(z)]
        # the good pages need a few hundredths of a second of CPU each: a worker past one second is on the
        # slow page
        busy = [w for w in workers if _cpu_seconds(w) > 1.0]
        if busy:
            os.kill(busy[0], signal.SIGKILL)
            killed = busy[0]
        time.sleep(0.02)
    assert killed is not None, "no worker was seen on the slow page"
    _finish(proc)
    assert _articles(warehouse) == set(GOOD)
    [(stage, kind, transient, error)] = _failures(warehouse)[SLOW]
    # the first of its attempts: a later run tries it again
    assert (stage, kind, transient) == ("extract", "worker_died", True)
    assert "died" in error


@pytest.mark.parametrize("site", [[*GOOD, HANG]], indirect=True, ids=["hang"])
def test_a_batch_never_waits_past_its_deadline(site: Site, prefect_server: str, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    # the request would wait a minute; the batch's deadline comes first
    env = _env(
        prefect_server, batch_timeout_s="8", read_timeout_s="60", total_timeout_s="120", max_retries="0"
    )
    _finish(_ingest(site, warehouse, env))
    assert site.requested(HANG) == 1
    assert _articles(warehouse) == set(GOOD)
    [(stage, kind, transient, error)] = _failures(warehouse)[HANG]
    assert (stage, kind, transient) == ("fetch", "timeout", True)
    assert "COPYDESK_BATCH_TIMEOUT_S" in error
