"""Where a generated web goes: a committed web rewritten in place (FileSet), or the run roots of a bench web
(Site); the bytes of legacy charsets; the outlets file."""

import gzip
import io
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# legacy codecs as browsers decode them -> the strict standard they must agree with, byte for byte
STRICT_CODECS = {"cp932": "shift_jis", "cp949": "euc_kr"}


def encode_strict(text: str, codec: str, where: str = "") -> bytes:
    """The text's bytes in codec; for cp932/cp949, refuse characters whose bytes differ from Shift_JIS/EUC-KR,
    so a page reads the same whichever of the two names a decoder trusts."""
    data = text.encode(codec)
    strict = STRICT_CODECS.get(codec)
    if strict and (data != text.encode(strict) or data.decode(strict) != text):
        raise SystemExit(f"{where}: text does not round-trip through {strict}")
    return data


class FileSet:
    """A committed web: every file's bytes by path; written back only where they changed."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: str, data: str | bytes, codec: str = "utf-8") -> None:
        """Add a file; text is encoded with codec (see encode_strict)."""
        self.files[path] = data if isinstance(data, bytes) else encode_strict(data, codec, path)

    def add_gzip(self, path: str, text: str) -> None:
        """Add a gzip file of UTF-8 text, with a fixed name and mtime so its bytes never change."""
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
            handle.write(text.encode("utf-8"))
        self.add(path, buffer.getvalue())

    def stale(self, root: Path) -> list[str]:
        """Paths whose bytes under root differ from these (or are missing)."""
        missing_or_changed = []
        for path, data in self.files.items():
            target = root / path
            if not target.is_file() or target.read_bytes() != data:
                missing_or_changed.append(path)
        return missing_or_changed

    def write(self, root: Path, managed: Iterable[str]) -> list[str]:
        """Write changed files under root and remove files under the managed folders that are not in the set;
        return what changed."""
        changed = []
        for path, data in sorted(self.files.items()):
            target = root / path
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(path)
        for folder in managed:
            for file in sorted((root / folder).rglob("*")):
                rel = file.relative_to(root).as_posix()
                if file.is_file() and rel not in self.files:
                    file.unlink()
                    changed.append(f"removed {rel}")
        return changed


def site_root(out_dir: Path, run: int) -> Path:
    """The site root of one run's state of the web: sites/, then sites_run2/, sites_run3/, ..."""
    return out_dir / ("sites" if run == 1 else f"sites_run{run}")


class Site:
    """Writes files into every run's site root as it goes; unchanged files of a run are hard-linked into the
    later runs' roots."""

    def __init__(self, out_dir: Path, runs: int) -> None:
        self.roots = {run: site_root(out_dir, run) for run in range(1, runs + 1)}
        for stale in out_dir.glob("sites_run*"):
            # a stale later state from an earlier web with more runs would contradict this truth
            if stale not in self.roots.values():
                shutil.rmtree(stale)
        for root in self.roots.values():
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
        self._dirs: set[Path] = set()
        self.pages = {run: 0 for run in self.roots}
        self.bytes = 0

    def _mkdir(self, path: Path) -> None:
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)

    def put(
        self,
        rel: str,
        data: bytes,
        first_run: int,
        *,
        page: bool = True,
        headers: str | None = None,
        replace: bool = False,
    ) -> None:
        """Write rel into the root of first_run and every later run (replace: a new version of a page that
        earlier runs' roots keep as it was)."""
        first: Path | None = None
        for run, root in self.roots.items():
            if run < first_run:
                continue
            path = root / rel
            self._mkdir(path)
            if replace:
                # the earlier version is a hard link shared with the earlier roots: never write through it
                path.unlink(missing_ok=True)
                if page:
                    self.pages[run] -= 1
            if first is None:
                path.write_bytes(data)
                first = path
                if page:
                    self.bytes += len(data)
            else:
                try:
                    os.link(first, path)
                except OSError:
                    shutil.copyfile(first, path)
            if headers is not None:
                path.with_name(path.name + ".headers").write_text(headers, encoding="utf-8")
            if page:
                self.pages[run] += 1

    def put_state(self, run: int, rel: str, text: str) -> None:
        """Write a file that differs between runs (feeds, sitemaps, home pages)."""
        path = self.roots[run] / rel
        self._mkdir(path)
        path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class OutletEntry:
    """One outlet as an outlets file lists it (URLs with the {{BASE}} placeholder)."""

    id: str
    name: str
    homepage: str
    language: str  # empty: a multilingual outlet, no language line
    feeds: Sequence[str] = ()
    sitemaps: Sequence[str] = ()


def outlets_yaml(header: Sequence[str], outlets: Iterable[OutletEntry], *, quote_names: bool = True) -> str:
    """The outlets file of a web: comment lines, then every outlet with its feeds and sitemaps."""
    lines = [*header, "allow_private_addresses: true", "outlets:"]
    for o in outlets:
        name = json.dumps(o.name, ensure_ascii=False) if quote_names else o.name
        lines += [
            f"  - id: {o.id}",
            f"    name: {name}",
            f'    homepage: "{o.homepage}"',
            f'    site_prefix: "{o.homepage}"',
            *([f"    language: {o.language}"] if o.language else []),
        ]
        for key, urls in (("feeds", o.feeds), ("sitemaps", o.sitemaps)):
            if urls:
                lines += [f"    {key}:", *(f'      - "{u}"' for u in urls)]
    return "\n".join(lines) + "\n"


def render_outlets(out_dir: Path, base_url: str) -> Path:
    """Write out_dir/outlets.rendered.yaml: the outlets file with {{BASE}} replaced by base_url."""
    out_dir = Path(out_dir)
    target = out_dir / "outlets.rendered.yaml"
    text = (out_dir / "outlets.yaml").read_text(encoding="utf-8").replace("{{BASE}}", base_url.rstrip("/"))
    target.write_text(text, encoding="utf-8")
    return target
