"""Stories do not depend on the order articles arrive in: any arrival order, over any number of loads, gives
the partition that loading everything at once gives (warehouse/stories.py over core.story_edges)."""

from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.tasks.dedupe import Edge, partition_stories
from copydesk.warehouse import stories
from copydesk.warehouse.store import load_lock, open_loader
from tests.test_stories import add, story_text

ORIGINAL, FOLLOWED, OTHER, DIGEST_OWN = (story_text(seed) for seed in (61, 62, 64, 65))
LONG = story_text(66, sentences=50)


def _edited(lines: list[str]) -> list[str]:
    # a partner's edit: two sentences dropped, one reworded
    return [*lines[:3], lines[3].replace("reviewed", "examined"), *lines[5:9], *lines[10:]]


# (article id, outlet, lines, hours after the first publication): every kind of copy and non-copy
CORPUS: dict[str, tuple[str, list[str], int]] = {
    "o1": ("wire", ORIGINAL, 0),
    "c1": ("aggregator", [*ORIGINAL, "Try the Aggregator app for more stories like this one today."], 2),
    "t1": ("briefs", ORIGINAL[:3], 3),
    "e1": ("partner", _edited(ORIGINAL), 4),
    "o2": ("wire", FOLLOWED, 1),
    "t2": ("briefs", FOLLOWED[:3], 5),
    "f2": ("metro", [*story_text(67), *FOLLOWED[:3]], 30),  # a follow-up quoting the lead of o2
    "o3": ("longform", LONG, 0),
    "l3": ("briefs", LONG[:3], 6),  # three sentences of a fifty-sentence story
    "d1": ("digest", [ORIGINAL[0], FOLLOWED[0], LONG[0], *DIGEST_OWN[:4]], 8),
    "x1": ("wire", OTHER, 9),
}
TRUE_STORIES = [{"o1", "c1", "t1", "e1"}, {"o2", "t2"}, {"f2"}, {"o3", "l3"}, {"d1"}, {"x1"}]


def _partition(con: duckdb.DuckDBPyConnection) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article_id, story_id in con.execute("SELECT article_id, story_id FROM core.story_members").fetchall():
        groups.setdefault(story_id, set()).add(article_id)
    return {frozenset(g) for g in groups.values()}


def _load_in_batches(warehouse: Path, batches: list[list[str]]) -> tuple[set[frozenset[str]], dict[str, str]]:
    """Link the corpus batch by batch (one load each); (the partition, story id -> its original)."""
    with load_lock(warehouse, 10, "test"):
        con = open_loader(warehouse)
        try:
            for batch in batches:
                for article_id in batch:
                    outlet, lines, hours = CORPUS[article_id]
                    add(con, article_id, outlet, lines, hours)
                stories.link_stories(con, batch)
            originals = dict(
                con.execute("SELECT story_id, original_article_id FROM core.story_originals").fetchall()
            )
            return _partition(con), originals
        finally:
            con.close()


def test_everything_at_once_folds_each_kind_of_copy_and_keeps_look_alikes_apart(tmp_path: Path) -> None:
    partition, _ = _load_in_batches(tmp_path, [sorted(CORPUS)])
    assert partition == {frozenset(s) for s in TRUE_STORIES}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(sorted(CORPUS)), cuts=st.sets(st.integers(1, len(CORPUS) - 1), max_size=5))
def test_any_arrival_order_over_any_runs_gives_the_same_stories(
    tmp_path_factory: object, order: list[str], cuts: set[int]
) -> None:
    bounds = [0, *sorted(cuts), len(order)]
    batches = [order[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    warehouse = tmp_path_factory.mktemp("order")  # type: ignore[attr-defined]
    partition, originals = _load_in_batches(warehouse, batches)
    assert partition == {frozenset(s) for s in TRUE_STORIES}
    # the original of each story is the same too: the wire's full text, never a lead that came first
    assert set(originals.values()) == {"o1", "o2", "f2", "o3", "d1", "x1"}


@given(
    edges=st.lists(
        st.tuples(
            st.sampled_from("abcdefgh"),
            st.sampled_from("abcdefgh"),
            st.sampled_from(["resembles", "contained"]),
            st.floats(0, 1),
        ),
        max_size=14,
    ),
    shuffle=st.randoms(use_true_random=False),
)
def test_partition_is_a_function_of_the_pairs_not_of_their_order(edges: list, shuffle: object) -> None:
    sizes = {n: (ord(n) * 37) % 11 + 1 for n in "abcdefgh"}
    pairs = [
        Edge(min(a, b), max(a, b), kind, j, j, min((a, b), key=lambda n: (sizes[n], n)))
        for a, b, kind, j in edges
        if a != b
    ]
    unique = list({(e.a, e.b): e for e in pairs}.values())
    shuffled = list(unique)
    shuffle.shuffle(shuffled)  # type: ignore[attr-defined]

    def score(small: str, large: str, edge: Edge) -> tuple:
        return (round(edge.containment, 1),)

    nodes = sorted("abcdefgh")
    assert partition_stories(nodes, unique, sizes, score) == partition_stories(
        reversed(nodes), shuffled, sizes, score
    )
