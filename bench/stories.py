"""Story-dedupe quality: ingest the synthetic syndicated web twice and score the warehouse against its truth.

Run `.venv/bin/python -m bench.stories [--stories N] [--seed S] [--keep DIR] [--rescore DIR]`, or in the
real-text mode `.venv/bin/python -m bench.stories --texts aeb,news-pages [--runs 3] [--orders 2]` (webs built
from the real texts of ../shared/bench; see bench/stories_texts.py).

Steps: bench.synweb generates a web (300 stories by default) into a temp dir (or --keep DIR); `sites/` is
served on loopback and `copydesk ingest --outlets <rendered> --warehouse <dir>/wh` runs as a subprocess;
the server restarts on the same port serving `sites_run2/` (copies that arrive days later) and ingest runs
again; then `<dir>/wh/warehouse.duckdb` is opened read-only and its `articles` / `stories` views are scored:

- pairwise precision and recall of "same story" over the truth articles that were loaded (a pair is positive
  when the truth puts both in one story; follow-ups and headline twins are stories of their own);
- recall by copy kind (the copy shares its original's story_id), and false merges of follow-ups and twins
  with the story they quote or mimic;
- leaks: loaded articles whose text contains any of the page's must_not_contain strings (outlet template text,
  Most-read teasers), and separately related-article sentences;
- canonical accuracy: share of stories whose stories.canonical_url is the truth original's URL;
- coverage: truth articles loaded at all, by kind, and extra rows for the same page (URL variants).

`--rescore DIR` scores a kept run again without generating or ingesting (DIR/run.json holds the base URL).
Results go to stdout and bench/results/stories.md.
"""

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.results_file import write_file
from bench.synweb import BASE, generate_web, render_outlets
from copydesk.loopback import serve_sites

REPO_ROOT = Path(__file__).resolve().parent.parent
COPYDESK = REPO_ROOT / ".venv" / "bin" / "copydesk"
RESULTS = REPO_ROOT / "bench" / "results" / "stories.md"
INGEST_TIMEOUT_S = 3600
COPY_KINDS = ("full", "truncated", "edited", "ja_copy", "url_variant")
ALL_KINDS = ("original", "followup", "twin", *COPY_KINDS)

Truth = dict[str, dict[str, dict[str, object]]]


@dataclass
class Row:
    """One warehouse article, as far as scoring needs it."""

    article_id: str
    url: str
    story_id: str | None
    is_original: bool | None
    text: str
    fetched_url: str | None = None
    discovered_url: str | None = None


@dataclass
class Score:
    """Every figure the benchmark reports."""

    truth_articles: int = 0
    truth_stories: int = 0
    rows: int = 0
    loaded: int = 0
    loaded_by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    unmatched_rows: int = 0
    variant_rows: int = 0
    precision: float = 0.0
    recall: float = 0.0
    pairs_true: int = 0
    pairs_predicted: int = 0
    pairs_correct: int = 0
    recall_by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    # copies by how the page names its source: loaded (of all), then folded with the original (of loaded)
    loaded_by_hint: dict[str, tuple[int, int]] = field(default_factory=dict)
    recall_by_hint: dict[str, tuple[int, int]] = field(default_factory=dict)
    followup_merged: tuple[int, int] = (0, 0)
    twin_merged: tuple[int, int] = (0, 0)
    boilerplate_leaks: int = 0
    related_leaks: int = 0
    key_sentence_found: tuple[int, int] = (0, 0)
    canonical_correct: tuple[int, int] = (0, 0)
    original_flagged: tuple[int, int] = (0, 0)
    copy_flagged_original: tuple[int, int] = (0, 0)
    date_trap_canonical: tuple[int, int] = (0, 0)
    leak_examples: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    """NFKC with collapsed whitespace, so half-width punctuation and re-wrapped lines still match."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _ratio(pair: tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit / total:.3f} ({hit}/{total})" if total else "n/a"


def run_ingest(outlets: Path, warehouse: Path, log: Path) -> float:
    """Run `copydesk ingest` once as a subprocess; its output goes to log. Returns seconds."""
    started = time.perf_counter()
    command = [str(COPYDESK), "ingest", "--outlets", str(outlets), "--warehouse", str(warehouse)]
    with log.open("a", encoding="utf-8") as sink:
        sink.write(f"$ {shlex.join(command)}\n")
        sink.flush()
        result = subprocess.run(
            command,
            cwd=REPO_ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            timeout=INGEST_TIMEOUT_S,
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"copydesk ingest exited {result.returncode}; see {log}")
    return time.perf_counter() - started


def load_rows(db: Path) -> tuple[list[Row], dict[str, str | None]]:
    """Articles and story canonical URLs from the warehouse, opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = {name for name, *_ in con.execute("DESCRIBE articles").fetchall()}
        extra = [c for c in ("fetched_url", "discovered_url") if c in columns]
        select = ", ".join(["article_id", "url", "story_id", "is_original", "text", *extra])
        rows = [Row(*values) for values in con.execute(f"SELECT {select} FROM articles").fetchall()]  # noqa: S608
        canonical = dict(con.execute("SELECT story_id, canonical_url FROM stories").fetchall())
    finally:
        con.close()
    return rows, canonical


@dataclass
class Matched:
    """Warehouse rows matched to the truth's pages (URLs with the served base)."""

    articles: dict[str, dict[str, object]]
    rows: dict[str, Row]
    unmatched: int = 0
    variants: int = 0


def match_rows(truth: Truth, rows: list[Row], base_url: str) -> Matched:
    """Each truth page's row: by its URL, else by the URL it was fetched from; a second row for one page is
    a variant."""
    base = base_url.rstrip("/")
    articles = {url.replace(BASE, base): entry for url, entry in truth["articles"].items()}
    lookup: dict[str, str] = {}
    for url, entry in articles.items():
        for variant in entry["variants"]:  # type: ignore[attr-defined]
            lookup[variant.replace(BASE, base)] = url
        lookup[url] = url
    out = Matched(articles, {})
    for row in rows:
        urls = (row.url, row.fetched_url, row.discovered_url)
        key = next((lookup[u] for u in urls if u and u in lookup), None)
        if key is None:
            out.unmatched += 1
        elif key in out.rows:
            out.variants += 1
            if row.url == key:
                out.rows[key] = row
        else:
            out.rows[key] = row
    return out


def score(truth: Truth, rows: list[Row], canonical: dict[str, str | None], base_url: str) -> Score:
    """Compare warehouse rows with the truth of the web they were ingested from."""
    base = base_url.rstrip("/")
    found_rows = match_rows(truth, rows, base_url)
    articles, matched = found_rows.articles, found_rows.rows
    s = Score(truth_articles=len(articles), truth_stories=len(truth["stories"]), rows=len(rows))
    s.unmatched_rows, s.variant_rows = found_rows.unmatched, found_rows.variants
    s.loaded = len(matched)
    by_kind_total = Counter(str(e["kind"]) for e in articles.values())
    by_kind_loaded = Counter(str(articles[u]["kind"]) for u in matched)
    s.loaded_by_kind = {k: (by_kind_loaded[k], by_kind_total[k]) for k in ALL_KINDS}

    def label(url: str) -> str:
        row = matched[url]
        return row.story_id if row.story_id is not None else f"unclustered:{row.article_id}"

    cells: Counter[tuple[str, str]] = Counter()
    for url in matched:
        cells[(str(articles[url]["story"]), label(url))] += 1
    true_sizes: Counter[str] = Counter()
    pred_sizes: Counter[str] = Counter()
    for (story, pred), n in cells.items():
        true_sizes[story] += n
        pred_sizes[pred] += n
    s.pairs_correct = sum(_pairs(n) for n in cells.values())
    s.pairs_true = sum(_pairs(n) for n in true_sizes.values())
    s.pairs_predicted = sum(_pairs(n) for n in pred_sizes.values())
    s.precision = s.pairs_correct / s.pairs_predicted if s.pairs_predicted else 1.0
    s.recall = s.pairs_correct / s.pairs_true if s.pairs_true else 1.0

    original_of = {key: str(story["original"]).replace(BASE, base) for key, story in truth["stories"].items()}
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    hint_all: Counter[str] = Counter()
    hint_loaded: Counter[str] = Counter()
    for url, entry in articles.items():
        if entry["is_original"]:
            continue
        hint = str(entry["hint"])
        hint_all[hint] += 1
        hint_loaded[hint] += url in matched
        original = original_of[str(entry["story"])]
        if url not in matched or original not in matched:
            continue
        same = label(url) == label(original)
        for key in (str(entry["kind"]), f"hint:{hint}"):
            totals[key] += 1
            hits[key] += same
    s.recall_by_kind = {k: (hits[k], totals[k]) for k in COPY_KINDS}
    s.loaded_by_hint = {h: (hint_loaded[h], hint_all[h]) for h in sorted(hint_all)}
    s.recall_by_hint = {h: (hits[f"hint:{h}"], totals[f"hint:{h}"]) for h in sorted(hint_all)}

    merged: dict[str, list[int]] = {"followup": [0, 0], "twin": [0, 0]}
    for key, story in truth["stories"].items():
        kind, related = str(story["kind"]), story["related_to"]
        if kind not in merged or related is None:
            continue
        mine, theirs = original_of[key], original_of[str(related)]
        if mine in matched and theirs in matched:
            merged[kind][1] += 1
            merged[kind][0] += label(mine) == label(theirs)
    s.followup_merged = (merged["followup"][0], merged["followup"][1])
    s.twin_merged = (merged["twin"][0], merged["twin"][1])

    found = flagged_orig = orig_total = flagged_copy = copy_total = 0
    for url, row in matched.items():
        entry = articles[url]
        text = _norm(row.text or "")
        found += _norm(str(entry["key_sentence"])) in text
        related = {_norm(x) for x in entry["related"]}  # type: ignore[attr-defined]
        others = [_norm(x) for x in entry["must_not_contain"] if _norm(x) not in related]  # type: ignore[attr-defined]
        leak = next((x for x in others if x in text), None)
        if leak is not None:
            s.boilerplate_leaks += 1
            if len(s.leak_examples) < 8:
                s.leak_examples.append(f"{entry['outlet']}: {leak[:90]}")
        s.related_leaks += any(x in text for x in related)
        if entry["is_original"]:
            orig_total += 1
            flagged_orig += row.is_original is True
        else:
            copy_total += 1
            flagged_copy += row.is_original is True
    s.key_sentence_found = (found, len(matched))
    s.original_flagged = (flagged_orig, orig_total)
    s.copy_flagged_original = (flagged_copy, copy_total)

    members: dict[str, list[str]] = defaultdict(list)
    for url in matched:
        members[str(articles[url]["story"])].append(label(url))
    traps = {str(e["story"]) for u, e in articles.items() if e["date_trap"] and u in matched}
    correct = trap_correct = 0
    for key, labels in members.items():
        pred = Counter(labels).most_common(1)[0][0]
        ok = canonical.get(pred) == original_of[key]
        correct += ok
        trap_correct += ok and key in traps
    s.canonical_correct = (correct, len(members))
    s.date_trap_canonical = (trap_correct, len(traps & set(members)))
    return s


def render(s: Score, context: dict[str, object]) -> str:
    """The score as a markdown report."""
    lines = [
        "# Story dedupe on the synthetic syndicated web",
        "",
        f"Command: `{context['command']}`  ",
        f"Date: {context['date']}  ",
        f"Web: {context['web']}  ",
        f"Timings: {context['timings']}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| truth articles loaded | {_ratio((s.loaded, s.truth_articles))} |",
        "| warehouse rows / unmatched / extra rows for one page (URL variants) | "
        f"{s.rows} / {s.unmatched_rows} / {s.variant_rows} |",
        f"| pairwise precision | {s.precision:.4f} ({s.pairs_correct}/{s.pairs_predicted}) |",
        f"| pairwise recall | {s.recall:.4f} ({s.pairs_correct}/{s.pairs_true}) |",
    ]
    lines += [f"| recall, {kind} copies | {_ratio(pair)} |" for kind, pair in s.recall_by_kind.items()]
    lines += [
        f"| follow-ups merged with the story they quote (want 0) | {_ratio(s.followup_merged)} |",
        f"| headline twins merged (want 0) | {_ratio(s.twin_merged)} |",
        f"| articles leaking template/teaser text (want 0) | {s.boilerplate_leaks} of {s.loaded} |",
        f"| articles leaking related-article sentences (want 0) | {s.related_leaks} of {s.loaded} |",
        f"| key sentence present | {_ratio(s.key_sentence_found)} |",
        f"| canonical_url is the true original | {_ratio(s.canonical_correct)} |",
        f"| same, stories with a copy claiming an earlier date | {_ratio(s.date_trap_canonical)} |",
        f"| originals flagged is_original | {_ratio(s.original_flagged)} |",
        f"| copies wrongly flagged is_original (want 0) | {_ratio(s.copy_flagged_original)} |",
        "",
        "Loaded by kind: " + ", ".join(f"{k} {_ratio(v)}" for k, v in s.loaded_by_kind.items()),
        "",
        "Copies by source hint (canonical = rel=canonical to the original; outlets share one loopback host "
        "and are told apart by their site_prefix): loaded "
        + ", ".join(f"{h} {_ratio(v)}" for h, v in s.loaded_by_hint.items())
        + "; folded with the original "
        + ", ".join(f"{h} {_ratio(v)}" for h, v in s.recall_by_hint.items()),
    ]
    if s.leak_examples:
        lines += ["", "Leak examples:", *[f"- {x}" for x in s.leak_examples]]
    return "\n".join(lines) + "\n"


def run(n_stories: int, seed: int, workdir: Path) -> tuple[Truth, Path, str, dict[str, object]]:
    """Generate, serve run 1, ingest, serve run 2 on the same port, ingest again."""
    started = time.perf_counter()
    web = generate_web(workdir / "web", n_stories=n_stories, seed=seed)
    warehouse = workdir / "wh"
    # a kept directory may hold the warehouse of an earlier run, served on another port: start cold
    shutil.rmtree(warehouse, ignore_errors=True)
    log = workdir / "ingest.log"
    assert web.sites_run2 is not None
    with serve_sites(web.sites) as server:
        port, base_url = server.server_address[1], server.base_url
        outlets = render_outlets(web.out_dir, base_url)
        run_meta = {"base_url": base_url, "stories": n_stories, "seed": seed}
        (workdir / "run.json").write_text(json.dumps(run_meta))
        first = run_ingest(outlets, warehouse, log)
    # the same port keeps every URL of run 1 valid in run 2
    with serve_sites(web.sites_run2, port=port):
        second = run_ingest(outlets, warehouse, log)
    web_desc = (
        f"{n_stories} stories, seed {seed}: {web.articles} truth articles, pages run1/run2 "
        f"{web.pages.get(1, 0)}/{web.pages.get(2, 0)}, {web.page_bytes / 1e6:.1f} MB, "
        f"kinds {web.kinds}"
    )
    timings = (
        f"generate {web.seconds:.1f} s, ingest run 1 {first:.1f} s, run 2 {second:.1f} s, "
        f"total {time.perf_counter() - started:.1f} s"
    )
    return web.load(), warehouse / "warehouse.duckdb", base_url, {"web": web_desc, "timings": timings}


REAL_START, REAL_END = "<!-- real-texts:start -->", "<!-- real-texts:end -->"


def _split_results() -> tuple[str, str, str]:
    """stories.md in three parts, each possibly "": the synthetic web's results, the real-text block (with
    its markers), and the hand-written notes after that block, which neither mode rewrites."""
    if not RESULTS.exists():
        return "", "", ""
    text = RESULTS.read_text(encoding="utf-8")
    if REAL_START in text and REAL_END in text:
        head, rest = text.split(REAL_START, 1)
        block, tail = rest.split(REAL_END, 1)
        return head.rstrip() + "\n", f"{REAL_START}{block}{REAL_END}\n", tail.strip()
    return text, "", ""


def _write_results(synthetic: str, real: str, notes: str) -> None:
    parts = [part.strip() for part in (synthetic, real, notes) if part.strip()]
    write_file(RESULTS, "\n\n".join(parts) + "\n")


def run_real_texts(args: argparse.Namespace, command: str) -> int:
    """The real-text mode (bench/stories_texts.py): one web per text set, --orders arrival orders each."""
    from bench.stories_texts import TEXT_SETS, partition_difference, render_half, run_web, score_text_web

    sections = []
    worst = 0
    for name in args.texts.split(","):
        if name not in TEXT_SETS:
            raise SystemExit(f"unknown text set {name!r}: one of {', '.join(TEXT_SETS)}")
        folder, reader, role = TEXT_SETS[name]
        source = args.shared / folder
        if not source.exists():
            print(f"{source} is not on this machine: {name} skipped", file=sys.stderr)
            worst = 2
            continue
        texts = reader(source)
        desc = [f"texts: {len(texts)} real article bodies from {folder}, read at run time"]
        scores, labels = [], []
        for order in range(1, args.orders + 1):
            with tempfile.TemporaryDirectory(prefix=f"copydesk-texts-{name}-") as tmp:
                workdir = args.keep / f"{name}-order{order}" if args.keep else Path(tmp)
                workdir.mkdir(parents=True, exist_ok=True)
                truth, db, base_url, result, web_desc = run_web(
                    texts, args.seed, order, args.runs, workdir, COPYDESK, REPO_ROOT, INGEST_TIMEOUT_S
                )
                rows, canonical = load_rows(db)
                scored = score_text_web(truth, rows, canonical, base_url, result)
            desc.append(f"order {order}: {web_desc}")
            scores.append(scored)
            # pages by their path below the base URL: the orders' servers listen on other ports
            labels.append({url.split("/", 3)[-1]: story for url, story in scored.labels.items()})
            print(
                f"{name} order {order}: P {scored.precision} R {scored.recall} exits {scored.runs_exit}",
                flush=True,
            )
        difference = partition_difference(labels[0], labels[1]) if len(labels) > 1 else None
        sections.append(render_half(name, role, desc, scores, difference, command))
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (
        f"{REAL_START}\n## Real article texts (issue 20)\n\nDate: {date}; {args.runs} runs per order, "
        f"{args.orders} arrival orders per text set. The rules were tuned on aeb-dev; news-pages-dev is "
        "reported as it came out.\n\n" + "\n".join(sections) + f"{REAL_END}\n"
    )
    print(block)
    synthetic, _, notes = _split_results()
    _write_results(synthetic, block, notes)
    return worst


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: run the benchmark and write bench/results/stories.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.stories", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stories", type=int, default=300, help="stories in the generated web")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate and ingest into DIR and keep it")
    parser.add_argument("--rescore", type=Path, help="score a run kept with --keep DIR again, no ingest")
    parser.add_argument("--texts", help="real-text mode: comma-separated text sets (aeb, news-pages)")
    parser.add_argument("--runs", type=int, default=3, help="real-text mode: runs the pages arrive over")
    parser.add_argument("--orders", type=int, default=2, help="real-text mode: arrival orders per text set")
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "bench",
        help="real-text mode: the folder holding aeb-dev and news-pages-dev",
    )
    args = parser.parse_args(argv)
    command = "python -m bench.stories " + shlex.join(argv if argv is not None else sys.argv[1:])
    if args.texts:
        return run_real_texts(args, command)
    if args.rescore:
        workdir = args.rescore
        meta = json.loads((workdir / "run.json").read_text())
        truth = json.loads((workdir / "web" / "truth.json").read_text(encoding="utf-8"))
        db, base_url = workdir / "wh" / "warehouse.duckdb", meta["base_url"]
        context: dict[str, object] = {
            "web": f"kept run in {workdir} ({meta['stories']} stories)",
            "timings": "n/a",
        }
    elif args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        truth, db, base_url, context = run(args.stories, args.seed, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="copydesk-stories-") as tmp:
            truth, db, base_url, context = run(args.stories, args.seed, Path(tmp))
            rows, canonical = load_rows(db)
            return _report(score(truth, rows, canonical, base_url), context, command)
    rows, canonical = load_rows(db)
    return _report(score(truth, rows, canonical, base_url), context, command)


def _report(s: Score, context: dict[str, object], command: str) -> int:
    context = {**context, "command": command, "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    text = render(s, context)
    print(text)
    _, real, notes = _split_results()
    _write_results(text, real, notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
