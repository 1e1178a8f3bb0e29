"""The lake on an object store: COPYDESK_LAKE=s3://... against a real S3 API server on 127.0.0.1 (moto).

The ingest writes every lake file to the bucket and nothing under <warehouse>/lake; the one loader copies the
pending files to local disk for DuckDB (no httpfs download) and loads the same warehouse as a local lake.
"""

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import httpx
import pytest

from copydesk.loopback import serve_sites
from copydesk.tasks.models import Failure
from copydesk.warehouse import lake, load
from tests.conftest import (
    BIN,
    SITES,
    assert_same_warehouse,
    free_port,
    render_outlets,
    running,
    warehouse_rows,
)

BUCKET = "copydesk-lake"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server on a free loopback port, stopped by its process id after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with running([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], {}, log) as proc:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield url


@pytest.fixture
def s3_lake(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[fsspec.AbstractFileSystem]:
    """An empty bucket; the S3 endpoint and credentials as a deployment would set them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "copydesk-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "copydesk-test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # what FSSPEC_S3_ENDPOINT_URL sets in a fresh process (fsspec reads its environment at import)
    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": s3_endpoint})
    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    if fs.exists(BUCKET):
        fs.rm(BUCKET, recursive=True)
    fs.mkdir(BUCKET)
    yield fs
    fs.rm(BUCKET, recursive=True)


def test_ingest_with_the_lake_on_s3_loads_the_same_warehouse(
    prefect_backend: None, s3_lake: fsspec.AbstractFileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.flows.ingest import ingest

    with serve_sites(SITES) as server:
        outlets = render_outlets(SITES / "outlets.yaml", server.base_url, tmp_path / "outlets.yaml")
        ingest(outlets=str(outlets), warehouse=str(tmp_path / "local"))
        monkeypatch.setenv("COPYDESK_LAKE", f"s3://{BUCKET}/lake")
        report = ingest(outlets=str(outlets), warehouse=str(tmp_path / "remote"))
        again = ingest(outlets=str(outlets), warehouse=str(tmp_path / "remote"))

    assert report.articles_new > 0 and again.articles_new == 0
    assert not (tmp_path / "remote" / "lake").exists()
    assert not (tmp_path / "remote" / "state" / "lake-cache").exists()
    s3_lake.invalidate_cache()
    in_bucket = {f"lake/{p.split('/lake/', 1)[1]}" for p in s3_lake.find(f"{BUCKET}/lake")}
    loaded = {path for (path,) in warehouse_rows(tmp_path / "remote", "SELECT path FROM core.loaded_files")}
    assert any(p.startswith("lake/articles/") for p in in_bucket)
    assert loaded == in_bucket
    assert_same_warehouse(tmp_path / "local", tmp_path / "remote")


def test_an_unreadable_object_is_quarantined_in_the_bucket(
    s3_lake: fsspec.AbstractFileSystem, tmp_path: Path
) -> None:
    # the warehouse's modules read no settings: the lake's URL (COPYDESK_LAKE at the CLI) is passed in
    remote = f"s3://{BUCKET}/lake"
    warehouse = tmp_path / "wh"
    failure = Failure(
        url="http://x.test/a",
        outlet_id="x",
        stage="fetch",
        kind="http_status",
        error="503",
        at=datetime.now(UTC),
    )
    good = lake.write_file(
        warehouse, "failures", "r1", "batch-00001.parquet", lake.failure_rows([failure], "r1"), lake=remote
    )
    damaged = lake.file_path(warehouse, "articles", "r1", "batch-00001.parquet", lake=remote)
    s3_lake.pipe(damaged, b"PAR1 this is not a parquet file")

    report = load.load_pending(warehouse, holder="r2", lake_at=remote)

    s3_lake.invalidate_cache()
    assert report.files == 1 and report.failures == 2
    assert not s3_lake.exists(damaged)
    assert s3_lake.exists(f"{BUCKET}/lake/quarantine/articles/run=r1/batch-00001.parquet")
    assert warehouse_rows(warehouse, "SELECT path FROM core.loaded_files") == [
        ("lake/failures/run=r1/batch-00001.parquet",)
    ]
    assert good == f"{BUCKET}/lake/failures/run=r1/batch-00001.parquet"
    assert warehouse_rows(warehouse, "SELECT url, kind FROM failures WHERE stage = 'load'") == [
        ("lake/articles/run=r1/batch-00001.parquet", "corrupt_lake_file")
    ]
