import type { Db } from '../db/open';
import type { Role } from '../users/users.schema';

export interface SessionRow {
  id_hash: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  preview_version_id: number | null;
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
      `SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, s.preview_version_id, u.id AS user_id, u.email, u.name, u.role
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
    throttleGet: db.prepare('SELECT failures, window_start, blocked_until FROM throttle WHERE key = ?'),
    throttleSet: db.prepare(
      `INSERT INTO throttle (key, failures, window_start, blocked_until) VALUES (@key, @failures, @windowStart, @blockedUntil)
       ON CONFLICT (key) DO UPDATE SET failures = @failures, window_start = @windowStart, blocked_until = @blockedUntil`,
    ),
    throttleClear: db.prepare('DELETE FROM throttle WHERE key = ?'),
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
    throttle: (key: string) =>
      s.throttleGet.get(key) as { failures: number; window_start: number; blocked_until: number } | undefined,
    setThrottle: (key: string, failures: number, windowStart: number, blockedUntil: number) =>
      s.throttleSet.run({ key, failures, windowStart, blockedUntil }),
    clearThrottle: (key: string) => s.throttleClear.run(key),
  };
}
export type AuthRepo = ReturnType<typeof createAuthRepo>;
