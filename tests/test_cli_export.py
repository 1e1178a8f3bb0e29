"""`copydesk export`: the deduplicated corpus (a row per story) or every article, filtered by day and outlet,
to Parquet or JSON Lines, equal to the SQL the README gives for it."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from copydesk.flows.export import export_params, export_query
from tests.terminal import cli_env, run_copydesk, run_in_pty, screen_lines

COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def _export(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_copydesk(work, "export", "-w", "data/demo", *args)


def _rows(work: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(work / "data" / "demo" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_by_default_one_row_per_story_with_the_original_and_its_outlets(
    demo_workdir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "corpus.parquet"
    done = _export(demo_workdir, "--output", str(out))
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    stories = _rows(
        demo_workdir, "select story_id, original_article_id, outlet_ids from stories order by story_id"
    )
    assert f"wrote {len(stories)} stories" in done.stderr
    got = sorted(
        zip(
            table["story_id"].to_pylist(),
            table["original_article_id"].to_pylist(),
            table["outlet_ids"].to_pylist(),
            strict=True,
        )
    )
    assert got == [(s, a, list(o)) for s, a, o in stories]
    assert str(table.schema.field("outlet_ids").type) == "list<element: string>"
    # the text is the original's, never a copy's
    originals = dict(_rows(demo_workdir, "select article_id, text from articles where is_original"))
    for article_id, text in zip(
        table["original_article_id"].to_pylist(), table["text"].to_pylist(), strict=True
    ):
        assert originals[article_id] == text
    assert max(len(o) for o in table["outlet_ids"].to_pylist()) > 1  # some story was carried by several


def test_articles_window_and_outlet_filters_to_json_lines(demo_workdir: Path, tmp_path: Path) -> None:
    everything = _export(demo_workdir, "--articles", "--output", str(tmp_path / "all.jsonl"))
    assert everything.returncode == 0, everything.stderr
    (n_articles,) = _rows(demo_workdir, "select count(*) from articles")[0]
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == n_articles
    out = tmp_path / "newsgrid.jsonl"
    args = ("--articles", "--outlet", "newsgrid", "--start", "2025-06-17", "--end", "2025-06-17")
    done = _export(demo_workdir, *args, "--output", str(out))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = _rows(
        demo_workdir,
        "select article_id from articles where outlet_id = 'newsgrid' "
        "and timezone('UTC', published_at)::date = date '2025-06-17' order by all",
    )
    assert records and sorted(r["article_id"] for r in records) == [a for (a,) in expected]
    assert all(r["outlet_id"] == "newsgrid" and r["published_at"].startswith("2025-06-17") for r in records)
    assert len(records) < n_articles


def test_the_command_equals_the_documented_sql(demo_workdir: Path, tmp_path: Path) -> None:
    out = tmp_path / "stories.jsonl"
    done = _export(demo_workdir, "--outlet", "northfield", "--start", "2025-06-16", "--output", str(out))
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["story_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    from datetime import date

    documented = _rows(
        demo_workdir, export_query(False), export_params(date(2025, 6, 16), None, ["northfield"])
    )
    assert ids and ids == [row[0] for row in documented]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "warehouse/export.sql" in readme and "list_has_any(s.outlet_ids" in readme


def test_bad_requests_exit_2_and_write_nothing(demo_workdir: Path, tmp_path: Path) -> None:
    csv_out = _export(demo_workdir, "--output", str(tmp_path / "corpus.csv"))
    assert csv_out.returncode == 2 and ".parquet" in csv_out.stderr
    backwards = _export(
        demo_workdir, "--start", "2025-06-18", "--end", "2025-06-16", "--output", str(tmp_path / "c.jsonl")
    )
    assert backwards.returncode == 2 and "before" in backwards.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_terminal_sees_the_export_progress(demo_workdir: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.parquet"
    status, raw = run_in_pty(
        [COPYDESK, "export", "-w", "data/demo", "--output", str(out)], cwd=demo_workdir, env=cli_env()
    )
    assert status == 0, raw
    lines = screen_lines(raw)
    assert any(line.startswith("exporting stories") for line in lines), lines
    assert any(line.startswith("wrote ") and "stories" in line for line in lines)
    assert pq.read_table(out).num_rows > 0
