// What the reminder job sends, read from the outbox: one assignment message per learner per scheduling action, due
// soon and overdue reminders grouped one per learner per day, caught up after a stop, never for completed modules,
// archived cohorts or people who turned them off; the trainers' weekly summary; the self-assessment follow-up.
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import { addDays, londonNow } from '../../src/shared/dates';

const DAY = 86_400_000;

interface Row {
  user_id: number;
  kind: string;
  subject: string;
  body_text: string;
}
const messages = (t: TestApp, kind?: string) =>
  t.db.all<Row>(
    `SELECT user_id, kind, subject, body_text FROM messages ${kind ? 'WHERE kind = ?' : ''} ORDER BY id`,
    kind ? [kind] : [],
  );
const run = (t: TestApp) => t.services.reminders.run(async () => undefined);

describe('reminders', () => {
  let t: TestApp;
  let trainer: string;
  let ann: { id: number; email: string };
  let bob: { id: number; email: string };
  let cohortId: number;
  const today = londonNow(Date.now()).day;
  // noon in London on a day, as milliseconds (the clock's time for a run "on" that day)
  const at = (day: string) => new Date(`${day}T12:00:00Z`).getTime();

  beforeAll(async () => {
    t = await makeTestApp({
      env: { REMINDER_DAYS_BEFORE: '3', TRAINER_DIGEST_DAY: 'off', PUBLIC_URL: 'https://l.example' },
    });
    t.clock.set(at(today));
    await t.user('trainer', 'trainer@example.org');
    trainer = await t.token('trainer@example.org');
    ann = await t.user('learner', 'ann@example.org', 'Ann\nBcc: x@evil.example');
    bob = await t.user('learner', 'bob@example.org', 'Bob');
    const api = (method: 'post', path: string, body: object) =>
      request(t.app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${trainer}`).send(body);
    cohortId = (await api('post', '/cohorts', { name: 'Spring "cohort" <A>' })).body.id;
    expect(
      (await api('post', `/cohorts/${cohortId}/members`, { emails: [ann.email, bob.email] })).status,
    ).toBe(201);
    await api('post', `/cohorts/${cohortId}/assignments`, {
      moduleId: 'area-listening',
      dueAt: addDays(today, 5),
    });
    await api('post', `/cohorts/${cohortId}/assignments`, {
      moduleId: 'area-measuring',
      dueAt: addDays(today, 9),
    });
  });
  afterAll(() => t.close());

  test('each assignment tells each learner once, with the module and its due date', async () => {
    const sent = await messages(t, 'assignment');
    expect(sent.map((m) => m.user_id).sort()).toEqual([ann.id, ann.id, bob.id, bob.id].sort());
    expect(sent[0].subject).toBe('New module to complete: Listening and customer insight');
    expect(sent[0].body_text).toContain('Your trainer assigned a module to you in Spring "cohort" <A>:');
    expect(sent[0].body_text).toContain('https://l.example/modules/area-listening');
  });

  test('nothing is due yet; three days before the due date each learner gets one reminder, once', async () => {
    expect(await run(t)).toMatchObject({ reminders: 0 });
    t.clock.set(at(addDays(today, 2)));
    expect(await run(t)).toMatchObject({ reminders: 2 });
    expect(await run(t)).toMatchObject({ reminders: 0 });
    const sent = await messages(t, 'reminder');
    expect(sent).toHaveLength(2);
    expect(sent[0].subject).toBe('A module is due soon');
    expect(sent[0].body_text).toMatch(
      /Due soon:\n\n\* Listening and customer insight, due \d+ \w+ \d{4}: https:\/\/l\.example\/modules\/area-listening/,
    );
    expect(sent[0].body_text).not.toContain('Measuring');
  });

  test('after days with the service stopped, what became due is sent in one message per learner; none for a completed module', async () => {
    const learner = await t.token(bob.email);
    trainer = await t.token('trainer@example.org');
    const done = await request(t.app)
      .post('/api/v1/me/modules/area-measuring/complete')
      .set('Authorization', `Bearer ${learner}`);
    expect(done.status).toBeLessThan(300);
    t.clock.set(at(addDays(today, 10))); // listening is 5 days late, measuring 1 day late (and due soon was missed)
    expect(await run(t)).toMatchObject({ reminders: 2 });
    const [annMsg, bobMsg] = (await messages(t, 'reminder'))
      .slice(2)
      .sort((a, b) => (a.user_id === ann.id ? -1 : b.user_id === ann.id ? 1 : 0));
    expect(annMsg.subject).toBe('A module is past its due date');
    expect(annMsg.body_text).toMatch(/Past their due date:\n\n\* Listening.*\n\* Measuring/);
    expect(bobMsg.body_text).toContain('Listening');
    expect(bobMsg.body_text).not.toContain('Measuring');
    t.clock.advance(DAY);
    expect(await run(t)).toMatchObject({ reminders: 0 });
  });

  test('a learner who turned reminders off gets none; an archived cohort sends none', async () => {
    await t.services.messages.setChoices(ann.id, ['assignment', 'digest', 'self_assessment']);
    trainer = await t.token('trainer@example.org'); // the clock has moved past the first token's life
    const api = (path: string, body: object) =>
      request(t.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${trainer}`).send(body);
    await t.db.run('UPDATE assignments SET due_on = ? WHERE module_id = ?', [
      addDays(londonNow(t.clock.now()).day, 1),
      'area-listening',
    ]);
    expect(await run(t)).toMatchObject({ reminders: 1 }); // bob only
    const made = await api('/cohorts', { name: 'Archived' });
    expect(made.body).toMatchObject({ id: expect.any(Number) });
    const other = made.body.id as number;
    await api(`/cohorts/${other}/members`, { emails: [bob.email] });
    await t.db.run('INSERT INTO assignments (cohort_id, module_id, due_on, created_at) VALUES (?, ?, ?, ?)', [
      other,
      'case-town-hall',
      addDays(londonNow(t.clock.now()).day, 2),
      new Date().toISOString(),
    ]);
    await t.db.run('UPDATE cohorts SET archived_at = ? WHERE id = ?', [new Date().toISOString(), other]);
    t.clock.advance(DAY);
    expect(await run(t)).toMatchObject({ reminders: 0 });
  });
});

describe('the weekly summary and the self-assessment follow-up', () => {
  test('a trainer gets one summary on their day from 07:00 London time; a learner is reminded of the second self-assessment', async () => {
    const t = await makeTestApp({
      env: { TRAINER_DIGEST_DAY: 'monday', SELF_ASSESSMENT_REPEAT_WEEKS: '12' },
    });
    try {
      const trainer = await t.user('trainer', 'tr@example.org', 'Trainer');
      const learner = await t.user('learner', 'le@example.org', 'Never Signed In');
      const token = await t.token(trainer.email);
      const cohort = (
        await request(t.app)
          .post('/api/v1/cohorts')
          .set('Authorization', `Bearer ${token}`)
          .send({ name: 'Cohort A' })
      ).body.id;
      await request(t.app)
        .post(`/api/v1/cohorts/${cohort}/members`)
        .set('Authorization', `Bearer ${token}`)
        .send({ emails: [learner.email] });
      await t.db.run(`UPDATE users SET last_active_at = NULL WHERE id = ?`, [learner.id]);
      // Monday 2 March 2026, 06:59 and 07:00 in London (GMT)
      t.clock.set(Date.UTC(2026, 2, 2, 6, 59));
      expect(await t.services.reminders.run(async () => undefined)).toMatchObject({ digests: 0 });
      t.clock.set(Date.UTC(2026, 2, 2, 7, 0));
      expect(await t.services.reminders.run(async () => undefined)).toMatchObject({ digests: 1 });
      expect(await t.services.reminders.run(async () => undefined)).toMatchObject({ digests: 0 });
      const [digest] = await messages(t, 'digest');
      expect(digest.subject).toBe('Your cohorts this week');
      expect(digest.body_text).toContain('Not signed in yet: Never Signed In');

      await t.db.run(
        `INSERT INTO submissions (user_id, module_id, data, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)`,
        [learner.id, 'activity-self-assessment', '2025-11-01T10:00:00.000Z', '2025-11-01T10:00:00.000Z'],
      );
      expect(await t.services.reminders.run(async () => undefined)).toMatchObject({ followUps: 1 });
      expect(await t.services.reminders.run(async () => undefined)).toMatchObject({ followUps: 0 });
      expect((await messages(t, 'self_assessment'))[0].body_text).toContain(
        '/modules/activity-self-assessment',
      );
    } finally {
      await t.close();
    }
  });
});
