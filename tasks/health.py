"""Outlet health: is an outlet degrading, judged against its own recent runs (pure; no Prefect, no warehouse).

A row is one outlet in one run, as the warehouse's `outlet_health` view gives it (links found, new links,
new articles, failures by kind, median words, shares of empty titles / dates / authors, boilerplate share,
hours since its last new article). Three kinds of degradation, each a sign an operator should look:

- `quiet`: no new article for `quiet_runs` runs in a row, where the outlet usually has some (in at least
  half of the earlier runs) - a feed that stopped updating or moved;
- `failing`: failures over `failure_share` of what the run tried (pages and sources) - a feed answering 500,
  a bot wall, a host down;
- `template_changed`: the median words of new articles fall below `words_drop` of the outlet's recent median,
  or the share of new articles with a date (or with authors) falls by `coverage_drop` or more - the outlet
  changed its page template and extraction lost part of the page.
"""

from dataclasses import dataclass
from statistics import median
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Thresholds:
    """When a run counts as degraded (see the module's docstring); settings give the values."""

    quiet_runs: int = 3
    failure_share: float = 0.5
    words_drop: float = 0.5
    coverage_drop: float = 0.4
    # runs of history an outlet is judged against, and how many it needs before it is judged at all
    history_runs: int = 10
    min_history: int = 3


@dataclass(frozen=True)
class Degradation:
    """One sign that an outlet degraded in a run."""

    outlet_id: str
    run_id: str
    kind: str
    message: str
    figures: dict[str, float]


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _coverage(rows: list[Row], column: str) -> float | None:
    values = [1.0 - share for r in rows if (share := _num(r.get(column))) is not None]
    return median(values) if values else None


def degradations(current: Row, history: list[Row], thresholds: Thresholds) -> list[Degradation]:
    """The ways the outlet's current run is worse than its own history (newest first); [] when healthy."""
    found: list[Degradation] = []
    outlet, run = str(current["outlet_id"]), str(current["run_id"])

    def add(kind: str, message: str, **figures: float) -> None:
        found.append(Degradation(outlet, run, kind, message, {k: round(v, 3) for k, v in figures.items()}))

    share = _num(current.get("failure_share")) or 0.0
    if share > thresholds.failure_share:
        add(
            "failing",
            f"{current.get('failed', 0)} failures, {share:.0%} of what the run tried "
            f"(threshold {thresholds.failure_share:.0%})",
            failure_share=share,
        )
    history = history[: thresholds.history_runs]
    if len(history) < thresholds.min_history:
        return found

    quiet = [current, *history][: thresholds.quiet_runs]
    earlier = history[thresholds.quiet_runs - 1 :]
    productive = [r for r in earlier if (r.get("articles_new") or 0) > 0]
    if (
        len(quiet) == thresholds.quiet_runs
        and all((r.get("articles_new") or 0) == 0 for r in quiet)
        and earlier
        and len(productive) * 2 >= len(earlier)
    ):
        add(
            "quiet",
            f"no new article in {thresholds.quiet_runs} runs; it had some in {len(productive)} of the "
            f"{len(earlier)} runs before",
            quiet_runs=thresholds.quiet_runs,
            productive_share=len(productive) / len(earlier),
        )

    words_now = _num(current.get("median_words"))
    usual_words = [w for r in history if (w := _num(r.get("median_words"))) is not None]
    if words_now is not None and usual_words:
        usual = median(usual_words)
        if usual > 0 and words_now < thresholds.words_drop * usual:
            add(
                "template_changed",
                f"median words {words_now:.0f}, against {usual:.0f} in its recent runs",
                median_words=words_now,
                usual_median_words=usual,
            )
    for column, what in (("empty_date_share", "dates"), ("empty_author_share", "authors")):
        now, usual_cover = _coverage([current], column), _coverage(history, column)
        if now is not None and usual_cover is not None and usual_cover - now >= thresholds.coverage_drop:
            add(
                "template_changed",
                f"{now:.0%} of new articles have {what}, against {usual_cover:.0%} in its recent runs",
                **{f"{what}_coverage": now, f"usual_{what}_coverage": usual_cover},
            )
    return found


def failure_kinds_text(kinds: dict[str, int] | None) -> str:
    """`http_error 2, timeout 1`, or `none`."""
    return ", ".join(f"{kind} {n}" for kind, n in sorted((kinds or {}).items())) or "none"


def health_line(row: Row) -> str:
    """One outlet's run in one log line, as an operator reads it in the run's logs."""
    words = _num(row.get("median_words"))
    since = _num(row.get("hours_since_new"))
    return (
        f"outlet {row['outlet_id']}: {row.get('links_found') or 0} links discovered, "
        f"{row.get('links_new') or 0} new, {row.get('articles_new') or 0} articles loaded; "
        f"failures: {failure_kinds_text(row.get('failures_by_kind'))}; "
        f"host back-offs {row.get('host_backoffs') or 0}, robots refusals {row.get('robots_refusals') or 0}; "
        f"median words {'-' if words is None else f'{words:.0f}'}; "
        f"last new article {'never' if since is None else f'{since:.1f} h ago'}"
    )


def _share(value: object) -> str:
    number = _num(value)
    return "" if number is None else f"{number:.0%}"


def health_table(rows: list[Row], flagged: list[Degradation]) -> list[dict[str, object]]:
    """Rows of the outlet health table artifact: one per outlet, its degradations named."""
    signs: dict[str, list[str]] = {}
    for d in flagged:
        signs.setdefault(d.outlet_id, []).append(d.kind)
    return [
        {
            "outlet": r["outlet_id"],
            "links found": r.get("links_found") or 0,
            "new articles": r.get("articles_new") or 0,
            "failed": r.get("failed") or 0,
            "failures by kind": failure_kinds_text(r.get("failures_by_kind")),
            "median words": "" if r.get("median_words") is None else round(float(r["median_words"])),
            "empty titles": _share(r.get("empty_title_share")),
            "empty dates": _share(r.get("empty_date_share")),
            "empty authors": _share(r.get("empty_author_share")),
            "boilerplate": _share(r.get("boilerplate_share")),
            "hours since new": "" if r.get("hours_since_new") is None else r["hours_since_new"],
            "degraded": ", ".join(sorted(set(signs.get(r["outlet_id"], [])))) or "no",
        }
        for r in rows
    ]
