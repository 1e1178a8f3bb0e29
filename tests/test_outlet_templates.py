"""Outlet templates: blocks learned per outlet from repeat counts, stripped without eating the article."""

from collections import Counter
from pathlib import Path

import pytest

from copydesk.tasks.dedupe import estimate_similarity, is_same_story, sentence_keys, signatures
from copydesk.tasks.outlet_templates import (
    LONG_BLOCK_BYTES,
    LearnedBlocksGuess,
    block_hash,
    is_long_block_hash,
    learn_outlet_blocks,
    matching_text,
    page_block_hashes,
    page_key,
    split_blocks,
    strip_learned_blocks,
    text_block_hashes,
)
from copydesk.tasks.signing import cut_related_section

TEXTS = Path(__file__).parent / "dedupe_texts"
STORIES = ["en_harbour_strike", "en_council_budget", "en_library_fire", "en_hospital_waits", "en_tram_line"]

CHROME_TOP = ["logo"]
CHROME_MIDDLE = [
    "Orange background",
    "Try Our AI Features",
    "Explore what NewsNest AI can do for you:",
    "Comments",
    "No comments yet...",
]
CHROME_BOTTOM = [
    "DOWNLOAD THE APP",
    "Get Started Now: Download the App",
    "Ready to catch up on the news from everywhere? Download NewsNest today from your app store.",
]


def story(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8").strip()


def aggregator_page(main: str, related: list[str], day: int = 27) -> str:
    """One NewsNest page: chrome, the story as paragraphs, chrome, related stories as one block each."""
    title, *paragraphs = story(main).split("\n")
    lines = [*CHROME_TOP, title, title, f"Halden Courier{day:02d}-05-2025", *paragraphs, *CHROME_MIDDLE]
    lines.append("Related Articles")
    for i, name in enumerate(related, start=1):
        other_title, *other_body = story(name).split("\n")
        lines += [other_title, f"time{i} days ago", "• Halden Courier", " ".join(other_body)]
    return "\n".join([*lines, *CHROME_BOTTOM])


def crawl() -> dict[str, str]:
    """One run over the aggregator: every page carries the same two related stories in its widget."""
    related = ["en_library_fire", "en_tram_line"]
    pages = {name: aggregator_page(name, [r for r in related if r != name] or related) for name in STORIES}
    # a few more pages of other stories keep the share of the related blocks realistic
    for day in range(5):
        pages[f"brief-{day}"] = aggregator_page("en_hospital_waits", related, day=day + 1).replace(
            "Hospital waiting lists", f"Brief {day}: hospital waiting lists"
        )
    return pages


def learned_from(pages: dict[str, str]) -> set[int]:
    """What the loader learns from these pages: each distinct page (its set of blocks) counted once."""
    counts: Counter[int] = Counter()
    distinct = {page_key(text_block_hashes(text)): text for text in pages.values()}
    for text in distinct.values():
        counts.update(page_block_hashes(text))
    return learn_outlet_blocks(dict(counts), len(distinct))


def test_split_blocks_drops_empty_lines_and_edges() -> None:
    assert split_blocks("  Title \n\n first para\n\t\nsecond  ") == ["Title", "first para", "second"]
    assert split_blocks("") == []


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("No comments yet...", "NO COMMENTS YET..."),
        ("３ comments", "12 comments"),
        ("NHK18-06-2025", "NHK27-05-2025"),
        ("関連記事", "関連 記事"),
        ("Download the app — it’s free", "download the app - it's free"),
    ],
    ids=["case", "digits-and-width", "dated-credit-line", "cjk-spacing", "punctuation"],
)
def test_block_hash_folds_variants_of_one_block(left: str, right: str) -> None:
    assert block_hash(left) == block_hash(right)


def test_block_hash_is_signed_64_bit_and_carries_the_length_class() -> None:
    short, long = "Try Our AI Features", "x" * LONG_BLOCK_BYTES
    for block in (short, long):
        assert -(2**63) <= block_hash(block) < 2**63
    assert not is_long_block_hash(block_hash(short))
    assert is_long_block_hash(block_hash(long))
    # a CJK paragraph of 100 characters is an article paragraph too
    assert is_long_block_hash(block_hash("北" * 100))
    assert block_hash("Try Our AI Features") != block_hash("Try Our AI Feature")


SHORT = block_hash("Sign up for our newsletter")
LONG = block_hash(" ".join(story("en_library_fire").split("\n")[1:]))


@pytest.mark.parametrize(
    ("value", "pages", "pages_seen", "expected"),
    [
        (SHORT, 3, 10, True),
        (SHORT, 2, 4, False),
        (SHORT, 29, 100, False),
        (SHORT, 30, 100, True),
        (LONG, 30, 100, False),
        (LONG, 59, 100, False),
        (LONG, 60, 100, True),
        (LONG, 3, 4, True),
        (SHORT, 5, 0, False),
    ],
    ids=["short-3-of-10", "short-below-min-pages", "short-below-share", "short-at-share",
         "long-at-short-share", "long-below-long-share", "long-at-long-share", "long-3-of-4", "nothing-seen"],
)  # fmt: skip
def test_learn_thresholds(value: int, pages: int, pages_seen: int, expected: bool) -> None:
    assert (value in learn_outlet_blocks({value: pages}, pages_seen)) is expected


def test_learning_from_a_crawl_finds_chrome_and_the_widget_but_not_stories() -> None:
    pages = crawl()
    learned = learned_from(pages)
    for block in [
        *CHROME_TOP,
        *CHROME_MIDDLE,
        "Related Articles",
        *CHROME_BOTTOM,
        "Halden Courier01-05-2025",
    ]:
        assert block_hash(block) in learned, block
    # the story paragraphs of the harbour page occur once
    for paragraph in story("en_harbour_strike").split("\n")[1:]:
        assert block_hash(paragraph) not in learned


def test_a_guess_from_the_pages_seen_so_far_learns_what_the_load_learns() -> None:
    pages = list(crawl().values())
    guess = LearnedBlocksGuess()
    for n, text in enumerate(pages, start=1):
        guess.add_page("agg", text_block_hashes(text))
        # at every step, what the loader would learn from the same pages
        assert guess.blocks("agg") == learned_from(dict(enumerate(pages[:n])))
    assert guess.blocks("agg") == learned_from(crawl())
    assert guess.blocks("agg")  # the crawl has chrome to learn
    assert guess.blocks("other") == set()


def test_a_guess_stops_counting_after_max_pages_and_max_blocks() -> None:
    pages = list(crawl().values())
    guess = LearnedBlocksGuess(max_pages=4, max_blocks=10)
    for text in pages:
        guess.add_page("agg", text_block_hashes(text))
    # learned from the first four pages, then kept; the counts are dropped
    assert guess.blocks("agg") == learned_from(dict(enumerate(pages[:4])))
    assert guess._counts == {}
    full = LearnedBlocksGuess(max_pages=100, max_blocks=10)
    full.add_page("first", text_block_hashes(pages[0]))  # over max_blocks distinct blocks already
    for text in pages:
        full.add_page("second", text_block_hashes(text))
    assert "second" not in full._counts and full.blocks("second") == set()


def test_strip_removes_chrome_and_keeps_the_article() -> None:
    pages = crawl()
    learned = learned_from(pages)
    cut, _ = cut_related_section(pages["en_harbour_strike"])
    clean, removed = strip_learned_blocks(cut, learned)
    assert "Try Our AI Features" in removed and "logo" in removed
    assert "Try Our AI Features" not in clean and "No comments yet" not in clean
    assert "Around 1,400 dockworkers at the Port of Halden walked off the job" in clean
    assert "Pickets were expected to remain at the three terminal entrances overnight." in clean


def test_article_whose_body_recurs_as_a_related_block_keeps_its_body() -> None:
    # the library story is in the related widget of most pages, so its one-block body is learned
    pages = crawl()
    learned = learned_from(pages)
    library_body = " ".join(story("en_library_fire").split("\n")[1:])
    assert block_hash(library_body) in learned
    # its own page, where the aggregator shows the story as ONE block (as it does in the widget)
    own_page = "\n".join(
        ["logo", "Fire at Vestby library", "Halden Courier27-05-2025", library_body, *CHROME_MIDDLE]
    )
    clean, removed = strip_learned_blocks(own_page, learned)
    assert library_body in clean.split("\n")
    assert library_body not in removed
    assert "Try Our AI Features" in removed


def test_strip_never_leaves_less_than_half_when_it_removes_a_long_block() -> None:
    paragraphs = story("en_harbour_strike").split("\n")[1:]
    # most of the page is learned long blocks: only as many go as keep half of the text
    learned = {block_hash(p) for p in paragraphs[2:]}
    text = "\n".join(paragraphs)
    clean, removed = strip_learned_blocks(text, learned)
    assert removed
    assert any(len(block.encode()) >= 200 for block in removed)
    assert len(clean.replace("\n", "")) >= 0.5 * len(text.replace("\n", ""))
    # from the end backwards: the page's opening survives
    assert clean.startswith(paragraphs[0])
    assert paragraphs[-1] in removed


def test_strip_may_go_below_half_when_every_removed_block_is_short() -> None:
    chrome = [*CHROME_MIDDLE, *CHROME_BOTTOM[:2], "Share on Facebook", "Share on X", "Copy link"]
    text = "\n".join(["A short item about a road closure on the E6 tonight.", *chrome])
    clean, removed = strip_learned_blocks(text, {block_hash(block) for block in chrome})
    assert clean == "A short item about a road closure on the E6 tonight."
    assert removed == chrome


def test_strip_with_nothing_learned_changes_nothing_but_blank_lines() -> None:
    text = story("en_tram_line")
    assert strip_learned_blocks(text, set()) == (text, [])


@pytest.mark.parametrize(
    ("text", "kept_ends_with", "cut_starts_with"),
    [
        (aggregator_page("en_harbour_strike", ["en_library_fire"]), "No comments yet...", "Related Articles"),
        (
            "北浜市、市営バス路線を再編へ\n"
            + "北浜市は市営バスの路線を再編すると発表した。" * 5
            + "\n関連記事：\n別の記事の全文",
            "発表した。",
            "関連記事",
        ),
        ("Headline\n" + "Body sentence of the story. " * 10 + "\nRelated\nOther story", "story.", "Related"),
    ],
    ids=["en-aggregator", "ja-heading-with-colon", "plain-related"],
)
def test_cut_related_section(text: str, kept_ends_with: str, cut_starts_with: str) -> None:
    kept, cut = cut_related_section(text)
    assert kept.rstrip().endswith(kept_ends_with)
    assert cut.startswith(cut_starts_with)
    # nothing is lost or reordered, only the trailing whitespace of the kept part
    assert (kept + "\n" + cut).split() == text.split()


@pytest.mark.parametrize(
    "text",
    [
        "Related Articles\nA sidebar above the story\n" + "The story itself goes on. " * 20,
        "Headline\n" + "A story that mentions related articles in passing. " * 10,
        "Headline\nRead more\n" + "The story continues after an inline link. " * 10,
    ],
    ids=["heading-before-the-story", "phrase-inside-a-paragraph", "inline-read-more"],
)
def test_cut_related_section_leaves_text_without_a_trailing_section(text: str) -> None:
    assert cut_related_section(text) == (text, "")


def test_cleaned_aggregator_page_is_the_story_and_not_its_related_stories() -> None:
    pages = crawl()
    learned = learned_from(pages)
    clean, _ = strip_learned_blocks(cut_related_section(pages["en_harbour_strike"])[0], learned)
    texts = [story("en_harbour_strike"), clean, story("en_library_fire"), story("en_tram_line")]
    sigs, counts = signatures(texts)
    keys = [sentence_keys(text) for text in texts]

    def same(i: int, j: int) -> bool:
        jaccard, containment = estimate_similarity(sigs[i], sigs[j], int(counts[i]), int(counts[j]))
        shared = len(set(keys[i]) & set(keys[j]))
        return is_same_story(jaccard, containment, shared, len(keys[i]), len(keys[j]))

    assert same(0, 1)
    assert not same(1, 2)
    assert not same(1, 3)


CONSENT = (
    "We value your privacy. We and our 842 partners store and access information on a device, such as "
    "cookies, "
    "and process personal data to personalise ads and content, measure ads and content, and gain audience "
    "insights. You may consent to our processing, or change your preferences at any time."
)


def test_a_template_longer_than_the_articles_is_learned_and_removed_whatever_is_left() -> None:
    # ten short articles, each shorter than the notice printed above it
    briefs = [story(name).split("\n")[n][:160].strip() for name in STORIES for n in (1, 2)]
    pages = {f"p{i}": "\n".join([CONSENT, "Accept all", brief]) for i, brief in enumerate(briefs)}
    learned = learned_from(pages)
    assert block_hash(CONSENT) in learned.template  # on every one of ten distinct pages
    clean, removed = strip_learned_blocks(pages["p3"], learned)
    assert clean == briefs[3] and CONSENT in removed


def test_the_same_article_at_several_urls_teaches_no_template_and_is_never_emptied() -> None:
    body = story("en_council_budget")
    # one article served at five URLs of an outlet, beside three other articles of it
    pages = {f"copy{i}": body for i in range(5)}
    pages.update({name: story(name) for name in ("en_tram_line", "en_library_fire", "en_hospital_waits")})
    learned = learned_from(pages)
    assert not any(block_hash(block) in learned for block in split_blocks(body))
    # even learned (counted by an older loader), a page of nothing but learned blocks keeps its text
    everything = {block_hash(block) for block in split_blocks(body)}
    clean, removed = strip_learned_blocks(body, everything)
    assert clean == "\n".join(split_blocks(body)) and removed == []


def test_matching_text_drops_every_learned_block_the_floor_kept() -> None:
    paragraphs = story("en_harbour_strike").split("\n")[1:]
    learned = {block_hash(p) for p in paragraphs[2:]}
    text = "\n".join(paragraphs)
    stored, _ = strip_learned_blocks(text, learned)
    assert matching_text(text, learned) == "\n".join(paragraphs[:2]) != stored
    assert matching_text(text, {block_hash(p) for p in paragraphs}) == "\n".join(paragraphs)


def test_page_key_is_the_set_of_blocks() -> None:
    a = text_block_hashes("One\nTwo\nThree")
    assert page_key(a) == page_key(list(reversed(a))) == page_key(a + a[:1])
    assert page_key(a) != page_key(a[:2])


def _varied_texts() -> list[str]:
    """Stories and lines salted with what folding and block splitting must agree on: CJK, digits,
    invisibles, blank and whitespace-only lines, U+3000, other line ends, combining marks."""
    from tests.test_dedupe import salted_copies

    stories = [(TEXTS / f"{name}.txt").read_text(encoding="utf-8") for name in STORIES]
    stories += [p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("ja_*.txt"))[:2]]
    salt = ["\n", "\n\n", "\n \n", "\n\t\u3000\n", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u00ad"]
    salt += [" 12 ", "2025年6月18日", "中", " 中 ", "한국어", "Ａ１", "ﬁ", "e\u0301", "\n\u0301"]
    salt += ["\r", "\u2028", "\x85", "「引用」", "\nRelated Stories:\n", "\n関連記事\n", "`"]
    salt += ["\n  Orange background  \n"]
    texts = salted_copies(stories, salt, 11, 40)
    return stories + texts + ["", "\n", " \n\u3000\n", "one line", "中文\n\n한국어 문장", "\u200b\n\u200b"]


def test_signing_with_lines_folded_once_gives_the_hashes_and_signatures_of_folding_each_time() -> None:
    from datetime import UTC, datetime

    from copydesk.tasks.models import Article
    from copydesk.tasks.signing import sign_articles, signature_key, text_signatures

    texts = _varied_texts()
    # learned: nothing; a few blocks of every text (short and long); every block; the chrome as template
    some = {value for text in texts for value in text_block_hashes(text)[1::3]}
    every = {value for text in texts for value in text_block_hashes(text)}
    template = learn_outlet_blocks(Counter({block_hash(line): 20 for line in CHROME_MIDDLE}), 20)
    for learned in (set(), some, every, template):
        articles = [
            Article(
                article_id=f"a{i}",
                url=f"https://example.org/{i}",
                fetched_url=f"https://example.org/{i}",
                outlet_id="o",
                text=text,
                word_count=1,
                content_hash="h",
                fetched_at=datetime.now(UTC),
            )  # fmt: skip
            for i, text in enumerate(texts)
        ]
        signed = sign_articles(articles, {"o": learned})
        for article in articles:
            # the path that hashes each block and folds the text it signs on its own
            hashes = text_block_hashes(article.text)
            text = strip_learned_blocks(article.text, learned, hashes)[0] if learned else article.text
            (expected,) = text_signatures([text])
            got = signed[signature_key(article)]
            assert got.block_hashes == hashes, repr(article.text)
            assert (got.minhash, got.shingle_count) == (expected.minhash, expected.shingle_count), repr(text)
            assert (got.sentence_keys, got.text_md5) == (expected.sentence_keys, expected.text_md5), repr(
                text
            )
    assert some and len(some) < len(every)
