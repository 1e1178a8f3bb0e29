"""The loader on its own: idempotence over lake files and damaged files that must not block later loads."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from copydesk.tasks import dedupe
from copydesk.tasks.models import Article, Failure
from copydesk.tasks.outlet_templates import LearnedBlocksGuess, strip_learned_blocks, text_block_hashes
from copydesk.tasks.signing import (
    SIGNATURE_COLUMNS,
    sign_articles,
    sign_texts,
    signature_key,
    text_signatures,
)
from copydesk.warehouse import lake, load, store, template_learning
from tests.test_stories import story_text


def _failure(url: str) -> Failure:
    return Failure(
        url=url,
        outlet_id="o",
        stage="fetch",
        kind="http_error",
        error="HTTP 404",
        http_status=404,
        at=datetime.now(UTC),
    )


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_unreadable_lake_file_is_quarantined_and_recorded_and_the_rest_loads(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    good = lake.write_file(
        warehouse,
        "failures",
        "r1",
        "batch-00001.parquet",
        lake.failure_rows([_failure("http://x.test/a"), _failure("http://x.test/b")], "r1"),
    )
    damaged = Path(lake.file_path(warehouse, "articles", "r1", "batch-00001.parquet"))
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"PAR1 this is not a parquet file")

    report = load.load_pending(warehouse, holder="r2")

    assert report.files == 1 and report.failures == 3
    assert not damaged.exists()
    assert (warehouse / "lake" / "quarantine" / "articles" / "run=r1" / "batch-00001.parquet").exists()
    rows = _rows(warehouse, "SELECT url, stage, kind FROM failures WHERE stage = 'load'")
    assert rows == [(lake.relative(warehouse, str(damaged)), "load", "corrupt_lake_file")]
    assert _rows(warehouse, "SELECT count(*) FROM failures WHERE stage = 'fetch'") == [(2,)]
    assert _rows(warehouse, "SELECT path FROM core.loaded_files") == [(lake.relative(warehouse, good),)]

    again = load.load_pending(warehouse, holder="r3")
    assert (again.files, again.failures) == (0, 0)
    assert _rows(warehouse, "SELECT count(*) FROM failures") == [(3,)]


def test_a_load_with_nothing_new_leaves_the_files_alone_and_any_change_to_them_means_a_full_load(
    tmp_path: Path,
) -> None:
    """The manifest of loaded files lets a load with nothing new return without opening DuckDB; a warehouse
    whose files changed since (a hand edit of the loader's file, a deleted snapshot) is loaded in full."""
    warehouse = tmp_path / "wh"
    loader, published = store.loader_path(warehouse), store.published_path(warehouse)
    lake.write_file(warehouse, "failures", "r1", "batch-00001.parquet",
                    lake.failure_rows([_failure("http://x.test/a")], "r1"))  # fmt: skip
    assert load.load_pending(warehouse, holder="r1").files == 1
    after_load = [(p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in (loader, published)]

    assert load.load_pending(warehouse, holder="r2").files == 0
    now = [(p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in (loader, published)]
    assert now == after_load

    second = lake.write_file(warehouse, "failures", "r3", "batch-00001.parquet",
                             lake.failure_rows([_failure("http://x.test/b")], "r3"))  # fmt: skip
    assert load.load_pending(warehouse, holder="r3").files == 1
    # the loader's record says the second file was not loaded: the record, not the manifest, decides
    con = duckdb.connect(str(loader))
    con.execute("DELETE FROM core.loaded_files WHERE path = ?", [lake.relative(warehouse, second)])
    con.close()
    assert load.load_pending(warehouse, holder="r4").files == 1
    assert _rows(warehouse, "SELECT count(*) FROM failures") == [(2,)]

    published.unlink()
    assert load.load_pending(warehouse, holder="r5").files == 0
    assert _rows(warehouse, "SELECT count(*) FROM core.loaded_files") == [(2,)]


def test_a_stripped_texts_word_count_is_the_one_the_warehouse_always_counted_in_sql() -> None:
    texts = ["", " ", "\n", "one", " two words ", "\nled by a newline", "ends in one\n", "\n\n",
             "a\r\nb\fc\td", "vertical\x0btab", "no\u00a0break", "ideographic\u3000space", "line\u2028sep",
             "x\x1cy", " \t "]  # fmt: skip
    con = duckdb.connect()
    want = [con.execute(r"SELECT greatest(1, len(regexp_split_to_array(trim(?), '\s+')))", [t]).fetchone()[0]
            for t in texts]  # fmt: skip
    assert [template_learning.word_count(t) for t in texts] == want


def _article(n: int, text: str) -> Article:
    url = f"http://wire.test/story-{n}"
    return Article(
        article_id=f"{n:016x}",
        url=url,
        fetched_url=url,
        outlet_id="wire",
        text=text,
        word_count=len(text.split()),
        content_hash=f"h{n}",
        fetched_at=datetime(2025, 6, 18, 9, n, tzinfo=UTC),
    )


def test_signatures_from_the_lake_are_kept_and_texts_the_load_changed_are_signed_again(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "wh"
    chrome = "Get the Wire Daily newsletter delivered to your inbox every single morning, free of charge."
    articles = [_article(n, "\n".join([*story_text(100 + n), chrome])) for n in range(6)]
    plain = [_article(n, "\n".join(story_text(100 + n))) for n in range(6, 9)]
    signed = articles + plain
    lake.write_file(
        warehouse, "articles", "r1", "batch-00001.parquet",
        lake.article_rows(signed, {}, "r1", dict(zip([signature_key(a) for a in signed], text_signatures(
            [a.text for a in signed]), strict=True))),
    )  # fmt: skip
    # a file from before extraction workers signed texts: no signature columns at all
    unsigned = [_article(n, "\n".join(story_text(100 + n))) for n in range(9, 12)]
    old = lake.article_rows(unsigned, {}, "r1")
    old = old.drop_columns(list(SIGNATURE_COLUMNS))
    lake.write_file(warehouse, "articles", "r1", "batch-00002.parquet", old)

    report = load.load_pending(warehouse, holder="r1")
    # signed again: the six texts the strip changed and the three of the old file; kept: the three others
    assert (report.articles_new, report.texts_signed_at_load) == (12, 9)

    rows = _rows(
        warehouse,
        "SELECT a.article_id, a.text, a.boilerplate_removed, s.minhash, s.shingle_count, s.sentence_count "
        "FROM core.articles a JOIN core.signatures s USING (article_id) ORDER BY 1",
    )
    assert len(rows) == 12
    # the newsletter line was learned as the outlet's template and cut from the six pages that had it
    assert [r[0] for r in rows if r[2]] == [a.article_id for a in articles]
    assert all(chrome not in r[1] for r in rows)
    sigs, counts, keys = sign_texts([r[1] for r in rows])
    for i, (article_id, _, _, minhash, shingle_count, sentence_count) in enumerate(rows):
        assert (minhash, shingle_count, sentence_count) == (
            dedupe.signature_to_bytes(sigs[i]),
            counts[i],
            len(keys[i]),
        ), article_id


def test_worker_signatures_of_texts_less_learned_blocks_are_kept(tmp_path: Path) -> None:
    """In steady state the workers sign each text less the blocks the last load learned for its outlet
    (store.learned_outlet_blocks), which is the text the loader's strip leaves: it signs nothing again."""
    warehouse = tmp_path / "wh"
    chrome = "Get the Wire Daily newsletter delivered to your inbox every single morning, free of charge."
    first = [_article(n, "\n".join([*story_text(200 + n), chrome])) for n in range(6)]
    lake.write_file(warehouse, "articles", "r1", "batch-00001.parquet", lake.article_rows(first, {}, "r1"))
    assert load.load_pending(warehouse, holder="r1").texts_signed_at_load == 6

    learned = store.learned_outlet_blocks(warehouse, ["wire", "elsewhere"])
    assert list(learned) == ["wire"]
    later = [_article(n, "\n".join([*story_text(200 + n), chrome])) for n in range(6, 10)]
    signed_texts = [strip_learned_blocks(a.text, learned["wire"])[0] for a in later]
    assert all(chrome not in text for text in signed_texts)
    signatures = dict(zip([signature_key(a) for a in later], text_signatures(signed_texts), strict=True))
    lake.write_file(
        warehouse, "articles", "r2", "batch-00001.parquet", lake.article_rows(later, {}, "r2", signatures)
    )
    report = load.load_pending(warehouse, holder="r2")
    assert (report.articles_new, report.texts_signed_at_load) == (4, 0)
    _assert_signatures_are_of_the_stored_texts(warehouse)


def _assert_signatures_are_of_the_stored_texts(warehouse: Path) -> list[str]:
    """Each article's stored MinHash is that of its stored text, wherever it was made; returns the texts."""
    rows = _rows(
        warehouse,
        "SELECT a.text, s.minhash FROM core.articles a JOIN core.signatures s USING (article_id) ORDER BY 1",
    )
    sigs, _, _ = sign_texts([text for text, _ in rows])
    assert [minhash for _, minhash in rows] == [dedupe.signature_to_bytes(row) for row in sigs]
    return [text for text, _ in rows]


def test_a_cold_outlets_workers_sign_texts_less_their_guess_and_the_load_keeps_most(tmp_path: Path) -> None:
    """On an outlet's first run the warehouse has learned nothing: each worker guesses from the pages it
    extracted (LearnedBlocksGuess); once the chrome was on MIN_PAGES pages, texts are signed less it."""
    warehouse = tmp_path / "wh"
    chrome = "Get the Wire Daily newsletter delivered to your inbox every single morning, free of charge."
    articles = [_article(n, "\n".join([*story_text(300 + n), chrome])) for n in range(8)]
    signatures = sign_articles(articles, {}, LearnedBlocksGuess())
    lake.write_file(
        warehouse, "articles", "r1", "batch-00001.parquet", lake.article_rows(articles, {}, "r1", signatures)
    )
    report = load.load_pending(warehouse, holder="r1")
    # the first two pages were signed before the chrome was on MIN_PAGES (3) pages: only they are signed again
    assert (report.articles_new, report.texts_signed_at_load) == (8, 2)
    assert all(chrome not in text for text in _assert_signatures_are_of_the_stored_texts(warehouse))


def test_block_hashes_from_the_workers_are_counted_and_others_hashed_at_load(tmp_path: Path) -> None:
    """The loader counts the block hashes the extraction worker made (sign_articles); a signature
    without them, or made under another BLOCK_HASH_ALGO, has its text's blocks hashed at load."""
    warehouse = tmp_path / "wh"
    articles = [_article(n, "\n".join(story_text(300 + n))) for n in range(4)]
    by_worker = sign_articles(articles[:2], {})
    assert [s.block_hashes for s in by_worker.values()] == [text_block_hashes(a.text) for a in articles[:2]]
    # marked values the loader cannot compute from the texts: counted only if taken from the lake as they are
    # (one per block: hashes of another count are of another text, and hashed again at load)
    marked = {
        signature_key(a): replace(
            by_worker[signature_key(a)], block_hashes=[-2 - 2 * n, 7, *text_block_hashes(a.text)[2:]]
        )
        for n, a in enumerate(articles[:2])
    }
    stale = sign_articles(articles[2:3], {})
    stale = {k: replace(s, block_hashes=[99], block_hash_algo="blk-old") for k, s in stale.items()}
    missing = dict(zip([signature_key(articles[3])], text_signatures([articles[3].text]), strict=True))
    assert missing[signature_key(articles[3])].block_hashes is None
    lake.write_file(
        warehouse,
        "articles",
        "r1",
        "batch-00001.parquet",
        lake.article_rows(articles, {}, "r1", {**marked, **stale, **missing}),
    )
    load.load_pending(warehouse, holder="r1")

    counts = dict(_rows(warehouse, "SELECT block_hash, pages FROM core.outlet_blocks"))
    assert counts[7] == 2 and counts[-2] == 1 and counts[-4] == 1
    assert 99 not in counts
    for article in articles[2:]:
        assert all(value in counts for value in text_block_hashes(article.text))
    for article in articles[:2]:
        assert not any(value in counts for value in text_block_hashes(article.text)[:2])


def test_two_pages_of_one_article_in_a_batch_each_carry_their_own_signature(tmp_path: Path) -> None:
    """A run can fetch one article at two URLs (the page and its mobile variant, whose template differs): two
    lake rows with one article_id. Each row carries the signature and block hashes of its own text, the load
    keeps the copy fetched at the article's own URL, whichever of the two fetches ended last, and both URLs
    count as seen."""
    warehouse = tmp_path / "wh"
    page = _article(1, "\n".join(story_text(400)))
    mobile = page.model_copy(
        update={
            "fetched_url": "http://wire.test/m/story-1",
            "text": "\n".join([*story_text(400), "Switch to the full site for more from the Wire."]),
            "content_hash": "h1-mobile",
            "fetched_at": page.fetched_at.replace(second=30),
        }
    )
    both = [page, mobile]
    signatures = sign_articles(both, {}, LearnedBlocksGuess())
    assert len(signatures) == 2
    table = lake.article_rows(both, {}, "r1", signatures)
    assert table["block_hashes"].to_pylist() == [text_block_hashes(a.text) for a in both]
    assert table["signed_text_md5"].to_pylist() == [signatures[signature_key(a)].text_md5 for a in both]
    lake.write_file(warehouse, "articles", "r1", "batch-00001.parquet", table)

    report = load.load_pending(warehouse, holder="r1")
    assert report.articles_new == 1
    assert _rows(warehouse, "SELECT fetched_url, text FROM core.articles") == [(page.url, page.text)]
    _assert_signatures_are_of_the_stored_texts(warehouse)
    # neither URL is fetched again by the next run
    seen = _rows(warehouse, "SELECT url FROM core.urls_seen ORDER BY 1")
    assert seen == sorted([(page.url,), (mobile.fetched_url,)])


def test_a_file_whose_linking_fails_loads_unlinked_with_a_failure_row_and_links_on_the_next_load(
    tmp_path: Path,
) -> None:
    """Story linking must not hold articles back: a lake file whose signatures are corrupt (the right algo and
    text, a minhash of the wrong length, as a buggy worker would write) makes linking raise; its articles land
    unlinked with one failures row naming the file, every other file links, and the next load links it."""
    warehouse = tmp_path / "wh"
    original = _article(1, "\n".join(story_text(700)))
    other = _article(2, "\n".join(story_text(701)))
    copy = _article(3, "\n".join([*story_text(700), "Republished with permission of the Wire."]))
    copy = copy.model_copy(
        update={"url": "http://paper.test/c", "fetched_url": "http://paper.test/c", "outlet_id": "paper"}
    )
    good = [original, other]
    lake.write_file(warehouse, "articles", "r1", "batch-00001.parquet", lake.article_rows(
        good, {}, "r1", dict(zip([signature_key(a) for a in good], text_signatures([a.text for a in good]),
                                 strict=True))))  # fmt: skip
    (broken,) = text_signatures([copy.text])
    broken = replace(broken, minhash=broken.minhash[:100])
    bad_file = lake.write_file(
        warehouse, "articles", "r1", "batch-00002.parquet",
        lake.article_rows([copy], {}, "r1", {signature_key(copy): broken}),
    )  # fmt: skip

    report = load.load_pending(warehouse, holder="r1")

    assert report.articles_new == 3 and report.failures == 1
    (row,) = _rows(warehouse, "SELECT url, stage, kind, transient, error FROM failures")
    assert row[:4] == (lake.relative(warehouse, bad_file), "load", "story_linking", True)
    assert "ArrowInvalid" in row[4]
    stories = dict(_rows(warehouse, "SELECT url, story_id FROM articles"))
    assert stories[copy.url] is None and stories[original.url] is not None and stories[other.url] is not None
    assert _rows(warehouse, "SELECT count(*) FROM core.loaded_files") == [(2,)]

    # the next load (nothing new in the lake) links what waits, signing its stored text
    again = load.load_pending(warehouse, holder="r2")
    assert again.failures == 0
    stories = dict(_rows(warehouse, "SELECT url, story_id FROM articles"))
    assert stories[copy.url] == stories[original.url] != stories[other.url]
    assert _rows(warehouse, "SELECT count(*) FROM core.link_pending") == [(0,)]
    assert _rows(warehouse, "SELECT count(*) FROM failures") == [(1,)]


def test_short_articles_of_one_outlet_never_match_through_a_template_longer_than_they_are(
    tmp_path: Path,
) -> None:
    """An outlet prints a cookie notice longer than its articles inside every page: the loader learns it,
    removes it from the texts, and the short articles stay apart, whichever load their pages came in."""
    notice = (
        "We value your privacy. We and our 842 partners store and access information on a device, such as "
        "cookies, and process personal data to personalise ads and content, measure ads and content, and "
        "gain audience insights. You may consent to our processing or change your preferences at any time, "
        "and you "
        "have a right to object to processing based on legitimate interest by visiting our privacy centre."
    )

    def page(n: int) -> Article:
        text = "\n".join([notice, "Accept all", " ".join(story_text(900 + n, 2))])
        url = f"http://shorts.test/{n}"
        return _article(n, text).model_copy(update={"url": url, "fetched_url": url, "outlet_id": "shorts"})

    warehouse = tmp_path / "wh"
    # two pages in the first load (too few to learn from), ten in the next
    for run, numbers in (("r1", range(2)), ("r2", range(2, 12))):
        lake.write_file(
            warehouse,
            "articles",
            run,
            "batch-00001.parquet",
            lake.article_rows([page(n) for n in numbers], {}, run),
        )
        load.load_pending(warehouse, holder=run)
    rows = _rows(warehouse, "SELECT story_id, text FROM articles")
    assert len(rows) == 12
    assert len({story for story, _ in rows}) == 12, "every short article is its own story"
    assert not any("842 partners" in text for _, text in rows), "the notice is removed, old pages too"
