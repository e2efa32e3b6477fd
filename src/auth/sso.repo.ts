import type { Role } from '../shared/actor';

export type RoleSource = 'packway' | 'claim';

/** A sign-in under way, from leaving for the provider to coming back. Times are milliseconds since the epoch. */
export interface PendingSignIn {
  stateHash: string;
  /** Hash of the login cookie of the browser that started it (a stolen return address is useless elsewhere). */
  browserHash: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  expiresAt: number;
}

/** Where a person's identity at the provider comes from: the tenant (or issuer) and the provider's id for them. */
export interface IdentityKey {
  issuerKey: string;
  subject: string;
}

/** An account as single sign-on sees it. */
export interface SsoAccount {
  id: number;
  email: string;
  name: string;
  role: Role;
  roleSource: RoleSource;
  disabled: boolean;
  hasPassword: boolean;
  /** The identity linked to the account, if any. */
  identity: IdentityKey | null;
}

/** A person who signs in with single sign-on, for the administrators' list. */
export interface SsoPerson {
  userId: number;
  name: string;
  email: string;
  role: Role;
  roleSource: RoleSource;
  disabled: boolean;
  issuerKey: string;
  linkedAt: Date;
  lastSignInAt: Date;
}

/** Sign-ins under way, identities linked to accounts, and the account fields a sign-in refreshes. */
export interface SsoRepo {
  savePending(p: PendingSignIn): Promise<void>;
  /** Takes the sign-in with this state: it can be taken once. */
  takePending(stateHash: string): Promise<PendingSignIn | undefined>;
  /** Forgets sign-ins that were never finished; returns how many. */
  deleteExpiredPending(now: number): Promise<number>;
  accountByIdentity(key: IdentityKey): Promise<SsoAccount | undefined>;
  accountByEmail(email: string): Promise<SsoAccount | undefined>;
  accountById(id: number): Promise<SsoAccount | undefined>;
  link(userId: number, key: IdentityKey, at: Date): Promise<void>;
  recordSignIn(key: IdentityKey, at: Date): Promise<void>;
  setRole(userId: number, role: Role, source: RoleSource): Promise<void>;
  setEmail(userId: number, email: string): Promise<void>;
  /** Whether another account already has this email address. */
  emailTaken(email: string, exceptUserId: number): Promise<boolean>;
  /** Everyone with a linked identity, most recent sign-in first. */
  people(): Promise<SsoPerson[]>;
}
