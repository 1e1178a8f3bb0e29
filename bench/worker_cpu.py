"""Worker CPU per page: this tree's extraction worker (extract_page + sign_results per chunk) against a git
revision's, on the synthetic webs, in one process.

The two alternate chunk by chunk (the order flipping each chunk), so the load of a shared machine falls on
both alike; each repeat gives a ratio, and the median of the repeats is the figure
(bench/results/worker_cpu.md).

    python -m bench.worker_cpu --against main --web cjk --stories 300 --pages 300 --rounds 2 --repeats 3
"""

import gc
import statistics
import sys
import time

from bench.same_output import CHUNK, against_parser, load_pages, web_files, worker_jobs


def cpu_per_page(jobs: dict, pages: dict, rounds: int) -> dict[str, float]:
    """CPU milliseconds per page of each tree's worker, alternating chunk by chunk."""
    spent = dict.fromkeys(jobs, 0.0)
    count = len(next(iter(pages.values())))
    for r in range(rounds):
        for k, start in enumerate(range(0, count, CHUNK)):
            order = list(jobs) if (k + r) % 2 == 0 else list(reversed(jobs))
            for name in order:
                job = jobs[name]
                began = time.process_time()
                chunk = [job.extract_page(page, {}) for page in pages[name][start : start + CHUNK]]
                job.sign_results(chunk, {})
                spent[name] += time.process_time() - began
    return {name: seconds * 1000 / count / rounds for name, seconds in spent.items()}


def main(argv: list[str] | None = None) -> int:
    parser = against_parser(__doc__)
    parser.add_argument("--web", default="generated", choices=["generated", "real", "cjk"])
    parser.add_argument("--rounds", type=int, default=2, help="passes over the pages per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    jobs = worker_jobs(args.against)
    sites, files = web_files(args.web, args.stories, args.pages)
    pages = {name: load_pages(job.__name__.rsplit(".", 1)[0], sites, files) for name, job in jobs.items()}
    cpu_per_page(jobs, {name: p[:CHUNK] for name, p in pages.items()}, 1)  # imports and first-call setup
    gc.collect()
    gc.freeze()
    ratios = []
    for repeat in range(args.repeats):
        ms = cpu_per_page(jobs, pages, args.rounds)
        ratios.append(ms["this"] / ms["rev"])
        print(
            f"{args.web} repeat {repeat + 1}: this {ms['this']:.2f} ms/page, {args.against} "
            f"{ms['rev']:.2f}, this/{args.against} {ratios[-1]:.3f}"
        )
    print(
        f"{args.web}: median this/{args.against} {statistics.median(ratios):.3f} over {args.repeats} repeats"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
