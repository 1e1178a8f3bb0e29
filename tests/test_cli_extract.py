"""`copydesk extract`: the pipeline's extraction function on saved HTML files, for debugging an outlet."""

import json
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COPYDESK, "extract", *args], capture_output=True, text=True, timeout=120)


def test_jsonl_prints_one_object_per_file_with_the_pipeline_fields() -> None:
    files = [GOLDEN / "aggregator.html", GOLDEN / "japanese.html", GOLDEN / "js_challenge.html"]
    done = _run(*map(str, files), "--format", "jsonl", "--url", "https://news.example.org/a/1.html")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["path"] for r in records] == [str(f) for f in files]
    for record, path in zip(records[:2], files[:2], strict=True):
        expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
        assert record["title"] == expected["title"]
        assert record["language"] == expected["language"]
        assert record["text"] and record["published_at"]
    assert records[2]["kind"] == "blocked" and "error" in records[2]


def test_text_format_and_exit_status_when_every_file_fails() -> None:
    ok = _run(str(GOLDEN / "japanese.html"))
    assert ok.returncode == 0 and len(ok.stdout) > 100
    failed = _run(str(GOLDEN / "js_challenge.html"))
    assert failed.returncode == 1 and "blocked" in failed.stderr


def test_hostile_json_ld_does_not_crash_the_command(tmp_path: Path) -> None:
    body = "The harbour board chose the lower of two bids for the new ferry terminal on Tuesday. " * 4
    page = tmp_path / "hostile.html"
    page.write_text(
        "<html><head><title>Harbour board picks ferry bid</title>"
        '<script type="application/ld+json">{"wordCount":' + "9" * 50_000 + "}</script>"
        '<script type="application/ld+json">' + "[" * 200_000 + "]" * 200_000 + "</script>"
        f"</head><body><article><h1>Harbour board picks ferry bid</h1><p>{body}</p></article></body></html>",
        encoding="utf-8",
    )
    done = _run(str(page), "--format", "json", "--url", "https://harbour.example/news/ferry-bid")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["title"] == "Harbour board picks ferry bid"
    assert "lower of two bids" in record["text"]
