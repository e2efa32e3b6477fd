-- Cohorts can be archived (hidden from the default list, restorable); removals from a cohort are kept for a while so
-- a trainer can undo them (a member's original joining date matters: a trainer sees only work done since then).
ALTER TABLE cohorts ADD COLUMN archived_at TEXT;

CREATE TABLE cohort_removals (
  id INTEGER PRIMARY KEY,
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('member', 'assignment', 'trainer')),
  payload TEXT NOT NULL,
  removed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  removed_at TEXT NOT NULL,
  undone_at TEXT
);
CREATE INDEX cohort_removals_cohort ON cohort_removals (cohort_id, removed_at);
