import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

/**
 * Issue 27 item 5: rules that depend on the time read the injected clock, so a test moves it instead of waiting or
 * rewriting timestamps: the 24-hour undo window, and "overdue" counted in London days across midnight in summer time.
 */

let t: TestApp;
const HOUR = 3_600_000;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
  await t.user('trainer', 'tess@example.org', 'Tess Trainer');
  await t.user('learner', 'ann@example.org', 'Ann Able');
});
afterAll(() => t.close());

/** A cohort of Tess's with Ann in it; tokens are asked for at the clock's time (they expire by it). */
async function cohortWithAnn(name: string): Promise<{ id: number; token: string }> {
  const token = await t.token('tess@example.org');
  const id = (await request(t.app).post('/api/v1/cohorts').set(auth(token)).send({ name })).body.id as number;
  const enrol = await request(t.app)
    .post(`/api/v1/cohorts/${id}/members`)
    .set(auth(token))
    .send({ emails: ['ann@example.org'] });
  expect(enrol.status).toBe(201);
  return { id, token };
}

describe('the undo window', () => {
  /** Removes Ann through the API and answers the removal's id. */
  async function removeAnn(cohortId: number, token: string): Promise<number> {
    const ann = await t.db.get<{ id: number }>('SELECT id FROM users WHERE email = ?', ['ann@example.org']);
    const res = await request(t.app)
      .delete(`/api/v1/cohorts/${cohortId}/members/${ann!.id}`)
      .set(auth(token));
    expect(res.status).toBe(204);
    const row = await t.db.get<{ id: number }>(
      'SELECT MAX(id) AS id FROM cohort_removals WHERE cohort_id = ?',
      [cohortId],
    );
    return row!.id;
  }

  /** Signs in afresh (a session left idle while the clock moved a day has ended) and presses Undo. */
  async function undo(cohortId: number, removalId: number) {
    const { agent, csrf } = await t.signIn('tess@example.org');
    const manage = await agent.get(`/cohorts/${cohortId}/manage`);
    const res = await agent
      .post(`/cohorts/${cohortId}/removals/${removalId}/undo`)
      .type('form')
      .send({ _csrf: csrf });
    return { listed: manage.text.includes('Ann Able (learner), removed'), res, agent };
  }

  it('puts a learner back 23 hours 59 minutes after the removal', async () => {
    const { id, token } = await cohortWithAnn('Undo in time');
    const removal = await removeAnn(id, token);
    t.clock.advance(24 * HOUR - 60_000);
    const { listed, res, agent } = await undo(id, removal);
    expect(listed).toBe(true);
    expect(res.status).toBe(303);
    const page = await agent.get(res.headers.location);
    expect(page.text).toContain('Ann Able is back in the cohort');
    const members = await request(t.app)
      .get(`/api/v1/cohorts/${id}`)
      .set(auth(await t.token('tess@example.org')));
    expect(members.body.members.map((m: { name: string }) => m.name)).toEqual(['Ann Able']);
  });

  it('refuses once 24 hours have passed, and no longer lists the removal', async () => {
    const { id, token } = await cohortWithAnn('Undo too late');
    const removal = await removeAnn(id, token);
    t.clock.advance(24 * HOUR + 60_000);
    const { listed, res } = await undo(id, removal);
    expect(listed).toBe(false);
    expect(res.status).toBe(404);
    expect(res.text).toContain('That removal can no longer be undone');
    const members = await request(t.app)
      .get(`/api/v1/cohorts/${id}`)
      .set(auth(await t.token('tess@example.org')));
    expect(members.body.members).toEqual([]);
  });
});

describe('overdue across midnight in British Summer Time', () => {
  // 10 June 2026 ends in London at 23:00 UTC (BST is UTC+1): at 22:30 UTC it is still the due day there, at 23:30 UTC
  // it is 11 June, though still 10 June in UTC.
  const DUE = '2026-06-10';
  let cohortId: number;

  beforeAll(async () => {
    t.clock.set(Date.parse('2026-06-01T12:00:00Z'));
    const cohort = await cohortWithAnn('Summer');
    cohortId = cohort.id;
    const res = await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/assignments`)
      .set(auth(cohort.token))
      .send({ moduleId: 'case-town-hall', dueAt: DUE });
    expect(res.status).toBe(201);
  });

  /** What the learner, the API's matrix and the matrix page say of the assignment at the clock's time. */
  async function seenAt(instant: string) {
    t.clock.set(Date.parse(instant));
    const learner = await request(t.app)
      .get('/api/v1/me/assignments')
      .set(auth(await t.token('ann@example.org')));
    const token = await t.token('tess@example.org');
    const progress = await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(token));
    const page = await request(t.app).get(`/cohorts/${cohortId}`).set(auth(token)).set('Accept', 'text/html');
    expect([learner.status, progress.status, page.status]).toEqual([200, 200, 200]);
    return {
      learner: learner.body.assignments.map((a: { status: string }) => a.status),
      matrix: progress.body.learners.map(
        (l: { modules: Record<string, string> }) => l.modules['case-town-hall'],
      ),
      heading: /pw-matrix__due[^>]*>([^<]*)</.exec(page.text)?.[1],
    };
  }

  it('is not overdue at 23:30 in London on the due day (22:30 UTC)', async () => {
    expect(await seenAt('2026-06-10T22:30:00Z')).toEqual({
      learner: ['not_started'],
      matrix: ['not_started'],
      heading: 'Due 10 Jun 2026',
    });
  });

  it('is overdue at 00:30 in London the next day, while UTC still says 10 June (23:30 UTC)', async () => {
    expect(await seenAt('2026-06-10T23:30:00Z')).toEqual({
      learner: ['overdue'],
      matrix: ['overdue'],
      heading: 'Was due 10 Jun 2026',
    });
  });
});
