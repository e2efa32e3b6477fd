import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig } from '../../src/config';
import { makeTestApp, PASSWORD, type TestApp } from '../helpers/app';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  OTHER_TENANT,
  ProviderBrowser,
  TENANT,
  entraClaims,
  startTestProvider,
  type TestProvider,
} from '../helpers/oidc';

/**
 * Single sign-on against a real OpenID Provider (oidc-provider in a child process, shaped like Entra ID): every sign-in
 * goes through the provider's own login page, and every refusal is checked to leave no session behind.
 */

const PUBLIC_URL = 'http://packway.test';
const CALLBACK = `${PUBLIC_URL}/login/sso/callback`;

let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [`${PUBLIC_URL}/login?signed-out=1`],
  });
});
afterAll(async () => {
  await provider.stop();
});
afterEach(async () => {
  await provider.tamper('none');
});

function ssoEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_URL,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    ...extra,
  };
}

async function ssoApp(extra: Record<string, string> = {}): Promise<TestApp> {
  return makeTestApp({ env: ssoEnv(extra) });
}

/** Leaves Packway for the provider; returns the browser (agent) and where the provider was asked to send it. */
async function begin(t: TestApp, next?: string): Promise<{ agent: TestAgent; authorizationUrl: string }> {
  const agent = request.agent(t.app);
  const res = await agent.get(next ? `/login/sso?next=${encodeURIComponent(next)}` : '/login/sso');
  expect(res.status).toBe(303);
  expect(res.headers.location.startsWith(`${provider.issuer}/auth?`)).toBe(true);
  return { agent, authorizationUrl: res.headers.location };
}

/** The provider's answer as Packway would receive it: the callback path with its query. */
const local = (url: URL) => `${url.pathname}${url.search}`;

async function signInThroughProvider(t: TestApp, login: string, next?: string) {
  const { agent, authorizationUrl } = await begin(t, next);
  const answer = await new ProviderBrowser().signIn(authorizationUrl, login, CALLBACK);
  const res = await agent.get(local(answer));
  return { agent, res, answer };
}

async function expectSignedOut(agent: TestAgent): Promise<void> {
  const home = await agent.get('/');
  expect([302, 303]).toContain(home.status);
  expect(home.headers.location).toMatch(/^\/login/);
}

describe('single sign-on with OpenID Connect', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await ssoApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('offers the organisation sign-in as a link, and allows the provider in the CSP form-action', async () => {
    const res = await request(t.app).get('/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/login/sso"');
    expect(res.text).toContain('Sign in with your organisation account');
    expect(res.text).toContain('name="password"');
    expect(res.headers['content-security-policy']).toMatch(
      new RegExp(`form-action 'self' ${provider.origin.replace(/\./g, '\\.')}`),
    );
  });

  it('creates the account at the first sign-in, with the role the claim gives, and lands on the home page', async () => {
    await provider.setAccounts({ tara: { claims: entraClaims('oid-tara', { roles: ['Packway.Trainer'] }) } });
    const { agent, res } = await signInThroughProvider(t, 'tara', '/cohorts');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/cohorts');
    const me = await agent.get('/');
    expect(me.status).toBe(200);
    expect(me.text).toContain('Person oid-tara');
    const account = await t.db.get<{ role: string; role_source: string; password_hash: string | null }>(
      "SELECT role, role_source, password_hash FROM users WHERE email_norm = 'oid-tara@council.example.gov.uk'",
    );
    expect(account).toEqual({ role: 'trainer', role_source: 'claim', password_hash: null });
    const audit = await t.db.all<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_log WHERE action IN ('sso.account-created', 'signin.success') ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(['sso.account-created', 'signin.success']);
    expect(audit[1].detail).toBe('sso');
  });

  it('gives the default role when the claim maps to none, and refreshes the role from the claim at each sign-in', async () => {
    await provider.setAccounts({ lee: { claims: entraClaims('oid-lee', { roles: ['Something.Else'] }) } });
    await signInThroughProvider(t, 'lee');
    const role = async () =>
      t.db.get<{ role: string; role_source: string }>(
        "SELECT role, role_source FROM users WHERE email_norm = 'oid-lee@council.example.gov.uk'",
      );
    expect(await role()).toEqual({ role: 'learner', role_source: 'packway' });

    await provider.setAccounts({ lee: { claims: entraClaims('oid-lee', { roles: ['Packway.Admin'] }) } });
    const promoted = await signInThroughProvider(t, 'lee');
    expect(promoted.res.status).toBe(303);
    expect(await role()).toEqual({ role: 'admin', role_source: 'claim' });
    expect((await promoted.agent.get('/users/single-sign-on')).status).toBe(200);

    await provider.setAccounts({ lee: { claims: entraClaims('oid-lee', { roles: [] }) } });
    const demoted = await signInThroughProvider(t, 'lee');
    expect(await role()).toEqual({ role: 'learner', role_source: 'packway' });
    expect((await demoted.agent.get('/users/single-sign-on')).status).toBe(403);
    // the admin session made under the claim ended with it
    expect([302, 303]).toContain((await promoted.agent.get('/users')).status);

    const changes = await t.db.all<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'user.role' ORDER BY id",
    );
    expect(changes.map((c) => c.detail)).toEqual([
      'learner -> admin (role claim)',
      'admin -> learner (role claim removed: default role)',
    ]);
  });

  it('links an account the administrators made when the provider proves the email address', async () => {
    const invited = await t.services.users.create(
      { email: 'Priya.Shah@council.example.gov.uk', name: 'Priya Shah', role: 'trainer' },
      null,
    );
    await provider.setAccounts({
      priya: { claims: entraClaims('oid-priya', { email: 'priya.shah@council.example.gov.uk' }) },
    });
    const { agent, res } = await signInThroughProvider(t, 'priya');
    expect(res.status).toBe(303);
    const me = await agent.get('/');
    expect(me.text).toContain('Priya Shah');
    const linked = await t.db.get<{ user_id: number; issuer_key: string; subject: string }>(
      'SELECT user_id, issuer_key, subject FROM sso_identities WHERE subject = ?',
      ['oid-priya'],
    );
    expect(linked).toEqual({ user_id: invited.id, issuer_key: `tid:${TENANT}`, subject: 'oid-priya' });
  });

  it('refuses to link an existing account when the email address is not proven (the nOAuth takeover)', async () => {
    const victim = await t.user('admin', 'chief.exec@council.example.gov.uk');
    const before = await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    await provider.setAccounts({
      mallory: {
        claims: entraClaims('oid-mallory', {
          email: 'chief.exec@council.example.gov.uk',
          xms_edov: false,
          preferred_username: 'chief.exec@council.example.gov.uk',
        }),
      },
    });
    const { agent, res } = await signInThroughProvider(t, 'mallory');
    expect(res.status).toBe(409);
    expect(res.text).toContain('did not confirm the address');
    await expectSignedOut(agent);
    expect(
      await t.db.get('SELECT user_id FROM sso_identities WHERE user_id = ?', [victim.id]),
    ).toBeUndefined();
    expect(await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users')).toEqual(before);
    const failure = await t.db.get<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'signin.failure' ORDER BY id DESC LIMIT 1",
    );
    expect(failure?.detail).toMatch(/^sso: email not proven/);
  });

  it('keeps administrator accounts with a password local (break-glass), even with a proven address', async () => {
    await t.user('admin', 'it.admin@council.example.gov.uk');
    await provider.setAccounts({
      itadmin: { claims: entraClaims('oid-itadmin', { email: 'it.admin@council.example.gov.uk' }) },
    });
    const { agent, res } = await signInThroughProvider(t, 'itadmin');
    expect(res.status).toBe(409);
    await expectSignedOut(agent);
  });

  it('lands on the same account when the email address changes at the provider', async () => {
    await provider.setAccounts({
      sam: { claims: entraClaims('oid-sam', { email: 'sam.old@council.example.gov.uk' }) },
    });
    await signInThroughProvider(t, 'sam');
    const first = await t.db.get<{ user_id: number }>(
      "SELECT user_id FROM sso_identities WHERE subject = 'oid-sam'",
    );

    await provider.setAccounts({
      sam: { claims: entraClaims('oid-sam', { email: 'sam.new@council.example.gov.uk' }) },
    });
    const { agent, res } = await signInThroughProvider(t, 'sam');
    expect(res.status).toBe(303);
    const after = await t.db.get<{ id: number; email: string }>('SELECT id, email FROM users WHERE id = ?', [
      first!.user_id,
    ]);
    expect(after).toEqual({ id: first!.user_id, email: 'sam.new@council.example.gov.uk' });
    expect(
      await t.db.get("SELECT id FROM users WHERE email_norm = 'sam.old@council.example.gov.uk'"),
    ).toBeUndefined();
    expect((await agent.get('/')).status).toBe(200);
  });

  it('treats the same object id in another tenant as another person', async () => {
    await provider.setAccounts({
      home: { claims: entraClaims('oid-shared', { email: 'alex@council.example.gov.uk' }) },
      away: { claims: entraClaims('oid-shared', { tid: OTHER_TENANT, email: 'alex@trust.example.nhs.uk' }) },
    });
    await signInThroughProvider(t, 'home');
    await signInThroughProvider(t, 'away');
    const rows = await t.db.all<{ issuer_key: string; user_id: number }>(
      "SELECT issuer_key, user_id FROM sso_identities WHERE subject = 'oid-shared' ORDER BY issuer_key",
    );
    expect(rows.map((r) => r.issuer_key)).toEqual([`tid:${TENANT}`, `tid:${OTHER_TENANT}`]);
    expect(rows[0].user_id).not.toBe(rows[1].user_id);
  });

  it('shows administrators who signs in with single sign-on, their last sign-in and where their role comes from', async () => {
    await provider.setAccounts({ boss: { claims: entraClaims('oid-boss', { roles: ['Packway.Admin'] }) } });
    const { agent } = await signInThroughProvider(t, 'boss');
    const page = await agent.get('/users/single-sign-on');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Person oid-boss');
    expect(page.text).toContain('Organisation&#39;s role claim');
    expect(page.text).toContain(CALLBACK);
    expect((await agent.get('/users')).text).toContain('href="/users/single-sign-on"');
  });

  it('signs out at the provider too (RP-initiated logout), and a password user only locally', async () => {
    await provider.setAccounts({ out: { claims: entraClaims('oid-out') } });
    const { agent } = await signInThroughProvider(t, 'out');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/account/password')).text)![1];
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/login?signed-out=1`);
    await expectSignedOut(agent);

    const local = await t.user('learner');
    const { agent: passwordAgent, csrf: passwordCsrf } = await t.signIn(local.email);
    const out = await passwordAgent.post('/logout').type('form').send({ _csrf: passwordCsrf });
    expect(out.headers.location).toBe('/login');
  });
});

describe('single sign-on refusals: each ends on a clear page with no session', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await ssoApp();
    await provider.setAccounts({ rita: { claims: entraClaims('oid-rita') } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the same answer twice (a replayed callback)', async () => {
    const { agent, res, answer } = await signInThroughProvider(t, 'rita');
    expect(res.status).toBe(303);
    const thief = request.agent(t.app);
    const again = await agent.get(local(answer));
    expect(again.status).toBe(400);
    expect(again.text).toContain('has expired or has already been used');
    const stolen = await thief.get(local(answer));
    expect(stolen.status).toBe(400);
    await expectSignedOut(thief);
  });

  it('refuses a code that was already redeemed, even with a fresh state', async () => {
    const first = await signInThroughProvider(t, 'rita');
    const { agent, authorizationUrl } = await begin(t);
    const state = new URL(authorizationUrl).searchParams.get('state')!;
    const replay = new URL(first.answer.href);
    replay.searchParams.set('state', state);
    const res = await agent.get(local(replay));
    expect(res.status).toBe(401);
    expect(res.text).toContain('could not confirm who you are');
    await expectSignedOut(agent);
  });

  it('refuses an answer that comes back to another browser (login CSRF)', async () => {
    const { authorizationUrl } = await begin(t);
    const answer = await new ProviderBrowser().signIn(authorizationUrl, 'rita', CALLBACK);
    const other = request.agent(t.app);
    const res = await other.get(local(answer));
    expect(res.status).toBe(400);
    await expectSignedOut(other);
  });

  it('refuses a sign-in finished after the sign-in window', async () => {
    const { agent, authorizationUrl } = await begin(t);
    const answer = await new ProviderBrowser().signIn(authorizationUrl, 'rita', CALLBACK);
    t.clock.advance(11 * 60_000);
    const res = await agent.get(local(answer));
    expect(res.status).toBe(400);
    await expectSignedOut(agent);
  });

  it.each([
    ['issuer', 'an ID token from another issuer'],
    ['audience', 'an ID token for another app'],
    ['nonce', 'an ID token with the wrong nonce'],
    ['unknown-key', 'an ID token signed with a key the provider never published'],
  ] as const)('refuses %s: %s', async (mode, _what) => {
    const { agent, authorizationUrl } = await begin(t);
    const answer = await new ProviderBrowser().signIn(authorizationUrl, 'rita', CALLBACK);
    await provider.tamper(mode);
    const res = await agent.get(local(answer));
    expect(res.status).toBe(401);
    expect(res.text).toContain('could not confirm who you are');
    await expectSignedOut(agent);
    const failure = await t.db.get<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'signin.failure' ORDER BY id DESC LIMIT 1",
    );
    expect(failure?.detail).toMatch(/^sso: ID token refused/);
  });

  it('refuses when the provider says no (error=access_denied)', async () => {
    const { agent, authorizationUrl } = await begin(t);
    const state = new URL(authorizationUrl).searchParams.get('state')!;
    const res = await agent.get(
      `/login/sso/callback?error=access_denied&error_description=User+declined&state=${encodeURIComponent(state)}`,
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain('did not let you in');
    await expectSignedOut(agent);
  });

  it('answers a callback with nothing in it, or with junk, with the start-again page', async () => {
    for (const query of ['', '?state=', '?code=abc', '?state=%E0%A4%A', `?state=${'x'.repeat(5000)}`]) {
      const res = await request(t.app).get(`/login/sso/callback${query}`);
      expect(res.status).toBe(400);
    }
  });

  it('keeps working after the provider rotates its signing key', async () => {
    expect((await signInThroughProvider(t, 'rita')).res.status).toBe(303);
    await provider.rotateKeys();
    const { agent, res } = await signInThroughProvider(t, 'rita');
    expect(res.status).toBe(303);
    expect((await agent.get('/')).status).toBe(200);
  });

  it('refuses a disabled account', async () => {
    await provider.setAccounts({ gone: { claims: entraClaims('oid-gone') } });
    await signInThroughProvider(t, 'gone');
    const row = await t.db.get<{ user_id: number }>(
      "SELECT user_id FROM sso_identities WHERE subject = 'oid-gone'",
    );
    await t.db.run('UPDATE users SET disabled = 1 WHERE id = ?', [row!.user_id]);
    const { agent, res } = await signInThroughProvider(t, 'gone');
    expect(res.status).toBe(403);
    expect(res.text).toContain('switched off');
    await expectSignedOut(agent);
  });
});

describe('single sign-on settings', () => {
  it('refuses tenants not in OIDC_ALLOWED_TENANTS', async () => {
    const t = await ssoApp({ OIDC_ALLOWED_TENANTS: TENANT });
    try {
      await provider.setAccounts({
        ours: { claims: entraClaims('oid-ours') },
        theirs: { claims: entraClaims('oid-theirs', { tid: OTHER_TENANT }) },
      });
      expect((await signInThroughProvider(t, 'ours')).res.status).toBe(303);
      const { agent, res } = await signInThroughProvider(t, 'theirs');
      expect(res.status).toBe(403);
      expect(res.text).toContain('not one that can sign in');
      await expectSignedOut(agent);
      expect(await t.db.get("SELECT id FROM sso_identities WHERE subject = 'oid-theirs'")).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('refuses people without a role when OIDC_DEFAULT_ROLE=none, and makes no account', async () => {
    const t = await ssoApp({ OIDC_DEFAULT_ROLE: 'none' });
    try {
      await provider.setAccounts({ norole: { claims: entraClaims('oid-norole') } });
      const { agent, res } = await signInThroughProvider(t, 'norole');
      expect(res.status).toBe(403);
      expect(res.text).toContain('not been given access');
      await expectSignedOut(agent);
      expect(await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users')).toEqual({ n: 0 });
    } finally {
      await t.close();
    }
  });

  it('maps claim values to roles with OIDC_ROLE_MAP and reads them from OIDC_ROLE_CLAIM', async () => {
    const t = await ssoApp({ OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'ld-team=admin,trainers=trainer' });
    try {
      await provider.setAccounts({
        grouped: {
          claims: { ...entraClaims('oid-grouped'), roles: ['Packway.Learner'], groups: ['trainers', 'x'] },
        },
      });
      await signInThroughProvider(t, 'grouped');
      const row = await t.db.get<{ role: string }>(
        "SELECT u.role FROM users u JOIN sso_identities i ON i.user_id = u.id WHERE i.subject = 'oid-grouped'",
      );
      expect(row).toEqual({ role: 'trainer' });
    } finally {
      await t.close();
    }
  });

  it('with LOCAL_PASSWORDS=off, only administrators without an organisation account sign in with a password', async () => {
    const t = await ssoApp({ LOCAL_PASSWORDS: 'off' });
    try {
      const breakGlass = await t.user('admin', 'break.glass@council.example.gov.uk');
      const learner = await t.user('learner', 'learner.pw@council.example.gov.uk');
      const page = await request(t.app).get('/login');
      expect(page.text).toContain('Emergency administrator sign-in');
      await expect(t.signIn(breakGlass.email)).resolves.toBeDefined();
      await expect(t.signIn(learner.email)).rejects.toThrow('sign-in failed: 401');
      const api = await request(t.app)
        .post('/api/v1/auth/token')
        .send({ email: learner.email, password: PASSWORD });
      expect(api.status).toBe(401);
      const failure = await t.db.get<{ detail: string }>(
        "SELECT detail FROM audit_log WHERE action = 'signin.failure' ORDER BY id DESC LIMIT 1",
      );
      expect(failure?.detail).toContain('LOCAL_PASSWORDS=off');
    } finally {
      await t.close();
    }
  });

  it('answers 503 with a page, not a 500, when the provider cannot be reached', async () => {
    const t = await makeTestApp({
      env: { ...ssoEnv(), OIDC_ISSUER: 'http://127.0.0.1:9/nobody/v2.0' },
    });
    try {
      const res = await request(t.app).get('/login/sso');
      expect(res.status).toBe(503);
      expect(res.text).toContain('cannot be reached');
    } finally {
      await t.close();
    }
  });

  it('has no single sign-on routes when OIDC_ISSUER is unset', async () => {
    const t = await makeTestApp();
    try {
      expect((await request(t.app).get('/login/sso')).status).toBe(404);
      expect((await request(t.app).get('/login/sso/callback?state=x&code=y')).status).toBe(404);
      expect((await request(t.app).get('/login')).text).not.toContain('/login/sso');
    } finally {
      await t.close();
    }
  });

  it('accepts an http:// issuer only on a loopback address, whatever NODE_ENV says', () => {
    const base = { OIDC_CLIENT_ID: 'x', PUBLIC_URL: 'https://learning.example.org', NODE_ENV: 'production' };
    expect(loadConfig({ ...base, OIDC_ISSUER: 'http://127.0.0.1:4000/t/v2.0' }).sso?.issuer.hostname).toBe(
      '127.0.0.1',
    );
    expect(loadConfig({ ...base, OIDC_ISSUER: 'http://localhost:4000/t/v2.0' }).sso).toBeDefined();
    expect(() => loadConfig({ ...base, OIDC_ISSUER: 'http://login.example.org/t/v2.0' })).toThrow(
      /OIDC_ISSUER/,
    );
    expect(() => loadConfig({ OIDC_ISSUER: 'https://login.example.org/t/v2.0' })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => loadConfig({ LOCAL_PASSWORDS: 'off' })).toThrow(/LOCAL_PASSWORDS/);
    expect(() =>
      loadConfig({ ...base, OIDC_ISSUER: 'https://x.example/v2.0', OIDC_ROLE_MAP: 'a=boss' }),
    ).toThrow(/OIDC_ROLE_MAP/);
  });
});
