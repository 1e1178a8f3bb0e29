"""Hostile inputs end to end: `python -m bench.hostile` (results in bench/results/hostile.md).

Each case serves a hostile outlet beside a good one on a loopback server (or damages the warehouse, or attacks
it through `copydesk sql`) and runs real `copydesk` commands as subprocesses against a real Prefect server.
Per case it counts what issue 19 asks: runs completed, rows lost (good articles that did not land),
tracebacks (in any command's output), files opened outside the warehouse (canary files and a FIFO that the
hostile XML names, watched with inotify and by probing the FIFO for a reader; canary URLs asked of the
server), peak memory (RSS of every process of a command, summed) and time. tests/test_hostile_corpus.py runs
the same cases and asserts on the counts.

A case is an entry of CASES: a builder that writes the hostile outlet's files (and returns its feeds and
sitemaps), and the steps to run (ingest, backfill, sql, repair, or a change to the warehouse's files). New
kinds of hostile input are added as entries.
"""

import argparse
import ctypes
import ctypes.util
import errno
import gzip
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bench.results_file import write_file
from bench.throughput import PrefectServer, RssSampler, process_table, tree_usage
from copydesk.loopback import serve_sites

RESULTS = Path(__file__).parent / "results" / "hostile.md"
BIN = Path(sys.executable).parent
GOOD_TITLES = (
    "Harbour dredging to start in July",
    "Ferry timetable changes for the summer",
    "Library extends weekend opening hours",
)
# the day the fixture articles and feed items are dated; backfill cases ask for the window around it
DAY = "2025-06-18"
# seconds one command may take before the case counts it as hung
COMMAND_TIMEOUT_S = 300.0


# canaries: files and a FIFO the hostile XML names, and a watch on who opens them

_IN_OPEN, _IN_ACCESS = 0x20, 0x01
_EVENT = struct.Struct("iIII")


class Canaries:
    """A directory of files that nothing may open (a DTD, an entity's text, an XInclude target, a FIFO) and a
    watch that records every open: inotify for the files, and for the FIFO a probe that opens its writing end
    (that succeeds only while some process is blocked opening it for reading, and unblocks that reader)."""

    NAMES = ("canary.dtd", "canary.txt", "canary.xml")

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.opened: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._fd = -1

    @property
    def fifo(self) -> Path:
        return self.dir / "canary.fifo"

    def url(self, name: str) -> str:
        """The file: URL of a canary."""
        return (self.dir / name).as_uri()

    def __enter__(self) -> "Canaries":
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "canary.dtd").write_text('<!ENTITY leak "LEAKED-DTD">\n', encoding="utf-8")
        (self.dir / "canary.txt").write_text("LEAKED-TEXT\n", encoding="utf-8")
        (self.dir / "canary.xml").write_text("<leak>LEAKED-XML</leak>\n", encoding="utf-8")
        if not self.fifo.exists():
            os.mkfifo(self.fifo)
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        mask = _IN_OPEN | _IN_ACCESS
        if self._fd < 0 or libc.inotify_add_watch(self._fd, str(self.dir).encode(), mask) < 0:
            raise OSError(ctypes.get_errno(), "inotify is not available")
        for target in (self._watch_files, self._probe_fifo):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.1)  # events of the last moment
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        os.close(self._fd)

    def _record(self, name: str) -> None:
        if name not in self.opened:
            self.opened.append(name)

    def _watch_files(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                continue
            offset = 0
            while offset < len(data):
                _, _, _, size = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + size].rstrip(b"\0").decode()
                offset += _EVENT.size + size
                if name in self.NAMES:
                    self._record(name)

    def _probe_fifo(self) -> None:
        while not self._stop.wait(0.02):
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # no reader: nobody opened it
                    continue
                raise
            self._record("canary.fifo")
            os.close(fd)


# the outlets


def article(title: str, published: str = f"{DAY}T09:00:00+00:00", body: str | None = None) -> str:
    """A plain news article page of ours (six paragraphs about its title unless a body is given)."""
    body = body or " ".join(
        f"Paragraph {i} of the report on {title.lower()} explains what changes, who decided it, when it "
        "starts and what residents of the harbour district were told at the council meeting on Tuesday."
        for i in range(6)
    )
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(".") if s.strip())
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{published}">'
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def rss_items(paths: list[str], prefix: str = "{{BASE}}/hostile/") -> str:
    """RSS <item>s linking to pages of an outlet."""
    return "".join(
        f"<item><title>{p}</title><link>{prefix}{p}</link>"
        "<pubDate>Wed, 18 Jun 2025 09:00:00 +0000</pubDate></item>"
        for p in paths
    )


def rss(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{head}<rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'


def slug(title: str) -> str:
    return "-".join(title.lower().split()) + ".html"


def write_good_outlet(root: Path) -> None:
    """The good outlet: three articles and a feed; every case must land all three."""
    site = root / "good"
    site.mkdir(parents=True, exist_ok=True)
    for title in GOOD_TITLES:
        (site / slug(title)).write_text(article(title), encoding="utf-8")
    (site / "feed.xml").write_text(
        rss(rss_items([slug(t) for t in GOOD_TITLES], "{{BASE}}/good/")), encoding="utf-8"
    )


# what a builder returns: the hostile outlet's feeds and sitemaps (paths under /hostile/), or None for a case
# without a hostile outlet
Sources = tuple[list[str], list[str]] | None
Builder = Callable[[Path, Canaries], Sources]


def write(site: Path, name: str, data: str | bytes, headers: str | None = None) -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    if headers:
        path.with_name(path.name + ".headers").write_text(headers, encoding="utf-8")


def hostile_article(site: Path) -> str:
    """One valid article page on the hostile outlet, which its hostile documents list beside their tricks."""
    write(site, "real-story.html", article("Council approves new seawall funding"))
    return "real-story.html"


def build_xxe_doctype_after_pi(site: Path, canary: Canaries) -> Sources:
    head = (
        '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?>'
        f'<!DOCTYPE rss SYSTEM "{canary.url("canary.fifo")}">'
    )
    write(site, "feed.xml", rss(rss_items([hostile_article(site)]), head))
    # a DTD the server holds: fetching it would be a network request the document asked for
    head2 = '<?xml version="1.0"?><?pi x?><!DOCTYPE rss SYSTEM "{{BASE}}/canary/remote.dtd">'
    write(site, "feed2.xml", rss(rss_items([hostile_article(site)]), head2))
    return ["feed.xml", "feed2.xml"], []


def build_xxe_entities(site: Path, canary: Canaries) -> Sources:
    subset = (
        f'<!ENTITY % pe SYSTEM "{canary.url("canary.dtd")}"> %pe;'
        f'<!ENTITY % pf SYSTEM "{canary.url("canary.fifo")}"> %pf;'
        f'<!ENTITY ext SYSTEM "{canary.url("canary.txt")}">'
        '<!ENTITY net SYSTEM "{{BASE}}/canary/entity.txt">'
    )
    head = f'<?xml version="1.0"?><!-- a comment --><?pi x?><!DOCTYPE rss [{subset}]>'
    story = hostile_article(site)
    items = (
        f"<item><title>&ext;&net;&leak;</title><link>{{{{BASE}}}}/hostile/{story}</link>"
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{canary.url("canary.xml")}"/>'
        "</item>"
    )
    write(site, "feed.xml", rss(items, head))
    sitemap = (
        f'<?xml version="1.0"?><?pi?><!DOCTYPE urlset SYSTEM "{canary.url("canary.dtd")}">'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{{{{BASE}}}}/hostile/{story}</loc></url></urlset>"
    )
    write(site, "sitemap.xml", sitemap)
    return ["feed.xml"], ["sitemap.xml"]


def build_entity_bomb(site: Path, canary: Canaries) -> Sources:
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    head = f'<?xml version="1.0"?><?pi?><!DOCTYPE rss [{"".join(levels)}]>'
    story = hostile_article(site)
    items = (
        "<item><title>&lol9;</title><description>&lol9;&lol9;</description>"
        f"<link>{{{{BASE}}}}/hostile/{story}</link></item>"
    )
    write(site, "feed.xml", rss(items, head))
    return ["feed.xml"], []


BAD_LINKS = (
    "http://bad.example:99999/a",
    "http://bad.example:abc/a",
    "http://[::1/a",
    "http://[zz::1]/a",
    "https://bad.example/" + "x" * 5000,
    "http://bad<host>.example/a",
    "http:///no-host",
    "javascript:alert(1)",
    "ftp://files.example/a",
    "http://bad.example:-1/a",
)


def build_bad_links(site: Path, canary: Canaries) -> Sources:
    story = hostile_article(site)
    items = "".join(f"<item><title>bad</title><link><![CDATA[{url}]]></link></item>" for url in BAD_LINKS)
    items += rss_items([story])
    write(site, "feed.xml", rss(items))
    locs = "".join(f"<url><loc><![CDATA[{url}]]></loc></url>" for url in BAD_LINKS)
    write(
        site,
        "sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}<url><loc>{{{{BASE}}}}/hostile/{story}</loc></url></urlset>",
    )
    return ["feed.xml"], ["sitemap.xml"]


def build_sitemap_children(site: Path, canary: Canaries) -> Sources:
    story = hostile_article(site)
    children = [
        "news.xml?year=\u00b2",
        "news.xml?year=" + "9" * 5000,
        "news.xml?yyyy=2025&mm=\u00b9\u00b2&dd=\u0663",
        "sitemap-99999-99-99.xml",
        "sitemap-2025-06.xml",
    ]
    entries = "".join(f"<sitemap><loc>{{{{BASE}}}}/hostile/{c}</loc></sitemap>" for c in children)
    write(
        site,
        "sitemap_index.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>",
    )
    write(
        site,
        "sitemap-2025-06.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{{{{BASE}}}}/hostile/{story}</loc><lastmod>{DAY}</lastmod></url></urlset>",
    )
    return [], ["sitemap_index.xml"]


def _gzip_times(data: bytes, times: int) -> bytes:
    for _ in range(times):
        data = gzip.compress(data, compresslevel=9)
    return data


def build_nested_gzip(site: Path, canary: Canaries) -> Sources:
    # a sitemap of spaces that inflates past the 10 MB cap, three gzip layers deep, sent gzip-encoded
    bomb = b'<?xml version="1.0"?><urlset>' + b" " * (11 * 1024 * 1024) + b"</urlset>"
    gzip_encoded = "Content-Type: application/xml\nContent-Encoding: gzip\n"
    write(site, "bomb.xml.gz", _gzip_times(bomb, 2), gzip_encoded)
    # and a feed that is a gzip bomb under its transport encoding alone
    write(
        site,
        "feed.xml",
        _gzip_times(b"<rss>" + b"\n" * (40 * 1024 * 1024) + b"</rss>", 1),
        "Content-Type: application/rss+xml\nContent-Encoding: gzip\n",
    )
    return ["feed.xml"], ["bomb.xml.gz"]


def build_link_flood(site: Path, canary: Canaries) -> Sources:
    # ~200,000 distinct URLs in a few hundred KB of nested gzip; every fetch of them is refused at once
    # (port 9 of loopback), so the case measures discovery's bounds, not a crawl
    urls = b"".join(b"<url><loc>http://127.0.0.1:9/f/%d</loc></url>" % i for i in range(200_000))
    body = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + urls
    write(site, "flood.xml.gz", _gzip_times(body + b"</urlset>", 2), "Content-Type: application/gzip\n")
    return [], ["flood.xml.gz"]


def build_deep_nesting(site: Path, canary: Canaries) -> Sources:
    story = hostile_article(site)
    deep = "<a>" * 200_000 + "x" + "</a>" * 200_000
    write(site, "feed.xml", rss(rss_items([story]) + f"<item><title>{deep}</title></item>"))
    write(site, "deep.xml", "<urlset>" + "<url>" * 300_000 + "</urlset>")
    return ["feed.xml"], ["deep.xml"]


def build_slow_parse(site: Path, canary: Canaries) -> Sources:
    # a large feed whose every item carries markup to strip: past COPYDESK_PARSE_TIMEOUT_S (set by the case)
    description = "<![CDATA[" + "<p><b>x</b> &amp; <i>y</i></p>" * 60 + "]]>"
    items = "".join(
        f"<item><title>t{i}</title><link>http://127.0.0.1:9/s/{i}</link><description>{description}"
        "</description></item>"
        for i in range(5_000)
    )
    write(site, "slow.xml", rss(items))
    story = hostile_article(site)
    write(site, "feed.xml", rss(rss_items([story])))
    return ["slow.xml", "feed.xml"], []


def page_of_links(count: int) -> str:
    """One paragraph of `count` links: under the markup cap, and many seconds of extraction."""
    links = "".join(f'<a href="/hostile/l/{i}">link {i}</a> ' for i in range(count))
    return f"<!DOCTYPE html><html><head><title>Links</title></head><body><p>{links}</p></body></html>"


def build_slow_page(site: Path, canary: Canaries) -> Sources:
    story = hostile_article(site)
    write(site, "slow.html", page_of_links(47_000))
    write(site, "feed.xml", rss(rss_items([story, "slow.html"])))
    return ["feed.xml"], []


def build_dense_page(site: Path, canary: Canaries) -> Sources:
    # ~10 MB of <div><p>: more tags than any article page has, refused before trafilatura parses it
    story = hostile_article(site)
    divs = "".join(f"<div><p>item {i}</p></div>" for i in range(330_000))
    page = f"<!DOCTYPE html><html><head><title>Items</title></head><body>{divs}</body></html>"
    write(site, "dense.html", page)
    write(site, "feed.xml", rss(rss_items([story, "dense.html"])))
    return ["feed.xml"], []


def build_none(site: Path, canary: Canaries) -> Sources:
    return None


# steps


@dataclass(frozen=True)
class Step:
    """One command of a case, or a change to the warehouse's files (`change`), run in order."""

    kind: str  # ingest, backfill, sql, repair, change
    args: tuple[str, ...] = ()
    expect_exit: int = 0
    change: Callable[[Path], None] | None = None
    # text the command's output must hold (a refusal, what repair did)
    says: str | None = None
    # done to the command's processes while it runs (given its pid); returns a problem, or None
    during: Callable[[int], str | None] | None = None


def ingest(expect_exit: int = 0) -> Step:
    return Step("ingest", expect_exit=expect_exit)


def truncate_snapshot(warehouse: Path) -> None:
    target = warehouse / "warehouse.duckdb"
    with open(target, "r+b") as handle:
        handle.truncate(target.stat().st_size // 2)


def dead_pid() -> int:
    """A process id that no process has (a child that has exited and been reaped)."""
    child = subprocess.run(["true"], check=True)
    del child
    pid = os.getpid() + 400_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


def kill_busy_worker(pid: int, limit_s: float = 240.0) -> str | None:
    """SIGKILL the extraction worker that is on the slow page, as the out-of-memory killer would."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        table = process_table()
        if pid not in table:
            return "the command ended before a worker was seen on the slow page"
        zygotes = [p for p in tree_usage(pid, table)[1] if is_zygote(p)]
        workers = [p for p, (parent, _, _) in table.items() if parent in zygotes]
        # the good pages need hundredths of a second of CPU each: a worker past a second is on the slow page
        busy = [p for p in workers if table[p][2] > 1.0]
        if busy:
            os.kill(busy[0], signal.SIGKILL)
            return None
        time.sleep(0.02)
    return "no worker was seen on the slow page"


def is_zygote(pid: int) -> bool:
    """Whether pid is the extraction workers' zygote (tests/test_bounded_extraction.py uses it too)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"copydesk.flows.execution.zygote" in cmdline.read()
    except OSError:
        return False


def remove_snapshot_leave_temps(warehouse: Path) -> None:
    (warehouse / "warehouse.duckdb").unlink()
    pid = dead_pid()
    (warehouse / f".warehouse.duckdb.tmp-{pid}").write_bytes(b"half a copy")
    lake_dir = next((warehouse / "lake" / "articles").glob("run=*"))
    (lake_dir / f".batch-99999.parquet.tmp-{pid}").write_bytes(b"half a parquet file")


def scribble_loader(warehouse: Path) -> None:
    loader = warehouse / "state" / "loader.duckdb"
    with open(loader, "r+b") as handle:
        handle.write(os.urandom(8192))


def scribble_snapshot(warehouse: Path) -> None:
    target = warehouse / "warehouse.duckdb"
    with open(target, "r+b") as handle:
        handle.seek(4096)
        handle.write(os.urandom(8192))


def no_stale_files(warehouse: Path) -> None:
    left = [*warehouse.glob(".*.tmp-*"), *warehouse.glob("lake/*/run=*/.*.tmp-*")]
    if left:
        raise AssertionError(f"temp files left: {left}")


DEEP_YAML = "outlets:" + " [" * 20_000 + " ]" * 20_000 + "\n"
NEWLINE_ID = 'outlets:\n  - id: "good\\n"\n    feeds: ["{{BASE}}/good/feed.xml"]\n'


@dataclass(frozen=True)
class Case:
    """One hostile input: what it is, how its files are built, the steps run, and what the run must record."""

    name: str
    what: str
    build: Builder = build_none
    steps: tuple[Step, ...] = (Step("ingest"),)
    # failure kinds the hostile outlet's documents must leave in `failures`
    failure_kinds: frozenset[str] = frozenset()
    env: dict[str, str] = field(default_factory=dict)
    # an outlets file that replaces the rendered one (config cases)
    outlets_text: str | None = None
    # whether the good outlet's articles are expected (config cases stop before any run)
    counts_rows: bool = True


def refused_outlets_file(name: str, what: str, text: str) -> Case:
    """A case of an outlets file the command must refuse with exit 2 before any run."""
    return Case(name, what, steps=(ingest(expect_exit=2),), outlets_text=text, counts_rows=False)


# the destructive ones, each a command of its own (tests/test_hostile_inputs.py tries every kind in-process)
SQL_ATTACKS = (
    "attach '{wh}/state/loader.duckdb' as l (READ_WRITE); delete from l.core.articles",
    "copy (select 1) to '{wh}/warehouse.duckdb'",
    "copy (select 1 as x) to '{wh}/lake/articles/run=evil/evil.parquet' (format parquet)",
    "install httpfs; load httpfs",
)

CASES: tuple[Case, ...] = (
    Case(
        "xxe-doctype-after-pi",
        "DOCTYPE after a processing instruction naming a FIFO (file:) and a DTD on the server (http:)",
        build_xxe_doctype_after_pi,
    ),
    Case(
        "xxe-entities-xinclude",
        "parameter entities (file: DTD, FIFO), external entities (file:, http:), XInclude",
        build_xxe_entities,
    ),
    Case("entity-bomb", "billion laughs in a feed's internal subset", build_entity_bomb),
    Case(
        "bad-links",
        "ports 99999/abc/-1, broken IPv6, 5,000-char URL, bad host, no host, javascript:, ftp:",
        build_bad_links,
        failure_kinds=frozenset({"bad_links"}),
        steps=(ingest(), ingest()),
    ),
    Case(
        "sitemap-children-backfill",
        "backfill over a sitemap index with children ?year=\u00b2, a 5,000-digit year, year 99999",
        build_sitemap_children,
        steps=(Step("backfill", ("--start", "2025-06-17", "--end", DAY)),),
    ),
    Case(
        "nested-gzip",
        "gzip in gzip in a gzip-encoded response inflating past 10 MB; a 40 MB transport gzip bomb",
        build_nested_gzip,
        failure_kinds=frozenset({"too_large"}),
    ),
    Case(
        "link-flood",
        "200,000 URLs in a small nested-gzip sitemap (the run fetches the first 100 links it selects)",
        build_link_flood,
        failure_kinds=frozenset({"truncated"}),
        # discovery's bounds are the subject, not 50,000 refused connections
        steps=(Step("ingest", ("--max-links", "100")),),
    ),
    Case(
        "deep-nesting",
        "200,000-deep elements in a feed item, 300,000 unclosed elements in a sitemap",
        build_deep_nesting,
    ),
    Case(
        "slow-parse",
        "a feed that parses for longer than the deadline (COPYDESK_PARSE_TIMEOUT_S=0.3)",
        build_slow_parse,
        failure_kinds=frozenset({"too_slow"}),
        env={"COPYDESK_PARSE_TIMEOUT_S": "0.3"},
    ),
    Case(
        "slow-page",
        "a page of 47,000 links in one paragraph: past the extraction deadline "
        "(COPYDESK_EXTRACT_PAGE_TIMEOUT_S=2)",
        build_slow_page,
        failure_kinds=frozenset({"too_slow"}),
        env={"COPYDESK_EXTRACT_PAGE_TIMEOUT_S": "2"},
    ),
    Case(
        "dense-page",
        "a 10 MB page of 330,000 <div><p> blocks: past the markup cap",
        build_dense_page,
        failure_kinds=frozenset({"too_large"}),
    ),
    Case(
        "killed-worker",
        "the extraction worker on the slow page killed with SIGKILL mid-page (as the OOM killer would)",
        build_slow_page,
        failure_kinds=frozenset({"worker_died"}),
        # a deadline the slow page stays under: only the kill stops it
        env={"COPYDESK_EXTRACT_PAGE_TIMEOUT_S": "600"},
        steps=(Step("ingest", during=kill_busy_worker),),
    ),
    Case(
        "sql-attacks",
        "copydesk sql: ATTACH loader READ_WRITE + DELETE, COPY over the snapshot, COPY into the lake, "
        "INSTALL + LOAD",
        steps=(
            ingest(),
            *(Step("sql", (q,), expect_exit=1, says="refused") for q in SQL_ATTACKS),
            ingest(),
        ),
    ),
    Case(
        "truncated-snapshot",
        "warehouse.duckdb truncated to half between runs",
        steps=(ingest(), Step("change", change=truncate_snapshot), ingest(), Step("sql", ("select 1",))),
    ),
    Case(
        "missing-snapshot-stale-temps",
        "warehouse.duckdb deleted, temp files of a dead process left in the warehouse and the lake",
        steps=(
            ingest(),
            Step("change", change=remove_snapshot_leave_temps),
            ingest(),
            Step("change", change=no_stale_files),
        ),
    ),
    Case(
        "scribbled-loader",
        "state/loader.duckdb overwritten with random bytes at its head",
        steps=(ingest(), Step("change", change=scribble_loader), ingest()),
    ),
    Case(
        "repair-command",
        "warehouse.duckdb damaged mid-file; `copydesk repair` says what it did",
        steps=(
            ingest(),
            Step("change", change=scribble_snapshot),
            Step("repair", says="published warehouse.duckdb again"),
            Step("sql", ("select count(*) from articles",)),
        ),
    ),
    refused_outlets_file("deep-yaml", "an outlets file nested 20,000 deep", DEEP_YAML),
    refused_outlets_file("newline-id", 'an outlet id "good\\n"', NEWLINE_ID),
    Case(
        "warehouse-is-a-file",
        "--warehouse naming a file",
        steps=(Step("ingest", ("--warehouse", "{root}/a-file"), expect_exit=2),),
        counts_rows=False,
    ),
)


# running a case


@dataclass
class CaseResult:
    """What one case measured."""

    name: str
    what: str
    runs: int = 0
    runs_completed: int = 0
    rows_lost: int = 0
    tracebacks: int = 0
    opened_outside: list[str] = field(default_factory=list)
    peak_rss: int = 0
    seconds: float = 0.0
    failure_kinds: set[str] = field(default_factory=set)
    hostile_articles: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# every case's commands: one extraction worker, and no retries or backoff for the hostile outlet's failures
RUN_SETTINGS = {"COPYDESK_EXTRACT_WORKERS": "1", "COPYDESK_MAX_RETRIES": "0", "COPYDESK_BACKOFF_BASE_S": "0"}


def command_env(api_url: str, home: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a copydesk command: the bench's Prefect server, no settings of the caller's."""
    home.mkdir(parents=True, exist_ok=True)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "COPYDESK_"))}
    prefect = {"PREFECT_API_URL": api_url, "PREFECT_HOME": str(home)}
    prefect["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return inherited | prefect | RUN_SETTINGS | extra


def run_command(
    cmd: list[str], env: dict[str, str], log: Path, during: Callable[[int], str | None] | None = None
) -> tuple[int, str, float, int, str | None]:
    """(exit status, output, seconds, peak RSS of its process tree, problem of `during`) of one command."""
    started = time.monotonic()
    problem: list[str | None] = [None]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        if during is not None:
            meddler = threading.Thread(target=lambda: problem.__setitem__(0, during(proc.pid)), daemon=True)
            meddler.start()
        with RssSampler({"command": proc.pid}) as sampler:
            try:
                status = proc.wait(timeout=COMMAND_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                status = proc.wait()
                out.write(f"\n[bench: killed after {COMMAND_TIMEOUT_S:.0f}s]\n".encode())
    if during is not None:
        meddler.join(timeout=5)
    output = log.read_text(encoding="utf-8", errors="replace")
    return status, output, time.monotonic() - started, sampler.peak_total, problem[0]


def _rows(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def render_outlets(case: Case, base_url: str, sources: Sources, path: Path) -> Path:
    if case.outlets_text is not None:
        path.write_text(case.outlets_text.replace("{{BASE}}", base_url), encoding="utf-8")
        return path
    lines = [
        "allow_private_addresses: true",
        "outlets:",
        "  - id: good",
        f'    homepage: "{base_url}/good/"',
        f'    site_prefix: "{base_url}/good/"',
        f'    feeds: ["{base_url}/good/feed.xml"]',
    ]
    if sources is not None:
        feeds, sitemaps = sources
        lines += [
            "  - id: hostile",
            f'    homepage: "{base_url}/hostile/"',
            f'    site_prefix: "{base_url}/hostile/"',
            f"    feeds: [{', '.join(repr(f'{base_url}/hostile/{f}') for f in feeds)}]",
            f"    sitemaps: [{', '.join(repr(f'{base_url}/hostile/{s}') for s in sitemaps)}]",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_case(case: Case, workdir: Path, api_url: str) -> CaseResult:
    """Run one case's steps in a fresh directory and count what happened."""
    result = CaseResult(case.name, case.what)
    root = workdir / case.name
    shutil.rmtree(root, ignore_errors=True)
    sites = root / "sites"
    warehouse = root / "warehouse"
    write_good_outlet(sites)
    (root / "a-file").write_text("not a warehouse\n", encoding="utf-8")
    with Canaries(root / "canary") as canary, serve_sites(sites) as server:
        sources = case.build(sites / "hostile", canary)
        outlets = render_outlets(case, server.base_url, sources, root / "outlets.yaml")
        env = command_env(api_url, root / "prefect-home", case.env)
        for number, step in enumerate(case.steps, start=1):
            if step.kind == "change":
                assert step.change is not None
                try:
                    step.change(warehouse)
                except (AssertionError, OSError, StopIteration) as exc:
                    result.problems.append(f"step {number}: {exc!r}")
                continue
            args = [a.replace("{root}", str(root)).replace("{wh}", str(warehouse)) for a in step.args]
            cmd = [str(BIN / "copydesk"), step.kind]
            if step.kind in ("ingest", "backfill"):
                cmd += ["--outlets", str(outlets)]
            if "--warehouse" not in args:
                cmd += ["--warehouse", str(warehouse)]
            cmd += args
            status, output, seconds, peak, meddled = run_command(
                cmd, env, root / f"step-{number}-{step.kind}.log", step.during
            )
            if meddled:
                result.problems.append(f"step {number} ({step.kind}): {meddled}")
            result.seconds += seconds
            result.peak_rss = max(result.peak_rss, peak)
            result.tracebacks += output.count("Traceback")
            if step.kind in ("ingest", "backfill") and step.expect_exit == 0:
                result.runs += 1
                result.runs_completed += status == 0
            if status != step.expect_exit:
                result.problems.append(f"step {number} ({step.kind}) exited {status}, not {step.expect_exit}")
            if step.says and step.says not in output:
                result.problems.append(f"step {number} ({step.kind}) did not say {step.says!r}")
        canary_requests = [path for path in server.requests if path.startswith("/canary/")]
    result.opened_outside = canary.opened + canary_requests
    if case.counts_rows:
        try:
            landed = {t for (t,) in _rows(warehouse, "SELECT title FROM articles WHERE outlet_id = 'good'")}
            kinds = _rows(warehouse, "SELECT DISTINCT kind FROM failures WHERE outlet_id = 'hostile'")
            hostile = _rows(warehouse, "SELECT count(*) FROM articles WHERE outlet_id = 'hostile'")
        except duckdb.Error as exc:
            result.problems.append(f"warehouse unreadable after the case: {exc}")
            landed, kinds, hostile = set(), [], [(0,)]
        result.rows_lost = len(set(GOOD_TITLES) - landed)
        result.failure_kinds = {k for (k,) in kinds}
        result.hostile_articles = hostile[0][0]
        missing = case.failure_kinds - result.failure_kinds
        if missing:
            found = sorted(result.failure_kinds)
            result.problems.append(f"no failure row of kind {sorted(missing)} (found: {found})")
    if result.rows_lost:
        result.problems.append(f"{result.rows_lost} good articles lost")
    if result.tracebacks:
        result.problems.append(f"{result.tracebacks} tracebacks")
    if result.opened_outside:
        result.problems.append(f"opened outside the warehouse: {result.opened_outside}")
    return result


@contextmanager
def prefect_api(workdir: Path) -> Iterator[str]:
    """A Prefect server of the bench's own, for every case's commands."""
    with PrefectServer(workdir / "prefect-server") as server:
        yield server.api


def table(results: list[CaseResult]) -> str:
    """The per-case table of bench/results/hostile.md."""
    lines = [
        "| case | input | runs completed | rows lost | tracebacks | files opened outside | peak RSS | time "
        "| outcome |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        runs = f"{r.runs_completed}/{r.runs}" if r.runs else "none (exit 2, as it must)"
        outcome = "ok" if r.ok else "; ".join(r.problems)
        kinds = f" (failures: {', '.join(sorted(r.failure_kinds))})" if r.failure_kinds else ""
        lines.append(
            f"| {r.name} | {r.what} | {runs} | {r.rows_lost} | {r.tracebacks} | {len(r.opened_outside)} | "
            f"{r.peak_rss / 2**20:,.0f} MB | {r.seconds:.1f} s | {outcome}{kinds} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the cases (all, or those named) and write bench/results/hostile.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.splitlines()[0])
    names = " ".join(c.name for c in CASES)
    parser.add_argument("cases", nargs="*", help=f"case names (default: all): {names}")
    parser.add_argument("--no-write", action="store_true", help="print the table without writing results")
    args = parser.parse_args(argv)
    chosen = [c for c in CASES if not args.cases or c.name in args.cases]
    results = []
    with tempfile.TemporaryDirectory(prefix="copydesk-hostile-") as tmp, prefect_api(Path(tmp)) as api:
        for case in chosen:
            print(f"== {case.name}", flush=True)
            results.append(run_case(case, Path(tmp), api))
            print(table(results[-1:]).splitlines()[-1], flush=True)
    text = table(results)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text += f"\n\nLoad average when the cases ended (1, 5, 15 min): {load} on {os.cpu_count()} CPUs."
    print(text)
    if not args.no_write:
        write_file(
            RESULTS,
            "# Hostile inputs, end to end\n\n"
            "`python -m bench.hostile` (tests/test_hostile_corpus.py runs the same cases). Each case runs "
            "real `copydesk` commands against a loopback server serving a hostile outlet beside a good "
            f"outlet with {len(GOOD_TITLES)} articles, on a Prefect server of its own. Rows lost: the good "
            "outlet's articles missing at the end. Files opened outside: canary files and a FIFO named by "
            "the hostile XML, watched with inotify and a FIFO probe, plus canary URLs asked of the server. "
            "Peak RSS: every process of a command, summed, sampled 10 times a second; time: all commands "
            "of the case.\n\n"
            f"{text}\n",
        )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
