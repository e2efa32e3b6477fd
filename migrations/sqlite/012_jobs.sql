-- Background work that must run once across every instance: claimed with a time-limited lease, retried with back-off.
-- unique_key: at most one pending job per key (recurring jobs, the xAPI forwarder). run_at, lease_until and
-- created_at are milliseconds since the epoch; a claimed job whose lease has passed is claimable again.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  unique_key TEXT UNIQUE,
  payload TEXT NOT NULL DEFAULT '{}',
  run_at INTEGER NOT NULL,
  lease_until INTEGER,
  leased_by TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at, id);
