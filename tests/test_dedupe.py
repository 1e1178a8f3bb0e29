"""Near-duplicate building blocks: each kind of copy folds with its original, look-alikes do not."""

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from copydesk.tasks import dedupe
from copydesk.tasks.dedupe import (
    BANDS,
    EMPTY_BAND_KEY,
    NUM_PERM,
    band_keys,
    cluster,
    estimate_similarity,
    fold_for_matching,
    is_same_story,
    match_kind,
    sentence_keys,
    shingle_hashes,
    signature_from_bytes,
    signature_to_bytes,
    signatures,
    title_resemblance,
)
from copydesk.tasks.signing import cut_related_section

TEXTS = Path(__file__).parent / "dedupe_texts"
REPO = Path(__file__).resolve().parents[1]


def story(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8").strip()


def headline(text: str) -> str:
    return text.split("\n", 1)[0]


def body(text: str) -> list[str]:
    return text.split("\n")[1:]


def truncated(text: str, paragraphs: int, outlet: str, more: str = "Continue reading at {outlet}") -> str:
    """A partner site's lead-only copy: headline, first paragraphs, a link back."""
    return "\n".join([headline(text), *body(text)[:paragraphs], more.format(outlet=outlet)])


def aggregator_page(text: str, outlet: str, related: list[str], heading: str = "Related Articles") -> str:
    """An aggregator republication: chrome, credit line, the story, then FULL texts of other stories."""
    lines = ["logo", headline(text), headline(text), f"{outlet}27-05-2025", *body(text)]
    lines += ["Orange background", "Try Our AI Features", "Explore what NewsNest AI can do for you:"]
    lines += ["Comments", "No comments yet...", heading]
    for i, other in enumerate(related, start=1):
        title = headline(other)
        lines += [title, title, "Halden Courier", f"time{i} days ago", "• Halden Courier", title]
        lines.append(" ".join(body(other)))
    lines += ["DOWNLOAD THE APP", "Get Started Now: Download the App"]
    lines.append(
        "Ready to catch up on the news from everywhere? Download NewsNest today from your app store."
    )
    return "\n".join(lines)


def to_halfwidth(text: str) -> str:
    """What a Shift_JIS-era site serves: half-width katakana and punctuation, ASCII digits."""
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in ("\uff9e", "\uff9f"):
            voiced = unicodedata.normalize("NFKC", half + mark)
            if len(voiced) == 1:
                table.setdefault(voiced, half + mark)
    for digit in range(10):
        table[chr(0xFF10 + digit)] = str(digit)
    return "".join(table.get(ch, ch) for ch in text)


def with_template(text: str) -> str:
    """The Halden Courier's page template around a story, as extracted when nothing is stripped."""
    header = ["Halden Courier", "News | Sport | Culture | Opinion | Jobs", headline(text)]
    footer = [
        "Sign up for the Courier Morning Briefing and get the stories that matter to Halden in your inbox.",
        "The Halden Courier is an independent local newspaper founded in 1887. We are funded by our readers "
        "and never by the companies we report on, and our journalists follow the press association's code of "
        "practice. If you think we have got something wrong, write to the readers' editor and we will look "
        "into it within two working days.",
        "Copyright 2025 Halden Courier. All rights reserved.",
    ]
    return "\n".join([*header, *body(text), *footer])


def verdict(a: str, b: str) -> tuple[bool, bool]:
    """(found as a candidate, verified as one story) for a pair, the way the loader does it."""
    sigs, counts = signatures([a, b])
    keys = band_keys(sigs)
    band_hit = bool((set(keys[0].tolist()) & set(keys[1].tolist())) - {EMPTY_BAND_KEY})
    keys_a, keys_b = sentence_keys(a), sentence_keys(b)
    shared = len(set(keys_a) & set(keys_b))
    jaccard, containment = estimate_similarity(sigs[0], sigs[1], int(counts[0]), int(counts[1]))
    return band_hit or shared > 0, is_same_story(jaccard, containment, shared, len(keys_a), len(keys_b))


HARBOUR = story("en_harbour_strike")
BUS = story("ja_bus_routes")

SAME_STORY = {
    "en-aggregator-republication": (
        HARBOUR,
        cut_related_section(
            aggregator_page(HARBOUR, "Halden Courier", [story("en_council_budget"), story("en_library_fire")])
        )[0],
    ),
    "en-truncated-3-paragraphs": (HARBOUR, truncated(HARBOUR, 3, "the Halden Courier")),
    "en-truncated-2-paragraphs": (HARBOUR, truncated(HARBOUR, 2, "the Halden Courier")),
    "en-edited-rewritten-headline": (HARBOUR, story("en_harbour_strike_edited")),
    "en-edited-then-truncated": (
        story("en_harbour_strike_edited"),
        truncated(HARBOUR, 3, "haldencourier.no"),
    ),
    "ja-edited": (BUS, story("ja_bus_routes_edited")),
    "ja-truncated": (BUS, truncated(BUS, 2, "北浜日報", more="続きは{outlet}で")),
    "ja-halfwidth-shift-jis-style": (BUS, to_halfwidth(BUS) + "\n(北浜日報)"),
    "ja-aggregator-republication": (
        BUS,
        cut_related_section(aggregator_page(BUS, "北浜日報", [story("ja_school_lunch")], heading="関連記事"))[
            0
        ],
    ),
    "ko-copy-spacing-and-quotes": (story("ko_subway_fare"), story("ko_subway_fare_copy")),
    "zh-copy-ascii-punctuation": (story("zh_river_cleanup"), story("zh_river_cleanup_copy")),
}

NOT_SAME_STORY = {
    "en-follow-up-quoting-original": (HARBOUR, story("en_harbour_followup")),
    "en-follow-up-quoting-edited-copy": (story("en_harbour_strike_edited"), story("en_harbour_followup")),
    "ja-follow-up-quoting-original": (BUS, story("ja_bus_followup")),
    "en-same-outlet-template": (
        with_template(story("en_council_budget")),
        with_template(story("en_hospital_waits")),
    ),
    "en-same-outlet-template-short-stories": (
        with_template("\n".join(story("en_tram_line").split("\n")[:4])),
        with_template("\n".join(story("en_library_fire").split("\n")[:4])),
    ),
    "en-same-headline-pattern": (
        "Five things to know about the new tram line\n" + "\n".join(body(story("en_tram_line"))),
        "Five things to know about the Vestby library fire\n" + "\n".join(body(story("en_library_fire"))),
    ),
    "en-related-story-vs-aggregator-page": (
        story("en_council_budget"),
        cut_related_section(aggregator_page(HARBOUR, "Halden Courier", [story("en_council_budget")]))[0],
    ),
    "ja-same-headline-pattern": (
        "【速報】" + BUS,
        "【速報】" + story("ja_school_lunch"),
    ),
    "ko-unrelated": (story("ko_subway_fare"), story("ko_heatwave")),
    "zh-unrelated": (story("zh_river_cleanup"), story("zh_school_meals")),
}


@pytest.mark.parametrize(("original", "copy"), list(SAME_STORY.values()), ids=list(SAME_STORY))
def test_copy_is_found_and_verified_as_the_same_story(original: str, copy: str) -> None:
    candidate, same = verdict(original, copy)
    assert candidate
    assert same


@pytest.mark.parametrize(("first", "second"), list(NOT_SAME_STORY.values()), ids=list(NOT_SAME_STORY))
def test_look_alike_is_not_the_same_story(first: str, second: str) -> None:
    _, same = verdict(first, second)
    assert not same


def test_copy_arriving_in_a_later_run_matches_the_stored_signature() -> None:
    # run 1 stores the original's signature as a BLOB; run 2 is another process that signs the copy
    sigs, counts = signatures([HARBOUR])
    stored = signature_to_bytes(sigs[0])
    code = (
        "import json, sys\n"
        "from copydesk.tasks.dedupe import signatures, signature_to_bytes\n"
        "sigs, counts = signatures([sys.stdin.read()])\n"
        "print(json.dumps([signature_to_bytes(sigs[0]).hex(), int(counts[0])]))\n"
    )
    copy = story("en_harbour_strike_edited")
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=copy,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=env,
    )
    blob_hex, copy_count = json.loads(out.stdout)
    jaccard, _ = estimate_similarity(
        signature_from_bytes(stored),
        signature_from_bytes(bytes.fromhex(blob_hex)),
        int(counts[0]),
        copy_count,
    )
    assert jaccard >= dedupe.SAME_JACCARD


def test_signatures_band_and_sentence_keys_are_identical_in_another_process() -> None:
    texts = [HARBOUR, BUS, story("zh_river_cleanup")]
    sigs, counts = signatures(texts)
    here = {
        "sigs": [signature_to_bytes(row).hex() for row in sigs],
        "counts": counts.tolist(),
        "bands": band_keys(sigs).tolist(),
        "sentences": [sentence_keys(text) for text in texts],
    }
    code = (
        "import json, sys\n"
        "from copydesk.tasks.dedupe import band_keys, sentence_keys, signature_to_bytes, signatures\n"
        "texts = json.loads(sys.stdin.read())\n"
        "sigs, counts = signatures(texts)\n"
        "print(json.dumps({'sigs': [signature_to_bytes(r).hex() for r in sigs], 'counts': counts.tolist(),\n"
        "    'bands': band_keys(sigs).tolist(), 'sentences': [sentence_keys(t) for t in texts]}))\n"
    )
    # a different string-hash seed: nothing may depend on Python's salted hash()
    env = {**os.environ, "PYTHONHASHSEED": "987"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=env,
    )
    assert json.loads(out.stdout) == here


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("北浜市､市営ﾊﾞｽ28路線を再編へ｡｢理解を｣", "北浜市、市営バス２８路線を再編へ。「理解を」"),
        ("ＧＤＰは２．１％増", "GDPは2.1%増"),
        ("“Our members,” said Solberg — ‘not against’", "\"our members,\" said solberg - 'not against'"),
        ("Port of Hal\u200bden\u00a0\n\nstri\u00adke", "port of halden strike"),
        ("G7 サミット で 会談", "G7サミットで会談"),
        ("150원 올리는 방안을 27일 밝혔다. 누적 적자가", "150원 올리는방안을 27일 밝혔다.누적적자가"),
        ("宣布，将在未来三年投入。据市", "宣布,将在未来三年投入.据市"),
        ("市民出行带来不便。", "市民出行带来不便．"),
    ],
    ids=["ja-halfwidth-kana-punct", "fullwidth-ascii", "curly-quotes-dashes", "zero-width-and-spaces",
         "ja-spaces-between-words", "ko-spacing", "zh-fullwidth-comma", "zh-fullwidth-stop"],
)  # fmt: skip
def test_width_and_spacing_variants_fold_to_the_same_text(left: str, right: str) -> None:
    assert fold_for_matching(left) == fold_for_matching(right)


def test_fold_keeps_the_katakana_long_vowel_mark() -> None:
    # ー is part of words (バス停, センター), not a dash
    assert "ー" in fold_for_matching("センター")


def test_shingle_hashes_are_sorted_unique_uint64() -> None:
    hashes = shingle_hashes(HARBOUR)
    assert hashes.dtype == np.uint64
    assert np.all(np.diff(hashes.astype(np.float64)) > 0) or len(hashes) < 2
    assert len(hashes) == len(np.unique(hashes))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("   \n ", 0), ("strike", 1), ("a" * 50, 1), ("halden port", len("halden port") - 8 + 1)],
    ids=["empty", "whitespace", "shorter-than-a-shingle", "one-repeated-shingle", "eleven-chars"],
)
def test_shingle_counts(text: str, expected: int) -> None:
    assert len(shingle_hashes(text)) == expected


def test_signatures_shape_and_empty_text() -> None:
    sigs, counts = signatures([HARBOUR, "", HARBOUR])
    assert sigs.shape == (3, NUM_PERM) and sigs.dtype == np.uint32
    assert counts.tolist()[1] == 0 and counts[0] == counts[2] > 0
    assert np.array_equal(sigs[0], sigs[2])
    keys = band_keys(sigs)
    assert keys.shape == (3, BANDS) and keys.dtype == np.int64
    assert (keys[1] == EMPTY_BAND_KEY).all()
    assert (keys[0] != EMPTY_BAND_KEY).all()


def test_band_index_is_mixed_into_the_key() -> None:
    # identical rows in every band must still give one distinct key per band
    keys = band_keys(np.full((1, NUM_PERM), 7, dtype=np.uint32))
    assert len(set(keys[0].tolist())) == BANDS


def test_band_keys_reject_a_wrong_shape() -> None:
    with pytest.raises(ValueError, match="signature matrix"):
        band_keys(np.zeros((2, NUM_PERM - 1), dtype=np.uint32))


def test_signature_bytes_round_trip_little_endian() -> None:
    row = signatures([BUS])[0][0]
    blob = signature_to_bytes(row)
    assert len(blob) == 4 * NUM_PERM
    assert blob[:4] == int(row[0]).to_bytes(4, "little")
    back = signature_from_bytes(blob)
    assert back.dtype == np.uint32 and np.array_equal(back, row)


def test_signature_from_bytes_rejects_a_wrong_length() -> None:
    with pytest.raises(ValueError, match="bytes"):
        signature_from_bytes(b"\x00" * (4 * NUM_PERM - 4))


def test_estimates_track_exact_jaccard_and_containment() -> None:
    lead = truncated(HARBOUR, 3, "the Halden Courier")
    a, b = shingle_hashes(HARBOUR), shingle_hashes(lead)
    exact_j = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    exact_c = len(np.intersect1d(a, b)) / min(len(a), len(b))
    sigs, counts = signatures([HARBOUR, lead])
    jaccard, containment = estimate_similarity(sigs[0], sigs[1], int(counts[0]), int(counts[1]))
    # 128 bins: sd ~0.04 at these values
    assert abs(jaccard - exact_j) < 0.12
    assert abs(containment - exact_c) < 0.2
    assert estimate_similarity(sigs[0], sigs[0], int(counts[0]), int(counts[0])) == (1.0, 1.0)
    assert estimate_similarity(sigs[0], sigs[1], 0, int(counts[1])) == (0.0, 0.0)


def test_sentence_keys_survive_width_variants_and_skip_short_lines() -> None:
    assert sentence_keys(BUS) == sentence_keys(to_halfwidth(BUS))
    assert sentence_keys("Comments\nNo comments yet...\nTry Our AI Features") == []
    keys = sentence_keys(HARBOUR)
    assert len(keys) == len(set(keys)) > 10
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_sentence_keys_split_on_ascii_and_cjk_enders() -> None:
    ja = (
        "北浜市は市営バスの路線を来年春に再編すると発表しました。住民説明会では反対の声が相次ぎ、会場は騒然となりました！"
        "市長は住民の不安にどこまで応えることができるのでしょうか？"
    )
    assert len(sentence_keys(ja)) == 3
    en = (
        "The first sentence is long enough to be distinctive on its own. Is the second one a question asked "
        'about the harbour strike by the reporters? "The third is a quote that ends inside its own quotation '
        'marks." Done.'
    )
    assert len(sentence_keys(en)) == 3


@pytest.mark.parametrize(
    ("jaccard", "containment", "shared", "n_a", "n_b", "expected"),
    [
        (0.82, 0.92, 16, 19, 19, True),
        (0.27, 0.97, 5, 19, 5, True),
        (0.12, 0.35, 0, 19, 3, False),
        (0.12, 0.28, 2, 19, 15, False),
        (0.10, 0.30, 3, 19, 15, False),
        (0.18, 0.40, 3, 19, 4, True),
        (0.05, 0.90, 1, 19, 1, True),
        (0.05, 0.90, 0, 19, 1, False),
        (0.30, 0.90, 0, 12, 0, False),
        (0.15, 0.62, 6, 41, 9, False),
    ],
    ids=["edited-copy", "truncated-copy", "teaser-without-shared-sentences", "follow-up-quoting-2",
         "follow-up-quoting-3", "teaser-sharing-3-of-4", "one-sentence-teaser", "one-sentence-not-shared",
         "no-sentences-contained", "copy-of-copy-left-to-closure"],
)  # fmt: skip
def test_verification_rule(
    jaccard: float, containment: float, shared: int, n_a: int, n_b: int, expected: bool
) -> None:
    assert is_same_story(jaccard, containment, shared, n_a, n_b) is expected


def test_cluster_closes_transitively_and_picks_the_smallest_id() -> None:
    pairs = [("b", "c"), ("x", "y"), ("c", "a"), ("d", "c")]
    clusters = cluster(pairs)
    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "a", "x": "x", "y": "x"}
    assert cluster(list(reversed([(q, p) for p, q in pairs]))) == clusters


def test_cluster_through_a_chain_of_copies() -> None:
    # original -> edited copy -> truncated copy of the edit: one story even if the ends never met
    chain = [(f"a{i:03d}", f"a{i + 1:03d}") for i in range(200)]
    clusters = cluster(chain)
    assert set(clusters.values()) == {"a000"}
    assert cluster([]) == {}


@pytest.mark.parametrize(
    ("jaccard", "containment", "shared", "n_a", "n_b", "expected"),
    [
        (0.80, 0.95, 14, 16, 15, "resembles"),
        (0.35, 0.90, 13, 16, 14, "resembles"),
        (0.24, 1.00, 3, 19, 3, "contained"),
        (0.20, 0.60, 3, 3, 19, "contained"),
        (0.12, 0.28, 2, 19, 15, None),
    ],
    ids=["full-copy", "edited-by-sentences", "truncated-lead", "lead-quoted-by-a-follow-up", "follow-up"],
)
def test_match_kind_separates_resemblance_from_containment(
    jaccard: float, containment: float, shared: int, n_a: int, n_b: int, expected: str | None
) -> None:
    # a truncated lead shares all its sentences with a follow-up that quotes it: that is containment, which
    # may attach the lead to one story but never merge the follow-up into it
    assert match_kind(jaccard, containment, shared, n_a, n_b) == expected


def test_title_resemblance_is_width_and_case_blind() -> None:
    assert title_resemblance("Typhoon nears Okinawa", "TYPHOON NEARS OKINAWA") == 1.0
    assert title_resemblance("台風、沖縄に接近", "台風､沖縄に接近") == 1.0
    assert title_resemblance("Typhoon nears Okinawa", "Council passes budget") < 0.1
    assert title_resemblance(None, "x") == 0.0


def _reference_sentence_keys(text: str) -> list[int]:
    """sentence_keys as first written: fold each splitlines() line, split it into sentences, hash them."""
    keys: dict[int, None] = {}
    for line in text.splitlines():
        for piece in dedupe._SENTENCE_END.split(fold_for_matching(line)):
            sentence = piece.strip(dedupe._SENTENCE_TRIM)
            if len(sentence.encode("utf-8")) >= dedupe.MIN_SENTENCE_BYTES:
                keys.setdefault(dedupe._key64(sentence))
    return list(keys)


def salted_copies(texts: list[str], salt: list[str], seed: int, inserts: int) -> list[str]:
    """A copy of each text with `inserts` pieces of salt put in at random places."""
    import random

    rng = random.Random(seed)
    salted = []
    for text in texts:
        chars = list(text)
        for _ in range(inserts):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(salt))
        salted.append("".join(chars))
    return salted


def _awkward_texts() -> list[str]:
    """The hand-written stories, and copies salted with line ends, CJK, quotes and marks folding must mind."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("*.txt"))]
    salt = ["\r", "\r\n", "\u2028", "\x85", "\x0c", " \n ", "\n\n", "\u00a0", "\u200b", '."\n', "!) ", "? \n"]
    salt += ["。", "中", " 中 ", "Ａ", "ﬁ", "e\u0301", "\u0301", "」\n", "\nRelated Stories:\n"]
    return texts + salted_copies(texts, salt, 7, 30) + ["", "\n", "one line", "中文\n\n한국어 문장"]


def test_ascii_texts_fold_as_the_passes_for_any_text_fold_them() -> None:
    # _fold_characters answers ASCII text without its passes; what those passes give is the definition
    def reference(text: str) -> str:
        folded = dedupe._INVISIBLE.sub("", unicodedata.normalize("NFKC", text).casefold())
        return dedupe._PUNCTUATION_RE.sub(lambda m: dedupe._PUNCTUATION[m.group()], folded)

    rng = np.random.default_rng(7)
    alphabet = np.array([*map(chr, range(128)), "`", "`"])
    for _ in range(3000):
        text = "".join(rng.choice(alphabet, size=int(rng.integers(0, 40))))
        assert dedupe._fold_characters(text) == reference(text), repr(text)
        assert fold_for_matching(text) == " ".join(reference(text).split()), repr(text)
        assert dedupe.fold_lines(text) == [" ".join(line.split()) for line in reference(text).split("\n")]


def test_folding_lines_once_gives_what_folding_each_line_gives() -> None:
    for text in _awkward_texts():
        lines = text.split("\n")
        folded = dedupe.fold_lines(text)
        assert folded == [fold_for_matching(line) for line in lines]
        assert dedupe.join_folded_lines(folded) == fold_for_matching(text)
        assert dedupe.sentence_keys_of_lines(lines, folded) == _reference_sentence_keys(text)
        assert sentence_keys(text) == _reference_sentence_keys(text)


def test_vectorised_verification_matches_the_pairwise_rule() -> None:
    rng = np.random.default_rng(3)
    # few distinct values, so every kind of outcome shows up often
    sigs = rng.integers(0, 4, size=(300, NUM_PERM)).astype(np.uint32)
    counts = rng.integers(-1, 3000, size=300)
    counts[:5] = 0
    sentences = rng.integers(0, 30, size=300)
    left, right = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    shared = rng.integers(0, 30, 5000)
    jaccard, containment = dedupe.similarities(sigs, left, right, counts)
    kinds = dedupe.match_kinds(jaccard, containment, shared, sentences[left], sentences[right])
    code = {None: dedupe.NO_MATCH, "resembles": dedupe.RESEMBLES, "contained": dedupe.CONTAINED}
    for i in range(len(left)):
        a, b = left[i], right[i]
        expected = estimate_similarity(sigs[a], sigs[b], int(counts[a]), int(counts[b]))
        assert (jaccard[i], containment[i]) == expected
        kind = match_kind(*expected, int(shared[i]), int(sentences[a]), int(sentences[b]))
        assert kinds[i] == code[kind]
    assert set(np.unique(kinds)) == {dedupe.NO_MATCH, dedupe.RESEMBLES, dedupe.CONTAINED}


def test_a_text_normalised_for_its_content_hash_folds_as_any_other() -> None:
    from copydesk.tasks.clean import normalise_for_matching, normalise_text_for_matching

    for text in _awkward_texts():
        # the content hash keeps the text's NFKC form, which folding it for signing then takes
        assert normalise_text_for_matching(text) == normalise_for_matching(text)
        assert dedupe.fold_lines(text) == [fold_for_matching(line) for line in text.split("\n")]
    assert dedupe.text_nfkc.cache_info().hits > 0
