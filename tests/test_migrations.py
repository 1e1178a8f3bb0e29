"""Warehouses made by an earlier copydesk are brought up to date when the loader opens them, once."""

from datetime import UTC, datetime
from pathlib import Path

from copydesk.warehouse import store

T1, T2, T3 = (datetime(2026, 11, day, 9, tzinfo=UTC) for day in (1, 2, 3))


def _old_layout_warehouse(warehouse: Path) -> None:
    """Articles and versions as copydesk wrote them before each text was stored once: every text an article
    had, the current one included, in core.article_versions, and no first-fetch time in core.articles."""
    con = store.open_loader(warehouse)
    try:
        con.execute("DELETE FROM core.meta WHERE key = 'migration:current_text_stored_once'")
        con.execute(
            """INSERT INTO core.articles
                 (article_id, url, outlet_id, title, text, content_hash, fetched_at, run_id)
               VALUES ('x', 'https://a.example/x', 'a', 'X two', 'second text', 'hx2', ?, 'run-3'),
                      ('y', 'https://a.example/y', 'a', 'Y', 'only text', 'hy', ?, 'run-3')""",
            [T3, T3],
        )
        con.execute(
            """INSERT INTO core.article_versions VALUES
                 ('x', 'hx1', 'X one', 'first text', ?, 'run-1'),
                 ('x', 'hx2', 'X two', 'second text', ?, 'run-2'),
                 ('y', 'hy', 'Y', 'only text', ?, 'run-1')""",
            [T1, T2, T1],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def test_an_old_warehouse_keeps_its_versions_and_stores_each_text_once(tmp_path: Path) -> None:
    _old_layout_warehouse(tmp_path)
    con = store.open_loader(tmp_path)
    try:
        versions = con.execute("SELECT * FROM article_versions ORDER BY article_id, fetched_at").fetchall()
        assert versions == [
            ("x", "hx1", "X one", "first text", T1, "run-1"),
            ("x", "hx2", "X two", "second text", T2, "run-2"),
            ("y", "hy", "Y", "only text", T1, "run-1"),
        ]
        stored = con.execute("SELECT article_id, content_hash FROM core.article_versions").fetchall()
        assert stored == [("x", "hx1")], "only the text x had before its current one"
        assert store.migrate(con) == [], "applied once"
    finally:
        con.close()


def test_a_new_warehouse_records_every_migration_as_applied(tmp_path: Path) -> None:
    con = store.open_loader(tmp_path)
    try:
        keys = {k for (k,) in con.execute("SELECT key FROM core.meta").fetchall()}
        assert "migration:current_text_stored_once" in keys
        assert store.migrate(con) == []
    finally:
        con.close()
