"""A backfill started from the Prefect UI in a real headless chromium, as a user does it.

Deployments → backfill → Run → Custom run, dates picked in the form's date pickers, Submit; the run must
complete and the warehouse hold the window's articles. Uses Debian's chromium (`/usr/bin/chromium`, which
.ci/run installs) through Python playwright; no browser is downloaded.
"""

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ServedWeb, prefect_env, prefect_server_process, running
from tests.test_deploy import (
    BACKFILL,
    BIN,
    INGEST,
    Api,
    assert_window,
)

pytestmark = [pytest.mark.server, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def install_chromium() -> str:
    """Install Debian's chromium when it is missing and we may (root, apt-get); returns what went wrong."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "not root or no apt-get, so chromium cannot be installed here"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(cmd)} failed: {(done.stdout + done.stderr)[-1000:]}"
    return ""


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        problem = install_chromium()
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} is not installed and could not be: {problem}")
    return CHROMIUM


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of our own: the UI finds its API through PREFECT_UI_API_URL, which the shared one lacks."""
    with prefect_server_process(tmp_path_factory.mktemp("ui-prefect")) as api:
        yield api


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedWeb]:
    from copydesk.loopback import serve_sites
    from tests.conftest import SITES, render_outlets

    with serve_sites(SITES) as server:
        target = tmp_path_factory.mktemp("browser-web") / "outlets.yaml"
        yield ServedWeb(server, render_outlets(SITES / "outlets.yaml", server.base_url, target))


def test_custom_run_from_the_ui_backfills_the_window(
    chromium: Path, ui_server: str, web: ServedWeb, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    api = Api(ui_server)
    warehouse = tmp_path / "warehouse"
    log = tmp_path / "serve.log"
    # a daily schedule twelve hours away: no ingest comes due while the test runs
    later = datetime.now(ZoneInfo("UTC")) + timedelta(hours=12)
    cmd = [
        str(BIN / "copydesk"),
        "serve",
        "--outlets",
        str(web.outlets),
        "--warehouse",
        str(warehouse),
        "--cron",
        f"{later.minute} {later.hour} * * *",
    ]
    run_name = f"ui-backfill-{uuid.uuid4().hex[:8]}"
    with running(cmd, prefect_env(ui_server, tmp_path / "home"), log) as serve:
        api.wait_deployment(INGEST, serve, log)
        deployment = api.wait_deployment(BACKFILL, serve, log)
        ui = ui_server.removesuffix("/api")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{ui}/deployments/deployment/{deployment['id']}")
                page.get_by_role("button", name="Run", exact=True).click()
                page.get_by_text("Custom run", exact=True).click()
                page.get_by_text("First day of the window").wait_for()
                run_name_input = page.locator("input[type=text]").first
                run_name_input.fill(run_name)
                for day in ("2025-06-16", "2025-06-16"):
                    # the date picker's popover takes a typed date, then Apply
                    page.get_by_text("Select date").first.click()
                    typed = page.locator("input[type=date]")
                    typed.fill(day)
                    page.get_by_role("button", name="Apply", exact=True).click()
                    expect(typed).to_have_count(0)
                expect(page.get_by_text("Select date")).to_have_count(0)
                page.get_by_role("button", name="Submit", exact=True).click()
                # the UI goes back to the deployment page once the run is created
                page.wait_for_url(f"**/deployments/deployment/{deployment['id']}*")
            except Exception:
                page.screenshot(path=str(tmp_path / "ui.png"), full_page=True)
                raise
            finally:
                browser.close()

        deadline = time.monotonic() + 30
        while not (runs := api.post("/flow_runs/filter", {"flow_runs": {"name": {"any_": [run_name]}}})):
            assert time.monotonic() < deadline, "the UI created no run"
            time.sleep(0.5)
        run = api.wait_run(runs[0]["id"], log)
        assert run["state_type"] == "COMPLETED", run["state"]
        assert run["deployment_id"] == deployment["id"]
        assert run["parameters"]["start"] == run["parameters"]["end"] == "2025-06-16"
    assert_window(warehouse, web.server.base_url, date(2025, 6, 16), date(2025, 6, 16))
