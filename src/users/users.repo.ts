import type { Db } from '../db/sqlite/open';
import type { Role } from './users.schema';

export interface UserRow {
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

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
}

export function createUsersRepo(db: Db) {
  const s = {
    insert: db.prepare(
      `INSERT INTO users (email, email_norm, name, role, password_hash, password_changed_at, created_at)
       VALUES (@email, lower(@email), @name, @role, @passwordHash, CASE WHEN @passwordHash IS NULL THEN NULL ELSE @now END, @now)`,
    ),
    byId: db.prepare('SELECT * FROM users WHERE id = ?'),
    byEmail: db.prepare('SELECT * FROM users WHERE email_norm = lower(?)'),
    count: db.prepare('SELECT COUNT(*) AS n FROM users'),
    search: db.prepare(
      `SELECT * FROM users
       WHERE (@q IS NULL OR email_norm LIKE @q ESCAPE '\\' OR lower(name) LIKE @q ESCAPE '\\')
         AND (@role IS NULL OR role = @role)
       ORDER BY name COLLATE NOCASE LIMIT @limit OFFSET @offset`,
    ),
    searchCount: db.prepare(
      `SELECT COUNT(*) AS n FROM users
       WHERE (@q IS NULL OR email_norm LIKE @q ESCAPE '\\' OR lower(name) LIKE @q ESCAPE '\\')
         AND (@role IS NULL OR role = @role)`,
    ),
    setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE users SET disabled = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?'),
    touch: db.prepare('UPDATE users SET last_active_at = ? WHERE id = ?'),
    adminsActive: db.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`),
  };
  return {
    insert(u: NewUser): number {
      return Number(s.insert.run({ ...u, now: new Date().toISOString() }).lastInsertRowid);
    },
    byId: (id: number) => s.byId.get(id) as UserRow | undefined,
    byEmail: (email: string) => s.byEmail.get(email) as UserRow | undefined,
    count: () => (s.count.get() as { n: number }).n,
    activeAdmins: () => (s.adminsActive.get() as { n: number }).n,
    search(q: string | null, role: Role | null, limit: number, offset: number): { users: UserRow[]; total: number } {
      const like = q ? `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      return {
        users: s.search.all({ q: like, role, limit, offset }) as UserRow[],
        total: (s.searchCount.get({ q: like, role }) as { n: number }).n,
      };
    },
    setRole: (id: number, role: Role) => s.setRole.run(role, id),
    setDisabled: (id: number, disabled: boolean) => s.setDisabled.run(disabled ? 1 : 0, id),
    setPassword: (id: number, hash: string) => s.setPassword.run(hash, new Date().toISOString(), id),
    touch: (id: number) => s.touch.run(new Date().toISOString(), id),
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
