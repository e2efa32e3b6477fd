-- Search across people: a full-text index of each account's name and email address, kept in step with `users` by
-- triggers (an external-content FTS5 table: the text lives once, in `users`). Prefix queries ("sam*") use the
-- 2- and 3-character prefix indexes.
CREATE VIRTUAL TABLE users_fts USING fts5(
  name,
  email,
  content = 'users',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

INSERT INTO users_fts (rowid, name, email) SELECT id, name, email FROM users;

CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
  INSERT INTO users_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
END;

CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
  INSERT INTO users_fts (users_fts, rowid, name, email) VALUES ('delete', old.id, old.name, old.email);
END;

CREATE TRIGGER users_fts_update AFTER UPDATE OF name, email ON users BEGIN
  INSERT INTO users_fts (users_fts, rowid, name, email) VALUES ('delete', old.id, old.name, old.email);
  INSERT INTO users_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
END;

-- The audit log filtered by action (and its checklist look-ups), newest first.
CREATE INDEX audit_log_action ON audit_log (action, id);
