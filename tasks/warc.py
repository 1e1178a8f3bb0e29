"""WARC files (the CC-NEWS format) as a backfill source for history older than the outlets' sitemaps.

A CC-NEWS file is a gzipped WARC of `response` records: the crawl time in `WARC-Date`, the URL in
`WARC-Target-URI`, then the HTTP status line, headers and body. A record becomes a Page when its URL belongs
to one of the configured outlets (the outlet's homepage host, its `domains`, and inside its `site_prefix` when
it has one), it is a 200 HTML response, and it was crawled no earlier than the window's start (a page cannot
carry an article published after it was crawled). Pages then go through the pipeline's own extraction; an
article is kept when its publication time (else the crawl time) is inside the window. URLs the warehouse
already holds are skipped before extraction, so re-running a window over the same files adds nothing.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from dateutil.parser import isoparse
from prefect import task
from warcio.archiveiterator import ArchiveIterator

from copydesk.flows.execution import WorkerPool, leased_workers
from copydesk.tasks.batch import CHUNK, Extracted, as_extracted, settle_attempts, submit_extraction
from copydesk.tasks.http import decode_html
from copydesk.tasks.models import Article, Failure, Link, OutletsConfig, Page, RunWindow
from copydesk.tasks.settings import Settings
from copydesk.tasks.steps import STEP
from copydesk.tasks.urls import canonical_url, url_problem
from copydesk.warehouse import lake, store

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class WarcStats:
    """What a pass over the WARC files found; summed into the run's counts."""

    matched: int = 0
    new: int = 0
    extracted: int = 0
    in_window: int = 0
    outside_window: int = 0
    failed: int = 0
    failure_kinds: Counter[str] = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        """The run record's counts (discovered = outlet pages in the files, fetched = pages read)."""
        return {
            "discovered": self.matched,
            "new": self.new,
            "fetched": self.new,
            "extracted": self.in_window,
            "failed": self.failed,
        }


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def outlet_matcher(config: OutletsConfig) -> Callable[[str], str | None]:
    """A function from URL to the id of the configured outlet it belongs to (None: no outlet's page).

    An outlet owns the host of its homepage (else of its feeds and sitemaps) and every host in `domains`;
    with a `site_prefix`, only URLs under that prefix (outlets sharing one host are told apart by it).
    """
    prefixed: list[tuple[str, str]] = []
    by_host: dict[str, str] = {}
    for outlet in config.outlets:
        if outlet.site_prefix:
            prefixed.append((outlet.site_prefix, outlet.id))
        else:
            owned = [outlet.homepage] if outlet.homepage else [*outlet.feeds, *outlet.sitemaps]
            for url in owned:
                by_host.setdefault(_host(url), outlet.id)
        for domain in outlet.domains:
            by_host.setdefault(domain.lower().removeprefix("www."), outlet.id)
    # the longest prefix wins when one outlet's prefix contains another's
    prefixed.sort(key=lambda item: len(item[0]), reverse=True)

    def match(url: str) -> str | None:
        for prefix, outlet_id in prefixed:
            if url.startswith(prefix):
                return outlet_id
        return by_host.get(_host(url))

    return match


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = isoparse(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _last_modified(value: str | None) -> datetime | None:
    from email.utils import parsedate_to_datetime

    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_warc_pages(
    paths: Iterable[str | Path], config: OutletsConfig, window: RunWindow, max_body_bytes: int
) -> Iterator[Page]:
    """Every outlet HTML page in the WARC files that was crawled no earlier than the window's start."""
    match = outlet_matcher(config)
    for path in paths:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
                # a record whose URL could never be fetched or named is skipped, as discovery skips one
                if url_problem(url) is not None:
                    continue
                outlet_id = match(url)
                crawled = _warc_date(record.rec_headers.get_header("WARC-Date"))
                if outlet_id is None or crawled is None:
                    continue
                if window.start is not None and crawled < window.start:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                content_type = record.http_headers.get_header("Content-Type")
                if (content_type or "text/html").split(";")[0].strip().lower() not in HTML_TYPES:
                    continue
                body = record.content_stream().read(max_body_bytes + 1)
                if len(body) > max_body_bytes:
                    continue
                html, encoding = decode_html(body, content_type)
                offset = record.rec_headers.get_header("WARC-Record-ID") or ""
                yield Page(
                    link=Link(
                        url=url, outlet_id=outlet_id, via="warc", found_in=f"{Path(path).name} {offset}"
                    ),
                    final_url=url,
                    status=200,
                    content_type=content_type,
                    html=html,
                    encoding=encoding,
                    last_modified=_last_modified(record.http_headers.get_header("Last-Modified")),
                    fetched_at=crawled,
                )


def _published(result: Article) -> datetime:
    return result.published_at or result.fetched_at


def _extract(
    pages: list[Page],
    config: OutletsConfig,
    pool: WorkerPool,
    boilerplate_of: dict[str, set[int]],
    settings: Settings,
) -> Extracted:
    outlets = {o.id: o for o in config.outlets}
    futures = [
        submit_extraction(pool, pages[i : i + CHUNK], outlets, boilerplate_of, settings)
        for i in range(0, len(pages), CHUNK)
    ]
    chunks = [as_extracted(future.result()) for future in futures]
    return Extracted(
        [result for chunk in chunks for result in chunk.results],
        {key: sig for chunk in chunks for key, sig in chunk.signatures.items()},
    )


def _batches(pages: Iterator[Page], size: int) -> Iterator[list[Page]]:
    batch: list[Page] = []
    for page in pages:
        batch.append(page)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def process_warc(
    paths: list[str],
    *,
    warehouse: Path,
    run_id: str,
    config: OutletsConfig,
    settings: Settings,
    window: RunWindow,
    pool: WorkerPool | None = None,
) -> WarcStats:
    """Extract the window's new articles from the WARC files into the lake, batch by batch."""
    stats = WarcStats()
    seen: set[str] = set()
    pages = read_warc_pages(paths, config, window, settings.max_body_bytes)
    learned = store.learned_boilerplate(warehouse, [o.id for o in config.outlets])
    with nullcontext(pool) if pool is not None else leased_workers(settings.extract_workers) as leased:
        for batch_no, batch in enumerate(_batches(pages, settings.batch_size), start=1):
            stats.matched += len(batch)
            # one page per canonical URL, and none the warehouse already holds
            fresh: dict[str, Page] = {}
            for page in batch:
                key = canonical_url(page.final_url)
                if key not in seen and key not in fresh:
                    fresh[key] = page
            seen.update(fresh)
            known = store.seen_urls(warehouse, list(fresh))
            todo = [page for key, page in fresh.items() if key not in known]
            stats.new += len(todo)
            extracted = _extract(todo, config, leased, learned, settings)
            articles: list[Article] = []
            failures: list[Failure] = []
            for page, result in zip(todo, extracted.results, strict=True):
                if isinstance(result, Failure):
                    # only pages crawled inside the window can be blamed on it
                    if window.contains(page.fetched_at):
                        failures.append(result)
                    continue
                stats.extracted += 1
                if window.contains(_published(result)):
                    articles.append(result)
                else:
                    stats.outside_window += 1
            failures = settle_attempts(failures, warehouse, settings.extract_attempts)
            stats.in_window += len(articles)
            stats.failed += len(failures)
            stats.failure_kinds.update(f.kind for f in failures)
            discovered = {a.article_id: (a.fetched_url, "warc") for a in articles}
            lake.write_batch(
                warehouse,
                run_id,
                f"warc-{batch_no:05d}.parquet",
                articles,
                discovered,
                extracted.signatures,
                failures,
            )
    return stats


@task(name="read-warc", **STEP)
def warc_task(
    paths: list[str],
    warehouse: Path,
    run_id: str,
    config: OutletsConfig,
    settings: Settings,
    window: RunWindow,
) -> WarcStats:
    """Extract the window's new articles of the configured outlets from WARC files into the lake."""
    return process_warc(
        paths, warehouse=warehouse, run_id=run_id, config=config, settings=settings, window=window
    )
