import type { Db } from '../db/sqlite/open';
import type { Role } from '../shared/actor';
import type { AuthRepo, SessionRecord, SignedInUser } from './auth.repo';

interface UserColumns {
  user_id: number;
  email: string;
  name: string;
  role: Role;
}

interface SessionRow extends UserColumns {
  id_hash: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  preview_version_id: number | null;
  flash: string | null;
}

const toUser = (r: UserColumns): SignedInUser => ({
  id: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
});

function toSession(r: SessionRow): SessionRecord {
  return {
    idHash: r.id_hash,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    previewVersionId: r.preview_version_id,
    flash: r.flash,
    user: toUser(r),
  };
}

export function createAuthSqliteRepo(db: Db): AuthRepo {
  const s = {
    sessionInsert: db.prepare(
      'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    ),
    sessionGet: db.prepare<[string], SessionRow>(
      `SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, s.preview_version_id, s.flash, u.id AS user_id, u.email, u.name, u.role
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled = 0`,
    ),
    sessionTouch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?'),
    sessionPreview: db.prepare('UPDATE sessions SET preview_version_id = ? WHERE id_hash = ?'),
    sessionDelete: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    sessionsDeleteForUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    sessionsExpire: db.prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?'),
    tokenInsert: db.prepare(
      'INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
    ),
    tokenGet: db.prepare<[string, string], UserColumns>(
      `SELECT u.id AS user_id, u.email, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled = 0`,
    ),
    tokensRevokeForUser: db.prepare(
      'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
    ),
    linkInsert: db.prepare(
      'INSERT INTO password_links (token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    linkGet: db.prepare<[string, string], { user_id: number }>(
      `SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id
       WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled = 0`,
    ),
    linkUse: db.prepare('UPDATE password_links SET used_at = ? WHERE token_hash = ?'),
    linksExpireForUser: db.prepare(
      'UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL',
    ),
    failureInsert: db.prepare('INSERT INTO signin_failures (email_norm, address, at) VALUES (?, ?, ?)'),
    pairFifth: db.prepare<[string, string, number, number], { at: number }>(
      'SELECT at FROM signin_failures WHERE email_norm = ? AND address = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?',
    ),
    accountStats: db.prepare<[string, number], { failures: number; addresses: number; first: number | null }>(
      'SELECT COUNT(*) AS failures, COUNT(DISTINCT address) AS addresses, MIN(at) AS first FROM signin_failures WHERE email_norm = ? AND at > ?',
    ),
    addressStats: db.prepare<[string, number], { accounts: number; first: number | null }>(
      'SELECT COUNT(DISTINCT email_norm) AS accounts, MIN(at) AS first FROM signin_failures WHERE address = ? AND at > ?',
    ),
    pairClear: db.prepare('DELETE FROM signin_failures WHERE email_norm = ? AND address = ?'),
    failuresPrune: db.prepare('DELETE FROM signin_failures WHERE at < ?'),
    knownUpsert: db.prepare(
      `INSERT INTO signin_known (email_norm, address, last_success) VALUES (?, ?, ?)
       ON CONFLICT (email_norm, address) DO UPDATE SET last_success = excluded.last_success`,
    ),
    knownGet: db.prepare<[string, string], { last_success: number }>(
      'SELECT last_success FROM signin_known WHERE email_norm = ? AND address = ?',
    ),
    flashSet: db.prepare('UPDATE sessions SET flash = ? WHERE id_hash = ?'),
    settingGet: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    settingSet: db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    settingDelete: db.prepare('DELETE FROM settings WHERE key = ?'),
  };
  const nowIso = () => new Date().toISOString();
  return {
    createSession(idHash, userId, csrfToken, now) {
      s.sessionInsert.run(idHash, userId, csrfToken, now, now);
    },
    session(idHash) {
      const row = s.sessionGet.get(idHash);
      return row && toSession(row);
    },
    touchSession(idHash, now) {
      s.sessionTouch.run(now, idHash);
    },
    setPreview(idHash, versionId) {
      s.sessionPreview.run(versionId, idHash);
    },
    deleteSession(idHash) {
      s.sessionDelete.run(idHash);
    },
    deleteSessionsOf(userId) {
      s.sessionsDeleteForUser.run(userId);
    },
    expireSessions: (idleBefore, createdBefore) => s.sessionsExpire.run(idleBefore, createdBefore).changes,
    setFlash(idHash, text) {
      s.flashSet.run(text, idHash);
    },
    createToken(hash, userId, expiresAt) {
      s.tokenInsert.run(hash, userId, nowIso(), expiresAt);
    },
    tokenUser(hash) {
      const row = s.tokenGet.get(hash, nowIso());
      return row && toUser(row);
    },
    revokeTokensOf(userId) {
      s.tokensRevokeForUser.run(nowIso(), userId);
    },
    createLink(hash, userId, createdBy, expiresAt) {
      s.linkInsert.run(hash, userId, createdBy, nowIso(), expiresAt);
    },
    linkUser: (hash) => s.linkGet.get(hash, nowIso())?.user_id,
    useLink(hash) {
      s.linkUse.run(nowIso(), hash);
    },
    expireLinksOf(userId) {
      s.linksExpireForUser.run(nowIso(), userId);
    },
    recordFailure(emailNorm, address, at) {
      s.failureInsert.run(emailNorm, address, at);
    },
    nthPairFailure: (emailNorm, address, since, nth) =>
      s.pairFifth.get(emailNorm, address, since, nth - 1)?.at,
    accountFailures(emailNorm, since) {
      const r = s.accountStats.get(emailNorm, since);
      return { failures: r?.failures ?? 0, addresses: r?.addresses ?? 0, first: r?.first ?? null };
    },
    addressFailures(address, since) {
      const r = s.addressStats.get(address, since);
      return { accounts: r?.accounts ?? 0, first: r?.first ?? null };
    },
    clearPairFailures(emailNorm, address) {
      s.pairClear.run(emailNorm, address);
    },
    pruneFailures(before) {
      s.failuresPrune.run(before);
    },
    rememberAddress(emailNorm, address, at) {
      s.knownUpsert.run(emailNorm, address, at);
    },
    lastSuccessFrom: (emailNorm, address) => s.knownGet.get(emailNorm, address)?.last_success,
    setting: (key) => s.settingGet.get(key)?.value,
    setSetting(key, value) {
      s.settingSet.run(key, value);
    },
    deleteSetting(key) {
      s.settingDelete.run(key);
    },
  };
}
