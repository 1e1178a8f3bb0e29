"""Ground truth of the generated webs: truth.json of a bench web (streamed as pages are written) and the
YAML the committed fixture web's tests read."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class GroundTruth:
    """What a bench web generator wrote and measured; load() reads truth.json."""

    out_dir: Path
    sites: Path
    sites_run2: Path | None
    outlets_file: Path
    truth_file: Path
    stories: int
    articles: int
    pages: dict[int, int]
    page_bytes: int
    kinds: dict[str, int]
    seconds: float
    # every run's site root (sites/, sites_run2/, ...)
    roots: dict[int, Path] = field(default_factory=dict)

    def load(self) -> dict[str, dict[str, dict[str, object]]]:
        """The parsed truth.json."""
        return json.loads(self.truth_file.read_text(encoding="utf-8"))


class TruthWriter:
    """Writes truth.json as {"articles": {url: entry}, "stories": {key: entry}, "meta": {...}}, one article
    per line as it is generated, so a web of any size never holds its truth in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out = path.open("w", encoding="utf-8")
        self._out.write('{"articles": {\n')
        self.urls: set[str] = set()

    def article(self, url: str, entry: dict[str, object]) -> None:
        """Record one article page."""
        self._out.write(("" if not self.urls else ",\n") + _member(url, entry))
        self.urls.add(url)

    def close(self, stories: Iterable[tuple[str, dict[str, object]]], meta: dict[str, object]) -> Path:
        """Finish with the stories table and the generation parameters."""
        self._out.write('\n},\n"stories": {\n')
        for i, (key, entry) in enumerate(stories):
            self._out.write(("" if i == 0 else ",\n") + _member(key, entry))
        self._out.write('\n},\n"meta": ' + json.dumps(meta) + "}\n")
        self._out.close()
        return self.path


def _member(key: str, value: object) -> str:
    return f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"


def yaml_scalar(value: object) -> str:
    """A YAML scalar: null, true/false, an int, or a double-quoted string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def yaml_lines(value: object, indent: int = 0) -> list[str]:
    """Block-style YAML of nested dicts and lists (what yaml.safe_load reads back as the same value)."""
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key)
            label = key if plain else json.dumps(key, ensure_ascii=False)
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{label}:")
                lines.extend(yaml_lines(item, indent + 1))
            elif isinstance(item, dict | list):
                lines.append(f"{pad}{label}: {'[]' if isinstance(item, list) else '{}'}")
            else:
                lines.append(f"{pad}{label}: {yaml_scalar(item)}")
    else:
        for item in value:  # type: ignore[attr-defined]
            if isinstance(item, dict):
                first, *rest = yaml_lines(item, indent + 1)
                lines.append(f"{pad}- {first.lstrip()}")
                lines.extend(rest)
            else:
                lines.append(f"{pad}- {yaml_scalar(item)}")
    return lines
