"""Where `copydesk sql` and `copydesk export` put rows: a file chosen by its extension, or the terminal.

Rows arrive as Arrow record batches from DuckDB and are written batch by batch, so a result never has to fit
in memory (a terminal table is the exception: it is drawn once, from rows cut to the cell width).
"""

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

# rows per Arrow batch asked of DuckDB: big enough to amortise the calls, small enough to stream
BATCH_ROWS = 10_000
ELLIPSIS = "…"


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    parquet = "parquet"


FORMAT_BY_SUFFIX = {
    ".parquet": OutputFormat.parquet,
    ".pq": OutputFormat.parquet,
    ".csv": OutputFormat.csv,
    ".jsonl": OutputFormat.jsonl,
    ".ndjson": OutputFormat.jsonl,
    ".json": OutputFormat.json,
}


class OutputError(ValueError):
    """An output path or format that cannot be written; the message says what would work."""


def format_for_path(path: Path, allowed: Iterable[OutputFormat] = tuple(OutputFormat)) -> OutputFormat:
    """The file format an output path's extension names."""
    chosen = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    allowed = tuple(allowed)
    if chosen is None or chosen not in allowed:
        suffixes = ", ".join(s for s, f in FORMAT_BY_SUFFIX.items() if f in allowed)
        raise OutputError(f"--output {path}: the extension must say the format ({suffixes})")
    return chosen


def json_value(value: object) -> object:
    """A JSON-encodable form of a value DuckDB returns that json does not know (dates, decimals, UUIDs)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def cell_text(value: object) -> str:
    """How a value reads in a CSV cell or a table cell: lists joined by ", ", dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=json_value, ensure_ascii=False)
    return str(value)


def _dumps(row: dict) -> str:
    return json.dumps(row, default=json_value, ensure_ascii=False)


def _rows(batches: Iterable[pa.RecordBatch]) -> Iterator[dict]:
    for batch in batches:
        yield from batch.to_pylist()


def write_text_rows(
    fmt: OutputFormat, schema: pa.Schema, batches: Iterable[pa.RecordBatch], out: IO[str]
) -> int:
    """Write rows as CSV (lines end with \\n), JSON Lines or one JSON array; returns the row count."""
    count = 0
    if fmt is OutputFormat.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(schema.names)
        for row in _rows(batches):
            writer.writerow([cell_text(v) for v in row.values()])
            count += 1
    elif fmt is OutputFormat.jsonl:
        for row in _rows(batches):
            out.write(_dumps(row) + "\n")
            count += 1
    elif fmt is OutputFormat.json:
        out.write("[")
        for row in _rows(batches):
            out.write(("\n" if count == 0 else ",\n") + _dumps(row))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        raise OutputError(f"{fmt} is not a text format")
    return count


def write_parquet(schema: pa.Schema, batches: Iterable[pa.RecordBatch], path: Path) -> int:
    """Write record batches to one Parquet file (list columns stay lists); returns the row count."""
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            count += batch.num_rows
    return count


@contextmanager
def temp_beside(path: Path) -> Iterator[Path]:
    """A temp name beside path, renamed over it when the block ends without error: a file appears whole."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_file(
    path: Path,
    fmt: OutputFormat,
    schema: pa.Schema,
    batches: Iterable[pa.RecordBatch],
) -> int:
    """Write the rows to path in fmt, atomically; returns the row count."""
    if not path.parent.is_dir():
        raise OutputError(f"--output {path}: the directory {path.parent} does not exist")
    with temp_beside(path) as tmp:
        if fmt is OutputFormat.parquet:
            return write_parquet(schema, batches, tmp)
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            return write_text_rows(fmt, schema, batches, out)


def counted(batches: Iterable[pa.RecordBatch], tick: Callable[[int], None]) -> Iterator[pa.RecordBatch]:
    """The batches, calling tick(rows) after each: how a progress display follows a stream."""
    for batch in batches:
        yield batch
        tick(batch.num_rows)


def cut_cell(text: str, max_width: int) -> tuple[str, bool]:
    """text cut to max_width characters, the last one an ellipsis when anything was cut (0 = no limit)."""
    if max_width <= 0 or len(text) <= max_width:
        return text, False
    return text[: max(max_width - 1, 0)] + ELLIPSIS, True


def print_table(
    console: Console, schema: pa.Schema, batches: Iterable[pa.RecordBatch], max_width: int
) -> None:
    """A table as wide as the terminal, cells cut at max_width characters with an ellipsis, and a footer
    that says how many rows there were and how many had a cell cut."""
    table = Table(show_lines=False)
    for name in schema.names:
        table.add_column(name, overflow="fold")
    rows = cut_rows = 0
    for row in _rows(batches):
        cells = [cut_cell(cell_text(v), max_width) for v in row.values()]
        table.add_row(*[text for text, _ in cells])
        rows += 1
        cut_rows += any(cut for _, cut in cells)
    console.print(table)
    footer = f"{rows} row(s)"
    if cut_rows:
        footer += (
            f"; {cut_rows} row(s) had cells cut at {max_width} characters ({ELLIPSIS}): --max-width 0 shows "
            "whole cells, --output FILE writes them"
        )
    console.print(footer, highlight=False, soft_wrap=True)
