import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JSONWebKeySet,
} from 'jose';
import { PlatformKeysUnavailable, TokenRefused, type LtiTokens } from './lti.ports';

/** The signature algorithms LTI 1.3 platforms use (RS256 is the one the specification requires). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** A key set serves launches this long before it is fetched again. */
const KEYS_TTL_MS = 10 * 60_000;
/** An unknown key id fetches the set again, but not more often than this per platform (a flood of forged tokens). */
const REFETCH_AFTER_MS = 1_000;
const FETCH_TIMEOUT_MS = 5_000;
/** Clocks differ: a token issued or expiring within this many seconds of ours is taken as on time. */
const CLOCK_TOLERANCE_S = 60;

interface CachedKeys {
  keys: Promise<JSONWebKeySet>;
  at: number;
}

async function fetchKeys(url: string): Promise<JSONWebKeySet> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    throw new PlatformKeysUnavailable(`fetching ${url} failed: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new PlatformKeysUnavailable(`${url} answered ${res.status}`);
  let body: unknown;
  try {
    body = await res.json();
  } catch (err) {
    throw new PlatformKeysUnavailable(`${url} did not answer JSON`, { cause: err });
  }
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new PlatformKeysUnavailable(`${url} answered no "keys" list`);
  return body as JSONWebKeySet;
}

/** Why jose refused a token, in a few words for the audit trail. */
function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim ${err.claim}: ${err.message}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match the key';
  if (err instanceof errors.JOSEError) return `${err.code}: ${err.message}`;
  return (err as Error).message;
}

/** The platforms' keys and Packway's own, through `jose`. One cache of key sets per app (per process). */
export function createJoseTokens(): LtiTokens {
  const cache = new Map<string, CachedKeys>();

  function keysOf(url: string, fresh: boolean): Promise<JSONWebKeySet> {
    const cached = cache.get(url);
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age < (fresh ? REFETCH_AFTER_MS : KEYS_TTL_MS)) return cached.keys;
    const keys = fetchKeys(url);
    const entry = { keys, at: Date.now() };
    cache.set(url, entry);
    // a failed fetch is not kept: the next launch tries again
    keys.catch(() => cache.get(url) === entry && cache.delete(url));
    return keys;
  }

  async function verifyWith(
    token: string,
    keys: JSONWebKeySet,
    expected: Parameters<LtiTokens['verifyIdToken']>[1],
  ) {
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys), {
      algorithms: ALGORITHMS,
      issuer: expected.issuer,
      audience: expected.clientId,
      currentDate: new Date(expected.now),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['iat', 'exp'],
    });
    return payload as Record<string, unknown>;
  }

  return {
    async verifyIdToken(token, expected) {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw new TokenRefused('the id_token is not a signed JWT');
      }
      if (!alg || !ALGORITHMS.includes(alg))
        throw new TokenRefused(`the id_token is signed with ${alg ?? 'nothing'}`);
      try {
        return await verifyWith(token, await keysOf(expected.jwksUrl, false), expected);
      } catch (err) {
        if (!(err instanceof errors.JWKSNoMatchingKey)) {
          if (err instanceof PlatformKeysUnavailable) throw err;
          throw new TokenRefused(reasonOf(err), { cause: err });
        }
      }
      // a key id not in the cached set: the platform may have rotated its keys since
      try {
        return await verifyWith(token, await keysOf(expected.jwksUrl, true), expected);
      } catch (err) {
        if (err instanceof PlatformKeysUnavailable) throw err;
        if (err instanceof errors.JWKSNoMatchingKey)
          throw new TokenRefused(`no key of the platform has the id_token's key id`, { cause: err });
        throw new TokenRefused(reasonOf(err), { cause: err });
      }
    },

    async signWithToolKey(claims, key) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .sign(await importJWK(key.privateJwk as JWK, 'RS256'));
    },

    async newToolKey() {
      const { publicKey, privateKey } = await generateKeyPair('RS256', {
        modulusLength: 2048,
        extractable: true,
      });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      return {
        kid,
        publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
      };
    },
  };
}
