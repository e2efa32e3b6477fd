-- xAPI context. Each event is stamped, as it is written (by the events repository), with the cohort the learner was then in (their latest, the
-- one whose pinned variant they saw) and that cohort's variant version, so a statement names the pack the learner
-- actually had and carries their enrolment (registration) even after the cohort is re-pinned or they move on.
ALTER TABLE events ADD COLUMN cohort_id INTEGER;
ALTER TABLE events ADD COLUMN variant_version_id INTEGER;

-- Events written before this migration: the latest cohort the learner had joined by then.
UPDATE events SET cohort_id = (
  SELECT m.cohort_id FROM cohort_members m
  WHERE m.user_id = events.user_id AND m.added_at <= events.at
  ORDER BY m.added_at DESC, m.cohort_id DESC LIMIT 1
);
UPDATE events SET variant_version_id = (SELECT c.variant_version_id FROM cohorts c WHERE c.id = events.cohort_id)
WHERE cohort_id IS NOT NULL;

-- One forwarder at a time across instances: a batch is claimed until `lease_until` (milliseconds since the epoch).
ALTER TABLE xapi_forwarding ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
