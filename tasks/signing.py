"""The story-matching signature of an article's text: its MinHash row, shingle count and sentence keys.

Signing is per-article work (~0.4 ms for a 3 KiB text), so the extraction workers do it beside extraction and
the lake carries it; the one loader, which every page of every worker funnels through, only re-signs texts
that its outlet-boilerplate strip changed (warehouse.stories). `dedupe.SIGNATURE_ALGO` travels with each
signature, and so does the MD5 of the text signed: the worker signs the text less the boilerplate blocks the
warehouse had learned for its outlet by the last load, and the loader keeps a signature only if its own strip
left exactly that text (otherwise, or for a lake file signed by other code, it signs the text again).
"""

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from copydesk.tasks import boilerplate, dedupe
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
    hashes of the text as extracted, which the loader counts to learn its outlet's boilerplate.

    The signature is of the text the worker signed (less learned boilerplate: `text_md5` says which text);
    the block hashes are of the whole extracted text, under `block_hash_algo` (boilerplate.BOILERPLATE_ALGO).
    Without them, or under another algo, the loader hashes the text itself.
    """

    algo: str
    minhash: bytes
    shingle_count: int
    sentence_keys: list[int]
    text_md5: str
    block_hashes: list[int] | None = None
    block_hash_algo: str | None = None


def text_md5(text: str) -> str:
    """The hex MD5 of a text's UTF-8 bytes: which text a signature is of."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _fold_and_cut(text: str) -> tuple[list[str], list[str]]:
    """(lines, folded lines) before a related-stories heading: boilerplate.cut_related_section, folding once.

    Signing used to fold every line three times (the heading test, the shingles, the sentence keys); folding
    is most of signing's time, so the lines are folded once here and shared (tests hold it to the original).
    """
    lines = text.split("\n")
    folded = dedupe.fold_lines(text)
    cut = boilerplate.related_heading_index(lines, folded.__getitem__)
    return (lines, folded) if cut is None else (lines[:cut], folded[:cut])


def sign_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """(signatures, shingle counts, sentence keys) of texts, cut before a related-stories section first."""
    # a related-stories section that slipped past extraction must not make this text a copy of those
    cut = [_fold_and_cut(text) for text in texts]
    sigs, counts = dedupe.signatures_of_folded([dedupe.join_folded_lines(folded) for _, folded in cut])
    return sigs, counts, [dedupe.sentence_keys_of_lines(lines, folded) for lines, folded in cut]


def text_signatures(texts: list[str]) -> list[TextSignature]:
    """sign_texts as one TextSignature per text (what an extraction worker hands back with its articles)."""
    if not texts:
        return []
    sigs, counts, sentence_lists = sign_texts(texts)
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
