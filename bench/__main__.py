"""`python -m bench [NAME ...]` (what `make bench` runs): benchmarks, each writing bench/results/<name>.md.

Without names it runs the default set, DEFAULT below: throughput (the whole pipeline against bare trafilatura,
peak memory, incremental rerun; ~3 minutes) and extraction (text quality on the article-extraction benchmark
pages, when ../shared/bench/aeb-dev is there). The others are slower or answer one-off design questions and
run when named: stories (dedupe quality, ~5 minutes), readers, dedupe_methods, politeness, hostile (bad input
end to end, ~5 minutes).
`python -m bench --list` prints them. Each is also `python -m bench.<name> --help` for its own options.
"""

import importlib
import inspect
import sys

DEFAULT = ("throughput", "extraction")
OPTIONAL = ("stories", "readers", "dedupe_methods", "politeness", "hostile")


def run(name: str) -> int:
    """Run one benchmark module's main() with no arguments; returns its exit status."""
    module = importlib.import_module(f"bench.{name}")
    main = module.main
    result = main([]) if inspect.signature(main).parameters else main()
    return int(result or 0)


def main(argv: list[str]) -> int:
    """Run the named benchmarks (the default set without names); the first failure's status is returned."""
    if argv in (["--list"], ["-l"]):
        print("default:", " ".join(DEFAULT))
        print("on request:", " ".join(OPTIONAL))
        return 0
    unknown = [name for name in argv if name not in DEFAULT + OPTIONAL]
    if unknown:
        print(f"unknown benchmark(s): {' '.join(unknown)}; try --list", file=sys.stderr)
        return 2
    status = 0
    for name in argv or DEFAULT:
        print(f"== bench.{name}", flush=True)
        code = run(name)
        if code == 2 and name == "extraction" and not argv:
            print("   (skipped: its benchmark pages are not on this machine)", flush=True)
            continue
        status = status or code
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
