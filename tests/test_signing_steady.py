"""Two ingests of a generated syndicated web: the first run's workers sign each text less the boilerplate they
guess from the pages they extracted, so its load signs few texts again; the second run's sign less what the
first load learned, so its load signs none again, although both loads strip boilerplate."""

import sys
from pathlib import Path

import duckdb

from copydesk.loopback import serve_sites

# bench/ is not an installed package, and `.venv/bin/pytest` leaves the repo root off sys.path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.synweb import generate_web, render_outlets  # noqa: E402


def test_second_run_keeps_every_worker_signature(prefect_backend: None, tmp_path: Path) -> None:
    from copydesk.flows.ingest import ingest

    web = generate_web(tmp_path / "web", n_stories=60, seed=11, languages=("en",))
    assert web.sites_run2 is not None
    warehouse = tmp_path / "wh"
    with serve_sites(web.sites) as server:
        port = server.server_address[1]
        outlets = render_outlets(web.out_dir, server.base_url)
        first = ingest(outlets=str(outlets), warehouse=str(warehouse))
    # the same port keeps every URL of run 1 valid in run 2
    with serve_sites(web.sites_run2, port=port):
        second = ingest(outlets=str(outlets), warehouse=str(warehouse))

    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        stripped = dict(
            con.execute(
                "SELECT first_run_id, count(*) FILTER (WHERE len(boilerplate_removed) > 0) "
                "FROM core.articles GROUP BY 1"
            ).fetchall()
        )
    finally:
        con.close()
    # run 1's load learns every outlet's boilerplate; its workers had guessed it after a few pages of each
    # outlet (LearnedBlocksGuess), so only texts signed before that are signed again (not every stripped one)
    assert first.articles_new > 0 and stripped[first.run_id] > 0
    assert first.texts_signed_at_load < stripped[first.run_id] / 2
    # run 2's workers knew what the loader would strip
    assert second.articles_new > 0 and stripped[second.run_id] > 0
    assert second.texts_signed_at_load == 0
