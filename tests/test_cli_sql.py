"""`copydesk sql`: the query from an argument, a file or stdin, bound parameters, results into files by
extension, and terminal tables that say what they cut and follow the terminal's width."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.terminal import cli_env, run_copydesk, run_in_pty, screen_lines

COPYDESK = str(Path(sys.executable).with_name("copydesk"))
STORIES = "select story_id, title, n_articles, outlet_ids from stories order by story_id"


def _sql(work: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_copydesk(work, "sql", "-w", "data/demo", *args, stdin=stdin)


def _json_rows(work: Path, query: str) -> list[dict]:
    done = _sql(work, "--format", "json", query)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_query_comes_from_a_file_or_stdin(demo_workdir: Path, tmp_path: Path) -> None:
    expected = _json_rows(demo_workdir, STORIES)
    assert len(expected) > 5
    query = tmp_path / "q.sql"
    query.write_text(f"-- the stories\n{STORIES};\n", encoding="utf-8")
    from_file = _sql(demo_workdir, "--format", "json", "--file", str(query))
    piped = _sql(demo_workdir, "--format", "json", stdin=STORIES)
    dash = _sql(demo_workdir, "--format", "json", "-", stdin=STORIES)
    for done in (from_file, piped, dash):
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
    both = _sql(demo_workdir, "--file", str(query), STORIES)
    assert both.returncode == 2 and "not both" in both.stderr


def test_params_are_bound_never_pasted(demo_workdir: Path) -> None:
    query = "select title from articles where outlet_id = $outlet and word_count >= $words order by title"
    done = _sql(demo_workdir, "--format", "json", "-p", "outlet=newsgrid", "--param", "words=10", query)
    assert done.returncode == 0, done.stderr
    titles = [r["title"] for r in json.loads(done.stdout)]
    assert titles and titles == [
        r["title"]
        for r in _json_rows(
            demo_workdir,
            "select title from articles where outlet_id = 'newsgrid' and word_count >= 10 order by title",
        )
    ]
    # a value that would change the query if it were pasted in is only a value
    injected = _sql(demo_workdir, "--format", "json", "-p", "outlet=x' or '1'='1", query.split(" and ")[0])
    assert injected.returncode == 0, injected.stderr
    assert json.loads(injected.stdout) == []
    unused = _sql(demo_workdir, "-p", "nobody=1", "select 1")
    assert unused.returncode == 2 and "$nobody" in unused.stderr
    missing = _sql(demo_workdir, query)
    assert missing.returncode == 1 and "outlet" in missing.stderr
    malformed = _sql(demo_workdir, "-p", "outlet", query)
    assert malformed.returncode == 2 and "NAME=VALUE" in malformed.stderr


def test_output_files_take_their_format_from_the_extension(demo_workdir: Path, tmp_path: Path) -> None:
    expected = _json_rows(demo_workdir, STORIES)
    for name in ("s.parquet", "s.csv", "s.jsonl", "s.json"):
        done = _sql(demo_workdir, "--output", str(tmp_path / name), STORIES)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "" and f"wrote {len(expected)} row(s)" in done.stderr
    table = pq.read_table(tmp_path / "s.parquet")
    assert str(table.schema.field("outlet_ids").type) == "list<element: string>"
    assert table.to_pylist() == expected
    assert [
        json.loads(line) for line in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()
    ] == expected
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == expected
    raw = (tmp_path / "s.csv").read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert [r["story_id"] for r in rows] == [r["story_id"] for r in expected]
    assert rows[0]["outlet_ids"] == ", ".join(expected[0]["outlet_ids"])
    assert not list(tmp_path.glob(".*tmp-*"))  # the files were renamed into place whole
    unknown = _sql(demo_workdir, "--output", str(tmp_path / "s.xlsx"), STORIES)
    assert unknown.returncode == 2 and ".parquet" in unknown.stderr and not (tmp_path / "s.xlsx").exists()


def test_csv_on_stdout_ends_lines_with_a_line_feed(demo_workdir: Path) -> None:
    done = subprocess.run(
        [COPYDESK, "sql", "-w", "data/demo", "--format", "csv", STORIES],
        cwd=demo_workdir,
        env=cli_env(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert b"\r\n" not in done.stdout and done.stdout.count(b"\n") > 5


def test_a_table_says_which_cells_it_cut(demo_workdir: Path) -> None:
    query = "select title, text from articles order by article_id limit 3"
    done = _sql(demo_workdir, "--max-width", "30", query)
    assert done.returncode == 0, done.stderr
    assert "…" in done.stdout
    assert "3 row(s); 3 row(s) had cells cut at 30 characters" in " ".join(done.stdout.split())
    whole = _sql(demo_workdir, "--max-width", "0", "select count(*) as n from articles")
    assert "…" not in whole.stdout and "cut" not in whole.stdout


@pytest.mark.parametrize("columns", [60, 160])
def test_table_width_follows_the_terminal(demo_workdir: Path, columns: int) -> None:
    status, raw = run_in_pty(
        [COPYDESK, "sql", "-w", "data/demo", "select title, text from articles order by article_id limit 2"],
        cwd=demo_workdir,
        env=cli_env(),
        columns=columns,
    )
    assert status == 0, raw
    lines = [line for line in screen_lines(raw) if line.strip()]
    widths = [len(line) for line in lines if line[0] in "┏┃┡│└"]
    assert widths and max(widths) <= columns
    # two 80-character cells fill a wide terminal and are folded into a narrow one
    assert max(widths) > columns * 0.8
