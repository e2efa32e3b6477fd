import type { z } from 'zod';
import { dateTime } from '../shared/dates';
import type { UserRecord } from './users.repo';
import type {
  createdUserSchema,
  importedUsersSchema,
  passwordLinksSchema,
  userListSchema,
  UserJson,
} from './users.schema';

export type { UserJson } from './users.schema';

/** An account as the API answers it and the pages show it (never the password hash). */
export function userJson(u: UserRecord): UserJson {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    lastActiveAt: u.lastActiveAt ? u.lastActiveAt.toISOString() : null,
    hasPassword: u.passwordHash !== null,
  };
}

/** `GET /api/v1/users`: one page of accounts. */
export function userListJson(users: UserRecord[], total: number): z.infer<typeof userListSchema> {
  return {
    users: users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled })),
    total,
  };
}

/** `POST /api/v1/users`: the new account, with a password link when no password was given. */
export function createdUserJson(
  u: UserRecord,
  link?: { url: string; expiresAt: string },
): z.infer<typeof createdUserSchema> {
  return link
    ? { ...userJson(u), passwordLink: link.url, passwordLinkExpiresAt: link.expiresAt }
    : userJson(u);
}

/** `POST /api/v1/users/import`. */
export function importedUsersJson(created: UserRecord[]): z.infer<typeof importedUsersSchema> {
  return { created: created.length, users: created.map(userJson) };
}

type IssuedLink = { user: UserRecord; token: string; expiresAt: string };

const ROLE_LABEL: Record<UserRecord['role'], string> = {
  learner: 'Learner',
  trainer: 'Trainer',
  admin: 'L&D admin',
};

/** The password links as CSV rows with readable headings, for a mail merge. */
export function passwordLinksCsv(issued: IssuedLink[], url: (token: string) => string): string[][] {
  return [
    ['Name', 'Email address', 'Role', 'Password link', 'Link expires'],
    ...issued.map(({ user, token, expiresAt }) => [
      user.name,
      user.email,
      ROLE_LABEL[user.role],
      url(token),
      dateTime(expiresAt),
    ]),
  ];
}

/** `POST /api/v1/users/password-links`: a fresh link for everyone who has not set a password. */
export function passwordLinksJson(
  issued: IssuedLink[],
  url: (token: string) => string,
): z.infer<typeof passwordLinksSchema> {
  return {
    links: issued.map(({ user, token, expiresAt }) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      url: url(token),
      expiresAt,
    })),
  };
}
