"""bench.dedupe_scale at toy size: planted copies are found, fresh stories stay alone, the page is written."""

import sys
from pathlib import Path

# bench/ is not an installed package, and `.venv/bin/pytest` (unlike `python -m pytest`) leaves the repo
# root off sys.path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import dedupe_scale  # noqa: E402


def test_toy_run_finds_planted_copies_and_links_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "dedupe_scale.md"
    report = dedupe_scale.main(
        ["--background", "2000", "--batch", "100", "--batches", "2", "--workers", "1",
         "--keep", str(tmp_path / "wh"), "--out", str(out)]
    )  # fmt: skip

    assert [s.background for s in report.stages] == [2000]
    stage = report.stages[0]
    assert len(stage.batches) == 2
    for batch in stage.batches:
        assert batch.new == 100
        assert batch.copies == 30
        assert batch.seconds > 0
        # copies of background articles join their original's story, in every copy kind
        assert batch.copies_found >= 28
        assert all(found >= total - 1 for found, total in batch.found_by_kind.values())
        assert batch.copies_wrong == 0
        # fresh stories match nothing, and nothing pulls a background article into another story
        assert batch.fresh_linked == 0
        assert batch.background_merged == 0
        assert batch.stories_new == 70
        assert batch.candidates >= batch.copies_found
    # the rolled-back batches leave the background as built
    import duckdb

    con = duckdb.connect(str(tmp_path / "wh" / "state" / "loader.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM core.articles").fetchone()[0] == 2000
    assert con.execute("SELECT count(*) FROM core.lsh_bands").fetchone()[0] == 2000 * 32
    assert con.execute("SELECT count(DISTINCT story_id) FROM core.story_members").fetchone()[0] == 2000
    con.close()
    # 32 int64 keys and a 16-character id per article: a few hundred bytes, not kilobytes
    assert 100 < stage.band_bytes_exact / 2000 < 1500
    assert stage.table_bytes["lsh_bands"] > 0
    assert 0.02 < report.j0 < 0.06
    page = out.read_text(encoding="utf-8")
    assert "| 2,000 |" in page
    assert "--background 2000 --batch 100" in page
    assert "link_stories" in page
