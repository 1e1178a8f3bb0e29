"""`copydesk export`: the deduplicated corpus (one row per story) or every article, into one file."""

from datetime import date
from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from copydesk.flows.sql_output import BATCH_ROWS, OutputFormat, counted, format_for_path, write_file
from copydesk.warehouse.store import named_queries

EXPORT_SQL = named_queries("export.sql")
EXPORT_FORMATS = (OutputFormat.parquet, OutputFormat.jsonl)


def export_query(articles: bool) -> str:
    """The statement `copydesk export` runs (warehouse/export.sql), without its closing semicolon."""
    return EXPORT_SQL["articles" if articles else "stories"].rstrip().rstrip(";")


def export_params(start: date | None, end: date | None, outlets: list[str] | None) -> list[object]:
    """The export statement's parameters, in the order warehouse/export.sql binds them."""
    return [start, end, outlets or None]


def export_corpus(
    con: duckdb.DuckDBPyConnection,
    output: Path,
    *,
    articles: bool,
    start: date | None,
    end: date | None,
    outlets: list[str] | None,
    console: Console,
) -> int:
    """Stream the stories (or articles) of the window and outlets to output; returns the rows written.

    The format comes from output's extension (.parquet or .jsonl); a bar on console follows the rows.
    """
    fmt = format_for_path(output, EXPORT_FORMATS)
    query, params = export_query(articles), export_params(start, end, outlets)
    (total,) = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()  # noqa: S608 (our own SQL)
    noun = "articles" if articles else "stories"
    if not console.is_terminal:
        reader = con.execute(query, params).to_arrow_reader(BATCH_ROWS)
        return write_file(output, fmt, reader.schema, reader)
    progress = Progress(
        TextColumn(f"exporting {noun}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        bar = progress.add_task(noun, total=total)
        reader = con.execute(query, params).to_arrow_reader(BATCH_ROWS)
        batches = counted(reader, lambda rows: progress.advance(bar, rows))
        return write_file(output, fmt, reader.schema, batches)
