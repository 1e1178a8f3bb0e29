"""An outlet degrades over real runs, and the warehouse and a real Prefect server see it.

A copy of the fixture outlet `harbor` is served from a temporary directory and kept alive: before each run
the test publishes three new articles (our own generated text in harbor's page template) and rewrites its
RSS feed. After four healthy runs its template changes (bodies shrink to one paragraph), then its feed
starts answering 500. Each run is a `copydesk ingest` process against the session's `prefect server`; the
test reads the `outlet_health` rows from the warehouse and the `copydesk.outlet.degraded` events from the
server's event feed (/api/events/filter).
"""

import random
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from copydesk.loopback import SiteServer, serve_sites
from tests.conftest import BIN, REPO, SITES, prefect_env
from tests.test_deploy import Api
from tests.test_operator import artifacts, copydesk, query, table

pytestmark = pytest.mark.server

TEMPLATE = SITES / "harbor" / "2025" / "06" / "17" / "port-alder-ferry-fares-frozen-through-2026.html"
TEMPLATE_TITLE = "Port Alder ferry fares frozen through 2026 after state grant"
TEMPLATE_PATH = "/harbor/2025/06/17/port-alder-ferry-fares-frozen-through-2026.html"
BODY = re.compile(r'(<div class="article-body">).*?(</div>\s*<footer class="article-footer">)', re.S)
WORDS = str.split(
    "harbor council ferry tide island budget crew dock vessel pilot grant school bridge rain salmon creek "
    "market festival library clinic road transit fare union election survey storm season plan audit report "
    "shore permit cargo marina inspector lighthouse channel mayor district hearing vote neighbors volunteers"
)


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(3))


class LiveOutlet:
    """harbor copied to a temporary site root, publishing new articles run after run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(SITES / "harbor", root / "harbor")
        self.template = TEMPLATE.read_text(encoding="utf-8")
        self.items: list[str] = []
        self.rng = random.Random(23)

    def publish(self, run: int, count: int = 3, paragraphs: int = 6) -> None:
        """count new articles of `paragraphs` paragraphs each, listed first in a rewritten feed."""
        for i in range(count):
            slug = f"live-{run:02d}-{i}"
            title = f"{sentence(self.rng)[:60].rstrip('.')} ({run}-{i})"
            body = "".join(f"\n      <p>{paragraph(self.rng)}</p>" for _ in range(paragraphs))
            page = BODY.sub(lambda m, body=body: f"{m.group(1)}{body}\n      {m.group(2)}", self.template)
            page = page.replace(TEMPLATE_TITLE, title).replace(TEMPLATE_PATH, f"/harbor/live/{slug}.html")
            (self.root / "harbor" / "live").mkdir(exist_ok=True)
            (self.root / "harbor" / "live" / f"{slug}.html").write_text(page, encoding="utf-8")
            self.items.insert(
                0,
                f"<item><title>{title}</title><link>{{{{BASE}}}}/harbor/live/{slug}.html</link>"
                f'<guid isPermaLink="false">{slug}</guid>'
                f"<pubDate>Tue, 17 Jun 2025 {8 + run:02d}:{10 + i:02d}:00 -0700</pubDate>"
                "<dc:creator>Eleanor Marsh</dc:creator></item>",
            )
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            "<title>The Harbor Times</title><link>{{BASE}}/harbor/</link><description>News</description>"
            + "".join(self.items)
            + "</channel></rss>\n"
        )
        (self.root / "harbor" / "rss.xml").write_text(feed, encoding="utf-8")

    def break_feed(self) -> None:
        """The feed starts answering 500."""
        (self.root / "harbor" / "rss.xml.headers").write_text("Status: 500\n", encoding="utf-8")


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[tuple[LiveOutlet, SiteServer, Path]]:
    outlet = LiveOutlet(tmp_path / "web")
    with serve_sites(tmp_path / "web") as server:
        outlets = tmp_path / "outlets.yaml"
        outlets.write_text(
            "allow_private_addresses: true\noutlets:\n  - id: harbor\n"
            f"    homepage: {server.base_url}/harbor/\n    site_prefix: {server.base_url}/harbor/\n"
            f"    language: en\n    feeds: [{server.base_url}/harbor/rss.xml]\n",
            encoding="utf-8",
        )
        yield outlet, server, outlets


def degraded_events(api: Api, flow_run_ids: set[str], expected: int, timeout: float = 60) -> list[dict]:
    """The server's copydesk.outlet.degraded events related to these flow runs, once there are `expected`."""
    deadline = time.monotonic() + timeout
    while True:
        body = {"filter": {"event": {"name": ["copydesk.outlet.degraded"]}}, "limit": 50}
        found = [
            e
            for e in api.post("/events/filter", body)["events"]
            if {r["prefect.resource.id"].removeprefix("prefect.flow-run.") for r in e["related"]}
            & flow_run_ids
        ]
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(1)


def test_a_degrading_outlet_shows_in_outlet_health_and_raises_prefect_events(
    live: tuple[LiveOutlet, SiteServer, Path], prefect_server: str, tmp_path: Path
) -> None:
    outlet, _, outlets = live
    api = Api(prefect_server)
    warehouse = tmp_path / "warehouse"
    # two quiet runs in a row make an outlet quiet; a broken feed is not retried, to keep the test short
    env = prefect_env(
        prefect_server, tmp_path / "home", COPYDESK_HEALTH_QUIET_RUNS="2", COPYDESK_MAX_RETRIES="0"
    )
    args = ["ingest", "--outlets", str(outlets), "--warehouse", str(warehouse)]
    for run in range(1, 5):
        outlet.publish(run)
        copydesk(args, env)
    outlet.publish(5, paragraphs=1)  # the template change: bodies shrink to one paragraph
    copydesk(args, env)
    outlet.break_feed()
    copydesk(args, env)
    copydesk(args, env)

    rows = query(
        warehouse,
        "select run_id, prefect_flow_run_id, links_found, articles_new, median_words, failed, "
        "failures_by_kind, failure_share, hours_since_new from outlet_health where outlet_id = 'harbor' "
        "order by started_at",
    )
    assert len(rows) == 7
    new = [r[3] for r in rows]
    assert new == [3, 3, 3, 3, 3, 0, 0]
    words = [r[4] for r in rows]
    assert all(w > 200 for w in words[:4]) and words[4] < 100 and words[5] is None
    assert [r[5] > 0 for r in rows] == [False] * 5 + [True, True]
    assert rows[5][7] == 1.0 and rows[5][2] == 0
    assert sum(rows[5][6].values()) == rows[5][5]
    assert rows[6][8] >= rows[5][8] >= 0  # time since the last new article grows while it is broken
    # the report reads some runs through outlet_health_of_runs: the very rows the view gives for them
    every = query(warehouse, "select * from outlet_health order by run_id, outlet_id")
    some = [r[0] for r in rows[2:5]]
    asked = "select * from outlet_health_of_runs(?::VARCHAR[]) order by run_id, outlet_id"
    assert query(warehouse, asked, [some]) == [r for r in every if r[0] in some]

    flow_runs = [r[1] for r in rows]
    events = degraded_events(api, set(flow_runs), expected=4)
    by_run: dict[str, set[str]] = {}
    for event in events:
        assert event["resource"]["prefect.resource.id"] == "copydesk.outlet.harbor"
        [related] = [
            r["prefect.resource.id"]
            for r in event["related"]
            if r["prefect.resource.id"] in {f"prefect.flow-run.{f}" for f in flow_runs}
        ]
        by_run.setdefault(related.removeprefix("prefect.flow-run."), set()).add(
            event["resource"]["copydesk.degradation"]
        )
    assert not any(f in by_run for f in flow_runs[:4]), by_run
    assert by_run[flow_runs[4]] == {"template_changed"}
    assert by_run[flow_runs[5]] == {"failing"}
    assert by_run[flow_runs[6]] == {"failing", "quiet"}

    health = table(artifacts(api, flow_runs[4])["ingest-outlet-health"])
    assert [(r["outlet"], r["degraded"]) for r in health] == [("harbor", "template_changed")]

    # the automation deploy/README.md documents is one the server accepts, on this event
    made = subprocess.run(
        [str(BIN / "prefect"), "automation", "create", "--from-file", "deploy/automations.yaml"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    [automation] = [
        a
        for a in api.post("/automations/filter", {})
        if a["name"] == "copydesk-pause-ingest-when-an-outlet-keeps-failing"
    ]
    assert automation["trigger"]["expect"] == ["copydesk.outlet.degraded"]
    assert automation["actions"][0]["type"] == "pause-deployment"
