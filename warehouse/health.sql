-- outlet health (the outlet_health view, views.sql) as the flows read it back after a load

-- name: run_health
-- the rows of one run, an outlet per row
SELECT * FROM outlet_health WHERE run_id = ? ORDER BY outlet_id;

-- name: recent_health
-- each of these outlets' last rows of one flow before a run (newest first), the history a run is judged by
SELECT * FROM outlet_health
WHERE outlet_id IN (SELECT unnest(?::VARCHAR[])) AND flow = ? AND run_id <> ? AND started_at <= ?
QUALIFY row_number() OVER (PARTITION BY outlet_id ORDER BY started_at DESC, run_id DESC) <= ?
ORDER BY outlet_id, started_at DESC;
