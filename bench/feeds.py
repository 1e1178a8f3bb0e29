"""Feed and sitemap parsing: copydesk's own parser against maintained ones, for correctness, speed and bounds.

Run `.venv/bin/python -m bench.feeds [--no-write] [--baseline REV] [--reps N]`; results go to stdout and the
generated block of bench/results/feeds.md (the decision notes around it are hand-written).

1. Correctness: every case of the conformance corpus (tests/feed_corpus.py: documents we wrote, shaped like
   what outlets serve, each with what a correct reader returns) through copydesk's `parse_feed_document` /
   `parse_sitemap` and through feedparser, fastfeedparser and feedparser-rs (whichever are installed: the
   dev extra pins them). An item is right when its URL, title and date (publication, else modification,
   in UTC to the second) all match; a case is right when every item is and nothing else came out. The
   maintained parsers read feeds only: sitemap cases are theirs to skip. They are used the obvious way:
   feedparser is given the HTTP Content-Type and the document URL (its `response_headers`); an entry's URL is
   feedburner's origLink when present, else `link`; a title whose declared type is html or xhtml is
   stripped of its tags (their contract hands html back as html).
2. Speed: CPU seconds (time.process_time, the best of --reps runs) to parse generated feeds of 1,000 items
   (RSS 2.0 with html descriptions, Atom 1.0 with summaries), a pass over the corpus' feed cases, and
   discovery's heaviest document, a 50,000-URL sitemap with lastmods (copydesk only). With --baseline REV
   the sitemap and the feeds are also parsed by tasks/discover.py as it was at that commit (loaded from git,
   beside today's other modules), the before/after of this change.
3. Bounds: each parser, in a child process capped at 2 GiB of address space and 60 s, reads a feed whose
   DOCTYPE names a local file as an external entity (does the file's text come out?) and a billion-laughs
   feed (ten levels of ten entity references): the outcome, CPU seconds and peak memory.
"""

import argparse
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bench.results_file import write_block
from tests.feed_corpus import CASES, Case, Item

RESULTS = Path(__file__).parent / "results" / "feeds.md"
REPO = Path(__file__).resolve().parents[1]
MAINTAINED = ("feedparser", "fastfeedparser", "feedparser_rs")
SITEMAP_URLS = 50_000
FEED_ITEMS = 1_000
HOSTILE_TIMEOUT_S = 60
HOSTILE_MEMORY_BYTES = 2 * 1024**3
CANARY_TEXT = "canary-text-from-a-local-file"


# -- what each parser returns, in the corpus' terms --------------------------------------------------------


def copydesk_items(case: Case, module: types.ModuleType | None = None) -> list[Item]:
    """The case through copydesk's discovery parser (today's, or `module`, a baseline's discover.py)."""
    discover = module or importlib.import_module("copydesk.tasks.discover")
    parse = discover.parse_feed_document if case.kind == "feed" else discover.parse_sitemap
    if module is None:
        parsed = parse(case.body, case.url, "paper", content_type=case.content_type)
    else:
        parsed = parse(case.body, case.url, "paper")
    return [Item(link.url, link.title, link.published_at or link.modified_at) for link in parsed.links]


class _Strip(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _title(value: str | None, kind: str | None) -> str | None:
    if value is None:
        return None
    if kind in ("text/html", "application/xhtml+xml", "html", "xhtml"):
        stripper = _Strip()
        stripper.feed(value)
        stripper.close()
        value = "".join(stripper.parts)
    return " ".join(value.split()) or None


def _struct_time(value: Any) -> datetime | None:
    return datetime(*value[:6], tzinfo=UTC) if value else None


def _detail_type(entry: Any) -> str | None:
    detail = entry.get("title_detail")
    if detail is None:
        return None
    return detail.get("type") if isinstance(detail, dict) else getattr(detail, "type", None)


def feedparser_items(case: Case) -> list[Item]:
    import feedparser

    headers = {"content-location": case.url}
    if case.content_type:
        headers["content-type"] = case.content_type
    parsed = feedparser.parse(case.body, response_headers=headers)
    return _feedparser_like(parsed.entries)


def feedparser_rs_items(case: Case) -> list[Item]:
    import feedparser_rs

    return _feedparser_like(feedparser_rs.parse(case.body).entries)


def _feedparser_like(entries: list[Any]) -> list[Item]:
    items = []
    for entry in entries:
        url = entry.get("feedburner_origlink") or entry.get("link")
        if not url:
            continue
        date = _struct_time(entry.get("published_parsed")) or _struct_time(entry.get("updated_parsed"))
        items.append(Item(url, _title(entry.get("title"), _detail_type(entry)), date))
    return items


def fastfeedparser_items(case: Case) -> list[Item]:
    import fastfeedparser

    items = []
    for entry in fastfeedparser.parse(case.body)["entries"]:
        url = entry.get("link")
        if not url:
            continue
        raw = entry.get("published") or entry.get("updated")
        date = datetime.fromisoformat(raw).astimezone(UTC) if raw else None
        items.append(Item(url, _title(entry.get("title"), None), date))
    return items


READERS: dict[str, Callable[[Case], list[Item]]] = {
    "copydesk": copydesk_items,
    "feedparser": feedparser_items,
    "fastfeedparser": fastfeedparser_items,
    "feedparser_rs": feedparser_rs_items,
}


def available() -> list[str]:
    """copydesk and the maintained parsers that are installed."""
    names = ["copydesk"]
    for name in MAINTAINED:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        names.append(name)
    return names


def score(case: Case, reader: Callable[[Case], list[Item]]) -> tuple[int, bool, str]:
    """(expected items returned exactly, whole case right, what went wrong)."""
    try:
        found = reader(case)
    except Exception as exc:  # noqa: BLE001 - a parser that raises scores nothing on the case, and says why
        return 0, False, f"raised {type(exc).__name__}"
    expected = set(case.items)
    right = len(expected & set(found))
    wrong = [item for item in found if item not in expected]
    missing = [item for item in case.items if item not in set(found)]
    said = ""
    if wrong or missing:
        sample = (wrong or missing)[0]
        said = f"got {wrong[0]!r}" if wrong else f"missed {sample!r}"
    return right, not wrong and not missing and len(found) == len(case.items), said


# -- speed -------------------------------------------------------------------------------------------------


def big_rss(items: int = FEED_ITEMS) -> bytes:
    start = datetime(2025, 6, 18, tzinfo=UTC)
    rows = []
    for i in range(items):
        t = start - timedelta(minutes=7 * i)
        rows.append(
            f"<item><title>Council votes on harbour plan, part {i}</title>"
            f"<link>https://news.example/{t:%Y/%m/%d}/story-{i}.html</link>"
            f'<guid isPermaLink="false">id-{i}</guid><pubDate>{t:%a, %d %b %Y %H:%M:%S} -0400</pubDate>'
            "<description><![CDATA[<p>The council met on <b>Tuesday</b> to vote on the harbour plan, "
            f"item {i}. "
            "Residents spoke for and against.</p>]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>'
        "<link>https://news.example/</link>" + "".join(rows) + "</channel></rss>"
    ).encode()


def big_atom(entries: int = FEED_ITEMS) -> bytes:
    start = datetime(2025, 6, 18, tzinfo=UTC)
    rows = []
    for i in range(entries):
        t = start - timedelta(minutes=7 * i)
        rows.append(
            f'<entry><title type="text">Ferry timetable changes, part {i}</title>'
            f'<link rel="alternate" type="text/html" href="/{t:%Y/%m/%d}/ferry-{i}.html"/>'
            f"<id>urn:ferry:{i}</id><published>{t:%Y-%m-%dT%H:%M:%S}+02:00</published>"
            f"<updated>{t:%Y-%m-%dT%H:%M:%S}+02:00</updated>"
            f'<summary type="html">&lt;p&gt;New times from Monday, part {i}.&lt;/p&gt;</summary></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:base="https://news.example/"><title>News</title><id>urn:news</id>'
        "<updated>2025-06-18T12:00:00Z</updated>" + "".join(rows) + "</feed>"
    ).encode()


def big_sitemap(urls: int = SITEMAP_URLS) -> bytes:
    start = datetime(2025, 6, 18, tzinfo=UTC)
    rows = []
    for i in range(urls):
        t = start - timedelta(minutes=7 * i)
        rows.append(
            f"<url><loc>https://news.example/{t:%Y/%m/%d}/story-{i}.html</loc>"
            f"<lastmod>{t:%Y-%m-%dT%H:%M:%S}+00:00</lastmod></url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "\n".join(rows)
        + "</urlset>"
    ).encode()


def cpu(work: Callable[[], object], reps: int) -> float:
    """The least CPU seconds of `reps` runs (the machine is shared: the least is the least disturbed)."""
    best = float("inf")
    for _ in range(reps):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def _as_case(body: bytes, url: str, kind: str = "feed") -> Case:
    return Case("generated", kind, body, (), url=url)  # type: ignore[arg-type]


def baseline_discover(rev: str) -> types.ModuleType:
    """tasks/discover.py as it was at commit `rev`, importing today's other modules."""
    source = subprocess.run(
        ["git", "show", f"{rev}:tasks/discover.py"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(f"discover_at_{rev}")
    exec(compile(source, f"{rev}:tasks/discover.py", "exec"), module.__dict__)  # noqa: S102 - our own file
    return module


# -- bounds ------------------------------------------------------------------------------------------------


def hostile_documents(canary: Path) -> dict[str, bytes]:
    laughs = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)]
    return {
        "external-entity": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{canary}">]>'
            '<rss version="2.0"><channel><title>T</title><item><title>before &leak; after</title>'
            "<link>https://a.example/x.html</link></item></channel></rss>"
        ).encode(),
        "billion-laughs": (
            '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(laughs) + "]>"
            '<rss version="2.0"><channel><title>T</title><item><title>&l9;</title>'
            "<link>https://a.example/x.html</link></item></channel></rss>"
        ).encode(),
    }


def _hostile_one(parser: str, document: str, canary: str) -> None:
    """In the child: parse one hostile document and print what came out, CPU and peak memory as JSON."""
    resource.setrlimit(resource.RLIMIT_AS, (HOSTILE_MEMORY_BYTES, HOSTILE_MEMORY_BYTES))
    body = hostile_documents(Path(canary))[document]
    started = time.process_time()
    try:
        items = READERS[parser](_as_case(body, "https://a.example/feed.xml"))
        leaked = any(CANARY_TEXT in (i.title or "") for i in items)
        outcome = "leaked the file" if leaked else "parsed, nothing leaked"
        longest = max((len(i.title or "") for i in items), default=0)
    except MemoryError:
        outcome, longest = "out of memory", 0
    except Exception as exc:  # noqa: BLE001 - a refusal is an outcome to report
        outcome, longest = f"refused ({type(exc).__name__})", 0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "outcome": outcome,
                "cpu_s": time.process_time() - started,
                "peak_mb": peak_mb,
                "longest_title": longest,
            }
        )
    )


def hostile(parsers: list[str]) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        canary = Path(tmp) / "canary.txt"
        canary.write_text(CANARY_TEXT, encoding="utf-8")
        for document in hostile_documents(canary):
            for parser in parsers:
                command = [
                    sys.executable,
                    "-m",
                    "bench.feeds",
                    "--hostile-one",
                    parser,
                    document,
                    str(canary),
                ]
                try:
                    done = subprocess.run(
                        command, cwd=REPO, capture_output=True, text=True, timeout=HOSTILE_TIMEOUT_S
                    )
                    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
                    found = (
                        json.loads(line)
                        if line.startswith("{")
                        else {
                            "outcome": f"child died (exit {done.returncode})",
                            "cpu_s": None,
                            "peak_mb": None,
                            "longest_title": 0,
                        }
                    )
                except subprocess.TimeoutExpired:
                    found = {
                        "outcome": f"still running after {HOSTILE_TIMEOUT_S} s",
                        "cpu_s": None,
                        "peak_mb": None,
                        "longest_title": 0,
                    }
                rows.append({"document": document, "parser": parser, **found})
    return rows


# -- the run -----------------------------------------------------------------------------------------------


def run(reps: int, baseline: str | None) -> str:
    parsers = available()
    lines = [f"Parsers: {', '.join(_version(p) for p in parsers)}; Python {sys.version.split()[0]}.", ""]

    lines += ["### Correctness on the conformance corpus", ""]
    lines.append("| case | defect | " + " | ".join(parsers) + " |")
    lines.append("|---|---|" + "---|" * len(parsers))
    totals = {p: [0, 0, 0, 0] for p in parsers}  # feed cases right, feed items right, all cases right, items
    feed_cases = [c for c in CASES if c.kind == "feed"]
    notes: list[str] = []
    for case in CASES:
        cells = []
        for parser in parsers:
            if parser != "copydesk" and case.kind != "feed":
                cells.append("n/a")
                continue
            right, whole, said = score(case, READERS[parser])
            cells.append(f"{'ok' if whole else 'wrong'} {right}/{len(case.items)}")
            if case.kind == "feed":
                totals[parser][0] += whole
                totals[parser][1] += right
            totals[parser][2] += whole
            totals[parser][3] += right
            if not whole and said:
                notes.append(f"- {case.id}, {parser}: {said[:160]}")
        lines.append(f"| {case.id} | {case.defect or '-'} | " + " | ".join(cells) + " |")
    feed_items = sum(len(c.items) for c in feed_cases)
    lines += ["", f"Feed cases right ({len(feed_cases)} cases, {feed_items} items):", ""]
    for parser in parsers:
        right_cases, right_items, _, _ = totals[parser]
        lines.append(f"- {parser}: {right_cases}/{len(feed_cases)} cases, {right_items}/{feed_items} items")
    all_items = sum(len(c.items) for c in CASES)
    lines.append(
        f"- copydesk on every case (sitemaps too): {totals['copydesk'][2]}/{len(CASES)} cases, "
        f"{totals['copydesk'][3]}/{all_items} items"
    )
    if notes:
        lines += ["", "What went wrong (first difference per case):", "", *notes]

    lines += ["", f"### Speed (CPU, best of {reps})", ""]
    rss, atom, sitemap = big_rss(), big_atom(), big_sitemap()
    documents = {
        f"RSS 2.0, {FEED_ITEMS} items": _as_case(rss, "https://news.example/feed.xml"),
        f"Atom 1.0, {FEED_ITEMS} entries": _as_case(atom, "https://news.example/atom.xml"),
    }
    lines.append("| document | " + " | ".join(parsers) + " |")
    lines.append("|---|" + "---|" * len(parsers))
    for name, case in documents.items():
        cells = [f"{cpu(lambda c=case, p=p: READERS[p](c), reps) * 1000:.1f} ms" for p in parsers]
        lines.append(f"| {name} (per 1,000 items) | " + " | ".join(cells) + " |")
    corpus_cells = []
    for parser in parsers:
        per_pass = cpu(lambda p=parser: [score(c, READERS[p]) for c in feed_cases], reps)
        corpus_cells.append(f"{per_pass / len(feed_cases) * 1000:.2f} ms")
    lines.append(f"| corpus feeds (per feed, {len(feed_cases)} feeds) | " + " | ".join(corpus_cells) + " |")

    sitemap_case = _as_case(sitemap, "https://news.example/sitemap.xml", "sitemap")
    now = cpu(lambda: copydesk_items(sitemap_case), max(1, reps // 2))
    lines += [
        "",
        f"Discovery's heaviest document, a sitemap of {SITEMAP_URLS:,} URLs with lastmods "
        f"({len(sitemap) / 1e6:.1f} MB), copydesk: {now:.2f} s CPU "
        f"({now / SITEMAP_URLS * 1e6:.0f} µs a URL).",
    ]
    if baseline:
        module = baseline_discover(baseline)
        before = cpu(lambda: copydesk_items(sitemap_case, module), max(1, reps // 2))
        rss_before = cpu(lambda: copydesk_items(documents[f"RSS 2.0, {FEED_ITEMS} items"], module), reps)
        rss_now = cpu(lambda: copydesk_items(documents[f"RSS 2.0, {FEED_ITEMS} items"]), reps)
        lines += [
            "",
            f"Before/after (tasks/discover.py at {baseline} vs now, same bytes, same run):",
            "",
            f"- sitemap of {SITEMAP_URLS:,} URLs: {before:.2f} s → {now:.2f} s CPU",
            f"- RSS 2.0 of {FEED_ITEMS} items: {rss_before * 1000:.1f} ms → {rss_now * 1000:.1f} ms CPU",
        ]
        wrong_before = sum(not score(c, lambda k: copydesk_items(k, module))[1] for c in CASES)
        lines.append(
            f"- corpus cases wrong: {wrong_before}/{len(CASES)} → "
            f"{len(CASES) - totals['copydesk'][2]}/{len(CASES)}"
        )

    lines += ["", "### Bounds (each in a child process: 2 GiB address space, 60 s)", ""]
    lines.append("| document | parser | outcome | CPU | peak RSS | longest title |")
    lines.append("|---|---|---|---|---|---|")
    for row in hostile(parsers):
        cpu_s = f"{row['cpu_s']:.2f} s" if row["cpu_s"] is not None else "-"
        peak = f"{row['peak_mb']:.0f} MB" if row["peak_mb"] is not None else "-"
        lines.append(
            f"| {row['document']} | {row['parser']} | {row['outcome']} | {cpu_s} | {peak} | "
            f"{row['longest_title']:,} |"
        )
    return "\n".join(lines)


def _version(name: str) -> str:
    if name == "copydesk":
        return "copydesk (tasks/discover.py)"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{name} {version(name.replace('_', '-'))}"
    except PackageNotFoundError:
        return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results alone")
    parser.add_argument("--baseline", help="a commit whose tasks/discover.py is measured beside today's")
    parser.add_argument("--reps", type=int, default=5, help="runs per speed figure (the least is kept)")
    parser.add_argument("--hostile-one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hostile_one:
        _hostile_one(*args.hostile_one)
        return 0
    started = time.strftime("%Y-%m-%d %H:%M")
    section = f"Measured {started} on this machine (2 cores, shared).\n\n" + run(args.reps, args.baseline)
    print(section)
    if not args.no_write:
        write_block(RESULTS, section, "Feed and sitemap parsing: copydesk vs maintained parsers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
