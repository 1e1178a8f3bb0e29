"""Outlet templates: blocks that repeat across one outlet's pages, learned from counts and stripped safely.

The one owner of the idea (not to be confused with tasks/clean.py, which drops page furniture by generic
rules, the same for every outlet). A text goes through it once each way, learn -> strip, before it is signed
(tasks/signing.py):

  1. hash: `text_block_hashes(text)`, once per extracted text, in the extraction worker; the hashes ride the
     lake (`BLOCK_HASH_ALGO` says how they were made), and `block_hashes_of` takes them or hashes again.
  2. count: the loader adds each page's distinct blocks (`page_block_hashes`; a page counted once per outlet
     by its `page_key`) to that outlet's (block_hash -> pages) counts, which the warehouse keeps across runs
     (warehouse/template_learning.py). Raw texts are counted, before any strip, so counts do not depend on
     what was learned before.
  3. learn: `learn_outlet_blocks(counts, pages_seen)` -> `LearnedBlocks`. A run reads what the last load
     learned (store.learned_outlet_blocks) for its workers; an outlet the warehouse knows nothing of is
     guessed from the pages a worker extracted (`LearnedBlocksGuess`).
  4. strip: `strip_learned_blocks(text, learned)` -> the text stored; `matching_text(text, learned)` -> the
     text story matching signs where the strip's floor kept a learned block.

Rules and why (lengths in UTF-8 bytes, so a CJK character weighs like ~3 Latin letters, as in dedupe):
  - Blocks are the extractor's lines. Their hash folds like dedupe (NFKC, case, punctuation width, spaces)
    and masks digits, so "3 comments" and "12 comments" or dated credit lines count as one block.
  - `block_hash` keeps the block's length class in its lowest bit: learning sees only hashes and counts, and
    long blocks (>= LONG_BLOCK_BYTES, i.e. article paragraphs) must recur on LONG_BLOCK_MIN_SHARE of the
    outlet's pages, not just `min_share`, before they count as template. An outlet that republishes a wire
    story on a few URLs, or an aggregator whose related slot shows one story on a few pages, keeps its text.
    Rotating widgets ("Related Articles" with full stories) recur on most pages of one crawl but on few pages
    over months, so the loader learns from this run's counts too (they are added before it learns).
  - Stripping never leaves less than MIN_KEEP_SHARE of the text unless every removed block is short
    (< SHORT_BLOCK_BYTES) or a template block: short learned blocks always go, long learned blocks go from the
    end of the page backwards while the rest stays above the floor. That protects an article whose own body
    recurs as a related-article block on the aggregator's other pages: its body is learned, but removing it
    would leave almost nothing, so it stays; and the page's own body, which comes first, is the last thing
    removed.
  - Template blocks (`LearnedBlocks.template`) are on nearly every page of the outlet (TEMPLATE_SHARE of at
    least TEMPLATE_MIN_PAGES distinct pages): a cookie notice ("We and our 842 partners ...") or a standard
    disclaimer, which on an outlet of short articles is longer than the article itself. They go whatever is
    left: no article's own body is on nearly every page of its outlet, while a rotating related slot never is.
  - A page is counted once per outlet by its `page_key` (the set of its blocks): the same article served at
    several URLs, or one template page, repeats its body without that body being anyone's template.
  - A strip never removes every block: a page made only of learned blocks (a repeated article, a template
    page) keeps its text rather than become an empty text.
  - Matching ignores what the floor kept: `matching_text` is the text less EVERY learned block (unless that
    is nothing), so two short articles never match through a template longer than they are, even before
    the outlet has shown enough pages to call it a template.
"""

import hashlib
import math
import re
from collections.abc import Iterable

from copydesk.tasks.dedupe import fold_for_matching

# bump when block folding, hashing or the length classes change: stored counts are then stale
BLOCK_HASH_ALGO: str = "blk-nfkc-d0-l300-v1"
LONG_BLOCK_BYTES: int = 300
SHORT_BLOCK_BYTES: int = 200
LONG_BLOCK_MIN_SHARE: float = 0.6
MIN_KEEP_SHARE: float = 0.5
# a block is learned as an outlet's template only once it was on this many of its pages (and a share)
MIN_PAGES: int = 3
# a learned block on this share of at least this many distinct pages is the outlet's template (see above)
TEMPLATE_SHARE: float = 0.8
TEMPLATE_MIN_PAGES: int = 10

_DIGITS = re.compile(r"\d+")
# the same runs in an ASCII text, cheaper: \d looks each character up in Unicode's table
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _weight(block: str) -> int:
    return len(block.encode("utf-8"))


def split_blocks(text: str) -> list[str]:
    """The non-empty, stripped lines of an extracted text (the extractor puts "\\n" between blocks)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def block_hash(block: str) -> int:
    """Signed 64-bit hash of the folded, digit-masked block; lowest bit 1 when the block is long."""
    return folded_block_hash(fold_for_matching(block), _weight(block))


def folded_block_hash(folded: str, weight: int) -> int:
    """block_hash of a block given fold_for_matching(block) and its UTF-8 length."""
    folded = (_ASCII_DIGITS if folded.isascii() else _DIGITS).sub("0", folded)
    value = int.from_bytes(
        hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )
    return (value & ~1) | (1 if weight >= LONG_BLOCK_BYTES else 0)


def is_long_block_hash(value: int) -> bool:
    """True when `block_hash` marked the block as long (an article-paragraph-sized block)."""
    return bool(value & 1)


def text_block_hashes(text: str) -> list[int]:
    """block_hash of each of split_blocks(text), in order (extraction workers make them: sign_articles)."""
    return [block_hash(block) for block in split_blocks(text)]


def folded_block_hashes(lines: list[str], folded_lines: list[str]) -> list[int]:
    """text_block_hashes of the text whose text.split("\n") are `lines`, given dedupe.fold_lines of it.

    A blank line is no block, and folding ignores the whitespace split_blocks strips (fold_for_matching
    collapses it), so line i's fold is its block's: the signer folds each line once for both.
    """
    return [
        folded_block_hash(folded, _weight(stripped))
        for line, folded in zip(lines, folded_lines, strict=True)
        if (stripped := line.strip())
    ]


def page_block_hashes(text: str) -> set[int]:
    """The distinct block hashes of one page: what the loader adds 1 to per outlet."""
    return set(text_block_hashes(text))


def block_hashes_of(text: str, hashes: list[int] | None, algo: str | None) -> list[int]:
    """The block hashes of `text`: `hashes` as an extraction worker made them when they were made under this
    BLOCK_HASH_ALGO and are one per block (hashes of another length are of another text), else made here."""
    blocks = split_blocks(text)
    if hashes is not None and algo == BLOCK_HASH_ALGO and len(hashes) == len(blocks):
        return hashes
    return [block_hash(block) for block in blocks]


def page_key(hashes: list[int]) -> int:
    """One page's identity for counting: the same set of blocks is the same page, whatever its URL."""
    digest = hashlib.blake2b(digest_size=8)
    for value in sorted(set(hashes)):
        digest.update(value.to_bytes(8, "little", signed=True))
    return int.from_bytes(digest.digest(), "little", signed=True)


class LearnedBlocks(set[int]):
    """The block hashes learned as one outlet's template; `template` holds those on nearly every page."""

    def __init__(self, blocks: Iterable[int] = (), template: Iterable[int] = ()) -> None:
        super().__init__(blocks)
        self.template = frozenset(template)


def learn_outlet_blocks(
    block_page_counts: dict[int, int], pages_seen: int, min_pages: int = MIN_PAGES, min_share: float = 0.3
) -> LearnedBlocks:
    """Hashes of one outlet's blocks on enough of its pages (long blocks need a much larger share)."""
    if pages_seen <= 0:
        return LearnedBlocks()
    short_needed = max(min_pages, math.ceil(min_share * pages_seen))
    long_needed = max(min_pages, math.ceil(max(min_share, LONG_BLOCK_MIN_SHARE) * pages_seen))
    template_needed = max(TEMPLATE_MIN_PAGES, math.ceil(TEMPLATE_SHARE * pages_seen))
    learned = [
        (value, pages)
        for value, pages in block_page_counts.items()
        if pages >= (long_needed if is_long_block_hash(value) else short_needed)
    ]
    return LearnedBlocks(
        (value for value, _ in learned), (value for value, pages in learned if pages >= template_needed)
    )


class LearnedBlocksGuess:
    """One process's guess at the blocks the next load will learn for outlets it knows nothing of yet.

    The loader learns an outlet's blocks from the counts over all its pages, strips them, and keeps a worker's
    signature only if it was made of exactly the text the strip left (tasks/signing.py). On an outlet's first
    run the workers had nothing to strip, so the loader would re-sign every text holding a learned block
    (bench/results/throughput.md: a third of a cold load's texts). An extraction worker sees its share of each
    outlet's pages, so `learn_outlet_blocks` over the pages it extracted guesses the same blocks once an
    outlet's first few pages are in; a wrong guess costs that text a re-sign, nothing else. Counting stops
    after `max_pages` pages of an outlet, and for new outlets once `max_blocks` distinct blocks are counted:
    memory stays small.
    """

    def __init__(self, max_pages: int = 512, max_blocks: int = 200_000) -> None:
        self.max_pages = max_pages
        self.max_blocks = max_blocks
        self._counts: dict[str, dict[int, int]] = {}
        self._candidates: dict[str, set[int]] = {}  # blocks on MIN_PAGES pages or more: the only learnable
        self._keys: dict[str, set[int]] = {}  # page_key of each page counted, as the loader counts pages
        self._pages: dict[str, int] = {}
        self._learned: dict[str, set[int]] = {}
        self._blocks = 0

    def add_page(self, outlet_id: str, hashes: list[int]) -> None:
        """Count one extracted page's blocks (each once) for its outlet, and learn again from the counts."""
        counts = self._counts.get(outlet_id)
        if counts is None:
            if outlet_id in self._pages or self._blocks >= self.max_blocks:
                return  # counted enough of this outlet already, or of all outlets
            counts = self._counts[outlet_id] = {}
            self._candidates[outlet_id] = set()
            self._keys[outlet_id] = set()
        key = page_key(hashes)
        if key in self._keys[outlet_id]:
            return
        self._keys[outlet_id].add(key)
        candidates = self._candidates[outlet_id]
        before = len(counts)
        for value in set(hashes):
            seen = counts.get(value, 0) + 1
            counts[value] = seen
            if seen == MIN_PAGES:
                candidates.add(value)
        self._blocks += len(counts) - before
        pages = self._pages[outlet_id] = self._pages.get(outlet_id, 0) + 1
        self._learned[outlet_id] = learn_outlet_blocks({v: counts[v] for v in candidates}, pages)
        if pages >= self.max_pages:
            self._blocks -= len(counts)
            del self._counts[outlet_id], self._candidates[outlet_id], self._keys[outlet_id]

    def blocks(self, outlet_id: str) -> set[int]:
        """The blocks guessed so far to be this outlet's template blocks (empty while unknown)."""
        return self._learned.get(outlet_id, set())


# one per process: an extraction pool lives for one run; a process that outlives runs (a Dask worker) keeps
# its guesses, which are bounded and at worst cost the loader re-signs
RUN_GUESS = LearnedBlocksGuess()


def strip_learned_blocks(
    text: str, learned: set[int], hashes: list[int] | None = None
) -> tuple[str, list[str]]:
    """(clean text, removed blocks): never below MIN_KEEP_SHARE unless every removed block is short or
    template, never empty.

    `hashes`: block_hash of each of split_blocks(text), when the caller has them already.
    """
    blocks = split_blocks(text)
    drop = learned_blocks_to_drop(blocks, learned, hashes or [block_hash(block) for block in blocks])
    kept = [block for block, gone in zip(blocks, drop, strict=True) if not gone]
    removed = [block for block, gone in zip(blocks, drop, strict=True) if gone]
    return "\n".join(kept), removed


def learned_blocks_to_drop(blocks: list[str], learned: set[int], values: list[int]) -> list[bool]:
    """Which of split_blocks(text) strip_learned_blocks removes, given each block's hash (`values`)."""
    hits = [value in learned for value in values]
    if all(hits):
        # a page of learned blocks only: a repeated article or a template page, nothing to empty
        return [False] * len(blocks)
    template = learned.template if isinstance(learned, LearnedBlocks) else frozenset()
    total = sum(_weight(block) for block in blocks)
    # short learned blocks and template blocks may always go, whatever is left
    drop = [
        hit and (_weight(block) < SHORT_BLOCK_BYTES or value in template)
        for block, hit, value in zip(blocks, hits, values, strict=True)
    ]
    remaining = total - sum(_weight(block) for block, gone in zip(blocks, drop, strict=True) if gone)
    # long ones from the end backwards: related slots and footers come last, the page's own body first
    for i in reversed(range(len(blocks))):
        if hits[i] and not drop[i] and remaining - _weight(blocks[i]) >= MIN_KEEP_SHARE * total:
            drop[i] = True
            remaining -= _weight(blocks[i])
    return drop


def matching_text(text: str, learned: set[int], hashes: list[int] | None = None) -> str:
    """The text story matching signs: every learned block removed (the floor of strip_learned_blocks protects
    readers' text, not matching), unless nothing would be left; blocks as split_blocks gives them."""
    blocks = split_blocks(text)
    values = hashes or [block_hash(block) for block in blocks]
    kept = [block for block, value in zip(blocks, values, strict=True) if value not in learned]
    return "\n".join(kept or blocks)
