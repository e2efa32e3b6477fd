-- Forwarding in commit order. On SQLite one writer at a time means event ids are committed in id order, so the
-- forwarder's cursor is the event id alone and `tx` stays empty; the column exists so both engines share one schema.
ALTER TABLE events ADD COLUMN tx INTEGER;
ALTER TABLE xapi_forwarding ADD COLUMN last_tx INTEGER NOT NULL DEFAULT 0;
