"""Extraction quality: copydesk's extract_article against bare trafilatura on the extraction benchmark.

Run `python -m bench.extraction [--aeb DIR]`. The metric, as the benchmark's README states it: texts become
4-token shingles of \\w+ tokens; per page, true positives, false positives and false negatives are counted
over shingle multisets and divided by their sum (so long pages weigh no more than short ones); precision and
recall are computed from those per-page fractions summed over pages, and F1 from them.
"""

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.results_file import write_block
from copydesk.tasks.extract import ExtractionError, extract_article

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AEB = REPO_ROOT.parent / "shared" / "bench" / "aeb-dev"
RESULTS = REPO_ROOT / "bench" / "results" / "extraction.md"
SHINGLE = 4
WORSE_BY = 0.1
TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class PageScore:
    """Normalised true positive, false positive and false negative shares of one page."""

    tp: float
    fp: float
    fn: float

    @property
    def f1(self) -> float:
        """F1 of this page alone."""
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def shingles(text: str) -> Counter[str]:
    """Multiset of 4-token shingles; a text shorter than 4 tokens is one shingle."""
    tokens = TOKEN_RE.findall(text or "")
    count = max(1, len(tokens) - SHINGLE + 1)
    return Counter(" ".join(tokens[i : i + SHINGLE]) for i in range(count) if tokens[i : i + SHINGLE])


def score_page(truth: str, predicted: str) -> PageScore:
    """Shingle overlap of one prediction with its ground truth, normalised to sum to 1."""
    want, got = shingles(truth), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def summarise(scores: list[PageScore]) -> tuple[float, float, float]:
    """Macro precision, recall and F1 over pages."""
    tp = sum(s.tp for s in scores)
    fp = sum(s.fp for s in scores)
    fn = sum(s.fn for s in scores)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


REJECTED: dict[str, str] = {}


def copydesk_text(html: str, url: str) -> str:
    """copydesk's text; a page it rejects scores as empty output (and is noted in REJECTED)."""
    try:
        return extract_article(html, url).text
    except ExtractionError as exc:
        REJECTED[url] = exc.kind
        return ""


def bare_text(html: str, url: str) -> str:
    """trafilatura.extract with its default settings."""
    return trafilatura.extract(html) or ""


def load_pages(aeb: Path) -> dict[str, tuple[str, str, str]]:
    """id -> (html, url, expected article body)."""
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    pages: dict[str, tuple[str, str, str]] = {}
    for page_id, item in sorted(truth.items()):
        path = aeb / "html" / f"{page_id}.html.gz"
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages[page_id] = (html, item.get("url") or "https://example.invalid/", item.get("articleBody") or "")
    return pages


def run(
    pages: dict[str, tuple[str, str, str]], extractor: Callable[[str, str], str]
) -> tuple[dict[str, PageScore], float]:
    """Score one extractor over all pages; returns per-page scores and seconds taken."""
    started = time.perf_counter()
    scores = {
        page_id: score_page(truth, extractor(html, url)) for page_id, (html, url, truth) in pages.items()
    }
    return scores, time.perf_counter() - started


def report(ours: dict[str, PageScore], bare: dict[str, PageScore], seconds: tuple[float, float]) -> str:
    """The results section as markdown."""
    p1, r1, f1 = summarise(list(ours.values()))
    p0, r0, f0 = summarise(list(bare.values()))
    worse = sorted(
        (
            (page_id, bare[page_id].f1, ours[page_id].f1)
            for page_id in ours
            if bare[page_id].f1 - ours[page_id].f1 > WORSE_BY
        ),
        key=lambda item: item[2] - item[1],
    )
    better = sum(1 for page_id in ours if ours[page_id].f1 - bare[page_id].f1 > WORSE_BY)
    lines = [
        f"pages: {len(ours)}",
        "",
        "| extractor | precision | recall | F1 | seconds |",
        "|---|---|---|---|---|",
        f"| copydesk extract_article | {p1:.4f} | {r1:.4f} | {f1:.4f} | {seconds[0]:.1f} |",
        f"| bare trafilatura.extract | {p0:.4f} | {r0:.4f} | {f0:.4f} | {seconds[1]:.1f} |",
        "",
        f"pages where copydesk is better than bare by > {WORSE_BY} F1: {better}",
        f"pages where copydesk is worse than bare by > {WORSE_BY} F1: {len(worse)}",
    ]
    lines += [f"- {page_id}: bare {b:.3f}, copydesk {o:.3f}" for page_id, b, o in worse]
    lines.append(f"pages copydesk rejected (scored as empty): {len(REJECTED)}")
    lines += [f"- {url}: {kind}" for url, kind in sorted(REJECTED.items())]
    return "\n".join(lines)


def write_results(section: str, path: Path = RESULTS) -> None:
    """Record the figures in the results file's generated block."""
    write_block(path, section, "Extraction benchmark")


def main(argv: list[str] | None = None) -> int:
    """Score both extractors, print the table and record it in bench/results/extraction.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--aeb", type=Path, default=DEFAULT_AEB, help="benchmark folder (ground-truth.json, html/)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave the results file alone")
    args = parser.parse_args(argv)
    if not (args.aeb / "ground-truth.json").is_file() or not (args.aeb / "html").is_dir():
        print(f"benchmark data not found in {args.aeb} (needs ground-truth.json and html/); pass --aeb DIR",
              file=sys.stderr)  # fmt: skip
        return 2
    pages = load_pages(args.aeb)
    ours, ours_s = run(pages, copydesk_text)
    bare, bare_s = run(pages, bare_text)
    section = report(ours, bare, (ours_s, bare_s))
    print(section)
    if not args.no_write:
        write_results(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
