-- story linking inside the load transaction (warehouse/stories.py); one "-- name:" block per statement.

-- name: texts_of_articles
-- id lists arrive as registered Arrow tables (key_list): DuckDB converts a long list parameter item by item
SELECT article_id, coalesce(text, '') AS text FROM core.articles SEMI JOIN key_list ON article_id = key_list.key;

-- name: insert_signatures
INSERT OR REPLACE INTO core.signatures SELECT * FROM new_signatures;

-- name: insert_bands
INSERT INTO core.lsh_bands SELECT band_key, article_id FROM batch_bands;

-- name: insert_sentence_keys
INSERT INTO core.sentence_keys SELECT sentence_key, article_id FROM batch_sentences;

-- name: candidates
-- candidate pairs (a < b) of a new article and any article sharing an LSH band key or a sentence key, with
-- the number of sentences they share; keys on more than MAX_KEY_FANOUT articles count but never propose.
-- batch_bands / batch_sentences: the new articles' keys (registered Arrow tables). Each big key table is
-- scanned once, for the rows holding a key of the batch; everything after works on those few rows. The
-- always-true filters on the batch's keys matter: DuckDB pushes a Bloom filter of a join's keys into the
-- scan only when the join's build side is filtered, and with it the scan passes a small share of the key
-- table's rows to the join instead of all (0 is never a stored band key; sentence keys are never NULL).
WITH band_hits AS MATERIALIZED (
    SELECT band_key, article_id FROM core.lsh_bands
    SEMI JOIN (SELECT band_key FROM batch_bands WHERE band_key <> 0) USING (band_key)
),
band_fanout AS (
    SELECT band_key FROM band_hits GROUP BY band_key HAVING count(*) BETWEEN 2 AND ?
),
-- a pair sharing one band key is mostly two unrelated texts of one language (P ~ 32 * J0^3 per pair); one that
-- verification could accept (J >= 0.5) shares >= 2 of 32 bands with P >= 0.92, and >= 0.9997 from J = 0.66
band_pairs AS (
    SELECT n.article_id AS a, o.article_id AS b
    FROM batch_bands n JOIN band_fanout USING (band_key) JOIN band_hits o USING (band_key)
    WHERE o.article_id <> n.article_id
    GROUP BY ALL HAVING count(*) >= ?
),
-- every article holding a sentence of a new article
sentence_hits AS MATERIALIZED (
    SELECT sentence_key, article_id FROM core.sentence_keys
    SEMI JOIN (SELECT sentence_key FROM batch_sentences WHERE sentence_key IS NOT NULL) USING (sentence_key)
),
-- ... where some other article holds it too (most keys of a batch are on its own page only: such a key
-- proposes nothing and is shared with no one), with the holder's outlet
key_hits AS MATERIALIZED (
    SELECT h.sentence_key, h.article_id, a.outlet_id
    FROM sentence_hits h
    SEMI JOIN (SELECT sentence_key FROM sentence_hits GROUP BY sentence_key HAVING count(*) >= 2) USING (sentence_key)
    JOIN core.articles a USING (article_id)
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
    FROM batch_sentences n JOIN proposing_keys USING (sentence_key) JOIN key_hits h USING (sentence_key)
    WHERE h.article_id <> n.article_id
),
candidates AS MATERIALIZED (
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
    JOIN batch_sentences n ON n.article_id = s.mine
    JOIN key_hits h ON h.sentence_key = n.sentence_key AND h.article_id = s.other
    WHERE n.sentence_key NOT IN (SELECT sentence_key FROM template_keys)
    GROUP BY ALL
)
SELECT c.a, c.b, coalesce(shared.shared, 0) AS shared
FROM candidates c LEFT JOIN shared USING (a, b);

-- name: named_pairs
-- pairs pages state themselves (key_list: the changed articles): one's based_on_url (a cross-site canonical,
-- JSON-LD isBasedOn, a "Continue reading at" link) is the other's URL, whichever of the two came first
SELECT n.article_id, o.article_id FROM core.articles n JOIN core.articles o ON o.url = n.based_on_url
WHERE n.article_id IN (SELECT key FROM key_list) AND n.based_on_url IS NOT NULL
UNION
SELECT n.article_id, o.article_id FROM core.articles n JOIN core.articles o ON o.based_on_url = n.url
WHERE n.article_id IN (SELECT key FROM key_list) AND o.based_on_url IS NOT NULL;

-- name: signatures_of_candidates
-- the signatures of both sides of every candidate pair (batch_candidates, a registered Arrow table)
SELECT article_id, minhash, shingle_count, sentence_count FROM core.signatures
SEMI JOIN (SELECT a AS id FROM batch_candidates UNION SELECT b FROM batch_candidates) ON article_id = id
WHERE algo = ?;

-- name: indexed_articles
-- articles of key_list indexed by an earlier load (a changed text): their keys and pairs are replaced
SELECT article_id FROM core.signatures SEMI JOIN key_list ON article_id = key_list.key;

-- name: drop_bands_of
DELETE FROM core.lsh_bands WHERE article_id IN (SELECT key FROM key_list);

-- name: drop_sentence_keys_of
DELETE FROM core.sentence_keys WHERE article_id IN (SELECT key FROM key_list);

-- name: drop_edges_of
DELETE FROM core.story_edges WHERE a IN (SELECT key FROM key_list) OR b IN (SELECT key FROM key_list)
RETURNING a, b;

-- name: insert_edges
INSERT INTO core.story_edges SELECT a, b, kind, jaccard, containment, small FROM new_edges;

-- name: edges_touching
SELECT a, b, kind, jaccard, containment, small FROM core.story_edges
WHERE a IN (SELECT key FROM key_list) OR b IN (SELECT key FROM key_list);

-- name: stories_of_articles
SELECT article_id, story_id, matched_article_id FROM core.story_members
SEMI JOIN key_list ON article_id = key_list.key;

-- name: members_of_stories
SELECT article_id, story_id, matched_article_id FROM core.story_members
SEMI JOIN key_list ON story_id = key_list.key;

-- name: upsert_members
INSERT INTO core.story_members AS t
SELECT article_id, story_id, matched_article_id, similarity, containment, now() FROM member_rows
ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,
    matched_article_id = excluded.matched_article_id, similarity = excluded.similarity,
    containment = excluded.containment, linked_at = excluded.linked_at;

-- name: drop_orphan_originals
-- stories merged into another by this load (key_list) lose their originals row
DELETE FROM core.story_originals WHERE story_id IN (SELECT key FROM key_list);

-- name: article_info
-- what attachments and originals weigh, for every article linking may touch (key_list); each table is cut
-- to key_list before the join (a join first would read every article's signature row)
SELECT a.article_id, a.title, coalesce(s.shingle_count, 0), a.url, a.outlet_id, a.site_name, a.source_credit,
       a.based_on_url, epoch(a.published_at), a.published_at_source, epoch(a.fetched_at)
FROM (
    SELECT article_id, title, url, outlet_id, site_name, source_credit, based_on_url, published_at,
           published_at_source, fetched_at
    FROM core.articles SEMI JOIN key_list ON article_id = key
) a
LEFT JOIN (SELECT article_id, shingle_count FROM core.signatures SEMI JOIN key_list ON article_id = key) s
USING (article_id);

-- name: upsert_originals
INSERT OR REPLACE INTO core.story_originals SELECT story_id, original_article_id, reason FROM chosen_originals;
