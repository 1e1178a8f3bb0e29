"""Script-text room: an article whose text lives only in the page's script data."""

import json

from copydesk.tasks.extract import extract_article
from copydesk.tasks.extract.script_text import plain_lines
from tests.test_extract_article import NOW

PARAGRAPHS = [
    f"Paragraph {i} of the council story: the harbour board weighed the two bids for the ferry terminal, "
    "and its chair said the cheaper one left room for the dredging the channel needs next spring."
    for i in range(6)
]
LEAD = "The harbour board chose the cheaper of two bids for the new ferry terminal on Tuesday evening."
URL = "https://harbourpost.example/news/ferry-bid"


def _shell(head: str, body: str, scripts: str = "") -> str:
    return (
        f"<html><head><title>Ferry bid chosen</title>{head}</head><body><div id='app'>{body}</div>{scripts}"
        "</body></html>"
    )


def test_json_ld_article_body_replaces_an_html_text_that_holds_only_the_lead() -> None:
    ld = {"@type": "NewsArticle", "headline": "Ferry bid chosen", "articleBody": "\n".join(PARAGRAPHS)}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = extract_article(_shell(head, f"<h1>Ferry bid chosen</h1><p>{LEAD}</p>"), URL, now=NOW)
    assert PARAGRAPHS[5] in article.text


def test_next_data_block_list_gives_the_text_of_an_empty_shell() -> None:
    data = {
        "props": {
            "pageProps": {
                "article": {
                    "title": "Ferry bid chosen",
                    "blocks": [{"type": "paragraph", "text": p} for p in PARAGRAPHS],
                },
                "related": [{"title": "Summer fair draws record crowds to the quay this weekend"}],
            }
        }
    }
    scripts = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
    article = extract_article(_shell("", "", scripts), URL, now=NOW)
    assert article.text.split("\n") == PARAGRAPHS


def test_app_router_payload_article_body_gives_the_text() -> None:
    # a text row ("5:T<hex length>,<text>") holding the JSON-LD that a script element then points at
    ld = json.dumps({"@type": "NewsArticle", "articleBody": " ".join(PARAGRAPHS)})
    script_row = (
        '4:["$","script",null,{"type":"application/ld+json","dangerouslySetInnerHTML":{"__html":"$5"}}]'
    )
    payload = f"5:T{len(ld.encode()):x},{ld}\n{script_row}\n"
    half = len(payload) // 2
    pushes = "".join(
        f"<script>self.__next_f.push([1,{json.dumps(part)}])</script>"
        for part in (payload[:half], payload[half:])
    )
    article = extract_article(_shell("", "<h1>Ferry bid chosen</h1>", pushes), URL, now=NOW)
    assert PARAGRAPHS[0] in article.text and PARAGRAPHS[5] in article.text


def test_a_real_html_text_is_kept_when_script_data_holds_little_more() -> None:
    ld = {"@type": "NewsArticle", "articleBody": "\n".join(PARAGRAPHS)}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    html_paragraphs = "".join(f"<p>{p.replace('council', 'town')}</p>" for p in PARAGRAPHS[:4])
    article = extract_article(
        _shell(head, f"<article><h1>Ferry bid chosen</h1>{html_paragraphs}</article>"), URL, now=NOW
    )
    assert "town story" in article.text and "council story" not in article.text


def test_plain_lines_makes_html_one_line_per_block() -> None:
    assert plain_lines("<p>One &amp; two</p><p>Three<br>four</p>") == "One & two\nThree\nfour"
    assert plain_lines("No markup here,\n\n just text") == "No markup here,\njust text"


def _escaped_html(paragraphs: list[str]) -> str:
    caption = '<div class="photo-caption"><p>The quay at dusk. Harbour Post</p></div>'
    body = "$$INLINEAD$$".join(f'<p class="body-p"><b>{p[:12]}</b>{p[12:]}</p>' for p in paragraphs)
    return caption + body


def test_html_in_a_data_cache_gives_the_text_of_an_empty_shell() -> None:
    # a data-fetching cache pushed by an inline script: the article HTML is a JSON string, "<" escaped
    state = {
        "queries": [
            {
                "state": {
                    "data": {
                        "detail": {"title": "Ferry bid chosen", "contentHtml": _escaped_html(PARAGRAPHS)}
                    }
                }
            }
        ]
    }
    code = json.dumps(state).replace("<", "\\u003c").replace(">", "\\u003e")
    cache = 'window["__CACHE__"]'
    scripts = f"<script>{cache} = {cache} || []; {cache}.push({code});</script>"
    article = extract_article(_shell("", "<h1>Ferry bid chosen</h1>", scripts), URL, now=NOW)
    assert article.text.split("\n") == PARAGRAPHS  # caption and ad placeholder gone, bold words joined


def test_app_router_text_row_of_html_gives_the_text() -> None:
    # the row header ("24:T<hex bytes>,") in one push, the HTML it announces in the next
    html_text = _escaped_html(PARAGRAPHS)
    pushes = "".join(
        f"<script>self.__next_f.push([1,{json.dumps(part)}])</script>"
        for part in ('1:["$","div",null,{}]\n24:T' + f"{len(html_text.encode()):x},", html_text)
    )
    article = extract_article(_shell("", "<h1>Ferry bid chosen</h1>", pushes), URL, now=NOW)
    assert article.text.split("\n") == PARAGRAPHS


def test_a_teaser_string_in_a_script_does_not_replace_the_text() -> None:
    teaser = json.dumps({"teaser": "<p>" + LEAD * 6 + "</p>"})
    scripts = f"<script>window.__STATE__ = {teaser};</script>"
    body = f"<article><h1>Ferry bid chosen</h1><p>{LEAD}</p><p>{PARAGRAPHS[0]}</p></article>"
    article = extract_article(_shell("", body, scripts), URL, now=NOW)
    assert PARAGRAPHS[0] in article.text and article.text.count(LEAD) == 1
