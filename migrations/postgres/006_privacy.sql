-- Erasure (UK GDPR art. 17) keeps an anonymous row so cohort statistics still add up; erased_at marks it.
ALTER TABLE users ADD COLUMN erased_at TEXT;
CREATE INDEX users_activity ON users (role, erased_at, last_active_at);
