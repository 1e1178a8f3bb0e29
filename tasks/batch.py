"""One batch of links: fetch concurrently, extract in worker processes, write the batch's lake files.

The flow hands each batch to one Prefect task; inside, fetching is async and every CHUNK fetched pages go to
a process pool shared by every batch of the run as soon as they arrive, so extraction overlaps fetching
within a batch as well as across the batches the flow runs side by side. Results keep the links' order, so
a batch's lake file does not depend on which page arrived first.
"""

import asyncio
import multiprocessing
import os
import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing import forkserver
from pathlib import Path

from copydesk.tasks.aio import run_sync
from copydesk.tasks.boilerplate import (
    BOILERPLATE_ALGO,
    RunBoilerplateGuess,
    strip_boilerplate,
    text_block_hashes,
)
from copydesk.tasks.http import Fetcher
from copydesk.tasks.models import Article, Failure, Link, Outlet, OutletsConfig, Page
from copydesk.tasks.settings import Settings
from copydesk.tasks.signing import SignatureKey, TextSignature, signature_key, text_signatures
from copydesk.warehouse import lake

CHUNK = 8
POOL_IDLE_S = 2.0
# a worker of `python -m flows.cli` re-runs its program's main module as __mp_main__ (multiprocessing's spawn
# preparation), and runpy warns that the module is imported already: the forkserver preloaded it, so that
# a worker need not import it itself. The second module object is harmless (the module defines the commands
# and runs nothing on import); the warning, printed by every worker, is not. The forkserver imports this
# module, so its workers inherit the filter.
warnings.filterwarnings(
    "ignore", message=r"'[\w.]+' found in sys\.modules after import of package", category=RuntimeWarning
)
# what the forkserver imports once for every worker it forks: the module of the function workers run and the
# extraction module it imports there (trafilatura, lxml, the language model); prestart_pool adds the calling
# program's main module
_preload = ["copydesk.tasks.batch", "copydesk.tasks.extract"]
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_leases = 0
_generation = 0
_forkserver_holds = 0
_forkserver_stopping: threading.Thread | None = None


@dataclass(frozen=True)
class BatchStats:
    """Counts of one batch, summed by the flow into the run's counts."""

    links: int
    fetched: int
    extracted: int
    failed: int
    failure_kinds: dict[str, int]
    failed_by_outlet: dict[str, int]


def _ensure_pool(workers: int) -> ProcessPoolExecutor:
    # the caller holds _pool_lock
    global _pool
    if _pool is None:
        count = workers or max(1, os.cpu_count() or 1)
        _pool = ProcessPoolExecutor(max_workers=count, mp_context=_forkserver_context())
    return _pool


def _forkserver_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_preload)
    return context


def extraction_pool(workers: int = 0) -> Executor:
    """The process pool shared by all batches of this process (forkserver: safe beside threads)."""
    with _pool_lock:
        return _ensure_pool(workers)


def prestart_pool(main_module: str | None = None) -> None:
    """Start the forkserver the extraction workers fork from, now, without waiting for it: its imports
    (~0.9 s of a core) then overlap the command's own start (Prefect's imports, the flow run: ~2.5 s of the
    other core) instead of delaying the first batch, whose workers are then a fork each.

    main_module: the module the command runs as __main__ (`python -m flows.cli`, or the `copydesk` script,
    which imports it). Every worker imports its program's main module before its first task (~0.4 s of a
    core each, just as the first batch needs them); imported in the forkserver, that is done once, early.
    Starting the workers here as well cost the command's imports 0.2 s (the pool's threads take the GIL); the
    forkserver alone costs them ~0.03 s.
    """
    if main_module and main_module not in _preload:
        _preload.append(main_module)
    _forkserver_context()
    forkserver.ensure_running()


@contextmanager
def leased_pool(workers: int = 0) -> Iterator[Executor]:
    """The shared pool, held for one batch; once no batch has held it for POOL_IDLE_S its workers stop.

    A run's last batch thus frees the workers' memory before the load, and a long-lived `copydesk serve`
    keeps no idle workers between runs; the next batch starts a new pool.
    """
    global _leases, _generation
    with _pool_lock:
        pool = _ensure_pool(workers)
        _leases += 1
        _generation += 1
    try:
        yield pool
    finally:
        with _pool_lock:
            _leases -= 1
            if _leases == 0:
                timer = threading.Timer(POOL_IDLE_S, _stop_idle_pool, args=(_generation,))
                timer.daemon = True
                timer.start()


def _stop_idle_pool(generation: int) -> None:
    global _pool
    with _pool_lock:
        if _pool is not None and _leases == 0 and _generation == generation:
            _pool.shutdown(wait=False)
            _pool = None


def stop_pool_if_idle() -> None:
    """Stop the worker processes and their forkserver now if no batch holds the pool (a run's batches are
    done): the load that follows must not share the machine's memory with idle workers until POOL_IDLE_S
    runs out, nor with the forkserver's preloaded modules (~140 MB). A later batch starts both again."""
    global _pool
    with _pool_lock:
        if _pool is not None and _leases == 0:
            _pool.shutdown(wait=True)
            _pool = None
            if not _forkserver_holds:
                _stop_forkserver()


@contextmanager
def forkserver_kept() -> Iterator[None]:
    """Keep the forkserver between the runs inside the block (a backfill's days: each day's first batch would
    otherwise wait ~1 s for a new one's imports); it stops at the end of the block if no pool is running."""
    global _forkserver_holds
    with _pool_lock:
        _forkserver_holds += 1
    try:
        yield
    finally:
        with _pool_lock:
            _forkserver_holds -= 1
            if not _forkserver_holds and _pool is None:
                _stop_forkserver()


def _stop_forkserver() -> None:
    """Ask the forkserver to exit, and reap it in a daemon thread: its interpreter takes ~0.15 s to finish,
    which the load that follows need not wait for (the forkserver's own lock makes a later start wait)."""
    global _forkserver_stopping
    # multiprocessing has no public call for this; ForkServer._stop is the one its own tests use (3.8 on).
    # Without it the forkserver lives until the process ends; the workers have exited by now
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        _forkserver_stopping = threading.Thread(target=stop, name="copydesk-forkserver-stop", daemon=True)
        _forkserver_stopping.start()


def wait_for_forkserver_stop(timeout_s: float = 10.0) -> None:
    """Block until the last forkserver asked to stop has exited (tests)."""
    if _forkserver_stopping is not None:
        _forkserver_stopping.join(timeout_s)


def shutdown_pool() -> None:
    """Stop the worker processes (end of a CLI command; tests)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


@dataclass(frozen=True)
class Extracted:
    """A chunk's results in page order, and the story-matching signature of each article's text, made here in
    the worker so the one loader need not sign every text (tasks/signing.py)."""

    results: list[Article | Failure]
    signatures: dict[SignatureKey, TextSignature]


def extract_pages(
    pages: list[Page], outlets: dict[str, Outlet], boilerplate_of: dict[str, set[int]] | None = None
) -> Extracted:
    """Extract and sign every page of a chunk; a page that fails becomes a Failure, never an exception.

    Each text is signed less the blocks `boilerplate_of` its outlet (what the last load learned, see
    store.learned_boilerplate): the loader strips those too, so its text is the one signed.
    """
    # imported here: the ingest process, which only fetches and writes, has no use for trafilatura (~0.1 s)
    from copydesk.tasks.extract import ExtractionError, extract_article

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
    return Extracted(
        results, sign_articles([r for r in results if isinstance(r, Article)], boilerplate_of or {})
    )


# one per process, see RunBoilerplateGuess: an extraction pool lives for one run; a process that outlives
# runs (a Dask worker) keeps its guesses, which are bounded and at worst cost the loader re-signs
RUN_BOILERPLATE_GUESS = RunBoilerplateGuess()


def sign_articles(
    articles: list[Article], boilerplate_of: dict[str, set[int]], guess: RunBoilerplateGuess | None = None
) -> dict[SignatureKey, TextSignature]:
    """signature_key(article) -> the signature of its text less the blocks learned as its outlet's
    boilerplate, with the block hashes of the whole text (hashed here, beside extraction, not in the one
    serial loader).

    An outlet the warehouse has learned nothing of is signed less what `guess` (default: this process's)
    expects the load to learn from this run's pages.
    """
    guess = guess if guess is not None else RUN_BOILERPLATE_GUESS
    hashes = [text_block_hashes(a.text) for a in articles]
    texts = []
    for a, blocks in zip(articles, hashes, strict=True):
        learned = boilerplate_of.get(a.outlet_id)
        if learned is None:
            guess.add_page(a.outlet_id, blocks)
            learned = guess.blocks(a.outlet_id)
        texts.append(strip_boilerplate(a.text, learned, blocks)[0] if learned else a.text)
    return {
        signature_key(a): replace(s, block_hashes=blocks, block_hash_algo=BOILERPLATE_ALGO)
        for a, s, blocks in zip(articles, text_signatures(texts), hashes, strict=True)
    }


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


async def fetch_and_extract(
    links: list[Link],
    settings: Settings,
    allow_private_addresses: bool,
    outlets: dict[str, Outlet],
    pool: Executor | None,
    boilerplate_of: dict[str, set[int]] | None = None,
) -> tuple[list[Page], list[Failure], Extracted]:
    """Fetch the links and extract each CHUNK of pages in the pool as soon as it has arrived; without a pool
    (a Dask worker: the cluster is the parallelism) extract in this process once every page is in.

    Returns (pages, fetch failures, extraction results), each in the order of the links.
    """
    loop = asyncio.get_running_loop()
    fetched: list[tuple[int, Page]] = []
    fetch_failures: list[tuple[int, Failure]] = []
    chunks: list[tuple[list[int], asyncio.Future[Extracted]]] = []
    waiting: list[tuple[int, Page]] = []

    def submit(ready: list[tuple[int, Page]]) -> None:
        if pool is None:
            return
        pages = [page for _, page in ready]
        # a chunk carries only its own outlets' settings and learned blocks: they are pickled with every chunk
        ids = {page.link.outlet_id for page in pages}
        chunk_outlets = {o: outlets[o] for o in ids if o in outlets}
        chunk_blocks = {o: boilerplate_of[o] for o in ids if o in boilerplate_of} if boilerplate_of else None
        chunks.append(
            (
                [i for i, _ in ready],
                loop.run_in_executor(pool, extract_pages, pages, chunk_outlets, chunk_blocks),
            )
        )

    async with Fetcher(settings, allow_private_addresses=allow_private_addresses) as fetcher:

        async def fetch_one(index: int, link: Link) -> tuple[int, Page | Failure]:
            return index, await fetcher.fetch_page_or_failure(link)

        for next_done in asyncio.as_completed([fetch_one(i, link) for i, link in enumerate(links)]):
            index, result = await next_done
            if isinstance(result, Failure):
                fetch_failures.append((index, result))
            else:
                fetched.append((index, result))
                waiting.append((index, result))
            if len(waiting) >= CHUNK:
                submit(waiting)
                waiting = []
    if waiting:
        submit(waiting)
    by_index: dict[int, Article | Failure] = {}
    signatures: dict[SignatureKey, TextSignature] = {}
    for indexes, future in chunks:
        chunk = await future
        by_index.update(zip(indexes, chunk.results, strict=True))
        signatures.update(chunk.signatures)
    fetched.sort(key=lambda item: item[0])
    fetch_failures.sort(key=lambda item: item[0])
    if pool is None:
        chunk = extract_pages([p for _, p in fetched], outlets, boilerplate_of)
        by_index = dict(zip((i for i, _ in fetched), chunk.results, strict=True))
        signatures = chunk.signatures
    results = [by_index[index] for index, _ in fetched]
    return [p for _, p in fetched], [f for _, f in fetch_failures], Extracted(results, signatures)


def process_batch(
    links: list[Link],
    *,
    warehouse: Path,
    run_id: str,
    batch_no: int,
    config: OutletsConfig,
    settings: Settings,
    pool: Executor | None = None,
    boilerplate_of: dict[str, set[int]] | None = None,
) -> BatchStats:
    """Fetch, extract and write one batch to the lake; returns its counts. `boilerplate_of`: the blocks the
    warehouse has learned as each outlet's boilerplate (store.learned_boilerplate), left out of signatures."""
    outlets = {o.id: o for o in config.outlets}
    # on Dask the worker process extracts: the cluster is the parallelism (and its workers are daemonic)
    lease = (
        nullcontext(pool)
        if pool is not None or settings.task_runner == "dask"
        else leased_pool(settings.extract_workers)
    )
    with lease as leased:
        pages, failures, extracted = run_sync(
            fetch_and_extract(
                links, settings, config.allow_private_addresses, outlets, leased, boilerplate_of
            )
        )
    articles = [r for r in extracted.results if isinstance(r, Article)]
    failures = failures + [r for r in extracted.results if isinstance(r, Failure)]
    discovered = {}
    by_url = {p.final_url: p.link for p in pages}
    for art in articles:
        link = by_url.get(art.fetched_url)
        discovered[art.article_id] = (link.url, link.via) if link else (art.fetched_url, None)
    name = f"batch-{batch_no:05d}.parquet"
    lake.write_batch(warehouse, run_id, name, articles, discovered, extracted.signatures, failures)
    return BatchStats(
        links=len(links),
        fetched=len(pages),
        extracted=len(articles),
        failed=len(failures),
        failure_kinds=dict(Counter(f.kind for f in failures)),
        failed_by_outlet=dict(Counter(f.outlet_id or "" for f in failures)),
    )
