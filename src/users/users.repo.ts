import type { Role } from '../shared/actor';

/** A person's account. `passwordHash` is null until they set a password. */
export interface UserRecord {
  id: number;
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  disabled: boolean;
  passwordChangedAt: Date | null;
  createdAt: Date;
  lastActiveAt: Date | null;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
}

export interface UserSearchResult {
  users: UserRecord[];
  total: number;
}

/** Accounts: created, found, changed. Email addresses match without regard to case. */
export interface UsersRepo {
  /** Returns the new account's id. */
  insert(user: NewUser): number;
  byId(id: number): UserRecord | undefined;
  byEmail(email: string): UserRecord | undefined;
  count(): number;
  /** Admins who are not disabled. */
  activeAdmins(): number;
  /** By name order; `q` matches part of a name or email address. */
  search(q: string | null, role: Role | null, limit: number, offset: number): UserSearchResult;
  setRole(id: number, role: Role): void;
  setDisabled(id: number, disabled: boolean): void;
  setPassword(id: number, hash: string): void;
  /** Accounts that can sign in once a password is set (not disabled, no password yet), by name. */
  withoutPassword(): UserRecord[];
  /** How many accounts hold each role (disabled ones too). */
  countByRole(): Record<Role, number>;
  /** Records that the person was active now. */
  touch(id: number): void;
}
