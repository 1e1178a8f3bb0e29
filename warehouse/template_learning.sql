-- the loader's outlet templates inside the load transaction (warehouse/template_learning.py); one
-- "-- name:" block per statement.

-- name: staged_texts_to_strip
-- staged articles whose text will be stored: new ones, and stored ones whose text changed (as
-- update_changed_articles decides); only new ones are counted for learning
SELECT s.article_id, s.outlet_id, s.text, s.block_hashes, s.block_hash_algo, a.article_id IS NULL AS is_new
FROM staged s LEFT JOIN core.articles a USING (article_id)
WHERE a.article_id IS NULL OR (a.content_hash <> s.content_hash AND s.fetched_at > a.fetched_at);

-- name: known_page_keys
-- pages (page_keys: outlet_id, page_key, registered) whose block set an earlier load counted already
SELECT k.outlet_id, k.page_key FROM page_keys k
SEMI JOIN core.outlet_page_keys c ON c.outlet_id = k.outlet_id AND c.page_key = k.page_key;

-- name: add_page_keys
INSERT INTO core.outlet_page_keys SELECT outlet_id, page_key FROM page_keys;

-- name: add_outlet_block_counts
INSERT INTO core.outlet_blocks AS t SELECT outlet_id, block_hash, pages FROM new_block_counts
ON CONFLICT (outlet_id, block_hash) DO UPDATE SET pages = t.pages + excluded.pages;

-- name: add_outlet_pages
-- new_outlet_pages: registered, one row per outlet
INSERT INTO core.outlet_pages AS t SELECT outlet_id, pages FROM new_outlet_pages
ON CONFLICT (outlet_id) DO UPDATE SET pages = t.pages + excluded.pages;

-- name: outlets_pages_seen
SELECT outlet_id, pages FROM core.outlet_pages WHERE outlet_id IN (SELECT unnest(?::VARCHAR[]));

-- name: outlets_block_counts
SELECT outlet_id, block_hash, pages FROM core.outlet_blocks WHERE outlet_id IN (SELECT unnest(?::VARCHAR[]));

-- name: outlets_applied_blocks
SELECT outlet_id, block_hash, template FROM core.outlet_learned WHERE outlet_id IN (SELECT unnest(?::VARCHAR[]));

-- name: add_applied_blocks
-- applied_now: registered, (outlet_id, block_hash, template) of the blocks applied to stored texts now
INSERT OR REPLACE INTO core.outlet_learned SELECT outlet_id, block_hash, template FROM applied_now;

-- name: outlet_has_stored
-- stored articles of the outlet not staged now (an outlet's first load has none to strip again)
SELECT count(*) > 0 FROM (
    SELECT 1 FROM core.articles a
    WHERE a.outlet_id = ? AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.article_id = a.article_id)
    LIMIT 1
);

-- name: stored_texts_holding
-- stored articles of one outlet (not staged now) whose text holds a piece of a block learned this load
SELECT a.article_id, a.text FROM core.articles a
WHERE a.outlet_id = ? AND a.text IS NOT NULL
  AND EXISTS (SELECT 1 FROM block_pieces p WHERE contains(a.text, p.piece))
  AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.article_id = a.article_id);

-- name: apply_stripped_stored
-- (stripped: registered; word_count as template_learning.word_count counts it)
UPDATE core.articles AS a SET text = x.text,
    boilerplate_removed = list_concat(coalesce(a.boilerplate_removed, []), x.removed), word_count = x.word_count
FROM stripped x WHERE a.article_id = x.article_id;

-- name: apply_stripped_texts
UPDATE staged SET text = x.text, boilerplate_removed = x.removed, word_count = x.word_count
FROM stripped x WHERE staged.article_id = x.article_id;
