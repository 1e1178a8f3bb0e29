"""One batch of links: fetch concurrently, extract in worker processes, write the batch's lake files.

The flow hands each batch to one Prefect task; inside, fetching is async and extraction is spread over a
process pool shared by every batch of the run, so a batch's extraction overlaps the next batch's fetching.
"""

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tasks.extract import ExtractionError, extract_article
from tasks.http import fetch_pages_sync
from tasks.models import Article, Failure, Link, Outlet, OutletsConfig, Page
from tasks.settings import Settings
from warehouse import lake

CHUNK = 8
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class BatchStats:
    """Counts of one batch, summed by the flow into the run's counts."""

    links: int
    fetched: int
    extracted: int
    failed: int
    failure_kinds: dict[str, int]
    failed_by_outlet: dict[str, int]


def extraction_pool(workers: int = 0) -> Executor:
    """The process pool shared by all batches of this process (forkserver: safe beside threads)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            count = workers or max(1, os.cpu_count() or 1)
            _pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("forkserver"))
        return _pool


def shutdown_pool() -> None:
    """Stop the worker processes (end of a CLI command; tests)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def extract_pages(pages: list[Page], outlets: dict[str, Outlet]) -> list[Article | Failure]:
    """Extract every page of a chunk; a page that fails becomes a Failure, never an exception."""
    results: list[Article | Failure] = []
    for page in pages:
        outlet = outlets.get(page.link.outlet_id)
        try:
            results.append(
                extract_article(
                    page.html,
                    page.final_url,
                    outlet_id=page.link.outlet_id,
                    link=page.link,
                    language_hint=outlet.language if outlet else None,
                    http_last_modified=page.last_modified,
                    fetched_at=page.fetched_at,
                    outlet_timezone=outlet.timezone if outlet else None,
                    site_prefix=outlet.site_prefix if outlet else None,
                )
            )
        except ExtractionError as exc:
            results.append(_extract_failure(page, exc.kind, str(exc)))
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError) as exc:
            # extractor bugs on odd markup: record the page, keep the run going
            results.append(_extract_failure(page, "extractor_error", f"{type(exc).__name__}: {exc}"))
    return results


def _extract_failure(page: Page, kind: str, message: str) -> Failure:
    return Failure(
        url=page.link.url,
        outlet_id=page.link.outlet_id,
        stage="extract",
        kind=kind,
        error=message[:500],
        http_status=page.status,
        at=datetime.now(UTC),
    )


def _chunks(items: list[Page], size: int) -> Iterable[list[Page]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def extract_in_pool(pages: list[Page], outlets: dict[str, Outlet], pool: Executor) -> list[Article | Failure]:
    """Extract pages across the worker processes, in small chunks to balance uneven pages."""
    futures = [pool.submit(extract_pages, chunk, outlets) for chunk in _chunks(pages, CHUNK)]
    return [result for future in futures for result in future.result()]


def process_batch(
    links: list[Link],
    *,
    warehouse: Path,
    run_id: str,
    batch_no: int,
    config: OutletsConfig,
    settings: Settings,
    pool: Executor | None = None,
) -> BatchStats:
    """Fetch, extract and write one batch to the lake; returns its counts."""
    pages, failures = fetch_pages_sync(links, settings, config.allow_private_addresses)
    outlets = {o.id: o for o in config.outlets}
    results = extract_in_pool(pages, outlets, pool or extraction_pool(settings.extract_workers)) if pages else []
    articles = [r for r in results if isinstance(r, Article)]
    failures = failures + [r for r in results if isinstance(r, Failure)]
    discovered = {}
    by_url = {p.final_url: p.link for p in pages}
    for art in articles:
        link = by_url.get(art.fetched_url)
        discovered[art.article_id] = (link.url, link.via) if link else (art.fetched_url, None)
    name = f"batch-{batch_no:05d}.parquet"
    if articles:
        lake.write_atomic(lake.article_rows(articles, discovered, run_id), lake.run_dir(warehouse, "articles", run_id) / name)
    if failures:
        lake.write_atomic(lake.failure_rows(failures, run_id), lake.run_dir(warehouse, "failures", run_id) / name)
    return BatchStats(
        links=len(links),
        fetched=len(pages),
        extracted=len(articles),
        failed=len(failures),
        failure_kinds=dict(Counter(f.kind for f in failures)),
        failed_by_outlet=dict(Counter(f.outlet_id or "" for f in failures)),
    )
