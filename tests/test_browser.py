"""A backfill started from the Prefect UI in a real headless chromium, as a user does it.

Deployments → backfill → Run → Custom run, dates picked in the form's date pickers, Submit; the run must
complete and the warehouse hold the window's articles. Then what an operator sees of it: copydesk's own log
lines in the day run's Logs tab, the per-outlet table artifact, the window summary on the parent run. Uses
Debian's chromium (`/usr/bin/chromium`, which .ci/run installs) through Python playwright; no browser is
downloaded.
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
                for day in ("2025-06-14", "2025-06-16"):  # start, end
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

        # the run starts under the name typed in the form, then takes the warehouse run_id as its name
        mine = {"deployments": {"id": {"any_": [deployment["id"]]}}}
        deadline = time.monotonic() + 30
        while not (runs := api.post("/flow_runs/filter", mine)):
            assert time.monotonic() < deadline, "the UI created no run"
            time.sleep(0.5)
        run = api.wait_run(runs[0]["id"], log)
        assert run["state_type"] == "COMPLETED", run["state"]
        assert run["deployment_id"] == deployment["id"]
        assert (run["parameters"]["start"], run["parameters"]["end"]) == ("2025-06-14", "2025-06-16")
        assert run["name"].endswith("Z-backfill")
        see_what_an_operator_sees(chromium, api, ui, run["id"], run["name"], tmp_path)
    assert_window(warehouse, web.server.base_url, date(2025, 6, 14), date(2025, 6, 16))


def see_what_an_operator_sees(
    chromium: Path, api: Api, ui: str, parent_id: str, parent_name: str, tmp_path: Path
) -> None:
    """The backfill's day run shows copydesk's own lines in its Logs tab and the per-outlet table; the parent
    shows the window summary. Screenshots go to tmp_path, and to COPYDESK_UI_SCREENSHOTS when it names a
    directory (deploy/screenshots is refreshed that way)."""
    from playwright.sync_api import expect, sync_playwright

    days = [
        r
        for r in api.post("/flow_runs/filter", {"flows": {"name": {"any_": ["backfill-day"]}}})
        if r["parameters"]["day"] == "2025-06-16"
    ]
    day = days[0]
    day_artifacts = {
        a["key"]: a
        for a in api.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [day["id"]]}}})
    }
    parent_artifacts = {
        a["key"]: a
        for a in api.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [parent_id]}}})
    }
    shots = [tmp_path]
    if os.environ.get("COPYDESK_UI_SCREENSHOTS"):
        shots.append(Path(os.environ["COPYDESK_UI_SCREENSHOTS"]))

    def snap(page: object, name: str) -> None:
        for folder in shots:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / name))  # type: ignore[attr-defined]

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            # the day run's Logs tab: copydesk's per-outlet lines, as an operator reads them
            page.goto(f"{ui}/runs/flow-run/{day['id']}")
            expect(page.get_by_text("links discovered").first).to_be_visible(timeout=60_000)
            harbor = page.get_by_text("outlet harbor:").first
            expect(harbor).to_be_visible()
            harbor.evaluate("line => line.scrollIntoView({block: 'center'})")
            snap(page, "run-logs.png")
            # the per-outlet table artifact: discovered / new / copies / failed
            page.goto(f"{ui}/artifacts/artifact/{day_artifacts['backfill-day-outlets']['id']}")
            for column in ("outlet", "discovered", "new", "copies", "failed", "harbor"):
                expect(page.get_by_text(column, exact=True).first).to_be_visible(timeout=60_000)
            snap(page, "outlet-table.png")
            # the parent run's window summary, a line per day, links back to the parent run
            page.goto(f"{ui}/artifacts/artifact/{parent_artifacts['backfill-window']['id']}")
            expect(page.get_by_text("backfill 2025-06-14..2025-06-16").first).to_be_visible(timeout=60_000)
            expect(page.get_by_text("2025-06-16", exact=True).first).to_be_visible()
            expect(page.get_by_text("days without links (no subflow run, no load): 2").first).to_be_visible()
            expect(page.get_by_text(parent_name).first).to_be_visible()
            snap(page, "window-summary.png")
        except Exception:
            page.screenshot(path=str(tmp_path / "operator-ui.png"), full_page=True)
            raise
        finally:
            browser.close()
