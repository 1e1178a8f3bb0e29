"""tasks/clean.py's text steps as extraction runs them: credits, cuts, link boxes, matching keys."""

import random
import unicodedata
from typing import Any

import pytest

from copydesk.tasks.clean import (
    _PUNCT_MAP,
    CREDIT_DATE_RE,
    FIRST_PUBLISHED_CUES,
    FIRST_PUBLISHED_RE,
    REPUBLISHED_CUES,
    REPUBLISHED_RE,
    clean_text,
    detect_source_credit,
    drop_leading_title,
    drop_link_boxes,
    has_cues,
    match_credit_date,
    normalise_for_matching,
    strip_credit_lines,
)
from tests.test_extract_words import ASCII, MIXED, random_strings


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("NHK18-06-2025\nThe two leaders met in person.", "NHK"),
        ("The leaders met.\n（NHKニュースより）", "NHKニュース"),
        ("The leaders met.\n(共同通信より)", "共同通信"),
        ("Prices rose.\nSource: Reuters", "Reuters"),
        ("Prices rose.\nThis report was first published by The Harbour Times.", "The Harbour Times"),
        ("Prices rose.\nOriginally published by Kestrel Press on June 3.", "Kestrel Press"),
        ("WASHINGTON (Reuters) - Prices rose on Tuesday.\nMore text.", "Reuters"),
        ("Prices rose on Tuesday.\nMore text follows here. — AP", "AP"),
        ("(부산=연합뉴스) 김서연 기자 = 공사는 밝혔다.", "연합뉴스"),
        ("18-06-2025\nThe leaders met.", None),
        ("The leaders met and agreed - on most points.", None),
    ],
    ids=["nhk-date", "ja-fullwidth", "ja-halfwidth", "source-label", "first-published", "originally",
         "dateline", "signoff", "ko-dateline", "bare-date", "dash-in-sentence"],
)  # fmt: skip
def test_detect_source_credit(text: str, credit: str | None) -> None:
    assert detect_source_credit(text) == credit


def test_strip_credit_lines_only_strips_whole_credit_lines() -> None:
    text = "NHK18-06-2025\nThe leaders met.\nThey talked about Source: Reuters reports.\n（NHKニュースより）"
    stripped, removed = strip_credit_lines(text)
    assert stripped == "The leaders met.\nThey talked about Source: Reuters reports."
    assert removed == ["NHK18-06-2025", "（NHKニュースより）"]


def test_clean_text_cuts_related_and_furniture() -> None:
    body = "The council approved the plan on Monday after a long debate about costs and timing."
    text = "\n".join(
        [body, body, "Share on Facebook", body, "Orange background", "Try Our AI Features", "Explore it",
         "Related Articles", "Other story sentence that must go."]
    )  # fmt: skip
    cleaned, removed = clean_text(text)
    assert cleaned == "\n".join([body, body, body])
    assert "Share on Facebook" in removed
    assert any("Other story sentence" in block for block in removed)


def test_aggregator_text_pipeline() -> None:
    body = [
        "The city will test hydrogen river buses on the Sumida this autumn, officials said on Tuesday.",
        "Two converted boats will carry up to 40 passengers each between Asakusa and Hinode pier.",
    ]
    title = "Tokyo to trial hydrogen-powered river buses"
    text = "\n".join(
        ["logo", title, "", title, "", "NHK18-06-2025", *body, "Orange background", "", "Try Our AI Features",
         "", "Explore what Examplefold AI can do for you:", "", "Comments", "", "No comments yet...", "",
         "Related Articles", "", "Osaka ferries go electric", "Japan Times", "timea day ago",
         "Three ferry companies say they will replace their diesel engines with battery packs.", "",
         "DOWNLOAD THE APP", "", "Get Started Now: Download the App"]
    )  # fmt: skip
    cleaned, _ = clean_text(text)
    cleaned, _ = drop_leading_title(cleaned, [title])
    assert detect_source_credit(cleaned) == "NHK"
    cleaned, removed = strip_credit_lines(cleaned)
    assert removed == ["NHK18-06-2025"]
    assert cleaned == "\n".join(body)


def test_clean_text_keeps_early_heading() -> None:
    text = "Comments\nThe mayor said the comments were unfair and would be answered in full next week."
    assert clean_text(text)[0] == text


def test_link_box_inside_body_goes_story_stays() -> None:
    text = "First paragraph.\nDON'T MISS\nHeadline one [INSIGHT]\nHeadline two [VIDEO]\nThe story goes on."
    assert drop_link_boxes(text)[0] == "First paragraph.\nThe story goes on."


def test_normalise_for_matching() -> None:
    assert normalise_for_matching("ＡＢＣ　１２３､ﾃｽﾄ｡") == "abc 123、テスト。"
    assert normalise_for_matching("“Quoted” — text\n\n here") == '"quoted" - text here'


def test_match_credit_date_is_the_credit_regex() -> None:
    # lines that end in every way the quick refusal looks at: a year, a year and a newline, other digits
    rng = random.Random(3)
    lines = [
        rng.choice(["", "NHK", "Kyodo News ", "A.B ", " ", "(c) "])
        + "".join(rng.choice("0123456789٣-./ ") for _ in range(rng.randint(4, 12)))
        + rng.choice(["", "\n", " ", "x", "\n\n", "2025", "1999\n"])
        for _ in range(20000)
    ]
    for line in lines + random_strings(4, MIXED) + ["NHK18-06-2025", "NHK18-06-2025\n", "18.6.1999"]:
        expected = CREDIT_DATE_RE.match(line)
        found = match_credit_date(line)
        assert (found and found.groupdict()) == (expected and expected.groupdict()), repr(line)


def test_normalise_for_matching_is_nfkc_casefold_and_the_punctuation_map() -> None:
    def reference(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        return " ".join(text.translate(_PUNCT_MAP).casefold().split())

    for text in random_strings(5, MIXED) + random_strings(6, ASCII):
        assert normalise_for_matching(text) == reference(text), repr(text)


@pytest.mark.parametrize(
    ("pattern", "cues", "line"),
    [
        (FIRST_PUBLISHED_RE, FIRST_PUBLISHED_CUES, "This story was FIRST RAN in The Harbour Post"),
        (FIRST_PUBLISHED_RE, FIRST_PUBLISHED_CUES, "Originally appeared on Kestrel Press"),
        (REPUBLISHED_RE, REPUBLISHED_CUES, "Reprinted with permission from The Courier"),
    ],
)
def test_regex_cues_hold_for_every_match(pattern: Any, cues: Any, line: str) -> None:
    # the cue test skips the regex: it must never say no where the regex says yes
    assert pattern.search(line)
    assert has_cues(line, cues)
    assert not has_cues("A plain sentence about the harbour.", cues)


FERRY_TITLE = "Harbour board picks the cheaper ferry bid"
FERRY_BODY = "The board chose the lower of two bids on Tuesday.\nWork starts in the spring."


@pytest.mark.parametrize(
    ("first_line", "dropped"),
    [
        (f"New terminal for the quay {FERRY_TITLE}", True),
        (f"Ferry tender{FERRY_TITLE}", True),
        ("Ferry tender: Harbour board picks the cheaper ferry bid", True),
        ("Harbour board picks the cheaper\u00adferry bid", True),
        # a sentence that ends like the headline is the story's first line, not a kicker and headline
        (f"On Tuesday evening the {FERRY_TITLE}.", False),
        (f"After a long and bitter row that split the town council into two camps {FERRY_TITLE}", False),
    ],
    ids=["kicker-space", "kicker-fused", "kicker-colon", "soft-hyphen", "sentence", "long-prefix"],
)
def test_a_kicker_printed_in_one_line_with_the_headline_goes_with_it(first_line: str, dropped: bool) -> None:
    cleaned, removed = drop_leading_title(f"{first_line}\n{FERRY_BODY}", [FERRY_TITLE])
    assert (cleaned == FERRY_BODY) is dropped
    assert removed == ([first_line] if dropped else [])


@pytest.mark.parametrize(
    "label",
    ["Anzeige", "Passer la publicité", "Publicidad", "Lesedauer: 4 Minuten", "Temps de lecture : 3 min",
     "Reading time: 5 minutes", "Lesetid: 2 min."],
)  # fmt: skip
def test_ad_labels_and_reading_times_of_other_languages_go(label: str) -> None:
    story = ["The board chose the lower of two bids on Tuesday.", "Work starts in the spring."]
    assert clean_text(f"{story[0]}\n{label}\n{story[1]}")[0] == "\n".join(story)


def test_a_sentence_that_begins_like_an_ad_label_stays() -> None:
    text = "The board chose the lower bid.\nAnzeige gegen den Hafenmeister wurde am Montag erstattet."
    assert clean_text(text)[0] == text
