import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import type { Statement } from '../../src/xapi/statements';

let t: TestApp;
let cohortId: number;
let otherCohortId: number;
let trainer: string;
let admin: string;
let ann: { id: number; token: string };
let bob: { id: number; token: string };
let outsider: { id: number; token: string };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
  trainer = await t.token((await t.user('trainer')).email);
  admin = await t.token((await t.user('admin')).email);
  const mk = async (name: string) => {
    const u = await t.user('learner', `${name}@example.org`, name);
    return { id: u.id, token: await t.token(u.email) };
  };
  ann = await mk('ann');
  bob = await mk('bob');
  outsider = await mk('zed');
  cohortId = (await request(t.app).post('/api/v1/cohorts').set(auth(trainer)).send({ name: 'Group A' })).body
    .id;
  otherCohortId = (await request(t.app).post('/api/v1/cohorts').set(auth(trainer)).send({ name: 'Group B' }))
    .body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(trainer))
    .send({ userIds: [ann.id, bob.id] });
  await request(t.app)
    .post(`/api/v1/cohorts/${otherCohortId}/members`)
    .set(auth(trainer))
    .send({ userIds: [outsider.id] });
});
afterAll(() => t.close());

describe('case-study responses', () => {
  it('saves and updates an answer, with its time, and escapes it when shown', async () => {
    const put = (text: string, shared?: boolean) =>
      request(t.app)
        .put('/api/v1/me/responses/case-town-hall/li-1')
        .set(auth(ann.token))
        .send({ text, shared });
    const first = await put('They read <script>alert(1)</script> complaints');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      moduleId: 'case-town-hall',
      promptId: 'li-1',
      shared: false,
      updatedAt: expect.any(String),
    });
    const second = await put('They read complaints every week', true);
    expect(second.body.text).toBe('They read complaints every week');
    expect(await t.db.get('SELECT COUNT(*) AS n FROM responses WHERE user_id = ?', [ann.id])).toEqual({
      n: 1,
    });
    const page = await request(t.app)
      .get('/modules/case-town-hall')
      .set(auth(ann.token))
      .set('Accept', 'text/html');
    expect(page.text).toContain('They read complaints every week');
    expect(page.text).toContain('data-autosave-url="/api/v1/me/responses/case-town-hall/li-1"');
    await put('<script>alert(1)</script>', true);
    const again = await request(t.app).get('/modules/case-town-hall').set(auth(ann.token));
    expect(again.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(again.text).not.toContain('<script>alert(1)</script>');
    await put('They read complaints every week', true);
  });

  it('refuses unknown prompts, too-long text and non-learners', async () => {
    expect(
      (
        await request(t.app)
          .put('/api/v1/me/responses/case-town-hall/zz-9')
          .set(auth(ann.token))
          .send({ text: 'x' })
      ).status,
    ).toBe(404);
    const long = await request(t.app)
      .put('/api/v1/me/responses/case-town-hall/li-1')
      .set(auth(ann.token))
      .send({ text: 'x'.repeat(10_001) });
    expect(long.status).toBe(422);
    expect(long.body.error.details[0].message).toMatch(/10,000 characters/);
    expect(
      (
        await request(t.app)
          .put('/api/v1/me/responses/case-town-hall/li-1')
          .set(auth(trainer))
          .send({ text: 'x' })
      ).status,
    ).toBe(403);
  });

  it('saves from the page form without JavaScript', async () => {
    const { agent, csrf } = await t.signIn('bob@example.org');
    const res = await agent
      .post('/modules/case-town-hall/responses')
      .type('form')
      .send({ _csrf: csrf, 'answer:li-1': 'Bob answer', 'answer:me-1': 'Bob measure', 'share:me-1': '1' });
    expect(res.status).toBe(303);
    const rows = await t.db.all(
      'SELECT prompt_id, text, shared FROM responses WHERE user_id = ? ORDER BY prompt_id',
      [bob.id],
    );
    expect(rows).toEqual([
      { prompt_id: 'li-1', text: 'Bob answer', shared: 0 },
      { prompt_id: 'me-1', text: 'Bob measure', shared: 1 },
    ]);
  });

  it('lets only the learner, their cohort’s trainers and admins read answers; shared ones reach the cohort only', async () => {
    const record = await request(t.app)
      .get(`/api/v1/cohorts/${cohortId}/learners/${ann.id}`)
      .set(auth(trainer));
    expect(record.status).toBe(200);
    expect(record.body.answers[0]).toMatchObject({
      promptId: 'li-1',
      text: 'They read complaints every week',
    });
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${cohortId}/learners/${ann.id}`).set(auth(admin))).status,
    ).toBe(200);
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${cohortId}/learners/${ann.id}`).set(auth(bob.token)))
        .status,
    ).toBe(403);
    const otherTrainer = await t.token((await t.user('trainer')).email);
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${cohortId}/learners/${ann.id}`).set(auth(otherTrainer)))
        .status,
    ).toBe(404);
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${otherCohortId}/learners/${ann.id}`).set(auth(trainer)))
        .status,
    ).toBe(404);

    const shared = await request(t.app)
      .get(`/cohorts/${cohortId}/shared?module=case-town-hall`)
      .set(auth(bob.token));
    expect(shared.status).toBe(200);
    expect(shared.text).toContain('They read complaints every week');
    expect(shared.text).toContain('Bob measure');
    expect(shared.text).not.toContain('Bob answer');
    expect(
      (
        await request(t.app)
          .get(`/cohorts/${cohortId}/shared?module=case-town-hall`)
          .set(auth(outsider.token))
      ).status,
    ).toBe(403);
    expect(
      (await request(t.app).get(`/cohorts/${cohortId}/shared?module=case-town-hall`).set(auth(trainer)))
        .status,
    ).toBe(200);
  });
});

describe('organisational raids', () => {
  it('round-trips a plan and a report, listed on progress and for the trainer per area', async () => {
    const plan = await request(t.app)
      .post('/api/v1/me/forms/raid-plan')
      .set(auth(ann.token))
      .send({
        values: {
          details: {
            host: 'Northshire NHS Trust',
            'visit-date': '2026-03-01',
            purpose: 'See their patient panel',
          },
          listening: { questions: ['How do you hear from customers?'] },
        },
      });
    expect(plan.status).toBe(201);
    const badPlan = await request(t.app)
      .post('/api/v1/me/forms/raid-plan')
      .set(auth(ann.token))
      .send({
        values: { details: { host: '', 'visit-date': '2027-02-31' }, listening: { questions: ['Made up?'] } },
      });
    expect(badPlan.status).toBe(422);
    expect(badPlan.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'details.host',
      'details.visit-date',
      'details.purpose',
      'listening.questions',
    ]);
    const { agent, csrf } = await t.signIn('ann@example.org');
    const report = await agent
      .post('/modules/raid-report/submissions')
      .type('form')
      .send({
        _csrf: csrf,
        linkedId: String(plan.body.id),
        'f.details.host': 'Northshire NHS Trust',
        'f.details.visit-date': '2026-03-01',
        'f.listening.learning-points': 'Patients sit on the board',
        'f.measuring.learning-points': 'They publish waits weekly',
        'f.next-steps.will-try': 'A customer panel',
      });
    expect(report.status).toBe(303);
    const progress = await agent.get('/progress');
    expect(progress.text).toContain('Northshire NHS Trust, 1 March 2026'); // issue 18: UK dates, past visits
    expect(progress.text).toContain('Report written');
    const raids = await request(t.app).get(`/cohorts/${cohortId}/raids?area=measuring`).set(auth(trainer));
    expect(raids.text).toContain('They publish waits weekly');
    expect(raids.text).not.toContain('Patients sit on the board');
    const all = await request(t.app).get(`/cohorts/${cohortId}/raids`).set(auth(trainer));
    expect(all.text).toContain('Patients sit on the board');
  });

  it('refuses linking to someone else’s plan', async () => {
    const bobPlan = await request(t.app)
      .post('/api/v1/me/forms/raid-plan')
      .set(auth(bob.token))
      .send({ values: { details: { host: 'X', 'visit-date': '2027-03-01', purpose: 'Y' } } });
    const res = await request(t.app)
      .post('/api/v1/me/forms/raid-report')
      .set(auth(ann.token))
      .send({
        linkedId: bobPlan.body.id,
        values: { details: { host: 'X', 'visit-date': '2027-03-01' }, 'next-steps': { 'will-try': 'Z' } },
      });
    expect(res.status).toBe(422);
  });
});

describe('self-assessment', () => {
  it('keeps each attempt, charts the change, and tracks actions', async () => {
    const attempt = (l: number, m: number, actions: { text: string; due: string }[] = []) =>
      request(t.app)
        .post('/api/v1/me/forms/activity-self-assessment')
        .set(auth(ann.token))
        .send({
          values: { listening: { rating: l, evidence: 'Surveys', actions }, measuring: { rating: m } },
        });
    expect(
      (
        await attempt(2, 3, [
          { text: 'Run a listening session', due: '2027-01-10' },
          { text: 'Read the complaints log', due: '' },
        ])
      ).status,
    ).toBe(201);
    expect((await attempt(4, 3)).status).toBe(201);
    expect((await attempt(7, 3)).status).toBe(422);
    const res = await request(t.app).get('/api/v1/me/forms/activity-self-assessment').set(auth(ann.token));
    expect(res.body.submissions).toHaveLength(2);
    expect(res.body.chart.rows).toEqual([
      { id: 'listening', title: 'STOP assuming → START listening', values: [2, 4], change: 2 },
      { id: 'measuring', title: 'STOP counting → START measuring', values: [3, 3], change: 0 },
    ]);
    const page = await request(t.app).get('/modules/activity-self-assessment').set(auth(ann.token));
    expect(page.text).toContain('<svg');
    expect(page.text).toContain('Ratings by attempt');
    const actions = await request(t.app).get('/api/v1/me/actions').set(auth(ann.token));
    expect(actions.body.actions.map((a: { text: string }) => a.text)).toEqual([
      'Run a listening session',
      'Read the complaints log',
    ]);
    const id = actions.body.actions[0].id;
    expect(
      (await request(t.app).patch(`/api/v1/me/actions/${id}`).set(auth(ann.token)).send({ done: true })).body,
    ).toEqual({ id, done: true });
    expect(
      (await request(t.app).patch(`/api/v1/me/actions/${id}`).set(auth(bob.token)).send({ done: false }))
        .status,
    ).toBe(404);
    const record = await request(t.app).get(`/cohorts/${cohortId}/learners/${ann.id}`).set(auth(trainer));
    expect(record.text).toContain('Run a listening session');
    expect(record.text).toContain('STOP assuming → START listening');
  });

  it('renders and stores an activity form declared only in front matter', async () => {
    const page = await request(t.app).get('/modules/activity-reflection').set(auth(bob.token));
    expect(page.text).toContain('What did you hear this week?');
    expect(page.text).toContain('name="f.reflection.channel"');
    const { agent, csrf } = await t.signIn('bob@example.org');
    const missing = await agent
      .post('/modules/activity-reflection/submissions')
      .type('form')
      .send({ _csrf: csrf, 'f.reflection.channel': 'Survey' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('href="#f-reflection-heard"');
    expect(
      (
        await agent
          .post('/modules/activity-reflection/submissions')
          .type('form')
          .send({ _csrf: csrf, 'f.reflection.heard': 'Queues too long', 'f.reflection.channel': 'Survey' })
      ).status,
    ).toBe(303);
    await agent.post('/modules/activity-reflection/submissions').type('form').send({
      _csrf: csrf,
      'f.reflection.heard': 'Queues shorter now',
      'f.reflection.channel': 'Front line',
    });
    const rows = await t.db.all<{ data: string }>(
      "SELECT data FROM submissions WHERE user_id = ? AND module_id = 'activity-reflection'",
      [bob.id],
    );
    expect(rows.map((r) => JSON.parse(r.data))).toEqual([
      { reflection: { heard: 'Queues shorter now', channel: 'Front line' } },
    ]);
  });
});

describe('xAPI', () => {
  const ADL =
    /^http:\/\/adlnet\.gov\/expapi\/verbs\/(experienced|completed|progressed|answered|shared|responded)$/;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('exports valid statements for every kind of event, filtered and paged, for admins only', async () => {
    await request(t.app).get('/modules/case-town-hall').set(auth(ann.token));
    await request(t.app).post('/api/v1/me/modules/case-town-hall/complete').set(auth(ann.token));
    await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(auth(ann.token))
      .send({ status: 'achieved', evidence: 'done' });
    expect((await request(t.app).get('/api/v1/events').set(auth(trainer))).status).toBe(403);
    const res = await request(t.app).get(`/api/v1/events?cohort=${cohortId}&limit=1000`).set(auth(admin));
    expect(res.status).toBe(200);
    const statements = res.body.statements as Statement[];
    const verbs = new Set(statements.map((s) => s.verb.display['en-GB']));
    expect([...verbs].sort()).toEqual([
      'answered',
      'completed',
      'experienced',
      'progressed',
      'responded',
      'shared',
    ]);
    for (const s of statements) {
      expect(s.id).toMatch(UUID);
      expect(s.actor).toEqual({
        objectType: 'Agent',
        name: expect.any(String),
        mbox: expect.stringMatching(/^mailto:[^@]+@[^@]+$/),
      });
      expect(s.verb.id).toMatch(ADL);
      expect(s.object.objectType).toBe('Activity');
      expect(s.object.id).toMatch(/^http:\/\/localhost:3000\/(modules|outcomes)\//);
      expect(new Date(s.timestamp).toISOString()).toBe(s.timestamp);
    }
    expect(statements.every((s) => s.actor.mbox !== 'mailto:zed@example.org')).toBe(true);
    const completed = statements.find((s) => s.verb.display['en-GB'] === 'completed')!;
    expect(completed.result).toEqual({ completion: true });
    const page1 = await request(t.app).get(`/api/v1/events?learner=${ann.id}&limit=2`).set(auth(admin));
    expect(page1.body.statements).toHaveLength(2);
    const page2 = await request(t.app).get(page1.body.more).set(auth(admin));
    expect(page2.body.statements[0].id).not.toBe(page1.body.statements[1].id);
    expect((await request(t.app).get('/api/v1/events?since=yesterday').set(auth(admin))).status).toBe(422);
    const future = await request(t.app).get('/api/v1/events?since=2999-01-01T00:00:00Z').set(auth(admin));
    expect(future.body.statements).toEqual([]);
  });

  it('forwards to an LRS through the outbox, retrying after a 500 without losing anything', async () => {
    const received: unknown[][] = [];
    let fail = true;
    const lrs = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (fail) {
          res.writeHead(500).end('down');
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      });
    });
    await new Promise<void>((r) => lrs.listen(0, '127.0.0.1', r));
    const port = (lrs.address() as AddressInfo).port;
    const f = await makeTestApp({
      env: { XAPI_LRS_URL: `http://127.0.0.1:${port}/xapi`, XAPI_LRS_USERNAME: 'k', XAPI_LRS_PASSWORD: 's' },
    });
    const u = await f.user('learner');
    const token = await f.token(u.email);
    await request(f.app).put('/api/v1/me/outcomes/LI1').set(auth(token)).send({ status: 'in_progress' });
    await request(f.app).put('/api/v1/me/outcomes/LI2').set(auth(token)).send({ status: 'in_progress' });
    const xapi = f.services.xapi;
    expect(await xapi.forwardOnce()).toBe('failed');
    expect(await xapi.state()).toMatchObject({
      last_event_id: 0,
      failures: 1,
      last_error: 'LRS answered 500',
    });
    expect(await xapi.forwardOnce()).toBe('waiting');
    fail = false;
    expect(await xapi.forwardOnce(Date.now() + 60_000)).toBe('sent');
    expect(received).toHaveLength(1);
    expect(received[0]).toHaveLength(2);
    expect(await xapi.forwardOnce(Date.now() + 60_000)).toBe('idle');
    expect((await xapi.state()).failures).toBe(0);
    await f.close();
    await new Promise<void>((r) => lrs.close(() => r()));
  });
});
