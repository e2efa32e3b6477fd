/**
 * What the LTI rules need of JSON Web Tokens and keys, with no library in sight: the adapter (lti.jose.ts) does it with
 * `jose`, and compose.ts hands it to the service.
 */

/** Packway's own key pair, as JWKs (the private one never leaves the database and the adapter). */
export interface ToolKeyPair {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
}

/** What a platform's id_token must be: signed by a key of `jwksUrl`, from `issuer`, for `clientId`, alive at `now`. */
export interface ExpectedToken {
  jwksUrl: string;
  issuer: string;
  clientId: string;
  /** Milliseconds since the epoch (the service's clock). */
  now: number;
}

export interface LtiTokens {
  /**
   * The id_token's claims once its signature (RS256/384/512, against the platform's published keys: fetched, cached,
   * fetched again for a key id not seen yet), issuer, audience, expiry and issue time are checked. Throws TokenRefused
   * for a token that fails any of these, PlatformKeysUnavailable when the keys cannot be had.
   */
  verifyIdToken(token: string, expected: ExpectedToken): Promise<Record<string, unknown>>;
  /** A new RSA key pair for Packway (2048 bits, RS256), its kid the key's thumbprint. */
  newToolKey(): Promise<ToolKeyPair>;
  /** A JWT of these claims signed with Packway's key (RS256, the key's kid in the header). */
  signWithToolKey(claims: Record<string, unknown>, key: ToolKeyPair): Promise<string>;
}

/** The token is not one Packway can trust; `reason` says which check failed (for the audit trail, not for people). */
export class TokenRefused extends Error {}

/** The platform's key set could not be fetched or read. */
export class PlatformKeysUnavailable extends Error {}

/** A score for one person on one line item (LTI Assignment and Grade Services 2.0, application/vnd.ims.lis.v1.score+json). */
export interface Score {
  userId: string;
  /** Absent: the platform clears any score it holds for the person (the completion was undone). */
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  /** ISO 8601 with milliseconds: the platform keeps the latest, so a late retry never undoes a newer change. */
  timestamp: string;
}

/** Who Packway is at a platform's token endpoint, and with which key it signs its client assertion. */
export interface ServiceClient {
  clientId: string;
  tokenUrl: string;
  key: ToolKeyPair;
}

/** The LTI Advantage services Packway calls on a platform, over HTTP. */
export interface LtiAdvantage {
  /**
   * Posts a score to `{lineitem}/scores` with an access token for the score scope: got by client credentials with a
   * signed client assertion (`aud` the token URL), kept until shortly before it expires. Throws ServiceUnavailable
   * when it may succeed later (the platform is down, the token was refused), ScoreRefused when it never will.
   */
  postScore(client: ServiceClient, lineitemUrl: string, score: Score, now: number): Promise<void>;
}

/** The platform could not be reached, or did not give or accept a token: worth trying again later. */
export class ServiceUnavailable extends Error {}

/** The platform refused the score itself (a line item that no longer exists, a person it does not know). */
export class ScoreRefused extends Error {}

/** One member of a course as the platform's Names and Role Provisioning Service lists them. */
export interface NrpsMember {
  userId: string;
  roles: string[];
  /** Active unless the platform says Inactive or Deleted. */
  status: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
}

/** The Names and Role Provisioning Service over HTTP. */
export interface LtiRoster {
  /**
   * The course's members, one page at a time as the platform serves them (following `Link: rel="next"` on the same
   * origin), so a course of any size is held a page at a time. Throws ServiceUnavailable when the platform cannot
   * be reached or refuses.
   */
  memberships(client: ServiceClient, url: string, now: number): AsyncGenerator<NrpsMember[]>;
}

/** LTI Dynamic Registration over HTTP: the platform's configuration read, Packway's configuration posted. */
export interface LtiRegistrar {
  /** The JSON at the platform's openid_configuration address; throws ServiceUnavailable when it cannot be had. */
  configuration(url: string): Promise<unknown>;
  /** Posts Packway's configuration to the registration endpoint (with the one-time token); answers the platform's JSON. */
  register(endpoint: string, token: string | null, tool: Record<string, unknown>): Promise<unknown>;
}
