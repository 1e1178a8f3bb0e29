"""Cleaning rules that explain a kind of line: related links inside a story, rights notices, source links."""

import re
from pathlib import Path

import pytest

from copydesk.tasks.clean import clean_text, is_notice_line, is_related_line, source_link_url

TEXTS = Path(__file__).parent / "dedupe_texts"

# one story in several languages, as an outlet's template sets it: paragraphs, a related link between them
STORY = {
    "de": (
        "Der Stadtrat von Halden hat am Dienstag den Haushalt für das kommende Jahr beschlossen.",
        "Lesen Sie auch: Warum die Mieten in Halden weiter steigen",
        "Die Opposition kritisierte die Kürzungen bei den Büchereien und kündigte Widerstand an.",
    ),
    "en": (
        "The Halden city council approved next year's budget on Tuesday after a long debate.",
        "Read more: Why rents in Halden keep rising",
        "The opposition criticised the cuts to libraries and promised to fight them.",
    ),
    "pt": (
        "A câmara de Halden aprovou na terça-feira o orçamento do próximo ano.",
        "Leia também: Por que os aluguéis continuam a subir em Halden",
        "A oposição criticou os cortes nas bibliotecas e prometeu resistir.",
    ),
    "ja": (
        "ハルデン市議会は火曜日、来年度の予算案を可決した。",
        "【関連記事】ハルデンの家賃が上がり続ける理由",
        "野党は図書館の予算削減を批判し、反対を続ける考えを示した。",
    ),
    "ko": (
        "할덴 시의회는 화요일 내년도 예산안을 통과시켰다.",
        "관련기사: 할덴의 임대료가 계속 오르는 이유",
        "야당은 도서관 예산 삭감을 비판했다.",
    ),
    "no": (
        "Bystyret i Halden vedtok tirsdag neste års budsjett etter en lang debatt.",
        "Les også: Derfor fortsetter husleiene å stige i Halden",
        "Opposisjonen kritiserte kuttene i bibliotekene.",
    ),
}


@pytest.mark.parametrize("language", sorted(STORY))
def test_a_related_link_line_inside_a_story_goes_and_the_story_stays(language: str) -> None:
    first, link, last = STORY[language]
    text, removed = clean_text("\n".join([first, link, last]))
    assert text.split("\n") == [first, last]
    assert removed == [link]


def test_a_related_box_heading_and_its_headlines_go_in_german_too() -> None:
    first, _, last = STORY["de"]
    box = ["Mehr zum Thema", "Halden streicht zwei Buslinien", "Neue Schule öffnet im August"]
    text, _ = clean_text("\n".join([first, *box, last]))
    assert text.split("\n") == [first, last]


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the plan in the council's report, which was published on Monday.",
        "More on that later: the council meets again on Thursday to settle the remaining questions.",
        "Lesen Sie auch den Kommentar unseres Chefredakteurs. Er sieht die Sache anders.",
        "Update: a judge on Thursday declined to pause the fee while the lawsuit proceeds.",
        "Source: Halden Courier",
    ],
    ids=["read-more-as-prose", "label-then-a-sentence", "no-separator", "update-line", "credit-line"],
)
def test_sentences_that_open_with_a_label_stay(line: str) -> None:
    assert not is_related_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "This material may not be published, broadcast, rewritten or redistributed.",
        "© 2025 Halden Wire. All rights reserved.",
        "Copyright 2025 Halden Wire. All Rights Reserved.",
        "Alle Rechte vorbehalten. Weiterverbreitung nur mit Genehmigung untersagt.",
        "記事の無断転載を禁じます。",
        "무단 전재 및 재배포 금지",
    ],
    ids=["wire-en", "copyright-sign", "copyright-word", "de", "ja", "ko"],
)
def test_rights_and_syndication_notices_are_cut(line: str) -> None:
    first, _, last = STORY["en"]
    assert is_notice_line(line)
    text, removed = clean_text("\n".join([first, line, last]))
    assert text.split("\n") == [first, last] and removed == [line]


def test_a_long_sentence_about_rights_is_part_of_the_story() -> None:
    sentence = (
        "The band said that all rights reserved to its former label had been bought back in 2019, after "
        "months of negotiations over the catalogue, and that the songs would be reissued on vinyl "
        "next spring "
        "with notes written by the members themselves."
    )
    assert not is_notice_line(sentence)


def same_site(url: str) -> bool:
    return url.startswith("https://briefs.example/")


@pytest.mark.parametrize(
    ("anchors", "expected"),
    [
        ([("Continue reading at Halden Courier", "https://courier.example/2025/06/budget")],
         "https://courier.example/2025/06/budget"),
        ([("Read more on Halden Courier", "https://courier.example/budget?utm_source=briefs")],
         "https://courier.example/budget"),
        ([("Continue reading", "https://courier.example/budget")], "https://courier.example/budget"),
        ([("Source", "https://courier.example/budget")], "https://courier.example/budget"),
        ([("Continue reading", "/more/budget")], None),  # the rest is on this site
        ([("Source: Halden Courier", "https://courier.example/")], None),  # an outlet's home page
        ([("Why rents keep rising", "https://courier.example/rents")], None),  # a related link
    ],
    ids=["continue-at", "read-more-on", "continue", "source", "same-site", "home-page", "related-link"],
)  # fmt: skip
def test_a_link_to_the_rest_of_the_story_names_the_original(
    anchors: list[tuple[str, str]], expected: str | None
) -> None:
    assert source_link_url(anchors, "https://briefs.example/b/budget", same_site) == expected


def _always_holds(items: list, words: set[str]) -> bool:
    """Whether every match of a parsed pattern holds one of `words` in a run of its literal characters (an
    optional part counts for nothing, alternatives only when each of them holds one)."""
    from re import _constants as sre

    run = ""
    for op, av in items:
        run = run + chr(av) if op is sre.LITERAL else ""
        if any(word in run for word in words):
            return True
        if op is sre.SUBPATTERN and _always_holds(list(av[-1]), words):
            return True
        if op is sre.BRANCH and all(_always_holds(list(branch), words) for branch in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1 and _always_holds(list(av[2]), words):
            return True
    return False


def test_the_notice_prefilter_lets_through_every_line_a_notice_cue_can_match() -> None:
    from re import _parser

    from copydesk.tasks import clean
    from copydesk.tasks.clean import _NOTICE_CUES, NOTICE_CUE_CHARS_RE, NOTICE_LINE_RE

    chars = set(NOTICE_CUE_CHARS_RE.pattern.strip("[]"))
    words = set(clean.NOTICE_WORDS)
    for cue in _NOTICE_CUES:
        assert _always_holds(list(_parser.parse(cue)), chars), cue
        # the words as the cue spells them, folded as a line is (one character for one)
        assert _always_holds(list(_parser.parse(clean._fold_for_notice_words(cue))), words), cue
    # every character IGNORECASE takes for a character of the cues or words folds as that character does
    everything = "".join(map(chr, range(0x110000)))
    for letter in set("".join(words)) | set("".join(_NOTICE_CUES)):
        for char in re.findall(re.escape(letter), everything, re.IGNORECASE):
            assert clean._fold_for_notice_words(char) == clean._fold_for_notice_words(letter), hex(ord(char))
    # the class under IGNORECASE matches every character a literal of its own does (K: the Kelvin sign...)
    for char in chars:
        literal = re.compile(re.escape(char), re.IGNORECASE)
        for code in range(0x10000):
            if literal.fullmatch(chr(code)):
                assert NOTICE_CUE_CHARS_RE.fullmatch(chr(code)), (char, hex(code))
    lines = [line for p in sorted(TEXTS.glob("*.txt")) for line in p.read_text(encoding="utf-8").split("\n")]
    lines += ["ALL RIGHTS RESERVED", "(C) 2025 Wire", "© Wire", "무단전재", "版權所有", "ВСЕ ПРАВА ЗАЩИЩЕНЫ"]
    lines += ["\u212a", "Tüm ha\u212aları saklıdır", "Copyright 2025", "cOPYRIGHT Z"]
    passed = 0
    for line in lines:
        expected = bool(line.strip()) and len(line.strip()) <= 200 and NOTICE_LINE_RE.search(line.strip())
        assert is_notice_line(line) == bool(expected), line
        passed += bool(expected)
    assert passed >= 7
