-- Tailored variants of the pack. Uploaded files live in the database (not on disk) so any instance can serve them.
CREATE TABLE variants (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL UNIQUE,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE variant_versions (
  id INTEGER PRIMARY KEY,
  variant_id INTEGER NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  version INTEGER,
  files TEXT NOT NULL,
  hash TEXT NOT NULL,
  summary TEXT NOT NULL,
  uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  published_at TEXT,
  UNIQUE (variant_id, version)
);
CREATE INDEX variant_versions_variant ON variant_versions (variant_id, status);

-- A published version is immutable: its files, hash and number can never change, and it cannot be deleted.
CREATE TRIGGER variant_versions_immutable BEFORE UPDATE ON variant_versions
WHEN OLD.status = 'published'
BEGIN
  SELECT RAISE(ABORT, 'published variant versions are immutable');
END;
CREATE TRIGGER variant_versions_undeletable BEFORE DELETE ON variant_versions
WHEN OLD.status = 'published'
BEGIN
  SELECT RAISE(ABORT, 'published variant versions are immutable');
END;

ALTER TABLE sessions ADD COLUMN preview_version_id INTEGER;
