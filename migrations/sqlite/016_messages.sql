-- The mail outbox (issue 28). A message is written in the same transaction as its cause and sent by a `mail.send` job.
-- message_id: the Message-ID header (and GOV.UK Notify reference) the message keeps for life, so a copy sent again
-- after a crash can be recognised. Bodies are personal data: body_text and body_html are cleared after 30 days and
-- the metadata kept. dedupe_key: one message per cause (an invitation, a learner's reminders of one day, …).
-- Times are milliseconds since the epoch.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT,
  body_html TEXT,
  unsubscribe_url TEXT,
  dedupe_key TEXT UNIQUE,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  transport TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  provider_ref TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  failed_at INTEGER,
  body_cleared_at INTEGER
);
CREATE INDEX messages_created ON messages (created_at, id);
CREATE INDEX messages_user ON messages (user_id);

-- The optional kinds of message a person has turned off (a row per kind turned off).
CREATE TABLE notification_opt_outs (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind)
);

-- Each reminder (due soon, overdue) of one learner's assigned module, once: the reminder job reads what is due and
-- not yet here, so a run after downtime catches up and a second instance sends nothing twice.
CREATE TABLE reminders_sent (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  module_id TEXT NOT NULL,
  due_on TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, cohort_id, module_id, due_on, kind)
);

-- A person's secret calendar feed address (only its hash): a new one revokes the old.
CREATE TABLE calendar_feeds (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
