-- What learners write: case-study responses, form submissions (raids, self-assessments, activities) and actions.
CREATE TABLE responses (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  module_id TEXT NOT NULL,
  prompt_id TEXT NOT NULL,
  text TEXT NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, module_id, prompt_id)
) WITHOUT ROWID;
CREATE INDEX responses_shared ON responses (module_id, prompt_id) WHERE shared = 1;

CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  module_id TEXT NOT NULL,
  data TEXT NOT NULL,
  linked_id INTEGER REFERENCES submissions (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX submissions_user ON submissions (user_id, module_id, id);

CREATE TABLE actions (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  group_id TEXT NOT NULL,
  field_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  due_on TEXT,
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
);
CREATE INDEX actions_user ON actions (user_id, done);
CREATE INDEX actions_submission ON actions (submission_id);
