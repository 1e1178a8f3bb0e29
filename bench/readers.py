"""Why readers get a published snapshot: DuckDB's file locking measured, and what publishing costs.

Run `.venv/bin/python -m bench.readers [--articles N ...]`; results go to stdout and bench/results/readers.md.

1. Lock behaviour of one DuckDB file shared by a writer process and a reader process (the obvious design):
   what a second open gets while the first holds the file, and how long it takes to fail.
2. The design copydesk uses: the loader writes a private file and publishes a copy by atomic rename. For
   warehouses of N synthetic articles (~2.5 kB of text each, with the signature and band tables) it measures
   the file size, the publish time (copy + fsync + rename) and the time for a fresh reader to open and count.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.results_file import write_file
from copydesk.warehouse import store

RESULTS = Path(__file__).resolve().parent / "results" / "readers.md"

OPEN_SECOND = textwrap.dedent(
    """
    import sys, time, duckdb
    started = time.monotonic()
    try:
        duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro").close()
        outcome = "opened"
    except duckdb.Error as exc:
        outcome = type(exc).__name__ + ": " + str(exc).splitlines()[0][:160]
    print(f"{time.monotonic() - started:.3f}\\t{outcome}")
    """
)


def _second_open(path: Path, mode: str) -> tuple[float, str]:
    out = subprocess.run([sys.executable, "-c", OPEN_SECOND, str(path), mode], capture_output=True, text=True)
    seconds, outcome = out.stdout.strip().split("\t", 1)
    return float(seconds), outcome


def lock_matrix(tmp: Path) -> list[tuple[str, str, float, str]]:
    """(first holder, second open, seconds to answer, outcome) for one shared file."""
    path = tmp / "shared.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t AS SELECT 1 AS x").close()
    rows = []
    for first_mode in ("rw", "ro"):
        holder = duckdb.connect(str(path), read_only=first_mode == "ro")
        for second in ("ro", "rw"):
            seconds, outcome = _second_open(path, second)
            rows.append((first_mode, second, seconds, outcome.replace(str(path), "<file>")))
        holder.close()
    return rows


def build_warehouse(root: Path, articles: int) -> Path:
    """A loader file with the real schema and N synthetic articles, signatures and band keys."""
    con = store.open_loader(root)
    con.execute(
        """
        INSERT INTO core.articles (article_id, url, fetched_url, outlet_id, title, authors, text, word_count,
                                   content_hash, fetched_at, first_run_id, run_id)
        SELECT printf('%016x', i), 'https://example.test/a/' || i, 'https://example.test/a/' || i,
               'outlet' || (i % 30), 'Title ' || i, ['A. Writer'],
               repeat('Word' || (i % 997) || ' lorem ipsum dolor sit amet consectetur. ', 50),
               400, md5(i::VARCHAR), now(), 'bench', 'bench'
        FROM range(?) t(i)
        """,
        [articles],
    )
    con.execute(
        """
        INSERT INTO core.lsh_bands SELECT (hash(i * 32 + b) >> 1)::BIGINT, printf('%016x', i)
        FROM range(?) t(i), range(32) u(b)
        """,
        [articles],
    )
    con.execute("CHECKPOINT")
    con.close()
    return store.loader_path(root)


def publish_cost(tmp: Path, articles: int) -> dict[str, float]:
    root = tmp / f"wh-{articles}"
    source = build_warehouse(root, articles)
    started = time.monotonic()
    store.publish(root)
    publish_s = time.monotonic() - started
    started = time.monotonic()
    con = duckdb.connect(str(store.published_path(root)), read_only=True)
    count = con.execute("SELECT count(*) FROM core.articles").fetchone()[0]
    con.close()
    open_s = time.monotonic() - started
    assert count == articles
    return {"articles": articles, "mb": source.stat().st_size / 1e6, "publish_s": publish_s, "open_s": open_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000, 500_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="copydesk-readers-") as tmp_name:
        tmp = Path(tmp_name)
        matrix = lock_matrix(tmp)
        costs = [publish_cost(tmp, n) for n in args.articles]
    lines = [
        "# Readers during loads: DuckDB file locking and the cost of a published snapshot",
        "",
        f"Command: `.venv/bin/python -m bench.readers --articles {' '.join(map(str, args.articles))}`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; duckdb {duckdb.__version__}; {os.cpu_count()} cores",
        "",
        "## One shared file (the obvious design)",
        "",
        "| first process holds | second process opens | answer after (s) | outcome |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {s:.3f} | {o} |" for a, b, s, o in matrix],
        "",
        "Nothing waits: while a loader has the file open read-write, every reader fails at once, and",
        "while any reader (a notebook, the CLI) holds it, the loader cannot open it. A scheduled load",
        "would fail whenever an analyst has a session open.",
        "",
        "## Published snapshot (copydesk): cost per load",
        "",
        "| articles | file MB | publish s (copy+fsync+rename) | fresh reader open+count s |",
        "|---|---|---|---|",
        *[f"| {c['articles']:,} | {c['mb']:.0f} | {c['publish_s']:.2f} | {c['open_s']:.3f} |" for c in costs],
        "",
        "Readers open `warehouse.duckdb` read-only and keep the snapshot they opened; the loader writes",
        "`state/loader.duckdb` under its lock and renames a fresh copy over `warehouse.duckdb` after each",
        "committed load. The copy is the whole price; it grows linearly with the warehouse and stays small",
        "next to a run's fetching and extraction.",
    ]
    text = "\n".join(lines) + "\n"
    write_file(RESULTS, text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
