"""Which links a run fetches: one per canonical URL, and none the warehouse already holds unless changed.

The one selection of new links, for links from discovery and retries (flows/steps.py) and for the pages of
WARC files (flows/batch.py, process_warc).
"""

import logging
from datetime import datetime
from pathlib import Path

from copydesk.tasks.models import Link
from copydesk.tasks.urls import canonical_url, url_problem
from copydesk.warehouse import store

log = logging.getLogger("copydesk")


def select_new_links(links: list[Link], warehouse: Path, limit: int = 0) -> list[Link]:
    """One link per canonical URL, minus the URLs the warehouse has already seen, except articles whose
    feed or sitemap says they changed after we last fetched them (the new text loads as a new version)."""
    unique: dict[str, Link] = {}
    invalid = 0
    for link in links:
        # discovery keeps no invalid URL; links from elsewhere (retries, WARC records) are checked here, so
        # one bad URL costs itself and never the run
        problem = url_problem(link.url)
        if problem is not None:
            invalid += 1
            if invalid == 1:
                log.warning("skipping a link with an invalid URL %r: %s", link.url[:200], problem)
            continue
        key = canonical_url(link.url)
        if key not in unique:
            # most feed and sitemap URLs are canonical already: a Link is frozen, so it can be kept as it is
            unique[key] = link if key == link.url else link.model_copy(update={"url": key})
        elif link.modified_at and (
            unique[key].modified_at is None or link.modified_at > unique[key].modified_at
        ):
            unique[key] = unique[key].model_copy(update={"modified_at": link.modified_at})
    if invalid > 1:
        log.warning("skipped %d links with invalid URLs", invalid)
    seen = store.seen_urls(warehouse, list(unique))
    fresh = [link for key, link in unique.items() if key not in seen or _changed_since(link, seen[key])]
    return fresh[:limit] if limit else fresh


def _changed_since(link: Link, fetched_at: datetime | None) -> bool:
    return fetched_at is not None and link.modified_at is not None and link.modified_at > fetched_at
