"""Same output: this tree's extraction worker (extract_page + sign_results) against a git revision's, page
by page on the synthetic webs, asserting equal Articles and equal signatures.

A CPU change to the worker must leave what it hands the loader bit for bit as it was. Each tree signs with its
own process-wide guess of the learned blocks (tasks/outlet_templates.py RUN_GUESS), fed the same pages in the
same order, so the strip-learned-blocks path is compared too; a second pass signs every chunk again with the
blocks learned from all pages (`learned_of`), as a warm warehouse would hand them.

    python -m bench.same_output --against main --pages 300 --web generated real cjk
"""

import argparse
import importlib
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.extraction import extract_package_at
from bench.throughput import PLACEHOLDER, ensure_web

CHUNK = 16


def web_files(kind: str, stories: int, pages: int) -> tuple[Path, list[Path]]:
    """(sites root, `pages` article files of a synthetic web, shuffled with a fixed seed)."""
    sites, _ = ensure_web(Path(f"/tmp/prof-{kind}-{stories}"), stories, kind)
    files = sorted(p for p in sites.rglob("*.html") if p.name != "index.html")
    random.Random(1).shuffle(files)
    return sites, files[:pages]


def load_pages(root: str, sites: Path, files: list[Path]) -> list[Any]:
    """The files as the `root` package's Page models, decoded as the fetcher decodes them."""
    models = importlib.import_module(root + ".models")
    decode = importlib.import_module(root + ".decode")
    # one fixed fetch time for both trees: dates fall back to it
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    pages = []
    for path in files:
        raw = path.read_bytes().replace(PLACEHOLDER, b"http://127.0.0.1:1")
        html, encoding = decode.decode_html(raw, "text/html")
        url = "http://127.0.0.1:1/" + path.relative_to(sites).as_posix()
        link = models.Link(url=url, outlet_id=path.parts[len(sites.parts)], via="feed", found_in=url)
        pages.append(
            models.Page(link=link, final_url=url, status=200, html=html, encoding=encoding, fetched_at=now)
        )
    return pages


def run_worker(
    job: ModuleType, pages: list[Any], learned_of: dict[str, set[int]] | None
) -> tuple[list, dict]:
    """(results as dicts, signatures) of the pages, chunk by chunk as a worker runs them."""
    results: list[dict] = []
    signatures: dict = {}
    for start in range(0, len(pages), CHUNK):
        chunk = [job.extract_page(page, {}) for page in pages[start : start + CHUNK]]
        signatures.update(job.sign_results(chunk, {}, learned_of))
        # a failure's time stamp is when it happened, not part of the output
        results.extend(r.model_dump(exclude={"at"}) for r in chunk)
    return results, signatures


def learned_from(job: ModuleType, results: list[dict]) -> dict[str, set[int]]:
    """Each outlet's blocks learned from all its extracted pages (as a load would learn them)."""
    templates = importlib.import_module(job.__name__.rsplit(".", 1)[0] + ".outlet_templates")
    counts: dict[str, dict[int, int]] = {}
    pages: dict[str, int] = {}
    for row in results:
        if "text" not in row:
            continue
        outlet = counts.setdefault(row["outlet_id"], {})
        pages[row["outlet_id"]] = pages.get(row["outlet_id"], 0) + 1
        for value in templates.page_block_hashes(row["text"]):
            outlet[value] = outlet.get(value, 0) + 1
    return {o: templates.learn_outlet_blocks(c, pages[o]) for o, c in counts.items()}


def compare(kind: str, stories: int, n_pages: int, jobs: dict[str, ModuleType]) -> dict[str, int]:
    """Run both trees over one web; raise AssertionError at the first difference."""
    sites, files = web_files(kind, stories, n_pages)
    outputs = {}
    for name, job in jobs.items():
        root = job.__name__.rsplit(".", 1)[0]
        pages = load_pages(root, sites, files)
        results, guessed = run_worker(job, pages, None)
        _, warm = run_worker(job, pages, learned_from(job, results))
        outputs[name] = (results, guessed, warm)
    (this_results, this_guessed, this_warm), (rev_results, rev_guessed, rev_warm) = outputs.values()
    for i, (mine, theirs) in enumerate(zip(this_results, rev_results, strict=True)):
        assert mine == theirs, f"{kind}: page {files[i]} extracts differently"
    for label, mine, theirs in (("guessed", this_guessed, rev_guessed), ("learned", this_warm, rev_warm)):
        assert mine.keys() == theirs.keys(), f"{kind}: {label} signatures of other articles"
        for key, signature in mine.items():
            assert vars(signature) == vars(theirs[key]), f"{kind}: {label} signature of {key} differs"
    signing = importlib.import_module(jobs["this"].__name__.rsplit(".", 1)[0] + ".signing")
    texts = {(r["article_id"], r["fetched_url"]): r["text"] for r in this_results if "text" in r}
    return {
        "pages": len(files),
        "articles": len(texts),
        "signatures": len(this_guessed) + len(this_warm),
        # signatures of a text less learned blocks: the strip path was compared, not only the whole texts
        "of_stripped_texts": sum(
            s.text_md5 != signing.text_md5(texts[key])
            for signed in (this_guessed, this_warm)
            for key, s in signed.items()
        ),
    }


def against_parser(doc: str) -> argparse.ArgumentParser:
    """The options of a comparison with a revision on synthetic webs (a module adds its own --web)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--pages", type=int, default=300)
    return parser


def worker_jobs(revision: str) -> dict[str, ModuleType]:
    """This tree's extraction_job module ("this") and the revision's ("rev"), imported side by side."""
    extract_package_at(revision)
    return {
        "this": importlib.import_module("copydesk.tasks.extraction_job"),
        "rev": importlib.import_module("copydesk_rev.tasks.extraction_job"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = against_parser(__doc__)
    parser.add_argument("--web", nargs="+", default=["generated", "real", "cjk"])
    args = parser.parse_args(argv)
    jobs = worker_jobs(args.against)
    for kind in args.web:
        counts = compare(kind, args.stories, args.pages, jobs)
        print(f"{kind}: same output on {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
