-- statements of the loader (warehouse/load.py), one transaction per load; see "-- name:" blocks.

-- name: stage_articles
-- one row per article: the latest run's copy; within a run (two URLs of one page, such as a mobile variant,
-- both fetched) the copy fetched at the article's own URL, then the first URL, never the one fetched last:
-- which of two concurrent fetches ends last is chance, and the loaded text must not be
CREATE OR REPLACE TEMP TABLE staged AS
SELECT *, []::VARCHAR[] AS boilerplate_removed
FROM read_parquet(?, union_by_name = true, hive_partitioning = false, filename = 'lake_file')
QUALIFY row_number() OVER (
    PARTITION BY article_id ORDER BY run_id DESC, fetched_url = url DESC, fetched_url, fetched_at DESC
) = 1;

-- name: stage_signature_columns
-- lake files written before extraction workers signed texts have no signature: the loader signs those
ALTER TABLE staged ADD COLUMN IF NOT EXISTS signature_algo VARCHAR;
ALTER TABLE staged ADD COLUMN IF NOT EXISTS minhash BLOB;
ALTER TABLE staged ADD COLUMN IF NOT EXISTS shingle_count INTEGER;
ALTER TABLE staged ADD COLUMN IF NOT EXISTS sentence_keys BIGINT[];
ALTER TABLE staged ADD COLUMN IF NOT EXISTS signed_text_md5 VARCHAR;
ALTER TABLE staged ADD COLUMN IF NOT EXISTS block_hashes BIGINT[];
ALTER TABLE staged ADD COLUMN IF NOT EXISTS block_hash_algo VARCHAR;

-- name: insert_new_articles
INSERT INTO core.articles BY NAME
SELECT s.* EXCLUDE (
        run_id, signature_algo, minhash, shingle_count, sentence_keys, signed_text_md5, block_hashes,
        block_hash_algo, lake_file
    ),
    s.run_id AS first_run_id, s.run_id, s.fetched_at AS content_fetched_at, s.run_id AS content_run_id
FROM staged s
WHERE NOT EXISTS (SELECT 1 FROM core.articles a WHERE a.article_id = s.article_id)
RETURNING article_id, coalesce(text, '') AS text;

-- name: signatures_of_new_articles
-- the extraction workers' signatures of the texts insert_new_articles returned (new_articles, registered)
SELECT s.signature_algo, s.minhash, s.shingle_count, s.sentence_keys, s.signed_text_md5
FROM new_articles n LEFT JOIN staged s USING (article_id)
ORDER BY n.position;

-- name: name_lake_files
-- lake_file: the file's name in the lake (lake_names, registered), not the local copy DuckDB read
UPDATE staged SET lake_file = n.name FROM lake_names n WHERE staged.lake_file = n.local;

-- name: staged_exists
SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'staged' AND temporary;

-- name: no_signatures
-- signatures_of_new_articles' columns, all null, when nothing is staged in this load
SELECT NULL::VARCHAR AS signature_algo, NULL::BLOB AS minhash, NULL::INTEGER AS shingle_count,
       NULL::BIGINT[] AS sentence_keys, NULL::VARCHAR AS signed_text_md5
FROM new_articles ORDER BY position;

-- name: keep_superseded_versions
-- a re-fetched article whose text changed: its current text moves to core.article_versions (before
-- update_changed_articles replaces it), unless that version is there already
INSERT INTO core.article_versions
SELECT a.article_id, a.content_hash, a.title, a.text, a.content_fetched_at, a.content_run_id
FROM core.articles a
JOIN staged s ON a.article_id = s.article_id AND a.content_hash <> s.content_hash AND s.fetched_at > a.fetched_at
WHERE a.content_hash IS NOT NULL
ON CONFLICT DO NOTHING;

-- name: update_changed_articles
-- the latest text wins; a text the article had before keeps the time it was first fetched
UPDATE core.articles AS a SET
    title = s.title, authors = s.authors, text = s.text, boilerplate_removed = s.boilerplate_removed, word_count = s.word_count,
    modified_at = coalesce(s.modified_at, a.modified_at), content_hash = s.content_hash,
    fetched_at = s.fetched_at, run_id = s.run_id, date_candidates = s.date_candidates,
    content_fetched_at = coalesce(v.fetched_at, s.fetched_at), content_run_id = coalesce(v.run_id, s.run_id)
FROM staged s
LEFT JOIN core.article_versions v ON v.article_id = s.article_id AND v.content_hash = s.content_hash
WHERE a.article_id = s.article_id AND a.content_hash <> s.content_hash AND s.fetched_at > a.fetched_at
RETURNING a.article_id, coalesce(a.text, '') AS text;

-- name: drop_current_versions
-- a text that came back (A, then B, then A again) is current again: core.articles holds it now
DELETE FROM core.article_versions v
USING core.articles a, staged s
WHERE v.article_id = s.article_id AND a.article_id = s.article_id AND v.content_hash = a.content_hash;

-- name: touch_unchanged_articles
-- a re-fetch that found the same text only moves the last-fetched time (so the same lastmod is not re-fetched)
UPDATE core.articles AS a SET fetched_at = s.fetched_at, run_id = s.run_id
FROM staged s
WHERE a.article_id = s.article_id AND a.content_hash = s.content_hash AND s.fetched_at > a.fetched_at;

-- name: insert_seen_from_articles
-- from every lake row, not the staged one per article: two pages of one article (the page and its mobile
-- variant) load as one article, and neither URL is to be fetched again; a URL's row is its latest fetch
INSERT INTO core.urls_seen
SELECT DISTINCT ON (u.url) u.url, s.outlet_id, s.article_id, 'article', s.fetched_at, s.run_id
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) s,
    unnest([s.url, s.fetched_url, s.discovered_url]) AS u(url)
WHERE u.url IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM core.urls_seen x WHERE x.url = u.url)
ORDER BY u.url, s.fetched_at DESC, s.run_id DESC;

-- name: insert_failures
INSERT INTO core.failures
SELECT DISTINCT ON (run_id, stage, url) run_id, url, outlet_id, stage, kind, error, http_status, transient, "at"
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) f
WHERE NOT EXISTS (
    SELECT 1 FROM core.failures x WHERE x.run_id = f.run_id AND x.stage = f.stage AND x.url = f.url
);

-- name: insert_seen_from_failures
-- permanent page failures are not fetched again; transient ones are retried by the next run
INSERT INTO core.urls_seen
SELECT DISTINCT ON (url) url, outlet_id, NULL, 'failed', "at", run_id
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) f
WHERE NOT transient AND stage IN ('fetch', 'extract')
  AND NOT EXISTS (SELECT 1 FROM core.urls_seen x WHERE x.url = f.url);

-- name: upsert_runs
-- each run's own counts: the new articles of its lake files (first_run_id) and the copies among them; a load
-- may hold several runs' files. new_article_ids is registered by the caller
INSERT OR REPLACE INTO core.runs BY NAME
SELECT r.*, now() AS loaded_at, coalesce(c.loaded, 0) AS loaded, coalesce(c.copies, 0) AS copies
FROM read_parquet(?, union_by_name = true, hive_partitioning = false) r
LEFT JOIN (
    SELECT a.first_run_id AS run_id, count(*) AS loaded,
        count(*) FILTER (WHERE o.original_article_id <> a.article_id) AS copies
    FROM core.articles a
    JOIN new_article_ids n USING (article_id)
    LEFT JOIN core.story_members m USING (article_id)
    LEFT JOIN core.story_originals o ON o.story_id = m.story_id
    GROUP BY 1
) c USING (run_id);

-- name: upsert_source_state
INSERT OR REPLACE INTO core.source_state BY NAME
SELECT * FROM read_parquet(?, union_by_name = true, hive_partitioning = false)
QUALIFY row_number() OVER (PARTITION BY url ORDER BY checked_at DESC) = 1;

-- name: loaded_paths
SELECT path FROM core.loaded_files;

-- name: record_files
-- loaded_now: registered, (path, run_id) of each file this load loaded
INSERT OR IGNORE INTO core.loaded_files SELECT path, run_id, NULL, now() FROM loaded_now;

-- name: quarantine_failure
INSERT OR IGNORE INTO core.failures VALUES (?, ?, NULL, 'load', 'corrupt_lake_file', ?, NULL, false, now());

-- name: per_outlet_counts
-- new articles and copies among them per outlet, for the run report; new_article_ids is registered by the caller
SELECT a.outlet_id, count(*), count(*) FILTER (WHERE o.original_article_id <> a.article_id)
FROM core.articles a
JOIN new_article_ids n USING (article_id)
JOIN core.story_members m USING (article_id)
LEFT JOIN core.story_originals o ON o.story_id = m.story_id
GROUP BY 1;

-- name: pending_links
-- articles whose story linking failed in an earlier load (or this one), with their texts and lake file
SELECT p.article_id, coalesce(a.text, '') AS text, p.lake_file
FROM core.link_pending p JOIN core.articles a USING (article_id)
ORDER BY p.lake_file, p.article_id;

-- name: add_pending_links
INSERT OR REPLACE INTO core.link_pending
SELECT l.article_id, coalesce(any_value(s.lake_file), any_value(p.lake_file)), NULL, now()
FROM linked_now l LEFT JOIN staged s USING (article_id) LEFT JOIN core.link_pending p USING (article_id)
GROUP BY l.article_id;

-- name: drop_pending_links
DELETE FROM core.link_pending WHERE article_id IN (SELECT article_id FROM linked_now);

-- name: record_link_failure
INSERT OR IGNORE INTO core.failures VALUES (?, ?, NULL, 'load', 'story_linking', ?, NULL, true, now());

-- name: note_pending_error
UPDATE core.link_pending SET error = ? WHERE lake_file = ?;
