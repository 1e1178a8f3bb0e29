"""The execution machinery stays in its room (flows/execution): the room imports nothing of the pipeline and
the flows manage no processes themselves (that pure modules never import it: tests/test_floors.py)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROCESS_MODULES = {"multiprocessing", "concurrent", "subprocess", "threading", "gc", "signal", "os"}


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _under(names: set[str], *prefixes: str) -> set[str]:
    return {n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes)}


@pytest.mark.parametrize("path", sorted((ROOT / "flows" / "execution").glob("*.py")), ids=lambda p: p.name)
def test_the_room_imports_nothing_of_the_pipeline(path: Path) -> None:
    names = imported(path)
    assert not _under(names, "prefect", "copydesk.tasks", "copydesk.warehouse", "duckdb", "pyarrow"), path


@pytest.mark.parametrize("name", ["ingest.py", "backfill.py"])
def test_the_flows_read_as_the_pipeline_not_as_process_management(name: str) -> None:
    names = imported(ROOT / "flows" / name)
    assert not _under(names, *PROCESS_MODULES), name
    assert not _under(names, "copydesk.flows.batch"), name
