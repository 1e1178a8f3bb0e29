"""Near-duplicate building blocks: folding, shingles, MinHash, LSH band keys, sentence keys, clusters.

Everything here is pure and deterministic across processes, machines and library versions: the shingle hash,
the signature and the band keys are defined by this module's own arithmetic (splitmix64 in numpy uint64,
blake2b for sentence keys), never by Python's salted `hash()`, a numpy RNG stream or a library's default
hasher. `SIGNATURE_ALGO` is stored beside every signature; bump it whenever anything below changes.

How the loader uses it:
  1. `signatures(texts)` -> (n, NUM_PERM) uint32 rows (BLOB via `signature_to_bytes`) and shingle counts;
     `band_keys(sigs)` -> BANDS int64 keys per article: one table `(band_key, article_id)` for all bands.
     Skip `EMPTY_BAND_KEY` (texts with no shingles).
  2. `sentence_keys(text)` -> int64 keys of distinctive sentences: table `(sentence_key, article_id)`. For
     candidates, skip keys found on many pages of ONE outlet (template text that stripping missed); keys
     spread over many outlets are syndication, which is the point.
  3. candidate pairs = a shared band key OR a shared sentence key.
  4. verify: `estimate_similarity(sig_a, sig_b, n_a, n_b)` + the shared sentence count -> `is_same_story`.
  5. `cluster(verified_pairs)` -> article_id -> story representative (transitive: a truncated copy of an
     edited copy joins the original through the edited copy).
  Sign the text after `outlet_templates.strip_learned_blocks` and `signing.cut_related_section`: a page
  holding the FULL text of related stories contains them all, and no similarity rule tells which is its own.

Figures (bench/results/dedupe_methods.md, `python -m bench.dedupe_methods`; hand-written EN/JA/KO/ZH
stories and copies in tests/dedupe_texts, exact shingle sets):

  Signature: one-permutation hashing with optimal densification (Shrivastava 2017), not k-permutation MinHash.
  The top 7 bits of a shingle hash choose one of NUM_PERM bins, the next 32 bits are its value; in the sorted
  hashes the first of each bin is the bin minimum, and an empty bin borrows from the first filled bin of its
  own fixed probe sequence (the same for every text, so borrowed values collide with probability J). On
  (original, copy) pairs its J estimate has bias +0.000, sd 0.029; k-permutation numpy MinHash +0.004, 0.031.
    It is the fastest of numpy k-permutation MinHash, rensa 0.5 and datasketch 2.0, from text and from
    shingle hashes, and folding and shingling take most of its time (docs/s recorded in
    bench/results/dedupe_methods.md). No dependency beyond numpy; the output cannot change under us with a
    library release (datasketch 2.0 changed its hashing, rensa 0.5 rejects older digests).

  Shingles: SHINGLE_CHARS = 8 characters of the folded text.
    n                          5      6      7      8      9
    edited copy EN J          0.85   0.83   0.82   0.81   0.80
    edited copy JA J          0.69   0.67   0.67   0.66   0.66
    truncated copy EN J       0.29   0.27   0.27   0.26   0.26   (containment 0.96-0.97 at every n)
    follow-up EN containment  0.43   0.37   0.33   0.29   0.27   (quotes 3 sentences of the original)
    unrelated EN J, mean      0.092  0.058  0.036  0.021  0.013  (same-city stories; CJK pairs ~0 at any n)
  Copies come from sentence-level edits, so their J hardly depends on n, while the background any two
  English texts share (" of the ", "said th") falls 4x from 5 to 8; band candidates among unrelated texts
  scale with J0**ROWS, ~80x fewer at 3 rows. (The notes' 5 compared 5 characters with 5 whitespace words, a
  ~30-character unit that fails on CJK; they did not compare 5 with 8 characters.)

  Banding: P(candidate | J) = 1 - (1 - J**ROWS)**BANDS.
    BANDS x ROWS  J=0.2   0.26   0.3    0.4    0.5   | band recall  non-copy pairs that are candidates
    20 x 5        0.01   0.02   0.05   0.19   0.47  | 0.48         0
    32 x 4        0.05   0.13   0.23   0.57   0.87  | 0.51         0 (< 3e-6)
    32 x 3        0.23   0.43   0.58   0.88   0.99  | 0.60         5.5e-4   <- shipped
    42 x 3        0.29   0.52   0.68   0.94   1.00  | 0.62         6.6e-4
  (right-hand columns: 400 generated originals with one copy each of six kinds + 80 follow-ups, generated
  background J0 0.032.) 32 x 3 puts the S-curve's midpoint at (1/32)**(1/3) = 0.31 as asked, in 32 band rows
  per article. Its cost is background: at the hand-written corpus' J0 0.021 an unrelated same-language pair
  is a candidate with p ~3e-4, i.e. ~300 candidates per new article per million stored same-language
  articles, each verified by one 128-wide compare. If that is too much at scale, 32 x 4 keeps the storage
  and removes the background, leaving J < 0.45 copies to sentence keys. Only 96 of the NUM_PERM = 128 values
  feed bands; all 128 tighten the estimates.
  The loader (warehouse/stories.py, MIN_SHARED_BANDS) asks a pair found by bands alone to share 2 of the 32
  keys: P = 0.03 0.11 0.21 0.62 0.92 at the J above, 0.996 at 0.6, 0.9997 at 0.66. Verification accepts a
  pair by resemblance only from J 0.5 (a contained pair also needs shared sentences, which propose it on their
  own), and the background falls ~100x: 33 -> 0.3 candidates per new article against 1M generated stories,
  with the same recall (bench/results/dedupe_scale.md) and the same bench.stories scores.

  Sentence keys: folded sentences of >= MIN_SENTENCE_BYTES UTF-8 bytes (a CJK character counts 3, about the
  information of three Latin letters). At 60 bytes 95 % of story text and 87 % of sentences keep a key,
  while 8 of 12 typical template lines ("Try Our AI Features", "この記事をシェアする", "Continue reading
  at ...") are too short for one; at 80 bytes no template line keeps a key but only 89 % of story text does.
  On the generated set, bands OR sentence keys find 100 % of copies of every kind; bands alone find 60 %
  (truncated 27 %, teasers 7 %): the notes' "MinHash OR sentence overlap" in practice.

  Verification: copies have J 0.66-0.95, or containment >= 0.92 with 75-100 % of the smaller side's
  sentence keys shared; a follow-up quoting 3 sentences has containment 0.29 and shares 3 of 16 keys;
  two stories in the same unstripped outlet template J 0.18-0.25, containment 0.32-0.40, 4 of 8-19 keys.
  On the generated set: 399 of 400 copies verified, 0 of 80 follow-ups merged, pair precision 1.000.
"""

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

SHINGLE_CHARS: int = 8
NUM_PERM: int = 128
BANDS: int = 32
ROWS: int = 3
MIN_SENTENCE_BYTES: int = 60
SIGNATURE_ALGO: str = f"oph{NUM_PERM}-c{SHINGLE_CHARS}-nfkc-b{BANDS}x{ROWS}-v1"
# what band_keys gives every band of an empty text: the loader must not index it
EMPTY_BAND_KEY: int = 0

# verification thresholds; see is_same_story
SAME_JACCARD: float = 0.5
SAME_CONTAINMENT: float = 0.7
SAME_SENTENCE_SHARE: float = 0.7
MIN_SHARED_SENTENCES: int = 2

_MASK64 = (1 << 64) - 1
_PROBES = 64
_MAX_HASH = np.uint32(0xFFFFFFFF)

# scripts written without spaces between words (and Hangul, whose spacing varies between copies)
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3100-\u312f\u3130-\u318f"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff"
)
_HAS_CJK = re.compile(f"[{_CJK}]")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}]) | (?=[{_CJK}])")
# zero-width and bidi format characters that scrapers leave inside words
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# applied after NFKC (which already maps full-width ASCII and half-width katakana/punctuation):
# one spelling per punctuation mark, so copies that differ only in quote style or width fold together
_PUNCTUATION: dict[str, str] = {
        "。": ".", "、": ",", "・": "·", "ㆍ": "·", "•": "·", "‧": "·",
        "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"', "„": '"', "‟": '"',
        "«": '"', "»": '"', "〝": '"', "〞": '"', "〟": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "′": "'",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "〜": "~", "【": "[", "】": "]", "〔": "(", "〕": ")", "〈": "<", "〉": ">", "《": "<", "》": ">",
}  # fmt: skip
_PUNCTUATION_RE = re.compile("[" + re.escape("".join(_PUNCTUATION)) + "]")
# a sentence ends at . ! ? (with any closing quotes) before a space, the end, or a CJK character;
# 。！？ are already . ! ? after folding, and lines are split before folding
_SENTENCE_END = re.compile(f"(?<=[.!?])[\"')\\]]*(?: +|$|(?=[{_CJK}]))")
_SENTENCE_TRIM = " \"'()[]<>.,;:!?-"


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser over a uint64 array (wrapping arithmetic is intended)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _splitmix64_sequence(seed: int, count: int) -> list[int]:
    """`count` 64-bit values of the splitmix64 generator in plain Python ints (no numpy RNG stream)."""
    out = []
    state = seed
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        out.append(z ^ (z >> 31))
    return out


_SEEDS = _splitmix64_sequence(0x636F70796465736B, BANDS + NUM_PERM * _PROBES)  # "copydesk"
_BAND_SALT = np.array(_SEEDS[:BANDS], dtype=np.uint64)
# one-permutation hashing: the top BIN_BITS of a shingle hash pick its bin, the next 32 bits are its value
_BIN_BITS = NUM_PERM.bit_length() - 1
_VALUE_SHIFT = np.uint64(64 - _BIN_BITS - 32)
_BIN_STARTS = np.array([b << (64 - _BIN_BITS) for b in range(NUM_PERM)], dtype=np.uint64)
# optimal densification: an empty bin borrows from the first non-empty bin of its own fixed probe sequence,
# the same sequence for every text, so borrowed values still collide with probability J
_PROBE_BINS = (np.array(_SEEDS[BANDS:], dtype=np.uint64) % np.uint64(NUM_PERM)).astype(np.intp)
_PROBE_BINS = _PROBE_BINS.reshape(NUM_PERM, _PROBES)
_POLY = np.uint64(0x100000001B3)


def _has_cjk(text: str) -> bool:
    # an ASCII text is known to be one without a scan
    return not text.isascii() and _HAS_CJK.search(text) is not None


def _unify_punctuation(match: re.Match[str]) -> str:
    # str.translate walks every character through a dict; a regex finds the few that need it, in C
    return _PUNCTUATION[match.group()]


@functools.lru_cache(maxsize=32)
def text_nfkc(text: str) -> str:
    """NFKC of an article's whole text, the last few kept: an extraction worker normalises each text for its
    content hash (tasks/clean.py normalise_text_for_matching) and folds it again to sign it a few pages later
    (fold_lines). For whole texts only: the many short strings folded between would push them out."""
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _fold_characters(text: str, nfkc: Callable[[str], str] | None = None) -> str:
    """The per-character passes of folding (NFKC, casefold, invisibles, punctuation): newlines stay.

    nfkc: what gives the text's NFKC form (text_nfkc for a whole text)."""
    # folding is most of signing's time (bench/results/dedupe_methods.md): skip each pass with nothing to do
    if text.isascii():
        # NFKC leaves ASCII as it is, casefold is lower, no invisible is ASCII, and the backtick is the one
        # ASCII mark _PUNCTUATION respells (str.isascii reads a flag, no scan: most texts go this way)
        folded = text.lower()
        return folded.replace("`", _PUNCTUATION["`"]) if "`" in folded else folded
    if nfkc is not None:
        folded = nfkc(text)
    else:
        folded = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
    folded = _INVISIBLE.sub("", folded.casefold())
    return _PUNCTUATION_RE.sub(_unify_punctuation, folded)


def fold_for_matching(text: str) -> str:
    """NFKC, casefold, one spelling per punctuation mark, collapsed whitespace, no spaces beside CJK."""
    folded = " ".join(_fold_characters(text).split())
    # the look-around pass costs more than the rest of folding; most texts have nothing for it to do
    return _SPACE_NEAR_CJK.sub("", folded) if _has_cjk(folded) else folded


def fold_lines(text: str) -> list[str]:
    """fold_for_matching of every line of text.split("\\n"), with one pass of each regex over the whole text.

    The same strings as folding line by line (a newline is a starter that NFKC never composes with, and no
    pass maps a character to or from one), at a fraction of the calls: signing folds every line once and
    shares them between the related-section cut, the shingles and the sentence keys.
    """
    characters = _fold_characters(text, text_nfkc)
    lines = [" ".join(line.split()) for line in characters.split("\n")]
    if _has_cjk(characters):
        return [_SPACE_NEAR_CJK.sub("", line) for line in lines]
    return lines


def join_folded_lines(folded_lines: list[str]) -> str:
    """fold_for_matching of the text whose lines these are (folded by fold_lines)."""
    joined = " ".join(line for line in folded_lines if line)
    # spaces between lines are the only ones left beside CJK characters
    return _SPACE_NEAR_CJK.sub("", joined) if _has_cjk(joined) else joined


def _shingles_of_folded(folded: str) -> np.ndarray:
    """Sorted unique uint64 hashes of the SHINGLE_CHARS-grams of an already folded text."""
    if not folded:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    # a text shorter than one shingle is one shingle
    width = min(SHINGLE_CHARS, len(codes))
    count = len(codes) - width + 1
    acc = codes[:count].copy()
    for offset in range(1, width):
        acc *= _POLY
        acc += codes[offset : offset + count]
    acc = _splitmix64(acc)
    acc.sort()
    # np.unique costs three sorts' worth here; a sorted array only needs the neighbour test
    keep = np.empty(len(acc), dtype=bool)
    keep[0] = True
    np.not_equal(acc[1:], acc[:-1], out=keep[1:])
    return acc[keep]


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted unique uint64 hashes of the character SHINGLE_CHARS-grams of the folded text."""
    return _shingles_of_folded(fold_for_matching(text))


def _minhash(shingles: np.ndarray) -> np.ndarray:
    """One (NUM_PERM,) uint32 row by one-permutation hashing with optimal densification (sorted input)."""
    if len(shingles) == 0:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint32)
    # in sorted hashes the first one of each bin is that bin's minimum
    first = np.searchsorted(shingles, _BIN_STARTS)
    filled = first < np.append(first[1:], len(shingles))
    values = (
        (shingles[np.minimum(first, len(shingles) - 1)] >> _VALUE_SHIFT) & np.uint64(0xFFFFFFFF)
    ).astype(np.uint32)
    if filled.all():
        return values
    row = values.copy()
    empty = np.flatnonzero(~filled)
    probes = _PROBE_BINS[empty]
    hit = filled[probes]
    found = hit.any(axis=1)
    source = probes[np.arange(len(empty)), hit.argmax(axis=1)]
    # texts of a handful of shingles can miss on every probe: then the next filled bin to the right
    filled_bins = np.flatnonzero(filled)
    circular = filled_bins[np.searchsorted(filled_bins, empty) % len(filled_bins)]
    row[empty] = values[np.where(found, source, circular)]
    return row


def signatures(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(n, NUM_PERM) uint32 MinHash rows and (n,) int64 distinct-shingle counts of the folded texts."""
    return signatures_of_folded([fold_for_matching(text) for text in texts])


def signatures_of_folded(folded_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """signatures() of texts already folded by fold_for_matching (or join_folded_lines)."""
    sigs = np.empty((len(folded_texts), NUM_PERM), dtype=np.uint32)
    counts = np.empty(len(folded_texts), dtype=np.int64)
    for i, folded in enumerate(folded_texts):
        shingles = _shingles_of_folded(folded)
        sigs[i] = _minhash(shingles)
        counts[i] = len(shingles)
    return sigs, counts


def band_keys(sig_matrix: np.ndarray) -> np.ndarray:
    """(n, BANDS) int64 LSH keys; the band index is mixed in, so one (key, article) table serves all bands."""
    sig = np.asarray(sig_matrix, dtype=np.uint32)
    if sig.ndim != 2 or sig.shape[1] != NUM_PERM:
        raise ValueError(f"expected an (n, {NUM_PERM}) signature matrix, got {sig.shape}")
    rows = sig[:, : BANDS * ROWS].astype(np.uint64).reshape(len(sig), BANDS, ROWS)
    keys = np.broadcast_to(_BAND_SALT, (len(sig), BANDS)).copy()
    for r in range(ROWS):
        keys = _splitmix64(keys ^ rows[:, :, r])
    keys = keys.view(np.int64)
    # real keys never collide with the "no key" marker
    keys[keys == EMPTY_BAND_KEY] = 1
    keys[(sig == _MAX_HASH).all(axis=1)] = EMPTY_BAND_KEY
    return keys


def _key64(folded: str) -> int:
    """Signed 64-bit key of a folded string (blake2b: stable everywhere, unlike `hash()`)."""
    digest = hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


# line ends that str.splitlines knows besides a newline; sentence keys are made per splitlines() line
_OTHER_LINE_ENDS = re.compile("[\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029]")
# _SENTENCE_END with "$" at every line end, to split all lines of a text in one call
_SENTENCE_END_LINES = re.compile(_SENTENCE_END.pattern, re.MULTILINE)


def _keys_of_folded_sentences(folded_lines: list[str], keys: dict[int, None]) -> None:
    # one split over all lines: a piece that starts a line begins with its newline; no sentence spans lines
    for piece in _SENTENCE_END_LINES.split("\n".join(folded_lines)):
        for part in piece.split("\n") if "\n" in piece else (piece,):
            # _key64 inlined: the bytes are made once, for the length test and the hash (~30 per article)
            encoded = part.strip(_SENTENCE_TRIM).encode("utf-8")
            if len(encoded) >= MIN_SENTENCE_BYTES:
                digest = hashlib.blake2b(encoded, digest_size=8).digest()
                keys.setdefault(int.from_bytes(digest, "little", signed=True))


def sentence_keys(text: str) -> list[int]:
    """Distinct int64 keys of the folded sentences of at least MIN_SENTENCE_BYTES bytes, in text order."""
    keys: dict[int, None] = {}
    _keys_of_folded_sentences([fold_for_matching(line) for line in text.splitlines()], keys)
    return list(keys)


def sentence_keys_of_lines(lines: list[str], folded_lines: list[str]) -> list[int]:
    """sentence_keys("\\n".join(lines)), given fold_lines of that text."""
    keys: dict[int, None] = {}
    if not _OTHER_LINE_ENDS.search("\n".join(lines)):
        _keys_of_folded_sentences(folded_lines, keys)
        return list(keys)
    for line, folded in zip(lines, folded_lines, strict=True):
        # a rarer line end inside the line: splitlines() splits there, so no sentence spans it
        parts = [fold_for_matching(part) for part in line.splitlines()] if folded else []
        _keys_of_folded_sentences(parts if _OTHER_LINE_ENDS.search(line) else [folded], keys)
    return list(keys)


def estimate_similarity(sig_a: np.ndarray, sig_b: np.ndarray, n_a: int, n_b: int) -> tuple[float, float]:
    """(Jaccard estimate, containment of the smaller shingle set in the larger) from two MinHash rows."""
    if n_a <= 0 or n_b <= 0:
        return 0.0, 0.0
    jaccard = float(np.mean(np.asarray(sig_a) == np.asarray(sig_b)))
    # |A∩B| = J·|A∪B| and |A∪B| = (|A| + |B|) / (1 + J)
    intersection = jaccard * (n_a + n_b) / (1.0 + jaccard)
    return jaccard, min(1.0, intersection / min(n_a, n_b))


MatchKind = Literal["resembles", "contained"]


def match_kind(
    jaccard: float, containment: float, shared_sentences: int, n_sentences_a: int, n_sentences_b: int
) -> MatchKind | None:
    """How a candidate pair is one story: "resembles" (both texts are mostly the same), "contained" (the
    smaller text sits inside the larger: a truncated copy or a teaser), or None (different stories).

    The kinds differ in what they may merge: resemblance is symmetric and transitive enough to join stories,
    containment is not. The lead of story A is contained both in A and in a follow-up that quotes A's lead, so
    a contained text attaches to ONE story and never bridges two (see warehouse/stories.py).
    """
    smaller, larger = sorted((n_sentences_a, n_sentences_b))
    if jaccard >= SAME_JACCARD:
        return "resembles"
    # a follow-up quoting 2-3 sentences of a 10+ sentence story shares ~15-25 % of them, a copy 75-100 %;
    # measured against the larger text it is resemblance (an edited copy), against the smaller containment
    if shared_sentences >= MIN_SHARED_SENTENCES:
        if shared_sentences >= SAME_SENTENCE_SHARE * larger:
            return "resembles"
        if shared_sentences >= SAME_SENTENCE_SHARE * smaller:
            return "contained"
    # truncated and teaser copies: a text with one distinctive sentence must share it (else a leftover
    # template line would be "contained" in every article)
    if containment >= SAME_CONTAINMENT and (smaller >= MIN_SHARED_SENTENCES or shared_sentences >= 1):
        return "contained"
    return None


# match_kinds codes
NO_MATCH, RESEMBLES, CONTAINED = 0, 1, 2


def similarities(
    sigs: np.ndarray, left: np.ndarray, right: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """estimate_similarity for many pairs at once: rows `left[i]` and `right[i]` of the signature matrix."""
    jaccard = np.empty(len(left), dtype=np.float64)
    # 64k pairs at a time: the compared rows are 2 x 32 MiB, not the whole candidate set's
    for start in range(0, len(left), 65536):
        end = start + 65536
        equal = sigs[left[start:end]] == sigs[right[start:end]]
        jaccard[start:end] = equal.sum(axis=1) / NUM_PERM
    n_a, n_b = counts[left].astype(np.float64), counts[right].astype(np.float64)
    empty = (n_a <= 0) | (n_b <= 0)
    jaccard[empty] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        intersection = jaccard * (n_a + n_b) / (1.0 + jaccard)
        containment = np.minimum(1.0, intersection / np.minimum(n_a, n_b))
    containment[empty] = 0.0
    return jaccard, containment


def match_kinds(
    jaccard: np.ndarray,
    containment: np.ndarray,
    shared: np.ndarray,
    sentences_a: np.ndarray,
    sentences_b: np.ndarray,
) -> np.ndarray:
    """match_kind over arrays: NO_MATCH, RESEMBLES or CONTAINED per pair (int8)."""
    smaller, larger = np.minimum(sentences_a, sentences_b), np.maximum(sentences_a, sentences_b)
    kinds = np.full(len(jaccard), NO_MATCH, dtype=np.int8)
    # match_kind's rules from the last to the first, so the earlier rule wins where several hold
    kinds[(containment >= SAME_CONTAINMENT) & ((smaller >= MIN_SHARED_SENTENCES) | (shared >= 1))] = CONTAINED
    enough = shared >= MIN_SHARED_SENTENCES
    kinds[enough & (shared >= SAME_SENTENCE_SHARE * smaller)] = CONTAINED
    kinds[enough & (shared >= SAME_SENTENCE_SHARE * larger)] = RESEMBLES
    kinds[jaccard >= SAME_JACCARD] = RESEMBLES
    return kinds


def is_same_story(
    jaccard: float, containment: float, shared_sentences: int, n_sentences_a: int, n_sentences_b: int
) -> bool:
    """True when a candidate pair is one story: resemblance, containment, or shared sentences."""
    return match_kind(jaccard, containment, shared_sentences, n_sentences_a, n_sentences_b) is not None


def title_resemblance(a: str | None, b: str | None) -> float:
    """Jaccard of the folded titles' character 3-grams (0 when either is missing): a tie-breaker only."""
    left, right = _title_grams(a or ""), _title_grams(b or "")
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@functools.lru_cache(maxsize=16384)
def _title_grams(title: str) -> frozenset[str]:
    # a load weighs one title against many (every contained pair of a story): fold each once
    folded = fold_for_matching(title).replace(" ", "")
    return frozenset(folded[i : i + 3] for i in range(max(0, len(folded) - 2)))


def cluster(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Union-find over same-story pairs: every article id seen -> the smallest id of its cluster."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        root = parent.setdefault(node, node)
        while root != parent[root]:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent[node]
        return root

    for a, b in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            # the smaller id wins so the representative does not depend on the order of the pairs
            low, high = sorted((root_a, root_b))
            parent[high] = low
    return {node: find(node) for node in parent}


@dataclass(frozen=True)
class Edge:
    """A verified same-story pair (a < b); for "contained", `small` is the text inside the other."""

    a: str
    b: str
    kind: str  # "resembles" | "contained" | "legacy" (a pair of a story linked before edges were kept)
    jaccard: float
    containment: float
    small: str | None = None


# how a contained group's candidate stories rank: higher tuples win (see partition_stories)
AttachScore = Callable[[str, str, Edge], tuple]


def partition_stories(
    nodes: Iterable[str], edges: Iterable[Edge], size: Mapping[str, int], attach_score: AttachScore
) -> dict[str, str]:
    """Stories of articles from their verified pairs alone: article id -> the smallest id of its story.

    The result depends on the articles and pairs only, never on the order they arrived in, so a story folded
    run by run is the story everything at once gives. Resembling pairs join freely (transitively). A
    contained pair only attaches a group of short texts (a truncated copy and its peers) to the ONE story
    that contains it best by `attach_score(small, large, edge)` (ties: the smallest id): the lead of story A
    also sits inside a follow-up quoting that lead, and must not bridge the two. A group that holds a text
    more than twice the size of its contained member is a whole story and attaches nothing.
    """
    edges = list(edges)
    joined = [(e.a, e.b) for e in edges if e.kind != "contained"]
    joined += [(n, n) for n in nodes]
    roots = cluster(joined)
    for e in edges:
        roots.setdefault(e.a, e.a)
        roots.setdefault(e.b, e.b)
    groups: dict[str, list[str]] = {}
    for node, root in roots.items():
        groups.setdefault(root, []).append(node)
    best: dict[str, tuple[tuple, str, str]] = {}
    for e in edges:
        if e.kind != "contained" or roots[e.a] == roots[e.b]:
            continue
        small = e.small if e.small in (e.a, e.b) else min((e.a, e.b), key=lambda n: (size.get(n, 0), n))
        large = e.b if small == e.a else e.a
        root = roots[small]
        limit = 2 * max(size.get(small, 0), 1)
        if any(size.get(m, 0) > limit for m in groups[root]):
            continue
        score = attach_score(small, large, e)
        held = best.get(root)
        # the larger score wins; at a tie the smaller (large, small) ids, so no order of edges matters
        if held is None or score > held[0] or (score == held[0] and (large, small) < (held[2], held[1])):
            best[root] = (score, small, large)
    attachments = [(small, large) for _, small, large in best.values()]
    return cluster([(node, node) for node in roots] + joined + attachments)


def signature_to_bytes(row: np.ndarray) -> bytes:
    """One signature row as NUM_PERM little-endian uint32 (the BLOB the loader stores)."""
    arr = np.asarray(row)
    if arr.shape != (NUM_PERM,):
        raise ValueError(f"expected a ({NUM_PERM},) signature row, got {arr.shape}")
    return arr.astype("<u4").tobytes()


def signature_from_bytes(blob: bytes) -> np.ndarray:
    """A signature row back from its little-endian uint32 BLOB."""
    if len(blob) != 4 * NUM_PERM:
        raise ValueError(f"expected {4 * NUM_PERM} bytes for {SIGNATURE_ALGO}, got {len(blob)}")
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)
