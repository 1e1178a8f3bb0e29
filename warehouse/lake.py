"""The Parquet lake: immutable files per run, written under a temporary name and renamed when complete.

Layout: <warehouse>/lake/<table>/run=<run_id>/<part>.parquet. A file that exists under its final name is
complete; the loader records each loaded file in the same transaction as its rows, so a crash at any point
leaves either a loaded file or a pending one that the next load picks up.
"""

import json
import os
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.models import Article, Failure

TS = pa.timestamp("us", tz="UTC")

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("fetched_url", pa.string()),
        ("discovered_url", pa.string()),
        ("discovered_via", pa.string()),
        ("outlet_id", pa.string()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published_at", TS),
        ("published_at_source", pa.string()),
        ("modified_at", TS),
        ("date_candidates", pa.string()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("site_name", pa.string()),
        ("description", pa.string()),
        ("source_credit", pa.string()),
        ("based_on_url", pa.string()),
        ("access", pa.string()),
        ("content_hash", pa.string()),
        ("fetched_at", TS),
        ("run_id", pa.string()),
    ]
)

FAILURE_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("outlet_id", pa.string()),
        ("stage", pa.string()),
        ("kind", pa.string()),
        ("error", pa.string()),
        ("http_status", pa.int32()),
        ("transient", pa.bool_()),
        ("at", TS),
    ]
)

RUN_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("flow", pa.string()),
        ("started_at", TS),
        ("finished_at", TS),
        ("window_start", TS),
        ("window_end", TS),
        ("outlet_ids", pa.list_(pa.string())),
        ("discovered", pa.int32()),
        ("new", pa.int32()),
        ("fetched", pa.int32()),
        ("extracted", pa.int32()),
        ("failed", pa.int32()),
    ]
)

SOURCE_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("outlet_id", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("body_hash", pa.string()),
        ("kind", pa.string()),
        ("checked_at", TS),
        ("changed_at", TS),
        ("run_id", pa.string()),
    ]
)

TABLES = ("articles", "failures", "runs", "sources")


def lake_dir(warehouse: Path) -> Path:
    """The lake root of a warehouse directory."""
    return warehouse / "lake"


def run_dir(warehouse: Path, table: str, run_id: str) -> Path:
    """Directory holding one run's files of one table."""
    return lake_dir(warehouse) / table / f"run={run_id}"


def article_rows(
    articles: Iterable[Article], discovered: dict[str, tuple[str, str]], run_id: str
) -> pa.Table:
    """Arrow table of articles; discovered maps article_id -> (discovered url, via)."""
    rows = []
    for art in articles:
        row = art.model_dump(exclude={"date_candidates"})
        row["date_candidates"] = json.dumps(
            [
                {"source": c.source, "value": c.value.astimezone(UTC).isoformat(), "role": c.role}
                for c in art.date_candidates
            ]
        )
        row["discovered_url"], row["discovered_via"] = discovered.get(art.article_id, (art.fetched_url, None))
        row["run_id"] = run_id
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def failure_rows(failures: Iterable[Failure], run_id: str) -> pa.Table:
    """Arrow table of failures."""
    rows = [f.model_dump(include=set(FAILURE_SCHEMA.names)) | {"run_id": run_id} for f in failures]
    return pa.Table.from_pylist(rows, schema=FAILURE_SCHEMA)


def staging_path(warehouse: Path, name: str) -> Path:
    """A file that is not part of the lake until promote() moves it in (never read by the loader)."""
    return warehouse / "state" / "staging" / name


def promote(staged: Path, path: Path) -> Path:
    """Move a staged file into the lake atomically (same file system)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, path)
    return path


def write_atomic(table: pa.Table, path: Path) -> Path:
    """Write a Parquet file under a temporary name, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def complete_files(warehouse: Path, table: str) -> list[Path]:
    """Every complete file of a table, oldest run first (temporary files are never listed)."""
    root = lake_dir(warehouse) / table
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("run=*/*.parquet") if not p.name.startswith("."))


def relative(warehouse: Path, path: Path) -> str:
    """Path of a lake file relative to the warehouse, as recorded in loaded_files."""
    return path.resolve().relative_to(warehouse.resolve()).as_posix()
