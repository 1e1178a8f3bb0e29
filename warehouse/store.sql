-- reader-side queries of warehouse/store.py against the published snapshot.

-- name: seen_urls
-- candidate_urls is a registered Arrow table: DuckDB converts a long list parameter item by item
SELECT u.url, a.fetched_at
FROM candidate_urls u
JOIN core.urls_seen s ON s.url = u.url
LEFT JOIN core.articles a ON a.article_id = s.article_id;

-- name: source_states
SELECT url, outlet_id, etag, last_modified, body_hash, kind, checked_at, changed_at
FROM core.source_state WHERE outlet_id IN (SELECT unnest(?::VARCHAR[]));

-- name: retryable_failures
-- transient failures (timeouts, 5xx, resets; extractions that overran or killed their worker) of pages never
-- loaded since: retried by later runs, a few times
SELECT f.url, any_value(f.outlet_id) AS outlet_id, count(*) AS attempts
FROM core.failures f
WHERE f.transient AND f.stage IN ('fetch', 'extract') AND f.outlet_id IN (SELECT unnest(?::VARCHAR[]))
  AND NOT EXISTS (SELECT 1 FROM core.urls_seen s WHERE s.url = f.url)
GROUP BY f.url
HAVING count(*) < ? AND max(f."at") > now() - INTERVAL 14 DAY;

-- name: learnable_outlet_blocks
-- blocks on enough pages of their outlet to be learned as its template (outlet_templates.learn_outlet_blocks
-- decides; fewer than its min_pages never are), with the pages the outlet has had
SELECT b.outlet_id, b.block_hash, b.pages, p.pages AS pages_seen
FROM core.outlet_blocks b JOIN core.outlet_pages p USING (outlet_id)
WHERE b.outlet_id IN (SELECT unnest(?::VARCHAR[])) AND b.pages >= ?;

-- name: extract_attempts
-- earlier extractions of these pages that overran their bounds or killed their worker (transient failures
-- of the extract stage); candidate_urls is a registered Arrow table
SELECT f.url, count(*) AS attempts
FROM core.failures f JOIN candidate_urls u ON u.url = f.url
WHERE f.transient AND f.stage = 'extract'
GROUP BY f.url;
