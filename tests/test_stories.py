"""Story linking in the warehouse (warehouse/stories.py) on hand-made articles, one load at a time."""

import dataclasses
import itertools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from copydesk.tasks.signing import TextSignature, signature_table, text_md5, text_signatures
from copydesk.warehouse import stories
from copydesk.warehouse.store import load_lock, open_loader

SYLLABLES = [
    "ka",
    "to",
    "ri",
    "ne",
    "mo",
    "sa",
    "lu",
    "vi",
    "de",
    "pa",
    "go",
    "zu",
    "fe",
    "hi",
    "ba",
    "ro",
    "mi",
    "ta",
    "ke",
    "nu",
]


def story_text(seed: int, sentences: int = 12) -> list[str]:
    """Sentences of one made-up story: its own invented names and words, as different stories have."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(60)]
    return [
        f"Officials in {rng.choice(vocabulary).capitalize()} said the "
        + " ".join(rng.choice(vocabulary) for _ in range(14))
        + " would be reviewed this month."
        for _ in range(sentences)
    ]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    with load_lock(tmp_path, 10, "test"):
        connection = open_loader(tmp_path)
        yield connection
        connection.close()


def add(
    con: duckdb.DuckDBPyConnection, article_id: str, outlet: str, lines: list[str], hours: int = 0
) -> str:
    published = datetime(2025, 6, 18, 9, tzinfo=UTC) + timedelta(hours=hours)
    con.execute(
        """
        INSERT INTO core.articles (article_id, url, outlet_id, title, text, word_count, published_at,
                                   published_at_source, fetched_at, content_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'jsonld', ?, ?)
        """,
        [
            article_id,
            f"https://{outlet}.example/{article_id}",
            outlet,
            lines[0][:60],
            "\n".join(lines),
            sum(len(x.split()) for x in lines),
            published,
            published,
            article_id,
        ],
    )
    return article_id


def story_of(con: duckdb.DuckDBPyConnection, article_id: str) -> str:
    return con.execute(
        "SELECT story_id FROM core.story_members WHERE article_id = ?", [article_id]
    ).fetchone()[0]


def test_template_sentences_of_one_outlet_do_not_merge_its_stories(con: duckdb.DuckDBPyConnection) -> None:
    # many short standard lines that boilerplate learning has not caught yet, and two long lines of news:
    # by sentence count the pages look alike, by text they do not
    template = [
        f"Follow the Local Paper newsroom on channel {n} for alerts about your street." for n in range(5)
    ]
    ids = [
        add(
            con,
            f"t{i}",
            "localpaper",
            [
                " ".join(story_text(i, 4)).replace(".", ","),
                " ".join(story_text(i + 50, 4)).replace(".", ",") + ".",
            ]
            + template,
        )
        for i in range(4)
    ]
    stories.link_stories(con, ids)
    assert len({story_of(con, i) for i in ids}) == 4


def test_truncated_lead_joins_one_story_and_never_bridges_to_a_follow_up(
    con: duckdb.DuckDBPyConnection,
) -> None:
    original = story_text(1)
    follow_up = story_text(2) + original[:3]  # quotes the original's three lead sentences
    stories.link_stories(
        con, [add(con, "a-orig", "wire", original), add(con, "b-follow", "metro", follow_up, 30)]
    )
    assert story_of(con, "a-orig") != story_of(con, "b-follow")

    # a later run brings a copy that carries only the lead, titled like the original
    lead = add(con, "c-lead", "briefs", original[:3], 2)
    linked = stories.link_stories(con, [lead])
    assert story_of(con, "c-lead") == story_of(con, "a-orig")
    assert story_of(con, "b-follow") != story_of(con, "a-orig")
    assert linked.copies_linked == 1


def test_a_copy_in_a_later_load_joins_and_the_credited_original_is_chosen(
    con: duckdb.DuckDBPyConnection,
) -> None:
    original = story_text(5)
    stories.link_stories(con, [add(con, "o1", "wire", original, hours=3)])
    edited = original[:10] + [
        "This report was first published by the Wire service and is used with permission."
    ]
    copy = add(con, "c1", "aggregator", edited, hours=1)  # claims an earlier time than the original
    con.execute("UPDATE core.articles SET source_credit = 'wire' WHERE article_id = 'c1'")
    stories.link_stories(con, [copy])
    assert story_of(con, "c1") == story_of(con, "o1")
    (original_id, reason) = con.execute(
        "SELECT original_article_id, reason FROM core.story_originals WHERE story_id = ?",
        [story_of(con, "o1")],
    ).fetchone()
    assert original_id == "o1" and "credited" in reason


def test_signing_folds_once_and_signs_what_cut_signatures_and_sentence_keys_give() -> None:
    from copydesk.tasks import dedupe, signing

    texts = ["\n".join(story_text(i)) for i in range(5)] + [
        "\n".join(story_text(9) + ["", "Related Articles:", *story_text(10)]),  # cut before the related part
        "\n".join(["Related Stories", *story_text(11)]),  # a heading that leads is no cut
        "\n".join(story_text(12)).replace(". ", ".\r\n", 3)
        + "\u2028tail line of the story, long enough to key",
        "",
    ]
    sigs, counts, keys = signing.sign_texts(texts)
    for i, text in enumerate(texts):
        cut = signing.cut_related_section(text)[0]
        want_sigs, want_counts = dedupe.signatures([cut])
        assert (sigs[i] == want_sigs[0]).all() and counts[i] == want_counts[0]
        assert keys[i] == dedupe.sentence_keys(cut)


def test_texts_passed_in_link_as_texts_read_back(tmp_path: Path) -> None:
    def run(pass_texts: bool) -> list[tuple]:
        with load_lock(tmp_path / str(pass_texts), 10, "test"):
            con = open_loader(tmp_path / str(pass_texts))
            original = story_text(21)
            ids = [
                add(con, "o1", "wire", original),
                add(con, "c1", "paper", original[:10], hours=2),
                add(con, "t1", "briefs", original[:3], hours=3),
                add(con, "f1", "metro", story_text(22), hours=1),
            ]
            texts = [con.execute("SELECT text FROM core.articles WHERE article_id = ?", [i]).fetchone()[0]
                     for i in ids]  # fmt: skip
            stories.link_stories(con, ids, texts if pass_texts else None)
            rows = con.execute(
                "SELECT article_id, story_id, matched_article_id, similarity, containment "
                "FROM core.story_members ORDER BY article_id"
            ).fetchall()
            rows += con.execute("SELECT * FROM core.story_originals ORDER BY story_id").fetchall()
            con.close()
            return rows

    passed = run(True)
    assert passed == run(False)
    stories_of = {r[0]: r[1] for r in passed if len(r) == 5}
    assert stories_of["c1"] == stories_of["o1"] == stories_of["t1"] != stories_of["f1"]


def test_signatures_from_upstream_link_as_signing_here(tmp_path: Path) -> None:
    """The extraction workers' signatures (tasks.signing) stand in for the loader's own signing; a row signed
    by another algorithm, or whose text the load changed (null minhash), is signed again, never trusted."""
    original = story_text(31)
    lines = {
        "o1": original,
        "c1": original[:10],
        "t1": original[:3],
        "f1": story_text(32),
        "g1": story_text(33),
    }

    def run(signed_rows: list[TextSignature | None] | None) -> list[tuple]:
        warehouse = tmp_path / str(len(list(tmp_path.iterdir())))
        with load_lock(warehouse, 10, "test"):
            con = open_loader(warehouse)
            ids = [
                add(con, article_id, "wire", text, hours=h)
                for h, (article_id, text) in enumerate(lines.items())
            ]
            texts = ["\n".join(lines[i]) for i in ids]
            signed = None if signed_rows is None else signature_table(signed_rows)
            stories.link_stories(con, ids, texts, signed)
            rows = con.execute(
                "SELECT article_id, story_id, matched_article_id, similarity "
                "FROM core.story_members ORDER BY 1"
            ).fetchall()
            for table in ("signatures", "lsh_bands", "sentence_keys"):
                rows += sorted(con.execute(f"SELECT * FROM core.{table}").fetchall())
            con.close()
            return rows

    here = run(None)
    upstream = text_signatures(["\n".join(lines[i]) for i in lines])
    assert run(upstream) == here
    # a signature by a foreign algorithm, and one of another text (the worker stripped other blocks than the
    # load did): both are signed again
    foreign = dataclasses.replace(upstream[3], algo="other-algo-v0", sentence_keys=[1, 2, 3])
    other_text = dataclasses.replace(upstream[2], text_md5=text_md5("a different text"))
    assert run([upstream[0], foreign, other_text, upstream[3], upstream[4]]) == here
    assert run([upstream[0], None, upstream[2], upstream[3], upstream[4]]) == here
    # and a signature of this algorithm is taken as it is (the loader does not sign that text again)
    marked = dataclasses.replace(upstream[4], sentence_keys=[7, 8])
    assert (7, "g1") in run([*upstream[:4], marked]) and (7, "g1") not in here
    story_of = {r[0]: r[1] for r in here[:5]}
    assert story_of["o1"] == story_of["c1"] == story_of["t1"] != story_of["f1"] != story_of["g1"]


def test_the_original_and_its_reason_do_not_depend_on_the_order_of_members() -> None:
    """Members come in a query's order, which varies between loads; two copies credit the original in
    different words, and every order must give the same original and the same reason."""

    def member(article_id: str, outlet: str, credit: str | None, published_s: float) -> stories.Member:
        url = f"http://{outlet}.test/{article_id}"
        return stories.Member(article_id, url, outlet, None, credit, None, published_s, "jsonld", published_s)

    members = [
        member("a1", "nhk", None, 100.0),
        member("b2", "matome", "NHK", 200.0),
        member("c3", "dailyfeedr", "nhk news", 300.0),
    ]
    answers = {stories.choose_original(list(order)) for order in itertools.permutations(members)}
    assert answers == {("a1", "credited as 'NHK'")}


def _member(
    article_id: str,
    outlet: str,
    *,
    credit: str | None = None,
    based_on: str | None = None,
    hours: float = 0,
    size: int = 1000,
) -> stories.Member:
    published = 1_750_000_000.0 + 3600 * hours
    return stories.Member(
        article_id,
        f"http://{outlet}.test/{article_id}",
        outlet,
        None,
        credit,
        based_on,
        published,
        "jsonld",
        published,
        size,
    )


def test_a_wire_credit_in_the_only_full_text_does_not_make_it_a_copy() -> None:
    """The original carries "(Nordwire) —" in its first line; its copies are leads without a credit. No member
    is Nordwire, so the credit names nobody here: the full text is the original, not the earliest lead."""
    members = [
        _member("orig", "metro", credit="Nordwire", hours=2),
        _member("lead1", "briefs", hours=1, size=150),
        _member("lead2", "digest", hours=0, size=120),
    ]
    assert stories.choose_original(members)[0] == "orig"
    # with the credited outlet in the story, the credit is a vote for it
    members.append(_member("wire", "nordwire", hours=3))
    assert stories.choose_original(members) == ("wire", "credited as 'Nordwire'")


def test_a_source_link_names_the_original_even_when_it_arrives_last() -> None:
    members = [
        _member("lead", "briefs", based_on="http://courier.test/orig", hours=-5, size=200),
        _member("agg", "aggregator", hours=-6),
        _member("orig", "courier", hours=1),
    ]
    assert stories.choose_original(members)[0] == "orig"


def test_a_short_credit_names_an_outlet_it_opens_not_one_it_sits_inside() -> None:
    members = [_member("a", "japantimes", hours=0), _member("b", "metro", credit="AP", hours=1)]
    assert stories.choose_original(members)[0] == "a"
    assert stories._names_match("AP", members[0]) is False
    assert stories._names_match("AP", _member("c", "apnews")) is True


def test_an_updated_text_is_linked_again(con: duckdb.DuckDBPyConnection) -> None:
    """An article whose text changed is indexed again: its old text's pairs go, its new text's come."""
    first, second = story_text(81), story_text(82)
    ids = [
        add(con, "o1", "wire", first),
        add(con, "o2", "wire", second, 1),
        add(con, "c1", "paper", first, 2),
    ]
    stories.link_stories(con, ids)
    assert story_of(con, "c1") == story_of(con, "o1") != story_of(con, "o2")
    # the paper replaces its copy of the first story by a copy of the second
    con.execute("UPDATE core.articles SET text = ? WHERE article_id = 'c1'", ["\n".join(second)])
    stories.link_stories(con, ["c1"], ["\n".join(second)])
    assert story_of(con, "c1") == story_of(con, "o2") != story_of(con, "o1")
    pairs = con.execute("SELECT a, b FROM core.story_edges ORDER BY 1, 2").fetchall()
    assert pairs == [("c1", "o2")]
