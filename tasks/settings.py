"""Settings from the environment (prefix COPYDESK_): the only reader of os.environ."""

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def bundled_outlets_file() -> Path:
    """The outlets file shipped with copydesk: deploy/outlets.yaml, package data when installed."""
    return Path(str(files("copydesk.deploy") / "outlets.yaml"))


class Settings(BaseSettings):
    """Run-time knobs; every one can be set as COPYDESK_<NAME>."""

    # frozen: get_settings hands the same instance to every caller with the same environment
    model_config = SettingsConfigDict(env_prefix="COPYDESK_", extra="ignore", frozen=True)

    warehouse: Path = Path("data")
    # the Parquet lake: a local path or any fsspec URL (s3://bucket/prefix, ...); default <warehouse>/lake
    lake: str | None = None
    outlets: Path = Field(default_factory=bundled_outlets_file)
    user_agent: str = "copydesk/0.1 (+https://github.com/copydesk/copydesk; news research crawler)"
    # http politeness and limits
    per_host_concurrency: int = Field(default=4, ge=1)
    total_concurrency: int = Field(default=32, ge=1)
    min_host_interval_s: float = Field(default=0.0, ge=0)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    read_timeout_s: float = Field(default=20.0, gt=0)
    total_timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0)
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_cap_s: float = Field(default=30.0, ge=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0)
    respect_robots: bool = True
    # a feed or sitemap whose parse takes longer is a `too_slow` failure row, and discovery goes on
    parse_timeout_s: float = Field(default=60.0, gt=0)
    # pipeline shape
    # pages per Prefect task run: each run costs the Prefect server CPU, so a run should hold seconds of work
    # (bench/results/throughput.md)
    batch_size: int = Field(default=512, ge=1)
    extract_workers: int = Field(default=0, ge=0, description="0 means one per CPU core")
    # bounds of one page's extraction: past them the page is a failure row (too_slow, too_large; worker_died
    # when its worker is killed), the rest of its batch lands. The deadline is wall-clock: the worker running
    # the page is killed and replaced; the memory limit is each worker's data segment (enforced on Linux)
    extract_page_timeout_s: float = Field(default=30.0, gt=0)
    extract_memory_mb: int = Field(default=1024, ge=0, description="0: no limit")
    # runs that may try a page whose extraction overran or killed its worker; after the last it is not
    # fetched again
    extract_attempts: int = Field(default=3, ge=1)
    # a batch's fetching and extraction together: links not done by then are transient failures
    batch_timeout_s: float = Field(default=3600.0, gt=0)
    # seconds a load waits for another writer before failing
    load_lock_timeout_s: float = Field(default=3600.0, gt=0)
    # DuckDB memory of the loader; a bigger run spills to DIR/state/spill instead of growing
    load_memory_limit: str = Field(default="400MB", pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$")
    # "threads": batches in threads, extraction in a local process pool; "dask": each batch (fetch + extract +
    # lake write) is a task on a Dask cluster, the one at dask_address or a temporary LocalCluster
    task_runner: str = Field(default="threads", pattern="^(threads|dask)$")
    dask_address: str | None = Field(default=None, description="scheduler address, e.g. tcp://10.0.0.5:8786")
    dask_workers: int = Field(default=0, ge=0, description="LocalCluster workers; 0: one per core")
    # outlet health (tasks/health.py): when a scheduled ingest's outlet counts as degraded, against its own
    # last health_history_runs ingests (judged once it has health_min_history of them)
    health_quiet_runs: int = Field(default=3, ge=1, description="runs in a row without a new article")
    health_failure_share: float = Field(default=0.5, ge=0, le=1, description="failures over what was tried")
    health_words_drop: float = Field(default=0.5, gt=0, le=1, description="median words below this x usual")
    health_coverage_drop: float = Field(default=0.4, gt=0, le=1, description="fall of date/author coverage")
    health_history_runs: int = Field(default=10, ge=1)
    health_min_history: int = Field(default=3, ge=1)


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment with explicit overrides (None values are ignored).

    One instance per environment and overrides: building one reads and validates every variable, and the
    callers that ask often would pay that each time.
    """
    given = tuple(sorted((k, v) for k, v in overrides.items() if v is not None))
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith("COPYDESK_")))
    try:
        return _settings(environment, given)
    except TypeError:  # an unhashable override: no caching
        return Settings(**dict(given))


@lru_cache(maxsize=64)
def _settings(environment: tuple[tuple[str, str], ...], given: tuple[tuple[str, object], ...]) -> Settings:
    # `environment` is only the cache key: Settings reads the variables itself
    return Settings(**dict(given))
