-- `copydesk export`: the corpus over the public views. Parameters, in order: first day, last day (UTC,
-- inclusive; NULL = open), outlet ids (NULL = every outlet). A window leaves out what has no publication time.

-- name: stories
-- one row per story: the original's text and metadata, with every outlet that carried the story
WITH p AS (SELECT ?::DATE AS first_day, ?::DATE AS last_day, ?::VARCHAR[] AS outlets)
SELECT
    s.story_id,
    s.title,
    s.canonical_url,
    s.first_published_at,
    s.n_articles,
    s.outlet_ids,
    s.original_outlet_id,
    s.original_reason,
    a.article_id AS original_article_id,
    a.published_at,
    a.authors,
    a.language,
    a.site_name,
    a.description,
    a.source_credit,
    a.access,
    a.word_count,
    a.text
FROM stories s
JOIN articles a ON a.article_id = s.original_article_id
CROSS JOIN p
WHERE (p.first_day IS NULL OR timezone('UTC', s.first_published_at)::DATE >= p.first_day)
  AND (p.last_day IS NULL OR timezone('UTC', s.first_published_at)::DATE <= p.last_day)
  AND (p.outlets IS NULL OR list_has_any(s.outlet_ids, p.outlets))
ORDER BY s.first_published_at, s.story_id;

-- name: articles
-- every article, copies included, with its story and whether it is the story's original
WITH p AS (SELECT ?::DATE AS first_day, ?::DATE AS last_day, ?::VARCHAR[] AS outlets)
SELECT
    a.article_id,
    a.story_id,
    a.is_original,
    a.outlet_id,
    a.url,
    a.title,
    a.published_at,
    a.published_at_source,
    a.authors,
    a.language,
    a.site_name,
    a.description,
    a.source_credit,
    a.based_on_url,
    a.access,
    a.fetched_at,
    a.word_count,
    a.text
FROM articles a
CROSS JOIN p
WHERE (p.first_day IS NULL OR timezone('UTC', a.published_at)::DATE >= p.first_day)
  AND (p.last_day IS NULL OR timezone('UTC', a.published_at)::DATE <= p.last_day)
  AND (p.outlets IS NULL OR list_contains(p.outlets, a.outlet_id))
ORDER BY a.published_at, a.article_id;
