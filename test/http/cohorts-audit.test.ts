import request from 'supertest';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

/** Issue 27 item 6: every change to a cohort is audited the same way, adding a trainer and assigning included. */

let t: TestApp;
let token: string;
let cohortId: number;
const auth = () => ({ Authorization: `Bearer ${token}` });

/** The cohort's audit entries since the one with id `after`, oldest first. */
const entriesAfter = (after: number) =>
  t.db.all<{ id: number; actor_email: string; action: string; target: string; detail: string }>(
    'SELECT id, actor_email, action, target, detail FROM audit_log WHERE target = ? AND id > ? ORDER BY id',
    [`cohort:${cohortId}`, after],
  );
const lastId = async () =>
  (await t.db.get<{ id: number | null }>('SELECT MAX(id) AS id FROM audit_log', []))?.id ?? 0;

beforeAll(async () => {
  t = await makeTestApp();
  token = await t.token((await t.user('trainer', 'tess@example.org', 'Tess Trainer')).email);
  await t.user('trainer', 'cleo@example.org', 'Cleo Cotrainer');
  const res = await request(t.app).post('/api/v1/cohorts').set(auth()).send({ name: 'Audited' });
  cohortId = res.body.id;
});
afterAll(() => t.close());

it('audits adding a trainer, with who was added', async () => {
  const before = await lastId();
  const cleo = await t.db.get<{ id: number }>('SELECT id FROM users WHERE email = ?', ['cleo@example.org']);
  const { agent, csrf } = await t.signIn('tess@example.org');
  const res = await agent
    .post(`/cohorts/${cohortId}/trainers`)
    .type('form')
    .send({ _csrf: csrf, trainerEmail: 'cleo@example.org' });
  expect(res.status).toBe(303);
  expect(await entriesAfter(before)).toEqual([
    expect.objectContaining({
      actor_email: 'tess@example.org',
      action: 'cohort.add_trainer',
      detail: `user:${cleo!.id}`,
    }),
  ]);
});

it('audits assigning one module (API and page) as assigning several does, and changing a due date', async () => {
  const before = await lastId();
  const api = await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/assignments`)
    .set(auth())
    .send({ moduleId: 'case-town-hall', dueAt: inDays(7) });
  expect(api.status).toBe(201);
  const moved = await request(t.app)
    .put(`/api/v1/cohorts/${cohortId}/assignments/${api.body.id}`)
    .set(auth())
    .send({ dueAt: inDays(9) });
  expect(moved.status).toBe(200);
  const { agent, csrf } = await t.signIn('tess@example.org');
  const [y, m, d] = inDays(3).split('-');
  const page = await agent
    .post(`/cohorts/${cohortId}/assignments`)
    .type('form')
    .send({ _csrf: csrf, moduleId: 'area-listening', 'dueAt-day': d, 'dueAt-month': m, 'dueAt-year': y });
  expect(page.status).toBe(303);
  expect((await entriesAfter(before)).map((e) => [e.action, e.detail])).toEqual([
    ['cohort.assign', `case-town-hall@${inDays(7)}`],
    ['cohort.change_due_date', `case-town-hall@${inDays(9)}`],
    ['cohort.assign', `area-listening@${inDays(3)}`],
  ]);
});

it('writes no entry when a change is refused', async () => {
  const before = await lastId();
  const res = await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/assignments`)
    .set(auth())
    .send({ moduleId: 'nope', dueAt: inDays(7) });
  expect(res.status).toBe(422);
  const { agent, csrf } = await t.signIn('tess@example.org');
  await agent
    .post(`/cohorts/${cohortId}/trainers`)
    .type('form')
    .send({ _csrf: csrf, trainerEmail: 'nobody@example.org' });
  expect(await entriesAfter(before)).toEqual([]);
});
