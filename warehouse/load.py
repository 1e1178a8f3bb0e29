"""One transaction per load: lake rows, crawl state, story links and the list of loaded files together."""

import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.models import LoadReport
from warehouse import lake, stories
from warehouse.store import load_lock, open_loader, publish, published_path

log = logging.getLogger("copydesk.load")

STAGE_ARTICLES = """
CREATE OR REPLACE TEMP TABLE staged AS
SELECT *, []::VARCHAR[] AS boilerplate_removed FROM read_parquet(?, union_by_name = true, hive_partitioning = false)
QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY fetched_at DESC, run_id DESC) = 1
"""

INSERT_NEW_ARTICLES = """
INSERT INTO core.articles BY NAME
SELECT s.* EXCLUDE (run_id), s.run_id AS first_run_id, s.run_id
FROM staged s
WHERE NOT EXISTS (SELECT 1 FROM core.articles a WHERE a.article_id = s.article_id)
RETURNING article_id
"""

# a re-fetched article whose text changed: the latest text wins, the old one stays in article_versions
UPDATE_CHANGED_ARTICLES = """
UPDATE core.articles AS a SET
    title = s.title, authors = s.authors, text = s.text, boilerplate_removed = s.boilerplate_removed, word_count = s.word_count,
    modified_at = coalesce(s.modified_at, a.modified_at), content_hash = s.content_hash,
    fetched_at = s.fetched_at, run_id = s.run_id, date_candidates = s.date_candidates
FROM staged s
WHERE a.article_id = s.article_id AND a.content_hash <> s.content_hash AND s.fetched_at > a.fetched_at
"""

# a re-fetch that found the same text only moves the last-fetched time (so the same lastmod is not re-fetched)
TOUCH_UNCHANGED_ARTICLES = """
UPDATE core.articles AS a SET fetched_at = s.fetched_at, run_id = s.run_id
FROM staged s
WHERE a.article_id = s.article_id AND a.content_hash = s.content_hash AND s.fetched_at > a.fetched_at
"""

INSERT_VERSIONS = """
INSERT INTO core.article_versions
SELECT DISTINCT ON (article_id, content_hash) article_id, content_hash, title, text, fetched_at, run_id
FROM staged s
WHERE NOT EXISTS (
    SELECT 1 FROM core.article_versions v WHERE v.article_id = s.article_id AND v.content_hash = s.content_hash
)
"""

INSERT_SEEN_FROM_ARTICLES = """
INSERT INTO core.urls_seen
SELECT DISTINCT ON (u.url) u.url, s.outlet_id, s.article_id, 'article', s.fetched_at, s.run_id
FROM staged s, unnest([s.url, s.fetched_url, s.discovered_url]) AS u(url)
WHERE u.url IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM core.urls_seen x WHERE x.url = u.url)
"""

INSERT_FAILURES = """
INSERT INTO core.failures
SELECT DISTINCT ON (run_id, stage, url) run_id, url, outlet_id, stage, kind, error, http_status, transient, "at"
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) f
WHERE NOT EXISTS (
    SELECT 1 FROM core.failures x WHERE x.run_id = f.run_id AND x.stage = f.stage AND x.url = f.url
)
"""

# permanent page failures are not fetched again; transient ones are retried by the next run
INSERT_SEEN_FROM_FAILURES = """
INSERT INTO core.urls_seen
SELECT DISTINCT ON (url) url, outlet_id, NULL, 'failed', "at", run_id
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) f
WHERE NOT transient AND stage IN ('fetch', 'extract')
  AND NOT EXISTS (SELECT 1 FROM core.urls_seen x WHERE x.url = f.url)
"""

UPSERT_RUNS = """
INSERT OR REPLACE INTO core.runs BY NAME
SELECT r.*, now() AS loaded_at, ? AS loaded, ? AS copies
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) r
"""

UPSERT_SOURCE_STATE = """
INSERT OR REPLACE INTO core.source_state BY NAME
SELECT * FROM read_parquet(?, union_by_name = true, hive_partitioning = false)
QUALIFY row_number() OVER (PARTITION BY url ORDER BY checked_at DESC) = 1
"""

RECORD_FILE = "INSERT OR IGNORE INTO core.loaded_files VALUES (?, ?, ?, now())"


QUARANTINE_FAILURE = """
INSERT OR IGNORE INTO core.failures VALUES (?, ?, NULL, 'load', 'corrupt_lake_file', ?, NULL, false, now())
"""


def _quarantine_unreadable(warehouse: Path, pending: dict[str, list[Path]]) -> list[tuple[str, str]]:
    """Move lake files whose Parquet footer cannot be read out of the way, so one damaged file (a disk fault,
    a hand edit) cannot block every later load; returns (lake path, error) for the failures table."""
    bad: list[tuple[str, str]] = []
    for table, paths in pending.items():
        for path in list(paths):
            try:
                pq.read_metadata(path)
            except (OSError, pa.ArrowInvalid) as exc:
                target = lake.lake_dir(warehouse) / "quarantine" / table / path.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                bad.append((lake.relative(warehouse, path), f"unreadable Parquet, moved to {target}: {exc}"[:500]))
                path.replace(target)
                paths.remove(path)
                log.error("quarantined unreadable lake file %s: %s", path, exc)
    return bad


def _pending(con: duckdb.DuckDBPyConnection, warehouse: Path) -> dict[str, list[Path]]:
    done = {row[0] for row in con.execute("SELECT path FROM core.loaded_files").fetchall()}
    return {
        table: [p for p in lake.complete_files(warehouse, table) if lake.relative(warehouse, p) not in done]
        for table in lake.TABLES
    }


def _run_id_of(path: Path) -> str:
    return path.parent.name.removeprefix("run=")


def load_pending(warehouse: Path, *, lock_timeout_s: float = 3600.0, holder: str = "") -> LoadReport:
    """Load every complete lake file not loaded yet, in one transaction, then publish the reader copy."""
    report = LoadReport(run_id=holder)
    with load_lock(warehouse, lock_timeout_s, holder) as waited:
        report.waited_for_lock_s = round(waited, 3)
        if waited > 1:
            log.info("waited %.1fs for another load to finish", waited)
        started = time.monotonic()
        con = open_loader(warehouse)
        try:
            pending = _pending(con, warehouse)
            quarantined = _quarantine_unreadable(warehouse, pending)
            files = [p for paths in pending.values() for p in paths]
            report.files = len(files)
            if files or quarantined:
                _load_files(con, warehouse, pending, report, quarantined)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if files or quarantined or not published_path(warehouse).exists():
            publish(warehouse)
        report.load_s = round(time.monotonic() - started, 3)
    return report


def _load_files(
    con: duckdb.DuckDBPyConnection,
    warehouse: Path,
    pending: dict[str, list[Path]],
    report: LoadReport,
    quarantined: list[tuple[str, str]],
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for path, error in quarantined:
            con.execute(QUARANTINE_FAILURE, [report.run_id or "load", path, error])
        report.failures += len(quarantined)
        new_ids: list[str] = []
        article_files = [str(p) for p in pending["articles"]]
        if article_files:
            con.execute(STAGE_ARTICLES, [article_files])
            stories.strip_outlet_boilerplate(con)
            new_ids = [row[0] for row in con.execute(INSERT_NEW_ARTICLES).fetchall()]
            report.articles_new = len(new_ids)
            report.articles_updated = con.execute(UPDATE_CHANGED_ARTICLES).fetchone()[0]
            con.execute(TOUCH_UNCHANGED_ARTICLES)
            con.execute(INSERT_VERSIONS)
            con.execute(INSERT_SEEN_FROM_ARTICLES)
        failure_files = [str(p) for p in pending["failures"]]
        if failure_files:
            before = con.execute("SELECT count(*) FROM core.failures").fetchone()[0]
            con.execute(INSERT_FAILURES, [failure_files])
            con.execute(INSERT_SEEN_FROM_FAILURES, [failure_files])
            report.failures += con.execute("SELECT count(*) FROM core.failures").fetchone()[0] - before
        linked = stories.link_stories(con, new_ids)
        report.stories_new, report.copies_linked = linked.stories_new, linked.copies_linked
        source_files = [str(p) for p in pending["sources"]]
        if source_files:
            con.execute(UPSERT_SOURCE_STATE, [source_files])
        run_files = [str(p) for p in pending["runs"]]
        if run_files:
            con.execute(UPSERT_RUNS, [report.articles_new, report.copies_linked, run_files])
        for table, paths in pending.items():
            for path in paths:
                rows = None
                con.execute(RECORD_FILE, [lake.relative(warehouse, path), _run_id_of(path), rows])
        report.per_outlet = _per_outlet(con, new_ids)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _per_outlet(con: duckdb.DuckDBPyConnection, new_ids: list[str]) -> dict[str, dict[str, int]]:
    if not new_ids:
        return {}
    rows = con.execute(
        """
        SELECT a.outlet_id, count(*), count(*) FILTER (WHERE o.original_article_id <> a.article_id)
        FROM core.articles a
        JOIN core.story_members m USING (article_id)
        LEFT JOIN core.story_originals o ON o.story_id = m.story_id
        WHERE a.article_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY 1
        """,
        [new_ids],
    ).fetchall()
    return {outlet: {"new": n, "copies": c} for outlet, n, c in rows}
