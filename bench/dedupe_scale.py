"""Incremental dedupe cost at warehouse scale: articles/s of link_stories against 10k .. 1M stored articles.

Run: `.venv/bin/python -m bench.dedupe_scale [--background N] [--batch M] [--batches K] [--keep DIR]`
(defaults: 1,000,000 background articles, batches of 1,000, 3 per size; 5-10 minutes on 2 shared cores).
Writes bench/results/dedupe_scale.md (or --out).

Background: N generated English-like stories (the Zipf vocabulary of bench.dedupe_methods.TextMaker, 150-1,500
words, ~3.1 KiB), each signed by the real tasks.dedupe code (signatures, band_keys, sentence_keys) in worker
processes and bulk-inserted with Arrow into a loader file made by warehouse.store.open_loader: core.articles
(full texts), core.signatures, core.lsh_bands (32 keys per article), core.sentence_keys and one singleton
story per article in core.story_members / core.story_originals, as earlier loads would have left them. So the
key fan-out, the candidates among unrelated texts and the table sizes are those of real signing, not drawn.

Measured step, at each background size (10k, 100k, then N): a fresh process opens the loader file, inserts a
batch of M new articles into core.articles and calls warehouse.stories.link_stories(con, new_ids) inside a
transaction, then rolls it back (so every batch sees the same background). 30 % of a batch are copies of
background articles (full with aggregator chrome, edited, truncated to two paragraphs; bench.dedupe_methods'
transforms), 70 % fresh stories. Scored: planted copies that joined their original's story (recall), fresh
articles linked to anything and background articles pulled into another story (false links). link_stories
runs on a thin connection wrapper that times each statement, so the table also says where the time goes.
"""

import argparse
import concurrent.futures as cf
import hashlib
import multiprocessing
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from bench.dedupe_methods import FUNCTION_WORDS, TextMaker, boilerplated, edited, truncated
from copydesk.tasks import dedupe, signing
from copydesk.tasks.signing import TextSignature, minhash_column, signature_table, text_signatures
from copydesk.warehouse import stories
from copydesk.warehouse.store import loader_path, open_loader

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "dedupe_scale.md"
SEED = 20251128
STAGES = (10_000, 100_000, 1_000_000)
CHUNK = 5_000
COPY_SHARE = 0.3
COPY_KINDS = ("full", "edited", "truncated")
BACKGROUND_OUTLETS = 50
CHECKPOINT_EVERY = 250_000
START = datetime(2025, 1, 1, tzinfo=UTC)
# keys of fresh-story text streams, far from the background's chunk keys
FRESH_KEY = 1 << 40


# ---------------------------------------------------------------- text


class StoryTexts:
    """Deterministic news-like texts, vectorised: TextMaker's vocabulary, ~45 % function words, 10-27 word
    sentences, a title line, paragraphs of one to a few sentences; `texts(key, n)` is a pure function."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        maker = TextMaker(seed)
        vocab = FUNCTION_WORDS + maker.en_words
        self.function_words = len(FUNCTION_WORDS)
        self.cdf = maker.cdf_en
        self.size = len(vocab)
        # a token per (word, form): "w ", "W " (sentence start), "w. " (sentence end), "w.\n" (paragraph end)
        forms = [
            [w + " " for w in vocab],
            [w.capitalize() + " " for w in vocab],
            [w + ". " for w in vocab],
            [w + ".\n" for w in vocab],
        ]
        self.tokens = np.array([t for form in forms for t in form], dtype=object)

    def texts(self, key: int, count: int) -> list[str]:
        rng = np.random.default_rng([self.seed, key])
        words = np.clip(rng.lognormal(np.log(560), 0.45, count), 150, 1500).astype(np.int64)
        total = int(words.sum())
        lengths = rng.integers(10, 28, total // 10 + 2 * count + 10)
        ends = np.cumsum(lengths)
        # a document ends with the first sentence that reaches its share of words
        last = np.searchsorted(ends, np.cumsum(words))
        total = int(ends[last[-1]])
        ends = ends[: last[-1] + 1]
        starts = np.concatenate([[0], ends[:-1]])
        content = self.function_words + np.minimum(
            np.searchsorted(self.cdf, rng.random(total)), self.size - self.function_words - 1
        )
        idx = np.where(rng.random(total) < 0.45, rng.integers(0, self.function_words, total), content)
        first = np.zeros(len(ends), dtype=bool)
        first[np.concatenate([[0], last[:-1] + 1])] = True
        paragraph = (rng.random(len(ends)) < 0.35) | first
        idx[starts] += self.size
        idx[ends - 1] += np.where(paragraph, 3, 2) * self.size
        tokens = self.tokens[idx].tolist()
        bounds = np.concatenate([[0], ends[last]]).tolist()
        return ["".join(tokens[bounds[i] : bounds[i + 1]]).rstrip() for i in range(count)]


_TEXTS: dict[int, StoryTexts] = {}


def _story_texts(seed: int) -> StoryTexts:
    if seed not in _TEXTS:
        _TEXTS[seed] = StoryTexts(seed)
    return _TEXTS[seed]


def background_id(i: int) -> tuple[str, str, str]:
    """(article_id, url, outlet_id) of background article i; the id is the url's sha1, 16 hex, as loaded."""
    outlet = f"bg{i % BACKGROUND_OUTLETS:02d}"
    url = f"https://{outlet}.example/news/{i}"
    return hashlib.sha1(url.encode()).hexdigest()[:16], url, outlet


@dataclass
class Chunk:
    """Background articles [start, start + count) with what _index_new would have stored for them."""

    start: int
    ids: list[str]
    urls: list[str]
    outlets: list[str]
    texts: list[str]
    sigs: np.ndarray
    shingles: np.ndarray
    bands: np.ndarray
    sentence_keys: np.ndarray
    sentence_counts: np.ndarray


def sign_background(seed: int, start: int, count: int) -> Chunk:
    """Generate and sign one chunk of background articles with the loader's own functions."""
    texts = _story_texts(seed).texts(start, count)
    ids, urls, outlets = zip(*(background_id(i) for i in range(start, start + count)), strict=True)
    sigs, shingles = dedupe.signatures(texts)
    keys = [dedupe.sentence_keys(t) for t in texts]
    return Chunk(
        start,
        list(ids),
        list(urls),
        list(outlets),
        texts,
        sigs,
        shingles,
        dedupe.band_keys(sigs),
        np.array([k for ks in keys for k in ks], dtype=np.int64),
        np.array([len(ks) for ks in keys], dtype=np.int32),
    )


# ---------------------------------------------------------------- building the background


def insert_background(con: duckdb.DuckDBPyConnection, chunk: Chunk) -> None:
    """Store a signed chunk as earlier loads would have: article rows, index rows, singleton stories."""
    n = len(chunk.ids)
    ids = pa.array(chunk.ids, pa.string())
    published = np.datetime64(START.replace(tzinfo=None)) + np.arange(
        chunk.start * 30, (chunk.start + n) * 30, 30
    ).astype("timedelta64[s]")
    articles = pa.table(
        {
            "article_id": ids,
            "url": chunk.urls,
            "outlet_id": chunk.outlets,
            "title": [t.split("\n", 1)[0] for t in chunk.texts],
            "text": chunk.texts,
            "language": ["en"] * n,
            "word_count": pa.array([t.count(" ") + 1 for t in chunk.texts], pa.int32()),
            "published_at": pa.array(published, pa.timestamp("s", tz="UTC")),
            "published_at_source": ["jsonld"] * n,
            "fetched_at": pa.array(published + np.timedelta64(600, "s"), pa.timestamp("s", tz="UTC")),
        }
    )
    signatures = pa.table(
        {
            "article_id": ids,
            "algo": [dedupe.SIGNATURE_ALGO] * n,
            "shingle_count": pa.array(chunk.shingles.astype(np.int32)),
            "sentence_count": pa.array(chunk.sentence_counts),
            "minhash": minhash_column(chunk.sigs),
        }
    )
    id_column = np.array(chunk.ids, dtype=object)
    bands = pa.table(
        {
            "band_key": pa.array(chunk.bands.reshape(-1)),
            "article_id": pa.array(np.repeat(id_column, chunk.bands.shape[1]), pa.string()),
        }
    )
    sentences = pa.table(
        {
            "sentence_key": pa.array(chunk.sentence_keys),
            "article_id": pa.array(np.repeat(id_column, chunk.sentence_counts), pa.string()),
        }
    )
    for name, table in (("bg_articles", articles), ("bg_signatures", signatures), ("bg_bands", bands),
                        ("bg_sentences", sentences)):  # fmt: skip
        con.register(name, table)
    con.execute("INSERT INTO core.articles BY NAME SELECT * FROM bg_articles")
    con.execute("INSERT INTO core.signatures SELECT * FROM bg_signatures")
    con.execute("INSERT INTO core.lsh_bands SELECT band_key, article_id FROM bg_bands")
    con.execute("INSERT INTO core.sentence_keys SELECT sentence_key, article_id FROM bg_sentences")
    con.execute(
        "INSERT INTO core.story_members SELECT article_id, 's' || article_id, NULL, NULL, NULL, fetched_at "
        "FROM bg_articles"
    )
    con.execute(
        "INSERT INTO core.story_originals SELECT 's' || article_id, article_id, "
        "'earliest published without attribution to another outlet' FROM bg_articles"
    )
    for name in ("bg_articles", "bg_signatures", "bg_bands", "bg_sentences"):
        con.unregister(name)


INDEX_TABLES = ("articles", "signatures", "lsh_bands", "sentence_keys", "story_members", "story_originals")


def table_bytes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Bytes of the 256 KiB blocks each core table's persistent segments occupy (after a CHECKPOINT)."""
    block = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    out = {}
    for table in INDEX_TABLES:
        # long strings (article text) live in overflow blocks listed beside the segment's own block
        blocks = con.execute(
            f"""
            WITH info AS (SELECT block_id, additional_block_ids FROM pragma_storage_info('core.{table}'))
            SELECT count(DISTINCT b) FROM (
                SELECT block_id AS b FROM info WHERE block_id >= 0
                UNION ALL SELECT unnest(additional_block_ids) FROM info
            )
            """
        ).fetchone()[0]
        out[table] = blocks * block
    used, free = con.execute("SELECT used_blocks, free_blocks FROM pragma_database_size()").fetchone()
    # what is neither table data nor free: the primary-key (ART) indexes and the catalog
    out["indexes + metadata"] = used * block - sum(out.values())
    out["free blocks"] = free * block
    return out


def isolated_bytes(con: duckdb.DuckDBPyConnection, table: str, scratch: Path) -> int:
    """Size of a DuckDB file holding only a copy of one table, less an empty file: its exact cost on disk."""
    sizes = []
    for copy in (False, True):
        path = scratch / f"{table}-{int(copy)}.duckdb"
        path.unlink(missing_ok=True)
        # ATTACH takes no parameters; the path is our own scratch file
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS iso")
        if copy:
            con.execute(f"CREATE TABLE iso.t AS SELECT * FROM core.{table}")
        else:
            con.execute(f"CREATE TABLE iso.t AS SELECT * FROM core.{table} LIMIT 0")
        con.execute("DETACH iso")
        sizes.append(path.stat().st_size)
        path.unlink()
    return sizes[1] - sizes[0]


# ---------------------------------------------------------------- the measured step


class _TimedResult:
    def __init__(self, result: Any, name: str, stats: "StatementStats") -> None:
        self._result, self._name, self._stats = result, name, stats

    def fetchall(self) -> list[tuple]:
        start = time.perf_counter()
        rows = self._result.fetchall()
        self._stats.add(self._name, time.perf_counter() - start, len(rows))
        return rows

    def to_arrow_table(self) -> pa.Table:
        start = time.perf_counter()
        table = self._result.to_arrow_table()
        self._stats.add(self._name, time.perf_counter() - start, table.num_rows)
        return table

    def fetchone(self) -> tuple | None:
        start = time.perf_counter()
        row = self._result.fetchone()
        self._stats.add(self._name, time.perf_counter() - start, 0)
        return row


@dataclass
class StatementStats:
    """Seconds, calls and fetched rows per statement of link_stories."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float, rows: int, call: bool = False) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.rows[name] = self.rows.get(name, 0) + rows
        if call:
            self.calls[name] = self.calls.get(name, 0) + 1


# signing the new texts: Python work per new article that no warehouse size changes, booked apart
SIGNING = "sign_texts (Python: fold, shingles, MinHash, sentence keys)"


class TimedSigning:
    """Books the loader's signing.sign_texts calls in a StatementStats while in effect (a bench wrapper)."""

    def __init__(self, stats: "StatementStats") -> None:
        self._stats, self._real = stats, signing.sign_texts

    def _sign(self, texts: list[str]) -> Any:
        start = time.perf_counter()
        out = self._real(texts)
        self._stats.add(SIGNING, time.perf_counter() - start, len(texts))
        return out

    def __enter__(self) -> "TimedSigning":
        signing.sign_texts = self._sign
        return self

    def __exit__(self, *exc: object) -> None:
        signing.sign_texts = self._real


class TimedConnection:
    """Passes calls to a DuckDB connection, booking their time under the statement's name in stories.SQL."""

    def __init__(self, con: duckdb.DuckDBPyConnection, stats: StatementStats) -> None:
        self._con = con
        self._stats = stats
        self._names = {sql.strip(): name for name, sql in getattr(stories, "SQL", {}).items()}

    def _name(self, sql: str) -> str:
        text = sql.strip()
        return self._names.get(text) or " ".join(text.split())[:48]

    def execute(self, sql: str, params: Any = None) -> _TimedResult:
        name = self._name(sql)
        start = time.perf_counter()
        result = self._con.execute(sql) if params is None else self._con.execute(sql, params)
        self._stats.add(name, time.perf_counter() - start, 0, call=True)
        return _TimedResult(result, name, self._stats)

    def executemany(self, sql: str, params: Any) -> Any:
        name = self._name(sql)
        start = time.perf_counter()
        result = self._con.executemany(sql, params)
        self._stats.add(name, time.perf_counter() - start, 0, call=True)
        return result

    def register(self, name: str, table: Any) -> Any:
        start = time.perf_counter()
        result = self._con.register(name, table)
        self._stats.add("(register/unregister arrow)", time.perf_counter() - start, 0, call=True)
        return result

    def unregister(self, name: str) -> Any:
        start = time.perf_counter()
        result = self._con.unregister(name)
        self._stats.add("(register/unregister arrow)", time.perf_counter() - start, 0)
        return result

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._con, attr)


class RssSampler:
    """Peak resident set size of this process, sampled every 20 ms while running."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            self._stop.wait(0.02)

    def __enter__(self) -> "RssSampler":
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


@dataclass
class BatchResult:
    """One link_stories call on a batch."""

    seconds: float
    new: int
    copies: int
    copies_found: int
    copies_wrong: int
    fresh_linked: int
    background_merged: int
    candidates: int
    stories_new: int
    copies_linked: int
    peak_rss: int
    found_by_kind: dict[str, list[int]]
    statements: StatementStats


@dataclass
class StageResult:
    """Everything measured at one background size."""

    background: int
    batches: list[BatchResult]
    table_bytes: dict[str, int]
    band_bytes_exact: int
    file_bytes: int
    memory_limit: str
    load_average: tuple[float, float]
    # > 0: this background is that many copies of a generated one (see replicate)
    copies_of: int = 0

    @property
    def warm(self) -> list[BatchResult]:
        """The batches after the first (which also reads the tables into DuckDB's buffers)."""
        return self.batches[1:] or self.batches


@dataclass(frozen=True)
class Batches:
    """How each background size is measured: `count` batches of `size` new articles drawn with `seed`.

    The loader gets the new articles' signatures from the extraction workers (tasks.signing), who sign each
    text less the boilerplate the last load learned for its outlet; a text the loader's own strip leaves
    different (blocks this very load learns) is signed again: `resign_share` of each batch is handed over
    without a signature. 0 by default: on bench.stories' generated web the second run's load kept all 1,225
    workers' signatures although it stripped boilerplate from 546 of those texts; its first run, learning
    every outlet's boilerplate cold, re-signed 2,445 of 6,128 (0.40). `read_texts`: no texts and no
    signatures, so link_stories reads the texts back and signs them all.
    """

    size: int
    count: int
    seed: int = SEED
    read_texts: bool = False
    resign_share: float = 0.0


def _upstream_signatures(texts: list[str], share: float, rng: np.random.Generator) -> pa.Table:
    """The signatures the extraction workers made of texts, with `share` of them voided by the load."""
    signatures: list[TextSignature | None] = list(text_signatures(texts))
    for i in rng.choice(len(texts), round(share * len(texts)), replace=False):
        signatures[int(i)] = None
    return signature_table(signatures)


def _new_articles(
    con: duckdb.DuckDBPyConnection, size: int, batch: int, index: int, seed: int
) -> tuple[pa.Table, dict[str, tuple[str, str]], list[str]]:
    """A batch: copies of random background articles (id -> (original id, kind)) and fresh stories."""
    rng = np.random.default_rng([seed, size, index])
    n_copies = round(batch * COPY_SHARE)
    picked = rng.choice(size, n_copies, replace=False)
    original_ids = [background_id(int(i))[0] for i in picked]
    texts_of = dict(
        con.execute(
            "SELECT article_id, text FROM core.articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [original_ids],
        ).fetchall()
    )
    maker = TextMaker(seed + index)
    rows: list[tuple[str, str, str, str]] = []
    copy_of: dict[str, tuple[str, str]] = {}
    for j, original in enumerate(original_ids):
        kind = COPY_KINDS[j % len(COPY_KINDS)]
        text = texts_of[original]
        if kind == "full":
            copy = boilerplated(text, "en")
        elif kind == "edited":
            copy = edited(maker, text, "en")
        else:
            copy = truncated(text, 2, "en")
        url = f"https://copier{j % 5}.example/{size}/{index}/{kind}/{j}"
        article_id = hashlib.sha1(url.encode()).hexdigest()[:16]
        rows.append((article_id, url, f"copier{j % 5}", copy))
        copy_of[article_id] = (original, kind)
    fresh_texts = _story_texts(seed).texts(FRESH_KEY + size * 1000 + index, batch - n_copies)
    fresh = []
    for j, text in enumerate(fresh_texts):
        url = f"https://fresh{j % 5}.example/{size}/{index}/{j}"
        article_id = hashlib.sha1(url.encode()).hexdigest()[:16]
        rows.append((article_id, url, f"fresh{j % 5}", text))
        fresh.append(article_id)
    now = datetime.now(UTC)
    table = pa.table(
        {
            "article_id": [r[0] for r in rows],
            "url": [r[1] for r in rows],
            "outlet_id": [r[2] for r in rows],
            "title": [r[3].split("\n", 1)[0] for r in rows],
            "text": [r[3] for r in rows],
            "language": ["en"] * len(rows),
            "word_count": pa.array([r[3].count(" ") + 1 for r in rows], pa.int32()),
            "published_at": pa.array([now - timedelta(minutes=5)] * len(rows), pa.timestamp("us", tz="UTC")),
            "published_at_source": ["jsonld"] * len(rows),
            "fetched_at": pa.array([now] * len(rows), pa.timestamp("us", tz="UTC")),
        }
    )
    return table, copy_of, fresh


def _score(
    con: duckdb.DuckDBPyConnection, copy_of: dict[str, tuple[str, str]], fresh: list[str]
) -> dict[str, Any]:
    new_ids = [*copy_of, *fresh]
    story = dict(
        con.execute(
            "SELECT article_id, story_id FROM core.story_members "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [new_ids],
        ).fetchall()
    )
    sizes = dict(
        con.execute(
            "SELECT story_id, count(*) FROM core.story_members "
            "WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id",
            [sorted({s for s in story.values() if s is not None})],
        ).fetchall()
    )
    by_kind: dict[str, list[int]] = {k: [0, 0] for k in COPY_KINDS}
    wrong = 0
    for copy, (original, kind) in copy_of.items():
        by_kind[kind][1] += 1
        if story.get(copy) == "s" + original:
            by_kind[kind][0] += 1
        elif story.get(copy) is not None and sizes[story[copy]] > 1:
            wrong += 1
    fresh_linked = sum(1 for f in fresh if story.get(f) != "s" + f or sizes.get(story[f], 0) > 1)
    # every background article starts as its own story; any other story id means something pulled it in
    merged = con.execute(
        "SELECT count(*) FROM core.story_members WHERE story_id <> 's' || article_id "
        "AND article_id NOT IN (SELECT unnest(?::VARCHAR[]))",
        [new_ids],
    ).fetchone()[0]
    return {"by_kind": by_kind, "wrong": wrong, "fresh_linked": fresh_linked, "merged": merged}


def measure_stage(
    warehouse: str, size: int, plan: Batches, pick: int | None = None, memory_limit: str | None = None
) -> dict[str, Any]:
    """In a fresh process (clean RSS, cold DuckDB buffers): link `batches` batches, each rolled back."""
    load_before = os.getloadavg()[0]
    con = open_loader(Path(warehouse), *([memory_limit] if memory_limit else []))
    con.execute("SET enable_progress_bar = false")
    memory_limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    results = []
    for index in range(plan.count):
        # a replicated background draws its batches (copies' originals) from the generated first copy
        table, copy_of, fresh = _new_articles(con, pick or size, plan.size, index, plan.seed)
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("bench_new", table)
            new_ids = [
                r[0]
                for r in con.execute(
                    "INSERT INTO core.articles BY NAME SELECT * FROM bench_new RETURNING article_id"
                ).fetchall()
            ]
            con.unregister("bench_new")
            text_of = dict(zip(table["article_id"].to_pylist(), table["text"].to_pylist(), strict=True))
            # the loader hands link_stories the texts it just inserted and the workers' signatures of them;
            # --read-texts measures the fallback that reads the texts back from core.articles and signs them
            texts = None if plan.read_texts else [text_of[i] for i in new_ids]
            signed = None
            if texts is not None:
                rng = np.random.default_rng([plan.seed, size, index, 1])
                signed = _upstream_signatures(texts, plan.resign_share, rng)
            stats = StatementStats()
            timed = TimedConnection(con, stats)
            with RssSampler() as rss, TimedSigning(stats):
                t0 = time.perf_counter()
                linked = stories.link_stories(timed, new_ids, texts, signed)  # type: ignore[arg-type]
                seconds = time.perf_counter() - t0
            score = _score(con, copy_of, fresh)
        finally:
            con.execute("ROLLBACK")
        results.append(
            BatchResult(
                seconds=seconds,
                new=len(new_ids),
                copies=len(copy_of),
                copies_found=sum(found for found, _ in score["by_kind"].values()),
                copies_wrong=score["wrong"],
                fresh_linked=score["fresh_linked"],
                background_merged=score["merged"],
                candidates=stats.rows.get("candidates", 0),
                stories_new=linked.stories_new,
                copies_linked=linked.copies_linked,
                peak_rss=rss.peak,
                found_by_kind=score["by_kind"],
                statements=stats,
            )
        )
    con.close()
    return {
        "batches": results,
        "load_average": (load_before, os.getloadavg()[0]),
        "memory_limit": memory_limit,
    }


# ---------------------------------------------------------------- driver


def background_j0(seed: int, docs: int = 150) -> float:
    """Mean exact Jaccard of 8-character shingle sets over pairs of unrelated background texts."""
    shingles = [dedupe.shingle_hashes(t) for t in _story_texts(seed).texts(FRESH_KEY - 1, docs)]
    values = []
    for a in range(docs):
        for b in range(a + 1, docs):
            common = len(np.intersect1d(shingles[a], shingles[b], assume_unique=True))
            values.append(common / (len(shingles[a]) + len(shingles[b]) - common))
    return float(np.mean(values))


def code_revision() -> str:
    """The commit measured, and which measured modules differed from it (others work in this checkout)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "warehouse", "tasks"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.split("\n")  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"{head}" + (f" with uncommitted changes in {', '.join(changed)}" if changed else "")


def stages_for(background: int, stages: list[int] | None) -> list[int]:
    chosen = [s for s in (STAGES if stages is None else stages) if 0 < s < background]
    return [*chosen, background]


@dataclass
class Report:
    """A whole run."""

    background: int
    batch: int
    batches: int
    stages: list[StageResult]
    build_seconds: float
    signed_per_second: float
    text_bytes: float
    sentence_keys_per_article: float
    j0: float
    code: str = ""
    total_seconds: float = 0.0
    reused: int = 0
    read_texts: bool = False
    resign_share: float = 0.0
    command: str = ""


def _measure_at(
    warehouse: Path,
    stage: int,
    plan: Batches,
    scratch: Path,
    ctx: Any,
    pick: int | None = None,
    copies_of: int = 0,
    memory_limit: str | None = None,
) -> StageResult:
    """Sizes of the (closed) loader file at `warehouse`, then link_stories measured in a fresh process."""
    con = open_loader(warehouse)
    try:
        sizes = table_bytes(con)
        band_exact = isolated_bytes(con, "lsh_bands", scratch)
    finally:
        con.close()
    file_bytes = loader_path(warehouse).stat().st_size
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as child:
        measured = child.submit(measure_stage, str(warehouse), stage, plan, pick, memory_limit).result()
    return StageResult(
        background=stage,
        batches=measured["batches"],
        table_bytes=sizes,
        band_bytes_exact=band_exact,
        file_bytes=file_bytes,
        load_average=measured["load_average"],
        memory_limit=measured["memory_limit"],
        copies_of=copies_of,
    )


REPLICATED_TABLES = (
    "articles",
    "signatures",
    "lsh_bands",
    "sentence_keys",
    "story_members",
    "story_originals",
)


def replicate(source: Path, target: Path, times: int, seed: int) -> int:
    """A loader file holding `times` copies of the background in `source`: every core index table `times` as
    long, for measuring scans at a size too slow to generate and sign here. Copy r > 0 has new random hex ids
    (spread over the whole id range like sha1 ones, so no zone map skips a copy's rows), no texts
    (link_stories does not read old texts when given the new ones) and its band and sentence keys XORed with
    a salt of its own, so copies never collide with each other: the tables grow, band collisions among
    unrelated texts stay those of one copy. Returns the articles in the new file."""
    target.mkdir(parents=True, exist_ok=True)
    con = open_loader(target)
    con.execute("SET enable_progress_bar = false")
    con.execute("SET checkpoint_threshold = '1TB'")
    # building, not measuring: primary-key indexes over random ids outgrow the loader's 400 MB cap
    con.execute("SET memory_limit = '8GB'")
    # ATTACH takes no parameters; the path is the bench's own kept file
    quoted = str(loader_path(source)).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS src (READ_ONLY)")
    rng = np.random.default_rng([seed, times])
    for r in range(times):
        prefix = f"copy {r} of "
        salt = int(rng.integers(-(2**63), 2**63 - 1)) if r else 0
        new_id = "article_id" if r == 0 else "substr(md5(? || article_id), 1, 16)"
        ids = [] if r == 0 else [prefix]
        statements = {
            "articles": f"INSERT INTO core.articles SELECT * REPLACE ({new_id} AS article_id"
            + (", NULL AS text" if r else "")
            + ") FROM src.core.articles",
            "signatures": f"INSERT INTO core.signatures SELECT * REPLACE ({new_id} AS article_id) "
            "FROM src.core.signatures",
            "lsh_bands": f"INSERT INTO core.lsh_bands SELECT xor(band_key, ?), {new_id} "
            "FROM src.core.lsh_bands",
            "sentence_keys": f"INSERT INTO core.sentence_keys SELECT xor(sentence_key, ?), {new_id} "
            "FROM src.core.sentence_keys",
            "story_members": f"INSERT INTO core.story_members SELECT * REPLACE ({new_id} AS article_id, "
            f"'s' || {new_id} AS story_id) FROM src.core.story_members",
            "story_originals": f"INSERT INTO core.story_originals SELECT 's' || {new_id}, {new_id}, reason "
            "FROM (SELECT original_article_id AS article_id, reason FROM src.core.story_originals)",
        }
        for table in REPLICATED_TABLES:
            salted = table in ("lsh_bands", "sentence_keys")
            params = ([salt] if salted else []) + ids * (
                2 if table in ("story_members", "story_originals") else 1
            )
            con.execute(statements[table], params)
        con.execute("CHECKPOINT")
    count = con.execute("SELECT count(*) FROM core.articles").fetchone()[0]
    con.execute("DETACH src")
    con.close()
    return count


def _measure_replicated(
    warehouse: Path,
    built: int,
    times: int,
    plan: Batches,
    scratch: Path,
    ctx: Any,
    say: Any,
    memory_limit: str | None,
) -> StageResult:
    """Replicate the background `times` over (kept beside it, reused by the next run) and measure there."""
    target = warehouse / f"x{times}"
    size = built * times
    if loader_path(target).exists():
        say(f"reusing {loader_path(target)}", flush=True)
    else:
        t0 = time.perf_counter()
        replicate(warehouse, target, times, plan.seed)
        say(f"replicated {built:,} x {times} in {time.perf_counter() - t0:.0f} s; measuring", flush=True)
    return _measure_at(target, size, plan, scratch, ctx, built, times, memory_limit)


def snapshot_dir(keep: Path, stage: int) -> Path:
    """Where --keep leaves a copy of the loader file as it was at a smaller stage, for reruns."""
    return keep / f"at-{stage}"


def run(
    background: int,
    plan: Batches,
    *,
    keep: Path | None = None,
    stages: list[int] | None = None,
    workers: int | None = None,
    log: bool = True,
    replicate_times: int = 0,
    replicated_memory: str | None = None,
) -> Report:
    """Build the background up to each stage size (or reuse a kept one), measure link_stories there."""
    began = time.perf_counter()
    say = print if log else (lambda *a, **k: None)
    scratch = Path(tempfile.mkdtemp(prefix="dedupe-scale-"))
    warehouse = keep or scratch / "wh"
    workers = workers or os.cpu_count() or 2
    ctx = multiprocessing.get_context("spawn")
    con = open_loader(warehouse)
    con.execute("SET enable_progress_bar = false")
    # one explicit CHECKPOINT per CHECKPOINT_EVERY articles: automatic ones at the 16 MiB default made the
    # background inserts 2.5x slower at 200k articles
    con.execute("SET checkpoint_threshold = '1TB'")
    built = con.execute("SELECT count(*) FROM core.articles").fetchone()[0]
    reused = built
    if built > background:
        con.close()
        raise SystemExit(f"{loader_path(warehouse)} holds {built:,} articles, more than --background")
    text_bytes = 0
    sentence_keys = 0
    if built:
        # a kept file from an earlier run: the build is deterministic, so it goes on from where that one ended
        say(f"reusing {loader_path(warehouse)} with {built:,} background articles", flush=True)
        text_bytes, sentence_keys = con.execute(
            "SELECT (SELECT sum(strlen(text)) FROM core.articles), (SELECT count(*) FROM core.sentence_keys)"
        ).fetchone()
    results: list[StageResult] = []
    build_seconds = 0.0
    last_checkpoint = built
    final = stages_for(background, stages)[-1]
    try:
        with cf.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            for stage in stages_for(background, stages):
                if stage < built:
                    kept = snapshot_dir(keep, stage) if keep else None
                    if kept is None or not loader_path(kept).exists():
                        say(f"skipping {stage:,}: the kept file is larger and has no copy of that size")
                        continue
                    con.close()
                    results.append(_measure_at(kept, stage, plan, scratch, ctx))
                    say(_stage_line(results[-1]), flush=True)
                    con = open_loader(warehouse)
                    con.execute("SET enable_progress_bar = false")
                    con.execute("SET checkpoint_threshold = '1TB'")
                    continue
                t0 = time.perf_counter()
                pending: list[cf.Future[Chunk]] = []
                starts = iter(range(built, stage, CHUNK))
                for s in starts:
                    pending.append(pool.submit(sign_background, plan.seed, s, min(CHUNK, stage - s)))
                    if len(pending) >= 2 * workers:
                        break
                while pending:
                    chunk = pending.pop(0).result()
                    nxt = next(starts, None)
                    if nxt is not None:
                        pending.append(pool.submit(sign_background, plan.seed, nxt, min(CHUNK, stage - nxt)))
                    insert_background(con, chunk)
                    built = chunk.start + len(chunk.ids)
                    text_bytes += sum(len(t.encode()) for t in chunk.texts)
                    sentence_keys += len(chunk.sentence_keys)
                    if built - last_checkpoint >= CHECKPOINT_EVERY:
                        con.execute("CHECKPOINT")
                        last_checkpoint = built
                    if built % 50_000 == 0:
                        say(
                            f"  background {built:,} ({time.perf_counter() - t0:.0f} s this stage)",
                            flush=True,
                        )
                con.execute("CHECKPOINT")
                last_checkpoint = built
                build_seconds += time.perf_counter() - t0
                say(f"background {built:,} ready ({build_seconds:.0f} s building); measuring", flush=True)
                con.close()
                if keep and stage != final:
                    snapshot = loader_path(snapshot_dir(keep, stage))
                    snapshot.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(loader_path(warehouse), snapshot)
                results.append(_measure_at(warehouse, stage, plan, scratch, ctx))
                say(_stage_line(results[-1]), flush=True)
                con = open_loader(warehouse)
                con.execute("SET enable_progress_bar = false")
                con.execute("SET checkpoint_threshold = '1TB'")
        if replicate_times > 1:
            con.close()
            results.append(
                _measure_replicated(
                    warehouse, built, replicate_times, plan, scratch, ctx, say, replicated_memory
                )
            )
            say(_stage_line(results[-1]), flush=True)
            con = open_loader(warehouse)
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    report = Report(
        background=background,
        batch=plan.size,
        batches=plan.count,
        stages=results,
        build_seconds=build_seconds,
        signed_per_second=(built - reused) / build_seconds if build_seconds else 0.0,
        text_bytes=text_bytes / max(built, 1),
        sentence_keys_per_article=sentence_keys / max(built, 1),
        j0=background_j0(plan.seed),
        code=code_revision(),
        reused=reused,
        read_texts=plan.read_texts,
        resign_share=plan.resign_share,
    )
    report.total_seconds = time.perf_counter() - began
    return report


def _median_seconds(stage: StageResult) -> float:
    return statistics.median(b.seconds for b in stage.batches)


def _rate(stage: StageResult) -> float:
    """New articles per second of link_stories in the median batch."""
    return statistics.median(b.new for b in stage.batches) / _median_seconds(stage)


def _statement_seconds(batches: list[BatchResult], name: str) -> float:
    return statistics.mean(b.statements.seconds.get(name, 0.0) for b in batches)


def _matching_rate(stage: StageResult) -> float:
    """New articles per second of link_stories less signing the new texts, in the median such batch."""
    rest = [b.seconds - b.statements.seconds.get(SIGNING, 0.0) for b in stage.batches]
    return statistics.median(b.new for b in stage.batches) / statistics.median(rest)


def _signing_rate(stage: StageResult) -> float:
    signing = sum(b.statements.seconds.get(SIGNING, 0.0) for b in stage.batches)
    return sum(b.new for b in stage.batches) / signing if signing else 0.0


def _python_seconds(batches: list[BatchResult]) -> float:
    return statistics.mean(b.seconds - sum(b.statements.seconds.values()) for b in batches)


def _stage_line(stage: StageResult) -> str:
    copies = sum(b.copies for b in stage.batches)
    found = sum(b.copies_found for b in stage.batches)
    candidates = sum(b.candidates for b in stage.batches) / sum(b.new for b in stage.batches)
    return (
        f"  {stage.background:,}: {_rate(stage):,.0f} articles/s, "
        f"{_median_seconds(stage):.2f} s/batch (first {stage.batches[0].seconds:.2f}), "
        f"recall {found}/{copies}, fresh linked {sum(b.fresh_linked for b in stage.batches)}, "
        f"merged {sum(b.background_merged for b in stage.batches)}, candidates/article {candidates:.2f}, "
        f"bands {stage.band_bytes_exact / stage.background:.0f} B/article"
    )


def _label(stage: StageResult) -> str:
    """A background size, saying when it is copies of a smaller generated one."""
    if stage.copies_of:
        return (
            f"{stage.background:,} ({stage.background // stage.copies_of:,} x {stage.copies_of}, replicated)"
        )
    return f"{stage.background:,}"


def _by_kind(stage: StageResult) -> str:
    parts = []
    for kind in COPY_KINDS:
        found = sum(b.found_by_kind[kind][0] for b in stage.batches)
        total = sum(b.found_by_kind[kind][1] for b in stage.batches)
        parts.append(f"{found / total:.3f}" if total else "-")
    return " / ".join(parts)


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 2**30 else f"{n / 2**30:,.2f} GiB"


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model or 'unknown'}, shared, "
        f"noisy: read ratios), {mem / 2**30:.0f} GiB RAM; Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}, "
        f"numpy {np.__version__}, pyarrow {pa.__version__}"
    )


def render(report: Report) -> str:
    """The results page."""
    first = report.stages[0]
    last = report.stages[-1]
    lines = [
        "# Incremental dedupe cost against a large warehouse",
        "",
        f"Command: `{report.command}`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {_machine()}  ",
        f"Code: {report.code}; algorithm `{dedupe.SIGNATURE_ALGO}`, MAX_KEY_FANOUT {stories.MAX_KEY_FANOUT}, "
        f"loader memory_limit {first.memory_limit} (as open_loader sets it)"
        + "".join(
            f", {st.memory_limit} at {_label(st)} (--replicated-memory)"
            for st in report.stages
            if st.memory_limit != first.memory_limit
        )
        + "  ",
        f"Timings: build + sign background {report.build_seconds:.0f} s "
        + (f"({report.signed_per_second:,.0f} articles/s incl. inserts)" if report.build_seconds else "")
        + (f" (reused a kept file of {report.reused:,} articles)" if report.reused else "")
        + f", total {report.total_seconds:.0f} s",
        "",
        f"Background: {report.background:,} generated English-like stories, "
        f"{report.text_bytes / 1024:.1f} KiB average, {report.sentence_keys_per_article:.1f} sentence keys "
        "each, signed by tasks.dedupe and stored as earlier loads leave them (articles with text, "
        "signatures, 32 band rows, sentence keys, a singleton story each). Unrelated pairs share mean "
        f"8-char-shingle Jaccard J0 = {report.j0:.3f} (the generator of bench/dedupe_methods: 0.033; "
        "hand-written same-city stories 0.021), so band candidates among unrelated texts are of a realistic "
        "order, all in one language (pessimistic).",
        "",
        f"Each batch: {report.batch:,} new articles ({COPY_SHARE:.0%} copies of random background articles: "
        f"full + aggregator chrome, edited, truncated to 2 paragraphs; the rest fresh stories) inserted into "
        "core.articles, then `warehouse.stories.link_stories(con, new_ids, "
        + (
            "None)` timed (texts read back from core.articles), "
            if report.read_texts
            else "texts, signed)` timed (the new articles' texts, as the loader has them, and the signatures "
            "the extraction workers made of them, "
            f"{report.resign_share:.0%} voided as by the loader's boilerplate strip and so signed again "
            "(--resign-share)), "
        )
        + "scored and rolled back; "
        f"{report.batches} batches per size, each size measured in a fresh process (first batch opens cold "
        f"DuckDB buffers over a warm OS page cache).",
        "",
        "| background articles | link_stories articles/s (median batch) | s per batch (first / median) "
        "| candidate pairs per new article | copies found (recall) | recall full / edited / truncated "
        "| copies in a wrong story "
        "| fresh articles linked (want 0) | background articles merged (want 0) | peak RSS during "
        "link_stories | lsh_bands on disk | lsh_bands bytes/article | signatures + bands + sentence keys "
        "bytes/article | loader file |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in report.stages:
        copies = sum(b.copies for b in s.batches)
        found = sum(b.copies_found for b in s.batches)
        new = sum(b.new for b in s.batches)
        index = s.table_bytes["signatures"] + s.table_bytes["lsh_bands"] + s.table_bytes["sentence_keys"]
        lines.append(
            f"| {_label(s)} | {_rate(s):,.0f} | {s.batches[0].seconds:.2f} / {_median_seconds(s):.2f} | "
            f"{sum(b.candidates for b in s.batches) / new:.2f} | {found / copies:.3f} ({found}/{copies}) | "
            f"{_by_kind(s)} | {sum(b.copies_wrong for b in s.batches)} | "
            f"{sum(b.fresh_linked for b in s.batches)} of {new - copies} | "
            f"{sum(b.background_merged for b in s.batches)} | {_mib(max(b.peak_rss for b in s.batches))} | "
            f"{_mib(s.band_bytes_exact)} | {s.band_bytes_exact / s.background:,.0f} | "
            f"{index / s.background:,.0f} | {_mib(s.file_bytes)} |"
        )
    lines += [
        "",
        "Replicated rows (if any): K copies of the generated background in one file (`--replicate K`): every "
        "core table K times as long (copies after the first without texts, which link_stories never reads "
        "back when given the new texts), band and sentence keys XORed with a salt per copy, so the scans are "
        "those of K x the articles while band collisions among unrelated texts (candidates per new article) "
        "stay those of one copy; the batches are the largest generated size's.",
        "",
        "lsh_bands on disk: a DuckDB file holding only a copy of core.lsh_bands, less an empty one (after "
        "CHECKPOINT). Per-table columns: 256 KiB blocks holding each table's segments "
        "(`pragma_storage_info`); indexes + metadata: the file's other used blocks (the primary-key ART "
        "indexes of articles, signatures, story_members and story_originals, and the catalog); bytes per "
        "background article:",
        "",
        "| background articles | " + " | ".join(first.table_bytes) + " |",
        "|---|" + "---|" * len(first.table_bytes),
    ]
    for s in report.stages:
        lines.append(
            f"| {_label(s)} | "
            + " | ".join(f"{v / s.background:,.0f}" for v in s.table_bytes.values())
            + " |"
        )
    warm = {s.background: s.warm for s in report.stages}
    names = sorted(
        {n for s in report.stages for b in s.batches for n in b.statements.seconds},
        key=lambda n: -_statement_seconds(warm[last.background], n),
    )
    cold_label = f"{last.background:,} first batch"
    lines += [
        "",
        "Where link_stories spends its time: seconds per batch of each statement (execute + fetch; mean of "
        "the batches after the first, and the first batch at the largest size); `sign_texts` is signing the "
        "new texts (Python, one core), the rest is Python too (verifying candidates, clustering, choosing "
        "originals):",
        "",
        "| statement | " + " | ".join(_label(s) for s in report.stages) + f" | {cold_label} |",
        "|---|" + "---|" * (len(report.stages) + 1),
    ]
    for name in names:
        cells = [_statement_seconds(warm[s.background], name) for s in report.stages]
        cells.append(_statement_seconds(last.batches[:1], name))
        if max(cells) < 0.005:
            continue
        lines.append(f"| {name} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    cells = [_python_seconds(warm[s.background]) for s in report.stages] + [_python_seconds(last.batches[:1])]
    lines.append(
        "| Python (verifying, clustering, originals) | " + " | ".join(f"{c:.3f}" for c in cells) + " |"
    )
    cells = [statistics.mean(b.seconds for b in warm[s.background]) for s in report.stages]
    cells.append(last.batches[0].seconds)
    lines.append("| **link_stories** | " + " | ".join(f"**{c:.3f}**" for c in cells) + " |")
    lines += [
        "",
        "Peak RSS is that of the measuring process (a fresh one per size) while link_stories ran: mostly "
        "DuckDB's buffer cache of the tables it scans, which DuckDB keeps up to its memory_limit. "
        "1-minute load average before / after measuring (the machine is shared): "
        + ", ".join(
            f"{s.background:,}: {s.load_average[0]:.1f} / {s.load_average[1]:.1f}" for s in report.stages
        )
        + ".",
        "",
        "## Findings",
        "",
    ]
    if len(report.stages) > 1:
        lines.append(
            "- Median batch: "
            + ", ".join(
                f"{_median_seconds(s):.2f} s at {_label(s)} ({_rate(s):,.0f} articles/s)"
                for s in report.stages
            )
            + f"; from {first.background:,} to {last.background:,} background articles the per-batch time "
            f"grows {_median_seconds(last) / _median_seconds(first):.1f}x for "
            f"{last.background / first.background:,.0f}x "
            "the articles."
        )
        growth = sorted(
            names,
            key=lambda n: (
                -(
                    _statement_seconds(warm[last.background], n)
                    - _statement_seconds(warm[first.background], n)
                )
            ),
        )[:3]
        lines.append(
            "- Grown most between the smallest and largest size (warm seconds per batch): "
            + ", ".join(
                f"`{n}` {_statement_seconds(warm[first.background], n):.2f} -> "
                f"{_statement_seconds(warm[last.background], n):.2f}"
                for n in growth
            )
            + "."
        )
    total = statistics.mean(b.seconds for b in warm[last.background])
    top = names[:3]
    lines.append(
        f"- At {last.background:,} (warm): "
        + ", ".join(f"`{n}` {_statement_seconds(warm[last.background], n) / total:.0%}" for n in top)
        + f" of link_stories time; Python {_python_seconds(warm[last.background]) / total:.0%}."
    )
    if any(SIGNING in b.statements.seconds for s in report.stages for b in s.batches):
        lines.append(
            "- Less signing the new texts (a per-article cost no warehouse size changes: "
            + ", ".join(f"{_signing_rate(s):,.0f}" for s in report.stages)
            + " articles/s on one core at the sizes above), link_stories matches "
            + ", ".join(f"{_matching_rate(s):,.0f} articles/s at {_label(s)}" for s in report.stages)
            + "."
        )
    new = sum(b.new for b in last.batches)
    lines.append(
        f"- Quality at {last.background:,}: recall "
        f"{sum(b.copies_found for b in last.batches) / sum(b.copies for b in last.batches):.3f}, "
        f"{sum(b.fresh_linked for b in last.batches)} fresh articles linked, "
        f"{sum(b.background_merged for b in last.batches)} background articles merged; candidate pairs per "
        "new "
        f"article {sum(b.candidates for b in first.batches) / sum(b.new for b in first.batches):.1f} at "
        f"{first.background:,}, {sum(b.candidates for b in last.batches) / new:.1f} at {last.background:,} "
        "(copies' true pairs plus band collisions among unrelated texts, which grow with the background)."
    )
    lines.append(
        f"- lsh_bands costs {last.band_bytes_exact / last.background:,.0f} bytes per article "
        f"({_mib(last.band_bytes_exact * 1_000_000 / last.background)} per million articles; "
        f"{_mib(last.band_bytes_exact * 10_000_000 / last.background)} at 10M if linear); the whole loader "
        f"file {last.file_bytes / last.background:,.0f} bytes per article, of which core.articles (texts) "
        f"{last.table_bytes['articles'] / last.background:,.0f} and the primary-key indexes + metadata "
        f"{last.table_bytes['indexes + metadata'] / last.background:,.0f}."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--background", type=int, default=STAGES[-1], help="background articles (largest size)"
    )
    parser.add_argument("--batch", type=int, default=1000, help="new articles per link_stories call")
    parser.add_argument("--batches", type=int, default=3, help="batches measured per background size")
    parser.add_argument("--stages", help="comma-separated smaller sizes to measure on the way (10000,100000)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the loader file here and keep it (with copies at the smaller stages); a kept file is "
        "reused by the next run",
    )
    parser.add_argument("--workers", type=int, help="signing processes (default: one per core)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file")
    parser.add_argument(
        "--replicate",
        type=int,
        default=0,
        metavar="K",
        help="also measure against K copies of the background (salted keys; built once under --keep)",
    )
    parser.add_argument(
        "--replicated-memory",
        default="4GB",
        help="DuckDB memory_limit while measuring the replicated background: at 10M articles the loader's "
        "400 MB default cannot even check a batch's primary keys (out of memory on the insert)",
    )
    parser.add_argument(
        "--read-texts",
        action="store_true",
        help="call link_stories without the new texts, so it reads them back from core.articles",
    )
    parser.add_argument(
        "--resign-share",
        type=float,
        default=Batches.resign_share,
        help="share of each batch handed to link_stories without the workers' signature (texts the loader's "
        "boilerplate strip changed), which it signs again",
    )
    args = parser.parse_args(argv)
    stages = [int(s) for s in args.stages.split(",")] if args.stages else None
    plan = Batches(args.batch, args.batches, read_texts=args.read_texts, resign_share=args.resign_share)
    report = run(
        args.background,
        plan,
        keep=args.keep,
        stages=stages,
        workers=args.workers,
        replicate_times=args.replicate,
        replicated_memory=args.replicated_memory,
    )
    report.command = " ".join(
        [".venv/bin/python -m bench.dedupe_scale", shlex.join(argv if argv is not None else sys.argv[1:])]
    ).strip()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(report), encoding="utf-8")
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
