-- A learner's latest cohort (whose pinned variant they see) is read on every request they make: with their memberships
-- indexed in the order that read asks for, it is the index's last entry for them, with no sort.
CREATE INDEX cohort_members_latest ON cohort_members (user_id, added_at, cohort_id);
