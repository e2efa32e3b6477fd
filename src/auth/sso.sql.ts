import type { Sql } from '../db/ports';
import type { Role } from '../shared/actor';
import type { PendingSignIn, RoleSource, SsoAccount, SsoPerson, SsoRepo } from './sso.repo';

interface PendingRow {
  state_hash: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: number;
}

interface AccountRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  role_source: RoleSource;
  disabled: number;
  has_password: number;
  issuer_key: string | null;
  subject: string | null;
}

interface PersonRow {
  user_id: number;
  name: string;
  email: string;
  role: Role;
  role_source: RoleSource;
  disabled: number;
  issuer_key: string;
  created_at: string;
  last_sign_in_at: string;
}

const toPending = (r: PendingRow): PendingSignIn => ({
  stateHash: r.state_hash,
  browserHash: r.browser_hash,
  nonce: r.nonce,
  codeVerifier: r.code_verifier,
  returnTo: r.return_to,
  expiresAt: r.expires_at,
});

const toAccount = (r: AccountRow): SsoAccount => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  roleSource: r.role_source,
  disabled: Boolean(r.disabled),
  hasPassword: Boolean(r.has_password),
  identity:
    r.issuer_key !== null && r.subject !== null ? { issuerKey: r.issuer_key, subject: r.subject } : null,
});

const PENDING_INSERT = `INSERT INTO sso_logins (state_hash, browser_hash, nonce, code_verifier, return_to, expires_at)
  VALUES (@stateHash, @browserHash, @nonce, @codeVerifier, @returnTo, @expiresAt)`;
const PENDING_TAKE = `DELETE FROM sso_logins WHERE state_hash = ?
  RETURNING state_hash, browser_hash, nonce, code_verifier, return_to, expires_at`;
const ACCOUNT = `SELECT u.id, u.email, u.name, u.role, u.role_source, u.disabled,
    CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password, i.issuer_key, i.subject
  FROM users u LEFT JOIN sso_identities i ON i.user_id = u.id`;
const PEOPLE = `SELECT u.id AS user_id, u.name, u.email, u.role, u.role_source, u.disabled, i.issuer_key, i.created_at,
    i.last_sign_in_at
  FROM sso_identities i JOIN users u ON u.id = i.user_id
  ORDER BY i.last_sign_in_at DESC, u.id`;

export function createSsoRepo(db: Sql): SsoRepo {
  const account = (row: AccountRow | undefined) => (row ? toAccount(row) : undefined);
  return {
    async savePending(p) {
      await db.run(PENDING_INSERT, { ...p });
    },
    async takePending(stateHash) {
      const row = await db.get<PendingRow>(PENDING_TAKE, [stateHash]);
      return row ? toPending(row) : undefined;
    },
    async deleteExpiredPending(now) {
      return (await db.run('DELETE FROM sso_logins WHERE expires_at <= ?', [now])).changes;
    },
    accountByIdentity: async (key) =>
      account(
        await db.get<AccountRow>(`${ACCOUNT} WHERE i.issuer_key = ? AND i.subject = ?`, [
          key.issuerKey,
          key.subject,
        ]),
      ),
    accountByEmail: async (email) =>
      account(await db.get<AccountRow>(`${ACCOUNT} WHERE u.email_norm = lower(?)`, [email])),
    accountById: async (id) => account(await db.get<AccountRow>(`${ACCOUNT} WHERE u.id = ?`, [id])),
    async link(userId, key, at) {
      await db.run(
        `INSERT INTO sso_identities (user_id, issuer_key, subject, created_at, last_sign_in_at)
          VALUES (?, ?, ?, ?, ?)`,
        [userId, key.issuerKey, key.subject, at.toISOString(), at.toISOString()],
      );
    },
    async recordSignIn(key, at) {
      await db.run('UPDATE sso_identities SET last_sign_in_at = ? WHERE issuer_key = ? AND subject = ?', [
        at.toISOString(),
        key.issuerKey,
        key.subject,
      ]);
    },
    async setRole(userId, role, source) {
      await db.run('UPDATE users SET role = ?, role_source = ? WHERE id = ?', [role, source, userId]);
    },
    async setEmail(userId, email) {
      await db.run('UPDATE users SET email = ?, email_norm = lower(?) WHERE id = ?', [email, email, userId]);
    },
    async emailTaken(email, exceptUserId) {
      const row = await db.get<{ id: number }>(
        'SELECT id FROM users WHERE email_norm = lower(?) AND id <> ?',
        [email, exceptUserId],
      );
      return row !== undefined;
    },
    async people(): Promise<SsoPerson[]> {
      return (await db.all<PersonRow>(PEOPLE)).map((r) => ({
        userId: r.user_id,
        name: r.name,
        email: r.email,
        role: r.role,
        roleSource: r.role_source,
        disabled: Boolean(r.disabled),
        issuerKey: r.issuer_key,
        linkedAt: new Date(r.created_at),
        lastSignInAt: new Date(r.last_sign_in_at),
      }));
    },
  };
}
