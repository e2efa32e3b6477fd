import type { Sql } from '../db/ports';
import type { BadgeRecord, BadgesRepo, IssuerKey, NewBadge } from './badges.repo';

interface KeyRow {
  id: number;
  public_key_multibase: string;
  secret_key_multibase: string;
  signing: number | null;
  created_at: number;
  retired_at: number | null;
}

interface BadgeRow {
  id: string;
  user_id: number;
  area_id: string;
  area_title: string;
  basis: string;
  status_index: number;
  credential: string;
  issued_at: number;
  issued_by: number | null;
  revoked_at: number | null;
  revoked_by: number | null;
  revoked_reason: string | null;
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
const numberOrNull = (n: number | null) => (n === null ? null : Number(n));

const toKey = (r: KeyRow): IssuerKey => ({
  id: Number(r.id),
  publicKeyMultibase: r.public_key_multibase,
  secretKeyMultibase: r.secret_key_multibase,
  signing: r.signing !== null && Number(r.signing) === 1,
  createdAt: new Date(Number(r.created_at)),
  retiredAt: dateOrNull(r.retired_at),
});

const toBadge = (r: BadgeRow): BadgeRecord => ({
  id: r.id,
  userId: Number(r.user_id),
  areaId: r.area_id,
  areaTitle: r.area_title,
  basis: r.basis,
  statusIndex: Number(r.status_index),
  credential: r.credential,
  issuedAt: new Date(Number(r.issued_at)),
  issuedBy: numberOrNull(r.issued_by),
  revokedAt: dateOrNull(r.revoked_at),
  revokedBy: numberOrNull(r.revoked_by),
  revokedReason: r.revoked_reason,
});

const BADGE_COLUMNS = `id, user_id, area_id, area_title, basis, status_index, credential, issued_at, issued_by,
  revoked_at, revoked_by, revoked_reason`;

const INSERT_BADGE = `INSERT INTO badges (id, user_id, area_id, area_title, basis, status_index, credential, issued_at, issued_by)
  VALUES (@id, @userId, @areaId, @areaTitle, @basis, @statusIndex, @credential, @issuedAt, @issuedBy) ON CONFLICT DO NOTHING`;

export function createBadgesRepo(db: Sql): BadgesRepo {
  const forBasis = async (userId: number, areaId: string, basis: string) => {
    const row = await db.get<BadgeRow>(
      `SELECT ${BADGE_COLUMNS} FROM badges WHERE user_id = ? AND area_id = ? AND basis = ?`,
      [userId, areaId, basis],
    );
    return row && toBadge(row);
  };
  return {
    async keys() {
      const rows = await db.all<KeyRow>(
        'SELECT id, public_key_multibase, secret_key_multibase, signing, created_at, retired_at FROM badge_keys ORDER BY id DESC',
      );
      return rows.map(toKey).sort((a, b) => Number(b.signing) - Number(a.signing));
    },
    async addSigningKey(publicKeyMultibase, secretKeyMultibase, now) {
      const result = await db.run(
        `INSERT INTO badge_keys (public_key_multibase, secret_key_multibase, signing, created_at) VALUES (?, ?, 1, ?)
         ON CONFLICT DO NOTHING`,
        [publicKeyMultibase, secretKeyMultibase, now],
      );
      return result.changes === 1;
    },
    async retireSigningKey(now) {
      return (await db.run('UPDATE badge_keys SET signing = NULL, retired_at = ? WHERE signing = 1', [now]))
        .changes;
    },
    async insert(badge: NewBadge) {
      if ((await db.run(INSERT_BADGE, { ...badge })).changes === 1) return 'inserted';
      return (await forBasis(badge.userId, badge.areaId, badge.basis)) ? 'same_basis' : 'index_taken';
    },
    async get(id) {
      const row = await db.get<BadgeRow>(`SELECT ${BADGE_COLUMNS} FROM badges WHERE id = ?`, [id]);
      return row && toBadge(row);
    },
    async forUser(userId) {
      const rows = await db.all<BadgeRow>(
        `SELECT ${BADGE_COLUMNS} FROM badges WHERE user_id = ? ORDER BY issued_at DESC, id`,
        [userId],
      );
      return rows.map(toBadge);
    },
    forBasis,
    async revoke(id, by, reason, now) {
      const result = await db.run(
        'UPDATE badges SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
        [now, by, reason, id],
      );
      return result.changes === 1;
    },
    async revokedIndexes() {
      const rows = await db.all<{ status_index: number; revoked_at: number }>(
        'SELECT status_index, revoked_at FROM badges WHERE revoked_at IS NOT NULL',
      );
      const latest = rows.reduce<number | null>((m, r) => Math.max(m ?? 0, Number(r.revoked_at)), null);
      return { indexes: rows.map((r) => Number(r.status_index)), latest };
    },
    async learnerIds() {
      const rows = await db.all<{ id: number }>(
        "SELECT id FROM users WHERE role = 'learner' AND erased_at IS NULL ORDER BY id",
      );
      return rows.map((r) => Number(r.id));
    },
    async showsEmail(userId) {
      const row = await db.get<{ show_email: number }>(
        'SELECT show_email FROM badge_settings WHERE user_id = ?',
        [userId],
      );
      return row !== undefined && Number(row.show_email) === 1;
    },
    async setShowEmail(userId, show, now) {
      await db.run(
        `INSERT INTO badge_settings (user_id, show_email, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET show_email = excluded.show_email, updated_at = excluded.updated_at`,
        [userId, show ? 1 : 0, now],
      );
    },
  };
}
