"""End to end: the ingest flow against the fixture news web on a real loopback server, three runs.

Run 1 ingests every outlet but the aggregator (daily8); run 2 ingests all, so daily8's copies arrive in a
later run and must join the stories loaded before; run 3 finds nothing new and must add nothing.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from copydesk.loopback import SiteServer, serve_sites
from copydesk.tasks import dedupe
from copydesk.tasks.signing import sign_texts
from tests.conftest import SITES, render_outlets

EXPECTED = yaml.safe_load((SITES / "expected.yaml").read_text(encoding="utf-8"))
LATE_OUTLET = "daily8"
REPO = Path(__file__).resolve().parent.parent
COPYDESK = str(Path(sys.executable).with_name("copydesk"))
DUCKDB_CLI = str(Path(sys.executable).with_name("duckdb"))


def expected_articles() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (outlet_id, path, truth)
        for outlet_id, outlet in EXPECTED["outlets"].items()
        for path, truth in outlet["articles"].items()
    ]


def expected_failures() -> list[tuple[str, dict[str, Any]]]:
    return [(outlet_id, f) for outlet_id, outlet in EXPECTED["outlets"].items() for f in outlet["failures"]]


class World:
    """The served fixture web, a warehouse, and the reports of the three runs."""

    def __init__(self, server: SiteServer, warehouse: Path, outlets: Path) -> None:
        self.server = server
        self.warehouse = warehouse
        self.outlets = outlets
        self.reports: list[Any] = []
        self.requests_per_run: list[list[str]] = []

    def url(self, path: str) -> str:
        return f"{self.server.base_url}/{path}"

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse / "warehouse.duckdb"), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def article(self, path: str) -> dict[str, Any]:
        con = duckdb.connect(str(self.warehouse / "warehouse.duckdb"), read_only=True)
        try:
            cur = con.execute("SELECT * FROM articles WHERE url = ?", [self.url(path)])
            rows = cur.fetchall()
            assert len(rows) == 1, f"{len(rows)} article rows for {path}"
            return dict(zip([d[0] for d in cur.description], rows[0], strict=True))
        finally:
            con.close()


@pytest.fixture(scope="module")
def world(prefect_backend: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from copydesk.flows.ingest import ingest

    root = tmp_path_factory.mktemp("e2e")
    with serve_sites(SITES) as server:
        outlets = render_outlets(SITES / "outlets.yaml", server.base_url, root / "outlets.yaml")
        w = World(server, root / "warehouse", outlets)
        early = [o for o in EXPECTED["outlets"] if o != LATE_OUTLET]
        for outlet_ids in (early, None, None):
            seen = len(server.requests)
            w.reports.append(ingest(outlets=str(outlets), warehouse=str(w.warehouse), outlet_ids=outlet_ids))
            w.requests_per_run.append([r for r in list(server.requests)[seen:]])
        yield w


def test_every_fixture_article_lands_once(world: World) -> None:
    rows = world.query("SELECT url FROM articles")
    urls = sorted(r[0] for r in rows)
    assert urls == sorted(world.url(path) for _, path, _ in expected_articles())
    assert len(urls) == EXPECTED["totals"]["articles"]


@pytest.mark.parametrize(
    ("outlet_id", "path", "truth"), expected_articles(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_article_fields_match_the_page(
    world: World, outlet_id: str, path: str, truth: dict[str, Any]
) -> None:
    row = world.article(path)
    assert row["outlet_id"] == outlet_id
    assert row["title"] == truth["title"]
    assert truth["key_sentence"] in row["text"]
    assert truth["last_sentence"] in row["text"]
    for junk in truth["must_not_contain"]:
        assert junk not in row["text"], f"boilerplate or teaser leaked: {junk[:60]!r}"
    assert row["published_at"] == datetime.fromisoformat(truth["published_at"])
    assert row["published_at"].tzinfo is not None
    assert row["authors"] == truth["authors"]
    assert row["language"] == truth["language"]
    assert row["word_count"] > 0
    assert row["story_id"] is not None


@pytest.mark.parametrize(
    ("outlet_id", "failure"), expected_failures(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_bad_pages_become_failure_rows(world: World, outlet_id: str, failure: dict[str, Any]) -> None:
    rows = world.query(
        "SELECT stage, kind, http_status, outlet_id, error FROM failures WHERE url = ?",
        [world.url(failure["path"])],
    )
    assert len(rows) == 1, "one failure row, not one per run"
    stage, kind, status, outlet, error = rows[0]
    assert (stage, kind, status, outlet) == (
        failure["stage"],
        failure["kind"],
        failure["http_status"],
        outlet_id,
    )
    assert error


def test_copies_arriving_in_a_later_run_join_the_originals_story(world: World) -> None:
    copies = [(p, t) for _, p, t in expected_articles() if t["copy_of"]]
    assert copies, "the fixture web has copies"
    for path, truth in copies:
        copy, original = world.article(path), world.article(truth["copy_of"])
        assert copy["first_run_id"] != original["first_run_id"], "the copy must arrive in a later run"
        assert copy["story_id"] == original["story_id"], f"{path} did not join its original's story"
        assert original["is_original"] and not copy["is_original"]
        (canonical,) = world.query(
            "SELECT canonical_url FROM stories WHERE story_id = ?", [copy["story_id"]]
        )[0]
        assert canonical == world.url(truth["copy_of"])
        assert copy["source_credit"] == truth["source_credit"]
        lag = world.query(
            "SELECT lag_hours FROM syndication WHERE copy_article_id = ? AND original_article_id = ?",
            [copy["article_id"], original["article_id"]],
        )
        assert len(lag) == 1 and lag[0][0] > 0


def test_related_articles_block_does_not_merge_stories(world: World) -> None:
    for _, path, truth in expected_articles():
        for other in truth["embeds_full_text_of"]:
            assert world.article(path)["story_id"] != world.article(other)["story_id"]


def test_unrelated_articles_stay_separate_stories(world: World) -> None:
    (n_stories,) = world.query("SELECT count(*) FROM stories")[0]
    assert n_stories == EXPECTED["totals"]["originals"]
    sizes = dict(world.query("SELECT n_articles, count(*) FROM stories GROUP BY 1"))
    assert sizes == {
        1: EXPECTED["totals"]["originals"] - EXPECTED["totals"]["copies"],
        2: EXPECTED["totals"]["copies"],
    }


def test_second_identical_run_adds_nothing_and_fetches_no_article(world: World) -> None:
    last = world.reports[2]
    assert (last.articles_new, last.articles_updated, last.failures, last.copies_linked) == (0, 0, 0, 0)
    article_paths = {"/" + path for _, path, _ in expected_articles()}
    late_paths = {"/" + path for path in EXPECTED["outlets"][LATE_OUTLET]["articles"]}
    assert late_paths <= {r.split("?")[0] for r in world.requests_per_run[1]}, "run 2 fetched the late copies"
    refetched = [r for r in world.requests_per_run[2] if r.split("?")[0] in article_paths]
    assert refetched == [], "seen URLs must not be fetched again"
    (n_articles,) = world.query("SELECT count(*) FROM articles")[0]
    assert n_articles == EXPECTED["totals"]["articles"]
    assert world.query("SELECT count(*) FROM failures")[0][0] == EXPECTED["totals"]["failures"]


def test_runs_are_recorded_with_stage_counts(world: World) -> None:
    rows = world.query(
        "SELECT flow, discovered, new, fetched, extracted, loaded, failed FROM runs ORDER BY started_at"
    )
    assert len(rows) == 3
    assert all(r[0] == "ingest" for r in rows)
    first, second, third = rows
    early = EXPECTED["totals"]["articles"] - len(EXPECTED["outlets"][LATE_OUTLET]["articles"])
    assert first[5] == early
    assert second[5] == len(EXPECTED["outlets"][LATE_OUTLET]["articles"])
    assert third[2:6] == (0, 0, 0, 0)
    assert first[6] == EXPECTED["totals"]["failures"]


def _cli(*args: str, warehouse: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COPYDESK_WAREHOUSE": str(warehouse)}
    return subprocess.run([COPYDESK, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def test_sql_command_prints_csv_json_and_table(world: World) -> None:
    query = "select outlet_id, count(*) as n from articles group by 1 order by 1"
    expected = {o: len(v["articles"]) for o, v in EXPECTED["outlets"].items()}
    as_json = _cli("sql", query, "--format", "json", warehouse=world.warehouse)
    assert as_json.returncode == 0, as_json.stderr
    assert {r["outlet_id"]: r["n"] for r in json.loads(as_json.stdout)} == expected
    as_csv = _cli("sql", query, "--format", "csv", warehouse=world.warehouse)
    lines = as_csv.stdout.strip().splitlines()
    assert lines[0] == "outlet_id,n" and len(lines) == len(expected) + 1
    table = _cli("sql", query, warehouse=world.warehouse)
    assert table.returncode == 0 and "tokyo" in table.stdout
    bad = _cli("sql", "select nope from articles", warehouse=world.warehouse)
    assert bad.returncode == 1 and "nope" in bad.stderr


def test_duckdb_cli_package_opens_the_published_file(world: World) -> None:
    done = subprocess.run(
        [
            DUCKDB_CLI,
            "-readonly",
            "-csv",
            str(world.warehouse / "warehouse.duckdb"),
            "-c",
            "select count(*) as n from articles where language = 'ja'",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    n_ja = sum(1 for _, _, t in expected_articles() if t["language"] == "ja")
    assert done.stdout.split() == ["n", str(n_ja)]


def test_stored_signatures_are_those_of_the_stored_texts(world: World) -> None:
    """The extraction workers sign each text and the lake carries the signature, which the loader stores
    (tests/test_load.py has texts the loader's boilerplate strip changes, which it signs again)."""
    lake_rows = pq.read_table(
        world.warehouse / "lake" / "articles", columns=["signature_algo", "minhash"], partitioning=None
    )
    assert lake_rows.num_rows >= EXPECTED["totals"]["articles"]
    assert set(lake_rows["signature_algo"].to_pylist()) == {dedupe.SIGNATURE_ALGO}
    assert lake_rows["minhash"].null_count == 0
    rows = world.query(
        "SELECT a.article_id, a.text, s.minhash, s.shingle_count, "
        "list_sort(list(k.sentence_key) FILTER (WHERE k.sentence_key IS NOT NULL)) "
        "FROM core.articles a JOIN core.signatures s USING (article_id) "
        "LEFT JOIN core.sentence_keys k USING (article_id) GROUP BY ALL ORDER BY 1"
    )
    assert len(rows) == EXPECTED["totals"]["articles"]
    sigs, counts, keys = sign_texts([text for _, text, *_ in rows])
    for i, (article_id, _, minhash, shingle_count, sentence_keys) in enumerate(rows):
        assert minhash == dedupe.signature_to_bytes(sigs[i]), article_id
        assert shingle_count == counts[i] and sentence_keys == sorted(keys[i]), article_id
