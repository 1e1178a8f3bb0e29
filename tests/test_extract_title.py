"""Title room: the site's name cut off the end of the headline."""

import pytest

from copydesk.tasks.extract.title import strip_site_suffix


@pytest.mark.parametrize(
    ("raw", "sites", "expected"),
    [
        ("Harbour board picks ferry bid | Harbour Post", ["Harbour Post"], "Harbour board picks ferry bid"),
        ("Harbour board picks ferry bid - harbour post", ["Harbour Post"], "Harbour board picks ferry bid"),
        ("Harbour  board\npicks ferry bid", ["Harbour Post"], "Harbour board picks ferry bid"),
        ("Live | Harbour Post", ["Harbour Post"], "Live | Harbour Post"),
        ("北陸新幹線　大雪に備え", [], "北陸新幹線　大雪に備え"),
        ("Harbour board picks ferry bid", [], "Harbour board picks ferry bid"),
    ],
    ids=["pipe", "dash-any-case", "whitespace", "title-only-kept", "ideographic-space-kept", "no-site"],
)
def test_strip_site_suffix(raw: str, sites: list[str], expected: str) -> None:
    assert strip_site_suffix(raw, sites) == expected


def test_no_title_is_none() -> None:
    assert strip_site_suffix(None, ["Harbour Post"]) is None
    assert strip_site_suffix("", ["Harbour Post"]) is None
