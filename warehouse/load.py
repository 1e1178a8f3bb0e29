"""One transaction per load: lake rows, crawl state, story links and the list of loaded files together."""

import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.models import LoadReport
from warehouse import lake, stories
from warehouse.store import (
    DEFAULT_LOAD_MEMORY,
    load_lock,
    named_queries,
    open_loader,
    publish,
    published_path,
)

log = logging.getLogger("copydesk.load")

SQL = named_queries("load.sql")


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
                bad.append(
                    (lake.relative(warehouse, path), f"unreadable Parquet, moved to {target}: {exc}"[:500])
                )
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


def load_pending(
    warehouse: Path,
    *,
    lock_timeout_s: float = 3600.0,
    holder: str = "",
    memory_limit: str = DEFAULT_LOAD_MEMORY,
) -> LoadReport:
    """Load every complete lake file not loaded yet, in one transaction, then publish the reader copy."""
    report = LoadReport(run_id=holder)
    with load_lock(warehouse, lock_timeout_s, holder) as waited:
        report.waited_for_lock_s = round(waited, 3)
        if waited > 1:
            log.info("waited %.1fs for another load to finish", waited)
        started = time.monotonic()
        con = open_loader(warehouse, memory_limit)
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
            con.execute(SQL["quarantine_failure"], [report.run_id or "load", path, error])
        report.failures += len(quarantined)
        new_ids: list[str] = []
        article_files = [str(p) for p in pending["articles"]]
        if article_files:
            con.execute(SQL["stage_articles"], [article_files])
            stories.strip_outlet_boilerplate(con)
            new_ids = [row[0] for row in con.execute(SQL["insert_new_articles"]).fetchall()]
            report.articles_new = len(new_ids)
            report.articles_updated = con.execute(SQL["update_changed_articles"]).fetchone()[0]
            con.execute(SQL["touch_unchanged_articles"])
            con.execute(SQL["insert_versions"])
            con.execute(SQL["insert_seen_from_articles"])
        failure_files = [str(p) for p in pending["failures"]]
        if failure_files:
            before = con.execute("SELECT count(*) FROM core.failures").fetchone()[0]
            con.execute(SQL["insert_failures"], [failure_files])
            con.execute(SQL["insert_seen_from_failures"], [failure_files])
            report.failures += con.execute("SELECT count(*) FROM core.failures").fetchone()[0] - before
        linked = stories.link_stories(con, new_ids)
        report.stories_new, report.copies_linked = linked.stories_new, linked.copies_linked
        source_files = [str(p) for p in pending["sources"]]
        if source_files:
            con.execute(SQL["upsert_source_state"], [source_files])
        run_files = [str(p) for p in pending["runs"]]
        if run_files:
            con.execute(SQL["upsert_runs"], [report.articles_new, report.copies_linked, run_files])
        for paths in pending.values():
            for path in paths:
                rows = None
                con.execute(SQL["record_file"], [lake.relative(warehouse, path), _run_id_of(path), rows])
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
