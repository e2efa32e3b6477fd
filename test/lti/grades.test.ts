import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import {
  DEPLOYMENT_ID,
  LTI_CLIENT_ID,
  PlatformBrowser,
  launchClaims,
  launchOnce,
  startTestPlatform,
  type TestPlatform,
} from '../helpers/lti';

/**
 * Grade passback (LTI Assignment and Grade Services 2.0) against a real OpenID Provider acting as the platform: the
 * provider's client_credentials grant issues the access token for a client assertion it checks against Packway's
 * published key set (private_key_jwt, jwks_uri = Packway's /lti/jwks), and the platform's score endpoint takes only
 * tokens the provider issued with the score scope.
 */

const PUBLIC_URL = 'http://packway.test';
const MODULE = 'intro-welcome';

let platform: TestPlatform;
let t: TestApp;
let server: http.Server;
let platformId: number;
let hints = 0;

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL } });
  // the platform fetches Packway's key set to check its client assertions: Packway listens on loopback for that
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  platform = await startTestPlatform({
    redirectUris: [`${PUBLIC_URL}/lti/launch`],
    toolJwksUri: `http://127.0.0.1:${port}/lti/jwks`,
  });
  platformId = await register();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
  await platform.stop();
});
afterEach(async () => {
  await platform.tokenDown(false);
  await platform.scoreStatus(0);
  // each test counts its own jobs
  await t.db.run(`DELETE FROM jobs WHERE kind = 'lti.score'`);
});

async function register(): Promise<number> {
  const admin = await t.user('admin');
  const registered = await t.services.lti.register(
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
    },
  );
  return registered.id;
}

/** A learner launched from a link to MODULE with a line item: their session cookie and their subject. */
async function learnerLaunched(login: string, lineitem: string | undefined, contextId = `course-${login}`) {
  await platform.setAccounts({
    [login]: { claims: { email: `${login}@council.example.gov.uk`, name: `Person ${login}` } },
  });
  const browser = new PlatformBrowser(platform);
  await browser.signIn(login);
  const launched = await launchOnce(
    t.app,
    platform,
    browser,
    login,
    launchClaims({
      target: `${PUBLIC_URL}/modules/${MODULE}`,
      contextId,
      resourceLinkId: `link-${login}`,
      lineitem,
    }),
    `grades-${++hints}`,
  );
  expect(launched.status).toBe(303);
  expect(launched.location).toBe(`/modules/${MODULE}`);
  return { cookie: launched.cookie!, subject: login };
}

/** A form on the module page posted with the learner's launch session (its CSRF token read from the page). */
async function post(cookie: string, action: 'complete' | 'incomplete') {
  const page = await request(t.app).get(`/modules/${MODULE}`).set('Cookie', cookie);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const res = await request(t.app)
    .post(`/modules/${MODULE}/${action}`)
    .set('Cookie', cookie)
    .type('form')
    .send({ _csrf: csrf });
  expect(res.status).toBe(303);
}

const scoreJobs = () =>
  t.db.all<{ attempts: number; run_at: number; last_error: string | null }>(
    `SELECT attempts, run_at, last_error FROM jobs WHERE kind = 'lti.score' ORDER BY id`,
  );
const runScores = () => t.services.jobs.runDue(['lti.score']);
const scoresFor = async (lineitem: string) =>
  (await platform.scores()).filter((s) => s.lineitem === lineitem).map((s) => s.score);

describe('grade passback', () => {
  it('keeps a score while the token endpoint is down and sends it once the platform is back', async () => {
    const lineitem = 'col-ben';
    const { cookie } = await learnerLaunched('ben', platform.lineitem(lineitem));
    // first in this file: Packway holds no access token yet, so the score needs the token endpoint
    await platform.tokenDown(true);
    await post(cookie, 'complete');
    expect(await runScores()).toBe(1);
    expect(await scoresFor(lineitem)).toEqual([]);
    const [waiting] = await scoreJobs();
    expect(waiting.attempts).toBe(1);
    expect(waiting.last_error).toMatch(/token endpoint .* answered 503/);
    expect(Number(waiting.run_at)).toBeGreaterThan(t.clock.now());
    // not due yet: the runner waits out the back-off
    await platform.tokenDown(false);
    expect(await runScores()).toBe(0);
    t.clock.advance(1_500);
    const tokenRequests = await platform.tokenRequests();
    expect(await runScores()).toBe(1);
    expect((await platform.tokenRequests()) - tokenRequests).toBe(1);
    // the client assertion the provider accepted: aud is the token URL (as Moodle and Canvas expect), not the issuer
    const assertion = (await platform.lastAssertion())!;
    expect(assertion).toMatchObject({ iss: LTI_CLIENT_ID, sub: LTI_CLIENT_ID, aud: platform.tokenUrl });
    expect(assertion.jti).toEqual(expect.any(String));
    expect(Number(assertion.exp) - Number(assertion.iat)).toBe(300);
    expect(await scoresFor(lineitem)).toMatchObject([{ scoreGiven: 1, activityProgress: 'Completed' }]);
    expect(await scoreJobs()).toEqual([]);
  });

  it('sends one score when a learner completes the linked module, and the change when they undo it', async () => {
    const lineitem = 'col-ana';
    const { cookie, subject } = await learnerLaunched('ana', platform.lineitem(lineitem));
    const tokensBefore = await platform.tokenRequests();

    await post(cookie, 'complete');
    expect(await scoreJobs()).toHaveLength(1);
    const started = performance.now();
    expect(await runScores()).toBe(1);
    const took = performance.now() - started;
    const [completed, ...others] = await scoresFor(lineitem);
    expect(others).toEqual([]);
    expect(completed).toEqual({
      userId: subject,
      scoreGiven: 1,
      scoreMaximum: 1,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect((await platform.scores()).at(-1)!.clientId).toBe(LTI_CLIENT_ID);
    expect(await scoreJobs()).toEqual([]);
    // sent once: running the jobs again sends nothing, and completing again (already complete) enqueues nothing
    expect(await runScores()).toBe(0);
    await post(cookie, 'complete');
    expect(await runScores()).toBe(0);
    expect(await scoresFor(lineitem)).toHaveLength(1);

    t.clock.advance(1000);
    await post(cookie, 'incomplete');
    expect(await runScores()).toBe(1);
    const undone = (await scoresFor(lineitem))[1];
    expect(undone).toEqual({
      userId: subject,
      activityProgress: 'Initialized',
      gradingProgress: 'NotReady',
      timestamp: expect.any(String),
    });
    expect(Date.parse(undone.timestamp as string)).toBeGreaterThan(Date.parse(completed.timestamp as string));
    // the access token got earlier served both scores (kept until it expires)
    expect((await platform.tokenRequests()) - tokensBefore).toBe(0);
    console.log(`score job (access token already held: one POST to the platform) took ${took.toFixed(0)} ms`);
  });

  it('retries when the platform answers 5xx, and drops a score the platform refuses for good (with an audit entry)', async () => {
    const lineitem = 'col-cai';
    const { cookie } = await learnerLaunched('cai', platform.lineitem(lineitem));
    await platform.scoreStatus(503);
    await post(cookie, 'complete');
    expect(await runScores()).toBe(1);
    expect(await scoreJobs()).toHaveLength(1);
    await platform.scoreStatus(404);
    t.clock.advance(1_500);
    expect(await runScores()).toBe(1);
    expect(await scoreJobs()).toEqual([]);
    expect(await scoresFor(lineitem)).toEqual([]);
    const audit = await t.db.get<{ detail: string }>(
      `SELECT detail FROM audit_log WHERE action = 'lti.score-refused' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit?.detail).toContain('refused the score (404)');
  });

  it('sends nothing for a link without a line item', async () => {
    const { cookie } = await learnerLaunched('dev', undefined);
    await post(cookie, 'complete');
    expect(await scoreJobs()).toEqual([]);
  });

  it("stops a removed platform's scores", async () => {
    const lineitem = 'col-eve';
    const { cookie } = await learnerLaunched('eve', platform.lineitem(lineitem));
    await post(cookie, 'complete');
    expect(await scoreJobs()).toHaveLength(1);
    const admin = await t.user('admin', 'remover@example.gov.uk');
    await t.services.lti.remove(
      { id: admin.id, email: admin.email, name: 'Admin', role: 'admin' },
      platformId,
    );
    expect(await runScores()).toBe(1);
    expect(await scoreJobs()).toEqual([]);
    expect(await scoresFor(lineitem)).toEqual([]);
    // registered again, the learner's next completion goes to the gradebook again
    platformId = await register();
  });
});
