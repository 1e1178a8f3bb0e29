"""The extraction job: what a worker does with a chunk of fetched pages (pure: flows/batch.py submits it to
the pool, which runs it).

Each page becomes an Article or a Failure row, never an exception: a page that breaks the extractor costs only
itself. The chunk's articles are then signed beside extraction (tasks/signing.py), so the one loader need not
sign every text.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from copydesk.tasks.models import Article, Failure, Outlet, Page
from copydesk.tasks.signing import SignatureKey, TextSignature, sign_articles

# markup no article page has: the densest page of the real news pages in ../shared/bench has about a
# twelfth of it. A document past it is refused before any parsing (its parse alone can take minutes and
# gigabytes); the per-page deadline and memory limit bound what passes
MAX_MARKUP_TAGS = 100_000


@dataclass(frozen=True)
class Extracted:
    """A chunk's results in page order, and the story-matching signature of each article's text, made here in
    the worker so the one loader need not sign every text (tasks/signing.py)."""

    results: list[Article | Failure]
    signatures: dict[SignatureKey, TextSignature]


def extract_page(
    page: Page, outlets: dict[str, Outlet], learned_of: dict[str, set[int]] | None = None
) -> Article | Failure:
    """Extract one page (in a worker); a page that fails becomes a Failure, never an exception.

    learned_of: unused here, taken so that a job's one context serves extract_page and sign_results.
    """
    # imported here: the ingest process, which only fetches and writes, has no use for trafilatura
    from copydesk.tasks.extract import ExtractionError, extract_article

    # a count of '<' only for documents long enough to hold MAX_MARKUP_TAGS tags (3 characters each at least)
    if len(page.html) > 3 * MAX_MARKUP_TAGS and (tags := page.html.count("<")) > MAX_MARKUP_TAGS:
        return extract_failure(
            page, "too_large", f"{tags:,} tags: more markup than any article page has ({MAX_MARKUP_TAGS:,})"
        )
    outlet = outlets.get(page.link.outlet_id)
    try:
        return extract_article(
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
    except ExtractionError as exc:
        return extract_failure(page, exc.kind, str(exc))
    except RecursionError as exc:
        return extract_failure(page, "extractor_error", f"RecursionError: {exc}")
    except Exception as exc:  # noqa: BLE001 - an extractor bug on odd markup costs its page, not the batch
        return extract_failure(page, "extractor_error", f"{type(exc).__name__}: {exc}")


def sign_results(
    results: list[Article | Failure],
    outlets: dict[str, Outlet],
    learned_of: dict[str, set[int]] | None = None,
) -> dict[SignatureKey, TextSignature]:
    """The signatures of a chunk's articles (in the worker, after extract_page: see sign_articles)."""
    return sign_articles([r for r in results if isinstance(r, Article)], learned_of or {})


def extract_pages(
    pages: list[Page], outlets: dict[str, Outlet], learned_of: dict[str, set[int]] | None = None
) -> Extracted:
    """Extract and sign every page of a chunk in this process (a Dask worker: the cluster is the parallelism).

    Each text is signed less the blocks `learned_of` its outlet (what the last load learned, see
    store.learned_outlet_blocks): the loader strips those too, so its text is the one signed.
    """
    results = [extract_page(page, outlets) for page in pages]
    return Extracted(results, sign_results(results, outlets, learned_of))


def extract_failure(page: Page, kind: str, message: str) -> Failure:
    """The failure row of a page that could not be extracted."""
    return Failure(
        url=page.link.url,
        outlet_id=page.link.outlet_id,
        stage="extract",
        kind=kind,
        error=message[:500],
        http_status=page.status,
        at=datetime.now(UTC),
    )
