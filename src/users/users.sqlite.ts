import type { Db } from '../db/sqlite/open';
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

type SearchParams = { q: string | null; role: Role | null };

export function createUsersSqliteRepo(db: Db): UsersRepo {
  const s = {
    insert: db.prepare(
      `INSERT INTO users (email, email_norm, name, role, password_hash, password_changed_at, created_at)
       VALUES (@email, lower(@email), @name, @role, @passwordHash, CASE WHEN @passwordHash IS NULL THEN NULL ELSE @now END, @now)`,
    ),
    byId: db.prepare<[number], UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`),
    byEmail: db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE email_norm = lower(?)`),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
    search: db.prepare<SearchParams & { limit: number; offset: number }, UserRow>(
      `SELECT ${COLUMNS} FROM users
       WHERE (@q IS NULL OR email_norm LIKE @q ESCAPE '\\' OR lower(name) LIKE @q ESCAPE '\\')
         AND (@role IS NULL OR role = @role)
       ORDER BY name COLLATE NOCASE LIMIT @limit OFFSET @offset`,
    ),
    searchCount: db.prepare<SearchParams, { n: number }>(
      `SELECT COUNT(*) AS n FROM users
       WHERE (@q IS NULL OR email_norm LIKE @q ESCAPE '\\' OR lower(name) LIKE @q ESCAPE '\\')
         AND (@role IS NULL OR role = @role)`,
    ),
    setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE users SET disabled = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?'),
    touch: db.prepare('UPDATE users SET last_active_at = ? WHERE id = ?'),
    withoutPassword: db.prepare<[], UserRow>(
      `SELECT ${COLUMNS} FROM users WHERE password_hash IS NULL AND disabled = 0 ORDER BY name COLLATE NOCASE, id`,
    ),
    countByRole: db.prepare<[], { role: Role; n: number }>(
      'SELECT role, COUNT(*) AS n FROM users GROUP BY role',
    ),
    adminsActive: db.prepare<[], { n: number }>(
      `SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`,
    ),
  };
  const one = (row: UserRow | undefined) => (row ? toUser(row) : undefined);
  return {
    insert(u: NewUser): number {
      return Number(s.insert.run({ ...u, now: new Date().toISOString() }).lastInsertRowid);
    },
    byId: (id) => one(s.byId.get(id)),
    byEmail: (email) => one(s.byEmail.get(email)),
    count: () => s.count.get()?.n ?? 0,
    activeAdmins: () => s.adminsActive.get()?.n ?? 0,
    search(q, role, limit, offset): UserSearchResult {
      const like = q ? `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      return {
        users: s.search.all({ q: like, role, limit, offset }).map(toUser),
        total: s.searchCount.get({ q: like, role })?.n ?? 0,
      };
    },
    setRole: (id, role) => {
      s.setRole.run(role, id);
    },
    setDisabled: (id, disabled) => {
      s.setDisabled.run(disabled ? 1 : 0, id);
    },
    setPassword: (id, hash) => {
      s.setPassword.run(hash, new Date().toISOString(), id);
    },
    withoutPassword: () => s.withoutPassword.all().map(toUser),
    countByRole() {
      const out: Record<Role, number> = { learner: 0, trainer: 0, admin: 0 };
      for (const r of s.countByRole.all()) out[r.role] = r.n;
      return out;
    },
    touch: (id) => {
      s.touch.run(new Date().toISOString(), id);
    },
  };
}
