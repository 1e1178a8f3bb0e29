"""copydesk installs under one root name: a wheel built from this checkout, installed into a bare target
directory, runs beside a user's own `tasks.py` and `flows/` without either shadowing the other."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # built from a copy: setuptools writes build/ and *.egg-info into the tree it builds
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    for folder in ("copydesk", "flows", "tasks", "warehouse", "deploy"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("copydesk-*.whl")
    return built


def test_wheel_claims_only_the_copydesk_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"copydesk"}
    # the SQL, the default outlets file and the demo web travel as package data
    assert "copydesk/warehouse/schema.sql" in names
    assert "copydesk/deploy/outlets.yaml" in names
    assert "copydesk/deploy/demo/outlets.yaml" in names
    assert any(n.startswith("copydesk/deploy/demo/sites/") and n.endswith(".html") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: Apache-2.0" in zipfile.ZipFile(wheel).read(meta).decode()


def test_installed_copydesk_runs_beside_a_users_tasks_module(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp_path / "notebook"
    (work / "flows").mkdir(parents=True)
    (work / "tasks.py").write_text("USERS_OWN = True\n")
    (work / "flows" / "__init__.py").write_text("USERS_OWN = True\n")
    # the target directory first on the path: this checkout's editable install must not be what is imported
    env = {"PYTHONPATH": str(target), "PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)}
    version = subprocess.run(
        [sys.executable, "-m", "copydesk", "--version"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("copydesk ")
    probe = (
        "import tasks, flows, copydesk, copydesk.flows.demo as demo\n"
        "from copydesk.tasks.settings import bundled_outlets_file\n"
        "assert tasks.USERS_OWN and flows.USERS_OWN\n"
        "print(copydesk.__file__)\n"
        "print(bundled_outlets_file())\n"
        "print(demo.DEMO_ROOT)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    package, outlets, demo_root = (Path(line) for line in shown.stdout.split())
    assert package.is_relative_to(target)
    assert outlets.is_file() and outlets.is_relative_to(target)
    assert (demo_root / "sites").is_dir() and demo_root.is_relative_to(target)
