"""`copydesk demo-web`: the bundled demo outlets on loopback until stopped, to try serve offline."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def test_demo_web_serves_the_outlets_it_names_until_stopped(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}
    proc = subprocess.Popen(
        [COPYDESK, "demo-web"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = [proc.stdout.readline() for _ in range(2)]
        base = re.search(r"at (http://127\.0\.0\.1:\d+) ", said[0])
        named = re.search(r"outlets file: (\S+)", said[1])
        assert base and named, said
        outlets_file = Path(named.group(1))
        assert outlets_file == (tmp_path / "data" / "demo-web" / "outlets.yaml").resolve()
        config = yaml.safe_load(outlets_file.read_text(encoding="utf-8"))
        assert config["allow_private_addresses"] is True
        feeds = [feed for outlet in config["outlets"] for feed in outlet.get("feeds", [])]
        assert feeds and all(feed.startswith(base.group(1)) for feed in feeds)
        response = httpx.get(feeds[0], timeout=10)
        assert response.status_code == 200
        assert "<item" in response.text or "<entry" in response.text
        assert "{{BASE}}" not in response.text
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "stopped the demo outlets" in out
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            httpx.get(feeds[0], timeout=1)
        except httpx.ConnectError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the demo web still answers after it was stopped")
