import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CookieBrowser } from './cookie-browser';

/**
 * A real OpenID Provider (the `oidc-provider` package) in a child process on loopback, with an Entra-shaped issuer
 * (`/<tenant>/v2.0`) and claims; see test/helpers/oidc-provider.mjs.
 */
export const TENANT = '0a1b2c3d-0000-4000-8000-00000000000a';
export const OTHER_TENANT = '0a1b2c3d-0000-4000-8000-00000000000b';
export const CLIENT_ID = 'packway-tests';
export const CLIENT_SECRET = 'client-secret-for-the-test-provider';
export const PROVIDER_PASSWORD = 'provider-password-1';

export interface ProviderAccount {
  password?: string;
  claims: Record<string, unknown>;
}

export type TamperMode = 'issuer' | 'audience' | 'nonce' | 'unknown-key' | 'none';

export interface TestProvider {
  issuer: string;
  origin: string;
  setAccounts(accounts: Record<string, ProviderAccount>): Promise<void>;
  rotateKeys(): Promise<void>;
  tamper(mode: TamperMode): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestProvider(options: {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  tenant?: string;
}): Promise<TestProvider> {
  const tenant = options.tenant ?? TENANT;
  const settings = {
    tenant,
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, 'oidc-provider.mjs'), JSON.stringify(settings)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`test provider exited (${code}): ${stderr}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const control = async (what: string, body: unknown) => {
    const res = await fetch(`${origin}/__test/${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 204) throw new Error(`provider ${what}: ${res.status}`);
  };
  return {
    issuer: `${origin}/${tenant}/v2.0`,
    origin,
    async setAccounts(accounts) {
      const withPasswords = Object.fromEntries(
        Object.entries(accounts).map(([login, a]) => [login, { password: PROVIDER_PASSWORD, ...a }]),
      );
      await control('accounts', withPasswords);
    },
    rotateKeys: () => control('rotate', {}),
    tamper: (mode) => control('tamper', { mode }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Entra-shaped claims for a test person. */
export function entraClaims(
  oid: string,
  extra: Partial<{
    tid: string;
    email: string;
    name: string;
    roles: string[];
    xms_edov: boolean;
    preferred_username: string;
  }> = {},
): Record<string, unknown> {
  const email = extra.email ?? `${oid}@council.example.gov.uk`;
  return {
    tid: TENANT,
    oid,
    name: `Person ${oid}`,
    preferred_username: email,
    email,
    xms_edov: true,
    ...extra,
  };
}

/** A browser at the provider, whose login page needs cookies of its own. */
export class ProviderBrowser extends CookieBrowser {
  /**
   * Follows the provider from the authorisation request through its login page (as `login`) until it sends the
   * browser back to `returnPrefix`; returns that address (with the code and state).
   */
  async signIn(
    authorizationUrl: string,
    login: string,
    returnPrefix: string,
    password = PROVIDER_PASSWORD,
  ): Promise<URL> {
    let url = authorizationUrl;
    for (let hop = 0; hop < 12; hop++) {
      if (url.startsWith(returnPrefix)) return new URL(url);
      const res = await this.fetch(url);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const html = await res.text();
      const form = /<form method="post" action="([^"]+)"/.exec(html);
      if (!form)
        throw new Error(`provider page without a login form at ${url}: ${res.status} ${html.slice(0, 300)}`);
      const posted = await this.post(new URL(form[1], url).href, { login, password });
      const next = posted.headers.get('location');
      if (!next) throw new Error(`provider refused the login of ${login}: ${posted.status}`);
      url = new URL(next, url).href;
    }
    throw new Error('too many redirects at the provider');
  }
}
