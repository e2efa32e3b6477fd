import type { Role } from '../shared/actor';

/** The person behind a session or an API token. */
export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  role: Role;
}

/** A live sign-in session of an enabled account. Times are milliseconds since the epoch. */
export interface SessionRecord {
  idHash: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** The variant version being previewed, if any. */
  previewVersionId: number | null;
  /** A message waiting for the next page. */
  flash: string | null;
  user: SignedInUser;
}

/** Sign-in failures for one account within a window. */
export interface AccountFailures {
  failures: number;
  /** From how many different addresses. */
  addresses: number;
  /** When the first of them happened (ms), null when none. */
  first: number | null;
}

/** Sign-in failures from one address within a window. */
export interface AddressFailures {
  /** Against how many different accounts. */
  accounts: number;
  first: number | null;
}

/** Sessions, API tokens, password-set links and sign-in throttling: all in the database, so any instance can serve. */
export interface AuthRepo {
  createSession(idHash: string, userId: number, csrfToken: string, now: number): void;
  /** The session, when it exists and its account is enabled. */
  session(idHash: string): SessionRecord | undefined;
  touchSession(idHash: string, now: number): void;
  setPreview(idHash: string, versionId: number | null): void;
  deleteSession(idHash: string): void;
  deleteSessionsOf(userId: number): void;
  /** Deletes sessions idle since before `idleBefore` or created before `createdBefore`; returns how many. */
  expireSessions(idleBefore: number, createdBefore: number): number;
  setFlash(idHash: string, text: string | null): void;

  createToken(hash: string, userId: number, expiresAt: string): void;
  /** The account of a live (unexpired, unrevoked) token of an enabled account. */
  tokenUser(hash: string): SignedInUser | undefined;
  revokeTokensOf(userId: number): void;

  createLink(hash: string, userId: number, createdBy: number | null, expiresAt: string): void;
  /** The account a live password link is for. */
  linkUser(hash: string): number | undefined;
  useLink(hash: string): void;
  expireLinksOf(userId: number): void;

  recordFailure(emailNorm: string, address: string, at: number): void;
  /** When the `nth` most recent failure for this account from this address happened (1-based), if within the window. */
  nthPairFailure(emailNorm: string, address: string, since: number, nth: number): number | undefined;
  accountFailures(emailNorm: string, since: number): AccountFailures;
  addressFailures(address: string, since: number): AddressFailures;
  clearPairFailures(emailNorm: string, address: string): void;
  pruneFailures(before: number): void;
  rememberAddress(emailNorm: string, address: string, at: number): void;
  /** When this account last signed in from this address (ms). */
  lastSuccessFrom(emailNorm: string, address: string): number | undefined;

  setting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  deleteSetting(key: string): void;
}
