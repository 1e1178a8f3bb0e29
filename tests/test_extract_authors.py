"""Authors room: bylines split and filtered, sources in order."""

import pytest

from copydesk.tasks.extract import split_authors
from copydesk.tasks.extract.authors import pick_authors
from copydesk.tasks.extract.meta import PageMeta


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe; John Roe", ["Jane Doe", "John Roe"]),
        ("by: Jane Doe", ["Jane Doe"]),
        ("Jane Doe, Staff Writer", ["Jane Doe"]),
        ("Jane Doe, Tokyo Correspondent", ["Jane Doe"]),
        ("https://www.facebook.com/janedoe", []),
        ("김서연 기자", ["김서연"]),
        ("山田太郎記者", ["山田太郎"]),
    ],
    ids=[
        "by-prefix",
        "comma-and",
        "ampersand",
        "semicolon",
        "by-colon",
        "role",
        "beat-role",
        "url",
        "ko",
        "ja",
    ],
)
def test_split_authors(raw: str, names: list[str]) -> None:
    assert split_authors(raw) == names


def test_trafilatura_author_is_read_only_when_page_markup_names_nobody() -> None:
    asked: list[bool] = []

    def trafilatura_author() -> str:
        asked.append(True)
        return "By Mira Okafor"

    with_meta = PageMeta(meta={"author": ["Jon Bell"]})
    assert pick_authors(with_meta, trafilatura_author, ["Harbour Post"]) == ["Jon Bell"]
    assert asked == []
    assert pick_authors(PageMeta(), trafilatura_author, ["Harbour Post"]) == ["Mira Okafor"]
    assert asked == [True]
    # the outlet's own name as the only meta author is filtered out, so trafilatura's is asked for
    own_name = PageMeta(meta={"author": ["Harbour Post"]})
    assert pick_authors(own_name, trafilatura_author, ["Harbour Post"]) == ["Mira Okafor"]
