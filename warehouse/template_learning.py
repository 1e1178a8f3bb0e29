"""The loader's side of outlet templates (tasks/outlet_templates.py): the counts it keeps, what it learns from
them, and the strip it applies to the texts it stores, inside the load transaction.

Per outlet, the warehouse keeps how many distinct pages held each block (core.outlet_blocks,
core.outlet_pages, core.outlet_page_keys) and which learned blocks it has applied to stored texts
(core.outlet_learned). A load counts its new pages, learns from the counts, strips the staged texts, and
strips blocks learned for the first time from the outlet's stored texts too; warehouse/stories.py then signs
(tasks/signing.py) and links what changed.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from copydesk.tasks import outlet_templates
from copydesk.warehouse.store import named_queries

SQL = named_queries("template_learning.sql")


@dataclass
class Stripped:
    """What learn_and_strip_templates decided beyond rewriting the staged texts."""

    # stored articles to link again, a block of their text having been learned since: id -> text to sign
    relink: dict[str, str] = field(default_factory=dict)
    # id -> the text to sign where it is not the stored text (the strip's floor kept a learned block there)
    matching: dict[str, str] = field(default_factory=dict)


def learn_and_strip_templates(con: duckdb.DuckDBPyConnection) -> Stripped:
    """Count the staged pages' blocks, learn each outlet's template blocks (this load plus history) and strip
    them from the staged articles that are new or changed; stored articles of an outlet whose learned blocks
    grew are stripped too and queued to be linked again (see Stripped)."""
    out = Stripped()
    rows = con.execute(SQL["staged_texts_to_strip"]).fetchall()
    if not rows:
        return out
    page_blocks: dict[str, list[int]] = {}
    keys: dict[tuple[str, int], str] = {}
    for article_id, outlet_id, text, worker_hashes, algo, is_new in rows:
        # the extraction worker hashed the blocks (hashing was most of this step's time); a lake file written
        # without them, or under another algo, is hashed here, once for counting and stripping
        hashes = outlet_templates.block_hashes_of(text or "", worker_hashes, algo)
        page_blocks[article_id] = hashes
        if is_new:
            # a page is counted once per outlet: the same article at several URLs teaches no template
            keys.setdefault((outlet_id, outlet_templates.page_key(hashes)), article_id)
    known = _known_page_keys(con, list(keys))
    text_of = {article_id: text or "" for article_id, _, text, _, _, _ in rows}
    per_outlet_counts: dict[str, Counter[int]] = {}
    per_outlet_pages: Counter[str] = Counter()
    # each outlet's counted pages, in counting order: where the text of a block learned now is looked up
    counted: dict[str, list[str]] = {}
    for key, article_id in keys.items():
        if key in known:
            continue
        outlet_id = key[0]
        per_outlet_counts.setdefault(outlet_id, Counter()).update(set(page_blocks[article_id]))
        per_outlet_pages[outlet_id] += 1
        counted.setdefault(outlet_id, []).append(article_id)
    _add_counts(con, per_outlet_counts, per_outlet_pages, [k for k in keys if k not in known])
    outlets = sorted({outlet_id for _, outlet_id, *_ in rows})
    learned = _learned(con, outlets)
    fresh = _record_fresh_blocks(con, learned)
    for outlet_id in sorted(fresh):
        pages = [(text_of[i], page_blocks[i]) for i in counted.get(outlet_id, [])]
        _strip_stored(con, outlet_id, learned[outlet_id], fresh[outlet_id], pages, out)
    ids, texts, removed_lists = [], [], []
    for article_id, outlet_id, text, *_ in rows:
        blocks = learned[outlet_id]
        hashes = page_blocks[article_id]
        if not blocks or blocks.isdisjoint(hashes):
            continue
        clean, removed = outlet_templates.strip_learned_blocks(text or "", blocks, hashes)
        if removed:
            ids.append(article_id)
            texts.append(clean)
            removed_lists.append(removed)
        if len(removed) < sum(value in blocks for value in hashes):
            out.matching[article_id] = outlet_templates.matching_text(text or "", blocks, hashes)
    _apply_stripped(con, "apply_stripped_texts", ids, texts, removed_lists)
    return out


def _known_page_keys(con: duckdb.DuckDBPyConnection, keys: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """The (outlet, page key) pairs among keys that earlier loads counted already."""
    if not keys:
        return set()
    con.register(
        "page_keys",
        pa.table({"outlet_id": [k[0] for k in keys], "page_key": pa.array([k[1] for k in keys], pa.int64())}),
    )
    try:
        return {(o, k) for o, k in con.execute(SQL["known_page_keys"]).fetchall()}
    finally:
        con.unregister("page_keys")


def _add_counts(
    con: duckdb.DuckDBPyConnection,
    per_outlet_counts: dict[str, Counter[int]],
    per_outlet_pages: Counter[str],
    keys: list[tuple[str, int]],
) -> None:
    if not per_outlet_counts:
        return
    counts_table = pa.table(
        {
            "outlet_id": [o for o, c in per_outlet_counts.items() for _ in c],
            "block_hash": pa.array([h for c in per_outlet_counts.values() for h in c], pa.int64()),
            "pages": pa.array([n for c in per_outlet_counts.values() for n in c.values()], pa.int32()),
        }
    )
    con.register("new_block_counts", counts_table)
    con.execute(SQL["add_outlet_block_counts"])
    con.unregister("new_block_counts")
    pages = pa.array(list(per_outlet_pages.values()), pa.int32())
    con.register("new_outlet_pages", pa.table({"outlet_id": list(per_outlet_pages), "pages": pages}))
    con.execute(SQL["add_outlet_pages"])
    con.unregister("new_outlet_pages")
    if keys:
        con.register(
            "page_keys",
            pa.table(
                {"outlet_id": [k[0] for k in keys], "page_key": pa.array([k[1] for k in keys], pa.int64())}
            ),
        )
        con.execute(SQL["add_page_keys"])
        con.unregister("page_keys")


def _learned(con: duckdb.DuckDBPyConnection, outlets: list[str]) -> dict[str, outlet_templates.LearnedBlocks]:
    """Each outlet's learned blocks from its counts (this load's included)."""
    pages_seen = dict(con.execute(SQL["outlets_pages_seen"], [outlets]).fetchall())
    counts: dict[str, dict[int, int]] = {outlet_id: {} for outlet_id in outlets}
    for outlet_id, block_hash, pages in con.execute(SQL["outlets_block_counts"], [outlets]).fetchall():
        counts[outlet_id][block_hash] = pages
    return {o: outlet_templates.learn_outlet_blocks(counts[o], pages_seen.get(o, 0)) for o in outlets}


@dataclass(frozen=True)
class Fresh:
    """An outlet's blocks learned (or found to be template) for the first time in this load."""

    blocks: list[int]
    # blocks of the outlet were applied to stored texts before: it has stored texts
    applied_before: bool


def _record_fresh_blocks(
    con: duckdb.DuckDBPyConnection, learned: dict[str, outlet_templates.LearnedBlocks]
) -> dict[str, Fresh]:
    """Find each outlet's fresh blocks and record them as applied (core.outlet_learned); outlets with none
    are left out."""
    applied: dict[str, dict[int, bool]] = {outlet_id: {} for outlet_id in learned}
    for outlet_id, block_hash, template in con.execute(
        SQL["outlets_applied_blocks"], [list(learned)]
    ).fetchall():
        applied[outlet_id][block_hash] = template
    fresh: dict[str, Fresh] = {}
    for outlet_id, blocks in learned.items():
        done = applied[outlet_id]
        values = sorted(v for v in blocks if v not in done or (v in blocks.template and not done[v]))
        if values:
            fresh[outlet_id] = Fresh(values, bool(done))
    now = [(o, v, v in learned[o].template) for o, f in fresh.items() for v in f.blocks]
    if now:
        con.register("applied_now", pa.table({"outlet_id": [r[0] for r in now],
                                              "block_hash": pa.array([r[1] for r in now], pa.int64()),
                                              "template": [r[2] for r in now]}))  # fmt: skip
        con.execute(SQL["add_applied_blocks"])
        con.unregister("applied_now")
    return fresh


def _strip_stored(
    con: duckdb.DuckDBPyConnection,
    outlet_id: str,
    learned: outlet_templates.LearnedBlocks,
    fresh: Fresh,
    pages: list[tuple[str, list[int]]],
    out: Stripped,
) -> None:
    """Strip the outlet's fresh blocks from its stored articles, and queue those articles in `out` to be
    linked again.

    A block learned now was left in the pages loaded before (the outlet had too few pages to learn it, or it
    spread later): left there, two of those pages could still match through it, and a story would depend on
    when its pages arrived. Each block is applied to stored texts once (core.outlet_learned); the stored texts
    holding it are found by its longest digit-free piece (digits are masked in block hashes), taken from the
    first of this load's counted `pages` (text, block hashes) that holds it."""
    if not fresh.applied_before and not con.execute(SQL["outlet_has_stored"], [outlet_id]).fetchone()[0]:
        return
    block_text = _first_block_texts(pages, set(fresh.blocks))
    pieces = sorted(
        {piece for value in fresh.blocks if (piece := _search_piece(block_text.get(value))) is not None}
    )
    if not pieces:
        return
    con.register("block_pieces", pa.table({"piece": pa.array(pieces, pa.string())}))
    try:
        stored = con.execute(SQL["stored_texts_holding"], [outlet_id]).fetchall()
    finally:
        con.unregister("block_pieces")
    fresh_set = set(fresh.blocks)
    ids, texts, removed_lists = [], [], []
    for article_id, text in stored:
        hashes = outlet_templates.text_block_hashes(text)
        if fresh_set.isdisjoint(hashes):
            continue
        clean, removed = outlet_templates.strip_learned_blocks(text, learned, hashes)
        out.relink[article_id] = outlet_templates.matching_text(text, learned, hashes)
        if removed:
            ids.append(article_id)
            texts.append(clean)
            removed_lists.append(removed)
    _apply_stripped(con, "apply_stripped_stored", ids, texts, removed_lists)


def _first_block_texts(pages: list[tuple[str, list[int]]], wanted: set[int]) -> dict[int, str]:
    """Block hash -> the block's text on the first page holding it, for the wanted hashes (a page's text is
    split only when it holds one still wanted)."""
    found: dict[int, str] = {}
    for text, hashes in pages:
        if wanted.isdisjoint(hashes):
            continue
        for block, value in zip(outlet_templates.split_blocks(text), hashes, strict=True):
            if value in wanted and value not in found:
                found[value] = block
        wanted = wanted - found.keys()
        if not wanted:
            break
    return found


def _apply_stripped(
    con: duckdb.DuckDBPyConnection, statement: str, ids: list[str], texts: list[str], removed: list[list[str]]
) -> None:
    """Rewrite the stripped texts (staged or stored, by `statement`) with the blocks removed from each."""
    if not ids:
        return
    words = pa.array([word_count(text) for text in texts], pa.int32())
    con.register(
        "stripped", pa.table({"article_id": ids, "text": texts, "removed": removed, "word_count": words})
    )
    try:
        con.execute(SQL[statement])
    finally:
        con.unregister("stripped")


# whitespace to str.split() that DuckDB's regular expressions do not match with \s (RE2: [\t\n\f\r ])
_OTHER_SPACE = re.compile(r"[\x0b\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_RE2_SPACE = re.compile(r"[\t\n\f\r ]+")


def word_count(text: str) -> int:
    """A stripped text's word count as the warehouse has always stored it, the SQL
    greatest(1, len(regexp_split_to_array(trim(text), '\\s+'))): trim() takes spaces only, so a text that
    starts or ends with a newline counts an empty word there. DuckDB's regex split of long texts is slow;
    str.split() is fast and agrees whenever the text holds no whitespace RE2 does not know."""
    trimmed = text.strip(" ")
    if _OTHER_SPACE.search(trimmed):
        return max(1, len(_RE2_SPACE.split(trimmed)))
    if not trimmed:
        return 1
    return max(1, len(trimmed.split()) + (trimmed[0] in "\t\n\f\r") + (trimmed[-1] in "\t\n\f\r"))


def _search_piece(block: str | None) -> str | None:
    """The longest digit-free run of a block (a SQL contains() finds the block whatever its numbers)."""
    if not block:
        return None
    piece = max(re.split(r"\d+", block), key=len).strip()
    return piece if len(piece) >= 8 else None
