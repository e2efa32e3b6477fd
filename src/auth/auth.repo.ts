import type { Role } from '../shared/actor';

/** The person behind a session or an API token. */
export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** The variant version pinned to the person's latest cohort (null: none), read in the same query. */
  pinnedVersionId?: number | null;
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
  /** The origin that may frame this session's pages (a session made by an LTI launch); null for every other. */
  frameOrigin: string | null;
  user: SignedInUser;
}

/** A session made by an LTI launch: the platform that made it (removing it ends the session) and its framing origin. */
export interface SessionFrame {
  platformId: number;
  origin: string;
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

/**
 * Sessions, API tokens, password-set links and sign-in throttling: all in the database, so any instance can serve.
 * Every method returns a promise.
 */
export interface AuthRepo {
  createSession(
    idHash: string,
    userId: number,
    csrfToken: string,
    now: number,
    frame?: SessionFrame,
  ): Promise<void>;
  /** The session, when it exists and its account is enabled. */
  session(idHash: string): Promise<SessionRecord | undefined>;
  touchSession(idHash: string, now: number): Promise<void>;
  setPreview(idHash: string, versionId: number | null): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  deleteSessionsOf(userId: number): Promise<void>;
  /** Deletes sessions idle since before `idleBefore` or created before `createdBefore`; returns how many. */
  expireSessions(idleBefore: number, createdBefore: number): Promise<number>;
  setFlash(idHash: string, text: string | null): Promise<void>;

  // Tokens and links: `now` is the service's time (ISO 8601), which also decides whether one has expired.
  createToken(hash: string, userId: number, expiresAt: string, now: string): Promise<void>;
  /** The account of a live (unexpired at `now`, unrevoked) token of an enabled account. */
  tokenUser(hash: string, now: string): Promise<SignedInUser | undefined>;
  revokeTokensOf(userId: number, now: string): Promise<void>;

  createLink(
    hash: string,
    userId: number,
    createdBy: number | null,
    expiresAt: string,
    now: string,
  ): Promise<void>;
  /** The account a password link live at `now` is for. */
  linkUser(hash: string, now: string): Promise<number | undefined>;
  useLink(hash: string, now: string): Promise<void>;
  expireLinksOf(userId: number, now: string): Promise<void>;

  /**
   * Records a sign-in attempt before its password is checked, as a failure in progress; returns its id. It counts
   * towards `nthPairFailure` at once, and towards the other counts only once `attemptFailed` says it failed.
   */
  startAttempt(emailNorm: string, address: string, at: number): Promise<number>;
  /** The attempt failed (at `at`): from now on it is a failure like any other. */
  attemptFailed(id: number, address: string, at: number): Promise<void>;
  /** Forgets an attempt (blocked before its password was checked, or the check itself broke). */
  dropAttempt(id: number): Promise<void>;
  /**
   * When the `nth` most recent failure for this account from this address happened (1-based), if within the window,
   * counting attempts in progress too but leaving out the attempt `except` (the one asking).
   */
  nthPairFailure(
    emailNorm: string,
    address: string,
    since: number,
    nth: number,
    except: number,
  ): Promise<number | undefined>;
  /** Failures of this account in the window (attempts still in progress not counted). */
  accountFailures(emailNorm: string, since: number): Promise<AccountFailures>;
  /** Failures from this address in the window (attempts still in progress not counted). */
  addressFailures(address: string, since: number): Promise<AddressFailures>;
  /** Forgets the failures of this account from this address, and the attempt `attempt` that just succeeded. */
  clearPairFailures(emailNorm: string, address: string, attempt: number): Promise<void>;
  pruneFailures(before: number): Promise<void>;
  rememberAddress(emailNorm: string, address: string, at: number): Promise<void>;
  /** When this account last signed in from this address (ms). */
  lastSuccessFrom(emailNorm: string, address: string): Promise<number | undefined>;

  setting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  deleteSetting(key: string): Promise<void>;
  /**
   * The value kept under `secret:<name>`, stored from `create()` by whichever instance asks first: every instance over
   * one database gets the same value (an insert that does nothing when the key exists, then a read).
   */
  sharedSecret(name: string, create: () => string): Promise<string>;
}
