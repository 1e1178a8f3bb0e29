"""The loader on its own: idempotence over lake files and damaged files that must not block later loads."""

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tasks.models import Failure
from warehouse import lake, load


def _failure(url: str) -> Failure:
    return Failure(
        url=url,
        outlet_id="o",
        stage="fetch",
        kind="http_error",
        error="HTTP 404",
        http_status=404,
        at=datetime.now(UTC),
    )


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_unreadable_lake_file_is_quarantined_and_recorded_and_the_rest_loads(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    good = lake.write_file(
        warehouse,
        "failures",
        "r1",
        "batch-00001.parquet",
        lake.failure_rows([_failure("http://x.test/a"), _failure("http://x.test/b")], "r1"),
    )
    damaged = Path(lake.file_path(warehouse, "articles", "r1", "batch-00001.parquet"))
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"PAR1 this is not a parquet file")

    report = load.load_pending(warehouse, holder="r2")

    assert report.files == 1 and report.failures == 3
    assert not damaged.exists()
    assert (warehouse / "lake" / "quarantine" / "articles" / "run=r1" / "batch-00001.parquet").exists()
    rows = _rows(warehouse, "SELECT url, stage, kind FROM failures WHERE stage = 'load'")
    assert rows == [(lake.relative(warehouse, str(damaged)), "load", "corrupt_lake_file")]
    assert _rows(warehouse, "SELECT count(*) FROM failures WHERE stage = 'fetch'") == [(2,)]
    assert _rows(warehouse, "SELECT path FROM core.loaded_files") == [(lake.relative(warehouse, good),)]

    again = load.load_pending(warehouse, holder="r3")
    assert (again.files, again.failures) == (0, 0)
    assert _rows(warehouse, "SELECT count(*) FROM failures") == [(3,)]
