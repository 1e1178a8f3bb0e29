"""Load speed: this tree's loader (load_pending) against a git revision's on copies of one lake, cold and then
with nothing new, the two trees interleaved round by round (so the machine's load falls on both alike); wall
and CPU seconds (the process's, DuckDB's threads included) of each, medians over the rounds.

Each load runs in a fresh process (bench/same_load.py's run_load), its imports done before the clock starts.

    python -m bench.load_speed --against main --rounds 3 --lake <warehouse>/lake [<warehouse>/lake ...]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.same_load import package_at, run_load


def measure(lake: Path, package: Path, work: Path, rounds: int) -> dict[str, dict[str, list[float]]]:
    """side -> step ("cold", "nothing new") -> [wall, cpu] medians over the rounds."""
    figures: dict[str, dict[str, list[list[float]]]] = {}
    for round_ in range(rounds):
        sides = ["rev", "this"] if round_ % 2 == 0 else ["this", "rev"]
        for side in sides:
            warehouse = work / side
            shutil.rmtree(warehouse, ignore_errors=True)
            warehouse.mkdir(parents=True)
            shutil.copytree(lake, warehouse / "lake")
            for step in ("cold", "nothing new"):
                got = run_load(warehouse, package if side == "rev" else None)
                figures.setdefault(side, {}).setdefault(step, []).append([got["wall_s"], got["cpu_s"]])
    return {
        side: {step: [statistics.median(v[0] for v in runs), statistics.median(v[1] for v in runs)]
               for step, runs in steps.items()}
        for side, steps in figures.items()
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git revision whose loader is timed too")
    parser.add_argument("--lake", type=Path, nargs="+", required=True, help="lake directories to load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "copydesk-load-speed")
    args = parser.parse_args(argv)
    package = package_at(args.against)
    try:
        print(f"| lake | load | {args.against} wall s | this wall s | {args.against} CPU s | this CPU s |")
        print("|---|---|---|---|---|---|")
        for lake in args.lake:
            medians = measure(lake, package, args.work / lake.parent.name, args.rounds)
            for step in ("cold", "nothing new"):
                (rev_wall, rev_cpu), (wall, cpu) = medians["rev"][step], medians["this"][step]
                row = f"| {lake} | {step} | {rev_wall:.3f} | {wall:.3f} | {rev_cpu:.3f} | {cpu:.3f} |"
                print(row, flush=True)
    finally:
        shutil.rmtree(package, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
