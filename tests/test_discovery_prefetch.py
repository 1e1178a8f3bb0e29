"""Discovery started ahead by the CLI (flows/discovery_run.py): used only for the question it answered, and a
`copydesk ingest` reads each feed and sitemap once, not once ahead and once in the flow.

The prefetch forks, which it does only from a single-threaded process; pytest's process has threads (the site
server's), so the unit checks run in a child interpreter.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bench.synweb import generate_web, render_outlets
from copydesk.loopback import serve_sites
from tests.conftest import REPO, ServedWeb

COPYDESK = str(Path(sys.executable).with_name("copydesk"))

CHECKS = r"""
import json, sys, threading
from copydesk.flows import discovery_run as discovery
from copydesk.tasks.outlets import load_outlets
from copydesk.tasks.settings import get_settings

outlets, warehouse = sys.argv[1], sys.argv[2]
settings = get_settings(outlets=outlets, warehouse=warehouse)
config = load_outlets(settings.outlets)
wh = settings.warehouse
previous = discovery.previous_states(wh, config)
out = {}

def urls(found):
    return sorted(link.url for link in found.links) if found else None

call = discovery.prefetch_discovery(config, settings, wh)
assert call is not None
# the CLI's zygote start waits for the answer; waiting must leave it for the flow to take
out["waited"] = call.ready(60)
out["same_question"] = urls(discovery.take_prefetched(config, settings, wh, None, previous))
out["in_process"] = urls(discovery.discover_all(config, settings, None, previous))
out["taken_twice"] = urls(discovery.take_prefetched(config, settings, wh, None, previous))

other = get_settings(outlets=outlets, warehouse=warehouse, user_agent="another-agent/1.0")
assert discovery.prefetch_discovery(config, settings, wh)
out["other_settings"] = urls(discovery.take_prefetched(config, other, wh, None, previous))

assert discovery.prefetch_discovery(config, settings, wh)
changed = {config.outlets[0].id: {}}
out["other_source_state"] = urls(discovery.take_prefetched(config, settings, wh, None, changed))

def broken(*args, **kwargs):
    raise RuntimeError("feeds unreachable")

discovery.discover_all = broken  # the forked child inherits the broken function
assert discovery.prefetch_discovery(config, settings, wh)
out["failed_child"] = urls(discovery.take_prefetched(config, settings, wh, None, previous))

threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
out["started_with_threads"] = discovery.prefetch_discovery(config, settings, wh) is not None
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedWeb]:
    root = tmp_path_factory.mktemp("prefetchweb")
    generate_web(root, n_stories=24, runs=1, seed=5)
    with serve_sites(root / "sites") as server:
        yield ServedWeb(server, render_outlets(root, server.base_url))


def _source_requests(requests: list[str]) -> Counter[str]:
    return Counter(path for path in requests if not path.endswith(".html") and path != "/robots.txt")


def test_a_prefetch_is_taken_only_for_its_own_question(web: ServedWeb, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, str(web.outlets), str(tmp_path / "wh")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["waited"] is True
    assert out["same_question"] == out["in_process"]
    assert len(out["same_question"]) > 24
    assert out["taken_twice"] is None
    assert out["other_settings"] is None
    assert out["other_source_state"] is None
    assert out["failed_child"] is None
    assert "discovery started ahead failed (RuntimeError: feeds unreachable)" in done.stderr
    assert "Traceback" not in done.stderr
    assert out["started_with_threads"] is False


def test_ingest_reads_each_feed_and_sitemap_once(web: ServedWeb, prefect_server: str, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "COPYDESK_EXTRACT_WORKERS": "2"}
    sources: list[Counter[str]] = []
    # the console script, then `python -m` (the bench's way), whose workers re-run the main module
    for command in ([COPYDESK], [sys.executable, "-m", "copydesk"]):
        web.server.requests.clear()
        done = subprocess.run(
            [*command, "ingest", "--outlets", str(web.outlets), "--warehouse", str(warehouse)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        sources.append(_source_requests(list(web.server.requests)))
    # the first run reads every source in full, the second conditionally on the state the first recorded:
    # both only once, so the flow took what the CLI discovered ahead
    assert sources[0] and set(sources[0].values()) == {1}
    assert sources[1] == sources[0]
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        runs = con.execute("SELECT discovered, new FROM runs ORDER BY started_at").fetchall()
        states = con.execute("SELECT count(*) FROM core.source_state").fetchone()[0]
    finally:
        con.close()
    assert runs[0][0] > 0 and runs[0][1] > 0
    assert runs[1][1] == 0
    assert states == sum(sources[0].values())
