"""Real ingest runs over a loopback web of our own texts, fed the arrival sequences that once stopped every
later load (issue 20): a truncated copy before its original, a short copy alone for a run before more copies
and the original, originals updated in a later run. Every run must finish and load; the stories at the end
are the ones everything at once gives, with the original canonical."""

import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from copydesk.loopback import serve_sites
from tests.conftest import warehouse_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.synweb.sources import texts_from_dir  # noqa: E402
from bench.synweb.texts import PagePlan, generate_text_web, stamp_run_times  # noqa: E402

TEXTS = Path(__file__).parent / "dedupe_texts"
RUNS = 3


def schedule(page: PagePlan) -> int:
    """t0000: its lead in run 1, the original in run 2, the other copies in run 3; t0001: its lead alone in
    run 1, its other copies in run 2, the original in run 3; every other page in run 1."""
    if page.story == "t0000":
        return {"truncated": 1, "original": 2}.get(page.kind, 3)
    if page.story == "t0001":
        return {"truncated": 1, "original": 3}.get(page.kind, 2)
    return 1


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> object:
    return generate_text_web(
        tmp_path_factory.mktemp("textweb"), texts_from_dir(TEXTS), runs=RUNS, schedule=schedule
    )


def test_copies_first_then_originals_every_run_loads_and_the_stories_close(
    prefect_backend: None, web: object, tmp_path: Path
) -> None:
    from copydesk.flows.ingest import ingest

    truth = web.load()  # type: ignore[attr-defined]
    leads = {k: v for k, v in truth["articles"].items() if v["kind"] == "truncated"}
    assert {v["story"] for v in leads.values()} >= {"t0000", "t0001"}
    warehouse = tmp_path / "wh"
    times: dict[int, str] = {}
    port = 0
    loaded = []
    for run in range(1, RUNS + 1):
        times[run] = datetime.now(UTC).isoformat()
        stamp_run_times(web.roots[run], times)  # type: ignore[attr-defined]
        with serve_sites(web.roots[run], port=port) as server:  # type: ignore[attr-defined]
            port, base = server.server_address[1], server.base_url
            outlets = tmp_path / "outlets.yaml"
            outlets.write_text(web.outlets_file.read_text(encoding="utf-8").replace("{{BASE}}", base))  # type: ignore[attr-defined]
            report = ingest(outlets=str(outlets), warehouse=str(warehouse))
        loaded.append(report.articles_new + report.articles_updated)
        assert warehouse_rows(warehouse, "SELECT count(*) FROM failures WHERE stage = 'load'") == [(0,)]
    assert all(n > 0 for n in loaded), loaded

    def story_of(url: str) -> str | None:
        rows = warehouse_rows(
            warehouse, f"SELECT story_id FROM articles WHERE url = '{url.replace('{{BASE}}', base)}'"
        )
        assert rows, url
        return rows[0][0]

    for key in ("t0000", "t0001"):
        original = truth["stories"][key]["original"]
        pages = [u for u, v in truth["articles"].items() if v["story"] == key]
        assert len(pages) >= 3
        assert {story_of(u) for u in pages} == {story_of(original)}, key
        (canonical,) = warehouse_rows(
            warehouse, f"SELECT canonical_url FROM stories WHERE story_id = '{story_of(original)}'"
        )
        assert canonical[0] == original.replace("{{BASE}}", base), (
            "the original arrived last and is canonical"
        )
    # an original updated in a later run: its new text is loaded, and it stays in its story
    updated = {u: v for u, v in truth["articles"].items() if v.get("update_sentence")}
    assert updated
    for url, entry in updated.items():
        rows = warehouse_rows(
            warehouse, f"SELECT text FROM articles WHERE url = '{url.replace('{{BASE}}', base)}'"
        )
        assert _folded(entry["update_sentence"]) in _folded(rows[0][0])
        pages = [u for u, v in truth["articles"].items() if v["story"] == entry["story"]]
        assert {story_of(u) for u in pages} == {story_of(url)}
    unlinked = warehouse_rows(warehouse, "SELECT count(*) FROM articles WHERE story_id IS NULL")
    assert unlinked == [(0,)]
