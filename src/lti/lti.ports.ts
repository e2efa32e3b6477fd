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
}

/** The token is not one Packway can trust; `reason` says which check failed (for the audit trail, not for people). */
export class TokenRefused extends Error {}

/** The platform's key set could not be fetched or read. */
export class PlatformKeysUnavailable extends Error {}
