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
  const sorted = [...launchMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  if (sorted.length)
    console.log(`POST /lti/launch: ${sorted.length} launches, median ${at(0.5)} ms, p90 ${at(0.9)} ms`);
  await t.close();
  await platform.stop();
});
afterEach(async () => {
  await platform.tamper('none');
});

let hints = 0;
/** How long Packway took to answer each id_token (checked, person and cohort found, session made). */
const launchMs: number[] = [];

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
  const posted = performance.now();
  const res = await request(app.app).post('/lti/launch').type('form').send(post.fields);
  launchMs.push(performance.now() - posted);
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

describe('launches after the first', () => {
  it('reuses the person and the cohort, and keeps the cohort named after the course (as text)', async () => {
    const browser = await person('omar');
    const first = await launch(
      t,
      browser,
      'omar',
      launchClaims({ contextId: 'course-2', contextTitle: 'Old title' }),
    );
    expect(first.res.status).toBe(303);
    expect(first.res.headers.location).toBe('/');
    const renamed = '<script>alert(1)</script> New & improved';
    const second = await launch(
      t,
      browser,
      'omar',
      launchClaims({ contextId: 'course-2', contextTitle: renamed }),
    );
    expect(second.res.status).toBe(303);
    const users = await t.db.all('SELECT id FROM users WHERE email_norm = ?', [
      'omar@council.example.gov.uk',
    ]);
    expect(users).toHaveLength(1);
    const cohorts = await t.db.all<{ id: number; name: string }>(
      `SELECT c.id, c.name FROM lti_contexts x JOIN cohorts c ON c.id = x.cohort_id WHERE x.context_id = 'course-2'`,
    );
    expect(cohorts).toEqual([{ id: expect.any(Number), name: renamed }]);
    const rename = await t.db.get<{ detail: string }>(
      `SELECT detail FROM audit_log WHERE action = 'cohort.update' AND target = ?`,
      [`cohort:${cohorts[0].id}`],
    );
    expect(rename?.detail).toContain('Old title -> <script>');
    // an admin reading the cohort sees the title as text
    const admin = await t.user('admin');
    const { agent } = await t.signIn(admin.email);
    const page = await agent.get(`/cohorts/${cohorts[0].id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; New &amp; improved');
  });

  it('makes an instructor a trainer of the cohort, on the cohort page; a teaching assistant too', async () => {
    const browser = await person('ines');
    const { res, cookie } = await launch(
      t,
      browser,
      'ines',
      launchClaims({ roles: [ROLE.instructor], contextId: 'course-3', contextTitle: 'Course three' }),
    );
    expect(res.status).toBe(303);
    const cohort = await t.db.get<{ cohort_id: number }>(
      `SELECT cohort_id FROM lti_contexts WHERE context_id = 'course-3'`,
    );
    expect(res.headers.location).toBe(`/cohorts/${cohort!.cohort_id}`);
    const ines = await userByEmail('ines@council.example.gov.uk');
    expect(ines?.role).toBe('trainer');
    expect(
      await t.db.get('SELECT 1 AS yes FROM cohort_trainers WHERE cohort_id = ? AND user_id = ?', [
        cohort!.cohort_id,
        ines!.id,
      ]),
    ).toEqual({ yes: 1 });
    expect((await request(t.app).get(res.headers.location).set('Cookie', cookie!)).status).toBe(200);

    const ta = await person('tam');
    const assisted = await launch(
      t,
      ta,
      'tam',
      launchClaims({ roles: [ROLE.teachingAssistant], contextId: 'course-3' }),
    );
    expect(assisted.res.headers.location).toBe(`/cohorts/${cohort!.cohort_id}`);
    expect((await userByEmail('tam@council.example.gov.uk'))?.role).toBe('trainer');
  });

  it('opens the module named by a custom parameter; gives LMS administrators the role the registration says', async () => {
    const browser = await person('ada');
    const { res } = await launch(
      t,
      browser,
      'ada',
      launchClaims({ roles: [ROLE.administrator], custom: { module: 'case-town-hall' }, noContext: true }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/modules/case-town-hall');
    expect((await userByEmail('ada@council.example.gov.uk'))?.role).toBe('trainer');
  });

  it('links an existing account only when the address is proven, never an administrator with a password', async () => {
    await t.user('learner', 'priya@council.example.gov.uk');
    const browser = await person('priya');
    const refused = await launch(t, browser, 'priya', launchClaims());
    expect(refused.res.status).toBe(409);
    expect(refused.res.text).toContain('will not link them');
    expect(refused.cookie).toBeNull();

    await platform.setAccounts({
      priya: { claims: { email: 'priya@council.example.gov.uk', name: 'Priya', email_verified: true } },
    });
    const linked = await launch(t, browser, 'priya', launchClaims());
    expect(linked.res.status).toBe(303);
    const row = await t.db.get<{ email_norm: string }>(
      `SELECT u.email_norm FROM lti_identities i JOIN users u ON u.id = i.user_id WHERE i.subject = 'priya'`,
    );
    expect(row?.email_norm).toBe('priya@council.example.gov.uk');

    await t.user('admin', 'boss@council.example.gov.uk');
    const boss = await person('boss', { email_verified: true });
    const breakGlass = await launch(t, boss, 'boss', launchClaims());
    expect(breakGlass.res.status).toBe(409);
    expect(breakGlass.res.text).toContain('administrator account');
  });

  it('makes one person and one cohort of two first launches at the same moment (a double click)', async () => {
    const browser = await person('dee');
    const forms: Record<string, string>[] = [];
    for (const n of [1, 2]) {
      const hint = `launch-${++hints}`;
      await platform.setLaunches({
        [hint]: launchClaims({ contextId: 'course-race', resourceLinkId: `race-${n}` }),
      });
      const init = await request(t.app)
        .get('/lti/login')
        .query({
          iss: platform.issuer,
          login_hint: 'dee',
          target_link_uri: `${PUBLIC_URL}/`,
          lti_message_hint: hint,
          client_id: LTI_CLIENT_ID,
        });
      forms.push((await browser.authorise(init.headers.location)).fields);
    }
    const answers = await Promise.all(
      forms.map((f) => request(t.app).post('/lti/launch').type('form').send(f)),
    );
    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    expect(
      await t.db.all('SELECT id FROM users WHERE email_norm = ?', ['dee@council.example.gov.uk']),
    ).toHaveLength(1);
    expect(await t.db.all(`SELECT id FROM lti_contexts WHERE context_id = 'course-race'`)).toHaveLength(1);
    expect(
      await t.db
        .all(`SELECT c.id FROM cohorts c WHERE c.name = 'Customer focused leadership 2026' AND c.id NOT IN
      (SELECT cohort_id FROM lti_contexts)`),
    ).toHaveLength(0);
  });

  it('offers a window of its own that signs the person in there (a first-party session)', async () => {
    const browser = await person('wendy');
    const { res, cookie } = await launch(
      t,
      browser,
      'wendy',
      launchClaims({ target: `${PUBLIC_URL}/modules/raid-plan` }),
    );
    const page = await request(t.app).get(res.headers.location).set('Cookie', cookie!);
    const link = /id="new-window" href="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
    const opened = await request(t.app).get(link);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/modules/raid-plan');
    const own = ([] as string[])
      .concat(opened.headers['set-cookie'])
      .find((c) => c.startsWith('packway_session='))!;
    expect(own).toMatch(/SameSite=Lax/);
    expect(own).not.toMatch(/Partitioned/);
    const there = await request(t.app).get('/modules/raid-plan').set('Cookie', own.split(';')[0]);
    expect(there.status).toBe(200);
    expect(there.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // a forged signature signs no one in
    expect((await request(t.app).get(link.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(400);
  });
});

/** A refused launch: its status, a plain page saying why, an audit entry with the reason, and no session. */
async function expectRefused(launched: Launched, status: number, reason: RegExp): Promise<void> {
  expect(launched.res.status).toBe(status);
  expect(launched.res.text).toContain('Packway could not be opened');
  // the page is shown in the platform's frame
  expect(launched.res.headers['content-security-policy']).toContain('frame-ancestors *');
  expect(launched.cookie).toBeNull();
  const entry = await t.db.get<{ detail: string }>(
    `SELECT detail FROM audit_log WHERE action = 'lti.launch-refused' ORDER BY id DESC LIMIT 1`,
  );
  expect(entry?.detail).toMatch(reason);
}

describe('a launch Packway refuses', () => {
  let browser: PlatformBrowser;
  beforeAll(async () => {
    browser = await person('rita');
  });

  it.each([
    ['unsigned', 401, /signed with none/],
    ['expired', 401, /expired/],
    ['audience', 401, /claim aud/],
    ['several-audiences', 401, /azp/],
    ['unknown-key', 401, /no key of the platform/],
    ['issuer', 401, /claim iss/],
  ] as const)('a token tampered so: %s (%i)', async (mode, status, reason) => {
    await platform.tamper(mode);
    await expectRefused(await launch(t, browser, 'rita', launchClaims()), status, reason);
  });

  it('a replayed launch (the same id_token and state posted again)', async () => {
    const first = await launch(t, browser, 'rita', launchClaims());
    expect(first.res.status).toBe(303);
    const again = await request(t.app).post('/lti/launch').type('form').send(first.fields);
    await expectRefused({ ...first, res: again, cookie: null }, 400, /already used state/);
  });

  it('a deployment the platform did not register', async () => {
    await expectRefused(
      await launch(t, browser, 'rita', launchClaims({ deploymentId: 'deployment-9' })),
      403,
      /unregistered deployment deployment-9/,
    );
  });

  it('a message type or version Packway does not handle, or claims of the wrong shape', async () => {
    await expectRefused(
      await launch(t, browser, 'rita', launchClaims({ messageType: 'LtiSubmissionReviewRequest' })),
      400,
      /message_type/,
    );
    await expectRefused(
      await launch(t, browser, 'rita', launchClaims({ version: '1.1' })),
      400,
      /version 1.1/,
    );
    await expectRefused(
      await launch(t, browser, 'rita', { ...launchClaims(), [`${CLAIM}roles`]: 'Learner' }),
      400,
      /claims malformed: .*roles/,
    );
  });

  it('the platform’s own refusal (the person is not signed in there: login_required)', async () => {
    const stranger = new PlatformBrowser(platform);
    const hint = `launch-${++hints}`;
    await platform.setLaunches({ [hint]: launchClaims() });
    const init = await request(t.app)
      .get('/lti/login')
      .query({
        iss: platform.issuer,
        login_hint: 'rita',
        target_link_uri: `${PUBLIC_URL}/`,
        lti_message_hint: hint,
        client_id: LTI_CLIENT_ID,
      });
    const post = await stranger.authorise(init.headers.location);
    expect(post.fields.error).toBe('login_required');
    const res = await request(t.app).post('/lti/launch').type('form').send(post.fields);
    await expectRefused(
      { res, cookie: null, setCookie: [], fields: post.fields },
      400,
      /platform answered login_required/,
    );
    expect(res.text).toContain('did not confirm who you are');
  });

  it('a target link with a malformed escape opens no module, and is no error', async () => {
    const launched = await launch(
      t,
      browser,
      'rita',
      launchClaims({ target: `${PUBLIC_URL}/modules/%E0%A4%A` }),
    );
    expect(launched.res.status).toBe(303);
    expect(launched.res.headers.location).toBe('/');
  });

  it('a role Packway does not know', async () => {
    await expectRefused(
      await launch(t, browser, 'rita', launchClaims({ roles: [ROLE.mentor] })),
      403,
      /no role Packway maps/,
    );
  });

  it('a login initiation from a platform nobody registered, or without what it needs', async () => {
    const res = await request(t.app)
      .get('/lti/login')
      .query({ iss: 'https://unknown.example', login_hint: 'x', target_link_uri: `${PUBLIC_URL}/` });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Packway does not know this learning platform');
    const empty = await request(t.app).post('/lti/login').type('form').send({});
    expect(empty.status).toBe(400);
    const noToken = await request(t.app).post('/lti/launch').type('form').send({ state: 'x' });
    expect(noToken.status).toBe(400);
    const entry = await t.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'lti.launch-refused' AND detail LIKE '%unregistered platform%'`,
    );
    expect(Number(entry?.n)).toBeGreaterThan(0);
  });

  it('fetches the key set again for a key it has not seen (the platform rotated its keys)', async () => {
    // the unknown-key test above fetched the set again moments ago: a second fetch waits a second (forged tokens with
    // made-up key ids must not make Packway hammer the platform)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = await platform.jwksFetches();
    await platform.rotateKeys();
    const other = await person('rosa');
    const { res } = await launch(t, other, 'rosa', launchClaims());
    expect(res.status).toBe(303);
    expect(await platform.jwksFetches()).toBe(before + 1);
  });

  it('answers 503 with a plain page when the platform’s key set cannot be fetched', async () => {
    const fresh = await makeTestApp({ env: { PUBLIC_URL } });
    try {
      await registerPlatform(fresh);
      await platform.jwksDown(true);
      const other = await person('dora');
      const launched = await launch(fresh, other, 'dora', launchClaims());
      expect(launched.res.status).toBe(503);
      expect(launched.res.text).toContain('cannot reach your learning platform');
      const entry = await fresh.db.get<{ detail: string }>(
        `SELECT detail FROM audit_log WHERE action = 'lti.launch-refused' ORDER BY id DESC LIMIT 1`,
      );
      expect(entry?.detail).toMatch(/platform keys unavailable: .* answered 503/);
    } finally {
      await platform.jwksDown(false);
      await fresh.close();
    }
  });
});

describe('Packway’s keys and a platform’s removal', () => {
  it('publishes its public key, and after a rotation the old one beside the new', async () => {
    const first = await request(t.app).get('/lti/jwks');
    expect(first.status).toBe(200);
    expect(first.body.keys).toHaveLength(1);
    expect(first.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(first.body.keys[0].d).toBeUndefined();
    const admin = await t.user('admin');
    await t.services.lti.rotateKey({ id: admin.id, email: admin.email, name: 'A', role: 'admin' });
    const second = await request(t.app).get('/lti/jwks');
    expect(second.body.keys.map((k: { kid: string }) => k.kid)).toEqual([
      expect.any(String),
      first.body.keys[0].kid,
    ]);
    t.clock.advance(25 * 3600_000);
    const later = await request(t.app).get('/lti/jwks');
    expect(later.body.keys).toHaveLength(1);
    expect(later.body.keys[0].kid).toBe(second.body.keys[0].kid);
    t.clock.set(Date.now());
  });

  it('ends the sessions a platform’s launches made when the platform is removed', async () => {
    const browser = await person('sam');
    const { cookie } = await launch(t, browser, 'sam', launchClaims());
    expect((await request(t.app).get('/').set('Cookie', cookie!)).status).toBe(200);
    const admin = await t.user('admin');
    await t.services.lti.remove({ id: admin.id, email: admin.email, name: 'A', role: 'admin' }, platformId);
    expect((await request(t.app).get('/').set('Cookie', cookie!)).status).toBe(303);
  });
});
