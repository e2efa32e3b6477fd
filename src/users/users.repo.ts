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
  /** `now` (ISO 8601) is when the account is created (and its password set, when it has one). */
  insert(user: NewUser, now: string): Promise<number>;
  byId(id: number): Promise<UserRecord | undefined>;
  byEmail(email: string): Promise<UserRecord | undefined>;
  count(): Promise<number>;
  /** Admins who are not disabled. */
  activeAdmins(): Promise<number>;
  /** By name order; `q` matches part of a name or email address. */
  search(q: string | null, role: Role | null, limit: number, offset: number): Promise<UserSearchResult>;
  setRole(id: number, role: Role): Promise<void>;
  setDisabled(id: number, disabled: boolean): Promise<void>;
  setPassword(id: number, hash: string, now: string): Promise<void>;
  /** Accounts that can sign in once a password is set (not disabled, no password yet), by name. */
  withoutPassword(): Promise<UserRecord[]>;
  /** How many accounts hold each role (disabled ones too). */
  countByRole(): Promise<Record<Role, number>>;
  /** Records that the person was active now. */
  touch(id: number, now: string): Promise<void>;
}
