"""The `copydesk` command."""

import csv
import json
import os
import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

# the ephemeral prefect server can take longer than its 20 s default to start on a fresh PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# an offline machine would log a failed telemetry call on every run
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import duckdb  # noqa: E402
import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from copydesk.flows.execution import frozen_imports, prestart_workers, stop_workers  # noqa: E402
from copydesk.tasks.models import OutletsConfig  # noqa: E402
from copydesk.tasks.outlets import OutletsFileError, load_outlets  # noqa: E402
from copydesk.tasks.settings import get_settings  # noqa: E402
from copydesk.warehouse.store import LoadLockTimeout, WarehouseUnreadable  # noqa: E402

app = typer.Typer(
    help="copydesk: a news ETL that folds syndicated copies into stories, queryable with SQL.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from copydesk import __version__

        console.print(f"copydesk {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit"),
    ] = False,
) -> None:
    """copydesk: a news ETL that folds syndicated copies into stories, queryable with SQL."""

WarehouseOpt = Annotated[
    Path | None,
    typer.Option("--warehouse", "-w", help="Warehouse directory [env COPYDESK_WAREHOUSE; default ./data]"),
]
OutletsOpt = Annotated[
    Path | None,
    typer.Option("--outlets", "-o", help="Outlets YAML [env COPYDESK_OUTLETS; default deploy/outlets.yaml]"),
]


OutletIdOpt = Annotated[list[str] | None, typer.Option("--outlet", help="Only this outlet id (repeatable)")]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _check_warehouse(path: Path) -> Path:
    """The warehouse directory, or exit 2 when the path names something else."""
    if path.exists() and not path.is_dir():
        err.print(f"[bold red]error:[/] --warehouse {path}: a file, not a directory", highlight=False)
        raise typer.Exit(2)
    return path


def _check_outlets(path: Path, outlet_ids: list[str] | None = None) -> OutletsConfig:
    try:
        return load_outlets(path).select(outlet_ids)
    except (OutletsFileError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None


# how long the zygote's start waits for the discovery child: the flow wants the child's links before it needs
# a worker, and started together, the zygote's imports took the core the child (at nice 10) needed
DISCOVERY_HEAD_START_S = 1.5


@app.command()
def ingest(
    outlets: OutletsOpt = None,
    warehouse: WarehouseOpt = None,
    outlet: Annotated[
        list[str] | None, typer.Option("--outlet", help="Only this outlet id (repeatable)")
    ] = None,
    max_links: Annotated[int, typer.Option(min=0, help="Fetch at most this many new links (0 = all)")] = 0,
) -> None:
    """Fetch new articles from the outlets, fold copies into stories, load the warehouse."""
    settings = get_settings(outlets=outlets, warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    config = _check_outlets(settings.outlets, outlet)
    if settings.task_runner == "threads":
        from copydesk.flows.discovery_run import prefetch_discovery

        # the flow's discover task takes this if nothing changed in between (flows/discovery_run.py)
        ahead = prefetch_discovery(config, settings, settings.warehouse)
        prestart_workers(after=ahead and (lambda: ahead.ready(DISCOVERY_HEAD_START_S)))
    with frozen_imports():
        from copydesk.flows.ingest import ingest as ingest_flow

    try:
        report = ingest_flow(
            outlets=str(settings.outlets),
            warehouse=str(settings.warehouse),
            outlet_ids=outlet or None,
            max_links=max_links,
        )
    except (LoadLockTimeout, duckdb.Error, OSError) as exc:
        # page and outlet problems never get here (they are failure rows); this is the load or the disk
        err.print(f"[bold red]error:[/] the run could not be loaded: {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        stop_workers()
    console.print(
        f"loaded {report.articles_new} new articles ({report.copies_linked} copies linked, "
        f"{report.stories_new} new stories, {report.failures} failures) into {settings.warehouse}"
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _refusal(number: int, statement: str, kind: str, exc: duckdb.Error) -> str:
    """What `copydesk sql` says about a statement the reader's guard refused."""
    text = " ".join(statement.split())
    shown = text if len(text) <= 120 else text[:117] + "..."
    detail = str(exc).splitlines()[0]
    return (
        f"refused statement {number} ({kind}): {shown}\n"
        "copydesk sql reads the warehouse and cannot change it: no ATTACH of files, no COPY or EXPORT into "
        "files, no INSTALL or LOAD of extensions, no settings, no files outside --allow-dir directories "
        f"(DuckDB: {detail})"
    )


# errors the reader's guard raises (its locked settings and file access), as opposed to mistakes in a query
_GUARD_ERRORS = ("Permission Error", "configuration has been locked", "read-only mode", "read-only database")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run against the last published warehouse state")],
    warehouse: WarehouseOpt = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,  # noqa: A002
    max_width: Annotated[int, typer.Option(help="Truncate table cells to this many characters")] = 80,
    allow_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--allow-dir",
            help="A directory of yours whose files the query may read (read_csv, read_parquet) and write "
            "(COPY TO); never the warehouse's (repeatable)",
        ),
    ] = None,
) -> None:
    """Run a query on the warehouse (read-only; never waits for, or blocks, a load).

    The connection cannot write: ATTACH, COPY/EXPORT into files, INSTALL/LOAD and SET are refused, and no
    file outside the --allow-dir directories can be read.
    """
    from copydesk.warehouse.store import check_allowed_dirs, connect_reader

    settings = get_settings(warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    try:
        allowed = check_allowed_dirs(settings.warehouse, allow_dir or [], settings.lake)
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    try:
        con = connect_reader(settings.warehouse, allowed)
    except (WarehouseUnreadable, LoadLockTimeout) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    columns: list[str] = []
    rows: list[tuple] = []
    try:
        statements = con.extract_statements(query)
        for number, statement in enumerate(statements, start=1):
            try:
                cursor = con.execute(statement)
            except duckdb.Error as exc:
                if any(sign in str(exc) for sign in _GUARD_ERRORS):
                    kind = statement.type.name if statement.type is not None else "statement"
                    refusal = _refusal(number, statement.query, kind, exc)
                    err.print(f"[bold red]error:[/] {refusal}", highlight=False)
                    raise typer.Exit(1) from None
                raise
            # the last statement's result is the answer, as the DuckDB CLI would print it last
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except duckdb.Error as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        con.close()
    if format is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif format is Format.json:
        sys.stdout.write(
            json.dumps(
                [dict(zip(columns, row, strict=True)) for row in rows],
                default=_json_default,
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )
    else:
        table = Table(show_lines=False)
        for name in columns:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*[_cell(v)[:max_width] for v in row])
        console.print(table)
        console.print(f"{len(rows)} row(s)")


@app.command()
def repair(warehouse: WarehouseOpt = None) -> None:
    """Check the warehouse's files in full and repair what is broken, saying what was done.

    A damaged or missing warehouse.duckdb is published again from state/loader.duckdb; a damaged loader file
    is set aside (state/broken/) and restored from the snapshot, or rebuilt from the lake; temp files of dead
    processes are removed; lake files no load has taken yet are loaded.
    """
    from copydesk.warehouse.load import load_pending
    from copydesk.warehouse.store import heal, load_lock

    settings = get_settings(warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    if not settings.warehouse.exists():
        err.print(f"[bold red]error:[/] {settings.warehouse}: no such warehouse directory", highlight=False)
        raise typer.Exit(2)
    try:
        with load_lock(settings.warehouse, settings.load_lock_timeout_s, holder="repair"):
            done = heal(settings.warehouse, deep=True)
        report = load_pending(
            settings.warehouse, lock_timeout_s=settings.load_lock_timeout_s, holder="repair",
            memory_limit=settings.load_memory_limit, lake_at=settings.lake,
        )
    except (WarehouseUnreadable, LoadLockTimeout, duckdb.Error, OSError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        err.print(
            "copydesk repair could not finish; fix what the message names and run it again. Nothing was "
            "deleted: unreadable files are kept under state/broken/.",
            highlight=False,
        )
        raise typer.Exit(1) from None
    for line in done:
        console.print(f"- {line}", highlight=False)
    if report.files:
        console.print(f"- loaded {report.files} lake files no load had taken ({report.articles_new} new)")
    if not done and not report.files:
        console.print(f"{settings.warehouse}: every file reads in full; nothing to repair", highlight=False)


class ExtractFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Saved HTML files", exists=True, dir_okay=False)],
    url: Annotated[str | None, typer.Option(help="URL the page was fetched from")] = None,
    format: Annotated[ExtractFormat, typer.Option("--format", "-f")] = ExtractFormat.text,  # noqa: A002
) -> None:
    """Run copydesk's own extraction (the pipeline's function) on saved HTML files."""
    from copydesk.tasks.extract import ExtractionError, extract_article
    from copydesk.tasks.http import decode_html

    failed = 0
    for path in files:
        html, _ = decode_html(path.read_bytes(), None)
        page_url = url or path.resolve().as_uri()
        try:
            art = extract_article(html, page_url)
            record = {"path": str(path), **art.model_dump(mode="json")}
        except ExtractionError as exc:
            failed += 1
            record = {"path": str(path), "error": str(exc), "kind": exc.kind}
        if format is ExtractFormat.jsonl:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif format is ExtractFormat.json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        elif "error" in record:
            err.print(f"{path}: {record['kind']}: {record['error']}")
        else:
            console.print(f"[bold]{record['title']}[/]  ({record['published_at']}, {record['language']})")
            sys.stdout.write(record["text"] + "\n\n")
    if failed == len(files):
        raise typer.Exit(1)


@app.command()
def demo(
    warehouse: Annotated[
        Path, typer.Option("--warehouse", "-w", help="Where the demo warehouse goes")
    ] = Path("data/demo"),
) -> None:
    """Serve the bundled demo outlets on 127.0.0.1, ingest them twice, and show what landed."""
    from copydesk.flows.demo import run_demo

    run_demo(warehouse, console)


@app.command()
def backfill(
    start: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="First day (inclusive, UTC)")],
    end: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="Last day (inclusive, UTC)")],
    outlets: OutletsOpt = None,
    warehouse: WarehouseOpt = None,
    outlet: OutletIdOpt = None,
    warc: Annotated[
        list[Path] | None,
        typer.Option(
            "--warc", exists=True, dir_okay=False, help="WARC file (CC-NEWS), older history (repeatable)"
        ),
    ] = None,
) -> None:
    """Ingest what the outlets published between --start and --end, one day at a time, with progress bars."""
    from rich import progress as bars

    with frozen_imports():
        from copydesk.flows.backfill import WindowError, backfill_progress, check_window
        from copydesk.flows.backfill import backfill as backfill_flow

    settings = get_settings(outlets=outlets, warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    _check_outlets(settings.outlets, outlet)
    try:
        check_window(start.date(), end.date(), datetime.now(UTC).date())
    except WindowError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    columns = (
        bars.SpinnerColumn(),
        bars.TextColumn("{task.description}"),
        bars.BarColumn(),
        bars.MofNCompleteColumn(),
        bars.TimeElapsedColumn(),
    )
    progress = bars.Progress(*columns, console=console)
    days_bar = progress.add_task("discovering the window's links", total=None)
    links_bar = progress.add_task("links", total=None, visible=False)
    new = 0

    def show(event: str, data: dict) -> None:
        nonlocal new
        if event == "window":
            progress.update(days_bar, description="days", total=data["days"], completed=0)
            progress.update(links_bar, total=data["links"], visible=True)
        elif event == "day":
            new += data["report"].articles_new
            progress.update(days_bar, advance=1, description=f"days (done {data['day']}, {new} new articles)")
            progress.update(links_bar, advance=data["links"])
        elif event == "warc":
            progress.console.print(f"WARC files: {data['report'].articles_new} new articles")

    try:
        with progress, backfill_progress(show):
            reports = backfill_flow(
                start=start.date(),
                end=end.date(),
                outlet_ids=outlet or None,
                warc_paths=[str(p.resolve()) for p in warc] if warc else None,
                outlets=str(settings.outlets),
                warehouse=str(settings.warehouse),
            )
    except (LoadLockTimeout, duckdb.Error, OSError) as exc:
        err.print(f"[bold red]error:[/] the backfill could not be loaded: {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        stop_workers()
    copies, failures = sum(r.copies_linked for r in reports), sum(r.failures for r in reports)
    console.print(
        f"backfilled {start.date()}..{end.date()}: {sum(r.articles_new for r in reports)} new articles "
        f"({copies} copies linked, {failures} failures)"
    )


@app.command()
def serve(
    outlets: OutletsOpt = None,
    warehouse: WarehouseOpt = None,
    cron: Annotated[str, typer.Option(help="Schedule of the ingest deployment")] = "*/30 * * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron schedule")] = "UTC",
) -> None:
    """Serve the ingest (scheduled) and backfill deployments from this process until interrupted."""
    with frozen_imports():
        from copydesk.flows.serve import serve_deployments

    settings = get_settings(outlets=outlets, warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    _check_outlets(settings.outlets)
    serve_deployments(settings.outlets, settings.warehouse, cron, timezone)


def main() -> None:
    """Entry point of the `copydesk` script and `python -m copydesk`."""
    app()


if __name__ == "__main__":
    main()
