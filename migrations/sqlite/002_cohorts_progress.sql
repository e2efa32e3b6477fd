-- Cohorts, assignments, progress against outcome ids, and the append-only learning events.
CREATE TABLE cohorts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  variant_version_id INTEGER,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE cohort_trainers (
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (cohort_id, user_id)
) WITHOUT ROWID;
CREATE INDEX cohort_trainers_user ON cohort_trainers (user_id);

CREATE TABLE cohort_members (
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at TEXT NOT NULL,
  PRIMARY KEY (cohort_id, user_id)
) WITHOUT ROWID;
CREATE INDEX cohort_members_user ON cohort_members (user_id, cohort_id);

CREATE TABLE assignments (
  id INTEGER PRIMARY KEY,
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  module_id TEXT NOT NULL,
  due_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (cohort_id, module_id)
);

CREATE TABLE module_progress (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  module_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
  started_at TEXT NOT NULL,
  completed_at TEXT,
  PRIMARY KEY (user_id, module_id)
) WITHOUT ROWID;

CREATE TABLE outcome_progress (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  outcome_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'achieved')),
  evidence TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, outcome_id)
) WITHOUT ROWID;
CREATE INDEX outcome_progress_outcome ON outcome_progress (outcome_id);

CREATE TABLE outcome_history (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  outcome_id TEXT NOT NULL,
  status TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '',
  changed_at TEXT NOT NULL
);
CREATE INDEX outcome_history_user ON outcome_history (user_id, outcome_id);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  verb TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  module_id TEXT,
  result TEXT
);
CREATE INDEX events_user ON events (user_id, id);
CREATE INDEX events_at ON events (at);
