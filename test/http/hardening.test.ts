import request from 'supertest';
import { inDays, makeTestApp, PASSWORD, type TestApp } from '../helpers/app';

/** Each of these answered 500, redirected off-site, leaked or locked out the wrong people before it was fixed. */

let t: TestApp;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('redirects stay on this site', () => {
  it.each([
    '//2130706433',
    '//intranet-host/x',
    '/\\evil.example',
    '//%09evil.example',
    'https://evil.example/',
    '/\t/evil.example',
  ])('returnTo %j falls back to a local page', async (returnTo) => {
    const learner = await t.user('learner');
    const { agent, csrf } = await t.signIn(learner.email);
    const outcome = await agent
      .post('/outcomes/LI1')
      .type('form')
      .send({ _csrf: csrf, status: 'in_progress', evidence: '', returnTo });
    expect(outcome.status).toBe(303);
    expect(outcome.headers.location).toMatch(/^\/progress\?/);
    const action = await agent.post('/actions/1').type('form').send({ _csrf: csrf, done: '1', returnTo });
    expect(String(action.headers.location ?? '')).not.toMatch(/^\/\/|^https?:|\\/);
  });
});

describe('impossible dates', () => {
  it('answers 422 naming the field for a raid visit date or an action due date of 2031-13-01', async () => {
    const learner = await t.user('learner');
    const token = await t.token(learner.email);
    const visit = await request(t.app)
      .post('/api/v1/me/forms/raid-plan')
      .set(bearer(token))
      .send({ values: { details: { host: 'Town hall', 'visit-date': '2031-13-01' } } });
    expect(visit.status).toBe(422);
    expect(visit.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'details.visit-date' })]),
    );
    const due = await request(t.app)
      .post('/api/v1/me/forms/activity-self-assessment')
      .set(bearer(token))
      .send({ values: { listening: { rating: 3, actions: [{ text: 'Do it', due: '2031-02-30' }] } } });
    expect(due.status).toBe(422);
    expect(due.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^listening\.actions/)]),
    );
  });
});

describe('flash messages', () => {
  it('come from the server only: a notice in the address bar is never shown', async () => {
    const trainer = await t.user('trainer');
    const { agent, csrf } = await t.signIn(trainer.email);
    const created = await agent.post('/cohorts').type('form').send({ _csrf: csrf, name: 'Flash cohort' });
    const manage = created.headers.location as string;
    const forged = await agent.get(
      `${manage}?notice=${encodeURIComponent('Your cohort will be deleted, call 0800 000 000')}`,
    );
    expect(forged.text).not.toContain('0800 000 000');
    const learner = await t.user('learner');
    const enrolled = await agent
      .post(manage.replace('/manage', '/members'))
      .type('form')
      .send({ _csrf: csrf, emails: learner.email });
    expect(enrolled.headers.location).toBe(manage);
    const shown = await agent.get(manage);
    expect(shown.text).toContain('1 enrolled');
    expect((await agent.get(manage)).text).not.toContain('1 enrolled'); // once only
  });
});

describe('uploads on pages', () => {
  it('take the CSRF token from the form body, never the address bar, and redirect after success', async () => {
    const admin = await t.user('admin');
    const { agent, csrf } = await t.signIn(admin.email);
    const csv = Buffer.from('email,name,role\nupload-one@example.org,One,learner\n');
    const inQuery = await agent
      .post(`/users/import?_csrf=${encodeURIComponent(csrf)}`)
      .attach('file', csv, 'people.csv');
    expect(inQuery.status).toBe(403);
    const inBody = await agent.post('/users/import').field('_csrf', csrf).attach('file', csv, 'people.csv');
    expect(inBody.status).toBe(303);
    expect(inBody.headers.location).toBe('/users');
    expect((await agent.get('/users')).text).toContain('1 person imported');
    const form = await agent.get('/users');
    expect(form.text).not.toMatch(/action="[^"]*_csrf=/);
  });

  it('answers 413 for a members CSV over the limit, not 500', async () => {
    const trainer = await t.user('trainer');
    const token = await t.token(trainer.email);
    const cohort = (await request(t.app).post('/api/v1/cohorts').set(bearer(token)).send({ name: 'Big CSV' }))
      .body.id as number;
    const { agent, csrf } = await t.signIn(trainer.email);
    const big = Buffer.from(`email\n${'someone@example.org\n'.repeat(32 * 1024)}`);
    const res = await agent
      .post(`/cohorts/${cohort}/members`)
      .set('Accept', 'text/html')
      .field('_csrf', csrf)
      .attach('file', big, 'members.csv');
    expect(res.status).toBe(413);
    expect(res.text).toContain('govuk-template');
  });
});

describe('a trainer reads only the work done in their own cohort', () => {
  it('does not see answers written before the learner joined, and enrolment errors do not reveal roles', async () => {
    const learner = await t.user('learner');
    const other = await t.user('trainer');
    const learnerToken = await t.token(learner.email);
    const otherToken = await t.token(other.email);
    const earlier = (
      await request(t.app).post('/api/v1/cohorts').set(bearer(otherToken)).send({ name: 'Earlier' })
    ).body.id as number;
    await request(t.app)
      .post(`/api/v1/cohorts/${earlier}/members`)
      .set(bearer(otherToken))
      .send({ userIds: [learner.id] });
    await request(t.app)
      .put('/api/v1/me/responses/case-town-hall/li-1')
      .set(bearer(learnerToken))
      .send({ text: 'written for the earlier cohort' });
    await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(bearer(learnerToken))
      .send({ status: 'achieved', evidence: 'earlier evidence' });

    const trainer = await t.user('trainer');
    const token = await t.token(trainer.email);
    const mine = (await request(t.app).post('/api/v1/cohorts').set(bearer(token)).send({ name: 'Mine' })).body
      .id as number;
    const probe = await request(t.app)
      .post(`/api/v1/cohorts/${mine}/members`)
      .set(bearer(token))
      .send({ userIds: [other.id, learner.id] });
    expect(probe.status).toBe(422);
    expect(probe.body.error.details).toEqual([
      { field: 'userIds.0', message: `${other.id}: not a learner you can enrol` },
    ]);
    expect(JSON.stringify(probe.body)).not.toContain('trainer');
    await request(t.app)
      .post(`/api/v1/cohorts/${mine}/members`)
      .set(bearer(token))
      .send({ userIds: [learner.id] });
    const before = await request(t.app)
      .get(`/api/v1/cohorts/${mine}/learners/${learner.id}`)
      .set(bearer(token));
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.body)).not.toContain('written for the earlier cohort');
    expect(JSON.stringify(before.body)).not.toContain('earlier evidence');

    await new Promise((r) => setTimeout(r, 5));
    await request(t.app)
      .put('/api/v1/me/responses/case-town-hall/li-1')
      .set(bearer(learnerToken))
      .send({ text: 'written for my cohort' });
    const after = await request(t.app)
      .get(`/api/v1/cohorts/${mine}/learners/${learner.id}`)
      .set(bearer(token));
    expect(JSON.stringify(after.body)).toContain('written for my cohort');
    const page = await (await t.signIn(trainer.email)).agent.get(`/cohorts/${mine}/learners/${learner.id}`);
    expect(page.text).not.toContain('earlier evidence');
  });
});

describe('sign-in throttling', () => {
  const attempt = (email: string, password: string, ip: string) =>
    request(t.app).post('/api/v1/auth/token').set('X-Forwarded-For', ip).send({ email, password });
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await makeTestApp({ env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => proxied.close());
  const tryAs = (email: string, password: string, ip: string) =>
    request(proxied.app).post('/api/v1/auth/token').set('X-Forwarded-For', ip).send({ email, password });

  it('slows the address that made the failures, even with the right password, but not the owner elsewhere', async () => {
    const u = await proxied.user('learner');
    for (let i = 0; i < 5; i++)
      expect((await tryAs(u.email, 'wrong-password-x', '198.51.100.7')).status).toBe(401);
    expect((await tryAs(u.email, PASSWORD, '198.51.100.7')).status).toBe(429);
    expect((await tryAs(u.email, PASSWORD, '203.0.113.9')).status).toBe(201);
  });

  it("never locks colleagues behind the same office address out because of one person's typos", async () => {
    const typist = await proxied.user('learner');
    const colleague = await proxied.user('learner');
    for (let i = 0; i < 30; i++) await tryAs(typist.email, `typo-${i}-password`, '192.0.2.50');
    expect((await tryAs(colleague.email, PASSWORD, '192.0.2.50')).status).toBe(201);
  });

  it('locks an account guessed from many addresses, and blocks an address spraying many accounts except for people known there', async () => {
    const target = await proxied.user('learner');
    for (let i = 0; i < 20; i++) await tryAs(target.email, `guess-${i}-password`, `198.18.0.${i % 6}`);
    expect((await tryAs(target.email, PASSWORD, '203.0.113.77')).status).toBe(429);

    const regular = await proxied.user('learner');
    expect((await tryAs(regular.email, PASSWORD, '198.19.5.5')).status).toBe(201); // has signed in from here before
    const newcomer = await proxied.user('learner');
    for (let i = 0; i < 10; i++) await tryAs(`sprayed-${i}@example.org`, 'Summer2026!!', '198.19.5.5');
    expect((await tryAs(newcomer.email, PASSWORD, '198.19.5.5')).status).toBe(429);
    expect((await tryAs(regular.email, PASSWORD, '198.19.5.5')).status).toBe(201);
  });

  it('keeps the plain attempt helper honest', async () => {
    expect((await attempt('nobody@example.org', 'x', '10.0.0.1')).status).toBe(401);
  });
});

describe('bearer tokens on page forms', () => {
  it('answer a clean 400 where the action needs a browser session', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const md = (await import('node:fs'))
      .readFileSync(`${__dirname}/../fixtures/pack-basic/06-case-studies/01-town-hall.md`, 'utf8')
      .replace('front desk.', 'front desk, here.');
    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(bearer(token))
      .field('name', 'Bearer test')
      .attach('file', Buffer.from(md), '01-town-hall.md');
    const res = await request(t.app)
      .post(`/variants/versions/${up.body.draftId}/preview`)
      .set(bearer(token))
      .set('Accept', 'text/html');
    expect(res.status).toBe(400);
    expect(res.text).toContain('govuk-template');
    expect(inDays(0)).toMatch(/^\d{4}-/);
  });
});
