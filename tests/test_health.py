"""Outlet health judgements (tasks/health.py) on rows as the outlet_health view gives them."""

import pytest

from copydesk.tasks.health import Thresholds, degradations, health_line, health_table


def row(run: int, **values: object) -> dict:
    base = {
        "outlet_id": "harbor",
        "run_id": f"r{run}",
        "links_found": 10,
        "links_new": 3,
        "articles_new": 3,
        "failed": 0,
        "failure_share": 0.0,
        "failures_by_kind": {},
        "median_words": 400.0,
        "empty_date_share": 0.0,
        "empty_author_share": 0.0,
        "hours_since_new": 0.5,
    }
    return {**base, **values}


HISTORY = [row(i) for i in range(9, 0, -1)]  # newest first


@pytest.mark.parametrize(
    ("current", "history", "kinds"),
    [
        pytest.param(row(10), HISTORY, [], id="healthy"),
        pytest.param(row(10, failed=3, failure_share=0.75), HISTORY, ["failing"], id="failing"),
        pytest.param(row(10, failed=3, failure_share=0.75), [], ["failing"], id="failing-without-history"),
        pytest.param(row(10, median_words=120.0), HISTORY, ["template_changed"], id="bodies-shrink"),
        pytest.param(row(10, empty_date_share=0.9), HISTORY, ["template_changed"], id="dates-lost"),
        pytest.param(row(10, empty_author_share=1.0), HISTORY, ["template_changed"], id="authors-lost"),
        pytest.param(row(10, median_words=120.0), HISTORY[:2], [], id="too-little-history"),
        pytest.param(
            row(10, articles_new=0, median_words=None),
            [
                row(9, articles_new=0, median_words=None),
                row(8, articles_new=0, median_words=None),
                *HISTORY[2:],
            ],
            ["quiet"],
            id="quiet",
        ),
        pytest.param(
            row(10, articles_new=0, median_words=None),
            [row(i, articles_new=0, median_words=None) for i in range(9, 0, -1)],
            [],
            id="always-quiet-is-not-news",
        ),
        pytest.param(
            row(10, articles_new=0, median_words=None),
            [row(9, articles_new=0, median_words=None), *HISTORY[1:]],
            [],
            id="two-quiet-runs-of-three",
        ),
    ],
)
def test_degradations_judge_an_outlet_against_its_own_runs(current: dict, history: list, kinds: list) -> None:
    found = degradations(current, history, Thresholds())
    assert sorted(d.kind for d in found) == kinds
    for d in found:
        assert d.outlet_id == "harbor" and d.run_id == "r10" and d.message


def test_thresholds_change_the_verdict() -> None:
    current = row(10, failed=2, failure_share=0.4, median_words=250.0)
    assert degradations(current, HISTORY, Thresholds()) == []
    strict = Thresholds(failure_share=0.3, words_drop=0.7)
    assert sorted(d.kind for d in degradations(current, HISTORY, strict)) == ["failing", "template_changed"]


def test_log_line_and_table_say_what_an_operator_needs() -> None:
    current = row(10, failed=2, failures_by_kind={"timeout": 1, "http_error": 1}, host_backoffs=1)
    line = health_line(current)
    assert line.startswith("outlet harbor: 10 links discovered, 3 new, 3 articles loaded")
    assert "failures: http_error 1, timeout 1" in line and "host back-offs 1" in line
    flagged = degradations(row(10, failed=3, failure_share=1.0), [], Thresholds())
    [entry] = health_table([current], flagged)
    assert entry["degraded"] == "failing" and entry["failures by kind"] == "http_error 1, timeout 1"
