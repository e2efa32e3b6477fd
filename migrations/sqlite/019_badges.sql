-- Open Badges 3.0 credentials (issue 32). Times are milliseconds since the epoch.

-- The issuer's Ed25519 key pairs (Multikey, multibase text). One signs (signing = 1, unique: two instances starting
-- together cannot both make one); a retired key signs no more but is still published, so badges it signed verify.
-- The secret key never leaves this table except to sign: backups hold it, so keep them as the database is kept.
CREATE TABLE badge_keys (
  id INTEGER PRIMARY KEY,
  public_key_multibase TEXT NOT NULL UNIQUE,
  secret_key_multibase TEXT NOT NULL,
  signing INTEGER UNIQUE CHECK (signing = 1),
  created_at INTEGER NOT NULL,
  retired_at INTEGER
);

-- Every badge issued, with its signed credential exactly as issued (never altered). basis: when the area was last
-- confirmed for the learner, so the same confirmation issues one badge however often it is asked for, and a new
-- confirmation after a change issues a new one. status_index: its random place in the revocation status list.
CREATE TABLE badges (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  area_id TEXT NOT NULL,
  area_title TEXT NOT NULL,
  basis TEXT NOT NULL,
  status_index INTEGER NOT NULL UNIQUE,
  credential TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  issued_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  revoked_at INTEGER,
  revoked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  revoked_reason TEXT,
  UNIQUE (user_id, area_id, basis)
);
CREATE INDEX badges_user ON badges (user_id, issued_at);

-- A learner who chooses to show their email address on the badges issued from then on (no row: a salted hash).
CREATE TABLE badge_settings (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  show_email INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
