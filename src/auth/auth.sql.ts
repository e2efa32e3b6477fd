import type { Sql } from '../db/ports';
import type { Role } from '../shared/actor';
import type { AuthRepo, SessionRecord, SignedInUser } from './auth.repo';

interface UserColumns {
  user_id: number;
  email: string;
  name: string;
  role: Role;
  pinned_version_id: number | null;
}

interface SessionRow extends UserColumns {
  id_hash: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  preview_version_id: number | null;
  flash: string | null;
  frame_origin: string | null;
}

const toUser = (r: UserColumns): SignedInUser => ({
  id: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
  pinnedVersionId: r.pinned_version_id,
});

function toSession(r: SessionRow): SessionRecord {
  return {
    idHash: r.id_hash,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    previewVersionId: r.preview_version_id,
    flash: r.flash,
    frameOrigin: r.frame_origin,
    user: toUser(r),
  };
}

const SESSION_INSERT = `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, lti_platform_id,
    frame_origin) VALUES (?, ?, ?, ?, ?, ?, ?)`;
// The learner's pinned variant (that of their latest cohort) comes with who they are: one query per request, and never
// a cached pin that another instance's change of membership or pin could have made stale.
const PINNED = `(SELECT c.variant_version_id FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
    WHERE m.user_id = u.id ORDER BY m.added_at DESC, m.cohort_id DESC LIMIT 1) AS pinned_version_id`;
const SESSION_GET = `SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, s.preview_version_id, s.flash, s.frame_origin,
    u.id AS user_id, u.email, u.name, u.role, ${PINNED}
  FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled = 0`;
const TOKEN_INSERT =
  'INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)';
const TOKEN_GET = `SELECT u.id AS user_id, u.email, u.name, u.role, ${PINNED} FROM api_tokens t JOIN users u ON u.id = t.user_id
  WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled = 0`;
const LINK_INSERT =
  'INSERT INTO password_links (token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)';
const LINK_GET = `SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id
  WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled = 0`;

// Sign-in failures are one row each, never a counter read and written back: every insert, update and COUNT below is
// one atomic statement, so instances sharing the database cannot lose or double a failure. An attempt in progress is
// a row whose address carries PENDING: it counts towards the one-account-from-one-address rule (so a burst of guesses
// sent at once cannot all pass the check before any is recorded) but not towards the rules about many accounts or
// many addresses, so colleagues signing in at the same moment behind one office address never block each other.
const PENDING = 'pending:';
const ATTEMPT_INSERT = 'INSERT INTO signin_failures (email_norm, address, at) VALUES (?, ?, ?) RETURNING id';
const ATTEMPT_FAILED = 'UPDATE signin_failures SET address = ?, at = ? WHERE id = ?';
const PAIR_NTH = `SELECT at FROM signin_failures
  WHERE email_norm = ? AND address IN (?, ?) AND at > ? AND id <> ?
  ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?`;
const ACCOUNT_STATS = `SELECT COUNT(*) AS failures, COUNT(DISTINCT address) AS addresses, MIN(at) AS first
  FROM signin_failures WHERE email_norm = ? AND at > ? AND address NOT LIKE '${PENDING}%'`;
const ADDRESS_STATS = `SELECT COUNT(DISTINCT email_norm) AS accounts, MIN(at) AS first
  FROM signin_failures WHERE address = ? AND at > ?`;
const PAIR_CLEAR = 'DELETE FROM signin_failures WHERE email_norm = ? AND (address = ? OR id = ?)';
const KNOWN_UPSERT = `INSERT INTO signin_known (email_norm, address, last_success) VALUES (?, ?, ?)
  ON CONFLICT (email_norm, address) DO UPDATE SET last_success = excluded.last_success`;
const SETTING_SET =
  'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
const SETTING_ADD = 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING';

export function createAuthRepo(db: Sql): AuthRepo {
  const setting = async (key: string) =>
    (await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))?.value;
  return {
    async createSession(idHash, userId, csrfToken, now, frame) {
      await db.run(SESSION_INSERT, [
        idHash,
        userId,
        csrfToken,
        now,
        now,
        frame?.platformId ?? null,
        frame?.origin ?? null,
      ]);
    },
    async session(idHash) {
      const row = await db.get<SessionRow>(SESSION_GET, [idHash]);
      return row && toSession(row);
    },
    async touchSession(idHash, now) {
      await db.run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', [now, idHash]);
    },
    async setPreview(idHash, versionId) {
      await db.run('UPDATE sessions SET preview_version_id = ? WHERE id_hash = ?', [versionId, idHash]);
    },
    async deleteSession(idHash) {
      await db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
    },
    async deleteSessionsOf(userId) {
      await db.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
    },
    expireSessions: async (idleBefore, createdBefore) =>
      (
        await db.run('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?', [
          idleBefore,
          createdBefore,
        ])
      ).changes,
    async setFlash(idHash, text) {
      await db.run('UPDATE sessions SET flash = ? WHERE id_hash = ?', [text, idHash]);
    },
    async createToken(hash, userId, expiresAt, now) {
      await db.run(TOKEN_INSERT, [hash, userId, now, expiresAt]);
    },
    async tokenUser(hash, now) {
      const row = await db.get<UserColumns>(TOKEN_GET, [hash, now]);
      return row && toUser(row);
    },
    async revokeTokensOf(userId, now) {
      await db.run('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [
        now,
        userId,
      ]);
    },
    async createLink(hash, userId, createdBy, expiresAt, now) {
      await db.run(LINK_INSERT, [hash, userId, createdBy, now, expiresAt]);
    },
    linkUser: async (hash, now) => (await db.get<{ user_id: number }>(LINK_GET, [hash, now]))?.user_id,
    async useLink(hash, now) {
      await db.run('UPDATE password_links SET used_at = ? WHERE token_hash = ?', [now, hash]);
    },
    async expireLinksOf(userId, now) {
      await db.run('UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL', [
        now,
        userId,
      ]);
    },
    async startAttempt(emailNorm, address, at) {
      const row = await db.get<{ id: number }>(ATTEMPT_INSERT, [emailNorm, PENDING + address, at]);
      if (!row) throw new Error('signin_failures insert returned no id');
      return row.id;
    },
    async attemptFailed(id, address, at) {
      await db.run(ATTEMPT_FAILED, [address, at, id]);
    },
    async dropAttempt(id) {
      await db.run('DELETE FROM signin_failures WHERE id = ?', [id]);
    },
    nthPairFailure: async (emailNorm, address, since, nth, except) =>
      (
        await db.get<{ at: number }>(PAIR_NTH, [
          emailNorm,
          address,
          PENDING + address,
          since,
          except,
          nth - 1,
        ])
      )?.at,
    async accountFailures(emailNorm, since) {
      const r = await db.get<{ failures: number; addresses: number; first: number | null }>(ACCOUNT_STATS, [
        emailNorm,
        since,
      ]);
      return { failures: r?.failures ?? 0, addresses: r?.addresses ?? 0, first: r?.first ?? null };
    },
    async addressFailures(address, since) {
      const r = await db.get<{ accounts: number; first: number | null }>(ADDRESS_STATS, [address, since]);
      return { accounts: r?.accounts ?? 0, first: r?.first ?? null };
    },
    async clearPairFailures(emailNorm, address, attempt) {
      await db.run(PAIR_CLEAR, [emailNorm, address, attempt]);
    },
    async pruneFailures(before) {
      await db.run('DELETE FROM signin_failures WHERE at < ?', [before]);
    },
    async rememberAddress(emailNorm, address, at) {
      await db.run(KNOWN_UPSERT, [emailNorm, address, at]);
    },
    lastSuccessFrom: async (emailNorm, address) =>
      (
        await db.get<{ last_success: number }>(
          'SELECT last_success FROM signin_known WHERE email_norm = ? AND address = ?',
          [emailNorm, address],
        )
      )?.last_success,
    setting,
    async setSetting(key, value) {
      await db.run(SETTING_SET, [key, value]);
    },
    async deleteSetting(key) {
      await db.run('DELETE FROM settings WHERE key = ?', [key]);
    },
    async sharedSecret(name, create) {
      const key = `secret:${name}`;
      // The first instance to get here stores its value; every other one (now or later) reads that same value back.
      await db.run(SETTING_ADD, [key, create()]);
      const value = await setting(key);
      if (value === undefined) throw new Error(`settings has no ${key} after inserting it`);
      return value;
    },
  };
}
