-- LTI Advantage services (issue 31). A completion looks up the links to its module that have a gradebook column.
CREATE INDEX lti_resource_links_module ON lti_resource_links (module_id) WHERE lineitem_url IS NOT NULL;

-- Learners who left the platform's course (a roster sync found them gone): they leave the cohort, their account and
-- records stay, and this row says when they left and since when they had been members (kept should they come back).
CREATE TABLE lti_left_members (
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at TEXT NOT NULL,
  left_at TEXT NOT NULL,
  PRIMARY KEY (cohort_id, user_id)
);
