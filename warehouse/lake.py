"""The Parquet lake: immutable files per run, each visible under its final name only once complete.

Layout: <lake>/<table>/run=<run_id>/<part>.parquet, where <lake> is <warehouse>/lake or COPYDESK_LAKE, a
local path or any fsspec URL (s3://bucket/prefix, gs://..., abfs://...; credentials and endpoints come from
the usual fsspec/provider settings, e.g. FSSPEC_S3_ENDPOINT_URL and AWS_*). The flows and the CLI read
COPYDESK_LAKE and pass it in as `lake=`; nothing here reads settings. On a local disk a file is written
under a temporary name, fsynced and renamed; on an object store a file is one upload, and an object is
visible only once its upload completes. A file that exists under its final name is complete; the loader
records each loaded file in the same transaction as its rows, so a crash at any point leaves either a loaded
file or a pending one that the next load picks up.
"""

import json
import os
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path, PurePosixPath

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from copydesk.tasks.models import Article, Failure
from copydesk.tasks.signing import (
    SIGNATURE_COLUMNS,
    SignatureKey,
    TextSignature,
    signature_key,
    signature_table,
)

TS = pa.timestamp("us", tz="UTC")

_ARTICLE_FIELDS = pa.schema(
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
# the columns that are Article fields as they are (date_candidates is stored as JSON)
_MODEL_COLUMNS = set(Article.model_fields) - {"date_candidates"}
# after those, the text's story-matching signature made by the extraction worker (tasks/signing.py); the
# loader keeps it in core.signatures / lsh_bands / sentence_keys, not in core.articles
ARTICLE_SCHEMA = pa.schema(
    [*_ARTICLE_FIELDS, *((name, kind) for name, (_, kind) in SIGNATURE_COLUMNS.items())]
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
        ("prefect_flow_run_id", pa.string()),
        (
            "outlet_counts",
            pa.list_(
                pa.struct([("outlet_id", pa.string()), ("discovered", pa.int32()), ("new", pa.int32())])
            ),
        ),
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


def lake_url(warehouse: Path, *, lake: str | None = None) -> str:
    """Where the warehouse's lake lives: `lake` (Settings.lake, COPYDESK_LAKE) when given, else
    <warehouse>/lake. Every function here takes the same `lake`, read at the edge by the caller."""
    return lake or str(warehouse / "lake")


def lake_fs(warehouse: Path, *, lake: str | None = None) -> tuple[fsspec.AbstractFileSystem, str]:
    """(file system, root path on it) of the warehouse's lake; fsspec caches the file system instances."""
    fs, root = fsspec.core.url_to_fs(lake_url(warehouse, lake=lake))
    return fs, root.rstrip("/")


def is_local(fs: fsspec.AbstractFileSystem) -> bool:
    return isinstance(fs, LocalFileSystem)


def file_path(warehouse: Path, table: str, run_id: str, name: str, *, lake: str | None = None) -> str:
    """Path, on the lake's file system, of one file of one run of one table."""
    return f"{lake_fs(warehouse, lake=lake)[1]}/{table}/run={run_id}/{name}"


def write_file(
    warehouse: Path, table: str, run_id: str, name: str, data: pa.Table, *, lake: str | None = None
) -> str:
    """Write one lake file so that it is never visible incomplete; returns its path on the lake."""
    fs, _ = lake_fs(warehouse, lake=lake)
    path = file_path(warehouse, table, run_id, name, lake=lake)
    if is_local(fs):
        return str(write_atomic(data, Path(path)))
    # an object store has no rename; an object appears only when its single upload completes
    with fs.open(path, "wb") as handle:
        pq.write_table(data, handle, compression="zstd")
    return path


def article_rows(
    articles: Iterable[Article],
    discovered: dict[str, tuple[str, str]],
    run_id: str,
    signatures: dict[SignatureKey, TextSignature] | None = None,
) -> pa.Table:
    """Arrow table of articles; discovered maps article_id -> (discovered url, via), signatures
    signature_key(article) -> the signature of its text (an article without one is signed by the loader)."""
    signatures = signatures or {}
    articles = list(articles)
    # column by column from the attributes: a model_dump per article was most of a batch's lake write
    names = [name for name in _ARTICLE_FIELDS.names if name in _MODEL_COLUMNS]
    columns: dict[str, list] = {name: [getattr(art, name) for art in articles] for name in names}
    columns["date_candidates"] = [
        json.dumps(
            [
                {"source": c.source, "value": c.value.astimezone(UTC).isoformat(), "role": c.role}
                for c in art.date_candidates
            ]
        )
        for art in articles
    ]
    found = [discovered.get(art.article_id, (art.fetched_url, None)) for art in articles]
    columns["discovered_url"] = [url for url, _ in found]
    columns["discovered_via"] = [via for _, via in found]
    columns["run_id"] = [run_id] * len(articles)
    table = pa.Table.from_pydict(columns, schema=_ARTICLE_FIELDS)
    signed = signature_table([signatures.get(signature_key(art)) for art in articles])
    for name in signed.column_names:
        table = table.append_column(name, signed[name])
    return table


def write_batch(
    warehouse: Path,
    run_id: str,
    name: str,
    articles: list[Article],
    discovered: dict[str, tuple[str, str]],
    signatures: dict[SignatureKey, TextSignature],
    failures: list[Failure],
    *,
    lake: str | None = None,
) -> None:
    """One batch's lake files under `name`: its articles (with their signatures) and its failures, if any."""
    if articles:
        rows = article_rows(articles, discovered, run_id, signatures)
        write_file(warehouse, "articles", run_id, name, rows, lake=lake)
    if failures:
        write_file(warehouse, "failures", run_id, name, failure_rows(failures, run_id), lake=lake)


def failure_rows(failures: Iterable[Failure], run_id: str) -> pa.Table:
    """Arrow table of failures."""
    rows = [f.model_dump(include=set(FAILURE_SCHEMA.names)) | {"run_id": run_id} for f in failures]
    return pa.Table.from_pylist(rows, schema=FAILURE_SCHEMA)


def staging_path(warehouse: Path, name: str) -> Path:
    """A file that is not part of the lake until promote() moves it in (never read by the loader)."""
    return warehouse / "state" / "staging" / name


def promote(
    staged: Path, warehouse: Path, table: str, run_id: str, name: str, *, lake: str | None = None
) -> str:
    """Move a staged local file into the lake: a rename on a local lake, an upload (then delete) elsewhere."""
    fs, _ = lake_fs(warehouse, lake=lake)
    path = file_path(warehouse, table, run_id, name, lake=lake)
    if is_local(fs):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, path)
    else:
        fs.put_file(str(staged), path)
        staged.unlink()
    return path


def write_atomic(table: pa.Table, path: Path) -> Path:
    """Write a local Parquet file under a temporary name, fsync it, then rename it into place."""
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


def complete_files(warehouse: Path, table: str, *, lake: str | None = None) -> list[str]:
    """Every complete file of a table, oldest run first (temporary files are never listed)."""
    fs, root = lake_fs(warehouse, lake=lake)
    fs.invalidate_cache()  # listings are cached per file system instance; other processes add files
    found = fs.glob(f"{root}/{table}/run=*/*.parquet")
    return sorted(p for p in found if not PurePosixPath(p).name.startswith("."))


def relative(warehouse: Path, path: str, *, lake: str | None = None) -> str:
    """A lake file's name in loaded_files: "lake/<table>/run=<id>/<part>", wherever the lake is."""
    return relative_names(warehouse, [path], lake=lake)[0]


def relative_names(warehouse: Path, paths: list[str], *, lake: str | None = None) -> list[str]:
    """relative() of each path, the lake found once."""
    _, root = lake_fs(warehouse, lake=lake)
    return [f"lake/{PurePosixPath(path).relative_to(root).as_posix()}" for path in paths]


def run_id_of(path: str) -> str:
    return PurePosixPath(path).parent.name.removeprefix("run=")


def local_copies(warehouse: Path, paths: list[str], cache: Path, *, lake: str | None = None) -> list[Path]:
    """The files as local paths DuckDB can read: themselves on a local lake, else downloaded into cache.

    DuckDB reads object stores only through extensions it downloads at run time (httpfs), so the one loader
    copies the pending files of a load to local disk instead; they are deleted after the load.
    """
    fs, root = lake_fs(warehouse, lake=lake)
    if is_local(fs):
        return [Path(p) for p in paths]
    local = [cache / PurePosixPath(p).relative_to(root) for p in paths]
    if paths:
        fs.get(paths, [str(p) for p in local])
    return local


def quarantine(warehouse: Path, table: str, path: str, *, lake: str | None = None) -> str:
    """Move an unreadable lake file under <lake>/quarantine/; returns where it went."""
    fs, root = lake_fs(warehouse, lake=lake)
    target = f"{root}/quarantine/{table}/{PurePosixPath(path).parent.name}/{PurePosixPath(path).name}"
    if is_local(fs):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    else:
        fs.mv(path, target)
    return target
