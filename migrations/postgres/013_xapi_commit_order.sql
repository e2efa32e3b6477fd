-- Forwarding in commit order. With concurrent transactions an event with a smaller id can commit after one with a
-- larger id, so a cursor on the id alone could step over it for good. Each event records the transaction that wrote
-- it; the forwarder reads only events written by transactions older than every one still running, in (tx, id) order,
-- and its cursor is that pair. Events written before this migration count as transaction 0.
ALTER TABLE events ADD COLUMN tx BIGINT;
UPDATE events SET tx = 0;
ALTER TABLE events ALTER COLUMN tx SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX events_tx ON events (tx, id);
ALTER TABLE xapi_forwarding ADD COLUMN last_tx BIGINT NOT NULL DEFAULT 0;
