-- LTI 1.3 Advantage (issue 31): Packway as a tool that learning platforms (Moodle, Canvas, …) launch.

-- A platform an administrator registered: who it is (issuer and the client id it gave Packway) and where its OIDC
-- login, token and key endpoints are. admin_role: the Packway role an LTI Administrator gets. trust_email: the
-- administrators vouch that the platform's addresses are verified, so a launch may link an existing account by its
-- address (the single sign-on linking rule needs a proven address). Times are milliseconds since the epoch.
CREATE TABLE lti_platforms (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  issuer TEXT NOT NULL,
  client_id TEXT NOT NULL,
  auth_login_url TEXT NOT NULL,
  token_url TEXT NOT NULL,
  jwks_url TEXT NOT NULL,
  admin_role TEXT NOT NULL DEFAULT 'trainer' CHECK (admin_role IN ('learner', 'trainer', 'admin')),
  trust_email INTEGER NOT NULL DEFAULT 0 CHECK (trust_email IN (0, 1)),
  registered_via TEXT NOT NULL DEFAULT 'manual' CHECK (registered_via IN ('manual', 'dynamic')),
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (issuer, client_id)
);

-- The deployments of Packway a platform has (a launch naming another is refused).
CREATE TABLE lti_deployments (
  platform_id INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL,
  PRIMARY KEY (platform_id, deployment_id)
);

-- Packway's own RSA key pairs (JWK JSON), made once and shared by every instance. The current key has is_current = 1
-- (unique, so two instances making the first key at once keep one); a rotated-out key stays published until
-- publish_until, after the last token signed with it has expired.
CREATE TABLE lti_tool_keys (
  kid TEXT PRIMARY KEY,
  public_jwk TEXT NOT NULL,
  private_jwk TEXT NOT NULL,
  is_current INTEGER UNIQUE CHECK (is_current = 1),
  created_at INTEGER NOT NULL,
  retired_at INTEGER,
  publish_until INTEGER
);

-- Launches under way, from the platform's login initiation to its id_token: in the database, not a cookie, because the
-- launch comes back as a cross-site POST inside the platform's frame (where cookies may be refused) and may reach
-- another instance. One-time (taken when used) and short-lived; state_hash is the hash of the state parameter.
CREATE TABLE lti_logins (
  state_hash TEXT PRIMARY KEY,
  platform_id INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  nonce TEXT NOT NULL,
  target_link_uri TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX lti_logins_expiry ON lti_logins (expires_at);

-- A person as a platform knows them: (issuer, sub), never an email address.
CREATE TABLE lti_identities (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_launch_at INTEGER NOT NULL,
  UNIQUE (issuer, subject)
);
CREATE INDEX lti_identities_user ON lti_identities (user_id);

-- A platform's course (LTI context) and the cohort it is, keyed by (issuer, deployment, context id). memberships_url
-- (NRPS) and lineitems_url (AGS) are the service endpoints the latest launch named.
CREATE TABLE lti_contexts (
  id INTEGER PRIMARY KEY,
  issuer TEXT NOT NULL,
  deployment_id TEXT NOT NULL,
  context_id TEXT NOT NULL,
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  memberships_url TEXT,
  lineitems_url TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (issuer, deployment_id, context_id)
);

-- A link in a platform's course and the module it opens; lineitem_url is its gradebook column (AGS), when it has one.
CREATE TABLE lti_resource_links (
  id INTEGER PRIMARY KEY,
  issuer TEXT NOT NULL,
  deployment_id TEXT NOT NULL,
  resource_link_id TEXT NOT NULL,
  context_row_id INTEGER REFERENCES lti_contexts (id) ON DELETE CASCADE,
  module_id TEXT,
  title TEXT,
  lineitem_url TEXT,
  created_at INTEGER NOT NULL,
  last_launch_at INTEGER NOT NULL,
  UNIQUE (issuer, deployment_id, resource_link_id)
);

-- A session made by a launch: the platform that made it (its removal ends the session) and the origin that may frame
-- its pages (CSP frame-ancestors); both NULL for every other session.
ALTER TABLE sessions ADD COLUMN lti_platform_id INTEGER REFERENCES lti_platforms (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN frame_origin TEXT;
