"""Near-duplicate methods: signing speed, estimate accuracy and band/sentence candidate recall and precision.

Run: `.venv/bin/python -m bench.dedupe_methods` (about a minute on 2 shared cores). Writes
bench/results/dedupe_methods.md. datasketch and rensa are measured when installed (`pip install datasketch
rensa`); they are not product dependencies.
"""

import importlib.metadata
import itertools
import platform
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.results_file import write_file
from copydesk.tasks import dedupe
from copydesk.tasks.dedupe import (
    BANDS,
    EMPTY_BAND_KEY,
    NUM_PERM,
    ROWS,
    band_keys,
    estimate_similarity,
    fold_for_matching,
    is_same_story,
    sentence_keys,
    shingle_hashes,
    signatures,
)

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "tests" / "dedupe_texts"
RESULTS = ROOT / "bench" / "results" / "dedupe_methods.md"
SPEED_DOCS = 2000
COPY_ORIGINALS = 400
SEED = 20250527

FUNCTION_WORDS = [
    "the", "of", "and", "to", "a", "in", "that", "is", "was", "for", "on", "it", "with", "as", "he", "said",
    "by", "at", "from", "his", "be", "have", "an", "are", "has", "but", "not", "they", "this", "were", "had",
    "which", "their", "been", "who", "will", "would", "its", "more", "after", "also", "one", "two", "than",
    "new", "about", "over", "other", "into", "up", "some", "could", "when", "there", "all", "can", "last",
    "year", "first", "she", "we", "what", "out", "her", "people", "percent", "government", "officials",
    "told", "tuesday", "monday", "since", "while", "under", "before", "because",
]  # fmt: skip


# ---------------------------------------------------------------- synthetic text


class TextMaker:
    """Deterministic news-like text: Zipf content words between real function words, EN or JA-like."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"] + ["th", "st", "ng", "er", "an"]
        self.en_words = ["".join(self.rng.choice(syllables, self.rng.integers(1, 4))) for _ in range(30000)]
        kana = [chr(c) for c in range(0x3041, 0x3094)]
        kanji = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]
        self.ja_words = [
            "".join(self.rng.choice(kanji, self.rng.integers(1, 3))) + "".join(self.rng.choice(kana, k))
            for k in self.rng.integers(0, 3, 20000)
        ]
        self.ja_particles = ["の", "に", "は", "を", "が", "と", "で", "した", "する", "という", "から", "も"]
        # inverse-CDF sampling: rng.choice(p=...) rebuilds the CDF on every call
        ranks = np.arange(1, 30001)
        self.cdf_en = np.cumsum(1 / ranks**1.05) / np.sum(1 / ranks**1.05)
        self.cdf_ja = np.cumsum(1 / ranks[:20000] ** 1.05) / np.sum(1 / ranks[:20000] ** 1.05)

    def _zipf(self, cdf: np.ndarray, count: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cdf, self.rng.random(count)), len(cdf) - 1)

    def en_sentence(self) -> str:
        count = int(self.rng.integers(10, 28))
        content = self._zipf(self.cdf_en, count)
        function = self.rng.integers(0, len(FUNCTION_WORDS), count)
        is_function = self.rng.random(count) < 0.45
        words = [
            FUNCTION_WORDS[f] if use else self.en_words[c]
            for c, f, use in zip(content, function, is_function, strict=True)
        ]
        if self.rng.random() < 0.2:
            words.insert(int(self.rng.integers(0, len(words))), str(int(self.rng.integers(2, 5000))))
        sentence = " ".join(words).capitalize() + "."
        # real copy carries curly quotes and dashes, which folding has to work on
        if self.rng.random() < 0.15:
            sentence = f"“{sentence}” said {self.en_words[int(self._zipf(self.cdf_en, 1)[0])].title()}."
        elif self.rng.random() < 0.1:
            sentence = sentence.replace(" ", ", ", 1).replace(" a ", " — a ", 1)
        return sentence

    def ja_sentence(self) -> str:
        parts = []
        count = int(self.rng.integers(6, 14))
        for word, particle, comma in zip(
            self._zipf(self.cdf_ja, count),
            self.rng.integers(0, len(self.ja_particles), count),
            self.rng.random(count) < 0.12,
            strict=True,
        ):
            parts += [self.ja_words[word], self.ja_particles[particle], "、" if comma else ""]
        return "".join(parts) + "。"

    def story(self, lang: str, target_bytes: int = 4000) -> str:
        sentence = self.en_sentence if lang == "en" else self.ja_sentence
        title = sentence().rstrip(".。")[:80]
        paragraphs: list[str] = []
        size = 0
        while size < target_bytes:
            paragraph = (" " if lang == "en" else "").join(
                sentence() for _ in range(int(self.rng.integers(2, 4)))
            )
            paragraphs.append(paragraph)
            size += len(paragraph.encode())
        return "\n".join([title, *paragraphs])


def split_sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.。])\s*", paragraph) if s]


def edited(maker: TextMaker, text: str, lang: str) -> str:
    """Headline rewritten, ~12 % of sentences dropped, ~5 % reworded, paragraphs regrouped, a credit line."""
    rng = maker.rng
    _, *paragraphs = text.split("\n")
    out: list[list[str]] = []
    for p_index, paragraph in enumerate(paragraphs):
        kept = []
        for s_index, sentence in enumerate(split_sentences(paragraph)):
            if (p_index, s_index) != (0, 0) and rng.random() < 0.12:
                continue
            if rng.random() < 0.05:
                sentence = (maker.en_sentence if lang == "en" else maker.ja_sentence)()
            kept.append(sentence)
        if kept:
            out.append(kept)
    # regroup: merge some neighbouring paragraphs
    merged: list[list[str]] = []
    for sentences in out:
        if merged and rng.random() < 0.3:
            merged[-1].extend(sentences)
        else:
            merged.append(sentences)
    joiner = " " if lang == "en" else ""
    credit = (
        "This report was first published by the Halden Courier."
        if lang == "en"
        else "この記事は北浜日報が最初に配信しました。"
    )
    headline = (maker.en_sentence() if lang == "en" else maker.ja_sentence()).rstrip(".。")[:80]
    return "\n".join([headline, *(joiner.join(s) for s in merged), credit])


def truncated(text: str, paragraphs: int, lang: str) -> str:
    more = "Continue reading at the Halden Courier" if lang == "en" else "続きは北浜日報で"
    lines = text.split("\n")
    return "\n".join([*lines[: 1 + paragraphs], more])


def boilerplated(text: str, lang: str) -> str:
    """An aggregator republication after the related section is cut: chrome and a credit line remain."""
    lines = text.split("\n")
    chrome_top = ["logo", lines[0], "Halden Courier27-05-2025" if lang == "en" else "北浜日報2025年5月27日"]
    chrome_bottom = ["Orange background", "Try Our AI Features", "Comments", "No comments yet...",
                     "Ready to catch up on the news from everywhere? Download NewsNest today."]  # fmt: skip
    return "\n".join([*chrome_top, *lines[1:], *chrome_bottom])


def to_halfwidth(text: str) -> str:
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
    return "".join(table.get(ch, ch) for ch in text)


def follow_up(maker: TextMaker, original: str, lang: str) -> str:
    """A new story that quotes 2-3 sentences of the original verbatim."""
    fresh = maker.story(lang, 3000).split("\n")
    quoted = [s for p in original.split("\n")[1:] for s in split_sentences(p)]
    picks = maker.rng.choice(len(quoted), size=min(len(quoted), int(maker.rng.integers(2, 4))), replace=False)
    fresh.insert(3, (" " if lang == "en" else "").join(quoted[i] for i in sorted(picks)))
    return "\n".join(fresh)


# ---------------------------------------------------------------- other signers (measured, not shipped)

_A = np.array(dedupe._splitmix64_sequence(1, NUM_PERM), dtype=np.uint64)[:, None] | np.uint64(1)
_B = np.array(dedupe._splitmix64_sequence(2, NUM_PERM), dtype=np.uint64)[:, None]


def kperm_minhash(shingles: np.ndarray) -> np.ndarray:
    """Classic k-permutation MinHash, multiply-shift family, in-place numpy (the fastest variant tried)."""
    row = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    buf = np.empty((NUM_PERM, 2048), dtype=np.uint64)
    for start in range(0, len(shingles), 2048):
        block = shingles[None, start : start + 2048]
        out = buf[:, : block.shape[1]]
        np.multiply(_A, block, out=out)
        np.add(out, _B, out=out)
        np.minimum(row, out.min(axis=1), out=row)
    return (row >> np.uint64(32)).astype(np.uint32)


def shingle_strings(text: str) -> list[str]:
    folded = fold_for_matching(text)
    n = dedupe.SHINGLE_CHARS
    return list({folded[i : i + n] for i in range(max(1, len(folded) - n + 1))})


def timed(fn: Callable[[], object], docs: int) -> float:
    start = time.perf_counter()
    fn()
    return docs / (time.perf_counter() - start)


def speed_section(texts: list[str]) -> tuple[list[str], dict[str, float]]:
    lines = ["## Signing speed", ""]
    n = len(texts)
    avg = sum(len(t.encode()) for t in texts) / n
    lines.append(
        f"{n} generated texts, {avg / 1024:.1f} KiB average (80 % EN-like, 20 % JA-like), one process."
    )
    lines += ["", "| method | from text, docs/s | from shingle hashes, docs/s |", "|---|---|---|"]
    rates: dict[str, float] = {}
    hashes = [shingle_hashes(t) for t in texts]
    rates["fold+shingle only"] = timed(lambda: [shingle_hashes(t) for t in texts], n)
    rates["copydesk OPH"] = timed(lambda: signatures(texts), n)
    rates["copydesk OPH (hashes)"] = timed(lambda: [dedupe._minhash(h) for h in hashes], n)
    rates["numpy k-perm (hashes)"] = timed(lambda: [kperm_minhash(h) for h in hashes], n)
    rates["numpy k-perm"] = 1 / (1 / rates["fold+shingle only"] + 1 / rates["numpy k-perm (hashes)"])
    lines.append(f"| shingling alone (NFKC fold + 8-char hashes) | {rates['fold+shingle only']:,.0f} | — |")
    # generated text is plain ASCII or kana/kanji; the hand-written stories have curly quotes, full-width
    # digits and mixed scripts, so folding does more work on them
    real = [p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("*.txt"))] * 60
    real_kib = sum(len(t.encode()) for t in real) / 1024
    rates["copydesk OPH (real)"] = timed(lambda: signatures(real), len(real))
    real_rate = rates["copydesk OPH (real)"]
    lines.append(
        f"| copydesk on the hand-written EN/JA/KO/ZH stories (x60, {real_kib / len(real):.1f} KiB avg) "
        f"| {real_rate:,.0f} ({real_rate * real_kib / len(real):,.0f} KiB/s) | — |"
    )
    lines.append(
        f"| **copydesk: numpy one-permutation + densification** | **{rates['copydesk OPH']:,.0f}** "
        f"| {rates['copydesk OPH (hashes)']:,.0f} |"
    )
    lines.append(
        f"| numpy k-permutation (multiply-shift, in place) | {rates['numpy k-perm']:,.0f} (derived) "
        f"| {rates['numpy k-perm (hashes)']:,.0f} |"
    )
    try:
        import datasketch

        subset = texts[:500]
        strings = [[s.encode() for s in shingle_strings(t)] for t in subset]

        def sign_datasketch(batches: list[list[bytes]]) -> None:
            for batch in batches:
                m = datasketch.MinHash(num_perm=NUM_PERM)
                m.update_batch(batch)

        rate_text = timed(
            lambda: sign_datasketch([[s.encode() for s in shingle_strings(t)] for t in subset]), 500
        )
        rate_tokens = timed(lambda: sign_datasketch(strings), 500)
        rates["datasketch"] = rate_text
        version = importlib.metadata.version("datasketch")
        lines.append(
            f"| datasketch {version} MinHash (500 docs) | {rate_text:,.0f} "
            f"| {rate_tokens:,.0f} (shingle strings) |"
        )
    except ImportError:
        lines.append("| datasketch | not installed | |")
    try:
        from rensa import RMinHash

        flat = np.concatenate(hashes)
        offsets = np.concatenate([[0], np.cumsum([len(h) for h in hashes])]).astype(np.uint64)
        rate_text = timed(
            lambda: RMinHash.digest_matrix_from_token_sets([shingle_strings(t) for t in texts], NUM_PERM, 42),
            n,
        )
        rate_hashes = timed(
            lambda: RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, NUM_PERM, 42), n
        )
        rates["rensa"] = rate_text
        version = importlib.metadata.version("rensa")
        lines.append(
            f"| rensa {version} RMinHash (bulk matrix API) | {rate_text:,.0f} | {rate_hashes:,.0f} |"
        )
    except ImportError:
        lines.append("| rensa | not installed | |")
    return lines, rates


# ---------------------------------------------------------------- accuracy of the estimates


def accuracy_section(pairs: list[tuple[str, str]]) -> list[str]:
    errors: dict[str, list[float]] = defaultdict(list)
    for a, b in pairs:
        ha, hb = shingle_hashes(a), shingle_hashes(b)
        exact = len(np.intersect1d(ha, hb)) / len(np.union1d(ha, hb))
        errors["copydesk OPH"].append(float(np.mean(dedupe._minhash(ha) == dedupe._minhash(hb))) - exact)
        errors["numpy k-perm"].append(float(np.mean(kperm_minhash(ha) == kperm_minhash(hb))) - exact)
    lines = [
        "## Estimate accuracy",
        "",
        f"{len(pairs)} (original, copy) pairs of all kinds: J estimate minus exact J of the 8-character "
        f"shingle sets, {NUM_PERM} values per signature.",
        "",
        "| method | bias | sd | max abs |",
        "|---|---|---|---|",
    ]
    for name, errs in errors.items():
        arr = np.array(errs)
        lines.append(f"| {name} | {arr.mean():+.4f} | {arr.std():.4f} | {np.abs(arr).max():.3f} |")
    return lines


# ---------------------------------------------------------------- candidates and verification


def band_keys_for(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Band keys for another banding of the same signatures (the shipped one is dedupe.band_keys)."""
    parts = sigs[:, : bands * rows].astype(np.uint64).reshape(len(sigs), bands, rows)
    keys = np.broadcast_to(np.arange(bands, dtype=np.uint64) + np.uint64(1), (len(sigs), bands)).copy()
    for r in range(rows):
        keys = dedupe._splitmix64(keys ^ parts[:, :, r])
    return keys.view(np.int64)


def colliding_pairs(keys_per_doc: list[list[int]], max_bucket: int | None = None) -> set[tuple[int, int]]:
    buckets: dict[int, list[int]] = defaultdict(list)
    for doc, keys in enumerate(keys_per_doc):
        for key in set(keys):
            if key != EMPTY_BAND_KEY:
                buckets[key].append(doc)
    pairs: set[tuple[int, int]] = set()
    for docs in buckets.values():
        if max_bucket is not None and len(docs) > max_bucket:
            continue
        pairs.update(itertools.combinations(sorted(docs), 2))
    return pairs


def make_copy(maker: TextMaker, kind: str, original: str, lang: str) -> str:
    if kind == "boilerplate":
        return boilerplated(original, lang)
    if kind == "edited":
        return edited(maker, original, lang)
    if kind == "truncated":
        return truncated(original, 3, lang)
    if kind == "teaser":
        return truncated(original, 1, lang)
    if kind == "copy-of-copy":
        return truncated(edited(maker, original, lang), 4, lang)
    return to_halfwidth(original)


def candidates_section(maker: TextMaker) -> tuple[list[str], list[tuple[str, str]]]:
    texts: list[str] = []
    kinds: dict[tuple[int, int], str] = {}
    follow_ups: set[tuple[int, int]] = set()
    kind_cycle = ["boilerplate", "edited", "truncated", "teaser", "copy-of-copy"]
    for i in range(COPY_ORIGINALS):
        lang = "en" if i % 4 else "ja"
        original = maker.story(lang)
        o = len(texts)
        texts.append(original)
        kind = kind_cycle[i % len(kind_cycle)]
        if lang == "ja" and i % 8 == 0:
            kind = "ja-halfwidth"
        copy = make_copy(maker, kind, original, lang)
        texts.append(copy)
        kinds[(o, o + 1)] = kind
        if i % 5 == 0:
            texts.append(follow_up(maker, original, lang))
            follow_ups.add((o, len(texts) - 1))
    n = len(texts)
    sigs, counts = signatures(texts)
    sentences = [sentence_keys(t) for t in texts]
    bands = band_keys(sigs)
    band_pairs = colliding_pairs([row.tolist() for row in bands])
    sentence_pairs = colliding_pairs(sentences, max_bucket=50)
    all_pairs = n * (n - 1) // 2
    true_pairs = set(kinds)

    def same(pair: tuple[int, int]) -> bool:
        a, b = pair
        jaccard, containment = estimate_similarity(sigs[a], sigs[b], int(counts[a]), int(counts[b]))
        shared = len(set(sentences[a]) & set(sentences[b]))
        return is_same_story(jaccard, containment, shared, len(sentences[a]), len(sentences[b]))

    candidates = band_pairs | sentence_pairs
    verified = {p for p in candidates if same(p)}
    lines = ["## Candidates and verification", ""]
    lines.append(
        f"{COPY_ORIGINALS} generated originals (3/4 EN-like, 1/4 JA-like, ~4 KB), one copy each, and "
        f"{len(follow_ups)} follow-ups quoting 2-3 sentences verbatim: {n} texts, {all_pairs:,} pairs. "
        f"Bands {BANDS} x {ROWS}; sentence keys of >= {dedupe.MIN_SENTENCE_BYTES} bytes "
        "(buckets of > 50 docs skipped)."
    )
    lines += [
        "",
        "| copy kind | pairs | exact J (median) | band candidate | sentence candidate | either | verified |",
        "|---|---|---|---|---|---|---|",
    ]
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pair, kind in kinds.items():
        by_kind[kind].append(pair)
    for kind, pairs in by_kind.items():
        exact = []
        for a, b in pairs:
            ha, hb = shingle_hashes(texts[a]), shingle_hashes(texts[b])
            exact.append(len(np.intersect1d(ha, hb)) / len(np.union1d(ha, hb)))

        def share(found: set[tuple[int, int]], pairs: list[tuple[int, int]] = pairs) -> str:
            return f"{sum(p in found for p in pairs) / len(pairs):.2f}"

        lines.append(
            f"| {kind} | {len(pairs)} | {np.median(exact):.2f} | {share(band_pairs)} "
            f"| {share(sentence_pairs)} | {share(candidates)} | {share(verified)} |"
        )
    total = len(true_pairs)
    lines.append(
        f"| **all** | {total} | | {len(true_pairs & band_pairs) / total:.2f} | "
        f"{len(true_pairs & sentence_pairs) / total:.2f} | {len(true_pairs & candidates) / total:.2f} | "
        f"**{len(true_pairs & verified) / total:.2f}** |"
    )
    false_verified = verified - true_pairs
    lines += [
        "",
        f"- candidate pairs: {len(band_pairs):,} from bands ({len(band_pairs - true_pairs):,} not copies), "
        f"{len(sentence_pairs):,} from sentences ({len(sentence_pairs - true_pairs):,} not copies, of which "
        f"{len(sentence_pairs & follow_ups)} are the follow-ups).",
        f"- verified pairs: {len(verified):,}; not copies among them: {len(false_verified)} "
        f"(follow-ups merged: {len(false_verified & follow_ups)}); pair precision "
        f"{len(verified & true_pairs) / max(1, len(verified)):.3f}.",
    ]
    # the other bandings on the same signatures: what the background costs
    lines += [
        "",
        "Other bandings of the same signatures (band-only recall over all copy kinds, background candidates "
        "among non-copy pairs):",
        "",
        "| bands x rows | band recall | non-copy candidates | per non-copy pair |",
        "|---|---|---|---|",
    ]
    non_copy_pairs = all_pairs - total
    for b, r in [(20, 5), (32, 4), (32, 3), (42, 3)]:
        found = colliding_pairs([row.tolist() for row in band_keys_for(sigs, b, r)])
        marker = " (shipped)" if (b, r) == (BANDS, ROWS) else ""
        lines.append(
            f"| {b} x {r}{marker} | {len(found & true_pairs) / total:.2f} | {len(found - true_pairs):,} "
            f"| {len(found - true_pairs) / non_copy_pairs:.1e} |"
        )
    sample = [(texts[a], texts[b]) for a, b in list(kinds)[:300]]
    return lines, sample


# ---------------------------------------------------------------- the hand-written corpus


def corpus_section() -> list[str]:
    stories = {p.stem: p.read_text(encoding="utf-8").strip() for p in sorted(TEXTS.glob("*.txt"))}
    lead = (
        "\n".join(stories["en_harbour_strike"].split("\n")[:4]) + "\nContinue reading at the Halden Courier."
    )
    stories["en_truncated"] = lead
    copies = {
        "edited copy EN": ("en_harbour_strike", "en_harbour_strike_edited"),
        "edited copy JA": ("ja_bus_routes", "ja_bus_routes_edited"),
        "copy KO (spacing, quotes)": ("ko_subway_fare", "ko_subway_fare_copy"),
        "copy ZH (ASCII punctuation)": ("zh_river_cleanup", "zh_river_cleanup_copy"),
        "truncated copy EN": ("en_harbour_strike", "en_truncated"),
        "follow-up EN (quotes 3 sentences)": ("en_harbour_strike", "en_harbour_followup"),
        "follow-up JA (quotes 2 sentences)": ("ja_bus_routes", "ja_bus_followup"),
    }
    related = set(copies.values()) | {
        ("en_harbour_strike_edited", "en_harbour_followup"),
        ("ja_bus_routes_edited", "ja_bus_followup"),
    }
    en_unrelated = [
        (a, b)
        for a, b in itertools.combinations(sorted(k for k in stories if k.startswith("en_")), 2)
        if (a, b) not in related and (b, a) not in related and "truncated" not in a + b
    ]
    lines = ["## Shingle size on the hand-written corpus (tests/dedupe_texts, exact sets)", ""]
    sizes = [5, 6, 7, 8, 9]
    lines += ["| pair | " + " | ".join(f"n={n} J / C" for n in sizes) + " |", "|---|" + "---|" * len(sizes)]
    original = dedupe.SHINGLE_CHARS
    rows: dict[str, list[str]] = defaultdict(list)
    try:
        for n in sizes:
            dedupe.SHINGLE_CHARS = n
            sets = {k: set(shingle_hashes(v).tolist()) for k, v in stories.items()}
            for label, (a, b) in copies.items():
                inter = len(sets[a] & sets[b])
                rows[label].append(
                    f"{inter / len(sets[a] | sets[b]):.2f} / {inter / min(len(sets[a]), len(sets[b])):.2f}"
                )
            js = [len(sets[a] & sets[b]) / len(sets[a] | sets[b]) for a, b in en_unrelated]
            rows[f"unrelated EN, mean of {len(js)} pairs"].append(f"{np.mean(js):.3f}")
            rows["unrelated EN, max"].append(f"{np.max(js):.3f}")
    finally:
        dedupe.SHINGLE_CHARS = original
    lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in rows.items()]
    lines += ["", "Sentence keys: share of story text (bytes) and of sentences long enough to get a key:", "",
              "| min bytes | story text kept | sentences kept |", "|---|---|---|"]  # fmt: skip
    pieces = []
    for text in stories.values():
        for line in text.split("\n"):
            pieces += [p.strip() for p in dedupe._SENTENCE_END.split(fold_for_matching(line)) if p.strip()]
    sizes_b = np.array([len(p.encode()) for p in pieces])
    for threshold in (40, 60, 80, 100):
        kept = sizes_b >= threshold
        lines.append(f"| {threshold} | {sizes_b[kept].sum() / sizes_b.sum():.3f} | {kept.mean():.2f} |")
    return lines


def main() -> None:
    """Run every measurement and write the results file."""
    started = time.perf_counter()
    maker = TextMaker(SEED)
    texts = [maker.story("en" if i % 5 else "ja") for i in range(SPEED_DOCS)]
    speed_lines, rates = speed_section(texts)
    candidate_lines, sample_pairs = candidates_section(maker)
    accuracy_lines = accuracy_section(sample_pairs)
    corpus_lines = corpus_section()
    # background of the generator vs the hand-written corpus: the candidate counts are only as real as this
    en = [t for t in texts[:200] if not re.search("[\u3040-\u30ff]", t)][:60]
    hs = [set(shingle_hashes(t).tolist()) for t in en]
    background = np.mean([len(a & b) / len(a | b) for a, b in itertools.combinations(hs, 2)])
    header = [
        "# Near-duplicate methods",
        "",
        f"`python -m bench.dedupe_methods`, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"numpy {np.__version__}, {sys.platform}, 2 shared cores (noisy: read ratios). "
        f"Algorithm `{dedupe.SIGNATURE_ALGO}`.",
        "",
        "## Decision",
        "",
        "- **Signatures: our own numpy one-permutation hashing with optimal densification** "
        f"({rates['copydesk OPH']:,.0f} docs/s from generated text, "
        f"{rates['copydesk OPH (real)']:,.0f} on the hand-written stories). It reads the bin minima straight "
        f"off the sorted shingle hashes ({rates['copydesk OPH (hashes)']:,.0f} docs/s), so signing is ~"
        f"{100 * rates['fold+shingle only'] / rates['copydesk OPH (hashes)']:.0f} % of the time and "
        "folding + shingling the rest, as the notes found; its estimates are as accurate as k-permutation "
        "MinHash (table below). "
        + (
            f"From text it is {rates['copydesk OPH'] / rates['rensa']:.0f}x rensa (whose cost is building "
            f"shingle strings in Python) and {rates['copydesk OPH'] / rates['datasketch']:.0f}x datasketch; "
            if "rensa" in rates and "datasketch" in rates
            else ""
        )
        + "it needs nothing beyond numpy, and its output is defined by our code, not by a library version "
        "(datasketch 2.0 changed its hashing; rensa 0.5 rejects older digests).",
        "- **8-character shingles, not 5**: copies lose 0.03-0.04 of Jaccard, unrelated English texts share "
        "4x less (table at the end), so band candidates among unrelated texts fall ~80x at 3 rows "
        "((0.092/0.021)^3).",
        f"- **Bands {BANDS} x {ROWS}** of {NUM_PERM} values: 50 % point at "
        f"J = {(1 / BANDS) ** (1 / ROWS):.2f} as asked; bands OR sentence keys find every copy kind here and "
        "verification removes the follow-ups. 32 x 4 (same storage) has almost no background candidates but "
        "finds fewer copies by bands alone; on this set sentence keys make up the difference, but real "
        "rewrites break sentence keys where MinHash still sees J 0.3-0.5 (the notes): that is what 3 rows "
        "instead of 4 buy.",
        f"- Generator background: mean J of unrelated generated EN texts = {background:.3f} (hand-written "
        "same-city stories: 0.021), so the non-copy candidate rates below are of the right order.",
        "",
    ]
    footer = ["", f"Total bench time {time.perf_counter() - started:.0f} s."]
    body = [*header, *speed_lines, "", *accuracy_lines, "", *candidate_lines, "", *corpus_lines, *footer]
    write_file(RESULTS, "\n".join(body) + "\n")
    print("\n".join(body))


if __name__ == "__main__":
    main()
