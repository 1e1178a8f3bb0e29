"""One transaction per load: lake rows, crawl state, story links and the list of loaded files together."""

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from copydesk.tasks.models import LoadReport
from copydesk.warehouse import lake, stories, template_learning
from copydesk.warehouse.store import (
    DEFAULT_LOAD_MEMORY,
    heal,
    load_lock,
    loader_path,
    named_queries,
    open_loader,
    publish,
    published_path,
    read_sql,
)

log = logging.getLogger("copydesk.load")

SQL = named_queries("load.sql")


# pending lake files of each table: (path on the lake, local path DuckDB reads)
Pending = dict[str, list[tuple[str, Path]]]


def _quarantine_unreadable(warehouse: Path, pending: Pending, lake_at: str | None) -> list[tuple[str, str]]:
    """Move lake files whose Parquet footer cannot be read out of the way, so one damaged file (a disk fault,
    a hand edit) cannot block every later load; returns (lake path, error) for the failures table."""
    bad: list[tuple[str, str]] = []
    for table, files in pending.items():
        for lake_path, local in list(files):
            try:
                pq.read_metadata(local)
            except (OSError, pa.ArrowInvalid) as exc:
                name = lake.relative(warehouse, lake_path, lake=lake_at)
                target = lake.quarantine(warehouse, table, lake_path, lake=lake_at)
                bad.append((name, f"unreadable Parquet, moved to {target}: {exc}"[:500]))
                files.remove((lake_path, local))
                log.error("quarantined unreadable lake file %s: %s", lake_path, exc)
    return bad


def _pending(con: duckdb.DuckDBPyConnection, warehouse: Path, cache: Path, lake_at: str | None) -> Pending:
    done = {row[0] for row in con.execute("SELECT path FROM core.loaded_files").fetchall()}
    pending: Pending = {}
    for table in lake.TABLES:
        found = lake.complete_files(warehouse, table, lake=lake_at)
        names = lake.relative_names(warehouse, found, lake=lake_at)
        paths = [p for p, name in zip(found, names, strict=True) if name not in done]
        local = lake.local_copies(warehouse, paths, cache, lake=lake_at)
        pending[table] = list(zip(paths, local, strict=True))
    return pending


def load_pending(
    warehouse: Path,
    *,
    lock_timeout_s: float = 3600.0,
    holder: str = "",
    memory_limit: str = DEFAULT_LOAD_MEMORY,
    lake_at: str | None = None,
) -> LoadReport:
    """Load every complete lake file not loaded yet, in one transaction, then publish the reader copy.

    `lake_at`: where the lake is (Settings.lake, COPYDESK_LAKE), when not <warehouse>/lake.
    """
    report = LoadReport(run_id=holder)
    with load_lock(warehouse, lock_timeout_s, holder) as waited:
        report.waited_for_lock_s = round(waited, 3)
        if waited > 1:
            log.info("waited %.1fs for another load to finish", waited)
        started = time.monotonic()
        loaded_before = _files_as_left(warehouse, lake_at)
        if loaded_before is not None and _lake_holds_only(warehouse, lake_at, loaded_before):
            report.load_s = round(time.monotonic() - started, 3)
            return report
        _manifest_path(warehouse).unlink(missing_ok=True)
        con = _open_healed(warehouse, memory_limit, files_as_left=loaded_before is not None)
        cache = warehouse / "state" / "lake-cache"
        try:
            pending = _pending(con, warehouse, cache, lake_at)
            quarantined = _quarantine_unreadable(warehouse, pending, lake_at)
            files = [f for table_files in pending.values() for f in table_files]
            report.files = len(files)
            relink = _has_pending_links(con)
            if files or quarantined or relink:
                try:
                    _load_files(con, warehouse, pending, report, quarantined, lake_at=lake_at)
                except LinkFailed as exc:
                    # story linking must not hold articles back: load them unlinked, then link file by file,
                    # so one file's trouble is one failures row and the next load tries that file again
                    log.error("story linking failed, loading without it and linking file by file: %s", exc)
                    report.failures = 0
                    _load_files(con, warehouse, pending, report, quarantined, link=False, lake_at=lake_at)
                    _link_pending_by_file(con, report)
            con.execute("CHECKPOINT")
            # the manifest is written only when nothing waits to be linked: a next load must retry that
            loaded = None if _has_pending_links(con) else con.execute(SQL["loaded_paths"]).fetchall()
        finally:
            con.close()
            shutil.rmtree(cache, ignore_errors=True)
        if files or quarantined or relink or not published_path(warehouse).exists():
            publish(warehouse)
        if loaded is not None:
            _write_manifest(warehouse, lake_at, [path for (path,) in loaded])
        report.load_s = round(time.monotonic() - started, 3)
    return report


def _manifest_path(warehouse: Path) -> Path:
    return warehouse / "state" / "loaded-files.json"


def _identity(path: Path) -> list[int] | None:
    """(inode, size, mtime) of a file, None when there is none: any write or replacement changes it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _files_state(warehouse: Path, lake_at: str | None) -> dict:
    """What the manifest of loaded files is valid for: the loader's and the snapshot's files as the last
    load left them (no write-ahead log: a crash after a commit leaves one), the schema this code applies on
    opening, and the lake."""
    loader = loader_path(warehouse)
    digest = hashlib.sha256()
    for name in ("schema.sql", "migrations.sql", "views.sql"):
        digest.update(read_sql(name).encode())
    return {
        "loader": _identity(loader),
        "loader_wal": _identity(loader.with_name(loader.name + ".wal")),
        "published": _identity(published_path(warehouse)),
        "schema": digest.hexdigest(),
        "lake": lake.lake_url(warehouse, lake=lake_at),
    }


def _write_manifest(warehouse: Path, lake_at: str | None, loaded: list[str]) -> None:
    """Note the loaded files beside the state they are valid for (see _files_as_left)."""
    path = _manifest_path(warehouse)
    tmp = path.with_name(f"{path.name}.tmp")
    tmp.write_text(json.dumps({"state": _files_state(warehouse, lake_at), "files": sorted(loaded)}))
    os.replace(tmp, path)


def _files_as_left(warehouse: Path, lake_at: str | None) -> set[str] | None:
    """The files the last load had loaded, when it left the warehouse's files as they are now (else None).

    The manifest is a note, not the record (that is core.loaded_files, committed with the rows): any doubt
    about it means None, and a full load."""
    try:
        manifest = json.loads(_manifest_path(warehouse).read_text())
    except (OSError, ValueError):
        return None
    state = _files_state(warehouse, lake_at)
    if manifest.get("state") != state or state["loader"] is None or state["published"] is None:
        return None
    if state["loader_wal"] is not None:
        return None
    return set(manifest.get("files", []))


def _lake_holds_only(warehouse: Path, lake_at: str | None, loaded: set[str]) -> bool:
    """True when every complete lake file is among `loaded`: a load has nothing to open, check or write."""
    for table in lake.TABLES:
        found = lake.complete_files(warehouse, table, lake=lake_at)
        if not loaded.issuperset(lake.relative_names(warehouse, found, lake=lake_at)):
            return False
    return True


def _open_healed(warehouse: Path, memory_limit: str, *, files_as_left: bool) -> duckdb.DuckDBPyConnection:
    """The loader's connection, the warehouse's files healed first (see store.heal) unless the last load
    left them as they are (files_as_left), which also means its schema is in place."""
    if files_as_left:
        for line in heal(warehouse, files_checked=False):
            log.warning("%s", line)
        return open_loader(warehouse, memory_limit, schema_current=True)
    # a connection held over the checks and the opening: DuckDB shares one instance per file and process,
    # so the loader's file is read once, not once per check
    held = _connect_if_sound(loader_path(warehouse))
    try:
        # a damaged or missing loader file or snapshot, and temp files of dead processes, are dealt with first
        for line in heal(warehouse):
            log.warning("%s", line)
        return open_loader(warehouse, memory_limit)
    finally:
        if held is not None:
            held.close()


def _connect_if_sound(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A connection to the loader's file when it passes heal's check of it (so heal never moves it aside
    while it is held), else None: heal says what is wrong and deals with it."""
    if not path.is_file():
        return None
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error:
        return None
    try:
        con.execute("SELECT count(*) FROM core.meta").fetchall()
    except duckdb.Error:
        con.close()
        return None
    return con


class LinkFailed(Exception):
    """Story linking raised inside a load; the load was rolled back (the cause is chained)."""


def _has_pending_links(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM core.link_pending").fetchone()[0])


def _load_files(
    con: duckdb.DuckDBPyConnection,
    warehouse: Path,
    pending: Pending,
    report: LoadReport,
    quarantined: list[tuple[str, str]],
    *,
    link: bool = True,
    lake_at: str | None = None,
) -> None:
    """Load the pending files in one transaction; with link=False the articles whose text is new or changed
    are queued in core.link_pending instead of linked (see _link_pending_by_file)."""
    con.execute("BEGIN TRANSACTION")
    try:
        for path, error in quarantined:
            con.execute(SQL["quarantine_failure"], [report.run_id or "load", path, error])
        report.failures += len(quarantined)
        new_ids: list[str] = []
        staged_ids: set[str] = set()
        # each article whose stored text is new or changed, with the text to sign: its story is linked again
        changed: dict[str, str] = {}
        stripped = template_learning.Stripped()
        article_files = [str(local) for _, local in pending["articles"]]
        if article_files:
            con.execute(SQL["stage_articles"], [article_files])
            con.execute(SQL["stage_signature_columns"])
            con.register("lake_names", _lake_names(warehouse, pending["articles"], lake_at))
            con.execute(SQL["name_lake_files"])
            con.unregister("lake_names")
            # learn -> strip: each outlet's template blocks, before the texts are stored and signed
            stripped = template_learning.learn_and_strip_templates(con)
            # the texts come back with the ids: story linking needs them without scanning every stored text
            inserted = con.execute(SQL["insert_new_articles"]).to_arrow_table()
            new_ids = inserted["article_id"].to_pylist()
            changed.update(zip(new_ids, inserted["text"].to_pylist(), strict=True))
            report.articles_new = len(new_ids)
            con.execute(SQL["keep_superseded_versions"])
            updated = con.execute(SQL["update_changed_articles"]).fetchall()
            report.articles_updated = len(updated)
            changed.update(updated)
            staged_ids = set(changed)
            changed.update(stripped.relink)
            changed.update((i, text) for i, text in stripped.matching.items() if i in changed)
            con.execute(SQL["drop_current_versions"])
            con.execute(SQL["touch_unchanged_articles"])
        # the rest of the load that story linking neither reads nor changes: done while linking works in
        # Python, on a second thread (DuckDB lets the GIL go while it works), or after linking
        bookkeeping = _Once(partial(_record_the_rest, con, warehouse, pending, report, lake_at))
        for article_id, text, _ in con.execute(SQL["pending_links"]).fetchall():
            changed.setdefault(article_id, text)
        ids = sorted(changed)
        if ids and link:
            try:
                texts, signed = [changed[i] for i in ids], _signatures_of(con, ids)
                linked = stories.link_stories(con, ids, texts, signed, meanwhile=bookkeeping)
            except Exception as exc:
                bookkeeping.raise_error()  # an error of its own, not linking's
                raise LinkFailed(f"{type(exc).__name__}: {exc}") from exc
            _drop_pending(con, ids)
            report.stories_new, report.copies_linked = linked.stories_new, linked.copies_linked
            # stored articles linked again (re-stripped, or waiting since a failed load) never have a worker's
            # signature: the figure counts the fetched texts whose worker signature could not be used
            relinked = len(set(ids) - staged_ids)
            report.texts_signed_at_load = max(0, linked.texts_signed - relinked)
            log.info(
                "%d of %d fetched texts signed at load (no usable worker signature), %d stored ones relinked",
                report.texts_signed_at_load,
                len(ids) - relinked,
                relinked,
            )
        elif ids:
            con.register("linked_now", pa.table({"article_id": pa.array(ids, pa.string())}))
            con.execute(SQL["add_pending_links"])
            con.unregister("linked_now")
        bookkeeping()
        bookkeeping.raise_error()
        run_files = [str(local) for _, local in pending["runs"]]
        if run_files:
            _upsert_runs(con, new_ids, run_files)
        report.per_outlet = _per_outlet(con, new_ids)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


class _Once:
    """Work run once, by whichever thread comes to it first; an error it raises is kept for raise_error."""

    def __init__(self, work: Callable[[], None]) -> None:
        self._work = work
        self._ran = False
        self._error: Exception | None = None

    def __call__(self) -> None:
        if self._ran:
            return
        self._ran = True
        try:
            self._work()
        except Exception as exc:  # raised on the loader's thread by raise_error
            self._error = exc

    def raise_error(self) -> None:
        if self._error is not None:
            raise self._error


def _record_the_rest(
    con: duckdb.DuckDBPyConnection, warehouse: Path, pending: Pending, report: LoadReport, lake_at: str | None
) -> None:
    """The URLs seen, the failures, the sources' state and the files loaded: what story linking neither
    reads nor changes."""
    article_files = [str(local) for _, local in pending["articles"]]
    if article_files:
        con.execute(SQL["insert_seen_from_articles"], [article_files])
    failure_files = [str(local) for _, local in pending["failures"]]
    if failure_files:
        before = con.execute("SELECT count(*) FROM core.failures").fetchone()[0]
        con.execute(SQL["insert_failures"], [failure_files])
        con.execute(SQL["insert_seen_from_failures"], [failure_files])
        report.failures += con.execute("SELECT count(*) FROM core.failures").fetchone()[0] - before
    source_files = [str(local) for _, local in pending["sources"]]
    if source_files:
        con.execute(SQL["upsert_source_state"], [source_files])
    paths = [lake_path for table_files in pending.values() for lake_path, _ in table_files]
    if paths:
        names = lake.relative_names(warehouse, paths, lake=lake_at)
        run_ids = [lake.run_id_of(p) for p in paths]
        con.register("loaded_now", pa.table({"path": names, "run_id": run_ids}))
        con.execute(SQL["record_files"])
        con.unregister("loaded_now")


def _upsert_runs(con: duckdb.DuckDBPyConnection, new_ids: list[str], run_files: list[str]) -> None:
    """Each run's row with its own counts: a load may hold several runs' files (one that died before its
    load, the days of a backfill)."""
    con.register("new_article_ids", pa.table({"article_id": pa.array(new_ids, pa.string())}))
    try:
        con.execute(SQL["upsert_runs"], [run_files])
    finally:
        con.unregister("new_article_ids")


def _lake_names(warehouse: Path, files: list[tuple[str, Path]], lake_at: str | None) -> pa.Table:
    """(local path DuckDB read, name in the lake) of each article file: failures name the latter."""
    return pa.table(
        {
            "local": [str(local) for _, local in files],
            "name": [lake.relative(warehouse, lake_path, lake=lake_at) for lake_path, _ in files],
        }
    )


def _drop_pending(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    con.register("linked_now", pa.table({"article_id": pa.array(ids, pa.string())}))
    con.execute(SQL["drop_pending_links"])
    con.unregister("linked_now")


def _link_pending_by_file(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    """Link the queued articles one lake file at a time, each in its own transaction; a file whose linking
    fails becomes a failures row (stage 'load', the file, the error) and stays queued for the next load."""
    by_file: dict[str, dict[str, str]] = {}
    for article_id, text, lake_file in con.execute(SQL["pending_links"]).fetchall():
        by_file.setdefault(lake_file or "", {})[article_id] = text
    for lake_file, texts in sorted(by_file.items()):
        ids = sorted(texts)
        con.execute("BEGIN TRANSACTION")
        try:
            linked = stories.link_stories(con, ids, [texts[i] for i in ids], _signatures_of(con, ids))
            _drop_pending(con, ids)
            con.execute("COMMIT")
        except Exception as exc:  # one file's linking: recorded below, retried by the next load
            con.execute("ROLLBACK")
            cause = f"{type(exc).__name__}: {exc}"
            error = f"story linking failed, {len(ids)} articles wait for the next load: {cause}"
            log.error("%s (%s)", error, lake_file)
            con.execute("BEGIN TRANSACTION")
            con.execute(SQL["record_link_failure"], [report.run_id or "load", lake_file, error[:500]])
            con.execute(SQL["note_pending_error"], [error[:500], lake_file])
            con.execute("COMMIT")
            report.failures += 1
            continue
        report.stories_new += linked.stories_new
        report.copies_linked += linked.copies_linked
        report.texts_signed_at_load += linked.texts_signed


def _signatures_of(con: duckdb.DuckDBPyConnection, ids: list[str]) -> pa.Table:
    """The staged signatures (the extraction workers') of these articles, in ids order (null rows for an
    article not staged in this load: link_stories signs its text)."""
    con.register(
        "new_articles",
        pa.table({"article_id": pa.array(ids, pa.string()), "position": pa.array(range(len(ids)))}),
    )
    try:
        staged = con.execute(SQL["staged_exists"]).fetchone()[0]
        return con.execute(SQL["signatures_of_new_articles" if staged else "no_signatures"]).to_arrow_table()
    finally:
        con.unregister("new_articles")


def _per_outlet(con: duckdb.DuckDBPyConnection, new_ids: list[str]) -> dict[str, dict[str, int]]:
    if not new_ids:
        return {}
    # a registered Arrow table, not a list parameter: DuckDB converts a Python list item by item, which on a
    # large load cost seconds (bench/results/throughput.md)
    con.register("new_article_ids", pa.table({"article_id": pa.array(new_ids, pa.string())}))
    try:
        rows = con.execute(SQL["per_outlet_counts"]).fetchall()
    finally:
        con.unregister("new_article_ids")
    return {outlet: {"new": n, "copies": c} for outlet, n, c in rows}
