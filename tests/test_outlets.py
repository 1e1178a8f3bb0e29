import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.tasks.outlets import OutletsFileError, load_outlets, parse_outlets

REPO = Path(__file__).resolve().parent.parent

GOOD = """
allow_private_addresses: false
outlets:
  - id: nhk
    name: NHK World
    homepage: https://www3.nhk.or.jp/nhkworld/
    feeds: [https://www3.nhk.or.jp/rss/news/cat0.xml]
    language: en
  - id: valley
    sitemaps: [https://valley.example/sitemap.xml]
"""


def test_parses_the_public_shape() -> None:
    config = parse_outlets(GOOD)
    assert [o.id for o in config.outlets] == ["nhk", "valley"]
    assert config.outlets[0].feeds == ["https://www3.nhk.or.jp/rss/news/cat0.xml"]
    assert config.outlets[1].language is None
    assert config.allow_private_addresses is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "outlets:\n  - id: Bad Id\n    feeds: [https://a.example/f]\n",
            ["outlet 'Bad Id'", "field 'id'"],
            id="bad-slug",
        ),
        pytest.param(
            "outlets:\n  - id: a\n    feeds: [ftp://a.example/f]\n",
            ["outlet 'a'", "field 'feeds.0'"],
            id="bad-url",
        ),
        pytest.param("outlets:\n  - id: a\n", ["outlet 'a'", "feeds"], id="no-sources"),
        pytest.param(
            "outlets:\n  - id: a\n    feeds: [https://a.example/f]\n    colour: red\n",
            ["outlet 'a'", "field 'colour'"],
            id="unknown-field",
        ),
        pytest.param(
            "outlets:\n  - id: a\n    feeds: [https://a.example/f]\n  - id: a\n    feeds: [https://b.example/f]\n",
            ["more than once"],
            id="duplicate-id",
        ),
        pytest.param("outlets: [", ["not valid YAML"], id="bad-yaml"),
        pytest.param("- just\n- a list\n", ["mapping"], id="not-a-mapping"),
        pytest.param(
            "allow_private_addresses: maybe\noutlets: []\n", ["allow_private_addresses"], id="bad-bool"
        ),
    ],
)
def test_invalid_files_name_the_outlet_and_field(text: str, expected: list[str]) -> None:
    with pytest.raises(OutletsFileError) as info:
        parse_outlets(text, "o.yaml")
    for fragment in expected:
        assert fragment in str(info.value)


def test_select_rejects_unknown_ids() -> None:
    config = parse_outlets(GOOD)
    assert [o.id for o in config.select(["valley"]).outlets] == ["valley"]
    assert config.select(None) is config
    with pytest.raises(ValueError, match="unknown outlet ids: zzz"):
        config.select(["zzz"])


def test_shipped_outlets_files_are_valid() -> None:
    real = load_outlets(REPO / "deploy" / "outlets.yaml")
    assert len(real.outlets) >= 12
    assert {"en", "ja"} <= {o.language for o in real.outlets}
    assert real.allow_private_addresses is False


def run_ingest_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", "ingest", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_cli_exits_2_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "outlets.yaml"
    bad.write_text("outlets:\n  - id: metro\n    feeds: [not-a-url]\n", encoding="utf-8")
    result = run_ingest_cli("--outlets", str(bad), "--warehouse", str(tmp_path / "wh"))
    assert result.returncode == 2
    assert "outlet 'metro'" in result.stderr and "field 'feeds.0'" in result.stderr
    assert not (tmp_path / "wh").exists()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutletsFileError, match="cannot read outlets file"):
        load_outlets(tmp_path / "nope.yaml")


def test_cli_exits_2_for_an_unknown_outlet_id(tmp_path: Path) -> None:
    result = run_ingest_cli(
        "--outlets",
        str(REPO / "deploy" / "outlets.yaml"),
        "--outlet",
        "no-such-outlet",
        "--warehouse",
        str(tmp_path / "wh"),
    )
    assert result.returncode == 2
    assert "unknown outlet ids: no-such-outlet" in result.stderr
    assert not (tmp_path / "wh").exists()
