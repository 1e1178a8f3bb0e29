"""Where the warehouse lives on disk, who may write it, and how readers get a consistent copy.

DuckDB lets one process open a file for writing and then refuses every other open, even read-only, and a
reader holding the file blocks the writer (../notes/duckdb-measurements.md). So the loader writes a private
file, `state/loader.duckdb`, under an exclusive lock, and after each committed load publishes a copy as
`warehouse.duckdb` by atomic rename. Readers open `warehouse.duckdb` read-only: an open reader keeps the inode
it opened (the last completed load) and a new reader sees the newest one; neither side ever waits.
"""

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from copydesk.tasks import boilerplate

SQL_DIR = Path(__file__).parent
PUBLISHED_NAME = "warehouse.duckdb"
log = logging.getLogger("copydesk.warehouse")


class LoadLockTimeout(RuntimeError):
    """Another writer held the load lock for longer than we were willing to wait."""


def published_path(warehouse: Path) -> Path:
    """The DuckDB file users query."""
    return warehouse / PUBLISHED_NAME


def loader_path(warehouse: Path) -> Path:
    """The loader's private DuckDB file."""
    return warehouse / "state" / "loader.duckdb"


def read_sql(name: str) -> str:
    """Text of one of the warehouse's .sql files."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def named_queries(name: str) -> dict[str, str]:
    """The statements of a .sql file made of `-- name: <key>` blocks, by key."""
    queries: dict[str, str] = {}
    key = None
    for line in read_sql(name).splitlines(keepends=True):
        if line.startswith("-- name:"):
            key = line.removeprefix("-- name:").strip()
            queries[key] = ""
        elif key is not None:
            queries[key] += line
    return {k: v.strip() for k, v in queries.items()}


@contextmanager
def load_lock(warehouse: Path, timeout_s: float, holder: str = "") -> Iterator[float]:
    """Hold the warehouse's exclusive writer lock; yields the seconds spent waiting for it."""
    lock_file = warehouse / "state" / "load.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(lock_file, "a+") as handle:
        announced = False
        # short waits first: most holders are a moment's schema set-up (ensure_published), not a whole load
        pause = 0.01
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if not announced:
                    handle.seek(0)
                    other = handle.read().strip() or "another copydesk load"
                    log.warning("waiting for the warehouse load lock held by %s", other)
                    announced = True
                if waited > timeout_s:
                    raise LoadLockTimeout(f"waited {waited:.0f}s for the load lock of {warehouse}") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
        waited = time.monotonic() - started
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} {holder}".strip())
        handle.flush()
        try:
            yield waited
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


DEFAULT_LOAD_MEMORY = "400MB"


def open_loader(warehouse: Path, memory_limit: str = DEFAULT_LOAD_MEMORY) -> duckdb.DuckDBPyConnection:
    """Open the loader's file and bring its schema and views up to date (caller holds the lock)."""
    path = loader_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET preserve_insertion_order = false")
    # one load is one transaction over the whole run: cap DuckDB's memory and let it spill to disk, so
    # peak memory does not grow with the size of a run
    spill = path.parent / "spill"
    spill.mkdir(exist_ok=True)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    con.execute(read_sql("schema.sql"))
    migrate(con)
    con.execute(read_sql("views.sql"))
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations (migrations.sql) this warehouse has not had, each in its own transaction with its
    record in core.meta; returns the names applied."""
    recorded = con.execute("SELECT key FROM core.meta WHERE key LIKE 'migration:%'").fetchall()
    done = {key for (key,) in recorded}
    applied = []
    for name, statements in named_queries("migrations.sql").items():
        if f"migration:{name}" in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(statements)
            con.execute("INSERT INTO core.meta VALUES (?, ?)", [f"migration:{name}", _now_iso()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def publish(warehouse: Path) -> Path:
    """Copy the loader's checkpointed file to warehouse.duckdb by atomic rename (caller holds the lock)."""
    source = loader_path(warehouse)
    target = published_path(warehouse)
    tmp = warehouse / f".{PUBLISHED_NAME}.tmp-{os.getpid()}"
    shutil.copyfile(source, tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    # a write-ahead log left by someone who opened the published copy read-write belongs to the old file;
    # replayed onto the new one it would corrupt it
    stale_wal = target.with_name(target.name + ".wal")
    if stale_wal.exists():
        stale_wal.unlink()
    os.replace(tmp, target)
    return target


def ensure_published(warehouse: Path) -> Path:
    """Make sure a (possibly empty) published warehouse exists, creating its schema under the lock."""
    target = published_path(warehouse)
    if target.exists():
        return target
    with load_lock(warehouse, timeout_s=600, holder="init"):
        if not target.exists():
            con = open_loader(warehouse)
            con.execute("CHECKPOINT")
            con.close()
            publish(warehouse)
    return target


def connect_reader(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the last published state; never blocks or is blocked by a load."""
    return duckdb.connect(str(ensure_published(warehouse)), read_only=True)


SQL = named_queries("store.sql")


def _by_url(warehouse: Path, urls: list[str], query: str) -> dict:
    """url -> value of the named query, run over these URLs registered as the table candidate_urls."""
    if not urls:
        return {}
    con = connect_reader(warehouse)
    try:
        con.register("candidate_urls", pa.table({"url": pa.array(urls, pa.string())}))
        return dict(con.execute(SQL[query]).fetchall())
    finally:
        con.close()


def seen_urls(warehouse: Path, urls: list[str]) -> dict[str, datetime | None]:
    """Which of these URLs the last published load already holds: url -> when its article was last fetched
    (None for a URL that failed for good)."""
    return _by_url(warehouse, urls, "seen_urls")


def extract_attempts(warehouse: Path, urls: list[str]) -> dict[str, int]:
    """url -> how many earlier runs' extractions of the page overran their bounds or killed their worker."""
    return _by_url(warehouse, urls, "extract_attempts")


def source_states(warehouse: Path, outlet_ids: list[str]) -> list[tuple]:
    """Rows of core.source_state for these outlets, as the last published load holds them."""
    con = connect_reader(warehouse)
    try:
        return con.execute(SQL["source_states"], [outlet_ids]).fetchall()
    finally:
        con.close()


def retryable_failures(
    warehouse: Path, outlet_ids: list[str], max_attempts: int
) -> list[tuple[str, str, int]]:
    """(url, outlet_id, attempts) of pages that failed transiently and were not loaded since."""
    con = connect_reader(warehouse)
    try:
        return con.execute(SQL["retryable_failures"], [outlet_ids, max_attempts]).fetchall()
    finally:
        con.close()


def learned_boilerplate(warehouse: Path, outlet_ids: list[str]) -> dict[str, set[int]]:
    """The block hashes the last published load had learned as each outlet's boilerplate (what the loader's
    strip would remove from a new page of that outlet, if this load learns nothing new)."""
    if not outlet_ids or not published_path(warehouse).exists():
        return {}
    con = connect_reader(warehouse)
    try:
        rows = con.execute(SQL["learnable_outlet_blocks"], [outlet_ids, boilerplate.MIN_PAGES]).fetchall()
    finally:
        con.close()
    counts: dict[str, dict[int, int]] = {}
    seen: dict[str, int] = {}
    for outlet_id, block_hash, pages, pages_seen in rows:
        counts.setdefault(outlet_id, {})[block_hash] = pages
        seen[outlet_id] = pages_seen
    learned = {
        outlet: boilerplate.learn_boilerplate(blocks, seen[outlet]) for outlet, blocks in counts.items()
    }
    return {outlet: blocks for outlet, blocks in learned.items() if blocks}
