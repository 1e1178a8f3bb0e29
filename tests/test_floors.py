"""The house's floors hold: the pure floor (tasks/) imports nothing of the warehouse, the flows or Prefect,
and the warehouse imports the pure floor only, never the flows or Prefect (README, Architecture).

Imports are read from the source (every `import`, at any depth of the code, relative ones resolved), so a
lazy import inside a function counts as much as one at the top of a module.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# repository folder -> its installed package name
PACKAGES = {"tasks": "copydesk.tasks", "warehouse": "copydesk.warehouse", "flows": "copydesk.flows"}
# what each floor may import of copydesk; third-party modules it must never import
ALLOWED = {
    "tasks": ("copydesk.tasks",),
    "warehouse": ("copydesk.tasks", "copydesk.warehouse"),
}
FORBIDDEN_THIRD_PARTY = ("prefect", "prefect_dask", "dask", "distributed")


def module_name(path: Path) -> str:
    """The installed name of a repository file: tasks/extract/text.py is copydesk.tasks.extract.text."""
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    parts = [PACKAGES.get(folder, folder), *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module the source imports, at any depth, relative imports resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            # `from copydesk import flows` imports copydesk.flows: count each name as a possible submodule
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def floor_violations(imported: set[str], floor: str) -> set[str]:
    """What a module of `floor` may not import: orchestration packages, or copydesk above its floor."""
    bad = {n for n in imported if _under(n, FORBIDDEN_THIRD_PARTY)}
    ours = {n for n in imported if _under(n, ("copydesk",)) and n != "copydesk"}
    return bad | {n for n in ours if not _under(n, ALLOWED[floor])}


def _modules(floor: str) -> list[Path]:
    return sorted((ROOT / floor).rglob("*.py"))


def _check(path: Path, floor: str) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return floor_violations(imports_of(source, module_name(path), path.name == "__init__.py"), floor)


def test_each_floor_has_modules_to_check() -> None:
    # a glob that found nothing would make the tests below pass vacuously
    assert len(_modules("tasks")) >= 20
    assert len(_modules("warehouse")) >= 5


@pytest.mark.parametrize("path", _modules("tasks"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pure_floor_imports_no_warehouse_flows_or_prefect(path: Path) -> None:
    assert not _check(path, "tasks"), f"{path.relative_to(ROOT)} is on the pure floor"


@pytest.mark.parametrize("path", _modules("warehouse"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_warehouse_imports_only_the_pure_floor(path: Path) -> None:
    assert not _check(path, "warehouse"), f"{path.relative_to(ROOT)} is the persistence floor"


def test_the_loopback_web_imports_nothing_of_the_pipeline() -> None:
    # the demo, the tests and the benchmarks serve their webs with it: it must not drag the pipeline in
    imported = imports_of(
        (ROOT / "copydesk" / "loopback.py").read_text(encoding="utf-8"), "copydesk.loopback"
    )
    assert not {n for n in imported if _under(n, ("copydesk", *FORBIDDEN_THIRD_PARTY))}


@pytest.mark.parametrize(
    ("source", "floor", "expected"),
    [
        ("from copydesk.warehouse import store", "tasks", {"copydesk.warehouse", "copydesk.warehouse.store"}),
        ("def f():\n    import prefect.artifacts\n", "tasks", {"prefect.artifacts"}),
        (
            "from ..flows.execution import Ahead",
            "tasks",
            {"copydesk.flows.execution", "copydesk.flows.execution.Ahead"},
        ),
        ("from copydesk import flows", "warehouse", {"copydesk.flows"}),
        (
            "from prefect_dask import DaskTaskRunner",
            "warehouse",
            {"prefect_dask", "prefect_dask.DaskTaskRunner"},
        ),
        ("from copydesk.tasks.models import Article\nfrom . import dedupe", "tasks", set()),
        ("from copydesk.warehouse import lake", "warehouse", set()),
    ],
    ids=["absolute", "lazy", "relative", "package-attribute", "dask", "allowed-tasks", "allowed-warehouse"],
)
def test_the_check_sees_what_a_module_imports(source: str, floor: str, expected: set[str]) -> None:
    imported = imports_of(source, f"{PACKAGES[floor]}.some_module")
    assert floor_violations(imported, floor) == expected


def settings_reads(source: str) -> set[str]:
    """Where a module reads settings itself: get_settings, os.environ or os.getenv, at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        # a name, an imported name or an attribute: `get_settings`, `settings.get_settings`, `os.environ`
        name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", None)
        if isinstance(node, ast.Name | ast.alias | ast.Attribute) and name == "get_settings":
            found.add("get_settings")
        elif isinstance(node, ast.Attribute) and name in ("environ", "getenv"):
            found.add(f"os.{name}")
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in _modules("tasks") + _modules("warehouse") if p != ROOT / "tasks" / "settings.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_settings_are_read_at_the_edge_not_on_the_lower_floors(path: Path) -> None:
    # tasks/settings.py is the only reader of the environment; the flows and the CLI pass values in
    assert not settings_reads(path.read_text(encoding="utf-8")), f"{path.relative_to(ROOT)} reads settings"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from copydesk.tasks.settings import get_settings\n", {"get_settings"}),
        ("def f():\n    return settings_module.get_settings().lake\n", {"get_settings"}),
        ("def f():\n    return get_settings().lake\n", {"get_settings"}),
        ("import os\nX = os.environ.get('A')\n", {"os.environ"}),
        ("import os\ndef f():\n    return os.getenv('A')\n", {"os.getenv"}),
        ("from copydesk.tasks.settings import Settings\n", set()),
    ],
    ids=["import", "through-the-module", "call", "environ", "getenv", "type-only"],
)
def test_the_settings_check_sees_reads(source: str, expected: set[str]) -> None:
    assert settings_reads(source) == expected
