-- Flash messages kept with the session (never read from the address bar); sign-in failures as rows so throttling can
-- tell one person's typos from guessing across many addresses or accounts; a key-value table for one-time settings.
ALTER TABLE sessions ADD COLUMN flash TEXT;

CREATE TABLE signin_failures (
  id INTEGER PRIMARY KEY,
  email_norm TEXT NOT NULL,
  address TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX signin_failures_account ON signin_failures (email_norm, at);
CREATE INDEX signin_failures_address ON signin_failures (address, at);

CREATE TABLE signin_known (
  email_norm TEXT NOT NULL,
  address TEXT NOT NULL,
  last_success INTEGER NOT NULL,
  PRIMARY KEY (email_norm, address)
) WITHOUT ROWID;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

DROP TABLE throttle;
