"""Title room: the site's name cut off the end of the headline."""

import pytest

from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.title import choose_title, strip_site_suffix
from tests.test_extract_article import NOW


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


WALL = "Harbour wall repairs begin"
JA = "港の防波堤が完成、漁協が式典"
KO = "항구 방파제 완공, 어민들 환영"
FERRY = "Why the ferry timetable changed"
KICKER = "'Ends the debate': economists weigh in on the jobs report"
PLAN = "Council backs the mayor's ferry plan"


@pytest.mark.parametrize(
    ("candidates", "sites", "expected"),
    [
        ({"social": f"{WALL} – HP – 13.06.2025", "h1": WALL}, ["harbourpost.example"], WALL),
        ({"social": f"{JA}：港湾新聞デジタル", "jsonld": JA}, ["港湾新聞デジタル"], JA),
        ({"social": f"{KO} -사회ㅣ항구일보", "h1": KO}, [], KO),
        ({"social": f"{FERRY} | by Mira Okafor", "twitter": FERRY}, [], FERRY),
        ({"social": f"{WALL} | Europe | Harbour Post | 13.06.2025", "title": WALL}, [], WALL),
        ({"social": KICKER, "title": "Economists weigh in on the jobs report | HP"}, ["HP"], KICKER),
        ({"jsonld": "Mayor&#8217;s plan wins", "title": "Mayor’s plan wins - HP"}, [], "Mayor’s plan wins"),
        ({"title": f"{WALL} | Harbour Post"}, ["Harbour Post"], WALL),
        ({"social": f"{FERRY} * Harbour Post * by Mira Okafor", "h1": FERRY}, [], FERRY),
        ({"social": f"{WALL} ~ Harbour Post"}, ["Harbour Post"], WALL),
        ({"social": f"{WALL} ⋆ Harbour Post", "jsonld": WALL}, [], WALL),
        ({"social": "Ferry 2*3 plan: the tally", "h1": "Ferry 2"}, [], "Ferry 2*3 plan: the tally"),
    ],
    ids=["date-suffix", "ja-suffix", "ko-suffix", "by-author-suffix", "section-site-date", "kicker-kept",
         "jsonld-entities", "title-tag-only", "seo-plugin-asterisks", "seo-plugin-tilde-site",
         "seo-plugin-star", "asterisk-without-spaces-kept"],
)  # fmt: skip
def test_choose_title_drops_what_only_one_candidate_adds(
    candidates: dict[str, str | None], sites: list[str], expected: str
) -> None:
    assert choose_title(candidates, sites) == expected


def test_social_headline_comes_first_when_candidates_disagree() -> None:
    assert choose_title({"social": "Ferry plan wins", "jsonld": PLAN, "h1": "Other"}, []) == "Ferry plan wins"
    assert choose_title({"h1": PLAN}, []) == PLAN
    assert choose_title({}, []) is None


def _title_of(head: str, body: str) -> str | None:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return extract_article(html, "https://harbourpost.example/news/wall", now=NOW).title


def test_extracted_title_loses_a_dated_site_suffix() -> None:
    body = "The harbour board began repairs to the storm-damaged wall on Monday at the north end. " * 4
    head = (
        f'<meta property="og:title" content="{WALL} – HP – 13.06.2025">'
        f"<title>{WALL} | News | HP | 13.06.2025</title>"
    )
    assert _title_of(head, f"<article><h1>{WALL}</h1><p>{body}</p></article>") == WALL


def test_a_social_title_typed_with_straight_quotes_is_printed_as_the_headline() -> None:
    printed = "Why the mayor’s ‘ferry first’ plan won"
    typed = "Why the mayor's 'ferry first' plan won"
    assert choose_title({"social": typed, "jsonld": printed, "h1": printed}, []) == printed
    # only when the page's two own headlines agree; a different headline is not a reprint
    assert choose_title({"social": typed, "h1": printed}, []) == typed
    assert choose_title({"social": typed, "jsonld": printed, "h1": "Why the Mayor’s plan won"}, []) == typed


def test_a_meta_headline_cuts_a_section_and_site_suffix_of_a_script_rendered_page() -> None:
    # no <h1> and no JSON-LD in the served HTML: the title tags carry "-<section>ㅣ<site>"
    body = "항구 방파제 공사가 월요일 북쪽 끝에서 시작됐다. 어민들은 공사가 늦어질까 걱정했다. " * 6
    head = (
        f'<meta property="og:title" content="{KO}-사회ㅣ항구일보">'
        f'<meta property="og:site_name" content="항구일보"><meta name="headline" content="{KO}">'
        f"<title>{KO}-사회ㅣ항구일보</title>"
    )
    assert _title_of(head, f"<div><p>{body}</p></div>") == KO
