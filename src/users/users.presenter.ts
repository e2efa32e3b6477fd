import type { UserRecord } from './users.repo';

/** An account as the API answers it and the pages show it (never the password hash). */
export interface UserJson {
  id: number;
  email: string;
  name: string;
  role: UserRecord['role'];
  disabled: boolean;
  createdAt: Date;
  lastActiveAt: Date | null;
  hasPassword: boolean;
}

export function userJson(u: UserRecord): UserJson {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
    lastActiveAt: u.lastActiveAt,
    hasPassword: u.passwordHash !== null,
  };
}

/** `GET /api/v1/users`: one page of accounts. */
export function userListJson(users: UserRecord[], total: number) {
  return {
    users: users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled })),
    total,
  };
}

/** `POST /api/v1/users`: the new account, with a password link when no password was given. */
export function createdUserJson(u: UserRecord, link?: { url: string; expiresAt: string }) {
  const body: UserJson & { passwordLink?: string; passwordLinkExpiresAt?: string } = userJson(u);
  if (link) {
    body.passwordLink = link.url;
    body.passwordLinkExpiresAt = link.expiresAt;
  }
  return body;
}

/** `POST /api/v1/users/import`. */
export function importedUsersJson(created: UserRecord[]) {
  return { created: created.length, users: created.map(userJson) };
}
