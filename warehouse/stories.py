"""Fold changed articles into stories in the load transaction: LSH candidates, checks, originals.

A story is a function of its articles and of the verified pairs between them (core.story_edges), never of
the order they arrived in: each load indexes the articles whose text is new or changed (new, updated, or
re-stripped when their outlet's learned template grew: warehouse/template_learning.py), matches them against
everything loaded before by joining their LSH band keys and sentence keys with the persistent key tables,
keeps the verified pairs, and then
recomputes the stories of every article connected to a changed one by a pair (dedupe.partition_stories). So
an original that arrives after its copies gathers them, and two stories that a new article bridges by
resemblance become one. Each recomputed story then gets its original re-chosen from the evidence (see
choose_original).
"""

import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from copydesk.tasks import dedupe
from copydesk.tasks.dedupe import Edge
from copydesk.tasks.signing import minhash_column, signature_matrix, signatures_for_texts
from copydesk.warehouse.store import named_queries

log = logging.getLogger("copydesk.stories")

# a key shared by more articles than this is template text (a slogan, a standard disclaimer), not evidence
MAX_KEY_FANOUT = 40
# band keys a pair must share to be a candidate by bands alone (sentence keys propose pairs on their own)
MIN_SHARED_BANDS = 2
SIGNATURE_CHUNK = 2000
# articles one load may recompute stories for around its changed ones; a chain of pairs longer than this
# (no real story is) is cut there rather than pull a large part of the warehouse into one load
MAX_REGION = 20_000
# a member with less than this share of the story's largest text is a part of it (a lead, a teaser)
PARTIAL_SHARE = 0.5
# estimated containment that confirms a pair a page names itself (its based_on_url is the other's url)
NAMED_CONTAINMENT = 0.5
SQL = named_queries("stories.sql")


@dataclass(frozen=True)
class Linked:
    """What link_stories changed."""

    stories_new: int
    copies_linked: int
    # new texts signed here, for want of a usable signature from the extraction workers
    texts_signed: int = 0


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


def _index_new(
    con: duckdb.DuckDBPyConnection, new_ids: list[str], texts: list[str] | None, signed: pa.Table | None
) -> int:
    """Compute and store signatures, band keys and sentence keys of the new articles; the keys stay
    registered as batch_bands / batch_sentences for the candidate query. Returns the texts signed here."""
    if texts is None:
        # one scan of every stored text (its cost grows with the warehouse): callers holding texts pass them
        stored = _query_by_keys(con, "texts_of_articles", new_ids, arrow=True)
        new_ids, texts, signed = stored["article_id"].to_pylist(), stored["text"].to_pylist(), None
    bands_parts: list[pa.Table] = []
    sentence_parts: list[pa.Table] = []
    signed_here = 0
    for start in range(0, len(new_ids), SIGNATURE_CHUNK):
        ids = new_ids[start : start + SIGNATURE_CHUNK]
        sigs, counts, sentence_lists, chunk_signed = signatures_for_texts(
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
                    "minhash": minhash_column(sigs),
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


def _with_named(candidates: pa.Table, named: list[tuple[str, str]]) -> pa.Table:
    """The candidate pairs plus the pairs pages name themselves, flagged in a column `named`."""
    pairs = list(zip(candidates["a"].to_pylist(), candidates["b"].to_pylist(), strict=True))
    named_set = {(min(a, b), max(a, b)) for a, b in named if a != b}
    extra = sorted(named_set - set(pairs))
    return pa.table(
        {
            "a": pa.array([*(a for a, _ in pairs), *(a for a, _ in extra)], pa.string()),
            "b": pa.array([*(b for _, b in pairs), *(b for _, b in extra)], pa.string()),
            "shared": pa.array([*candidates["shared"].to_pylist(), *(0 for _ in extra)], pa.int64()),
            "named": pa.array([*(p in named_set for p in pairs), *(True for _ in extra)], pa.bool_()),
        }
    )


def _verified_pairs(con: duckdb.DuckDBPyConnection, named: list[tuple[str, str]]) -> list[Edge]:
    """Candidate pairs from the batch's keys shared with any article, and the pairs pages name themselves
    (a copy's canonical, isBasedOn or "Continue reading at" link to another article), kept when verified as
    one story."""
    fanout_and_bands = [MAX_KEY_FANOUT, MIN_SHARED_BANDS, MAX_KEY_FANOUT]
    candidates = con.execute(SQL["candidates"], fanout_and_bands).to_arrow_table()
    con.unregister("batch_bands")
    con.unregister("batch_sentences")
    if named:
        candidates = _with_named(candidates, named)
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
    jaccard, containment = dedupe.similarities(signature_matrix(meta["minhash"]), left_at, right_at, counts)
    kinds = dedupe.match_kinds(
        jaccard, containment, candidates["shared"].to_numpy(), sentences[left_at], sentences[right_at]
    )
    if "named" in candidates.column_names:
        # a page that names its original is taken at its word once its text is inside the original's: a lead
        # of list-like lines has no sentence keys, and a tiny part of a long text shares no LSH band
        named_ok = candidates["named"].to_numpy(zero_copy_only=False) & (containment >= NAMED_CONTAINMENT)
        kinds[named_ok & (kinds == dedupe.NO_MATCH)] = dedupe.CONTAINED
    keep = np.flatnonzero(kinds != dedupe.NO_MATCH)
    a_ids = candidates["a"].take(pa.array(keep)).to_pylist()
    b_ids = candidates["b"].take(pa.array(keep)).to_pylist()
    names = {dedupe.RESEMBLES: "resembles", dedupe.CONTAINED: "contained"}
    pairs = [
        Edge(a, b, names[int(kinds[i])], float(jaccard[i]), float(containment[i]),
             a if (counts[left_at[i]], a) <= (counts[right_at[i]], b) else b)
        for a, b, i in zip(a_ids, b_ids, keep, strict=True)
    ]  # fmt: skip
    # in a fixed order, not the join's (which varies with DuckDB's threads): two loads of one lake must
    # store the same pairs in the same order
    return sorted(pairs, key=lambda p: (p.a, p.b))


def _store_edges(con: duckdb.DuckDBPyConnection, edges: list[Edge]) -> None:
    if not edges:
        return
    con.register(
        "new_edges",
        pa.table(
            {
                "a": [e.a for e in edges],
                "b": [e.b for e in edges],
                "kind": [e.kind for e in edges],
                "jaccard": pa.array([e.jaccard for e in edges], pa.float64()),
                "containment": pa.array([e.containment for e in edges], pa.float64()),
                "small": [e.small for e in edges],
            }
        ),
    )
    con.execute(SQL["insert_edges"])
    con.unregister("new_edges")


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
        member = Member(article_id, *fields, size=shingle_count)
        info[article_id] = Info(title, member.based_on_url, shingle_count, member)
    return info


@dataclass
class Region:
    """The articles whose stories a load recomputes: all a chain of pairs connects to a changed one."""

    articles: set[str]
    edges: dict[tuple[str, str], Edge]
    # article -> (story id, matched article id) as stored before this load
    stored: dict[str, tuple[str, str | None]]


def _region(con: duckdb.DuckDBPyConnection, seeds: set[str]) -> Region:
    """Walk the pairs outwards from the seeds (and through stored stories, which pairs joined once)."""
    articles = set(seeds)
    edges: dict[tuple[str, str], Edge] = {}
    stored: dict[str, tuple[str, str | None]] = {}
    seen_stories: set[str] = set()
    frontier = sorted(seeds)
    while frontier:
        found: set[str] = set()
        for a, b, kind, jaccard, containment, small in _query_by_keys(con, "edges_touching", frontier):
            edges[(a, b)] = Edge(a, b, kind, jaccard, containment, small)
            found.update((a, b))
        for article_id, story_id, matched in _query_by_keys(con, "stories_of_articles", frontier):
            stored[article_id] = (story_id, matched)
        story_ids = sorted({stored[a][0] for a in frontier if a in stored} - seen_stories)
        seen_stories.update(story_ids)
        if story_ids:
            for article_id, story_id, matched in _query_by_keys(con, "members_of_stories", story_ids):
                stored[article_id] = (story_id, matched)
                found.add(article_id)
        frontier = sorted(found - articles)
        articles.update(found)
        if len(articles) > MAX_REGION:
            log.warning("story region cut at %d articles around %d changed ones", len(articles), len(seeds))
            for article_id, story_id, matched in _query_by_keys(con, "stories_of_articles", frontier):
                stored[article_id] = (story_id, matched)
            break
    return Region(articles, edges, stored)


def _story_ids(
    con: duckdb.DuckDBPyConnection, clusters: dict[str, list[str]], region: Region
) -> tuple[dict[str, str], set[str]]:
    """root -> story id: a cluster keeps the id most of its members had (ties: the smallest), a cluster whose
    ids another cluster kept gets "s" + its smallest member; returns the ids no cluster kept, too."""
    holders = {
        root: Counter(region.stored[m][0] for m in members if m in region.stored)
        for root, members in clusters.items()
    }
    order = sorted(clusters, key=lambda root: (-max(holders[root].values(), default=0), root))
    taken: set[str] = set()
    story_of: dict[str, str] = {}
    fresh: list[str] = []
    for root in order:
        for story_id, _ in sorted(holders[root].items(), key=lambda kv: (-kv[1], kv[0])):
            if story_id not in taken:
                story_of[root] = story_id
                taken.add(story_id)
                break
        else:
            fresh.append(root)
    if fresh:
        # "s" + an article id can be in use outside the region when that article left the story it named
        wanted = ["s" + root for root in fresh]
        outside = {
            story_id
            for article_id, story_id, _ in _query_by_keys(con, "members_of_stories", wanted)
            if article_id not in region.articles
        }
        for root in fresh:
            story_id = "s" + root
            n = 1
            while story_id in taken or story_id in outside:
                story_id, n = f"s{root}-{n}", n + 1
            story_of[root] = story_id
            taken.add(story_id)
    retired = {story_id for story_id, _ in region.stored.values()} - taken
    return story_of, retired


def link_stories(
    con: duckdb.DuckDBPyConnection,
    new_ids: list[str],
    texts: list[str] | None = None,
    signed: pa.Table | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Linked:
    """Index articles whose text is new or changed, match them against all others, and recompute the stories
    (and their originals) of every article connected to them.

    `new_ids` may hold articles indexed before (an updated or re-stripped text): their old keys and pairs are
    replaced. `texts`, when the caller has them, are the articles' texts as stored, in `new_ids` order:
    without them they are read back from core.articles, which scans every stored text. `signed`, rows in the
    same order, holds signatures made upstream (columns signature_algo, minhash, shingle_count, sentence_keys,
    signed_text_md5); a signature of another text or algorithm is not used: the text is signed here.
    `meanwhile`: work of the caller's that may use `con` while the stories are partitioned in Python (on a
    second thread; linking waits for it before it uses `con` again); it must not raise, and it may not run
    at all (the caller runs it after, once).
    """
    if not new_ids:
        return Linked(0, 0)
    if texts is not None and len(texts) != len(new_ids):
        raise ValueError(f"{len(texts)} texts for {len(new_ids)} new articles")
    if signed is not None and (texts is None or signed.num_rows != len(new_ids)):
        raise ValueError("signatures from upstream need the texts, one row per new article")
    if len(set(new_ids)) != len(new_ids):
        raise ValueError("an article is listed twice")
    indexed = [row[0] for row in _query_by_keys(con, "indexed_articles", new_ids)]
    seeds = set(new_ids)
    if indexed:
        # a changed text: its keys and pairs go, and the stories it was in are recomputed without them
        _query_by_keys(con, "drop_bands_of", indexed)
        _query_by_keys(con, "drop_sentence_keys_of", indexed)
        seeds.update(x for row in _query_by_keys(con, "drop_edges_of", indexed) for x in row)
    texts_signed = _index_new(con, new_ids, texts, signed)
    named = [(a, b) for a, b in _query_by_keys(con, "named_pairs", new_ids)]
    _store_edges(con, _verified_pairs(con, named))
    stories_new, copies = _recompute_stories(con, _region(con, seeds), set(new_ids) - set(indexed), meanwhile)
    return Linked(stories_new, copies, texts_signed)


def _recompute_stories(
    con: duckdb.DuckDBPyConnection,
    region: Region,
    new_set: set[str],
    meanwhile: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Partition the region from its pairs, store memberships that changed and re-choose the originals;
    returns (stories made, new articles that joined a story as copies)."""
    info = _article_info(con, sorted(region.articles))
    sizes = {article_id: i.shingle_count for article_id, i in info.items()}

    def attach_score(small: str, large: str, edge: Edge) -> tuple:
        s, g = info.get(small), info.get(large)
        if s is None or g is None:
            return (False, 0.0, edge.containment, edge.jaccard)
        return (
            s.based_on_url == g.member.url,
            round(dedupe.title_resemblance(s.title, g.title), 2),
            edge.containment,
            edge.jaccard,
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        if meanwhile is not None:
            pool.submit(meanwhile)
        # pure Python, `con` untouched: leaving the block waits for `meanwhile`, which may use it
        roots = dedupe.partition_stories(region.articles, region.edges.values(), sizes, attach_score)
    clusters: dict[str, list[str]] = {}
    for article_id in sorted(roots):
        clusters.setdefault(roots[article_id], []).append(article_id)
    story_of, retired = _story_ids(con, clusters, region)
    # each member's closest pair inside its story, for story_members.matched_article_id
    best_match: dict[str, tuple[str, float, float]] = {}
    for e in sorted(region.edges.values(), key=lambda e: (e.a, e.b)):
        if roots[e.a] != roots[e.b]:
            continue
        for this, other in ((e.a, e.b), (e.b, e.a)):
            if this not in best_match or e.jaccard > best_match[this][1]:
                best_match[this] = (other, e.jaccard, e.containment)
    member_rows = []
    stories_new = copies = 0
    for root, members in clusters.items():
        story_id = story_of[root]
        is_fresh = not any(region.stored.get(m, ("",))[0] == story_id for m in members)
        stories_new += is_fresh
        copies += max(0, sum(m in new_set for m in members) - (1 if is_fresh else 0))
        for m in members:
            match = best_match.get(m)
            if region.stored.get(m) != (story_id, match[0] if match else None):
                member_rows.append((m, story_id, *(match or (None, None, None))))
    if member_rows:
        con.register(
            "member_rows",
            pa.table(
                {
                    "article_id": [r[0] for r in member_rows],
                    "story_id": [r[1] for r in member_rows],
                    "matched_article_id": pa.array([r[2] for r in member_rows], pa.string()),
                    "similarity": pa.array([r[3] for r in member_rows], pa.float64()),
                    "containment": pa.array([r[4] for r in member_rows], pa.float64()),
                }
            ),
        )
        con.execute(SQL["upsert_members"])
        con.unregister("member_rows")
    if retired:
        _query_by_keys(con, "drop_orphan_originals", sorted(retired))
    _choose_originals(con, {story_of[root]: members for root, members in clusters.items()}, info)
    return stories_new, copies


@dataclass(frozen=True)
class Member:
    """What choose_original weighs about one article of a story."""

    article_id: str
    url: str
    outlet_id: str
    site_name: str | None
    source_credit: str | None
    based_on_url: str | None
    # seconds since the epoch: DuckDB makes a tz-aware Python datetime per TIMESTAMPTZ value, a cost per
    # value, and ranking only compares them
    published_s: float | None
    published_at_source: str | None
    fetched_s: float | None
    # the text's shingle count: a lead or a teaser of the story is not its original
    size: int = 0


# sources that say when a page was put up, not when the story was written
WEAK_DATE_SOURCES = {"sitemap", "lastmod", "htmldate", "http", None}


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    # a story's ranking compares each credit with every member's names: a few distinct strings, many times
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _keys_match(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if not short:
        return False
    # "ap" names "apnews", not "japantimes": a short name must open the other
    return long.startswith(short) if len(short) < 4 else short in long


def _names_match(credit: str, member: Member) -> bool:
    credit_key = _name_key(credit)
    keys = (_name_key(member.outlet_id), _name_key(member.site_name or ""))
    return any(_keys_match(credit_key, k) for k in keys)


def choose_original(members: list[Member]) -> tuple[str, str]:
    """Pick a story's original, (article_id, reason): attribution to a member first, then a full text over a
    part of one, then the earliest trusted time.

    A credit or a source link counts only when it names another member: a wire credit inside the only full
    text ("(AP) —", "— AP") does not make it a copy of an outlet the story does not hold.
    """
    # members come in a query's order: sorted, the reason kept among several is the same on every load
    members = sorted(members, key=lambda m: m.article_id)
    by_url = {m.url: m for m in members}
    votes: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    names_member: set[str] = set()
    for m in members:
        if m.based_on_url and m.based_on_url in by_url and by_url[m.based_on_url].article_id != m.article_id:
            votes[by_url[m.based_on_url].article_id] += 3
            reasons[by_url[m.based_on_url].article_id] = "named by a copy's canonical/isBasedOn/source link"
            names_member.add(m.article_id)
        if m.source_credit:
            for other in members:
                if other.article_id != m.article_id and _names_match(m.source_credit, other):
                    votes[other.article_id] += 2
                    reasons.setdefault(other.article_id, f"credited as {m.source_credit!r}")
                    if not _names_match(m.source_credit, m):
                        names_member.add(m.article_id)
    largest = max((m.size for m in members), default=0)

    def rank(m: Member) -> tuple:
        partial = m.size < PARTIAL_SHARE * largest
        links_elsewhere = bool(m.based_on_url and m.based_on_url != m.url)
        trusted = m.published_s if m.published_at_source not in WEAK_DATE_SOURCES else None
        return (
            -votes[m.article_id],
            m.article_id in names_member,
            partial,
            links_elsewhere,
            trusted if trusted is not None else float("inf"),
            m.fetched_s if m.fetched_s is not None else float("inf"),
            m.article_id,
        )

    best = min(members, key=rank)
    if best.article_id in reasons and votes[best.article_id]:
        return best.article_id, reasons[best.article_id]
    if best.published_s is not None and best.published_at_source not in WEAK_DATE_SOURCES:
        return best.article_id, "earliest published full text without attribution to another member"
    return best.article_id, "earliest fetched full text"


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
