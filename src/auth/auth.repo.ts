import type { Db } from '../db/sqlite/open';
import type { Role } from '../users/users.schema';

export interface SessionRow {
  id_hash: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  preview_version_id: number | null;
  flash: string | null;
  user_id: number;
  email: string;
  name: string;
  role: Role;
}

export interface TokenRow {
  user_id: number;
  email: string;
  name: string;
  role: Role;
}

/** Sessions, API tokens, password-set links and sign-in throttling: all in the database, so any instance can serve. */
export function createAuthRepo(db: Db) {
  const s = {
    sessionInsert: db.prepare(
      'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    ),
    sessionGet: db.prepare(
      `SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, s.preview_version_id, s.flash, u.id AS user_id, u.email, u.name, u.role
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled = 0`,
    ),
    sessionTouch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?'),
    sessionPreview: db.prepare('UPDATE sessions SET preview_version_id = ? WHERE id_hash = ?'),
    sessionDelete: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    sessionsDeleteForUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    sessionsExpire: db.prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?'),
    tokenInsert: db.prepare('INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    tokenGet: db.prepare(
      `SELECT u.id AS user_id, u.email, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled = 0`,
    ),
    tokensRevokeForUser: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL'),
    linkInsert: db.prepare(
      'INSERT INTO password_links (token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    linkGet: db.prepare(
      `SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id
       WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled = 0`,
    ),
    linkUse: db.prepare('UPDATE password_links SET used_at = ? WHERE token_hash = ?'),
    linksExpireForUser: db.prepare('UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL'),
    failureInsert: db.prepare('INSERT INTO signin_failures (email_norm, address, at) VALUES (?, ?, ?)'),
    pairFifth: db.prepare(
      'SELECT at FROM signin_failures WHERE email_norm = ? AND address = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?',
    ),
    accountStats: db.prepare(
      'SELECT COUNT(*) AS failures, COUNT(DISTINCT address) AS addresses, MIN(at) AS first FROM signin_failures WHERE email_norm = ? AND at > ?',
    ),
    addressStats: db.prepare(
      'SELECT COUNT(DISTINCT email_norm) AS accounts, MIN(at) AS first FROM signin_failures WHERE address = ? AND at > ?',
    ),
    pairClear: db.prepare('DELETE FROM signin_failures WHERE email_norm = ? AND address = ?'),
    failuresPrune: db.prepare('DELETE FROM signin_failures WHERE at < ?'),
    knownUpsert: db.prepare(
      `INSERT INTO signin_known (email_norm, address, last_success) VALUES (?, ?, ?)
       ON CONFLICT (email_norm, address) DO UPDATE SET last_success = excluded.last_success`,
    ),
    knownGet: db.prepare('SELECT last_success FROM signin_known WHERE email_norm = ? AND address = ?'),
    flashSet: db.prepare('UPDATE sessions SET flash = ? WHERE id_hash = ?'),
    settingGet: db.prepare('SELECT value FROM settings WHERE key = ?'),
    settingSet: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    settingDelete: db.prepare('DELETE FROM settings WHERE key = ?'),
  };
  return {
    createSession(idHash: string, userId: number, csrfToken: string, now: number): void {
      s.sessionInsert.run(idHash, userId, csrfToken, now, now);
    },
    session: (idHash: string) => s.sessionGet.get(idHash) as SessionRow | undefined,
    touchSession: (idHash: string, now: number) => s.sessionTouch.run(now, idHash),
    setPreview: (idHash: string, versionId: number | null) => s.sessionPreview.run(versionId, idHash),
    deleteSession: (idHash: string) => s.sessionDelete.run(idHash),
    deleteSessionsOf: (userId: number) => s.sessionsDeleteForUser.run(userId),
    expireSessions: (idleBefore: number, createdBefore: number) => s.sessionsExpire.run(idleBefore, createdBefore),
    createToken(hash: string, userId: number, expiresAt: string): void {
      s.tokenInsert.run(hash, userId, new Date().toISOString(), expiresAt);
    },
    tokenUser: (hash: string) => s.tokenGet.get(hash, new Date().toISOString()) as TokenRow | undefined,
    revokeTokensOf: (userId: number) => s.tokensRevokeForUser.run(new Date().toISOString(), userId),
    createLink(hash: string, userId: number, createdBy: number | null, expiresAt: string): void {
      s.linkInsert.run(hash, userId, createdBy, new Date().toISOString(), expiresAt);
    },
    linkUser: (hash: string) => (s.linkGet.get(hash, new Date().toISOString()) as { user_id: number } | undefined)?.user_id,
    useLink: (hash: string) => s.linkUse.run(new Date().toISOString(), hash),
    expireLinksOf: (userId: number) => s.linksExpireForUser.run(new Date().toISOString(), userId),
    recordFailure: (emailNorm: string, address: string, at: number) => s.failureInsert.run(emailNorm, address, at),
    /** When the `nth` most recent failure for this account from this address happened (1-based), if within the window. */
    nthPairFailure: (emailNorm: string, address: string, since: number, nth: number) =>
      (s.pairFifth.get(emailNorm, address, since, nth - 1) as { at: number } | undefined)?.at,
    accountFailures: (emailNorm: string, since: number) =>
      s.accountStats.get(emailNorm, since) as { failures: number; addresses: number; first: number | null },
    addressFailures: (address: string, since: number) => s.addressStats.get(address, since) as { accounts: number; first: number | null },
    clearPairFailures: (emailNorm: string, address: string) => s.pairClear.run(emailNorm, address),
    pruneFailures: (before: number) => s.failuresPrune.run(before),
    rememberAddress: (emailNorm: string, address: string, at: number) => s.knownUpsert.run(emailNorm, address, at),
    lastSuccessFrom: (emailNorm: string, address: string) =>
      (s.knownGet.get(emailNorm, address) as { last_success: number } | undefined)?.last_success,
    setFlash: (idHash: string, text: string | null) => s.flashSet.run(text, idHash),
    setting: (key: string) => (s.settingGet.get(key) as { value: string } | undefined)?.value,
    setSetting: (key: string, value: string) => s.settingSet.run(key, value),
    deleteSetting: (key: string) => s.settingDelete.run(key),
  };
}
export type AuthRepo = ReturnType<typeof createAuthRepo>;
