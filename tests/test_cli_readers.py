"""Readers never create a warehouse, and README's query commands work as written after `copydesk demo`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def _tree(root: Path) -> list[str]:
    """Every path under root, relative, sorted: what a command must leave as it found it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["sql", "select 1"], id="sql-default-dir"),
        pytest.param(["sql", "-w", "typo-dir", "select 1"], id="sql-mistyped-dir"),
        pytest.param(["sql", "-w", ".", "select 1"], id="sql-dir-without-warehouse"),
        pytest.param(["export", "--output", "corpus.parquet"], id="export-default-dir"),
        pytest.param(["export", "-w", "typo-dir", "--output", "corpus.jsonl"], id="export-mistyped-dir"),
    ],
)
def test_a_reader_of_a_missing_warehouse_exits_2_and_creates_nothing(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a user's own file\n", encoding="utf-8")
    before = _tree(tmp_path)
    done = subprocess.run(
        [COPYDESK, *args], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    looked = "typo-dir" if "typo-dir" in args else ("data" if "." not in args else "")
    assert f"no warehouse in {(tmp_path / looked).resolve()}" in done.stderr
    assert "copydesk ingest" in done.stderr and "copydesk demo" in done.stderr
    assert done.stdout == ""
    assert _tree(tmp_path) == before


def test_a_missing_warehouse_points_at_the_demo_warehouse_when_there_is_one(demo_workdir: Path) -> None:
    done = subprocess.run(
        [COPYDESK, "sql", "select 1"],
        cwd=demo_workdir,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "add `-w data/demo`" in done.stderr
    assert not (demo_workdir / "data" / "warehouse.duckdb").exists()
    assert not (demo_workdir / "data" / "state").exists()


def _readme_block(heading: str) -> list[str]:
    """The command lines of the first ```sh block under a README heading."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, heading
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_query_commands_work_as_written_after_the_demo(demo_workdir: Path) -> None:
    lines = _readme_block("## Query the warehouse")
    assert len(lines) >= 4
    for line in lines:
        command = line.replace(".venv/bin/copydesk", COPYDESK)
        done = subprocess.run(
            ["bash", "-c", command], cwd=demo_workdir, env=_env(), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (line, done.stderr)
        assert "0 row(s)" not in done.stdout, line
    assert len((demo_workdir / "stories.csv").read_text(encoding="utf-8").splitlines()) > 5
    assert (demo_workdir / "stories.parquet").stat().st_size > 0
    # reading created no warehouse of its own in the default directory
    assert not (demo_workdir / "data" / "warehouse.duckdb").exists()
