"""What the report after each load costs as the warehouse grows: reading one run's outlet_health rows and its
outlets' history, on warehouses of more and more runs.

Builds a warehouse with the loader's schema and views, fills it with `--runs` runs of `--articles` articles
each (8 outlets, texts of ~2,000 characters, some boilerplate removed), then times, best of three: the view
filtered to one run, `outlet_health_of_runs([run])`, and the report's own read (`run_health` with ten runs of
history). With `--against REV` the outlet_health view of that git revision is created beside it and timed on
the same rows, and the two views' rows are compared.

    python -m bench.health_scale --runs 10 30 --articles 7000 --against f81782e~1
"""

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from bench.results_file import write_block
from copydesk.warehouse.health import HistoryWanted, run_health
from copydesk.warehouse.store import PUBLISHED_NAME, open_loader

OUTLETS = [f"outlet{i}" for i in range(8)]
WORDS = str.split("harbor council ferry budget grant school bridge storm market library clinic transit vote")
RESULTS = Path(__file__).parent / "results" / "health.md"


def fill(con: duckdb.DuckDBPyConnection, runs: int, per_run: int, seed: int = 5) -> list[str]:
    """Insert `runs` runs of `per_run` articles; their run ids, oldest first."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    run_ids = []
    for r in range(runs):
        run_id = f"{(start + timedelta(hours=r)):%Y%m%dT%H%M%S}Z-ingest"
        run_ids.append(run_id)
        counts = [{"outlet_id": o, "discovered": per_run // 8 + 5, "new": per_run // 8} for o in OUTLETS]
        began = start + timedelta(hours=r)
        con.execute(
            "INSERT INTO core.runs (run_id, flow, started_at, finished_at, outlet_counts) "
            "VALUES (?, 'ingest', ?, ?, ?)",
            [run_id, began, began + timedelta(minutes=2), counts],
        )
        words = [" ".join(rng.choices(WORDS, k=rng.randint(250, 400))) for _ in range(50)]
        con.execute(
            """INSERT INTO core.articles (article_id, url, outlet_id, title, authors, published_at, text,
                                          word_count, boilerplate_removed, first_run_id, run_id)
               SELECT printf('%s-%06d', ?, i), printf('https://example.org/%s/%d', ?, i), ?[1 + i % 8],
                      'A title', ['A. Writer'], ?, ?[1 + i % 50], 300 + i % 100, ['Subscribe now'], ?, ?
               FROM range(?) t(i)""",
            [run_id, run_id, OUTLETS, began, words, run_id, run_id, per_run],
        )
    return run_ids


def best_of(call: Callable[[], object], times: int = 3) -> float:
    took = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        took.append(time.perf_counter() - began)
    return min(took)


def old_view(rev: str) -> str:
    """The outlet_health view of a git revision, named outlet_health_before."""
    views = subprocess.run(
        ["git", "show", f"{rev}:warehouse/views.sql"], capture_output=True, text=True, check=True
    ).stdout
    start = views.index("CREATE OR REPLACE VIEW outlet_health AS")
    end = views.index(";", views.index("FROM joined", start)) + 1
    return views[start:end].replace("VIEW outlet_health AS", "VIEW outlet_health_before AS")


def measure(runs: int, per_run: int, against: str | None) -> dict[str, object]:
    warehouse = Path(tempfile.mkdtemp(prefix="health-scale-"))
    try:
        con = open_loader(warehouse)
        run_ids = fill(con, runs, per_run)
        con.execute("CHECKPOINT")
        last = run_ids[-1]
        row: dict[str, object] = {"runs": runs, "articles": runs * per_run}
        one = "SELECT * FROM outlet_health WHERE run_id = ? ORDER BY outlet_id"
        row["view, one run"] = best_of(lambda: con.execute(one, [last]).fetchall())
        macro = "SELECT * FROM outlet_health_of_runs([?]) ORDER BY outlet_id"
        row["macro, one run"] = best_of(lambda: con.execute(macro, [last]).fetchall())
        if against:
            con.execute(old_view(against))
            before = "SELECT * FROM outlet_health_before WHERE run_id = ? ORDER BY outlet_id"
            row[f"{against} view, one run"] = best_of(lambda: con.execute(before, [last]).fetchall())
            every = "SELECT * FROM {} ORDER BY run_id, outlet_id"
            row["rows equal"] = (
                con.execute(every.format("outlet_health")).fetchall()
                == con.execute(every.format("outlet_health_before")).fetchall()
            )
        con.close()
        shutil.copy(warehouse / "state" / "loader.duckdb", warehouse / PUBLISHED_NAME)
        wanted = HistoryWanted("ingest", datetime(2030, 1, 1, tzinfo=UTC), 10)
        row["report read (run + 10 runs' history)"] = best_of(lambda: run_health(warehouse, last, wanted))
        return row
    finally:
        shutil.rmtree(warehouse, ignore_errors=True)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f} s"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table(rows: list[dict[str, object]]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [_cell(v) for v in row.values()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--runs", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--articles", type=int, default=7000, help="articles per run")
    parser.add_argument("--against", help="a git revision whose outlet_health view is timed beside")
    parser.add_argument("--no-write", action="store_true")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    rows = [measure(runs, args.articles, args.against) for runs in args.runs]
    text = table(rows)
    print(text)
    if not args.no_write:
        stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `python -m bench.health_scale {' '.join(argv)}`"
        write_block(RESULTS, f"{stamp}\n\n{text}", "outlet_health as the warehouse grows")
    return 0 if all(r.get("rows equal", True) for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
