"""Conditional GET for feeds and sitemaps, with the state kept in the warehouse.

Each feed or sitemap we read leaves a SourceState (ETag, Last-Modified, a hash of the body, what kind of
document it was). The next run sends If-None-Match / If-Modified-Since; a 304, or a 200 whose body hash is
unchanged (many servers send neither header), means the document lists nothing new and is not parsed again.
Sitemap indexes are always read in full: an index that did not change may still point at children that did.

The state is written to the lake only at the end of a complete, unlimited ingest run, after every batch of
that run is in the lake, so it commits with the run's data: a run that dies earlier leaves no state and the
next run reads every source in full. Links that failed transiently are retried from the failures table (see
warehouse/store.retry_links), so skipping an unchanged source never strands them.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from copydesk.tasks.discover import DocumentGetter, DocumentResponse
from copydesk.tasks.http import HTML_ACCEPT, ROBOTS_ACCEPT

# a homepage or robots.txt read to find an outlet's feeds and sitemaps keeps no state and is read in full
# every run: an unchanged homepage still links its feeds
STATELESS_ACCEPTS = frozenset({HTML_ACCEPT, ROBOTS_ACCEPT})


@dataclass(frozen=True)
class SourceState:
    """What we know about one feed or sitemap document from the last time we read it."""

    url: str
    outlet_id: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    kind: str
    checked_at: datetime
    changed_at: datetime


@dataclass(frozen=True)
class _NotModified:
    """The response a conditional getter hands discovery for a document that did not change."""

    final_url: str
    status: int = 304
    body: bytes = b""
    headers: dict[str, str] | None = None


def document_kind(body: bytes) -> str:
    """'sitemap_index', 'sitemap' or 'feed', sniffed from the start of the document."""
    head = body[:4096].lower()
    if b"<sitemapindex" in head:
        return "sitemap_index"
    if b"<urlset" in head:
        return "sitemap"
    return "feed"


def _header(headers: object, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if key.lower() == name:
            return value
    return None


class ConditionalGetter:
    """A DocumentGetter making requests conditional on what an earlier run saw; records what it sees."""

    def __init__(self, inner: DocumentGetter, outlet_id: str, previous: dict[str, SourceState]) -> None:
        self._inner = inner
        self._outlet_id = outlet_id
        self._previous = previous
        self.seen: dict[str, SourceState] = {}
        self.unchanged: set[str] = set()

    def _conditional_headers(self, previous: SourceState | None) -> dict[str, str] | None:
        if previous is None or previous.kind == "sitemap_index":
            return None
        headers = {}
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
        return headers or None

    async def get(
        self, url: str, *, accept: str = "*/*", conditional: dict[str, str] | None = None
    ) -> DocumentResponse:
        if accept in STATELESS_ACCEPTS:
            return await self._inner.get(url, accept=accept)
        previous = self._previous.get(url)
        response = await self._inner.get(url, accept=accept, conditional=self._conditional_headers(previous))
        now = datetime.now(UTC)
        if response.status == 304 and previous is not None:
            self.unchanged.add(url)
            self.seen[url] = SourceState(
                url,
                self._outlet_id,
                previous.etag,
                previous.last_modified,
                previous.body_hash,
                previous.kind,
                now,
                previous.changed_at,
            )
            return response
        body_hash = hashlib.sha256(response.body).hexdigest()
        kind = document_kind(response.body)
        same = previous is not None and previous.body_hash == body_hash
        self.seen[url] = SourceState(
            url,
            self._outlet_id,
            _header(response.headers, "etag"),
            _header(response.headers, "last-modified"),
            body_hash,
            kind,
            now,
            previous.changed_at if same and previous else now,
        )
        if same and kind != "sitemap_index":
            self.unchanged.add(url)
            return _NotModified(final_url=response.final_url or url, headers=dict(response.headers))
        return response
