-- the public SQL interface: these view and column names are a contract; add columns, never rename.

CREATE OR REPLACE VIEW articles AS
SELECT
    a.article_id,
    a.url,
    a.outlet_id,
    a.title,
    a.authors,
    a.published_at,
    a.published_at_source,
    a.modified_at,
    a.language,
    a.text,
    a.word_count,
    a.fetched_at,
    m.story_id,
    coalesce(o.original_article_id = a.article_id, true) AS is_original,
    a.site_name,
    a.description,
    a.source_credit,
    a.based_on_url,
    a.access,
    a.boilerplate_removed,
    a.content_hash,
    a.fetched_url,
    a.discovered_url,
    a.discovered_via,
    a.date_candidates,
    a.first_run_id,
    a.run_id
FROM core.articles a
LEFT JOIN core.story_members m USING (article_id)
LEFT JOIN core.story_originals o ON o.story_id = m.story_id;

CREATE OR REPLACE VIEW article_versions AS
SELECT article_id, content_hash, title, text, fetched_at, run_id
FROM core.article_versions
UNION ALL
SELECT article_id, content_hash, title, text, content_fetched_at AS fetched_at, content_run_id AS run_id
FROM core.articles;

CREATE OR REPLACE VIEW stories AS
SELECT
    m.story_id,
    any_value(a.url) FILTER (WHERE a.article_id = o.original_article_id) AS canonical_url,
    any_value(a.title) FILTER (WHERE a.article_id = o.original_article_id) AS title,
    min(a.published_at) AS first_published_at,
    count(*) AS n_articles,
    list(DISTINCT a.outlet_id ORDER BY a.outlet_id) AS outlet_ids,
    any_value(o.original_article_id) AS original_article_id,
    any_value(a.outlet_id) FILTER (WHERE a.article_id = o.original_article_id) AS original_outlet_id,
    any_value(o.reason) AS original_reason,
    min(a.fetched_at) AS first_fetched_at
FROM core.story_members m
JOIN core.articles a USING (article_id)
LEFT JOIN core.story_originals o ON o.story_id = m.story_id
GROUP BY m.story_id;

CREATE OR REPLACE VIEW syndication AS
SELECT
    c.article_id AS copy_article_id,
    o.original_article_id,
    m.story_id,
    m.similarity,
    m.containment,
    date_diff('minute', coalesce(orig.published_at, orig.fetched_at), coalesce(c.published_at, c.fetched_at))
        / 60.0 AS lag_hours,
    c.outlet_id AS copy_outlet_id,
    orig.outlet_id AS original_outlet_id
FROM core.story_members m
JOIN core.story_originals o ON o.story_id = m.story_id
JOIN core.articles c ON c.article_id = m.article_id
JOIN core.articles orig ON orig.article_id = o.original_article_id
WHERE m.article_id <> o.original_article_id;

CREATE OR REPLACE VIEW failures AS
SELECT url, outlet_id, stage, error, http_status, "at", kind, transient, run_id
FROM core.failures;

CREATE OR REPLACE VIEW runs AS
SELECT run_id, flow, started_at, finished_at, discovered, new, fetched, extracted, loaded, copies, failed,
       loaded_at, window_start, window_end, outlet_ids
FROM core.runs;

CREATE OR REPLACE VIEW outlet_stats AS
WITH per_article AS (
    SELECT a.outlet_id,
           coalesce(o.original_article_id = a.article_id, true) AS is_original,
           len(coalesce(a.boilerplate_removed, [])) AS blocks_removed
    FROM core.articles a
    LEFT JOIN core.story_members m USING (article_id)
    LEFT JOIN core.story_originals o ON o.story_id = m.story_id
),
art AS (
    SELECT outlet_id,
           count(*) AS articles,
           count(*) FILTER (WHERE is_original) AS originals,
           count(*) FILTER (WHERE NOT is_original) AS copies,
           sum(blocks_removed) AS boilerplate_blocks_removed
    FROM per_article GROUP BY outlet_id
),
fail AS (SELECT outlet_id, count(*) AS failures FROM core.failures GROUP BY outlet_id)
SELECT coalesce(art.outlet_id, fail.outlet_id) AS outlet_id,
       coalesce(articles, 0) AS articles,
       coalesce(originals, 0) AS originals,
       coalesce(copies, 0) AS copies,
       round(coalesce(originals, 0) / nullif(articles, 0), 3) AS original_share,
       round(coalesce(copies, 0) / nullif(articles, 0), 3) AS copy_share,
       coalesce(boilerplate_blocks_removed, 0) AS boilerplate_blocks_removed,
       coalesce(failures, 0) AS failures
FROM art FULL OUTER JOIN fail ON art.outlet_id = fail.outlet_id;
