import * as oidc from 'openid-client';
import type { SsoConfig } from '../config';
import { IdentityNotConfirmed, ProviderUnavailable } from './sso.errors';

/** What the sign-in needs kept until the person comes back from the provider. */
export interface SignInStart {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The organisation's OpenID Provider, as the sign-in rules see it: no HTTP, no tokens, only verified claims. */
export interface IdentityProvider {
  /** Where to send the person, with a fresh state, nonce and PKCE verifier (authorisation code flow, S256). */
  beginSignIn(): Promise<SignInStart>;
  /**
   * Redeems the code in the provider's answer (the query string the browser came back with) and returns the ID
   * token's claims once its signature, issuer, audience, expiry and nonce are checked.
   */
  finishSignIn(
    answer: URLSearchParams,
    expected: Pick<SignInStart, 'state' | 'nonce' | 'codeVerifier'>,
  ): Promise<Record<string, unknown>>;
  /** The provider's sign-out address for RP-initiated logout, or null when it advertises none. */
  signOutUrl(): Promise<URL | null>;
}

const TIMEOUT_SECONDS = 10;
/** How long a discovered configuration serves new sign-ins before it is fetched again. */
const DISCOVERY_TTL_MS = 10 * 60_000;

function isNetworkFailure(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof TypeError && /fetch failed/.test(e.message)) return true;
    if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|OAUTH_TIMEOUT)/.test(code))
      return true;
    if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') return true;
  }
  return false;
}

function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 3; e = e.cause) {
    const code = (e as { code?: unknown; error?: unknown }).error ?? (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code}: ${e.message}` : e.message);
  }
  return parts.join(' <- ');
}

/** The provider behind `openid-client`; undefined when single sign-on is not configured. */
export function createOidcClient(sso: SsoConfig | undefined): IdentityProvider | undefined {
  if (!sso) return undefined;
  const settings = sso;
  // plain http is allowed only for loopback issuers, which the settings have already checked
  const insecure = settings.issuer.protocol === 'http:';

  async function discover(): Promise<oidc.Configuration> {
    try {
      const config = await oidc.discovery(
        settings.issuer,
        settings.clientId,
        settings.clientSecret,
        undefined,
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: TIMEOUT_SECONDS },
      );
      config.timeout = TIMEOUT_SECONDS;
      return config;
    } catch (err) {
      throw new ProviderUnavailable(`discovery at ${settings.issuer.href} failed: ${describe(err)}`, {
        cause: err,
      });
    }
  }

  let cached: { config: Promise<oidc.Configuration>; at: number } | undefined;
  function current(): Promise<oidc.Configuration> {
    if (!cached || Date.now() - cached.at > DISCOVERY_TTL_MS) {
      const config = discover();
      cached = { config, at: Date.now() };
      config.catch(() => (cached = undefined));
    }
    return cached.config;
  }

  return {
    async beginSignIn() {
      const config = await current();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: 'openid profile email',
        response_type: 'code',
        response_mode: 'query',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, nonce, codeVerifier };
    },

    async finishSignIn(answer, expected) {
      // A configuration of its own for each sign-in: openid-client caches the provider's keys per configuration and
      // will not fetch them again for a minute, so a key the provider has just rotated in would be refused. Sign-ins
      // are rare; the two extra requests (discovery and keys) are cheap.
      const config = await discover();
      // openid-client trusts an ID token that came straight from the token endpoint over TLS without checking its
      // signature (OIDC Core allows it); Packway checks the signature against the provider's published keys too
      oidc.enableNonRepudiationChecks(config);
      // the address the provider sent the browser to, whatever host or proxy the request came through
      const returned = new URL(settings.redirectUri);
      returned.search = answer.toString();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, returned, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new IdentityNotConfirmed('the token response had no ID token');
        return { ...claims };
      } catch (err) {
        if (err instanceof IdentityNotConfirmed) throw err;
        if (isNetworkFailure(err))
          throw new ProviderUnavailable(`token request failed: ${describe(err)}`, { cause: err });
        throw new IdentityNotConfirmed(describe(err), { cause: err });
      }
    },

    async signOutUrl() {
      const config = await current();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, {
        client_id: settings.clientId,
        post_logout_redirect_uri: settings.postLogoutRedirectUri,
      });
    },
  };
}
