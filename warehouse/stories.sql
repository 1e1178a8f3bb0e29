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
SELECT article_id, coalesce(text, '') FROM core.articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: insert_signatures
INSERT OR REPLACE INTO core.signatures SELECT * FROM new_signatures;

-- name: insert_bands
INSERT INTO core.lsh_bands SELECT band_key, article_id FROM new_bands;

-- name: insert_sentence_keys
INSERT INTO core.sentence_keys SELECT sentence_key, article_id FROM new_sentences;

-- name: candidates
WITH new_ids AS (SELECT unnest(?::VARCHAR[]) AS article_id),
new_bands AS (SELECT b.band_key, b.article_id FROM core.lsh_bands b JOIN new_ids USING (article_id)),
band_fanout AS (
    SELECT band_key FROM core.lsh_bands WHERE band_key IN (SELECT band_key FROM new_bands)
    GROUP BY band_key HAVING count(*) BETWEEN 2 AND ?
),
band_pairs AS (
    SELECT DISTINCT n.article_id AS a, o.article_id AS b
    FROM new_bands n JOIN band_fanout USING (band_key) JOIN core.lsh_bands o USING (band_key)
    WHERE o.article_id <> n.article_id
),
new_sent AS (SELECT s.sentence_key, s.article_id FROM core.sentence_keys s JOIN new_ids USING (article_id)),
-- a sentence on several pages of ONE outlet is its template text that stripping missed, not evidence;
-- a sentence spread over many outlets is syndication, which is the point
key_outlets AS (
    SELECT k.sentence_key, a.outlet_id, count(DISTINCT k.article_id) AS pages
    FROM core.sentence_keys k JOIN core.articles a USING (article_id)
    WHERE k.sentence_key IN (SELECT sentence_key FROM new_sent)
    GROUP BY ALL
),
sent_fanout AS (
    SELECT sentence_key FROM key_outlets
    GROUP BY sentence_key HAVING sum(pages) BETWEEN 2 AND ? AND max(pages) < 3
),
sent_pairs AS (
    SELECT n.article_id AS a, o.article_id AS b, count(DISTINCT n.sentence_key) AS shared
    FROM new_sent n JOIN sent_fanout USING (sentence_key) JOIN core.sentence_keys o USING (sentence_key)
    WHERE o.article_id <> n.article_id
    GROUP BY ALL
)
SELECT least(a, b) AS a, greatest(a, b) AS b, max(shared) AS shared
FROM (
    SELECT a, b, NULL::BIGINT AS shared FROM band_pairs
    UNION ALL SELECT a, b, shared FROM sent_pairs
)
GROUP BY ALL;

-- name: signatures_of
SELECT article_id, minhash, shingle_count, sentence_count FROM core.signatures
WHERE article_id IN (SELECT unnest(?::VARCHAR[])) AND algo = ?;

-- name: shared_sentences
-- the same rule as in candidates: an outlet's template sentences (on 3+ of its pages) are not evidence
WITH shared AS (
    SELECT p.a, p.b, x.sentence_key
    FROM pairs p
    JOIN core.sentence_keys x ON x.article_id = p.a
    JOIN core.sentence_keys y ON y.article_id = p.b AND y.sentence_key = x.sentence_key
),
template AS (
    SELECT k.sentence_key
    FROM core.sentence_keys k JOIN core.articles a USING (article_id)
    WHERE k.sentence_key IN (SELECT sentence_key FROM shared)
    GROUP BY k.sentence_key, a.outlet_id
    HAVING count(DISTINCT k.article_id) >= 3
)
SELECT a, b, count(DISTINCT sentence_key)
FROM shared
WHERE sentence_key NOT IN (SELECT sentence_key FROM template)
GROUP BY ALL;

-- name: stories_of_articles
SELECT article_id, story_id FROM core.story_members WHERE article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: members_of_stories
SELECT article_id, story_id FROM core.story_members WHERE story_id IN (SELECT unnest(?::VARCHAR[]));

-- name: attach_info
SELECT a.article_id, a.title, a.url, a.based_on_url, coalesce(s.shingle_count, 0)
FROM core.articles a LEFT JOIN core.signatures s USING (article_id)
WHERE a.article_id IN (SELECT unnest(?::VARCHAR[]));

-- name: upsert_members
INSERT INTO core.story_members AS t
SELECT article_id, story_id, matched_article_id, similarity, containment, now() FROM member_rows
ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,
    matched_article_id = coalesce(excluded.matched_article_id, t.matched_article_id),
    similarity = coalesce(excluded.similarity, t.similarity),
    containment = coalesce(excluded.containment, t.containment);

-- name: drop_orphan_originals
DELETE FROM core.story_originals WHERE story_id NOT IN (SELECT story_id FROM core.story_members);

-- name: story_members_for_originals
SELECT m.story_id, a.article_id, a.url, a.outlet_id, a.site_name, a.source_credit, a.based_on_url,
       a.published_at, a.published_at_source, a.fetched_at
FROM core.story_members m JOIN core.articles a USING (article_id)
WHERE m.story_id IN (SELECT unnest(?::VARCHAR[]));

-- name: upsert_originals
INSERT OR REPLACE INTO core.story_originals VALUES (?, ?, ?);
