"""Story-matching signatures, the one owner of signing: a text's MinHash row, shingle count and sentence keys.

What is signed: the text an outlet's learned template blocks were stripped from (tasks/outlet_templates.py),
cut before a "Related Articles" style section (a page holding three stories must not match all three).

Where: signing is per-article work, so the extraction workers do it beside extraction (`sign_articles`) and
the lake carries the signature; the one loader, which every page of every worker funnels through, takes a
worker's signature when it is of the very text the load leaves (`signatures_for_texts`) and signs only the
rest. `dedupe.SIGNATURE_ALGO` travels with each signature, and so does the MD5 of the text signed: the worker
signs the text less the blocks the warehouse had learned for its outlet by the last load (or, for an outlet
it knows nothing of, less this process's guess), and the loader keeps a signature only if its own strip left
exactly that text. So in a steady state each text is signed once.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from copydesk.tasks import dedupe, outlet_templates
from copydesk.tasks.models import Article

# which lake row a signature belongs to: (article_id, fetched_url). Two pages of one article fetched in one
# run (the page and its mobile variant) are two rows with two texts, each of which carries its own signature
SignatureKey = tuple[str, str]


def signature_key(article: Article) -> SignatureKey:
    """The key of an article's row among a batch's signatures."""
    return article.article_id, article.fetched_url


@dataclass(frozen=True)
class TextSignature:
    """What story matching stores of one text (see warehouse/schema.sql, core.signatures), and the block
    hashes of the text as extracted, which the loader counts to learn its outlet's template blocks.

    The signature is of the text the worker signed (less learned blocks: `text_md5` says which text);
    the block hashes are of the whole extracted text, under `block_hash_algo` (BLOCK_HASH_ALGO of
    tasks/outlet_templates.py).
    Without them, or under another algo, the loader hashes the text itself.
    """

    algo: str
    minhash: bytes
    shingle_count: int
    sentence_keys: list[int]
    text_md5: str
    block_hashes: list[int] | None = None
    block_hash_algo: str | None = None


# the heading must follow at least this much text, else it is navigation above the article
MIN_BYTES_BEFORE_CUT: int = 200
# headings after which aggregators and outlets list other stories (folded; a trailing colon is ignored);
# inline cues such as "Read more" or "Also read" are left out: they sit in the middle of articles.
RELATED_HEADINGS: frozenset[str] = frozenset(
    {
        "related", "related articles", "related stories", "related news", "related content",
        "related coverage", "related posts", "related reading", "more stories", "more news",
        "more top stories",
        "you may also like", "you might also like", "recommended", "recommended for you",
        "recommended stories", "recommended articles", "most read", "most popular", "trending now",
        "関連記事", "関連ニュース", "おすすめ記事", "こちらもおすすめ", "あわせて読みたい",
        "人気記事", "注目記事",
        "관련기사", "관련뉴스", "많이본뉴스", "추천기사", "인기기사",
        "相关新闻", "相关文章", "相关阅读", "相關新聞", "相關文章", "相關閱讀", "延伸阅读", "延伸閱讀",
        "推荐阅读", "推薦閱讀", "热门新闻", "熱門新聞",
    }
)  # fmt: skip


def related_heading_index(lines: list[str], folded: Callable[[int], str]) -> int | None:
    """Index of the first "Related Articles"-style heading among lines after MIN_BYTES_BEFORE_CUT of text;
    folded(i) gives line i folded for matching (asked only once enough text came before it)."""
    before = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if before >= MIN_BYTES_BEFORE_CUT and folded(i).rstrip(":").strip() in RELATED_HEADINGS:
            return i
        before += len(stripped.encode("utf-8"))
    return None


def cut_related_section(text: str) -> tuple[str, str]:
    """(text before a "Related Articles"-style heading, the cut section); no cut if the heading leads."""
    lines = text.split("\n")
    cut = related_heading_index(lines, lambda i: dedupe.fold_for_matching(lines[i].strip()))
    if cut is None:
        return text, ""
    return "\n".join(lines[:cut]).rstrip(), "\n".join(lines[cut:])


def text_md5(text: str) -> str:
    """The hex MD5 of a text's UTF-8 bytes: which text a signature is of."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


# a text's lines (text.split("\n")) and dedupe.fold_lines of it: what signing and block hashing read
FoldedLines = tuple[list[str], list[str]]


def fold_text(text: str) -> FoldedLines:
    """(lines, folded lines) of a text: folded once, shared by the block hashes, the related-section cut,
    the shingles and the sentence keys."""
    return text.split("\n"), dedupe.fold_lines(text)


def _cut(lines: list[str], folded: list[str]) -> FoldedLines:
    """The lines and folded lines before a related-stories heading (cut_related_section, on folded lines)."""
    cut = related_heading_index(lines, folded.__getitem__)
    return (lines, folded) if cut is None else (lines[:cut], folded[:cut])


def _fold_and_cut(text: str) -> FoldedLines:
    """(lines, folded lines) before a related-stories heading: cut_related_section, folding once.

    Signing used to fold every line three times (the heading test, the shingles, the sentence keys); folding
    is most of signing's time, so the lines are folded once here and shared (tests hold it to the original).
    """
    return _cut(*fold_text(text))


def _sign_cut(cut: list[FoldedLines]) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    sigs, counts = dedupe.signatures_of_folded([dedupe.join_folded_lines(folded) for _, folded in cut])
    return sigs, counts, [dedupe.sentence_keys_of_lines(lines, folded) for lines, folded in cut]


def sign_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """(signatures, shingle counts, sentence keys) of texts, cut before a related-stories section first."""
    # a related-stories section that slipped past extraction must not make this text a copy of those
    return _sign_cut([_fold_and_cut(text) for text in texts])


def text_signatures(texts: list[str], folded_texts: list[FoldedLines] | None = None) -> list[TextSignature]:
    """sign_texts as one TextSignature per text (what an extraction worker hands back with its articles).

    folded_texts: fold_text of each text, when the caller has them (the same signatures, folded once).
    """
    if not texts:
        return []
    if folded_texts is None:
        sigs, counts, sentence_lists = sign_texts(texts)
    else:
        sigs, counts, sentence_lists = _sign_cut([_cut(lines, folded) for lines, folded in folded_texts])
    raw = np.ascontiguousarray(sigs.astype("<u4"))
    return [
        TextSignature(dedupe.SIGNATURE_ALGO, raw[i].tobytes(), int(counts[i]), keys, text_md5(texts[i]))
        for i, keys in enumerate(sentence_lists)
    ]


# the columns of a signature in lake files and in what the loader hands link_stories, by TextSignature field
SIGNATURE_COLUMNS: dict[str, tuple[str, pa.DataType]] = {
    "signature_algo": ("algo", pa.string()),
    "minhash": ("minhash", pa.binary()),
    "shingle_count": ("shingle_count", pa.int32()),
    "sentence_keys": ("sentence_keys", pa.list_(pa.int64())),
    "signed_text_md5": ("text_md5", pa.string()),
    "block_hashes": ("block_hashes", pa.list_(pa.int64())),
    "block_hash_algo": ("block_hash_algo", pa.string()),
}


def signature_table(signatures: list[TextSignature | None]) -> pa.Table:
    """Signatures as SIGNATURE_COLUMNS, as the lake stores them and the loader hands them to
    warehouse.stories.link_stories (None: a text without a usable one, which link_stories signs)."""
    return pa.table(
        {
            name: pa.array([getattr(s, field) if s else None for s in signatures], kind)
            for name, (field, kind) in SIGNATURE_COLUMNS.items()
        }
    )


def sign_articles(
    articles: list[Article],
    learned_of: dict[str, set[int]],
    guess: outlet_templates.LearnedBlocksGuess | None = None,
) -> dict[SignatureKey, TextSignature]:
    """signature_key(article) -> the signature of its text less the blocks learned as its outlet's
    template (`learned_of`: what the last load learned, store.learned_outlet_blocks), with the block hashes
    of the whole text (hashed here, beside extraction, not in the one serial loader).

    An outlet the warehouse has learned nothing of is signed less what `guess` (default: this process's)
    expects the load to learn from this run's pages.
    """
    guess = guess if guess is not None else outlet_templates.RUN_GUESS
    folds = [fold_text(a.text) for a in articles]
    hashes = [outlet_templates.folded_block_hashes(lines, folded) for lines, folded in folds]
    texts, signed = [], []
    for a, fold, blocks in zip(articles, folds, hashes, strict=True):
        learned = learned_of.get(a.outlet_id)
        if learned is None:
            guess.add_page(a.outlet_id, blocks)
            learned = guess.blocks(a.outlet_id)
        if learned:
            text, fold = _strip_folded(fold, learned, blocks)
        else:
            text = a.text
        texts.append(text)
        signed.append(fold)
    return {
        signature_key(a): replace(s, block_hashes=blocks, block_hash_algo=outlet_templates.BLOCK_HASH_ALGO)
        for a, s, blocks in zip(articles, text_signatures(texts, signed), hashes, strict=True)
    }


def _strip_folded(fold: FoldedLines, learned: set[int], hashes: list[int]) -> tuple[str, FoldedLines]:
    """(outlet_templates.strip_learned_blocks of the text, fold_text of what it leaves), from the text's
    fold_text: the text left is its kept blocks, each a stripped line whose fold is its line's."""
    lines, folded = fold
    blocks = [
        (stripped, line_folded)
        for line, line_folded in zip(lines, folded, strict=True)
        if (stripped := line.strip())
    ]
    drop = outlet_templates.learned_blocks_to_drop([block for block, _ in blocks], learned, hashes)
    kept = [block for block, gone in zip(blocks, drop, strict=True) if not gone]
    if not kept:
        return "", ([""], [""])
    return "\n".join(block for block, _ in kept), ([block for block, _ in kept], [f for _, f in kept])


def signatures_for_texts(
    texts: list[str], signed: pa.Table | None
) -> tuple[np.ndarray, np.ndarray, list[list[int]], int]:
    """sign_texts(texts), taking a text's signature from `signed` (rows aligned with texts: the lake's, made
    by an extraction worker) where this algorithm made it of the very text the load leaves."""
    if signed is None:
        return *sign_texts(texts), len(texts)
    algos, md5s = signed["signature_algo"].to_pylist(), signed["signed_text_md5"].to_pylist()
    usable = np.array(
        [
            algo == dedupe.SIGNATURE_ALGO and md5 is not None and md5 == text_md5(text)
            for algo, md5, text in zip(algos, md5s, texts, strict=True)
        ],
        dtype=bool,
    )
    sigs = np.empty((len(texts), dedupe.NUM_PERM), dtype=np.uint32)
    counts = np.empty(len(texts), dtype=np.int64)
    keys: list[list[int]] = [[] for _ in texts]
    have = pa.array(np.flatnonzero(usable))
    if len(have):
        sigs[usable] = signature_matrix(signed["minhash"].take(have))
        counts[usable] = signed["shingle_count"].take(have).to_numpy(zero_copy_only=False)
        for i, row in zip(have.to_pylist(), signed["sentence_keys"].take(have).to_pylist(), strict=True):
            keys[i] = row or []
    redo = np.flatnonzero(~usable)
    if len(redo):
        sigs[redo], counts[redo], redone = sign_texts([texts[i] for i in redo])
        for i, row in zip(redo.tolist(), redone, strict=True):
            keys[i] = row
    return sigs, counts, keys, len(redo)


def minhash_column(sigs: np.ndarray) -> pa.Array:
    """Signature rows as the BLOBs signature_to_bytes makes, without a Python bytes object per row."""
    raw = np.ascontiguousarray(sigs.astype("<u4"))
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(4 * dedupe.NUM_PERM), len(raw), [None, pa.py_buffer(raw)]
    )
    return fixed.cast(pa.binary())


def signature_matrix(column: pa.ChunkedArray) -> np.ndarray:
    """(n, NUM_PERM) uint32 rows back from a column of signature BLOBs."""
    fixed = column.combine_chunks().cast(pa.binary(4 * dedupe.NUM_PERM))
    data = fixed.buffers()[1]
    raw = np.frombuffer(
        data, dtype="<u4", count=len(fixed) * dedupe.NUM_PERM, offset=fixed.offset * 4 * dedupe.NUM_PERM
    )
    # little-endian uint32 is numpy's uint32 here: a view, not a copy of every candidate's row
    return raw.reshape(len(fixed), dedupe.NUM_PERM)
