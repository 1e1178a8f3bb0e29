-- story linking inside the load transaction (warehouse/stories.py); one "-- name:" block per statement.

-- name: new_staged_texts
SELECT s.article_id, s.outlet_id, s.text FROM staged s
WHERE NOT EXISTS (SELECT 1 FROM core.articles a WHERE a.article_id = s.article_id);

-- name: add_outlet_block_counts
INSERT INTO core.outlet_blocks AS t SELECT outlet_id, block_hash, pages FROM new_block_counts
ON CONFLICT (outlet_id, block_hash) DO UPDATE SET pages = t.pages + excluded.pages;

-- name: add_outlet_pages
INSERT INTO core.outlet_pages AS t VALUES (?, ?)
ON CONFLICT (outlet_id) DO UPDATE SET pages = t.pages + excluded.pages;

-- name: outlet_pages_seen
SELECT pages FROM core.outlet_pages WHERE outlet_id = ?;

-- name: outlet_block_counts
SELECT block_hash, pages FROM core.outlet_blocks WHERE outlet_id = ?;

-- name: apply_stripped_texts
UPDATE staged SET text = x.text, boilerplate_removed = x.removed,
    word_count = greatest(1, len(regexp_split_to_array(trim(x.text), '\s+')))
FROM stripped x WHERE staged.article_id = x.article_id;

-- name: texts_of_articles
-- id lists arrive as registered Arrow tables (key_list): a long list parameter costs ~65 us per item
SELECT article_id, coalesce(text, '') FROM core.articles SEMI JOIN key_list ON article_id = key_list.key;

-- name: insert_signatures
INSERT OR REPLACE INTO core.signatures SELECT * FROM new_signatures;

-- name: create_batch_keys
CREATE OR REPLACE TEMP TABLE batch_bands (band_key BIGINT, article_id VARCHAR);
CREATE OR REPLACE TEMP TABLE batch_sentences (sentence_key BIGINT, article_id VARCHAR);

-- name: insert_bands
INSERT INTO core.lsh_bands SELECT band_key, article_id FROM new_bands;
INSERT INTO batch_bands SELECT band_key, article_id FROM new_bands;

-- name: insert_sentence_keys
INSERT INTO core.sentence_keys SELECT sentence_key, article_id FROM new_sentences;
INSERT INTO batch_sentences SELECT sentence_key, article_id FROM new_sentences;

-- name: candidates
-- candidate pairs (a < b) of a new article and any article sharing an LSH band key or a sentence key, with
-- the number of sentences they share; keys on more than MAX_KEY_FANOUT articles count but never propose
-- batch_bands / batch_sentences: the new articles' keys, kept by _index_new (no join of the big key tables)
WITH new_bands AS (SELECT band_key, article_id FROM batch_bands),
band_fanout AS (
    SELECT band_key FROM core.lsh_bands WHERE band_key IN (SELECT band_key FROM new_bands)
    GROUP BY band_key HAVING count(*) BETWEEN 2 AND ?
),
band_pairs AS (
    SELECT DISTINCT n.article_id AS a, o.article_id AS b
    FROM new_bands n JOIN band_fanout USING (band_key) JOIN core.lsh_bands o USING (band_key)
    WHERE o.article_id <> n.article_id
),
new_sent AS (SELECT sentence_key, article_id FROM batch_sentences),
-- every article holding a sentence of a new article
key_hits AS (
    SELECT k.sentence_key, k.article_id, a.outlet_id
    FROM core.sentence_keys k JOIN core.articles a USING (article_id)
    WHERE k.sentence_key IN (SELECT sentence_key FROM new_sent)
),
key_outlets AS (
    SELECT sentence_key, outlet_id, count(DISTINCT article_id) AS pages FROM key_hits GROUP BY ALL
),
-- a sentence on several pages of ONE outlet is its template text that stripping missed, not evidence;
-- a sentence spread over many outlets is syndication, which is the point
template_keys AS (SELECT sentence_key FROM key_outlets GROUP BY sentence_key HAVING max(pages) >= 3),
proposing_keys AS (
    SELECT sentence_key FROM key_outlets
    GROUP BY sentence_key HAVING sum(pages) BETWEEN 2 AND ? AND max(pages) < 3
),
sent_pairs AS (
    SELECT DISTINCT n.article_id AS a, h.article_id AS b
    FROM new_sent n JOIN proposing_keys USING (sentence_key) JOIN key_hits h USING (sentence_key)
    WHERE h.article_id <> n.article_id
),
candidates AS (
    SELECT DISTINCT least(a, b) AS a, greatest(a, b) AS b
    FROM (SELECT a, b FROM band_pairs UNION ALL SELECT a, b FROM sent_pairs)
),
sides AS (
    SELECT a AS mine, b AS other, a, b FROM candidates
    UNION ALL SELECT b AS mine, a AS other, a, b FROM candidates
),
shared AS (
    SELECT s.a, s.b, count(DISTINCT n.sentence_key) AS shared
    FROM sides s
    JOIN new_sent n ON n.article_id = s.mine
    JOIN key_hits h ON h.sentence_key = n.sentence_key AND h.article_id = s.other
    WHERE n.sentence_key NOT IN (SELECT sentence_key FROM template_keys)
    GROUP BY ALL
)
SELECT c.a, c.b, coalesce(shared.shared, 0) AS shared
FROM candidates c LEFT JOIN shared USING (a, b);

-- name: signatures_of
SELECT article_id, minhash, shingle_count, sentence_count FROM core.signatures
SEMI JOIN key_list ON article_id = key_list.key WHERE algo = ?;

-- name: stories_of_articles
SELECT article_id, story_id FROM core.story_members SEMI JOIN key_list ON article_id = key_list.key;

-- name: members_of_stories
SELECT article_id, story_id FROM core.story_members SEMI JOIN key_list ON story_id = key_list.key;

-- name: attach_info
SELECT a.article_id, a.title, a.url, a.based_on_url, coalesce(s.shingle_count, 0)
FROM core.articles a LEFT JOIN core.signatures s USING (article_id)
SEMI JOIN key_list ON a.article_id = key_list.key;

-- name: upsert_members
INSERT INTO core.story_members AS t
SELECT article_id, story_id, matched_article_id, similarity, containment, now() FROM member_rows
ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,
    matched_article_id = coalesce(excluded.matched_article_id, t.matched_article_id),
    similarity = coalesce(excluded.similarity, t.similarity),
    containment = coalesce(excluded.containment, t.containment);

-- name: drop_orphan_originals
-- stories merged into another by this load (key_list) lose their originals row
DELETE FROM core.story_originals WHERE story_id IN (SELECT key FROM key_list);

-- name: story_members_for_originals
SELECT m.story_id, a.article_id, a.url, a.outlet_id, a.site_name, a.source_credit, a.based_on_url,
       a.published_at, a.published_at_source, a.fetched_at
FROM core.story_members m JOIN core.articles a USING (article_id)
SEMI JOIN key_list ON m.story_id = key_list.key;

-- name: upsert_originals
INSERT OR REPLACE INTO core.story_originals SELECT story_id, original_article_id, reason FROM chosen_originals;
