import type { Sql } from '../db/ports';
import type { Role } from '../shared/actor';
import type { NewUser, UserRecord, UserSearchResult, UsersRepo } from './users.repo';

interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: number;
  password_changed_at: string | null;
  created_at: string;
  last_active_at: string | null;
}

const dateOrNull = (iso: string | null): Date | null => (iso === null ? null : new Date(iso));

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    passwordHash: r.password_hash,
    disabled: r.disabled !== 0,
    passwordChangedAt: dateOrNull(r.password_changed_at),
    createdAt: new Date(r.created_at),
    lastActiveAt: dateOrNull(r.last_active_at),
  };
}

const COLUMNS =
  'id, email, name, role, password_hash, disabled, password_changed_at, created_at, last_active_at';

const INSERT = `INSERT INTO users (email, email_norm, name, role, password_hash, password_changed_at, created_at)
  VALUES (@email, lower(@email), @name, @role, @passwordHash, @passwordChangedAt, @now)
  RETURNING id`;
// PostgreSQL cannot type a parameter met first in `IS NULL`: the casts name it.
const MATCHES = `(CAST(@q AS TEXT) IS NULL OR email_norm LIKE @q ESCAPE '\\' OR lower(name) LIKE @q ESCAPE '\\')
  AND (CAST(@role AS TEXT) IS NULL OR role = @role)`;
const SEARCH = `SELECT ${COLUMNS} FROM users WHERE ${MATCHES} ORDER BY lower(name), id LIMIT @limit OFFSET @offset`;
const SEARCH_COUNT = `SELECT COUNT(*) AS n FROM users WHERE ${MATCHES}`;
const WITHOUT_PASSWORD = `SELECT ${COLUMNS} FROM users WHERE password_hash IS NULL AND disabled = 0
  ORDER BY lower(name), id`;

export function createUsersRepo(db: Sql): UsersRepo {
  const one = (row: UserRow | undefined) => (row ? toUser(row) : undefined);
  const count = async (sql: string) => (await db.get<{ n: number }>(sql))?.n ?? 0;
  return {
    async insert(u: NewUser, now: string): Promise<number> {
      const row = await db.get<{ id: number }>(INSERT, {
        email: u.email,
        name: u.name,
        role: u.role,
        passwordHash: u.passwordHash,
        passwordChangedAt: u.passwordHash === null ? null : now,
        now,
      });
      if (!row) throw new Error('users insert returned no id');
      return row.id;
    },
    byId: async (id) => one(await db.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id])),
    byEmail: async (email) =>
      one(await db.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email_norm = lower(?)`, [email])),
    count: () => count('SELECT COUNT(*) AS n FROM users'),
    activeAdmins: () => count(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`),
    async search(q, role, limit, offset): Promise<UserSearchResult> {
      const like = q ? `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const [rows, total] = await Promise.all([
        db.all<UserRow>(SEARCH, { q: like, role, limit, offset }),
        db.get<{ n: number }>(SEARCH_COUNT, { q: like, role }),
      ]);
      return { users: rows.map(toUser), total: total?.n ?? 0 };
    },
    async setRole(id, role) {
      await db.run("UPDATE users SET role = ?, role_source = 'packway' WHERE id = ?", [role, id]);
    },
    async setDisabled(id, disabled) {
      await db.run('UPDATE users SET disabled = ? WHERE id = ?', [disabled ? 1 : 0, id]);
    },
    async setPassword(id, hash, now) {
      await db.run('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?', [
        hash,
        now,
        id,
      ]);
    },
    withoutPassword: async () => (await db.all<UserRow>(WITHOUT_PASSWORD)).map(toUser),
    async countByRole() {
      const out: Record<Role, number> = { learner: 0, trainer: 0, admin: 0 };
      const rows = await db.all<{ role: Role; n: number }>(
        'SELECT role, COUNT(*) AS n FROM users GROUP BY role',
      );
      for (const r of rows) out[r.role] = r.n;
      return out;
    },
    async touch(id, now) {
      await db.run('UPDATE users SET last_active_at = ? WHERE id = ?', [now, id]);
    },
  };
}
