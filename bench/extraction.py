"""Extraction quality: copydesk's extract_article against bare trafilatura 2.3.1, on two sets of real pages.

Run `python -m bench.extraction [--aeb DIR] [--news DIR]`. Both extractors run in the same process on the same
pages. Sets (../shared/bench, see their README.txt):

- aeb-dev: 121 pages of the article-extraction benchmark, body only.
- news-pages-dev: 127 news pages with hand-checked title, authors, date and body.

Each set is split into two halves by publisher (the registrable domain for aeb-dev), by a hash of its name:
rules are developed on the "tune" half and the "held" half shows whether they generalise. Both halves and the
whole set are reported every time.

Scoring, as news-pages-dev's README states it:
- body: the article-extraction-benchmark metric: texts become 4-token shingles of \\w+ tokens; per page, true
  positives, false positives and false negatives are counted over shingle multisets and divided by their sum
  (so long pages weigh no more than short ones); precision and recall are computed from those per-page
  fractions summed over pages, and F1 from them. news-pages-dev's expected body is its summary (the lead)
  followed by every section's headline and paragraphs.
- title: exact after NFC, invisible (format) characters dropped, whitespace collapsed.
- date: the same instant to the minute as published_at; where the expected value gives no time (a naive
  midnight) the same calendar date; where it is a naive wall clock, the same wall clock to the minute in the
  publisher's country's zone (its main newsroom's where a country has several; COUNTRY_ZONES). Bare
  trafilatura gives a date without a time: it scores on the calendar-date column, and to the minute only
  where no time is expected.
- authors: set F1 after case and whitespace folding, and the share of pages whose set is exact (pages
  without expected authors are not scored). Bare trafilatura's "; "-joined author string is split there.
- language: the detected primary subtag is one of the publisher's languages (bare gives none).

A page copydesk rejects (ExtractionError) scores as empty output; bare trafilatura is `bare_extraction(page,
url=url, with_metadata=True)`. `--cost ROUNDS` times extract_article's CPU per page instead, on the dev pages
or (`--synthetic N`) on a synthetic web's article pages, and with `--against REV` a git revision's
extract_article too, the two alternating page by page in one process.
"""

import argparse
import contextlib
import gc
import gzip
import hashlib
import importlib
import io
import json
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import trafilatura

from bench.results_file import write_block
from copydesk.tasks.extract import ExtractionError, extract_article
from copydesk.tasks.http import decode_html

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared" / "bench"
DEFAULT_AEB = SHARED / "aeb-dev"
DEFAULT_NEWS = SHARED / "news-pages-dev"
RESULTS = REPO_ROOT / "bench" / "results" / "extraction.md"
SHINGLE = 4
WORSE_BY = 0.2
TOKEN_RE = re.compile(r"\w+")
HALVES = ("tune", "held")
# a naive expected time is a wall clock where the publisher is: its country's zone (the main newsroom's)
COUNTRY_ZONES = {
    "at": "Europe/Vienna", "au": "Australia/Sydney", "be": "Europe/Brussels", "ca": "America/Toronto",
    "ch": "Europe/Zurich", "de": "Europe/Berlin", "dk": "Europe/Copenhagen", "es": "Europe/Madrid",
    "fr": "Europe/Paris", "id": "Asia/Jakarta", "it": "Europe/Rome", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "ls": "Africa/Maseru", "my": "Asia/Kuala_Lumpur", "na": "Africa/Windhoek", "no": "Europe/Oslo",
    "pl": "Europe/Warsaw", "pt": "Europe/Lisbon", "ru": "Europe/Moscow", "se": "Europe/Stockholm",
    "tr": "Europe/Istanbul", "tw": "Asia/Taipei", "ua": "Europe/Kyiv", "uk": "Europe/London",
    "us": "America/New_York", "za": "Africa/Johannesburg",
}  # fmt: skip


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


def half_of(publisher: str) -> str:
    """'tune' or 'held': a fixed split of publishers by a hash of the name."""
    return HALVES[hashlib.sha1(publisher.lower().encode("utf-8")).digest()[0] % 2]


@dataclass
class Page:
    """One benchmark page and what is expected of it (None: not scored for that field)."""

    dataset: str
    page_id: str
    publisher: str
    url: str
    data: bytes
    body: str
    title: str | None = None
    authors: list[str] | None = None
    published: str | None = None
    languages: list[str] = field(default_factory=list)
    country: str | None = None

    @property
    def half(self) -> str:
        """The half this page's publisher falls in."""
        return half_of(self.publisher)


@dataclass
class Prediction:
    """What one extractor made of a page."""

    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    date_only: bool = False
    language: str | None = None
    rejected: str | None = None


def load_aeb(folder: Path) -> list[Page]:
    """aeb-dev's pages (body only), utf-8 as stored."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        url = item.get("url") or "https://example.invalid/"
        data = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        host = urlsplit(url).hostname or page_id
        publisher = ".".join(host.removeprefix("www.").split(".")[-3:])
        pages.append(Page("aeb", page_id, publisher, url, data, item.get("articleBody") or ""))
    return pages


def news_body(expected: dict[str, Any]) -> str:
    """The lead and every section's headline and paragraphs, one per line."""
    body = expected.get("body") or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n".join(parts)


def load_news(folder: Path) -> list[Page]:
    """news-pages-dev's pages, re-encoded to their declared charset as a server would send them."""
    pages = []
    for case in json.loads((folder / "cases.json").read_text(encoding="utf-8")):
        html = gzip.decompress((folder / case["html"]).read_bytes()).decode("utf-8")
        charset = (case.get("declared_charset") or "utf-8").lower()
        data = html.encode(charset, errors="xmlcharrefreplace")
        expected = case["expected"]
        pages.append(
            Page(
                "news",
                case["id"],
                case["publisher"],
                case["url"],
                data,
                news_body(expected),
                title=expected.get("title"),
                authors=expected.get("authors"),
                published=expected.get("publishing_date"),
                languages=list(case.get("languages") or []),
                country=case.get("country"),
            )
        )
    return pages


def decoded(page: Page) -> str:
    """The page's text as copydesk's fetcher decodes it (aeb-dev is stored as utf-8)."""
    if page.dataset == "aeb":
        return page.data.decode("utf-8", errors="replace")
    return decode_html(page.data, None)[0]


def copydesk_prediction(page: Page) -> Prediction:
    """copydesk's Article for the page; a rejected page has empty fields."""
    try:
        article = extract_article(decoded(page), page.url)
    except ExtractionError as exc:
        return Prediction(rejected=exc.kind)
    return Prediction(
        text=article.text,
        title=article.title,
        authors=list(article.authors),
        published=article.published_at,
        language=article.language,
    )


def bare_prediction(page: Page) -> Prediction:
    """Bare trafilatura's text and metadata for the page."""
    source: bytes | str = page.data if page.dataset == "news" else decoded(page)
    document = trafilatura.bare_extraction(source, url=page.url, with_metadata=True)
    if document is None:
        return Prediction()
    published = None
    if document.date:
        try:
            published = datetime.fromisoformat(document.date)
        except ValueError:
            published = None
    return Prediction(
        text=document.text or "",
        title=document.title,
        authors=[a.strip() for a in (document.author or "").split(";") if a.strip()],
        published=published,
        date_only=True,
    )


def fold_title(value: str | None) -> str:
    """NFC, format characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def fold_name(value: str) -> str:
    """A name with case and whitespace folded."""
    return " ".join(value.split()).casefold()


def authors_f1(expected: list[str], predicted: list[str]) -> float:
    """Set F1 of folded names; 1.0 when both are empty."""
    want, got = {fold_name(a) for a in expected}, {fold_name(a) for a in predicted}
    if not want and not got:
        return 1.0
    hits = len(want & got)
    return 2 * hits / (len(want) + len(got)) if hits else 0.0


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def date_matches(
    expected: str, predicted: datetime | None, date_only: bool, to_minute: bool, country: str | None = None
) -> bool:
    """Whether the prediction dates the page as expected, to the minute or to the calendar date."""
    if predicted is None:
        return False
    want = datetime.fromisoformat(expected)
    if want.tzinfo is None and country in COUNTRY_ZONES and predicted.tzinfo is not None:
        predicted = predicted.astimezone(ZoneInfo(COUNTRY_ZONES[country]))
    no_time = want.tzinfo is None and (want.hour, want.minute, want.second) == (0, 0, 0)
    if to_minute and not no_time:
        if date_only:
            return False
        if want.tzinfo is None:  # a wall clock: in the publisher's zone, else the offset given
            return _minute(predicted.replace(tzinfo=None)) == _minute(want)
        return _minute(predicted.astimezone(UTC)) == _minute(want.astimezone(UTC))
    if want.tzinfo is None or predicted.tzinfo is None:
        return predicted.date() == want.date()
    # the calendar date where the page was published, as the expected value's offset says
    return predicted.astimezone(want.tzinfo).date() == want.date()


@dataclass
class FieldScores:
    """One extractor's per-page scores on one set."""

    body: dict[str, PageScore] = field(default_factory=dict)
    title: dict[str, bool] = field(default_factory=dict)
    date_minute: dict[str, bool] = field(default_factory=dict)
    date_day: dict[str, bool] = field(default_factory=dict)
    authors: dict[str, float] = field(default_factory=dict)
    authors_exact: dict[str, bool] = field(default_factory=dict)
    language: dict[str, bool] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def score(pages: list[Page], predict: Callable[[Page], Prediction]) -> tuple[FieldScores, dict[str, Any]]:
    """Run one extractor over the pages; per-page scores and predictions."""
    scores = FieldScores()
    details: dict[str, Any] = {}
    started = time.perf_counter()
    predictions = {page.page_id: predict(page) for page in pages}
    scores.seconds = time.perf_counter() - started
    for page in pages:
        got = predictions[page.page_id]
        key = page.page_id
        if got.rejected:
            scores.rejected[key] = got.rejected
        scores.body[key] = score_page(page.body, got.text)
        if page.title is not None:
            scores.title[key] = fold_title(page.title) == fold_title(got.title)
        if page.published:
            scores.date_minute[key] = date_matches(
                page.published, got.published, got.date_only, True, page.country
            )
            scores.date_day[key] = date_matches(
                page.published, got.published, got.date_only, False, page.country
            )
        if page.authors is not None:
            scores.authors[key] = authors_f1(page.authors, got.authors)
            scores.authors_exact[key] = scores.authors[key] == 1.0
        if page.languages:
            scores.language[key] = got.language in page.languages
        details[key] = {
            "half": page.half,
            "publisher": page.publisher,
            "f1": round(scores.body[key].f1, 4),
            "title": got.title,
            "authors": got.authors,
            "published": got.published.isoformat() if got.published else None,
            "language": got.language,
            "rejected": got.rejected,
            "text": got.text,
        }
    return scores, details


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(pages: list[Page], ours: FieldScores, bare: FieldScores, with_fields: bool) -> list[str]:
    """Rows per half (tune, held, all) and extractor."""
    head = "| half | pages | extractor | body P | body R | body F1 |"
    rule = "|---|---|---|---|---|---|"
    if with_fields:
        head += " title exact | date minute | date day | authors F1 | authors exact | language |"
        rule += "---|---|---|---|---|---|"
    lines = [head, rule]
    for half in (*HALVES, "all"):
        keys = {p.page_id for p in pages if half in ("all", p.half)}
        for name, scores in (("copydesk", ours), ("bare", bare)):
            p, r, f1 = summarise([s for k, s in scores.body.items() if k in keys])
            row = f"| {half} | {len(keys)} | {name} | {p:.4f} | {r:.4f} | **{f1:.4f}** |"
            if with_fields:

                def share(values: dict[str, Any], keys: set[str] = keys) -> str:
                    return _fmt(_mean(float(v) for k, v in values.items() if k in keys))

                language = share(scores.language) if name == "copydesk" else "-"
                row += (
                    f" {share(scores.title)} | {share(scores.date_minute)} | {share(scores.date_day)} |"
                    f" {share(scores.authors)} | {share(scores.authors_exact)} | {language} |"
                )
            lines.append(row)
    return lines


def worse_pages(pages: list[Page], ours: FieldScores, bare: FieldScores, by: float) -> list[str]:
    """Pages where copydesk's body F1 is more than `by` below bare trafilatura's."""
    rows = []
    for page in pages:
        ours_f1, bare_f1 = ours.body[page.page_id].f1, bare.body[page.page_id].f1
        if bare_f1 - ours_f1 > by:
            rows.append((ours_f1 - bare_f1, f"- {page.page_id} ({page.half}): bare {bare_f1:.3f}, copydesk "
                         f"{ours_f1:.3f}" + (f" (rejected: {ours.rejected[page.page_id]})"
                                              if page.page_id in ours.rejected else "")))  # fmt: skip
    return [row for _, row in sorted(rows)]


def report_set(title: str, pages: list[Page], ours: FieldScores, bare: FieldScores, with_fields: bool) -> str:
    """One set's section as markdown."""
    lines = [f"### {title}", "", *table(pages, ours, bare, with_fields), ""]
    worse_01 = worse_pages(pages, ours, bare, 0.1)
    worse = worse_pages(pages, ours, bare, WORSE_BY)
    better = sum(1 for p in pages if ours.body[p.page_id].f1 - bare.body[p.page_id].f1 > 0.1)
    lines.append(f"pages where copydesk's body F1 is better than bare's by > 0.1: {better}; worse by > 0.1: "
                 f"{len(worse_01)}; worse by > {WORSE_BY}: {len(worse)}")  # fmt: skip
    lines += worse_01
    lines.append(f"pages copydesk rejected (scored as empty): {len(ours.rejected)}")
    lines += [f"- {key}: {kind}" for key, kind in sorted(ours.rejected.items())]
    lines.append(f"seconds: copydesk {ours.seconds:.1f}, bare {bare.seconds:.1f}")
    return "\n".join(lines)


def cost_inputs(sets: list[list[Page]], synthetic: int) -> list[tuple[str, str]]:
    """(html, url) of the pages to time: the dev pages, or the article pages of a synthetic web."""
    if not synthetic:
        return [(decoded(page), page.url) for pages in sets for page in pages]
    from bench.synweb import generate_web

    web = generate_web(Path(tempfile.mkdtemp(prefix="copydesk-costweb-")), n_stories=synthetic, runs=1)
    files = sorted(f for f in web.sites.rglob("*.html") if f.name != "index.html")
    # the pages as the fetcher decodes them (the synthetic web has Shift_JIS and EUC pages)
    return [(decode_html(f.read_bytes(), None)[0], f"https://{f.relative_to(web.sites)}") for f in files]


def extract_package_at(revision: str) -> ModuleType:
    """The tasks/extract package of another git revision, importable beside this one (copydesk_rev.tasks)."""
    root = Path(tempfile.mkdtemp(prefix="copydesk-rev-"))
    archive = subprocess.run(
        ["git", "archive", revision, "tasks"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root / "copydesk_rev", filter="data")
    (root / "copydesk_rev" / "__init__.py").write_text("", encoding="utf-8")
    for module in (root / "copydesk_rev" / "tasks").rglob("*.py"):
        code = module.read_text(encoding="utf-8")
        module.write_text(code.replace("copydesk.tasks", "copydesk_rev.tasks"), encoding="utf-8")
    sys.path.insert(0, str(root))
    return importlib.import_module("copydesk_rev.tasks.extract")


def _cpu_ms(module: ModuleType, html: str, url: str) -> float:
    started = time.process_time()
    with contextlib.suppress(module.ExtractionError):  # a rejected page costs what it cost
        module.extract_article(html, url)
    return (time.process_time() - started) * 1000


def cpu_per_page(
    inputs: list[tuple[str, str]], rounds: int, against: ModuleType | None = None
) -> dict[str, Any]:
    """extract_article's CPU milliseconds per page, per round over every page; with `against`, that
    revision's too, the two alternating page by page (so the machine's load falls on both alike)."""
    import copydesk.tasks.extract as current

    modules = {"this": current} | ({"against": against} if against is not None else {})
    for html, url in inputs[:10]:  # imports and caches, as a worker's first pages do
        for module in modules.values():
            _cpu_ms(module, html, url)
    gc.collect()
    gc.freeze()  # as the CLI does once its imports are done
    figures: dict[str, list[float]] = {name: [] for name in modules}
    for round_ in range(rounds):
        totals = dict.fromkeys(modules, 0.0)
        for i, (html, url) in enumerate(inputs):
            order = list(modules) if (i + round_) % 2 == 0 else list(reversed(modules))
            for name in order:
                totals[name] += _cpu_ms(modules[name], html, url)
        for name, total in totals.items():
            figures[name].append(round(total / len(inputs), 3))
    result: dict[str, Any] = {"pages": len(inputs)}
    result |= {name: {"ms_per_page": f, "median": statistics.median(f)} for name, f in figures.items()}
    if against is not None:
        result["this_over_against"] = [
            round(a / b, 4) for a, b in zip(figures["this"], figures["against"], strict=True)
        ]
    return result


def main(argv: list[str] | None = None) -> int:
    """Score both extractors on both sets, print the tables and record them in bench/results/extraction.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--aeb", type=Path, default=DEFAULT_AEB, help="aeb-dev folder")
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS, help="news-pages-dev folder")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the results file alone")
    parser.add_argument("--pages-out", type=Path, help="every page's predictions (JSON)")
    parser.add_argument("--cost", type=int, metavar="ROUNDS", help="time extract_article's CPU per page only")
    parser.add_argument(
        "--against", metavar="REV", help="with --cost: time this git revision's too, alternating"
    )
    parser.add_argument(
        "--synthetic", type=int, default=0, metavar="N", help="with --cost: a synthetic web of N stories"
    )
    args = parser.parse_args(argv)
    if not (args.aeb / "ground-truth.json").is_file() or not (args.news / "cases.json").is_file():
        print(f"benchmark data not found in {args.aeb} or {args.news}; pass --aeb DIR --news DIR",
              file=sys.stderr)  # fmt: skip
        return 2
    sets = [
        ("aeb-dev (body only)", load_aeb(args.aeb), False),
        ("news-pages-dev", load_news(args.news), True),
    ]
    if args.cost:
        inputs = cost_inputs([pages for _, pages, _ in sets], args.synthetic)
        against = extract_package_at(args.against) if args.against else None
        print(json.dumps(cpu_per_page(inputs, args.cost, against)))
        return 0
    sections = []
    dump: dict[str, Any] = {}
    for title, pages, with_fields in sets:
        ours, ours_pages = score(pages, copydesk_prediction)
        bare, bare_pages = score(pages, bare_prediction)
        sections.append(report_set(title, pages, ours, bare, with_fields))
        dump[title] = {"copydesk": ours_pages, "bare": bare_pages}
    section = "\n\n".join(sections)
    print(section)
    if args.pages_out:
        args.pages_out.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_write:
        write_block(RESULTS, section, "Extraction benchmark")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
