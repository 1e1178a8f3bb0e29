"""Same load: this tree's loader (load_pending) against a git revision's, on copies of one lake, asserting
that every table and view of the published warehouse holds the same rows.

Only what a load stamps with its own clock is left out of the comparison: the load times (loaded_at,
linked_at, a link_pending row's queued time, a load-stage failure's time) and the times migrations were
recorded in core.meta. Each tree loads its copy twice: cold, then again with nothing new (which must change
nothing but those stamps), and the two warehouses are compared after each load; --split loads half the
article files first and the rest in a load of their own (the incremental path: stored texts stripped of
blocks learned since, stories that grow). Each load runs in its own
process, with the revision's packages put in front of this tree's on the import path.

    python -m bench.same_load --against main --lake <warehouse>/lake [<warehouse>/lake ...] [--split]
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
# the repository folders that are the installed packages copydesk.<name> (pyproject's package-dir)
SUBPACKAGES = ("flows", "tasks", "warehouse", "deploy")
# columns a load fills with the time it ran, by name, in any table or view
LOAD_TIME_COLUMNS = {"loaded_at", "linked_at", "queued_at"}

LOAD_SCRIPT = """
import json, sys, time
from pathlib import Path
import copydesk.warehouse.load as load
started, cpu = time.perf_counter(), time.process_time()
report = load.load_pending(Path(sys.argv[1]))
print(json.dumps({"module": load.__file__, "wall_s": time.perf_counter() - started,
                  "cpu_s": time.process_time() - cpu, "articles_new": report.articles_new,
                  "stories_new": report.stories_new, "copies_linked": report.copies_linked}))
"""


def package_at(revision: str) -> Path:
    """A directory holding the revision's `copydesk` package laid out as installed (put it on PYTHONPATH)."""
    root = Path(tempfile.mkdtemp(prefix="copydesk-load-rev-"))
    archive = subprocess.run(
        ["git", "archive", revision, "copydesk", *SUBPACKAGES],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root / "src", filter="data")
    package = root / "copydesk"
    shutil.move(root / "src" / "copydesk", package)
    for name in SUBPACKAGES:
        shutil.move(root / "src" / name, package / name)
    return root


def run_load(warehouse: Path, pythonpath: Path | None) -> dict:
    """One load_pending of the warehouse in a fresh process (the revision's code with pythonpath)."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(warehouse)],
        env=env,
        cwd=warehouse,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table (schema core) and view (the public interface) of a warehouse, qualified."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY ALL"
    ).fetchall()
    views = con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary ORDER BY ALL"
    ).fetchall()
    return [f'"{schema}"."{name}"' for schema, name in [*tables, *views]]


def comparable(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """A query of the relation's rows without what a load stamps with its own clock."""
    columns = [row[0] for row in con.execute(f"DESCRIBE {relation}").fetchall()]
    kept = []
    for column in columns:
        if column in LOAD_TIME_COLUMNS:
            continue
        if column == "at" and "stage" in columns:
            kept.append('CASE WHEN stage = \'load\' THEN NULL ELSE "at" END AS "at"')
        elif column == "value" and relation.endswith('."meta"'):
            kept.append("CASE WHEN key LIKE 'migration:%' THEN NULL ELSE value END AS value")
        else:
            kept.append(f'"{column}"')
    if relation.endswith('."link_pending"'):
        kept = kept[:-1]  # its last column: when the article was queued
    return f"SELECT {', '.join(kept)} FROM {relation}"


def differences(left: Path, right: Path) -> dict[str, dict]:
    """Relation -> {rows, only_left, only_right} of the two published warehouses (multisets of rows)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{left}' AS l (READ_ONLY)")
    con.execute(f"ATTACH '{right}' AS r (READ_ONLY)")
    out: dict[str, dict] = {}
    sides = {}
    for side in ("l", "r"):
        con.execute(f"USE {side}")
        sides[side] = {name: comparable(con, name) for name in relations(con)}
    con.execute("USE memory")
    if set(sides["l"]) != set(sides["r"]):
        raise SystemExit(f"different relations: {sorted(set(sides['l']) ^ set(sides['r']))}")
    for name in sorted(sides["l"]):
        counts = []
        for side in ("l", "r"):
            # a view's query names its tables without a catalog: it is read with its own database in use
            con.execute(f"USE {side}")
            counts.append(
                con.execute(
                    f"CREATE TEMP TABLE rows_{side} AS {sides[side][name]}; SELECT count(*) FROM rows_{side}"
                ).fetchone()[0]  # fmt: skip
            )
        only_left = con.execute("SELECT count(*) FROM (FROM rows_l EXCEPT ALL FROM rows_r)").fetchone()[0]
        only_right = con.execute("SELECT count(*) FROM (FROM rows_r EXCEPT ALL FROM rows_l)").fetchone()[0]
        con.execute("DROP TABLE rows_l; DROP TABLE rows_r")
        out[name] = {"rows": counts, "only_left": only_left, "only_right": only_right}
    con.close()
    return out


def held_back(lake: Path) -> list[Path]:
    """The second half of the lake's article files (by name): what the split comparison loads second."""
    files = sorted((lake / "articles").glob("run=*/*.parquet"))
    return files[len(files) // 2 :]


def compare_lake(lake: Path, package: Path, work: Path, split: bool) -> bool:
    """Load copies of the lake with both trees, cold and then again; True when both loads agree. With split,
    the cold load has half the article files and a second load the rest (stored texts stripped again, stories
    that grow), before the load with nothing new."""
    warehouses = {"rev": work / "rev", "this": work / "this"}
    later = held_back(lake) if split else []
    same = True
    for step in ("cold", "rest", "again") if split else ("cold", "again"):
        for side, warehouse in warehouses.items():
            if step == "cold":
                shutil.rmtree(warehouse, ignore_errors=True)
                warehouse.mkdir(parents=True)
                shutil.copytree(lake, warehouse / "lake")
                for path in later:
                    (warehouse / "lake" / path.relative_to(lake)).unlink()
            elif step == "rest":
                for path in later:
                    shutil.copyfile(path, warehouse / "lake" / path.relative_to(lake))
            figures = run_load(warehouse, package if side == "rev" else None)
            print(f"  {step:5s} {side:4s} {json.dumps(figures)}", flush=True)
        diff = differences(warehouses["rev"] / "warehouse.duckdb", warehouses["this"] / "warehouse.duckdb")
        bad = {name: d for name, d in diff.items() if d["only_left"] or d["only_right"]}
        rows = sum(d["rows"][0] for d in diff.values())
        print(f"  {step}: {len(diff)} tables and views, {rows} rows: "
              + ("identical" if not bad else f"DIFFERENT {json.dumps(bad)}"), flush=True)  # fmt: skip
        same = same and not bad
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git revision whose loader is compared")
    parser.add_argument("--lake", type=Path, nargs="+", required=True, help="lake directories to load")
    parser.add_argument("--split", action="store_true", help="load half the article files, then the rest")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "copydesk-same-load")
    args = parser.parse_args(argv)
    package = package_at(args.against)
    try:
        same = True
        for lake in args.lake:
            print(f"{lake} (this tree against {args.against}):", flush=True)
            same = compare_lake(lake, package, args.work / lake.parent.name, args.split) and same
    finally:
        shutil.rmtree(package, ignore_errors=True)
    print("same warehouse" if same else "warehouses differ")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
