"""Every command's --help, read as a newcomer reads it: defaults and environment variables shown, types named
in words, nothing eaten as markup, and what each command says it does is what it does."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def _help(*command: str) -> str:
    done = subprocess.run([COPYDESK, *command, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # rich may wrap a help line anywhere: compare the words, not the layout
    return " ".join(done.stdout.split())


def _commands() -> list[str]:
    done = subprocess.run([COPYDESK, "--help"], capture_output=True, text=True, timeout=60)
    listed = done.stdout.split("Commands:")[1]
    return re.findall(r"^  ([a-z][a-z-]*) ", listed, re.M)


COMMANDS = _commands()


def test_every_command_is_listed() -> None:
    assert set(COMMANDS) >= {
        "ingest",
        "sql",
        "export",
        "demo",
        "demo-web",
        "backfill",
        "serve",
        "repair",
        "extract",
    }


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_types_in_words_and_shows_no_markup_residue(command: str) -> None:
    text = _help(command)
    assert not re.search(r"<(list|str|int|bool|Path|float)\b", text), text
    assert "<int range>" not in text and "%Y" not in text
    assert "[/" not in text and "\\[" not in text  # no rich markup tags or their escapes
    if "--warehouse" in text and command != "demo":
        assert "[env: COPYDESK_WAREHOUSE] [default: ./data]" in text
    if "--outlets " in text:
        assert "[env: COPYDESK_OUTLETS]" in text and "[default: the bundled deploy/outlets.yaml]" in text


def test_help_says_what_the_commands_do() -> None:
    demo = _help("demo")
    assert "ingest them once" in demo and "twice" not in demo
    assert "[default: data/demo]" in demo
    sql = _help("sql")
    for option in ("--file PATH", "--param NAME=VALUE", "--output PATH", "--max-width N", "--allow-dir DIR"):
        assert option in sql
    assert ".parquet, .csv, .jsonl, .json" in sql and "[default: 80" in sql
    export = _help("export")
    assert "one row per story" in export and "--articles" in export and "--start YYYY-MM-DD" in export
    assert "until stopped" in _help("demo-web")
    assert "--start YYYY-MM-DD" in _help("backfill")


def test_version_prints_the_version() -> None:
    from copydesk import __version__

    done = subprocess.run([COPYDESK, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"copydesk {__version__}"
