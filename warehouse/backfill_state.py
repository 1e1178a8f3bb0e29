"""A backfill window's discovered links, staged in the warehouse's state for its day runs to read.

The parent backfill run discovers the whole window once and stages each day's links here, keyed by the
window's id and the day; a `backfill-day` run is given only the day, the window id and the warehouse, and
reads its links and the window's outlets selection back. Nothing large ever becomes a Prefect parameter. The
window's directory goes when the parent run is done with it.

Layout: DIR/state/backfill/<window_id>/window.json and DIR/state/backfill/<window_id>/<YYYY-MM-DD>.jsonl.
"""

import os
import re
import shutil
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from copydesk.tasks.models import Link

_WINDOW_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,119}$")


class StagedWindow(BaseModel):
    """What a day run needs of its window besides its links: which outlets file and which outlets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_id: str
    start: date
    end: date
    outlets: str
    outlet_ids: list[str] | None = None


def window_dir(warehouse: Path, window_id: str) -> Path:
    """The window's staging directory; the id must be a plain name (it comes from a flow parameter)."""
    if not _WINDOW_ID.match(window_id):
        raise ValueError(f"not a backfill window id: {window_id!r}")
    return warehouse / "state" / "backfill" / window_id


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def stage_window(warehouse: Path, window: StagedWindow, days: dict[date, list[Link]]) -> list[date]:
    """Stage the window and each day's links; returns the days that have links (the only ones to run)."""
    folder = window_dir(warehouse, window.window_id)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / "window.json", window.model_dump_json())
    staged = []
    for day, links in sorted(days.items()):
        if links:
            _write_atomic(
                folder / f"{day.isoformat()}.jsonl", "".join(f"{link.model_dump_json()}\n" for link in links)
            )
            staged.append(day)
    return staged


def read_window(warehouse: Path, window_id: str) -> StagedWindow:
    """The staged window; a clear error when its state is gone (a day rerun after its window finished)."""
    path = window_dir(warehouse, window_id) / "window.json"
    if not path.exists():
        raise FileNotFoundError(
            f"backfill window {window_id} has no staged state in {path.parent}: run the window again"
        )
    return StagedWindow.model_validate_json(path.read_text(encoding="utf-8"))


def read_day(warehouse: Path, window_id: str, day: date) -> list[Link]:
    """The day's staged links (none when the day had none, or when it has loaded already)."""
    path = window_dir(warehouse, window_id) / f"{day.isoformat()}.jsonl"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as lines:
        return [Link.model_validate_json(line) for line in lines if line.strip()]


def drop_window(warehouse: Path, window_id: str) -> None:
    """Forget the whole window's staged state."""
    shutil.rmtree(window_dir(warehouse, window_id), ignore_errors=True)
