"""The `copydesk` command."""

import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

# the ephemeral prefect server can take longer than its 20 s default to start on a fresh PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# an offline machine would log a failed telemetry call on every run
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import duckdb  # noqa: E402
import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402
from typer.core import TyperArgument, TyperGroup  # noqa: E402

from copydesk.flows.execution import frozen_imports, prestart_workers, stop_workers  # noqa: E402
from copydesk.flows.progress import lines_above, run_progress  # noqa: E402
from copydesk.flows.sql_output import (  # noqa: E402
    BATCH_ROWS,
    OutputError,
    OutputFormat,
    format_for_path,
    print_table,
    write_file,
    write_text_rows,
)
from copydesk.tasks.models import OutletsConfig  # noqa: E402
from copydesk.tasks.outlets import OutletsFileError, load_outlets  # noqa: E402
from copydesk.tasks.settings import get_settings  # noqa: E402
from copydesk.warehouse.store import LoadLockTimeout, WarehouseUnreadable  # noqa: E402

app = typer.Typer(
    help="copydesk: a news ETL that folds syndicated copies into stories, queryable with SQL.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
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
    typer.Option(
        "--warehouse",
        "-w",
        metavar="DIR",
        help="Warehouse directory [env: COPYDESK_WAREHOUSE] [default: ./data]",
        show_default=False,
    ),
]
OutletsOpt = Annotated[
    Path | None,
    typer.Option(
        "--outlets",
        "-o",
        metavar="FILE",
        help="Outlets YAML file [env: COPYDESK_OUTLETS] [default: the bundled deploy/outlets.yaml]",
        show_default=False,
    ),
]


OutletIdOpt = Annotated[
    list[str] | None,
    typer.Option("--outlet", metavar="ID", help="Only this outlet id (repeatable) [default: every outlet]"),
]


# where `copydesk demo` puts its warehouse unless told otherwise
DEMO_WAREHOUSE = Path("data/demo")


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


@app.command(short_help="Fetch new articles, fold copies into stories, load them.")
def ingest(
    outlets: OutletsOpt = None,
    warehouse: WarehouseOpt = None,
    outlet: OutletIdOpt = None,
    max_links: Annotated[
        int, typer.Option(min=0, metavar="N", help="Fetch at most this many new links (0 = all)")
    ] = 0,
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
        with run_progress(err):
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


def _fail(message: str, status: int) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(status)


def open_reader(warehouse: Path, allowed: Sequence[Path] = ()) -> duckdb.DuckDBPyConnection:
    """A guarded reader of the warehouse, or exit 2 saying where we looked and how to make a warehouse."""
    from copydesk.warehouse.store import WarehouseMissing, connect_reader

    try:
        return connect_reader(warehouse, allowed)
    except WarehouseMissing as exc:
        hint = (
            f"make one with `copydesk ingest --outlets FILE -w {warehouse}`, or try the bundled demo outlets "
            f"with `copydesk demo` (its warehouse: {DEMO_WAREHOUSE})"
        )
        if (
            warehouse.resolve() != DEMO_WAREHOUSE.resolve()
            and (DEMO_WAREHOUSE / "warehouse.duckdb").is_file()
        ):
            hint += f"; a demo warehouse is there already: add `-w {DEMO_WAREHOUSE}`"
        _fail(f"{exc}: {hint}", 2)
    except (WarehouseUnreadable, LoadLockTimeout) as exc:
        _fail(str(exc), 1)


def _read_query(query: str | None, file: Path | None) -> str:
    """The SQL text: the argument, the --file, or standard input ('-' or a pipe)."""
    if query is not None and file is not None:
        _fail("give the query as an argument or with --file, not both", 2)
    if file is not None:
        return file.read_text(encoding="utf-8")
    if query == "-" or (query is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if query is None:
        _fail("no query: give it as an argument, with --file PATH, or on standard input", 2)
    return query


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            _fail(f"--param {pair}: write it as NAME=VALUE and use $NAME in the query", 2)
        params[name] = value
    return params


def _run_statements(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, str]) -> None:
    """Run every statement of text, each with the --param values it names; the last one's result stays open
    on con. Exit 1 on a refused or failed statement, 2 on a parameter no statement uses."""
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        _fail(str(exc), 1)
    if not statements:
        _fail("the query has no SQL statement", 2)
    unused = set(params) - {name for st in statements for name in st.named_parameters}
    if unused:
        _fail(f"--param {', '.join(sorted(unused))}: no statement uses ${sorted(unused)[0]}", 2)
    for number, statement in enumerate(statements, start=1):
        values = {name: params[name] for name in statement.named_parameters if name in params}
        try:
            con.execute(statement, values or None)
        except duckdb.Error as exc:
            if any(sign in str(exc) for sign in _GUARD_ERRORS):
                kind = statement.type.name if statement.type is not None else "statement"
                _fail(_refusal(number, statement.query, kind, exc), 1)
            _fail(str(exc), 1)


@app.command(short_help="Query the warehouse with SQL (read-only), to screen or file.")
def sql(
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY",
            help="SQL to run against the last published warehouse state; '-' (or a pipe) reads stdin",
            show_default=False,
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-F", exists=True, dir_okay=False, metavar="PATH", help="Read the SQL from this file"
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Bind $NAME in the query to VALUE, as a parameter, never pasted into the SQL (repeatable)",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="PATH",
            help="Write the result to this file, in the format its extension names: "
            ".parquet, .csv, .jsonl, .json",
        ),
    ] = None,
    format: Annotated[  # noqa: A002
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="[table|csv|json|jsonl]",
            help="Format on standard output [default: table]",
            show_default=False,
        ),
    ] = None,
    max_width: Annotated[
        int,
        typer.Option(
            min=0, metavar="N", help="Cut table cells at this many characters, with an ellipsis (0 = never)"
        ),
    ] = 80,
    allow_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--allow-dir",
            metavar="DIR",
            help="A directory of yours whose files the query may read (read_csv, read_parquet) and write "
            "(COPY TO); never the warehouse's (repeatable)",
        ),
    ] = None,
) -> None:
    """Run a query on the warehouse (read-only; never waits for, or blocks, a load).

    The connection cannot write: ATTACH, COPY/EXPORT into files, INSTALL/LOAD and SET are refused, and no
    file outside the --allow-dir directories can be read. With several statements, the last one's result is
    shown. Results stream to --output without being held in memory.
    """
    from copydesk.warehouse.store import check_allowed_dirs

    text = _read_query(query, file)
    params = _parse_params(param or [])
    fmt = format or OutputFormat.table
    if output is not None:
        try:
            fmt = format_for_path(output)
        except OutputError as exc:
            _fail(str(exc), 2)
        if format is not None and format is not fmt:
            _fail(
                f"--format {format} disagrees with --output {output}: the extension decides, drop --format", 2
            )
    elif fmt is OutputFormat.parquet:
        _fail("--format parquet needs --output PATH.parquet (Parquet is not for a terminal)", 2)
    settings = get_settings(warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    try:
        allowed = check_allowed_dirs(settings.warehouse, allow_dir or [], settings.lake)
    except ValueError as exc:
        _fail(str(exc), 2)
    con = open_reader(settings.warehouse, allowed)
    try:
        _run_statements(con, text, params)
        _write_result(con, fmt, output, max_width)
    finally:
        con.close()


def _write_result(
    con: duckdb.DuckDBPyConnection, fmt: OutputFormat, output: Path | None, max_width: int
) -> None:
    """The open result of con's last statement, streamed to output or standard output."""
    if con.description is None:
        return  # a statement without rows (a COPY TO into an --allow-dir directory, say)
    try:
        reader = con.to_arrow_reader(BATCH_ROWS)
        if output is not None:
            rows = write_file(output, fmt, reader.schema, reader)
            err.print(f"wrote {rows} row(s) to {escape(str(output))}", highlight=False)
        elif fmt is OutputFormat.table:
            print_table(console, reader.schema, reader, max_width)
        else:
            write_text_rows(fmt, reader.schema, reader, sys.stdout)
    except duckdb.Error as exc:
        _fail(str(exc), 1)
    except (OutputError, OSError) as exc:
        _fail(str(exc), 2)


@app.command(short_help="Check the warehouse's files and repair what is broken.")
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
            settings.warehouse,
            lock_timeout_s=settings.load_lock_timeout_s,
            holder="repair",
            memory_limit=settings.load_memory_limit,
            lake_at=settings.lake,
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


@app.command(short_help="Show what copydesk extracts from saved HTML pages.")
def extract(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Saved HTML files", exists=True, dir_okay=False)
    ],
    url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="URL the page was fetched from [default: the file's file:// URL]"),
    ] = None,
    format: Annotated[  # noqa: A002
        ExtractFormat, typer.Option("--format", "-f", metavar="[text|json|jsonl]", help="What to print")
    ] = ExtractFormat.text,
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


def _day_option(help: str) -> typer.models.OptionInfo:  # noqa: A002
    return typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help=help)


@app.command(short_help="Write the corpus (a row per story, or per article) to a file.")
def export(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            metavar="PATH",
            help="File to write, in the format its extension names: .parquet, .jsonl",
        ),
    ],
    warehouse: WarehouseOpt = None,
    articles: Annotated[
        bool,
        typer.Option("--articles", help="Every article, copies included, instead of one row per story"),
    ] = False,
    start: Annotated[
        datetime | None, _day_option("First publication day (UTC, inclusive) [default: none]")
    ] = None,
    end: Annotated[
        datetime | None, _day_option("Last publication day (UTC, inclusive) [default: none]")
    ] = None,
    outlet: Annotated[
        list[str] | None,
        typer.Option(
            "--outlet",
            metavar="ID",
            help="Only stories this outlet carried (with --articles: only its articles); repeatable "
            "[default: every outlet]",
        ),
    ] = None,
) -> None:
    """Write the deduplicated corpus to a file: one row per story (the original's text and metadata, with
    the outlets that carried it), or every article with --articles.

    The rows are those of the SQL in warehouse/export.sql (README, "Export the corpus"). A date window
    leaves out what has no publication time.
    """
    from copydesk.flows.export import EXPORT_FORMATS, export_corpus

    try:
        format_for_path(output, EXPORT_FORMATS)
    except OutputError as exc:
        _fail(str(exc), 2)
    if start and end and end < start:
        _fail(f"--end {end.date()} is before --start {start.date()}", 2)
    settings = get_settings(warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    con = open_reader(settings.warehouse)
    try:
        rows = export_corpus(
            con,
            output,
            articles=articles,
            start=start.date() if start else None,
            end=end.date() if end else None,
            outlets=outlet,
            console=err,
        )
    except duckdb.Error as exc:
        _fail(str(exc), 1)
    except (OutputError, OSError) as exc:
        _fail(str(exc), 2)
    finally:
        con.close()
    noun = "articles" if articles else "stories"
    err.print(f"wrote {rows} {noun} to {escape(str(output))}", highlight=False)


@app.command(short_help="Ingest the bundled demo outlets into data/demo, show them.")
def demo(
    warehouse: Annotated[
        Path,
        typer.Option("--warehouse", "-w", metavar="DIR", help="Where the demo warehouse goes"),
    ] = DEMO_WAREHOUSE,
) -> None:
    """Serve the bundled demo outlets on 127.0.0.1, ingest them once into the demo warehouse, and show what
    landed (stories per outlet, the largest stories)."""
    from copydesk.flows.demo import run_demo

    run_demo(warehouse, console)


@app.command("demo-web", short_help="Serve the demo outlets on 127.0.0.1 until stopped.")
def demo_web(
    outlets_file: Annotated[
        Path,
        typer.Option(
            "--outlets-file", metavar="FILE", help="Where to write the outlets file for the demo web"
        ),
    ] = Path("data/demo-web/outlets.yaml"),
    port: Annotated[
        int, typer.Option(min=0, max=65535, metavar="PORT", help="Port on 127.0.0.1 (0 = any free port)")
    ] = 0,
) -> None:
    """Serve the bundled demo outlets on 127.0.0.1 until stopped (Ctrl-C), and write an outlets file naming
    them: pass it to `copydesk serve` or `copydesk ingest` to try the scheduled path without internet."""
    from copydesk.flows.demo import serve_demo_web

    serve_demo_web(outlets_file, port, console)


@app.command(short_help="Ingest what the outlets published between two days.")
def backfill(
    start: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="First day (inclusive, UTC)")
    ],
    end: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Last day (inclusive, UTC)")
    ],
    outlets: OutletsOpt = None,
    warehouse: WarehouseOpt = None,
    outlet: OutletIdOpt = None,
    warc: Annotated[
        list[Path] | None,
        typer.Option(
            "--warc",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="WARC file (CC-NEWS), older history (repeatable)",
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
    # on stderr, with what the run logs printed above the bars; stdout keeps the summary
    progress = bars.Progress(*columns, console=err)
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
        with progress, lines_above(progress.console), backfill_progress(show):
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


@app.command(short_help="Run the scheduled ingest and the backfill deployments.")
def serve(
    outlets: OutletsOpt = None,
    warehouse: WarehouseOpt = None,
    cron: Annotated[
        str, typer.Option(metavar="CRON", help="Schedule of the ingest deployment")
    ] = "*/30 * * * *",
    timezone: Annotated[str, typer.Option(metavar="ZONE", help="Time zone of the cron schedule")] = "UTC",
) -> None:
    """Serve the ingest (scheduled) and backfill deployments from this process until interrupted."""
    with frozen_imports():
        from copydesk.flows.serve import serve_deployments

    settings = get_settings(outlets=outlets, warehouse=warehouse)
    _check_warehouse(settings.warehouse)
    _check_outlets(settings.outlets)
    serve_deployments(settings.outlets, settings.warehouse, cron, timezone)


def _untyped_arguments(command: TyperGroup) -> TyperGroup:
    """Typer prints an argument's Python type beside its name (`FILE... <list[Path]>`); the names we give
    (QUERY, FILE...) say what to pass, so arguments with a name show no type."""
    for sub in getattr(command, "commands", {}).values():
        for param in sub.params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
    return command


def main() -> None:
    """Entry point of the `copydesk` script and `python -m copydesk`."""
    _untyped_arguments(typer.main.get_command(app))()


if __name__ == "__main__":
    main()
