"""Fold new articles into stories in the load transaction: boilerplate, LSH candidates, checks, originals.

New articles are matched against everything loaded before by joining their LSH band keys and sentence keys
with the persistent key tables (so a copy that arrives runs later still finds its original), candidates are
verified by estimated resemblance and containment, and connected articles share one story. Each touched story
then gets its original re-chosen from the evidence (see choose_original).
"""

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from copydesk.tasks import boilerplate, dedupe
from copydesk.tasks.signing import sign_texts, text_md5
from copydesk.warehouse.store import named_queries

# a key shared by more articles than this is template text (a slogan, a standard disclaimer), not evidence
MAX_KEY_FANOUT = 40
# band keys a pair must share to be a candidate by bands alone (sentence keys propose pairs on their own)
MIN_SHARED_BANDS = 2
SIGNATURE_CHUNK = 2000
SQL = named_queries("stories.sql")


@dataclass(frozen=True)
class Linked:
    """What link_stories changed."""

    stories_new: int
    copies_linked: int
    # new texts signed here, for want of a usable signature from the extraction workers
    texts_signed: int = 0


def strip_outlet_boilerplate(con: duckdb.DuckDBPyConnection) -> None:
    """Learn repeated blocks per outlet (this load plus history) and strip them from staged new articles."""
    rows = con.execute(SQL["new_staged_texts"]).fetchall()
    if not rows:
        return
    page_blocks: dict[str, list[int]] = {}
    per_outlet_counts: dict[str, Counter[int]] = {}
    per_outlet_pages: Counter[str] = Counter()
    for article_id, outlet_id, text, worker_hashes, algo in rows:
        # the extraction worker hashed the blocks (hashing was most of this step's time); a lake file written
        # without them, or under another algo, is hashed here, once for counting and stripping
        hashes = (
            worker_hashes
            if worker_hashes is not None and algo == boilerplate.BOILERPLATE_ALGO
            else boilerplate.text_block_hashes(text or "")
        )
        page_blocks[article_id] = hashes
        per_outlet_counts.setdefault(outlet_id, Counter()).update(set(hashes))
        per_outlet_pages[outlet_id] += 1
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
    con.executemany(
        SQL["add_outlet_pages"],
        list(per_outlet_pages.items()),
    )
    learned: dict[str, set[int]] = {}
    for outlet_id in per_outlet_counts:
        pages_seen = con.execute(SQL["outlet_pages_seen"], [outlet_id]).fetchone()[0]
        counts = dict(con.execute(SQL["outlet_block_counts"], [outlet_id]).fetchall())
        learned[outlet_id] = boilerplate.learn_boilerplate(counts, pages_seen)
    ids, texts, removed_lists = [], [], []
    for article_id, outlet_id, text, _, _ in rows:
        if not learned[outlet_id] or learned[outlet_id].isdisjoint(page_blocks[article_id]):
            continue
        outlet_blocks = learned[outlet_id]
        clean, removed = boilerplate.strip_boilerplate(text or "", outlet_blocks, page_blocks[article_id])
        if removed:
            ids.append(article_id)
            texts.append(clean)
            removed_lists.append(removed)
    if ids:
        con.register("stripped", pa.table({"article_id": ids, "text": texts, "removed": removed_lists}))
        con.execute(SQL["apply_stripped_texts"])
        con.unregister("stripped")


def _query_by_keys(
    con: duckdb.DuckDBPyConnection,
    query: str,
    keys: list[str],
    params: list | None = None,
    arrow: bool = False,
) -> Any:
    """Run a named query whose id list is the registered table key_list(key): rows, or an Arrow table."""
    con.register("key_list", pa.table({"key": pa.array(keys, pa.string())}))
    try:
        result = con.execute(SQL[query], params or [])
        return result.to_arrow_table() if arrow else result.fetchall()
    finally:
        con.unregister("key_list")


def _signatures_for(
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
        sigs[usable] = _signature_matrix(signed["minhash"].take(have))
        counts[usable] = signed["shingle_count"].take(have).to_numpy(zero_copy_only=False)
        for i, row in zip(have.to_pylist(), signed["sentence_keys"].take(have).to_pylist(), strict=True):
            keys[i] = row or []
    redo = np.flatnonzero(~usable)
    if len(redo):
        sigs[redo], counts[redo], redone = sign_texts([texts[i] for i in redo])
        for i, row in zip(redo.tolist(), redone, strict=True):
            keys[i] = row
    return sigs, counts, keys, len(redo)


def _index_new(
    con: duckdb.DuckDBPyConnection, new_ids: list[str], texts: list[str] | None, signed: pa.Table | None
) -> int:
    """Compute and store signatures, band keys and sentence keys of the new articles; the keys stay
    registered as batch_bands / batch_sentences for the candidate query. Returns the texts signed here."""
    if texts is None:
        # one scan of every stored text (~1 s per million articles): callers holding the texts pass them
        stored = _query_by_keys(con, "texts_of_articles", new_ids, arrow=True)
        new_ids, texts, signed = stored["article_id"].to_pylist(), stored["text"].to_pylist(), None
    bands_parts: list[pa.Table] = []
    sentence_parts: list[pa.Table] = []
    signed_here = 0
    for start in range(0, len(new_ids), SIGNATURE_CHUNK):
        ids = new_ids[start : start + SIGNATURE_CHUNK]
        sigs, counts, sentence_lists, chunk_signed = _signatures_for(
            [t or "" for t in texts[start : start + SIGNATURE_CHUNK]],
            None if signed is None else signed.slice(start, SIGNATURE_CHUNK),
        )
        signed_here += chunk_signed
        bands = dedupe.band_keys(sigs)
        con.register(
            "new_signatures",
            pa.table(
                {
                    "article_id": ids,
                    "algo": [dedupe.SIGNATURE_ALGO] * len(ids),
                    "shingle_count": pa.array(counts.astype(np.int32)),
                    "sentence_count": pa.array([len(s) for s in sentence_lists], pa.int32()),
                    "minhash": _minhash_column(sigs),
                }
            ),
        )
        con.execute(SQL["insert_signatures"])
        con.unregister("new_signatures")
        # texts without shingles all share the empty key: indexing it would make them one giant bucket
        band_column = bands.reshape(-1)
        owner_column = np.repeat(np.array(ids, dtype=object), bands.shape[1])
        indexed = band_column != dedupe.EMPTY_BAND_KEY
        bands_parts.append(
            pa.table(
                {
                    "band_key": pa.array(band_column[indexed], pa.int64()),
                    "article_id": pa.array(owner_column[indexed], pa.string()),
                }
            )
        )
        sentence_parts.append(
            pa.table(
                {
                    "sentence_key": pa.array([k for keys in sentence_lists for k in keys], pa.int64()),
                    "article_id": pa.array(
                        np.repeat(np.array(ids, dtype=object), [len(keys) for keys in sentence_lists]),
                        pa.string(),
                    ),
                }
            )
        )
    con.register("batch_bands", pa.concat_tables(bands_parts))
    con.register("batch_sentences", pa.concat_tables(sentence_parts))
    con.execute(SQL["insert_bands"])
    con.execute(SQL["insert_sentence_keys"])
    return signed_here


def _minhash_column(sigs: np.ndarray) -> pa.Array:
    """Signature rows as the BLOBs signature_to_bytes makes, without a Python bytes object per row."""
    raw = np.ascontiguousarray(sigs.astype("<u4"))
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(4 * dedupe.NUM_PERM), len(raw), [None, pa.py_buffer(raw)]
    )
    return fixed.cast(pa.binary())


def _signature_matrix(column: pa.ChunkedArray) -> np.ndarray:
    """(n, NUM_PERM) uint32 rows back from a column of signature BLOBs."""
    fixed = column.combine_chunks().cast(pa.binary(4 * dedupe.NUM_PERM))
    data = fixed.buffers()[1]
    raw = np.frombuffer(
        data, dtype="<u4", count=len(fixed) * dedupe.NUM_PERM, offset=fixed.offset * 4 * dedupe.NUM_PERM
    )
    # little-endian uint32 is numpy's uint32 here: a view, not a copy of every candidate's row
    return raw.reshape(len(fixed), dedupe.NUM_PERM)


@dataclass(frozen=True)
class Pair:
    """A verified same-story pair; for "contained", `small` is the text inside the other."""

    a: str
    b: str
    jaccard: float
    containment: float
    kind: dedupe.MatchKind
    small: str


def _verified_pairs(con: duckdb.DuckDBPyConnection) -> list[Pair]:
    """Candidate pairs from the batch's keys shared with any article, kept when verified as one story."""
    fanout_and_bands = [MAX_KEY_FANOUT, MIN_SHARED_BANDS, MAX_KEY_FANOUT]
    candidates = con.execute(SQL["candidates"], fanout_and_bands).to_arrow_table()
    con.unregister("batch_bands")
    con.unregister("batch_sentences")
    if not candidates.num_rows:
        return []
    con.register("batch_candidates", candidates)
    try:
        meta = con.execute(SQL["signatures_of_candidates"], [dedupe.SIGNATURE_ALGO]).to_arrow_table()
    finally:
        con.unregister("batch_candidates")
    # positions of each pair's sides among the fetched signatures (null: no signature of this algorithm)
    left = pc.index_in(candidates["a"], value_set=meta["article_id"].combine_chunks())
    right = pc.index_in(candidates["b"], value_set=meta["article_id"].combine_chunks())
    known = pc.and_(pc.is_valid(left), pc.is_valid(right))
    if not pc.all(known).as_py():
        candidates, left, right = candidates.filter(known), left.filter(known), right.filter(known)
    left_at = left.to_numpy().astype(np.intp)
    right_at = right.to_numpy().astype(np.intp)
    counts = meta["shingle_count"].to_numpy()
    sentences = meta["sentence_count"].to_numpy()
    jaccard, containment = dedupe.similarities(_signature_matrix(meta["minhash"]), left_at, right_at, counts)
    kinds = dedupe.match_kinds(
        jaccard, containment, candidates["shared"].to_numpy(), sentences[left_at], sentences[right_at]
    )
    keep = np.flatnonzero(kinds != dedupe.NO_MATCH)
    a_ids = candidates["a"].take(pa.array(keep)).to_pylist()
    b_ids = candidates["b"].take(pa.array(keep)).to_pylist()
    names: dict[int, dedupe.MatchKind] = {dedupe.RESEMBLES: "resembles", dedupe.CONTAINED: "contained"}
    pairs = [
        Pair(a, b, float(jaccard[i]), float(containment[i]), names[int(kinds[i])],
             a if counts[left_at[i]] <= counts[right_at[i]] else b)
        for a, b, i in zip(a_ids, b_ids, keep, strict=True)
    ]  # fmt: skip
    # in a fixed order, not the join's (which varies with DuckDB's threads): ties among pairs are broken by
    # it, and two loads of one lake must store the same matched article and reason
    return sorted(pairs, key=lambda p: (p.a, p.b))


@dataclass(frozen=True)
class Info:
    """What story linking weighs about one article besides its text: attachments and originals."""

    title: str | None
    based_on_url: str | None
    shingle_count: int
    member: "Member"


def _article_info(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, Info]:
    """Info of every article linking may weigh, in one scan of core.articles (each query is a scan)."""
    info = {}
    for article_id, title, shingle_count, *fields in _query_by_keys(con, "article_info", ids):
        member = Member(article_id, *fields)
        info[article_id] = Info(title, member.based_on_url, shingle_count, member)
    return info


def _story_components(
    con: duckdb.DuckDBPyConnection, new_ids: list[str], pairs: list[Pair]
) -> tuple[dict[str, list[str]], dict[str, str], dict[str, Info]]:
    """Group articles into stories: (root -> members, article -> its existing story id, article info).

    Resembling pairs and existing stories merge freely. A contained pair only attaches a group of short texts
    (a truncated copy and its peers, not yet part of a larger story) to the single best story that contains
    it: the lead of story A also sits inside a follow-up quoting that lead, and must not bridge the two.
    """
    involved = sorted({x for p in pairs for x in (p.a, p.b)} | set(new_ids))
    existing = dict(_query_by_keys(con, "stories_of_articles", involved))
    # a component may touch existing stories: pull in their members so merged stories stay whole
    members_of: dict[str, list[str]] = {}
    if existing:
        for article_id, story_id in _query_by_keys(con, "members_of_stories", sorted(set(existing.values()))):
            members_of.setdefault(story_id, []).append(article_id)
            existing[article_id] = story_id
    # every article a component can hold: what attachments and originals weigh is read once for all
    info = _article_info(con, sorted(set(involved) | set(existing)))
    edges = [(p.a, p.b) for p in pairs if p.kind == "resembles"]
    for members in members_of.values():
        edges.extend((members[0], m) for m in members[1:])
    edges.extend((i, i) for i in new_ids)
    roots = dedupe.cluster(edges)
    attachments = _choose_attachments(pairs, roots, info)
    roots = dedupe.cluster(edges + attachments)
    components: dict[str, list[str]] = {}
    for article_id, root in roots.items():
        components.setdefault(root, []).append(article_id)
    return components, existing, info


def _choose_attachments(
    pairs: list[Pair], roots: dict[str, str], info: dict[str, Info]
) -> list[tuple[str, str]]:
    """For each group of short texts contained in other stories, the one edge to the story it belongs to."""
    contained = [p for p in pairs if p.kind == "contained" and roots.get(p.a) != roots.get(p.b)]
    if not contained:
        return []
    groups: dict[str, list[str]] = {}
    for article_id, root in roots.items():
        groups.setdefault(root, []).append(article_id)
    best: dict[str, tuple[tuple, tuple[str, str]]] = {}
    for p in contained:
        small, large = p.small, (p.b if p.small == p.a else p.a)
        group = groups[roots[small]]
        size_small = info[small].shingle_count
        # a group that already holds a text this one is a part of is a whole story: it attaches nothing
        if any(m in info and info[m].shingle_count > 2 * max(size_small, 1) for m in group):
            continue
        score = (
            info[small].based_on_url == info[large].member.url,
            round(dedupe.title_resemblance(info[small].title, info[large].title), 2),
            p.containment,
            p.jaccard,
        )
        root = roots[small]
        if root not in best or score > best[root][0]:
            best[root] = (score, (small, large))
    return [edge for _, edge in best.values()]


def link_stories(
    con: duckdb.DuckDBPyConnection,
    new_ids: list[str],
    texts: list[str] | None = None,
    signed: pa.Table | None = None,
) -> Linked:
    """Index new articles, match them against all earlier ones, merge stories and re-choose originals.

    `texts`, when the caller has them, are the new articles' texts as stored, in `new_ids` order: without
    them they are read back from core.articles, which scans every stored text. `signed`, rows in the same
    order, holds signatures made upstream (columns signature_algo, minhash, shingle_count, sentence_keys,
    signed_text_md5); a signature of another text or algorithm is not used: the text is signed here.
    """
    if not new_ids:
        return Linked(0, 0)
    if texts is not None and len(texts) != len(new_ids):
        raise ValueError(f"{len(texts)} texts for {len(new_ids)} new articles")
    if signed is not None and (texts is None or signed.num_rows != len(new_ids)):
        raise ValueError("signatures from upstream need the texts, one row per new article")
    texts_signed = _index_new(con, new_ids, texts, signed)
    pairs = _verified_pairs(con)
    components, existing, info = _story_components(con, new_ids, pairs)
    best_match: dict[str, tuple[str, float, float]] = {}
    for p in pairs:
        for this, other in ((p.a, p.b), (p.b, p.a)):
            if this in best_match and best_match[this][1] >= p.jaccard:
                continue
            best_match[this] = (other, p.jaccard, p.containment)
    new_set = set(new_ids)
    member_rows, retired, stories_new, copies = [], [], 0, 0
    touched: dict[str, list[str]] = {}
    for members in components.values():
        in_story = set(members)
        old_stories = sorted({existing[m] for m in members if m in existing})
        story_id = old_stories[0] if old_stories else "s" + min(members)
        stories_new += 0 if old_stories else 1
        # every member of a touched story is in its component (existing stories were pulled in whole)
        touched.setdefault(story_id, []).extend(members)
        retired.extend(old_stories[1:])
        for m in members:
            if m in new_set or existing.get(m) != story_id:
                match = best_match.get(m)
                if match and match[0] not in in_story:
                    match = None
                member_rows.append(
                    (
                        m,
                        story_id,
                        match[0] if match else None,
                        match[1] if match else None,
                        match[2] if match else None,
                    )
                )
        copies += sum(1 for m in members if m in new_set) - (0 if old_stories else 1)
    if member_rows:
        con.register(
            "member_rows",
            pa.table(
                {
                    "article_id": [r[0] for r in member_rows],
                    "story_id": [r[1] for r in member_rows],
                    "matched_article_id": [r[2] for r in member_rows],
                    "similarity": pa.array([r[3] for r in member_rows], pa.float64()),
                    "containment": pa.array([r[4] for r in member_rows], pa.float64()),
                }
            ),
        )
        con.execute(SQL["upsert_members"])
        con.unregister("member_rows")
    if retired:
        _query_by_keys(con, "drop_orphan_originals", retired)
    _choose_originals(con, touched, info)
    return Linked(stories_new, max(copies, 0), texts_signed)


@dataclass(frozen=True)
class Member:
    """What choose_original weighs about one article of a story."""

    article_id: str
    url: str
    outlet_id: str
    site_name: str | None
    source_credit: str | None
    based_on_url: str | None
    # seconds since the epoch: DuckDB makes a tz-aware datetime per TIMESTAMPTZ value at ~6 us each, and
    # ranking only compares them
    published_s: float | None
    published_at_source: str | None
    fetched_s: float | None


# sources that say when a page was put up, not when the story was written
WEAK_DATE_SOURCES = {"sitemap", "lastmod", "htmldate", "http", None}


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    # a story's ranking compares each credit with every member's names: a few distinct strings, many times
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _names_match(credit: str, member: Member) -> bool:
    credit_key = _name_key(credit)
    keys = (_name_key(member.outlet_id), _name_key(member.site_name or ""))
    return any(k and (k in credit_key or credit_key in k) for k in keys)


def choose_original(members: list[Member]) -> tuple[str, str]:
    """Pick a story's original, (article_id, reason): attribution first, then the earliest trusted time."""
    # members come in a query's order: sorted, the reason kept among several is the same on every load
    members = sorted(members, key=lambda m: m.article_id)
    by_url = {m.url: m for m in members}
    votes: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for m in members:
        if m.based_on_url and m.based_on_url in by_url and by_url[m.based_on_url].article_id != m.article_id:
            votes[by_url[m.based_on_url].article_id] += 3
            reasons[by_url[m.based_on_url].article_id] = "named by a copy's canonical/isBasedOn"
        if m.source_credit:
            for other in members:
                if other.article_id != m.article_id and _names_match(m.source_credit, other):
                    votes[other.article_id] += 2
                    reasons.setdefault(other.article_id, f"credited as {m.source_credit!r}")

    def rank(m: Member) -> tuple:
        says_copy = bool(m.based_on_url and m.based_on_url != m.url) or bool(
            m.source_credit and not _names_match(m.source_credit, m)
        )
        trusted = m.published_s if m.published_at_source not in WEAK_DATE_SOURCES else None
        return (
            -votes[m.article_id],
            says_copy,
            trusted if trusted is not None else float("inf"),
            m.fetched_s if m.fetched_s is not None else float("inf"),
            m.article_id,
        )

    best = min(members, key=rank)
    if best.article_id in reasons and votes[best.article_id]:
        return best.article_id, reasons[best.article_id]
    if best.published_s is not None and best.published_at_source not in WEAK_DATE_SOURCES:
        return best.article_id, "earliest published without attribution to another outlet"
    return best.article_id, "earliest fetched"


def _choose_originals(
    con: duckdb.DuckDBPyConnection, members_of: dict[str, list[str]], info: dict[str, Info]
) -> None:
    """Re-choose the original of each touched story (story id -> all its member ids, all in `info`)."""
    if not members_of:
        return
    by_id = {article_id: i.member for article_id, i in info.items()}
    chosen = [
        (sid, *choose_original([by_id[m] for m in members if m in by_id]))
        for sid, members in members_of.items()
        if any(m in by_id for m in members)
    ]
    con.register(
        "chosen_originals",
        pa.table(
            {
                "story_id": [c[0] for c in chosen],
                "original_article_id": [c[1] for c in chosen],
                "reason": [c[2] for c in chosen],
            }
        ),
    )
    con.execute(SQL["upsert_originals"])
    con.unregister("chosen_originals")
