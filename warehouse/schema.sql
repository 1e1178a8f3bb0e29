-- copydesk warehouse: internal tables live in schema core; the public interface is views.sql.
-- every statement is idempotent so the loader can apply this file on each open.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS core.articles (
    article_id VARCHAR PRIMARY KEY,          -- sha1 of the canonical url, 16 hex
    url VARCHAR NOT NULL,                    -- canonical url
    fetched_url VARCHAR,
    discovered_url VARCHAR,
    discovered_via VARCHAR,                  -- feed | sitemap | news_sitemap | warc
    outlet_id VARCHAR NOT NULL,
    title VARCHAR,
    authors VARCHAR[],
    published_at TIMESTAMPTZ,
    published_at_source VARCHAR,
    modified_at TIMESTAMPTZ,
    date_candidates VARCHAR,                 -- json list of {source, value, role}
    language VARCHAR,
    text VARCHAR,
    word_count INTEGER,
    site_name VARCHAR,
    description VARCHAR,
    source_credit VARCHAR,
    based_on_url VARCHAR,
    access VARCHAR,
    boilerplate_removed VARCHAR[],
    content_hash VARCHAR,
    fetched_at TIMESTAMPTZ,
    first_run_id VARCHAR,
    run_id VARCHAR,
    content_fetched_at TIMESTAMPTZ,          -- first fetch of the current text (fetched_at: the latest)
    content_run_id VARCHAR                   -- the run of that fetch
);
-- warehouses made before the current text's first fetch was kept here (migrated by store.migrate)
ALTER TABLE core.articles ADD COLUMN IF NOT EXISTS content_fetched_at TIMESTAMPTZ;
ALTER TABLE core.articles ADD COLUMN IF NOT EXISTS content_run_id VARCHAR;

-- the texts an article had before its current one (core.articles holds that, once: a text is not stored
-- twice); the article_versions view shows both
CREATE TABLE IF NOT EXISTS core.article_versions (
    article_id VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    title VARCHAR,
    text VARCHAR,
    fetched_at TIMESTAMPTZ,
    run_id VARCHAR,
    PRIMARY KEY (article_id, content_hash)
);

-- urls we are done with: fetched into an article, or failed for good
CREATE TABLE IF NOT EXISTS core.urls_seen (
    url VARCHAR PRIMARY KEY,
    outlet_id VARCHAR,
    article_id VARCHAR,
    outcome VARCHAR,                         -- article | failed
    first_seen TIMESTAMPTZ,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS core.failures (
    run_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    outlet_id VARCHAR,
    stage VARCHAR NOT NULL,
    kind VARCHAR,
    error VARCHAR,
    http_status INTEGER,
    transient BOOLEAN,
    "at" TIMESTAMPTZ,
    PRIMARY KEY (run_id, stage, url)
);

-- conditional GET state of feeds and sitemaps (tasks/sources.py), committed with the run that read them
CREATE TABLE IF NOT EXISTS core.source_state (
    url VARCHAR PRIMARY KEY,
    outlet_id VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    body_hash VARCHAR,
    kind VARCHAR,
    checked_at TIMESTAMPTZ,
    changed_at TIMESTAMPTZ,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS core.runs (
    run_id VARCHAR PRIMARY KEY,
    flow VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    loaded_at TIMESTAMPTZ,
    window_start TIMESTAMPTZ,
    window_end TIMESTAMPTZ,
    outlet_ids VARCHAR[],
    discovered INTEGER,
    new INTEGER,
    fetched INTEGER,
    extracted INTEGER,
    loaded INTEGER,
    copies INTEGER,
    failed INTEGER
);

-- lake files already loaded: state committed with the data it describes
CREATE TABLE IF NOT EXISTS core.loaded_files (
    path VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    rows INTEGER,
    loaded_at TIMESTAMPTZ
);

-- near-duplicate index: signatures, lsh bands and sentence keys of every article
CREATE TABLE IF NOT EXISTS core.signatures (
    article_id VARCHAR PRIMARY KEY,
    algo VARCHAR NOT NULL,
    shingle_count INTEGER,
    sentence_count INTEGER,
    minhash BLOB
);
CREATE TABLE IF NOT EXISTS core.lsh_bands (
    band_key BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS core.sentence_keys (
    sentence_key BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);

-- story membership; stories are derived from it in views.sql
CREATE TABLE IF NOT EXISTS core.story_members (
    article_id VARCHAR PRIMARY KEY,
    story_id VARCHAR NOT NULL,
    matched_article_id VARCHAR,              -- the article this one was matched to (null for the first)
    similarity DOUBLE,
    containment DOUBLE,
    linked_at TIMESTAMPTZ
);
-- verified same-story pairs (a < b): every story is recomputed from them (warehouse/stories.py), so the
-- stories do not depend on the order their articles arrived in
CREATE TABLE IF NOT EXISTS core.story_edges (
    a VARCHAR NOT NULL,
    b VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,                   -- resembles | contained | legacy (linked before pairs were kept)
    jaccard DOUBLE,
    containment DOUBLE,
    small VARCHAR                            -- for contained: the article inside the other
);
-- articles loaded while their story linking failed (a failures row with stage 'load' says why): the
-- next load links them
CREATE TABLE IF NOT EXISTS core.link_pending (
    article_id VARCHAR PRIMARY KEY,
    lake_file VARCHAR,
    error VARCHAR,
    since TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS core.story_originals (
    story_id VARCHAR PRIMARY KEY,
    original_article_id VARCHAR NOT NULL,
    reason VARCHAR
);

-- per-outlet block statistics for learning outlet templates (tasks/outlet_templates.py)
CREATE TABLE IF NOT EXISTS core.outlet_blocks (
    outlet_id VARCHAR NOT NULL,
    block_hash BIGINT NOT NULL,
    pages INTEGER NOT NULL,
    PRIMARY KEY (outlet_id, block_hash)
);
-- the distinct pages counted per outlet (outlet_templates.page_key): one article at several URLs counts once
CREATE TABLE IF NOT EXISTS core.outlet_page_keys (
    outlet_id VARCHAR NOT NULL,
    page_key BIGINT NOT NULL
);
-- learned blocks already stripped from the outlet's stored articles (warehouse/template_learning.py)
CREATE TABLE IF NOT EXISTS core.outlet_learned (
    outlet_id VARCHAR NOT NULL,
    block_hash BIGINT NOT NULL,
    template BOOLEAN NOT NULL,               -- applied as a template block (removed whatever is left)
    PRIMARY KEY (outlet_id, block_hash)
);
CREATE TABLE IF NOT EXISTS core.outlet_pages (
    outlet_id VARCHAR PRIMARY KEY,
    pages INTEGER NOT NULL
);

-- conditional-get state for feeds and sitemaps
CREATE TABLE IF NOT EXISTS core.document_state (
    url VARCHAR PRIMARY KEY,
    etag VARCHAR,
    last_modified VARCHAR,
    body_hash VARCHAR,
    checked_at TIMESTAMPTZ
);
