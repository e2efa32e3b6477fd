-- LTI Advantage services (issue 31). A completion looks up the links to its module that have a gradebook column.
CREATE INDEX lti_resource_links_module ON lti_resource_links (module_id) WHERE lineitem_url IS NOT NULL;

-- Learners who left the platform's course (a roster sync found them gone): they leave the cohort, their account and
-- records stay, and this row says when they left and since when they had been members (kept should they come back).
CREATE TABLE lti_left_members (
  cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at TEXT NOT NULL,
  left_at TEXT NOT NULL,
  PRIMARY KEY (cohort_id, user_id)
);

-- A deep linking request under way (LtiDeepLinkingRequest): an instructor choosing modules to add to their course.
-- Kept in the database (the picker may be answered by another instance), taken once when the choice is posted back
-- to return_url; id_hash is the hash of the picker's address token. data is echoed to the platform as it came.
CREATE TABLE lti_deep_links (
  id_hash TEXT PRIMARY KEY,
  platform_id BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
  return_url TEXT NOT NULL,
  data TEXT,
  accept_multiple INTEGER NOT NULL CHECK (accept_multiple IN (0, 1)),
  expires_at BIGINT NOT NULL
);
CREATE INDEX lti_deep_links_expiry ON lti_deep_links (expires_at);
