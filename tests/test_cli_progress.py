"""A run's progress as its user sees it: a live per-outlet display on a terminal (a real pty), plain lines
on a pipe, copydesk's own INFO lines in both, and Prefect's console lines never written into the display."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from copydesk.flows.demo import DEMO_ROOT, render_outlets
from copydesk.loopback import SiteServer, serve_sites
from tests.conftest import prefect_env
from tests.terminal import ANSI, run_in_pty, screen_lines

COPYDESK = str(Path(sys.executable).with_name("copydesk"))
PREFECT_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} \| (INFO|WARNING|ERROR) ")


@pytest.fixture(scope="module")
def demo_web() -> Iterator[SiteServer]:
    with serve_sites(DEMO_ROOT / "sites") as server:
        yield server


def _ingest_cmd(outlets: Path, warehouse: Path) -> list[str]:
    return [COPYDESK, "ingest", "--outlets", str(outlets), "-w", str(warehouse)]


def _outlets(server: SiteServer, tmp_path: Path) -> Path:
    return render_outlets(DEMO_ROOT / "outlets.yaml", server.base_url, tmp_path / "outlets.yaml")


def test_a_terminal_shows_a_live_display_and_lines_above_it(
    demo_web: SiteServer, prefect_server: str, tmp_path: Path
) -> None:
    env = prefect_env(prefect_server, tmp_path / "home")
    cmd = _ingest_cmd(_outlets(demo_web, tmp_path), tmp_path / "wh")
    status, raw = run_in_pty(cmd, cwd=tmp_path, env=env, columns=110)
    assert status == 0, raw[-3000:]
    lines = [line for line in screen_lines(raw) if line.strip()]
    # the live display: a row per outlet with pages done of new, and the totals with a rate
    for outlet in ("meridian", "minato", "newsgrid", "northfield"):
        assert any(re.match(rf"^{outlet} +\d+/\d+ +\d+ +\d+ +\d+$", line) for line in lines), outlet
    final = [line for line in lines if "pages/s" in line][-1]
    assert re.search(r"pages (\d+)/\1: \d+ fetched, \d+ extracted, \d+ failed, [\d.]+ pages/s$", final), final
    # copydesk's own INFO lines, each on a line of its own
    assert any(re.match(r"^\d\d:\d\d:\d\d INFO copydesk: discovered \d+ links", line) for line in lines)
    assert any(re.match(r"^\d\d:\d\d:\d\d INFO copydesk: \d+ new links to fetch", line) for line in lines)
    # Prefect's console lines start lines of their own: none is written into the display's last line
    prefect_lines = [line for line in lines if "| INFO    |" in line]
    assert prefect_lines, "no Prefect console line to check"
    assert all(PREFECT_LINE.match(line) for line in prefect_lines), [
        line for line in prefect_lines if not PREFECT_LINE.match(line)
    ]
    assert any(re.match(r"^loaded \d+ new articles", line) for line in lines)


def test_a_pipe_gets_plain_lines(demo_web: SiteServer, prefect_server: str, tmp_path: Path) -> None:
    env = prefect_env(prefect_server, tmp_path / "home")
    cmd = _ingest_cmd(_outlets(demo_web, tmp_path), tmp_path / "wh")
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not ANSI.search(done.stderr) and not ANSI.search(done.stdout)
    err_lines = done.stderr.splitlines()
    assert any(
        re.match(r"^\d\d:\d\d:\d\d INFO copydesk: \d+ new links to fetch$", line) for line in err_lines
    )
    batches = [line for line in err_lines if "pages/s" in line]
    assert batches and re.match(
        r"^pages (\d+)/\1: \d+ fetched, \d+ extracted, \d+ failed, [\d.]+ pages/s$", batches[-1]
    )
    assert re.match(r"^loaded \d+ new articles", done.stdout.strip())


def test_backfill_bars_are_not_garbled_by_prefect_lines(
    demo_web: SiteServer, prefect_server: str, tmp_path: Path
) -> None:
    env = prefect_env(prefect_server, tmp_path / "home")
    outlets = _outlets(demo_web, tmp_path)
    cmd = [
        COPYDESK,
        "backfill",
        "--start",
        "2025-06-16",
        "--end",
        "2025-06-18",
        "--outlets",
        str(outlets),
        "-w",
        str(tmp_path / "wh"),
    ]
    status, raw = run_in_pty(cmd, cwd=tmp_path, env=env, columns=120)
    assert status == 0, raw[-3000:]
    lines = [line for line in screen_lines(raw) if line.strip()]
    assert any(re.search(r"days \(done 2025-06-18, \d+ new articles\).* 3/3 ", line) for line in lines), (
        lines[-20:]
    )
    prefect_lines = [line for line in lines if "| INFO    |" in line]
    assert prefect_lines and all(PREFECT_LINE.match(line) for line in prefect_lines), [
        line for line in prefect_lines if not PREFECT_LINE.match(line)
    ]
    assert any(re.match(r"^\d\d:\d\d:\d\d INFO copydesk: \d+ new links to fetch", line) for line in lines)
    assert any(
        re.match(r"^backfilled 2025-06-16\.\.2025-06-18: [1-9]\d* new articles", line) for line in lines
    )
