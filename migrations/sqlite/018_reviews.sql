-- Review of evidence (issue 32). Each time a learner marks an outcome achieved, what they submitted is a row here; a
-- trainer confirms it or returns it with feedback (decision, who, when, what was said). Rows are never rewritten
-- after the decision: they are the outcome's review history. decided_by_name keeps the reviewer's name in the history
-- after their account is gone. outcome_progress.review_id names the submission the learner's current claim made, so
-- the status (src/progress/status.ts) is read with one join.
CREATE TABLE outcome_reviews (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  outcome_id TEXT NOT NULL,
  evidence TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  submitted_at TEXT NOT NULL,
  decision TEXT CHECK (decision IN ('confirmed', 'returned')),
  decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  decided_by_name TEXT,
  decided_at TEXT,
  comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outcome_reviews_learner ON outcome_reviews (user_id, outcome_id, id);
CREATE INDEX outcome_reviews_waiting ON outcome_reviews (submitted_at, id) WHERE decision IS NULL;
CREATE INDEX outcome_reviews_decider ON outcome_reviews (decided_by);

ALTER TABLE outcome_progress ADD COLUMN review_id INTEGER REFERENCES outcome_reviews (id) ON DELETE SET NULL;

-- Outcomes marked achieved before reviews existed wait for review like any other (unless the pack says self-assessed).
INSERT INTO outcome_reviews (user_id, outcome_id, evidence, submitted_at)
  SELECT user_id, outcome_id, evidence, updated_at FROM outcome_progress WHERE status = 'achieved';
UPDATE outcome_progress SET review_id = (
  SELECT max(r.id) FROM outcome_reviews r
  WHERE r.user_id = outcome_progress.user_id AND r.outcome_id = outcome_progress.outcome_id
) WHERE status = 'achieved';
