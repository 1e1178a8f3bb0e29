"""Writing bench/results/ files: whole, or a generated block inside hand-written notes."""

from pathlib import Path

START, END = "<!-- results:start -->", "<!-- results:end -->"


def write_block(path: Path, section: str, title: str) -> None:
    """Replace the generated block of a results file, keeping the hand-written notes around it."""
    block = f"{START}\n{section}\n{END}"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if START in old and END in old:
            head, rest = old.split(START, 1)
            _, tail = rest.split(END, 1)
            path.write_text(head + block + tail, encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n{block}\n", encoding="utf-8")


def write_file(path: Path, text: str) -> None:
    """Write a whole results file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
