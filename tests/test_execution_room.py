"""The execution machinery stays in its room (flows/execution): the room imports nothing of the pipeline, pure
modules never import the room, and the flows manage no processes themselves."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOM = "copydesk.flows.execution"
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


@pytest.mark.parametrize("path", sorted((ROOT / "tasks").glob("*.py")), ids=lambda p: p.name)
def test_only_the_orchestration_floor_imports_the_room(path: Path) -> None:
    names = imported(path)
    if _under(names, ROOM):
        # a module that uses the room drives the pipeline: it writes the warehouse or runs Prefect tasks
        assert _under(names, "copydesk.warehouse", "prefect"), f"{path.name} is pure and imports {ROOM}"


@pytest.mark.parametrize("name", ["ingest.py", "backfill.py"])
def test_the_flows_read_as_the_pipeline_not_as_process_management(name: str) -> None:
    names = imported(ROOT / "flows" / name)
    assert not _under(names, *PROCESS_MODULES), name
    assert not _under(names, "copydesk.tasks.batch"), name
