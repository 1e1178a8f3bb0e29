-- one-time changes to warehouses made by an earlier copydesk, applied in order by store.migrate when the
-- loader opens one; each is recorded in core.meta as "migration:<name>" in the transaction that applies it.
-- (schema.sql adds tables and columns; these move data.)

-- name: current_text_stored_once
-- core.article_versions held every text an article had, the current one too, which core.articles holds as
-- well: the current text's first fetch moves to core.articles, and its second copy goes
UPDATE core.articles AS a SET content_fetched_at = v.fetched_at, content_run_id = v.run_id
FROM core.article_versions v
WHERE v.article_id = a.article_id AND v.content_hash = a.content_hash AND a.content_fetched_at IS NULL;
UPDATE core.articles SET content_fetched_at = fetched_at, content_run_id = run_id
WHERE content_fetched_at IS NULL;
DELETE FROM core.article_versions v
USING core.articles a
WHERE v.article_id = a.article_id AND v.content_hash = a.content_hash;

-- name: story_edges_from_members
-- stories are recomputed from their pairs (core.story_edges) since pairs are kept: a story linked before
-- keeps its members as one, by a "legacy" pair from each member to its original (or smallest member)
INSERT INTO core.story_edges
SELECT least(m.article_id, h.head), greatest(m.article_id, h.head), 'legacy', m.similarity, m.containment, NULL
FROM core.story_members m
JOIN (
    SELECT x.story_id, coalesce(any_value(o.original_article_id), min(x.article_id)) AS head
    FROM core.story_members x LEFT JOIN core.story_originals o USING (story_id)
    GROUP BY x.story_id
) h USING (story_id)
WHERE m.article_id <> h.head;

-- name: runs_flow_run_and_outlet_counts
-- a run's row names the Prefect flow run that made it and keeps what discovery found per outlet (the
-- outlet_health view's links found / new); older rows keep NULLs. IF NOT EXISTS: safe on any warehouse
ALTER TABLE core.runs ADD COLUMN IF NOT EXISTS prefect_flow_run_id VARCHAR;
ALTER TABLE core.runs ADD COLUMN IF NOT EXISTS outlet_counts STRUCT(outlet_id VARCHAR, discovered INTEGER, new INTEGER)[];
