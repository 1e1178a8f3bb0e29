"""WARC files (the CC-NEWS format) as a backfill source for history older than the outlets' sitemaps.

A CC-NEWS file is a gzipped WARC of `response` records: the crawl time in `WARC-Date`, the URL in
`WARC-Target-URI`, then the HTTP status line, headers and body. A record becomes a Page when its URL belongs
to one of the configured outlets (the outlet's homepage host, its `domains`, and inside its `site_prefix` when
it has one), it is a 200 HTML response, and it was crawled no earlier than the window's start (a page cannot
carry an article published after it was crawled). This module only reads the files; the backfill's WARC
pass (flows/batch.py, process_warc) sends the pages through the pipeline's own extraction, keeps an article
when its publication time (else the crawl time) is inside the window, and skips URLs the warehouse already
holds before extraction, so re-running a window over the same files adds nothing.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from dateutil.parser import isoparse
from warcio.archiveiterator import ArchiveIterator

from copydesk.tasks.http import decode_html
from copydesk.tasks.models import Link, OutletsConfig, Page, RunWindow
from copydesk.tasks.urls import url_problem

HTML_TYPES = ("text/html", "application/xhtml+xml")


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
