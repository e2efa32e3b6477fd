import crypto from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import {
  ScoreRefused,
  ServiceUnavailable,
  type LtiAdvantage,
  type LtiRegistrar,
  type LtiRoster,
  type NrpsMember,
  type Score,
  type ServiceClient,
} from './lti.ports';

export const SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
export const MEMBERSHIP_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
/** A roster longer than this many pages is taken to be a platform paging in circles. */
const MAX_PAGES = 10_000;
const FETCH_TIMEOUT_MS = 10_000;
/** A client assertion lives this long: long enough for one token request, short enough to be useless if copied. */
const ASSERTION_LIFETIME_S = 300;
/** A cached token is dropped this long before it expires, so it never expires on its way to the platform. */
const EXPIRY_MARGIN_MS = 30_000;
/** When the platform does not say how long its token lives. */
const DEFAULT_TOKEN_LIFETIME_S = 3600;

interface CachedToken {
  token: string;
  expiresAt: number;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new ServiceUnavailable(`${url} could not be reached: ${(err as Error).message}`, { cause: err });
  }
}

/** `{lineitem}/scores`, the line item's query kept (Moodle's line item addresses carry one). */
export function scoresUrl(lineitemUrl: string): string {
  const url = URL.parse(lineitemUrl);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new ScoreRefused(`the line item ${lineitemUrl.slice(0, 200)} is not a web address`);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/scores`;
  return url.href;
}

/** The `rel="next"` address of a Link header, resolved against the page it came with. */
export function nextLink(header: string | null, base: string): string | null {
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(^|;)\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2]))
      return URL.parse(m[1], base)?.href ?? null;
  }
  return null;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 320) : undefined);

/** A member as the platform wrote them; one without a user id or roles is left out. */
function memberOf(raw: unknown): NrpsMember[] {
  if (!raw || typeof raw !== 'object') return [];
  const m = raw as Record<string, unknown>;
  const userId = text(m.user_id);
  const roles = Array.isArray(m.roles) ? m.roles.filter((r): r is string => typeof r === 'string') : [];
  if (!userId || userId.length > 255) return [];
  return [
    {
      userId,
      roles,
      status: text(m.status) ?? 'Active',
      name: text(m.name),
      givenName: text(m.given_name),
      familyName: text(m.family_name),
      email: text(m.email),
    },
  ];
}

/**
 * The Advantage services over HTTP with `fetch` and `jose`. Access tokens are cached in this process per (token URL,
 * client, key, scopes): a cache only, as each instance may get its own.
 */
export function createLtiAdvantage(): LtiAdvantage & LtiRoster & LtiRegistrar {
  const tokens = new Map<string, CachedToken>();

  /** The client assertion (RFC 7523): iss = sub = the client id, aud = the token URL (as Moodle and Canvas expect). */
  async function assertion(client: ServiceClient, now: number): Promise<string> {
    const key = await importJWK(client.key.privateJwk as JWK, 'RS256');
    const iat = Math.floor(now / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: client.key.kid, typ: 'JWT' })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(client.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .setJti(crypto.randomUUID())
      .sign(key);
  }

  /** The pages of a membership container, each page's members read as they come. */
  async function* memberships(client: ServiceClient, url: string, now: number): AsyncGenerator<NrpsMember[]> {
    const origin = new URL(url).origin;
    let next: string | null = url;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const token = await accessToken(client, [MEMBERSHIP_SCOPE], now);
      const res = await send(next, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
        },
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new ServiceUnavailable(`${next} answered ${res.status}`);
      }
      const body = (await res.json().catch(() => null)) as { members?: unknown } | null;
      if (!Array.isArray(body?.members)) throw new ServiceUnavailable(`${next} answered no members list`);
      yield body.members.flatMap(memberOf);
      const following = nextLink(res.headers.get('link'), next);
      // the access token goes only to the platform that served the first page
      next = following && new URL(following).origin === origin ? following : null;
    }
  }

  async function accessToken(client: ServiceClient, scopes: string[], now: number): Promise<string> {
    const cacheKey = [client.tokenUrl, client.clientId, client.key.kid, ...scopes].join(' ');
    const cached = tokens.get(cacheKey);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now) return cached.token;
    const res = await send(client.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(client, now),
        scope: scopes.join(' '),
      }),
    });
    const body = (await res.json().catch(() => null)) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    } | null;
    if (!res.ok || typeof body?.access_token !== 'string')
      throw new ServiceUnavailable(
        `the token endpoint ${client.tokenUrl} answered ${res.status}${body?.error ? ` ${String(body.error)}` : ''}`,
      );
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    tokens.set(cacheKey, { token: body.access_token, expiresAt: now + lifetime * 1000 });
    return body.access_token;
  }

  async function json(url: string, init: RequestInit): Promise<unknown> {
    const res = await send(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const said = (body as { error_description?: unknown; error?: unknown } | null) ?? {};
      const why = typeof said.error_description === 'string' ? said.error_description : said.error;
      throw new ServiceUnavailable(
        `${url} answered ${res.status}${why ? `: ${String(why).slice(0, 200)}` : ''}`,
      );
    }
    if (body === null) throw new ServiceUnavailable(`${url} did not answer JSON`);
    return body;
  }

  return {
    configuration: (url) => json(url, {}),
    register: (endpoint, token, tool) =>
      json(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(tool),
      }),
    memberships,
    async postScore(client, lineitemUrl, score: Score, now) {
      const url = scoresUrl(lineitemUrl);
      const token = await accessToken(client, [SCORE_SCOPE], now);
      const res = await send(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/vnd.ims.lis.v1.score+json',
        },
        body: JSON.stringify(score),
      });
      await res.body?.cancel();
      if (res.ok) return;
      if (res.status === 401) {
        // the platform no longer takes the token (revoked, its keys changed): the next attempt gets a new one
        tokens.delete([client.tokenUrl, client.clientId, client.key.kid, SCORE_SCOPE].join(' '));
        throw new ServiceUnavailable(`${lineitemUrl} refused the access token (401)`);
      }
      if (res.status === 429 || res.status >= 500)
        throw new ServiceUnavailable(`${lineitemUrl} answered ${res.status}`);
      throw new ScoreRefused(`${lineitemUrl} refused the score (${res.status})`);
    },
  };
}
