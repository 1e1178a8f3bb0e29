"""Authors room: bylines split and filtered, sources in order."""

import json

import pytest

from copydesk.tasks.extract import extract_article, split_authors
from copydesk.tasks.extract.authors import pick_authors
from copydesk.tasks.extract.meta import PageMeta
from tests.test_extract_article import NOW


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


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Deutsche Welle (www.dw.com)", ["Deutsche Welle"]),
        ("Jo Bloggs (https://harbourpost.example/jo)", ["Jo Bloggs"]),
        ("Kari Nordmann og Ola Hansen", ["Kari Nordmann", "Ola Hansen"]),
        ("Anna Berg och Erik Lund", ["Anna Berg", "Erik Lund"]),
        ("Autorin/Autor Roman Kovač", ["Roman Kovač"]),
        ("Autor: Jan Novák", ["Jan Novák"]),
        ("Von Lena Vogt und Paul Hahn", ["Lena Vogt", "Paul Hahn"]),
        ("Av Kari Nordmann", ["Kari Nordmann"]),
        ("Le Courrier et AFP", ["Le Courrier et AFP"]),
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),
    ],
    ids=["bracketed-domain", "bracketed-url", "og", "och", "autorin-autor", "autor-colon", "von-und", "av",
         "et-kept", "y-kept"],
)  # fmt: skip
def test_split_authors_across_languages(raw: str, names: list[str]) -> None:
    assert split_authors(raw) == names


def _page_with(ld_author: object = None, meta: str | None = None) -> PageMeta:
    article = {"@type": "NewsArticle", "author": ld_author} if ld_author is not None else None
    return PageMeta(meta={"author": [meta]} if meta else {}, article_ld=article)


SITE = ["Harbour Post"]


def test_json_ld_authors_are_taken_whole_with_agencies_and_the_site() -> None:
    persons_and_agency = [{"@type": "Person", "name": "Paula Berg"}, {"@type": "Organization", "name": "SDA"}]
    assert pick_authors(_page_with(persons_and_agency), lambda: None, SITE) == ["Paula Berg", "SDA"]
    with_site = [{"@type": "Person", "name": "Jo Bloggs"}, {"@type": "Organization", "name": "harbour-post"}]
    assert pick_authors(_page_with(with_site), lambda: None, SITE) == ["Jo Bloggs", "harbour-post"]


def test_the_site_named_as_its_own_author_is_kept_as_the_page_spells_it() -> None:
    page = _page_with({"@type": "Person", "name": "harbourpost.example"}, meta="HarbourPost.example")
    # trafilatura title-cases a domain ("Harbourpost Example"): still the site, so the JSON-LD spelling stays
    own = ["harbourpost.example"]
    assert pick_authors(page, lambda: "Harbourpost Example", own) == ["harbourpost.example"]
    organisation = _page_with({"@type": "Organization", "name": "HARBOUR POST"})
    assert pick_authors(organisation, lambda: None, SITE) == ["HARBOUR POST"]


def test_a_person_elsewhere_beats_the_site_named_in_json_ld() -> None:
    page = _page_with({"@type": "Organization", "name": "Harbour Post"}, meta="Mira Okafor")
    assert pick_authors(page, lambda: None, SITE) == ["Mira Okafor"]


BODY = "The harbour board chose the lower of two bids for the new ferry terminal on Tuesday evening. " * 5


def _article_page(head: str, body: str) -> str:
    return (
        '<html><head><meta property="og:site_name" content="harbourpost.example">'
        f"<title>Ferry bid chosen</title>{head}</head><body><article><h1>Ferry bid chosen</h1>{body}"
        "</article></body></html>"
    )


def test_a_labelled_byline_in_the_page_beats_the_site_naming_itself_beside_its_domain() -> None:
    # the author tag holds the site's long name and its domain; the page shows the writer under a label
    head = '<meta name="author" content="Harbour Post Media (www.harbourpost.example)">'
    body = (
        f"<p>{BODY}</p><ul class='facts'><li><strong>Datum</strong> 28.04.2025</li>"
        "<li><strong>Autorin/Autor</strong>\nRoman Kovač\n</li></ul>"
    )
    article = extract_article(_article_page(head, body), "https://harbourpost.example/news/1", now=NOW)
    assert article.authors == ["Roman Kovač"]


def test_names_atop_the_text_are_the_byline_when_markup_names_only_the_site() -> None:
    head = '<meta name="author" content="harbourpost.example">'
    body = f"<p><strong>Mira Okafor/Jon Bell</strong></p><p>{BODY}</p>"
    article = extract_article(_article_page(head, body), "https://harbourpost.example/news/2", now=NOW)
    assert article.authors == ["Mira Okafor", "Jon Bell"]


def test_a_heading_in_capitals_atop_the_text_is_not_a_byline() -> None:
    head = '<meta name="author" content="harbourpost.example">'
    body = f"<p><strong>FIRE ON THE QUAY</strong></p><p>{BODY}</p>"
    article = extract_article(_article_page(head, body), "https://harbourpost.example/news/3", now=NOW)
    assert article.authors == ["harbourpost.example"]


def test_an_articleauthor_tag_naming_an_agency_beats_the_site_in_json_ld() -> None:
    ld = json.dumps(
        {"@type": "NewsArticle", "headline": "Ferry bid chosen",
         "author": {"@type": "Organization", "name": "harbourpost.example"}}
    )  # fmt: skip
    head = f'<script type="application/ld+json">{ld}</script>'
    head += '<meta name="articleauthor" content="Anadolu Ajansı">'
    article = extract_article(
        _article_page(head, f"<p>{BODY}</p>"), "https://harbourpost.example/news/4", now=NOW
    )
    assert article.authors == ["Anadolu Ajansı"]


def _ld_head(*names: str) -> str:
    ld = {"@type": "NewsArticle", "headline": "Ferry bid chosen"}
    ld["author"] = [{"@type": "Person", "name": n} for n in names]
    return f'<script type="application/ld+json">{json.dumps(ld)}</script>'


def test_author_links_add_a_co_author_the_json_ld_left_out() -> None:
    links = "".join(
        f'<address><a rel="author" href="mailto:{n[:3]}@hp.example"><span>{n.split()[0]}</span> '
        f"<span>{n.split()[1]}</span></a></address>"
        for n in ("Kari Nordmann", "Ola Hansen")
    )
    page = _article_page(_ld_head("Ola Hansen"), f"<div class='bylines'>{links}</div><p>{BODY}</p>")
    article = extract_article(page, "https://harbourpost.example/news/5", now=NOW)
    assert article.authors == ["Kari Nordmann", "Ola Hansen"]


def test_author_links_that_do_not_name_the_json_ld_author_change_nothing() -> None:
    links = "".join(
        f'<a rel="author" href="/a/{i}">{n}</a>, ' for i, n in enumerate(["Kari Nordmann", "Jon Bell"])
    )
    page = _article_page(_ld_head("Ola Hansen"), f"<p>{BODY}</p><p>Also by {links}</p>")
    article = extract_article(page, "https://harbourpost.example/news/6", now=NOW)
    assert article.authors == ["Ola Hansen"]
