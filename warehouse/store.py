"""Where the warehouse lives on disk, who may write it, and how readers get a consistent copy.

DuckDB lets one process open a file for writing and then refuses every other open, even read-only, and a
reader holding the file blocks the writer (../notes/duckdb-measurements.md). So the loader writes a private
file, `state/loader.duckdb`, under an exclusive lock, and after each committed load publishes a copy as
`warehouse.duckdb` by atomic rename. Readers open `warehouse.duckdb` read-only: an open reader keeps the inode
it opened (the last completed load) and a new reader sees the newest one; neither side ever waits.

Readers cannot write: every reader connection is read-only and has DuckDB's external access off and its
configuration locked, so a query can neither attach a file, copy or export into one, nor install or load an
extension (`copydesk sql --allow-dir` opens chosen directories, never the warehouse's, for reading and
writing the user's own files). The warehouse heals: a published snapshot that is missing or unreadable is
published again from the loader's file, a broken loader file is restored from the snapshot (or rebuilt from
the lake by the next load), and temp files of dead processes are removed (`heal`, under the load lock).
"""

import fcntl
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from copydesk.tasks import outlet_templates

SQL_DIR = Path(__file__).parent
PUBLISHED_NAME = "warehouse.duckdb"
log = logging.getLogger("copydesk.warehouse")


class LoadLockTimeout(RuntimeError):
    """Another writer held the load lock for longer than we were willing to wait."""


class WarehouseUnreadable(OSError):
    """The warehouse's files cannot be read or healed; the message says what is wrong and what to do."""


class WarehouseMissing(WarehouseUnreadable):
    """No warehouse at the path a reader was given: readers never create one (only a load does)."""


# every reader: read-only, no file, extension or network access beyond its own database, settings locked
READER_GUARD = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
# how long a reader that finds the snapshot broken waits for the load lock to heal it
HEAL_WAIT_S = 120.0
# DuckDB's words for a file that is damaged, as opposed to one another program holds open
_CORRUPT = re.compile(
    r"not a valid DuckDB database|Could not read enough bytes|Corrupt database|checksum|Serialization", re.I
)
# DuckDB's words for a file that is sound but open elsewhere: another process's lock, or a connection of this
# process with other settings (DuckDB shares one instance per file and process)
_IN_USE = re.compile(r"different configuration|Could not set lock|Conflicting lock", re.I)
_TEMP_NAME = re.compile(r"\.[^/]+\.tmp-(?P<pid>[0-9]{1,10})")
# a DuckDB file is a header of three 4 KiB blocks, then its data blocks
_HEADER_BYTES = 3 * 4096


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


def open_loader(
    warehouse: Path, memory_limit: str = DEFAULT_LOAD_MEMORY, *, schema_current: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the loader's file and bring its schema and views up to date (caller holds the lock); with
    schema_current (the caller knows this code's schema, migrations and views are applied) they are not."""
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
    if not schema_current:
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
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        # a write-ahead log left by someone who opened the published copy read-write belongs to the old
        # file; replayed onto the new one it would corrupt it
        stale_wal = target.with_name(target.name + ".wal")
        if stale_wal.exists():
            stale_wal.unlink()
        os.replace(tmp, target)
    except BaseException:
        # a publish that failed (disk full, a directory in the way) leaves nothing behind
        tmp.unlink(missing_ok=True)
        raise
    return target


def ensure_published(warehouse: Path) -> Path:
    """Make sure a (possibly empty) published warehouse exists, creating its schema under the lock."""
    target = published_path(warehouse)
    if target.is_file():
        return target
    if warehouse.exists() and not warehouse.is_dir():
        raise WarehouseUnreadable(f"{warehouse} is a file, not a warehouse directory")
    _heal_now(warehouse, "init")
    return target


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def stale_temp_files(warehouse: Path) -> list[Path]:
    """Temp files (`.<name>.tmp-<pid>`) of processes that are gone: a publish or lake write that died."""
    candidates = [*warehouse.glob(".*.tmp-*"), *warehouse.glob("lake/*/run=*/.*.tmp-*")]
    stale = []
    for path in candidates:
        match = _TEMP_NAME.fullmatch(path.name)
        if match and path.is_file() and not _pid_alive(int(match["pid"])):
            stale.append(path)
    return stale


def _file_problem(path: Path, *, deep: bool, read_only: bool) -> str | None:
    """Why a DuckDB file of the warehouse cannot be used (None when it can): missing, damaged, or (with
    deep) a block of any table that fails its checksum."""
    if not path.exists():
        return "missing"
    if not path.is_file():
        return "not a file"
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=READER_GUARD if read_only else {})
    except duckdb.Error as exc:
        if read_only and _IN_USE.search(str(exc)):
            return None  # a snapshot someone has open is sound; publishing replaces it by rename anyway
        return str(exc).splitlines()[0]
    try:
        con.execute("SELECT count(*) FROM core.meta").fetchall()
        # (a loader's blocks may still be in its write-ahead log; a published snapshot has none)
        short = _truncated(con, path) if read_only else None
        if short:
            return short
        if deep:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary"
            ).fetchall()
            for schema, table in tables:
                # every column of every row: each block read is checked against its checksum
                con.execute(f'SELECT sum(hash(COLUMNS(*))) FROM "{schema}"."{table}"').fetchall()
    except duckdb.Error as exc:
        return str(exc).splitlines()[0]
    finally:
        con.close()
    return None


def _truncated(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """'truncated: ...' when the file is too short to hold the blocks in use: DuckDB opens such a file and
    fails only on the first read of a missing block.

    Blocks in use, not all blocks: a checkpoint leaves free blocks at the end of the file out of it while the
    header still counts them, and a sound snapshot compared with its total was "healed" on every read.
    """
    block_size, used = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchone()
    want, have = _HEADER_BYTES + block_size * used, path.stat().st_size
    return f"truncated: {have} of {want} bytes" if have < want else None


def _set_aside(path: Path, said: list[str]) -> None:
    """Move a damaged file (and its write-ahead log) under state/broken/, kept for whoever wants to look."""
    aside = path.parent / "broken" if path.parent.name == "state" else path.parent / "state" / "broken"
    aside.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for part in (path, path.with_name(path.name + ".wal")):
        if part.exists():
            target = aside / f"{part.name}.{stamp}"
            os.replace(part, target)
            said.append(f"moved the unreadable {part.name} to {target}")


def heal(
    warehouse: Path, *, deep: bool = False, suspect: str | None = None, files_checked: bool = True
) -> list[str]:
    """Bring the warehouse's files back to a usable state (caller holds the load lock); returns what was done.

    Temp files of dead processes go; a damaged loader file is set aside and restored from the published
    snapshot when that one is sound (else the next load rebuilds it from the lake); a missing or damaged
    snapshot is published again from the loader. With deep, every table of both files is read in full;
    suspect: a reader's error from the snapshot, which makes it published again whatever the checks say.
    Without files_checked (the caller knows both files are as the last load left them) only the temp and
    spill files are dealt with.
    """
    said: list[str] = []
    for path in stale_temp_files(warehouse):
        path.unlink(missing_ok=True)
        said.append(f"removed {path.relative_to(warehouse)}, a temp file of a process that is gone")
    if files_checked:
        _heal_files(warehouse, deep, suspect, said)
    spill = loader_path(warehouse).parent / "spill"
    if spill.is_dir() and any(spill.iterdir()):
        # nothing loads while the lock is held: what is in the spill directory belongs to a dead load
        shutil.rmtree(spill, ignore_errors=True)
        said.append("removed the spill files of an interrupted load")
    return said


def _heal_files(warehouse: Path, deep: bool, suspect: str | None, said: list[str]) -> None:
    """heal's part for the loader's file and the snapshot."""
    loader, target = loader_path(warehouse), published_path(warehouse)
    loader_existed = loader.exists()
    loader_problem = _file_problem(loader, deep=deep, read_only=False)
    if loader_problem not in (None, "missing"):
        if not _CORRUPT.search(loader_problem):
            raise WarehouseUnreadable(
                f"cannot open {loader}: {loader_problem}; if another program (a DuckDB CLI, a notebook) has "
                "it open, close that program, then run `copydesk repair`"
            )
        said.append(f"state/loader.duckdb is unreadable ({loader_problem})")
        _set_aside(loader, said)
        loader_problem = "missing"
    target_problem = _file_problem(target, deep=deep, read_only=True) or suspect
    if loader_problem == "missing" and target.exists():
        if target_problem is None:
            loader.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, loader)
            said.append("restored state/loader.duckdb from the published warehouse.duckdb")
        else:
            said.append(
                f"warehouse.duckdb is unreadable too ({target_problem}): the loader's state starts empty and "
                "the load rebuilds it from the lake's files (what the lake no longer holds cannot come back)"
            )
            if target.is_file():
                _set_aside(target, said)
    if target_problem is not None:
        con = open_loader(warehouse)
        con.execute("CHECKPOINT")
        con.close()
        if target.is_dir():
            raise WarehouseUnreadable(f"{target} is a directory: move it away, then run `copydesk repair`")
        publish(warehouse)
        if target_problem != "missing" or loader_existed:
            said.append(f"published warehouse.duckdb again from the loader's state (it was {target_problem})")


def _heal_now(warehouse: Path, holder: str, suspect: str | None = None) -> list[str]:
    try:
        with load_lock(warehouse, timeout_s=HEAL_WAIT_S, holder=holder):
            said = heal(warehouse, suspect=suspect)
    except LoadLockTimeout as exc:
        raise WarehouseUnreadable(
            f"the warehouse needs repair and a load has held its lock for {HEAL_WAIT_S:.0f}s ({exc}); "
            f"run `copydesk repair -w {warehouse}` when that load has finished"
        ) from None
    except OSError as exc:
        raise WarehouseUnreadable(
            f"cannot repair {warehouse}: {exc}; free disk space or fix permissions, then run "
            f"`copydesk repair -w {warehouse}`"
        ) from None
    for line in said:
        log.warning("%s: %s", warehouse, line)
    return said


def protected_dirs(warehouse: Path, lake_at: str | None = None) -> list[Path]:
    """Directories no reader may be given write access to: the warehouse's, and a local lake elsewhere
    (`lake_at`: Settings.lake, when the lake is not <warehouse>/lake)."""
    from copydesk.warehouse import lake

    dirs = [warehouse.resolve()]
    fs, root = lake.lake_fs(warehouse, lake=lake_at)
    if lake.is_local(fs):
        dirs.append(Path(root).resolve())
    return dirs


def check_allowed_dirs(warehouse: Path, allow_dirs: Sequence[Path], lake_at: str | None = None) -> list[Path]:
    """The directories a reader may read and write files in, resolved; ValueError for one that does not
    exist or overlaps the warehouse or its lake."""
    resolved = []
    for raw in allow_dirs:
        path = Path(raw).expanduser().resolve()
        if not path.is_dir():
            raise ValueError(f"--allow-dir {raw}: not a directory")
        for guarded in protected_dirs(warehouse, lake_at):
            if path.is_relative_to(guarded) or guarded.is_relative_to(path):
                raise ValueError(
                    f"--allow-dir {raw}: overlaps {guarded}, which readers may never write; "
                    "choose a directory outside the warehouse"
                )
        resolved.append(path)
    return resolved


def _open_guarded(path: Path, allow_dirs: Sequence[Path]) -> duckdb.DuckDBPyConnection:
    if not allow_dirs:
        return duckdb.connect(str(path), read_only=True, config=READER_GUARD)
    # DuckDB takes allowed_directories only from a started database, before external access goes off
    last = ("enable_external_access", "lock_configuration")
    opening = {key: value for key, value in READER_GUARD.items() if key not in last}
    con = duckdb.connect(str(path), read_only=True, config=opening)
    try:
        con.execute("SET allowed_directories = ?", [[f"{d.as_posix().rstrip('/')}/" for d in allow_dirs]])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def connect_reader(warehouse: Path, allow_dirs: Sequence[Path] = ()) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the last published state that cannot write, attach, copy into a file or load
    an extension (allow_dirs, checked by check_allowed_dirs: directories whose files it may read and write);
    never blocks or is blocked by a load. A reader never creates a warehouse: WarehouseMissing when the
    directory holds none. A broken snapshot is healed first (see heal). In a process that already holds the
    snapshot through a plain duckdb.connect, the connection shares that instance unguarded.
    """
    target = published_path(warehouse)
    if warehouse.exists() and not warehouse.is_dir():
        raise WarehouseMissing(f"{warehouse.resolve()} is a file, not a warehouse directory")
    if not target.exists() and not loader_path(warehouse).exists():
        raise WarehouseMissing(f"no warehouse in {warehouse.resolve()} (no {PUBLISHED_NAME} there)")
    if not target.is_file():
        # the loader's file is there: a warehouse whose snapshot went missing is published again, not created
        ensure_published(warehouse)
    try:
        con = _open_guarded(target, allow_dirs)
        problem = _truncated(con, target)
        if problem is None:
            return con
        con.close()
    except duckdb.Error as exc:
        if _IN_USE.search(str(exc)) and not allow_dirs:
            # this process (a notebook) holds the snapshot with DuckDB's default settings, and DuckDB shares
            # that one instance: it is the caller's, so copydesk's own fixed queries read through it unguarded
            return duckdb.connect(str(target), read_only=True)
        problem = str(exc).splitlines()[0]
    log.warning("cannot read %s (%s); healing it", target, problem)
    _heal_now(warehouse, "reader", suspect=problem)
    try:
        return _open_guarded(target, allow_dirs)
    except duckdb.Error as exc:
        raise WarehouseUnreadable(
            f"cannot open {target} even after healing it: {str(exc).splitlines()[0]}; "
            f"run `copydesk repair -w {warehouse}` and read what it says"
        ) from None


SQL = named_queries("store.sql")

T = TypeVar("T")


def _read(warehouse: Path, query: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """query(a reader connection); a snapshot found damaged midway (a block that fails its checksum) is
    healed and the query asked once more."""
    # the pipeline's own lookups run before a new warehouse's first load, so they make its (empty) schema
    ensure_published(warehouse)
    for attempt in (1, 2):
        con = connect_reader(warehouse)
        try:
            return query(con)
        except duckdb.Error as exc:
            if attempt == 2 or not _CORRUPT.search(str(exc)):
                raise
            problem = str(exc).splitlines()[0]
        finally:
            con.close()
        log.warning("reading %s failed (%s); healing it", published_path(warehouse), problem)
        _heal_now(warehouse, "reader", suspect=problem)
    raise AssertionError("unreachable")


def _by_url(warehouse: Path, urls: list[str], name: str) -> dict:
    """url -> value of the named query, run over these URLs registered as the table candidate_urls."""
    if not urls:
        return {}

    def query(con: duckdb.DuckDBPyConnection) -> dict:
        con.register("candidate_urls", pa.table({"url": pa.array(urls, pa.string())}))
        return dict(con.execute(SQL[name]).fetchall())

    return _read(warehouse, query)


def seen_urls(warehouse: Path, urls: list[str]) -> dict[str, datetime | None]:
    """Which of these URLs the last published load already holds: url -> when its article was last fetched
    (None for a URL that failed for good)."""
    return _by_url(warehouse, urls, "seen_urls")


def extract_attempts(warehouse: Path, urls: list[str]) -> dict[str, int]:
    """url -> how many earlier runs' extractions of the page overran their bounds or killed their worker."""
    return _by_url(warehouse, urls, "extract_attempts")


def source_states(warehouse: Path, outlet_ids: list[str]) -> list[tuple]:
    """Rows of core.source_state for these outlets, as the last published load holds them."""
    return _read(warehouse, lambda con: con.execute(SQL["source_states"], [outlet_ids]).fetchall())


def retryable_failures(
    warehouse: Path, outlet_ids: list[str], max_attempts: int
) -> list[tuple[str, str, int]]:
    """(url, outlet_id, attempts) of pages that failed transiently and were not loaded since."""
    return _read(
        warehouse, lambda con: con.execute(SQL["retryable_failures"], [outlet_ids, max_attempts]).fetchall()
    )


def learned_outlet_blocks(warehouse: Path, outlet_ids: list[str]) -> dict[str, set[int]]:
    """The block hashes the last published load had learned as each outlet's template (what the loader's
    strip would remove from a new page of that outlet, if this load learns nothing new)."""
    if not outlet_ids or not published_path(warehouse).exists():
        return {}
    params = [outlet_ids, outlet_templates.MIN_PAGES]
    rows = _read(warehouse, lambda con: con.execute(SQL["learnable_outlet_blocks"], params).fetchall())
    counts: dict[str, dict[int, int]] = {}
    seen: dict[str, int] = {}
    for outlet_id, block_hash, pages, pages_seen in rows:
        counts.setdefault(outlet_id, {})[block_hash] = pages
        seen[outlet_id] = pages_seen
    learned = {
        outlet: outlet_templates.learn_outlet_blocks(blocks, seen[outlet])
        for outlet, blocks in counts.items()
    }
    return {outlet: blocks for outlet, blocks in learned.items() if blocks}
