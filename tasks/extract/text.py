"""The article text, as trafilatura extracts it from the pruned tree.

trafilatura runs in precision mode without comments and without its deduplication (a document-level test
that emptied a real article), in its fast mode unless its readability/jusText comparison could change the
text; when that text is under 500 characters and under half of balanced mode's, the balanced text is used
(precision mode sometimes drops a whole body). Figures: bench/results/extraction.md.
"""

import threading
from copy import copy
from dataclasses import dataclass
from functools import lru_cache

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.external import SANITIZED_XPATH  # trafilatura is pinned (pyproject.toml)
from trafilatura.settings import Extractor

# precision mode output this short, and under half of balanced mode's, has lost the body (an empty or
# one-paragraph result); a longer precision text is a body, and balanced mode's extra is usually furniture
PRECISION_FALLBACK_RATIO = 0.5
PRECISION_FALLBACK_CHARS = 500
PARAGRAPH_TEXT_XPATH = etree.XPath(".//p//text()")
UNCLEAN_XPATH = etree.XPath(SANITIZED_XPATH)


@lru_cache(maxsize=4)
def _extractor_options(precision: bool, fast: bool = False) -> Extractor:
    # what bare_extraction builds from these arguments; building it reads trafilatura's config each time
    # (a visible share of a run on a short page), so each process builds each set once
    return Extractor(
        output_format="python",
        fast=fast,
        precision=precision,
        comments=False,
        tables=True,
        # deduplication off: its document-level duplicate test emptied a real article in the benchmark
        dedup=False,
        with_metadata=False,
    )


@dataclass(frozen=True)
class Extraction:
    """trafilatura's text and the body element it was read from (None when it found nothing)."""

    text: str
    body: etree._Element | None


# each thread's own Extractor per mode, given each page's url and source: a copy of the shared one for every
# page (copy() of a __slots__ object) cost a measurable share of an extraction worker's time
_thread_options = threading.local()


def _page_options(precision: bool, fast: bool, url: str) -> Extractor:
    by_mode: dict[tuple[bool, bool], Extractor] | None = getattr(_thread_options, "by_mode", None)
    if by_mode is None:
        by_mode = _thread_options.by_mode = {}
    options = by_mode.get((precision, fast))
    if options is None:
        # trafilatura reads the options and copies them before it changes any (its recall retry)
        options = by_mode[precision, fast] = copy(_extractor_options(precision, fast))
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")
    return options


def run_trafilatura(tree: HtmlElement, url: str, *, precision: bool, fast: bool = False) -> Extraction:
    """One trafilatura extraction of the tree in the given mode (the caller's tree stays intact)."""
    options = _page_options(precision, fast, url)
    # bare_extraction works on its own copy of a tree it is given, so the caller's tree stays intact
    document = trafilatura.bare_extraction(tree, url=url, options=options)
    if document is None:
        return Extraction("", None)
    return Extraction(document.text or "", document.body)


def comparison_would_keep(extraction: Extraction) -> bool:
    """Whether trafilatura's comparison with readability and jusText (what fast mode skips) would keep this
    text as it is, as far as the text itself tells.

    The comparison replaces an empty text, one with no paragraph text or more tables than paragraphs, one
    that still holds elements it calls unclean (aside, figure, nav, time...; jusText is then tried), one under
    MIN_EXTRACTED_SIZE (250) characters, and one under half of readability's. The last needs readability's
    text, so it is not checked here: on every page checked (bench/results/extraction.md) every non-empty
    fast-mode text equalled the full mode's. Texts under 500 characters also go through extract_text's
    balanced-mode fallback, which runs the full comparison.
    """
    body = extraction.body
    if body is None or len(extraction.text) < _extractor_options(True, True).min_extracted_size:
        return False
    paragraphs = body.findall(".//p")
    return (
        bool(PARAGRAPH_TEXT_XPATH(body))
        and len(body.findall(".//table")) <= len(paragraphs)
        and not UNCLEAN_XPATH(body)
    )


class FastModeGate:
    """Per outlet, whether trafilatura's fast mode is worth trying before its full precision mode.

    On a template fast mode cannot read (paragraphs in <div>s and no <p>, say) its text fails
    `comparison_would_keep` on every page, and that try costs a good part of the page's time. After
    `misses_to_skip` misses in a row on one outlet, this process goes straight to the full mode there, and
    tries fast mode again once in `probe_every` pages, so an outlet that changes template gets it back.
    Either way the text is the full mode's: the fast path only ever returns a text the guard holds equal.
    """

    def __init__(self, misses_to_skip: int = 4, probe_every: int = 32, max_outlets: int = 10_000) -> None:
        self.misses_to_skip = misses_to_skip
        self.probe_every = probe_every
        self.max_outlets = max_outlets
        self._misses: dict[str, int] = {}
        self._skipped: dict[str, int] = {}

    def should_try_fast(self, outlet_id: str) -> bool:
        """Whether to try fast mode first on this outlet's next page."""
        if self._misses.get(outlet_id, 0) < self.misses_to_skip:
            return True
        skipped = self._skipped.get(outlet_id, 0) + 1
        self._skipped[outlet_id] = 0 if skipped >= self.probe_every else skipped
        return skipped >= self.probe_every

    def record(self, outlet_id: str, kept: bool) -> None:
        """What the guard said of a fast-mode text of this outlet."""
        if kept:
            self._misses.pop(outlet_id, None)
            self._skipped.pop(outlet_id, None)
            return
        if len(self._misses) >= self.max_outlets and outlet_id not in self._misses:
            self._misses.clear()  # a bound, not a policy: forgetting only costs a few fast-mode tries
            self._skipped.clear()
        self._misses[outlet_id] = self._misses.get(outlet_id, 0) + 1


# one per process: each extraction worker learns its outlets' templates from the pages it extracts
FAST_MODE_GATE = FastModeGate()


def extract_text(
    tree: HtmlElement, url: str, outlet_id: str | None = None, gate: FastModeGate | None = None
) -> str:
    """trafilatura's precision-mode text, or its balanced text when precision mode lost the body.

    Precision mode runs in trafilatura's fast mode first (no readability/jusText comparison, a large share
    of trafilatura's time on a typical article page); the full precision mode runs only when that comparison
    could change the text (`comparison_would_keep`). With an outlet, `gate` (default FAST_MODE_GATE) skips
    the fast try on outlets where it keeps missing.
    """
    gate = gate or FAST_MODE_GATE
    precise = None
    if outlet_id is None or gate.should_try_fast(outlet_id):
        quick = run_trafilatura(tree, url, precision=True, fast=True)
        kept = comparison_would_keep(quick)
        if outlet_id is not None:
            gate.record(outlet_id, kept)
        precise = quick.text if kept else None
    if precise is None:
        precise = run_trafilatura(tree, url, precision=True).text
    if len(precise) >= PRECISION_FALLBACK_CHARS:
        return precise
    balanced = run_trafilatura(tree, url, precision=False).text
    if len(precise) < PRECISION_FALLBACK_RATIO * len(balanced):
        return balanced
    return precise
