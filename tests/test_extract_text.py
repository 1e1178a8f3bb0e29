"""Text room: trafilatura's text, its fast mode and the gate that skips it where it keeps missing."""

from typing import Any

import pytest
from lxml import etree

from copydesk.tasks.extract.text import (
    PRECISION_FALLBACK_CHARS,
    PRECISION_FALLBACK_RATIO,
    Extraction,
    FastModeGate,
    comparison_would_keep,
    extract_text,
    run_trafilatura,
)
from copydesk.tasks.extract.tree import parse_html
from tests.test_extract_article import GOLDEN_NAMES, load_golden


def _full_mode_text(tree: Any, url: str) -> str:
    """extract_text's result with trafilatura's comparison always run (the reference for its fast path)."""
    precise = run_trafilatura(tree, url, precision=True).text
    if len(precise) >= PRECISION_FALLBACK_CHARS:
        return precise
    balanced = run_trafilatura(tree, url, precision=False).text
    return balanced if len(precise) < PRECISION_FALLBACK_RATIO * len(balanced) else precise


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_fast_mode_first_gives_the_full_mode_text(name: str) -> None:
    html, _ = load_golden(name)
    tree = parse_html(html)
    assert tree is not None
    url = "https://example.com/story"
    assert extract_text(tree, url) == _full_mode_text(tree, url)


def test_comparison_is_run_when_the_fast_text_is_empty_short_unclean_or_tabular() -> None:
    def body(inner: str) -> Any:
        return etree.fromstring(f"<body>{inner}</body>")

    prose = "<p>" + "A paragraph of the article body. " * 20 + "</p>"
    text = "A paragraph of the article body. " * 20
    assert comparison_would_keep(Extraction(text, body(prose)))
    assert not comparison_would_keep(Extraction("", body(prose)))
    assert not comparison_would_keep(Extraction(text[:200], body(prose)))  # jusText is tried under 250
    assert not comparison_would_keep(Extraction(text, None))
    assert not comparison_would_keep(Extraction(text, body(prose + "<aside>Also read</aside>")))
    assert not comparison_would_keep(Extraction(text, body("<div>text without paragraphs</div>")))
    tables = "<table><tr><td>1</td></tr></table>" * 2
    assert not comparison_would_keep(Extraction(text, body(prose + tables)))


def test_fast_mode_gate_skips_an_outlet_after_misses_and_probes_it_again() -> None:
    gate = FastModeGate(misses_to_skip=2, probe_every=3)
    assert gate.should_try_fast("soup")
    gate.record("soup", kept=False)
    assert gate.should_try_fast("soup")
    gate.record("soup", kept=False)
    # two misses in a row: skipped twice, then probed on the third page
    assert [gate.should_try_fast("soup") for _ in range(6)] == [False, False, True, False, False, True]
    assert gate.should_try_fast("other")  # outlets are kept apart
    gate.record("soup", kept=True)  # a probe that the guard keeps gives the outlet fast mode back
    assert [gate.should_try_fast("soup") for _ in range(3)] == [True, True, True]


def _div_soup_page(n: int) -> str:
    """An article whose paragraphs are <div>s (no <p>, no <article>): fast mode finds no text in it."""
    paragraphs = "".join(
        f'<div class="p">Paragraph {i} of story {n}: the harbour board met on Tuesday to weigh the bids for '
        f"the new ferry terminal, and its chair said a decision would follow within the month.</div>"
        for i in range(8)
    )
    return (
        f"<html><head><title>Ferry terminal bids {n}</title></head><body>"
        f"<div class='top'><a href='/'>Home</a></div><div class='cnt'>"
        f"<div class='hdl'>Ferry terminal bids {n}</div><div class='txt'>{paragraphs}"
        "</div></div></body></html>"
    )


def test_extract_text_skips_fast_mode_where_it_keeps_missing_and_gives_the_full_mode_text() -> None:
    gate = FastModeGate(misses_to_skip=2, probe_every=4)
    url = "https://soup.example/story"
    for n in range(8):
        tree = parse_html(_div_soup_page(n))
        assert tree is not None
        quick = run_trafilatura(tree, url, precision=True, fast=True)
        assert not comparison_would_keep(quick)  # the page is what the gate is for
        text = extract_text(tree, url, "soup", gate)
        assert text == _full_mode_text(tree, url)
        assert f"Paragraph 7 of story {n}" in text
    assert not gate.should_try_fast("soup")
