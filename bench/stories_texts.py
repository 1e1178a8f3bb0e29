"""bench.stories' real-text mode: webs built from real article texts, arriving over several runs in shuffled
orders, ingested by `copydesk ingest` and scored on the figures of issue 20.

`python -m bench.stories --texts aeb,news-pages [--runs 3] [--orders 2] [--shared ../shared/bench]`

Each named text set (aeb: ../shared/bench/aeb-dev, the half the rules were tuned on; news-pages:
../shared/bench/news-pages-dev, reported as kept aside) becomes one web (bench.synweb with texts=...: the
texts are read at run time, never stored in the repository). The web is served run by run on loopback and
ingested once per run, for each of `--orders` arrival orders of the same pages; every figure is per order,
and the partitions of the orders are compared (the stories must not depend on the arrival order).
"""

import shutil
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.stories import _norm, _pairs, _ratio, match_rows
from bench.synweb import generate_web
from bench.synweb.sources import SourceText, texts_from_aeb, texts_from_news_pages
from bench.synweb.texts import APART_KINDS, COPY_KINDS, stamp_run_times
from copydesk.loopback import serve_sites

TEXT_SETS = {
    "aeb": ("aeb-dev", texts_from_aeb, "tuned on"),
    "news-pages": ("news-pages-dev", texts_from_news_pages, "kept aside (reported)"),
}
Truth = dict[str, dict[str, dict[str, object]]]


@dataclass
class TextScore:
    """The figures of issue 20 for one arrival order of one web."""

    runs_exit: list[int] = field(default_factory=list)
    run_seconds: list[float] = field(default_factory=list)
    truth_articles: int = 0
    loaded: int = 0
    precision: tuple[int, int] = (0, 0)
    recall: tuple[int, int] = (0, 0)
    recall_by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    copy_first_recall: tuple[int, int] = (0, 0)
    copy_first_canonical: tuple[int, int] = (0, 0)
    updates_loaded: tuple[int, int] = (0, 0)
    template_merges: int = 0
    short_articles_merged: tuple[int, int] = (0, 0)
    canonical: tuple[int, int] = (0, 0)
    canonical_dateline: tuple[int, int] = (0, 0)
    boilerplate_lines: int = 0
    boilerplate_by_kind: Counter[str] = field(default_factory=Counter)
    related_sentences: int = 0
    apart_merged: dict[str, tuple[int, int]] = field(default_factory=dict)
    key_sentence: tuple[int, int] = (0, 0)
    examples: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def run_web(
    texts: list[SourceText],
    seed: int,
    arrival_seed: int,
    runs: int,
    workdir: Path,
    copydesk: Path,
    repo: Path,
    timeout_s: int,
) -> tuple[Truth, Path, str, TextScore, str]:
    """Generate the web, serve and ingest it run by run on one port; exit codes are recorded, not fatal."""
    web = generate_web(workdir / "web", texts=texts, seed=seed, arrival_seed=arrival_seed, runs=runs)
    warehouse = workdir / "wh"
    shutil.rmtree(warehouse, ignore_errors=True)
    log = workdir / "ingest.log"
    result = TextScore()
    port: int | None = None
    base_url = ""
    times: dict[int, str] = {}
    for run in range(1, runs + 1):
        # a page updated in run k says so in its sitemap's lastmod: the real time run k is served
        times[run] = datetime.now(UTC).isoformat()
        stamp_run_times(web.roots[run], times)
        with serve_sites(web.roots[run], port=port or 0) as server:
            port, base_url = server.server_address[1], server.base_url
            outlets = web.out_dir / "outlets.rendered.yaml"
            outlets.write_text(
                web.outlets_file.read_text(encoding="utf-8").replace("{{BASE}}", base_url), encoding="utf-8"
            )
            started = time.perf_counter()
            command = [str(copydesk), "ingest", "--outlets", str(outlets), "--warehouse", str(warehouse)]
            with log.open("a", encoding="utf-8") as sink:
                sink.write(f"$ {' '.join(command)}\n")
                sink.flush()
                done = subprocess.run(
                    command, cwd=repo, stdout=sink, stderr=subprocess.STDOUT, timeout=timeout_s, check=False
                )
            result.runs_exit.append(done.returncode)
            result.run_seconds.append(time.perf_counter() - started)
    desc = (
        f"{len(texts)} texts, seed {seed}, arrival order {arrival_seed}: {web.articles} truth pages, "
        f"{web.stories} stories, pages per run {web.pages}, kinds {web.kinds}"
    )
    return web.load(), warehouse / "warehouse.duckdb", base_url, result, desc


def score_text_web(
    truth: Truth, rows: list, canonical: dict[str, str | None], base_url: str, result: TextScore
) -> TextScore:
    """Score the warehouse rows of one ingested text web (bench.stories.Row) against its truth."""
    found = match_rows(truth, rows, base_url)
    articles, matched = found.articles, found.rows
    base = base_url.rstrip("/")
    stories = truth["stories"]
    original_of = {key: str(story["original"]).replace("{{BASE}}", base) for key, story in stories.items()}
    s = result
    s.truth_articles, s.loaded = len(articles), len(matched)

    def label(url: str) -> str:
        row = matched[url]
        return row.story_id if row.story_id is not None else f"unlinked:{row.article_id}"

    s.labels = {url: label(url) for url in matched}
    cells: Counter[tuple[str, str]] = Counter((str(articles[u]["story"]), label(u)) for u in matched)
    true_sizes: Counter[str] = Counter()
    pred_sizes: Counter[str] = Counter()
    for (story, pred), n in cells.items():
        true_sizes[story] += n
        pred_sizes[pred] += n
    correct = sum(_pairs(n) for n in cells.values())
    s.precision = (correct, sum(_pairs(n) for n in pred_sizes.values()))
    s.recall = (correct, sum(_pairs(n) for n in true_sizes.values()))

    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    first_hit = first_total = 0
    copy_first_stories: set[str] = set()
    for url, entry in articles.items():
        if entry["is_original"]:
            continue
        story = str(entry["story"])
        original = original_of[story]
        if url not in matched or original not in matched:
            continue
        same = label(url) == label(original)
        kind = str(entry["kind"])
        keys = [kind] + (["lead of a 40+ paragraph original"] if entry.get("lead_of_long") else [])
        for key in keys:
            totals[key] += 1
            hits[key] += same
        if int(entry["run"]) < int(articles[original]["run"]):  # type: ignore[call-overload]
            first_total += 1
            first_hit += same
            copy_first_stories.add(story)
    s.recall_by_kind = {k: (hits[k], totals[k]) for k in [*COPY_KINDS, "lead of a 40+ paragraph original"]}
    s.copy_first_recall = (first_hit, first_total)

    members: dict[str, list[str]] = defaultdict(list)
    for url in matched:
        members[str(articles[url]["story"])].append(label(url))
    ok_all = ok_first = ok_dateline = n_all = n_first = n_dateline = 0
    for key in members:
        original = original_of[key]
        if original not in matched:
            continue
        pred = label(original)
        ok = canonical.get(pred) == original
        n_all += 1
        ok_all += ok
        if key in copy_first_stories:
            n_first += 1
            ok_first += ok
        if articles[original].get("dateline"):
            n_dateline += 1
            ok_dateline += ok
    s.canonical = (ok_all, n_all)
    s.copy_first_canonical = (ok_first, n_first)
    s.canonical_dateline = (ok_dateline, n_dateline)

    loaded_updates = total_updates = 0
    for url, entry in articles.items():
        if entry.get("update_sentence"):
            total_updates += 1
            row = matched.get(url)
            loaded_updates += row is not None and _norm(str(entry["update_sentence"])) in _norm(
                row.text or ""
            )
    s.updates_loaded = (loaded_updates, total_updates)

    shorts = [u for u in matched if articles[u]["kind"] == "short"]
    by_label = Counter(label(u) for u in shorts)
    s.template_merges = sum(_pairs(n) for n in by_label.values())
    story_sizes = Counter(label(u) for u in matched)
    s.short_articles_merged = (sum(story_sizes[label(u)] > 1 for u in shorts), len(shorts))

    apart: dict[str, list[int]] = {k: [0, 0] for k in APART_KINDS}
    for key, story in stories.items():
        kind = str(story["kind"])
        if kind not in apart:
            continue
        related = story["related_to"]
        others = related if isinstance(related, list) else [related]
        mine = original_of[key]
        if mine not in matched:
            continue
        theirs = [original_of[str(o)] for o in others if original_of[str(o)] in matched]
        if not theirs:
            continue
        apart[kind][1] += 1
        apart[kind][0] += any(label(mine) == label(t) for t in theirs)
    s.apart_merged = {k: (v[0], v[1]) for k, v in apart.items()}

    found_key = 0
    for url, row in matched.items():
        entry = articles[url]
        text = _norm(row.text or "")
        found_key += _norm(str(entry["key_sentence"])) in text
        related = {_norm(str(x)) for x in entry["related"]}  # type: ignore[attr-defined]
        s.related_sentences += sum(1 for x in related if x and x in text)
        for line in entry["must_not_contain"]:  # type: ignore[attr-defined]
            folded = _norm(str(line))
            if folded in related or not folded or folded not in text:
                continue
            s.boilerplate_lines += 1
            s.boilerplate_by_kind[f"{entry['outlet']}/{entry['kind']}"] += 1
            if len(s.examples) < 12:
                s.examples.append(f"{entry['outlet']} ({entry['kind']}): {str(line)[:90]}")
    s.key_sentence = (found_key, len(matched))
    return s


def partition_difference(a: dict[str, str], b: dict[str, str]) -> tuple[int, int]:
    """(pairs of pages together in one partition and apart in the other, pairs compared) over shared pages."""
    urls = sorted(set(a) & set(b))
    same_a: dict[str, list[str]] = defaultdict(list)
    for u in urls:
        same_a[a[u]].append(u)
    cells = Counter((a[u], b[u]) for u in urls)
    together_a = sum(_pairs(len(v)) for v in same_a.values())
    together_b = sum(_pairs(n) for n in Counter(b[u] for u in urls).values())
    both = sum(_pairs(n) for n in cells.values())
    return together_a + together_b - 2 * both, _pairs(len(urls))


GOALS = {
    "precision": "≥ 0.99",
    "recall": "≥ 0.97",
    "copy_first": "≥ 0.97",
    "copy_first_canonical": "≥ 0.97",
    "updates": "0 lost",
    "template": "0",
    "canonical": "≥ 0.97",
    "boilerplate": "0",
    "apart": "0",
}


def render_half(
    name: str,
    role: str,
    desc: list[str],
    scores: list[TextScore],
    difference: tuple[int, int] | None,
    command: str,
) -> str:
    """One text set's section: every figure per arrival order, with the goal."""
    head = " | ".join(f"order {i + 1}" for i in range(len(scores)))
    lines = [
        f"### {name} ({role})",
        "",
        *[f"- {d}" for d in desc],
        "",
        f"| figure | {head} | goal |",
        "|---|" + "---|" * len(scores) + "---|",
    ]

    def row(title: str, values: list[str], goal: str) -> None:
        lines.append(f"| {title} | {' | '.join(values)} | {goal} |")

    def ratio_of(pair: tuple[int, int]) -> str:
        return _ratio(pair)

    row(
        "ingest runs exiting 0",
        [f"{sum(c == 0 for c in sc.runs_exit)} of {len(sc.runs_exit)}" for sc in scores],
        "all",
    )
    row("truth pages loaded", [_ratio((sc.loaded, sc.truth_articles)) for sc in scores], "all")
    row("pair precision", [ratio_of(sc.precision) for sc in scores], GOALS["precision"])
    row("pair recall", [ratio_of(sc.recall) for sc in scores], GOALS["recall"])
    for kind in scores[0].recall_by_kind:
        row(f"recall, {kind} copies", [_ratio(sc.recall_by_kind[kind]) for sc in scores], "")
    row(
        "copy arrives before its original: recall",
        [_ratio(sc.copy_first_recall) for sc in scores],
        GOALS["copy_first"],
    )
    row(
        "... and the original is canonical",
        [_ratio(sc.copy_first_canonical) for sc in scores],
        GOALS["copy_first_canonical"],
    )
    row(
        "original updated in a later run: update loaded",
        [f"{_ratio(sc.updates_loaded)}, {sc.updates_loaded[1] - sc.updates_loaded[0]} lost" for sc in scores],
        GOALS["updates"],
    )
    row(
        "different short articles merged through template text (pairs)",
        [
            f"{sc.template_merges} ({sc.short_articles_merged[0]} of {sc.short_articles_merged[1]} short "
            "articles in a "
            "story of 2+)"
            for sc in scores
        ],
        GOALS["template"],
    )
    row("canonical URL is the original's", [_ratio(sc.canonical) for sc in scores], GOALS["canonical"])
    row(
        "... stories whose original carries a wire credit (dateline)",
        [_ratio(sc.canonical_dateline) for sc in scores],
        "",
    )
    row("boilerplate lines left in texts", [str(sc.boilerplate_lines) for sc in scores], GOALS["boilerplate"])
    row("related-article sentences left in texts", [str(sc.related_sentences) for sc in scores], "0")
    for kind in APART_KINDS:
        row(
            f"{kind.replace('_', '-')} merged with the story it relates to",
            [_ratio(sc.apart_merged.get(kind, (0, 0))) for sc in scores],
            GOALS["apart"],
        )
    row("key sentence present", [_ratio(sc.key_sentence) for sc in scores], "")
    row("ingest seconds per run", [", ".join(f"{x:.0f}" for x in sc.run_seconds) for sc in scores], "")
    if difference is not None:
        lines += [
            "",
            f"Same stories whatever the arrival order: {difference[0]} page pairs together in one order and "
            f"apart in another, of {difference[1]} pairs compared (want 0).",
        ]
    examples = [e for sc in scores for e in sc.examples]
    if examples:
        lines += ["", "Boilerplate left, examples: " + "; ".join(sorted(set(examples))[:10])]
    kinds = Counter()
    for sc in scores:
        kinds.update(sc.boilerplate_by_kind)
    if kinds:
        lines += [
            "",
            "Boilerplate lines by outlet/kind (all orders): "
            + ", ".join(f"{k} {v}" for k, v in kinds.most_common()),
        ]
    lines += ["", f"Command: `{command}`"]
    return "\n".join(lines) + "\n"
