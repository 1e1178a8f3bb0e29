-- outlet health (the outlet_health view, views.sql) as the flows read it back after a load; each query names
-- its runs to outlet_health_of_runs, which reads those runs' texts only

-- name: run_health
-- the rows of one run, an outlet per row
SELECT * FROM outlet_health_of_runs([?]) ORDER BY outlet_id;

-- name: recent_runs
-- the runs that hold each of these outlets' last rows of one flow before a run, the history a run is judged by
SELECT DISTINCT run_id
FROM (SELECT run_id, flow, started_at, unnest(outlet_counts) AS c FROM core.runs)
WHERE c.outlet_id = ANY(?::VARCHAR[]) AND flow = ? AND run_id <> ? AND started_at <= ?
QUALIFY row_number() OVER (PARTITION BY c.outlet_id ORDER BY started_at DESC, run_id DESC) <= ?;

-- name: recent_health
-- those outlets' rows in those runs, each outlet's last ones first (newest first)
SELECT * FROM outlet_health_of_runs(?::VARCHAR[])
WHERE outlet_id = ANY(?::VARCHAR[])
QUALIFY row_number() OVER (PARTITION BY outlet_id ORDER BY started_at DESC, run_id DESC) <= ?
ORDER BY outlet_id, started_at DESC;
