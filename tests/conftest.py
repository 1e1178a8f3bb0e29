"""Session-wide fixtures shared by the end-to-end tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="session")
def prefect_backend() -> Iterator[None]:
    """One temporary Prefect API for every in-process flow run of the session (~18 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
    from tasks.batch import shutdown_pool

    shutdown_pool()


def render_outlets(template: Path, base_url: str, target: Path) -> Path:
    """A concrete outlets file with {{BASE}} replaced by the running site server's URL."""
    target.write_text(template.read_text(encoding="utf-8").replace("{{BASE}}", base_url), encoding="utf-8")
    return target
