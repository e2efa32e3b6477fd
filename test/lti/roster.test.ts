import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import {
  DEPLOYMENT_ID,
  LTI_CLIENT_ID,
  PlatformBrowser,
  ROLE,
  launchClaims,
  launchOnce,
  startTestPlatform,
  type TestPlatform,
} from '../helpers/lti';

/**
 * Names and Role Provisioning Services 2.0 against a real OpenID Provider acting as the platform: Packway's token for
 * the roster comes from the provider's client_credentials grant (a client assertion checked against Packway's
 * /lti/jwks), and the platform's membership endpoint serves the course's members in pages linked by rel="next".
 */

const PUBLIC_URL = 'http://packway.test';

let platform: TestPlatform;
let t: TestApp;
let server: http.Server;
let adminToken: string;
let hints = 0;

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL } });
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  platform = await startTestPlatform({
    redirectUris: [`${PUBLIC_URL}/lti/launch`],
    toolJwksUri: `http://127.0.0.1:${port}/lti/jwks`,
  });
  const admin = await t.user('admin', 'lti-admin@example.gov.uk');
  await t.services.lti.register(
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
  adminToken = await t.token(admin.email);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
  await platform.stop();
});
afterEach(() => platform.nrpsDown(false));

const email = (login: string) => `${login}@council.example.gov.uk`;
const member = (login: string, role = ROLE.learner, extra: Record<string, unknown> = {}) => ({
  user_id: login,
  status: 'Active',
  name: `Person ${login}`,
  email: email(login),
  roles: [role],
  ...extra,
});

/** Someone launched into a course (so the course's cohort exists, with its roster address): their session cookie. */
async function launched(login: string, course: string, role = ROLE.learner) {
  await platform.setAccounts({ [login]: { claims: { email: email(login), name: `Person ${login}` } } });
  const browser = new PlatformBrowser(platform);
  await browser.signIn(login);
  const res = await launchOnce(
    t.app,
    platform,
    browser,
    login,
    launchClaims({
      contextId: course,
      contextTitle: `Course ${course}`,
      roles: [role],
      membershipsUrl: platform.memberships(course),
    }),
    `roster-${++hints}`,
  );
  expect(res.status).toBe(303);
  return res.cookie!;
}

const cohortOf = async (course: string) =>
  Number(
    (await t.db.get<{ cohort_id: number }>('SELECT cohort_id FROM lti_contexts WHERE context_id = ?', [
      course,
    ]))!.cohort_id,
  );
const learnersOf = async (cohortId: number) =>
  (
    await t.db.all<{ email: string }>(
      `SELECT u.email FROM cohort_members m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = ? ORDER BY u.email`,
      [cohortId],
    )
  ).map((r) => r.email);
const auditOf = async (cohortId: number, since: number) =>
  (
    await t.db.all<{ action: string; detail: string }>(
      `SELECT action, detail FROM audit_log WHERE target = ? AND id > ? ORDER BY id`,
      [`cohort:${cohortId}`, since],
    )
  ).map((a) => `${a.action} ${a.detail}`);
const lastAuditId = async () =>
  Number((await t.db.get<{ id: number }>('SELECT MAX(id) AS id FROM audit_log'))!.id);
const syncByApi = (cohortId: number) =>
  request(t.app).post(`/api/v1/cohorts/${cohortId}/lti-sync`).set('Authorization', `Bearer ${adminToken}`);

describe('members synced from the LMS', () => {
  it("a trainer's button brings the cohort in step with the course; learners who leave are marked as left", async () => {
    const trainerCookie = await launched('tess', 'course-r', ROLE.instructor);
    await launched('lia', 'course-r');
    const cohortId = await cohortOf('course-r');
    await platform.setRoster('course-r', {
      pageSize: 2,
      members: [
        member('tess', ROLE.instructor),
        member('lia'),
        member('noor'),
        member('ravi', ROLE.teachingAssistant),
        member('nomail', ROLE.learner, { email: undefined }),
        member('gone', ROLE.learner, { status: 'Inactive' }),
      ],
    });

    const manage = await request(t.app).get(`/cohorts/${cohortId}/manage`).set('Cookie', trainerCookie);
    expect(manage.status).toBe(200);
    expect(manage.text).toContain('Sync members from the LMS');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(manage.text)![1];
    const before = await lastAuditId();
    const pagesBefore = await platform.nrpsPages();
    const sync = await request(t.app)
      .post(`/cohorts/${cohortId}/lti-sync`)
      .set('Cookie', trainerCookie)
      .type('form')
      .send({ _csrf: csrf });
    expect(sync.status).toBe(303);
    expect(sync.headers.location).toBe(`/cohorts/${cohortId}/manage`);
    const after = await request(t.app).get(sync.headers.location).set('Cookie', trainerCookie);
    expect(after.text).toContain('Members synced from the LMS: 1 learner joined, 1 trainer added.');
    expect(after.text).toContain('1 person on the course could not be added');
    expect((await platform.nrpsPages()) - pagesBefore).toBe(3);

    expect(await learnersOf(cohortId)).toEqual([email('lia'), email('noor')]);
    const trainers = await t.db.all<{ email: string }>(
      `SELECT u.email FROM cohort_trainers c JOIN users u ON u.id = c.user_id WHERE c.cohort_id = ? ORDER BY u.email`,
      [cohortId],
    );
    expect(trainers.map((r) => r.email)).toEqual([email('ravi'), email('tess')]);
    expect(await auditOf(cohortId, before)).toEqual([
      `cohort.enrol ${email('noor')} (LMS roster)`,
      `cohort.add_trainer ${email('ravi')} (LMS roster)`,
      'lti.roster-synced Test Moodle: 6 listed, 2 accounts made, 1 enrolled, 1 trainers added, 0 left, 1 not taken in',
    ]);
    // the people the roster made sign in by launches: no password, linked to the platform by their subject
    const noor = await t.db.get<{ role: string; password_hash: string | null; subject: string }>(
      `SELECT u.role, u.password_hash, i.subject FROM users u JOIN lti_identities i ON i.user_id = u.id
        WHERE u.email_norm = ?`,
      [email('noor')],
    );
    expect(noor).toEqual({ role: 'learner', password_hash: null, subject: 'noor' });

    // lia leaves the course: she leaves the cohort, her account and records stay, and when she left is noted
    await platform.setRoster('course-r', { members: [member('tess', ROLE.instructor), member('noor')] });
    const mark = await lastAuditId();
    const left = await syncByApi(cohortId);
    expect(left.status).toBe(200);
    expect(left.body).toEqual({
      cohortId,
      listed: 2,
      created: 0,
      enrolled: 0,
      trainersAdded: 0,
      left: 1,
      skipped: 0,
    });
    expect(await learnersOf(cohortId)).toEqual([email('noor')]);
    const lia = (await t.db.get<{ id: number }>('SELECT id FROM users WHERE email_norm = ?', [
      email('lia'),
    ]))!;
    const leftRow = await t.db.get<{ added_at: string; left_at: string }>(
      'SELECT added_at, left_at FROM lti_left_members WHERE cohort_id = ? AND user_id = ?',
      [cohortId, lia.id],
    );
    expect(leftRow?.left_at).toEqual(expect.any(String));
    expect(await auditOf(cohortId, mark)).toEqual([
      `cohort.lms-left ${email('lia')} left the LMS course`,
      'lti.roster-synced Test Moodle: 2 listed, 0 accounts made, 0 enrolled, 0 trainers added, 1 left, 0 not taken in',
    ]);

    // back on the course, she is a member again since the day she first joined
    await platform.setRoster('course-r', {
      members: [member('tess', ROLE.instructor), member('noor'), member('lia')],
    });
    expect((await syncByApi(cohortId)).body).toMatchObject({ enrolled: 1, left: 0 });
    const back = await t.db.get<{ added_at: string }>(
      'SELECT added_at FROM cohort_members WHERE cohort_id = ? AND user_id = ?',
      [cohortId, lia.id],
    );
    expect(back?.added_at).toBe(leftRow!.added_at);
    expect(await t.db.get('SELECT 1 FROM lti_left_members WHERE user_id = ?', [lia.id])).toBeUndefined();
  });

  it('refuses with 503 and changes nothing while the platform is down; 409 for a cohort not from an LMS', async () => {
    await launched('uma', 'course-down');
    const cohortId = await cohortOf('course-down');
    await platform.setRoster('course-down', { members: [] });
    await platform.nrpsDown(true);
    const res = await syncByApi(cohortId);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(await learnersOf(cohortId)).toEqual([email('uma')]);

    // the daily job, once the platform is back: every course with a roster follows it
    await platform.nrpsDown(false);
    await platform.setRoster('course-down', { members: [member('uma'), member('vic')] });
    await t.db.run(`DELETE FROM jobs WHERE kind = 'lti.roster-sync'`);
    await t.services.jobs.enqueue('lti.roster-sync', {});
    expect(await t.services.jobs.runDue(['lti.roster-sync'])).toBe(1);
    expect(await learnersOf(cohortId)).toEqual([email('uma'), email('vic')]);

    const plain = await request(t.app)
      .post('/api/v1/cohorts')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ name: 'Not from an LMS' });
    expect(plain.status).toBe(201);
    const refused = await syncByApi(plain.body.id as number);
    expect(refused.status).toBe(409);
  });

  it('takes in a course of 10,000 members a page at a time', async () => {
    await launched('big-trainer', 'course-big', ROLE.instructor);
    const cohortId = await cohortOf('course-big');
    await platform.setRoster('course-big', { generate: 10_000, pageSize: 500 });
    const pagesBefore = await platform.nrpsPages();
    const started = performance.now();
    const res = await syncByApi(cohortId);
    const took = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ listed: 10_000, created: 10_000, enrolled: 10_000, left: 0 });
    expect((await platform.nrpsPages()) - pagesBefore).toBe(20);
    expect(
      await t.db.get('SELECT COUNT(*) AS n FROM cohort_members WHERE cohort_id = ?', [cohortId]),
    ).toEqual({
      n: 10_000,
    });
    // a second sync finds everyone in place and changes nothing
    const againStarted = performance.now();
    const again = await syncByApi(cohortId);
    const againTook = performance.now() - againStarted;
    expect(again.body).toMatchObject({ listed: 10_000, created: 0, enrolled: 0, left: 0 });
    console.log(
      `NRPS sync of 10,000 members in 20 pages: ${took.toFixed(0)} ms; ` +
        `again, nothing to change: ${againTook.toFixed(0)} ms`,
    );
  }, 240_000);
});
