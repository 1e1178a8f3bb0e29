"""What a run shows its user while it works: counts per outlet and a rate, from copydesk's own log records.

The pipeline logs two records the display counts: the new links a run will fetch (per outlet) and each
finished batch (per outlet: links, fetched, extracted, failed). On a terminal they drive a live table; on a
pipe or in a file each batch is one plain line. Every other INFO line of copydesk's loggers is shown too,
and Prefect's console lines are printed above the live table instead of through it.
"""

import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.table import Table

# the attributes (logging's `extra`) of the records the display counts
NEW_LINKS = "copydesk_new_links"
BATCH_COUNTS = "copydesk_batch"
COUNT_FIELDS = ("links", "fetched", "extracted", "failed")
LOGGER = "copydesk"


def outlet_counts(
    links: Iterable[str], fetched: Iterable[str], extracted: Iterable[str], failed: dict[str, int]
) -> dict[str, dict[str, int]]:
    """Per outlet id: how many of a batch's links there were, were fetched, extracted and failed (each
    argument but the last is the outlet ids of the items)."""
    counters = {"links": Counter(links), "fetched": Counter(fetched), "extracted": Counter(extracted)}
    counters["failed"] = Counter(failed)
    outlets = sorted(set().union(*counters.values()))
    return {o: {name: counters[name][o] for name in COUNT_FIELDS} for o in outlets}


@dataclass
class RunTally:
    """Counts so far per outlet: new links to fetch; links, fetched, extracted, failed of done batches."""

    # the rate counts from the first links to fetch, not from the Prefect server's start
    started: float | None = None
    new: Counter[str] = field(default_factory=Counter)
    done: dict[str, Counter[str]] = field(default_factory=dict)

    def add_new(self, per_outlet: dict[str, int]) -> None:
        if self.started is None:
            self.started = time.monotonic()
        self.new.update(per_outlet)

    def add_batch(self, per_outlet: dict[str, dict[str, int]]) -> None:
        for outlet, counts in per_outlet.items():
            self.done.setdefault(outlet, Counter()).update(counts)

    def total(self, name: str) -> int:
        return sum(c[name] for c in self.done.values())

    def rate(self) -> float:
        """Links done per second since the first links to fetch were counted."""
        if self.started is None:
            return 0.0
        return self.total("links") / max(time.monotonic() - self.started, 1e-6)

    def summary(self) -> str:
        """One plain line: pages done of new, extracted, failed, rate."""
        return (
            f"pages {self.total('links')}/{sum(self.new.values())}: {self.total('fetched')} fetched, "
            f"{self.total('extracted')} extracted, {self.total('failed')} failed, {self.rate():.1f} pages/s"
        )

    def table(self) -> Group:
        """The live display: a row per outlet, a total row with a bar, and the rate."""
        table = Table(box=None, pad_edge=False)
        for name in ("outlet", "pages", "fetched", "extracted", "failed"):
            table.add_column(name, justify="left" if name == "outlet" else "right")
        for outlet in sorted(set(self.new) | set(self.done)):
            c = self.done.get(outlet, Counter())
            table.add_row(
                outlet,
                f"{c['links']}/{self.new[outlet]}",
                str(c["fetched"]),
                str(c["extracted"]),
                str(c["failed"]),
            )
        new = sum(self.new.values())
        bar = ProgressBar(total=max(new, 1), completed=self.total("links"), width=40)
        return Group(table, bar, self.summary())


class TallyHandler(logging.Handler):
    """copydesk's log records to the display: counting records update the tally, the rest become lines."""

    def __init__(self, tally: RunTally, show_line, on_batch) -> None:  # noqa: ANN001 (two callables)
        super().__init__(logging.INFO)
        self.tally, self.show_line, self.on_batch = tally, show_line, on_batch
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if hasattr(record, NEW_LINKS):
                self.tally.add_new(getattr(record, NEW_LINKS))
            if hasattr(record, BATCH_COUNTS):
                self.tally.add_batch(getattr(record, BATCH_COUNTS))
                self.on_batch()
                return
            self.show_line(self.format(record))
        except RecursionError:
            raise
        except (ValueError, TypeError, AttributeError, OSError):
            self.handleError(record)


def _console_handlers() -> list[logging.StreamHandler]:
    """Stream handlers writing to the terminal's stderr: Prefect's console handler and its kind."""
    names = ["", *logging.Logger.manager.loggerDict]
    found: list[logging.StreamHandler] = []
    for name in names:
        logger = logging.getLogger(name)
        for handler in getattr(logger, "handlers", []):
            is_console = isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            )
            if is_console and handler not in found:
                found.append(handler)
    return found


@contextmanager
def _routed_console_handlers(console: Console) -> Iterator[None]:
    """Print the console handlers' lines through console for the block: under a live display of console,
    each line goes above the display instead of through it. (Prefect's handler prints with a rich console
    of its own, which would write past a redirected sys.stderr to the terminal: it borrows ours instead.)"""
    saved = []
    for handler in _console_handlers():
        own = getattr(handler, "console", None)
        saved.append((handler, handler.stream, own))
        if isinstance(own, Console):
            handler.console = console  # type: ignore[attr-defined]
        else:
            # under a live display sys.stderr is rich's proxy, which prints what it is given above it
            handler.stream = sys.stderr
    try:
        yield
    finally:
        for handler, stream, own in saved:
            handler.stream = stream
            if own is not None:
                handler.console = own  # type: ignore[attr-defined]


@contextmanager
def _copydesk_lines(handler: logging.Handler) -> Iterator[None]:
    """copydesk's INFO records go to handler only (not also through the root's console handler)."""
    logger = logging.getLogger(LOGGER)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


@contextmanager
def run_progress(console: Console, *, live: bool | None = None) -> Iterator[RunTally]:
    """Show a run's progress on console while the block runs: a live table on a terminal (live=None: when
    console is one), plain lines otherwise; yields the tally."""
    tally = RunTally()
    live = console.is_terminal if live is None else live
    if not live:

        def plain(line: str) -> None:
            console.print(escape(line), highlight=False, soft_wrap=True)

        handler = TallyHandler(tally, plain, lambda: plain(tally.summary()))
        with _copydesk_lines(handler):
            yield tally
        return
    display = Live(
        get_renderable=tally.table,
        console=console,
        refresh_per_second=4,
        redirect_stdout=True,
        redirect_stderr=True,
    )

    def above(line: str) -> None:
        display.console.print(escape(line), highlight=False, soft_wrap=True)

    handler = TallyHandler(tally, above, display.refresh)
    with display, _routed_console_handlers(display.console), _copydesk_lines(handler):
        yield tally


@contextmanager
def lines_above(console: Console) -> Iterator[None]:
    """While a rich display of console runs (a backfill's bars), print copydesk's INFO lines and Prefect's
    console lines above it; the batch records are left to the display's own counts."""

    def above(line: str) -> None:
        console.print(escape(line), highlight=False, soft_wrap=True)

    handler = TallyHandler(RunTally(), above, lambda: None)
    routed = _routed_console_handlers(console) if console.is_terminal else nullcontext()
    with routed, _copydesk_lines(handler):
        yield
