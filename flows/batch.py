"""The batch drivers: pages in, extracted in the worker pool (tasks/extraction_job.py), lake files out.

process_batch: one batch of links, fetched concurrently. process_warc: the backfill's pass over WARC files,
batch by batch (tasks/warc.py reads them).

The flow hands each batch to one Prefect task; inside, fetching is async and every CHUNK fetched pages go to
the extraction pool shared by every batch of the run (flows/execution) as soon as they arrive, so extraction
overlaps fetching within a batch as well as across the batches the flow runs side by side. Results keep the
links' order, so a batch's lake file does not depend on which page arrived first.

Every unit of work has a bound: a page's extraction its wall-clock deadline and its worker's memory limit (a
page past either, or whose worker dies, is a failure row and the rest of the batch lands), and the batch its
own deadline, so that it never waits forever on the network or the pool.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from copydesk.flows.execution import Done, Limits, Lost, WorkerPool, leased_workers
from copydesk.flows.progress import BATCH_COUNTS, outlet_counts
from copydesk.flows.selection import select_new_links
from copydesk.tasks.aio import run_sync
from copydesk.tasks.extraction_job import (
    Extracted,
    extract_failure,
    extract_page,
    extract_pages,
    sign_results,
)
from copydesk.tasks.http import Fetcher
from copydesk.tasks.models import Article, Failure, Link, Outlet, OutletsConfig, Page, RunWindow
from copydesk.tasks.settings import Settings
from copydesk.tasks.signing import SignatureKey, TextSignature
from copydesk.tasks.urls import canonical_url
from copydesk.tasks.warc import read_warc_pages
from copydesk.warehouse import lake, store

log = logging.getLogger("copydesk")

CHUNK = 8
# pages of one batch fetched and not yet extracted, at most, per extraction worker: on a fast web fetching
# runs far ahead of extraction, and each page it holds is its HTML twice (the text, and the pickled chunk
# waiting for a worker); four chunks a worker keep every worker fed while the fetches go on
PAGES_IN_FLIGHT_PER_WORKER = 4 * CHUNK
# what a page that overran or killed its worker is recorded as
LOST_KINDS = {"timeout": "too_slow", "memory": "too_large", "died": "worker_died"}


@dataclass(frozen=True)
class BatchStats:
    """Counts of one batch, summed by the flow into the run's counts."""

    links: int
    fetched: int
    extracted: int
    failed: int
    failure_kinds: dict[str, int]
    failed_by_outlet: dict[str, int]


def submit_extraction(
    pool: WorkerPool,
    pages: list[Page],
    outlets: dict[str, Outlet],
    learned_of: dict[str, set[int]] | None,
    settings: Settings,
) -> "Future[Done[Article | Failure]]":
    """Extract and sign a chunk of pages in the pool, each page bounded by the settings' deadline and memory
    limit; a page past them, or whose worker died, is a failure row (see lost_page)."""
    return pool.submit(
        extract_page,
        pages,
        (outlets, learned_of),
        finish=sign_results,
        limits=Limits(settings.extract_page_timeout_s, settings.extract_memory_mb),
        on_lost=lambda page, lost: lost_page(page, lost, settings),
    )


def as_extracted(done: Done[Article | Failure]) -> Extracted:
    """A pool job's outcome as Extracted (no signatures when no page of the chunk was extracted)."""
    return Extracted(done.results, done.extra or {})


def lost_page(page: Page, lost: Lost, settings: Settings) -> Failure:
    """The failure row of a page whose extraction overran its deadline or memory limit, or whose worker died.

    Transient: a later run tries the page again, settings.extract_attempts times in all (settle_attempts).
    """
    if lost.reason == "timeout":
        why = (
            f"extraction still running after {lost.seconds:.0f} s (COPYDESK_EXTRACT_PAGE_TIMEOUT_S="
            f"{settings.extract_page_timeout_s:g}): its worker was killed"
        )
    elif lost.reason == "memory":
        why = (
            f"extraction passed the worker's memory limit (COPYDESK_EXTRACT_MEMORY_MB="
            f"{settings.extract_memory_mb}) after {lost.seconds:.1f} s"
        )
    else:
        why = (
            f"the extraction worker died on this page after {lost.seconds:.1f} s (killed, as the "
            "out-of-memory killer does, or crashed)"
        )
    return extract_failure(page, LOST_KINDS.get(lost.reason, "worker_died"), why).model_copy(
        update={"transient": True}
    )


async def fetch_and_extract(
    links: list[Link],
    settings: Settings,
    allow_private_addresses: bool,
    outlets: dict[str, Outlet],
    pool: WorkerPool | None,
    learned_of: dict[str, set[int]] | None = None,
) -> tuple[list[Page], list[Failure], Extracted]:
    """Fetch the links and extract each CHUNK of pages in the pool as soon as it has arrived; without a pool
    (a Dask worker: the cluster is the parallelism) extract in this process once every page is in.

    Within settings.batch_timeout_s: a link not fetched by then is a transient fetch failure; a page not
    extracted by then (and a grace for the last chunks) a transient extraction failure.
    Returns (pages, fetch failures, extraction results), each in the order of the links.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.batch_timeout_s
    # with a pool, the batch keeps each page without its HTML once the page is in a chunk: the worker has it
    fetched: list[tuple[int, Page]] = []
    fetch_failures: list[tuple[int, Failure]] = []
    chunks: list[tuple[list[int], asyncio.Future[Done[Article | Failure]]]] = []
    waiting: list[tuple[int, Page]] = []
    # a page's permit is taken before its fetch and given back when its chunk is done (or it failed): without
    # a pool the pages are extracted only once all are in, so nothing is given back before the end
    in_flight = (
        asyncio.Semaphore(PAGES_IN_FLIGHT_PER_WORKER * max(1, pool.size)) if pool is not None else None
    )

    def submit(ready: list[tuple[int, Page]]) -> None:
        if pool is None:
            return
        pages = [page for _, page in ready]
        # a chunk carries only its own outlets' settings and learned blocks: they are pickled with every chunk
        ids = {page.link.outlet_id for page in pages}
        chunk_outlets = {o: outlets[o] for o in ids if o in outlets}
        chunk_blocks = {o: learned_of[o] for o in ids if o in learned_of} if learned_of else None
        future = asyncio.wrap_future(submit_extraction(pool, pages, chunk_outlets, chunk_blocks, settings))
        future.add_done_callback(lambda _: _release(len(pages)))
        chunks.append(([i for i, _ in ready], future))

    def _release(permits: int) -> None:
        if in_flight is not None:
            for _ in range(permits):
                in_flight.release()

    async with Fetcher(settings, allow_private_addresses=allow_private_addresses) as fetcher:
        # each fetch hands its page to the loop below and keeps nothing: a finished task holds its result
        # until nothing refers to it, and the batch kept every page (HTML included) to its end that way
        arrived: asyncio.Queue[tuple[int, Page | Failure | Exception]] = asyncio.Queue()

        async def fetch_one(index: int, link: Link) -> None:
            if in_flight is not None:
                await in_flight.acquire()
            try:
                result: Page | Failure | Exception = await fetcher.fetch_page_or_failure(link)
            except Exception as exc:  # noqa: BLE001 - raised again in the loop below, as the batch's error
                result = exc
            if in_flight is not None and not isinstance(result, Page):
                in_flight.release()
            arrived.put_nowait((index, result))

        fetches = {asyncio.ensure_future(fetch_one(i, link)) for i, link in enumerate(links)}
        for fetch in list(fetches):
            fetch.add_done_callback(fetches.discard)
        try:
            async with asyncio.timeout_at(deadline):
                for _ in links:
                    index, result = await arrived.get()
                    if isinstance(result, Exception):
                        raise result
                    if isinstance(result, Failure):
                        fetch_failures.append((index, result))
                    else:
                        fetched.append(
                            (index, result if pool is None else result.model_copy(update={"html": ""}))
                        )
                        waiting.append((index, result))
                    if len(waiting) >= CHUNK:
                        submit(waiting)
                        waiting = []
        except TimeoutError:
            running = list(fetches)
            for fetch in running:
                fetch.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            answered = {i for i, _ in fetched} | {i for i, _ in fetch_failures}
            fetch_failures.extend(
                (i, _deadline_failure(link, "fetch", settings))
                for i, link in enumerate(links)
                if i not in answered
            )
        except BaseException:
            for fetch in list(fetches):  # the batch's own error: no fetch outlives it
                fetch.cancel()
            raise
    if waiting:
        submit(waiting)
    by_index: dict[int, Article | Failure] = {}
    signatures: dict[SignatureKey, TextSignature] = {}
    if chunks:
        # a page fetched in time is extracted within its own bounds; the batch waits for the last ones at
        # most as long as two chunks' pages could take (the other batch running beside it shares the pool)
        extract_by = max(deadline, loop.time()) + 2 * CHUNK * settings.extract_page_timeout_s
        await asyncio.wait([future for _, future in chunks], timeout=extract_by - loop.time())
    for indexes, future in chunks:
        if future.done() and not future.cancelled():
            chunk = as_extracted(future.result())
            by_index.update(zip(indexes, chunk.results, strict=True))
            signatures.update(chunk.signatures)
        else:
            # past the batch's deadline: a job not started never starts; one running ends within its bounds
            future.cancel()
            page_of = dict(fetched)
            by_index.update(
                (i, _deadline_failure(page_of[i].link, "extract", settings, page_of[i])) for i in indexes
            )
    fetched.sort(key=lambda item: item[0])
    fetch_failures.sort(key=lambda item: item[0])
    if pool is None:
        chunk = extract_pages([p for _, p in fetched], outlets, learned_of)
        by_index = dict(zip((i for i, _ in fetched), chunk.results, strict=True))
        signatures = chunk.signatures
    results = [by_index[index] for index, _ in fetched]
    return [p for _, p in fetched], [f for _, f in fetch_failures], Extracted(results, signatures)


def _deadline_failure(link: Link, stage: str, settings: Settings, page: Page | None = None) -> Failure:
    """A link the batch's deadline left unfetched or unextracted: transient, a later run tries it again."""
    what = "fetched" if stage == "fetch" else "extracted"
    return Failure(
        url=link.url,
        outlet_id=link.outlet_id,
        stage=stage,
        kind="timeout" if stage == "fetch" else "too_slow",
        error=(
            f"the batch's deadline (COPYDESK_BATCH_TIMEOUT_S={settings.batch_timeout_s:g}) passed before "
            f"this page was {what}"
        ),
        http_status=page.status if page else None,
        transient=True,
        at=datetime.now(UTC),
    )


def settle_attempts(failures: list[Failure], warehouse: Path, attempts: int) -> list[Failure]:
    """The transient extraction failures of pages tried `attempts` times in all (earlier runs included) made
    permanent: the page is not fetched again."""
    urls = [f.url for f in failures if f.transient and f.stage == "extract"]
    if not urls:
        return failures
    earlier = store.extract_attempts(warehouse, urls)
    settled = []
    for failure in failures:
        tried = earlier.get(failure.url, 0) + 1
        if failure.transient and failure.stage == "extract" and tried >= attempts:
            note = f" (attempt {tried} of {attempts}: not tried again)"
            failure = failure.model_copy(update={"transient": False, "error": failure.error[:480] + note})
        settled.append(failure)
    return settled


def process_batch(
    links: list[Link],
    *,
    warehouse: Path,
    run_id: str,
    batch_no: int,
    config: OutletsConfig,
    settings: Settings,
    pool: WorkerPool | None = None,
    learned_of: dict[str, set[int]] | None = None,
) -> BatchStats:
    """Fetch, extract and write one batch to the lake; returns its counts. `learned_of`: the blocks the
    warehouse has learned as each outlet's template (store.learned_outlet_blocks), left out of signatures."""
    outlets = {o.id: o for o in config.outlets}
    # on Dask the worker process extracts: the cluster is the parallelism (and its workers are daemonic)
    lease = (
        nullcontext(pool)
        if pool is not None or settings.task_runner == "dask"
        else leased_workers(settings.extract_workers)
    )
    with lease as leased:
        pages, failures, extracted = run_sync(
            fetch_and_extract(links, settings, config.allow_private_addresses, outlets, leased, learned_of)
        )
    articles = [r for r in extracted.results if isinstance(r, Article)]
    failures = failures + [r for r in extracted.results if isinstance(r, Failure)]
    failures = settle_attempts(failures, warehouse, settings.extract_attempts)
    discovered = {}
    by_url = {p.final_url: p.link for p in pages}
    for art in articles:
        link = by_url.get(art.fetched_url)
        discovered[art.article_id] = (link.url, link.via) if link else (art.fetched_url, None)
    name = f"batch-{batch_no:05d}.parquet"
    lake.write_batch(
        warehouse, run_id, name, articles, discovered, extracted.signatures, failures, lake=settings.lake
    )
    stats = BatchStats(
        links=len(links),
        fetched=len(pages),
        extracted=len(articles),
        failed=len(failures),
        failure_kinds=dict(Counter(f.kind for f in failures)),
        failed_by_outlet=dict(Counter(f.outlet_id or "" for f in failures)),
    )
    # the CLI's progress display counts this record's per-outlet figures (flows/progress.py)
    per_outlet = outlet_counts(
        (x.outlet_id for x in links),
        (p.link.outlet_id for p in pages),
        (a.outlet_id for a in articles),
        stats.failed_by_outlet,
    )
    log.info(
        "batch %d: %d links, %d fetched, %d extracted, %d failed",
        batch_no,
        stats.links,
        stats.fetched,
        stats.extracted,
        stats.failed,
        extra={BATCH_COUNTS: per_outlet},
    )
    return stats


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


def _published(result: Article) -> datetime:
    return result.published_at or result.fetched_at


def _extract(
    pages: list[Page],
    config: OutletsConfig,
    pool: WorkerPool,
    learned_of: dict[str, set[int]],
    settings: Settings,
) -> Extracted:
    outlets = {o.id: o for o in config.outlets}
    futures = [
        submit_extraction(pool, pages[i : i + CHUNK], outlets, learned_of, settings)
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
    learned = store.learned_outlet_blocks(warehouse, [o.id for o in config.outlets])
    with nullcontext(pool) if pool is not None else leased_workers(settings.extract_workers) as leased:
        for batch_no, batch in enumerate(_batches(pages, settings.batch_size), start=1):
            stats.matched += len(batch)
            # one page per canonical URL, none the warehouse already holds (the selection of new links) and
            # none an earlier batch of this pass took
            by_url: dict[str, Page] = {}
            for page in batch:
                by_url.setdefault(canonical_url(page.final_url), page)
            new = select_new_links([page.link for page in by_url.values()], warehouse)
            todo = [by_url[link.url] for link in new if link.url not in seen]
            seen.update(by_url)
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
                lake=settings.lake,
            )
    return stats
