import type { Role } from '../shared/actor';

/** A learning platform registered to launch Packway. Times are milliseconds since the epoch. */
export interface Platform {
  id: number;
  name: string;
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  authLoginUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  /** The Packway role an LTI Administrator of this platform gets. */
  adminRole: Role;
  /** The administrators vouch that the platform's email addresses are verified (linking existing accounts). */
  trustEmail: boolean;
  registeredVia: 'manual' | 'dynamic';
  createdAt: number;
}

export type NewPlatform = Omit<Platform, 'id' | 'createdAt' | 'registeredVia'>;

/** One of Packway's key pairs, as stored (JWK JSON). */
export interface ToolKeyRecord {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
  current: boolean;
  createdAt: number;
  /** Until when a rotated-out key is still published; null for the current key. */
  publishUntil: number | null;
}

/** A launch under way: from the platform's login initiation to its id_token. */
export interface PendingLaunch {
  stateHash: string;
  platformId: number;
  nonce: string;
  targetLinkUri: string;
  expiresAt: number;
}

/** An account as a launch sees it. */
export interface LtiAccount {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  /** The subject this account is already linked to at the issuer asked about, if any. */
  subjectAtIssuer: string | null;
}

/** A platform's course and the cohort it is. */
export interface LtiContext {
  id: number;
  cohortId: number;
  title: string;
}

export interface ContextKey {
  issuer: string;
  deploymentId: string;
  contextId: string;
}

/** The endpoints of the Advantage services a launch names (stored for grade passback and roster sync). */
export interface ServiceEndpoints {
  membershipsUrl: string | null;
  lineitemsUrl: string | null;
}

export interface ResourceLinkInput {
  issuer: string;
  deploymentId: string;
  resourceLinkId: string;
  contextRowId: number | null;
  moduleId: string | null;
  title: string | null;
  lineitemUrl: string | null;
}

/**
 * Where a learner's state on a module goes: a resource link to that module with a line item, in a course whose cohort
 * the learner is in, on a platform that knows them (their subject there).
 */
export interface ScoreTarget {
  linkRowId: number;
  platformId: number;
  lineitemUrl: string;
  subject: string;
}

/** A course whose cohort follows the platform's roster. */
export interface RosterContext {
  id: number;
  cohortId: number;
  issuer: string;
  deploymentId: string;
  membershipsUrl: string | null;
}

/** A cohort member known to a platform (linked at its issuer). */
export interface LinkedMember {
  userId: number;
  email: string;
  addedAt: string;
}

/** An instructor choosing modules for their course (a deep linking request under way). */
export interface PendingDeepLink {
  idHash: string;
  platformId: number;
  deploymentId: string;
  userId: number;
  cohortId: number | null;
  returnUrl: string;
  data: string | null;
  acceptMultiple: boolean;
  expiresAt: number;
}

/** Platforms, Packway's keys, launches under way, identities, contexts and resource links. */
export interface LtiRepo {
  platforms(): Promise<Platform[]>;
  platform(id: number): Promise<Platform | undefined>;
  platformsByIssuer(issuer: string): Promise<Platform[]>;
  /** Undefined when (issuer, client id) is already registered. */
  insertPlatform(
    p: NewPlatform,
    createdBy: number | null,
    now: number,
    via?: Platform['registeredVia'],
  ): Promise<number | undefined>;
  deletePlatform(id: number): Promise<boolean>;

  /** Keys to publish at `now`: the current one and those rotated out but still within their time. */
  publishedKeys(now: number): Promise<ToolKeyRecord[]>;
  currentKey(): Promise<ToolKeyRecord | undefined>;
  /** Adds a key as the current one; false when another already is (someone else made it first). */
  insertCurrentKey(key: Omit<ToolKeyRecord, 'current' | 'publishUntil'>): Promise<boolean>;
  /** The current key stops being current, published until `publishUntil`. */
  retireCurrentKey(now: number, publishUntil: number): Promise<void>;
  deleteUnpublishedKeys(now: number): Promise<number>;

  saveLaunch(p: PendingLaunch): Promise<void>;
  /** Takes the launch with this state: it can be taken once. */
  takeLaunch(stateHash: string): Promise<PendingLaunch | undefined>;
  deleteExpiredLaunches(now: number): Promise<number>;

  /** The account linked to (issuer, subject). */
  accountByIdentity(issuer: string, subject: string): Promise<LtiAccount | undefined>;
  accountByEmail(email: string, issuer: string): Promise<LtiAccount | undefined>;
  link(userId: number, issuer: string, subject: string, now: number): Promise<void>;
  recordLaunch(issuer: string, subject: string, now: number): Promise<void>;
  setRole(userId: number, role: Role): Promise<void>;
  /** The id hashes of the person's live sessions made by launches (for the new-window link). */
  framedSessions(userId: number): Promise<string[]>;

  context(key: ContextKey): Promise<LtiContext | undefined>;
  insertContext(
    key: ContextKey,
    cohortId: number,
    title: string,
    endpoints: ServiceEndpoints,
    now: number,
  ): Promise<number>;
  updateContext(id: number, title: string, endpoints: ServiceEndpoints): Promise<void>;
  upsertResourceLink(link: ResourceLinkInput, now: number): Promise<void>;
  scoreTargets(userId: number, moduleId: string): Promise<ScoreTarget[]>;

  saveDeepLink(d: PendingDeepLink): Promise<void>;
  deepLink(idHash: string): Promise<PendingDeepLink | undefined>;
  /** Takes the request: it is answered once. */
  takeDeepLink(idHash: string): Promise<PendingDeepLink | undefined>;
  deleteExpiredDeepLinks(now: number): Promise<number>;

  /** The course a cohort was made from, if it was. */
  contextOfCohort(cohortId: number): Promise<RosterContext | undefined>;
  /** Every course whose platform named a roster (the daily sync). */
  rosterContexts(): Promise<RosterContext[]>;
  /** The registration that holds this deployment at this issuer. */
  platformOf(issuer: string, deploymentId: string): Promise<Platform | undefined>;
  /** The cohort's members who are linked to an account at this issuer (the ones a roster can say have left). */
  linkedMembers(cohortId: number, issuer: string): Promise<LinkedMember[]>;
  markLeft(cohortId: number, userId: number, addedAt: string, leftAt: string): Promise<void>;
  /** Someone who had left is back: forgets that they left and answers since when they were first a member. */
  takeLeft(cohortId: number, userId: number): Promise<string | undefined>;
}
