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
       loaded_at, window_start, window_end, outlet_ids, prefect_flow_run_id
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

-- one row per outlet per run (runs that recorded their per-outlet counts): what an operator watches to see a
-- feed break or a template change. articles_new and the text measures are over the run's new articles;
-- failure_share is failures over what was tried (new links plus sources that failed); boilerplate_share the
-- share of the new articles' characters removed as the outlet's boilerplate
-- outlet_health_of_runs(run_ids): the view's rows of those runs (NULL: of every run). The report after each
-- load asks for a few runs, and a warehouse holds many: the text measures and failures are read for the runs
-- asked for only, and the window over each outlet's every run (last_new_at) sees article counts alone
CREATE OR REPLACE MACRO outlet_health_of_runs(run_ids) AS TABLE
WITH run_outlets AS (
    SELECT run_id, flow, started_at, finished_at, prefect_flow_run_id,
           c.outlet_id, c.discovered AS links_found, c.new AS links_new
    FROM (SELECT *, unnest(outlet_counts) AS c FROM core.runs)
),
new_counts AS (
    SELECT first_run_id AS run_id, outlet_id, count(*) AS articles_new FROM core.articles GROUP BY ALL
),
runs_seen AS (
    SELECT o.*, coalesce(n.articles_new, 0) AS articles_new,
           max(CASE WHEN n.articles_new > 0 THEN o.finished_at END)
               OVER (PARTITION BY o.outlet_id ORDER BY o.started_at, o.run_id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_new_at
    FROM run_outlets o LEFT JOIN new_counts n USING (run_id, outlet_id)
),
texts AS (
    SELECT first_run_id AS run_id, outlet_id, word_count, title, published_at, authors,
           length(coalesce(text, '')) AS kept_chars,
           coalesce(list_sum(list_transform(boilerplate_removed, b -> length(b))), 0) AS removed_chars
    FROM core.articles
    WHERE run_ids IS NULL OR first_run_id = ANY(run_ids)
),
arts AS (
    SELECT run_id, outlet_id,
           median(word_count) AS median_words,
           avg(CASE WHEN coalesce(trim(title), '') = '' THEN 1.0 ELSE 0.0 END) AS empty_title_share,
           avg(CASE WHEN published_at IS NULL THEN 1.0 ELSE 0.0 END) AS empty_date_share,
           avg(CASE WHEN len(coalesce(authors, [])) = 0 THEN 1.0 ELSE 0.0 END) AS empty_author_share,
           sum(removed_chars) / nullif(sum(removed_chars + kept_chars), 0) AS boilerplate_share
    FROM texts GROUP BY run_id, outlet_id
),
kinds AS (
    SELECT run_id, outlet_id, coalesce(kind, stage) AS kind, count(*) AS n,
           count(*) FILTER (WHERE stage = 'discover') AS n_discover
    FROM core.failures
    WHERE run_ids IS NULL OR run_id = ANY(run_ids)
    GROUP BY ALL
),
fails AS (
    SELECT run_id, outlet_id,
           sum(n) AS failed,
           sum(n_discover) AS sources_failed,
           coalesce(sum(n) FILTER (WHERE kind = 'host_backoff'), 0) AS host_backoffs,
           coalesce(sum(n) FILTER (WHERE kind = 'robots_disallowed'), 0) AS robots_refusals,
           map_from_entries(list((kind, n) ORDER BY kind)) AS failures_by_kind
    FROM kinds GROUP BY run_id, outlet_id
)
SELECT r.run_id, r.flow, r.started_at, r.finished_at, r.prefect_flow_run_id, r.outlet_id,
       r.links_found, r.links_new, r.articles_new,
       coalesce(f.failed, 0) AS failed,
       coalesce(f.failed, 0) / nullif(r.links_new + coalesce(f.sources_failed, 0), 0) AS failure_share,
       coalesce(f.failures_by_kind, MAP {}::MAP(VARCHAR, BIGINT)) AS failures_by_kind,
       coalesce(f.host_backoffs, 0) AS host_backoffs,
       coalesce(f.robots_refusals, 0) AS robots_refusals,
       a.median_words, a.empty_title_share, a.empty_date_share, a.empty_author_share, a.boilerplate_share,
       r.last_new_at,
       round(date_diff('second', r.last_new_at, r.finished_at) / 3600.0, 2) AS hours_since_new
FROM runs_seen r
LEFT JOIN arts a ON a.run_id = r.run_id AND a.outlet_id = r.outlet_id
LEFT JOIN fails f ON f.run_id = r.run_id AND f.outlet_id = r.outlet_id
WHERE run_ids IS NULL OR r.run_id = ANY(run_ids);

CREATE OR REPLACE VIEW outlet_health AS SELECT * FROM outlet_health_of_runs(NULL::VARCHAR[]);
