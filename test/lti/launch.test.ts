import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import {
  CLAIM,
  DEPLOYMENT_ID,
  LTI_CLIENT_ID,
  PlatformBrowser,
  ROLE,
  launchClaims,
  startTestPlatform,
  type TestPlatform,
} from '../helpers/lti';

/**
 * LTI 1.3 launches against a real OpenID Provider acting as the platform (oidc-provider in a child process): every
 * launch goes login initiation -> the platform's authorisation endpoint (prompt none, form_post) -> POST /lti/launch,
 * and every refusal is checked for its status, a plain page, an audit entry and no session.
 */

const PUBLIC_URL = 'http://packway.test';

let platform: TestPlatform;
let t: TestApp;
let platformId: number;

async function registerPlatform(app: TestApp, overrides: Record<string, unknown> = {}): Promise<number> {
  const admin = await app.user('admin');
  const registered = await app.services.lti.register(
    { id: admin.id, email: admin.email, name: 'Admin', role: 'admin' },
    {
      name: 'Test Moodle',
      issuer: platform.issuer,
      clientId: LTI_CLIENT_ID,
      deploymentIds: [DEPLOYMENT_ID],
      authLoginUrl: platform.authLoginUrl,
      tokenUrl: platform.tokenUrl,
      jwksUrl: platform.jwksUrl,
      adminRole: 'trainer',
      trustEmail: false,
      ...overrides,
    },
  );
  return registered.id;
}

beforeAll(async () => {
  platform = await startTestPlatform({ redirectUris: [`${PUBLIC_URL}/lti/launch`] });
  t = await makeTestApp({ env: { PUBLIC_URL } });
  platformId = await registerPlatform(t);
});
afterAll(async () => {
  await t.close();
  await platform.stop();
});
afterEach(async () => {
  await platform.tamper('none');
});

let hints = 0;

/** A person on the platform, with their address, signed in to the platform in a browser of their own. */
async function person(login: string, claims: Record<string, unknown> = {}) {
  await platform.setAccounts({
    [login]: { claims: { email: `${login}@council.example.gov.uk`, name: `Person ${login}`, ...claims } },
  });
  const browser = new PlatformBrowser(platform);
  await browser.signIn(login);
  return browser;
}

interface Launched {
  res: request.Response;
  cookie: string | null;
  setCookie: string[];
  fields: Record<string, string>;
}

/** One launch, from the platform's login initiation to Packway's answer to the id_token. */
async function launch(
  app: TestApp,
  browser: PlatformBrowser,
  login: string,
  claims: Record<string, unknown>,
): Promise<Launched> {
  const hint = `launch-${++hints}`;
  await platform.setLaunches({ [hint]: claims });
  const init = await request(app.app)
    .post('/lti/login')
    .type('form')
    .send({
      iss: platform.issuer,
      login_hint: login,
      target_link_uri: claims[`${CLAIM}target_link_uri`],
      lti_message_hint: hint,
      lti_deployment_id: DEPLOYMENT_ID,
      client_id: LTI_CLIENT_ID,
    });
  expect(init.status).toBe(303);
  const auth = new URL(init.headers.location);
  expect(`${auth.origin}${auth.pathname}`).toBe(platform.authLoginUrl);
  expect(auth.searchParams.get('response_mode')).toBe('form_post');
  expect(auth.searchParams.get('prompt')).toBe('none');
  const post = await browser.authorise(init.headers.location);
  expect(post.action).toBe(`${PUBLIC_URL}/lti/launch`);
  const res = await request(app.app).post('/lti/launch').type('form').send(post.fields);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const session = setCookie.find((c) => c.startsWith('packway_session=') && !/Max-Age=0/.test(c));
  return { res, cookie: session ? session.split(';')[0] : null, setCookie, fields: post.fields };
}

const userByEmail = (email: string) =>
  t.db.get<{ id: number; role: string; name: string }>(
    'SELECT id, role, name FROM users WHERE email_norm = ?',
    [email],
  );

describe('a launch from the platform', () => {
  it('signs a learner in on the linked module, in the cohort made from the course', async () => {
    const browser = await person('lena');
    const started = Date.now();
    const { res, cookie, setCookie } = await launch(
      t,
      browser,
      'lena',
      launchClaims({
        target: `${PUBLIC_URL}/modules/area-listening`,
        contextId: 'course-1',
        contextTitle: 'Leading teams',
      }),
    );
    const took = Date.now() - started;
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/modules/area-listening');
    const sessionCookie = setCookie.find((c) => c.startsWith('packway_session='))!;
    expect(sessionCookie).toMatch(/; SameSite=None; Secure; Partitioned/);
    const page = await request(t.app).get(res.headers.location).set('Cookie', cookie!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Person lena');
    expect(page.headers['content-security-policy']).toContain(`frame-ancestors ${platform.origin}`);
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.text).toContain('Open in a new window');

    const user = await userByEmail('lena@council.example.gov.uk');
    expect(user?.role).toBe('learner');
    const cohort = await t.db.get<{ id: number; name: string }>(
      `SELECT c.id, c.name FROM lti_contexts x JOIN cohorts c ON c.id = x.cohort_id WHERE x.context_id = 'course-1'`,
    );
    expect(cohort?.name).toBe('Leading teams');
    expect(
      await t.db.get('SELECT 1 AS yes FROM cohort_members WHERE cohort_id = ? AND user_id = ?', [
        cohort!.id,
        user!.id,
      ]),
    ).toEqual({ yes: 1 });
    const audit = await t.db.all<{ action: string }>(
      `SELECT action FROM audit_log WHERE actor_id = ? ORDER BY id`,
      [user!.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'lti.account-created',
      'cohort.create',
      'cohort.enrol',
      'lti.launch',
      'signin.success',
    ]);
    // pages of a session not made by a launch may not be framed at all
    const other = await request(t.app).get('/login');
    expect(other.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    console.log(`launch (login initiation -> platform -> launch) took ${took} ms`);
  });
});
