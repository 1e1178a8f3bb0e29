"""The hostile corpus end to end (issue 19's "done when"): every case of bench/hostile.py through real
`copydesk` commands against a loopback server and a real Prefect server, counted: every run completes, no
good article is lost, no traceback, no file outside the warehouse opened.

The watch on the canaries must be able to fail, so it is first shown catching an unsafe parser.
"""

import threading
from pathlib import Path

import pytest
from lxml import etree

from bench.hostile import CASES, Canaries, Case, run_case
from copydesk.tasks.discover import DiscoveryError, parse_feed, parse_sitemap


def _unsafe_parse(document: bytes) -> None:
    parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=True, recover=True)
    etree.fromstring(document, parser)


def test_the_canary_watch_sees_an_unsafe_parser_open_a_file_and_a_fifo(tmp_path: Path) -> None:
    with Canaries(tmp_path / "canary") as canary:
        _unsafe_parse(f'<!DOCTYPE rss SYSTEM "{canary.url("canary.dtd")}"><rss>&leak;</rss>'.encode())
        # an unsafe parser blocks opening the FIFO until the probe opens its other end
        reader = threading.Thread(
            target=_unsafe_parse,
            args=(f'<!DOCTYPE rss SYSTEM "{canary.url("canary.fifo")}"><rss/>'.encode(),),
            daemon=True,
        )
        reader.start()
        reader.join(timeout=10)
    assert not reader.is_alive()
    assert sorted(canary.opened) == ["canary.dtd", "canary.fifo"]


def test_discovery_parsing_opens_nothing_a_document_names(tmp_path: Path) -> None:
    with Canaries(tmp_path / "canary") as canary:
        for name in ("canary.dtd", "canary.txt", "canary.fifo"):
            url = canary.url(name)
            documents = [
                f'<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!DOCTYPE rss SYSTEM "{url}">'
                "<rss><channel><item><link>https://a.example/1</link></item></channel></rss>",
                f'<?pi?><!-- c --><!DOCTYPE rss [<!ENTITY % p SYSTEM "{url}"> %p;'
                f'<!ENTITY e SYSTEM "{url}">]>'
                "<rss><channel><item><title>&e;</title><link>https://a.example/1</link></item></channel></rss>",
                '<rss xmlns:xi="http://www.w3.org/2001/XInclude"><channel><item><link>https://a.example/1</link>'
                f'<xi:include href="{url}" parse="text"/></item></channel></rss>',
            ]
            for document in documents:
                assert [link.url for link in parse_feed(document.encode(), "https://a.example/f", "a")] == [
                    "https://a.example/1"
                ]
            sitemap = (
                f'<?pi?><!DOCTYPE urlset SYSTEM "{url}">'
                "<urlset><url><loc>https://a.example/2</loc></url></urlset>"
            )
            found = parse_sitemap(sitemap.encode(), "https://a.example/s", "a").links
            assert [link.url for link in found] == ["https://a.example/2"]
    assert canary.opened == []


def test_an_entity_bomb_stays_unexpanded() -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    document = (
        f'<?pi?><!DOCTYPE rss [<!ENTITY l0 "lol">{levels}]><rss><channel><item><title>&l9;</title>'
        "<link>https://a.example/1</link></item></channel></rss>"
    )
    (link,) = parse_feed(document.encode(), "https://a.example/f", "a")
    assert link.url == "https://a.example/1" and (link.title or "") == ""


def test_deeply_nested_xml_is_a_failure_not_a_crash() -> None:
    with pytest.raises(DiscoveryError) as raised:
        parse_sitemap(("<urlset>" + "<url>" * 300_000).encode(), "https://a.example/s", "a")
    assert raised.value.kind == "malformed"


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case_costs_at_most_itself(case: Case, prefect_server: str, tmp_path: Path) -> None:
    result = run_case(case, tmp_path, prefect_server)
    assert result.runs_completed == result.runs, result.problems
    assert result.rows_lost == 0
    assert result.tracebacks == 0
    assert result.opened_outside == []
    assert result.ok, result.problems
