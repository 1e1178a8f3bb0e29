"""Language room: CLD2 on the text, the hint and <html lang> when the text says too little."""

import pytest

from copydesk.tasks.extract import detect_language


@pytest.mark.parametrize(
    ("text", "hint", "html_lang", "expected"),
    [
        (
            "The two leaders met in person for the first time on the sidelines of the summit.",
            "ja",
            None,
            "en",
        ),
        ("OK", "ja", "en", "ja"),
        ("OK", None, "ko", "ko"),
    ],
    ids=["detected", "short-uses-hint", "short-uses-html-lang"],
)
def test_detect_language(text: str, hint: str | None, html_lang: str | None, expected: str) -> None:
    assert detect_language(text, hint, html_lang) == expected
