"""Load and validate the outlets file: the only reader of it."""

from pathlib import Path

import yaml
from pydantic import ValidationError

from copydesk.tasks.models import OutletsConfig

# thousands of outlets fit in a fraction of this
MAX_FILE_CHARS = 10_000_000


class OutletsFileError(ValueError):
    """The outlets file cannot be used; the message names the outlet and field."""


def _describe(error: dict, raw: object) -> str:
    """Turn one pydantic error location into 'outlet <id>, field <name>: message'."""
    loc = list(error.get("loc", ()))
    where = []
    if len(loc) >= 2 and loc[0] == "outlets" and isinstance(loc[1], int):
        index = loc[1]
        outlet_id = None
        if isinstance(raw, dict) and isinstance(raw.get("outlets"), list) and index < len(raw["outlets"]):
            entry = raw["outlets"][index]
            if isinstance(entry, dict):
                outlet_id = entry.get("id")
        where.append(f"outlet {outlet_id!r}" if outlet_id else f"outlet #{index + 1}")
        loc = loc[2:]
    field = ".".join(str(part) for part in loc)
    if field:
        where.append(f"field {field!r}")
    prefix = ", ".join(where) if where else "file"
    return f"{prefix}: {error.get('msg', 'invalid')}"


def parse_outlets(text: str, source: str = "<outlets>") -> OutletsConfig:
    """Parse and validate outlets YAML text."""
    if len(text) > MAX_FILE_CHARS:
        raise OutletsFileError(f"{source}: {len(text)} characters, more than an outlets file holds")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OutletsFileError(f"{source}: not valid YAML: {exc}") from exc
    except RecursionError:
        raise OutletsFileError(f"{source}: its YAML is nested too deeply to read") from None
    if not isinstance(raw, dict):
        raise OutletsFileError(f"{source}: expected a mapping with an 'outlets' list at the top")
    try:
        return OutletsConfig.model_validate(raw)
    except ValidationError as exc:
        lines = [_describe(err, raw) for err in exc.errors()]
        raise OutletsFileError(f"{source}: " + "; ".join(lines)) from exc


def load_outlets(path: str | Path) -> OutletsConfig:
    """Read and validate the outlets file at path."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise OutletsFileError(f"{file}: cannot read outlets file: {exc.strerror or exc}") from exc
    return parse_outlets(text, str(file))
