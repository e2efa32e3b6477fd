-- Forwarding events to an external Learning Record Store: the events table is the outbox and this row is its cursor.
-- The cursor moves only after the LRS accepts a batch, so nothing is lost while the LRS is down.
CREATE TABLE xapi_forwarding (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_event_id INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
INSERT INTO xapi_forwarding (id) VALUES (1);
