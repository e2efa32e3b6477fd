-- Single sign-on (OpenID Connect). An account's identity at the provider is keyed by who issued it and the
-- provider's immutable id for the person (Entra: tenant id and object id), never by an email address or user name,
-- which people can change or claim. An account has at most one identity.
CREATE TABLE sso_identities (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  -- 'tid:<tenant id>' when the token names a tenant, else 'iss:<issuer>'
  issuer_key TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_sign_in_at TEXT NOT NULL,
  UNIQUE (issuer_key, subject)
);

-- Where an account's role comes from: set in Packway, or the provider's role claim (refreshed at each sign-in).
ALTER TABLE users ADD COLUMN role_source TEXT NOT NULL DEFAULT 'packway' CHECK (role_source IN ('packway', 'claim'));

-- Sign-ins under way, one row each from leaving for the provider to coming back: kept in the database so that the
-- instance that answers the return need not be the one that sent the person away. One-time and short-lived;
-- state_hash and browser_hash are hashes of the state parameter and of the browser's login cookie.
-- expires_at is milliseconds since the epoch.
CREATE TABLE sso_logins (
  state_hash TEXT PRIMARY KEY,
  browser_hash TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sso_logins_expiry ON sso_logins (expires_at);
