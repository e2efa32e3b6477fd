import request from 'supertest';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

// Issue 18, items 4 and 7: learners download their own data and a printable learning record; records and CSV
// exports read like documents (labels, UK dates, blank answers hidden, answers by learning area, a BOM for Excel).

let t: TestApp;
let cohortId: number;
let trainerToken: string;
let ann: { id: number; email: string; token: string };
let bob: { id: number; email: string; token: string };
const visitDay = inDays(20);
const ukDay = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
  const trainer = await t.user('trainer', 'trainer-records@example.org', 'Tess Trainer');
  trainerToken = await t.token(trainer.email);
  cohortId = (
    await request(t.app).post('/api/v1/cohorts').set(auth(trainerToken)).send({ name: 'Records cohort' })
  ).body.id;
  const a = await t.user('learner', 'ann-records@example.org', 'Ann Zoë Archer');
  const b = await t.user('learner', 'bob-records@example.org', 'Bob Baker');
  ann = { ...a, token: await t.token(a.email) };
  bob = { ...b, token: await t.token(b.email) };
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(trainerToken))
    .send({ emails: [ann.email, bob.email] })
    .expect(201);
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/assignments`)
    .set(auth(trainerToken))
    .send({ moduleId: 'case-town-hall', dueAt: inDays(10) })
    .expect(201);

  await request(t.app)
    .put('/api/v1/me/outcomes/LI1')
    .set(auth(ann.token))
    .send({ status: 'achieved', evidence: 'Ran a complaints review with the front desk' })
    .expect(200);
  await request(t.app)
    .put('/api/v1/me/outcomes/ME1')
    .set(auth(ann.token))
    .send({ status: 'in_progress', evidence: '=HYPERLINK("http://evil.example")' })
    .expect(200);
  await request(t.app)
    .put('/api/v1/me/responses/case-town-hall/li-1')
    .set(auth(ann.token))
    .send({ text: 'They read every complaint each week.' })
    .expect(200);
  // an empty save is not an answer: it must not show as one
  await request(t.app)
    .put('/api/v1/me/responses/case-town-hall/me-1')
    .set(auth(ann.token))
    .send({ text: '' })
    .expect(200);
  await request(t.app)
    .post('/api/v1/me/forms/raid-plan')
    .set(auth(ann.token))
    .send({
      values: {
        details: {
          host: 'Riverside Council',
          'visit-date': visitDay,
          purpose: 'See how they triage complaints',
        },
        listening: { questions: ['How do you hear from customers?'] },
      },
    })
    .expect(201);
  await request(t.app)
    .post('/api/v1/me/forms/activity-reflection')
    .set(auth(ann.token))
    .send({ values: { reflection: { heard: 'Callers want one number', channel: '' } } })
    .expect(201);
  await request(t.app)
    .put('/api/v1/me/outcomes/LI2')
    .set(auth(bob.token))
    .send({ status: 'achieved', evidence: 'Bob-only-secret evidence' })
    .expect(200);
});
afterAll(() => t.close());

describe('item 4: a learner’s own data', () => {
  it('lets a learner read their personal data as tables, without raw JSON, and download it as JSON', async () => {
    const { agent } = await t.signIn(ann.email);
    const page = await agent.get('/account/data').expect(200);
    expect(page.text).toContain('Your data');
    expect(page.text).toContain('Progress against learning outcomes');
    expect(page.text).toContain('Ran a complaints review with the front desk');
    // the form's answers are read out with labels, not stored JSON
    expect(page.text).toContain('The visit: Host organisation: Riverside Council');
    expect(page.text).not.toMatch(/\{&#34;|\{"|&quot;details|cohort_id|module_id/);
    expect(page.text).toContain('LI1: Evaluate current provision');
    expect(page.text).not.toMatch(/>\s*\d{13}\s*</); // instants stored as milliseconds read as dates
    expect(page.text).toContain('href="/account/data.json"');
    expect(page.text).toContain('href="/account/record"');
    expect(page.text).not.toContain('Bob-only-secret');
    expect(page.text).not.toContain('Erase personal data');

    const json = await agent.get('/account/data.json').expect(200);
    expect(json.headers['content-disposition']).toMatch(/attachment; filename="packway-my-data.json"/);
    expect(json.body.record.account.email).toBe(ann.email);
    expect(JSON.stringify(json.body)).toContain('Riverside Council');
    expect(JSON.stringify(json.body)).not.toContain('Bob-only-secret');

    // the admin-only page about another person stays admin-only
    expect((await agent.get(`/users/${bob.id}/data`)).status).toBe(403);
    expect((await agent.get(`/users/${ann.id}/data`)).status).toBe(403);
  });

  it('answers GET /api/v1/me/export with the caller’s own record, audited', async () => {
    const res = await request(t.app).get('/api/v1/me/export').set(auth(bob.token)).expect(200);
    expect(res.body.subject).toEqual({ id: bob.id });
    expect(res.body.record.account.email).toBe(bob.email);
    expect(JSON.stringify(res.body)).toContain('Bob-only-secret');
    expect(JSON.stringify(res.body)).not.toContain('Riverside Council');
    expect(JSON.stringify(res.body)).not.toMatch(/password_hash|token_hash/);
    const audited = (await t.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'privacy.export' AND target = ?",
      [`user:${bob.id}`],
    ))!;
    expect(audited.n).toBeGreaterThanOrEqual(1);
    expect((await request(t.app).get('/api/v1/me/export')).status).toBe(401);
  });

  it('gives a learner a printable learning record and a CSV of it', async () => {
    const { agent } = await t.signIn(ann.email);
    const page = await agent.get('/account/record').expect(200);
    expect(page.text).toContain('class="govuk-template__body pw-print-page pw-record-page"');
    expect(page.text).toContain('Ann Zoë Archer');
    expect(page.text).toContain('Ran a complaints review with the front desk');
    expect(page.text).toContain('href="/account/record.csv"');
    expect(page.text).toContain('src="/static/js/records.js"');
    const csv = await agent.get('/account/record.csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toMatch(/attachment/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csv.text.slice(1).split('\r\n');
    expect(lines[0]).toBe('Section,Learning area,Item,Status,Due by,Last updated,Evidence or answer');
    expect(csv.text).toMatch(
      new RegExp(
        `Assigned module,,The town hall front desk,(Not started|In progress),${ukDay(inDays(10))},,`,
      ),
    );
    expect(csv.text).toMatch(
      /Outcome,Listening and customer insight,LI1 Evaluate current provision from two sources of customer evidence\.,Awaiting review,,\d{1,2} [A-Z][a-z]+ \d{4},Ran a complaints review with the front desk/,
    );
    expect(csv.text).toContain(
      `Raid plan,,"Riverside Council, ${ukDay(visitDay)}: The visit: Date of the visit",,,`,
    );
    // the formula-injection guard still holds
    expect(csv.text).toContain(`'=HYPERLINK`);
    expect(csv.text).not.toMatch(/,=HYPERLINK/);
    expect(csv.text).not.toContain('Which measure would you have chosen?');
  });
});

describe('item 7: records people can read', () => {
  it('shows the trainer a record with labels, UK dates, answers by area and no blank answers', async () => {
    const res = await request(t.app)
      .get(`/cohorts/${cohortId}/learners/${ann.id}`)
      .set(auth(trainerToken))
      .set('Accept', 'text/html')
      .expect(200);
    const html = res.text;
    // labels, not field keys
    expect(html).not.toContain('details / host');
    expect(html).not.toMatch(/Plan: \w+ \//);
    expect(html).toContain('Host organisation');
    expect(html).toContain('Date of the visit');
    expect(html).toContain(`<h3 class="govuk-heading-m">Riverside Council, ${ukDay(visitDay)}</h3>`);
    // UK dates, never ISO days
    expect(html).toContain(ukDay(visitDay));
    expect(html).not.toContain(visitDay);
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // the answered question shows under its learning area; the prompt saved empty is not shown as "Saved"
    const answers = html.slice(
      html.indexOf('Answers to case-study questions'),
      html.indexOf('Organisational raids'),
    );
    expect(answers).toContain('<h3 class="govuk-heading-m">Listening and customer insight</h3>');
    expect(answers).toContain('They read every complaint each week.');
    expect(answers).not.toContain('Which measure would you have chosen?');
    expect(answers).not.toContain('Measuring what matters');
    expect(html).not.toContain('Saved ');
    // the activity shows its labelled answer, and leaves the unanswered radio out
    expect(html).toContain('What did you hear this week?');
    expect(html).toContain('Callers want one number');
    expect(html).not.toContain('Where did you hear it?');
    expect(html).toContain(`href="/cohorts/${cohortId}/learners/${ann.id}/record.csv"`);
    expect(html).not.toContain('Bob-only-secret');
  });

  it('exports the learner record as a readable CSV for the trainer, and refuses others', async () => {
    const csv = await request(t.app)
      .get(`/cohorts/${cohortId}/learners/${ann.id}/record.csv`)
      .set(auth(trainerToken))
      .expect(200);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    expect(csv.headers['content-disposition']).toMatch(/ann-zo-archer-learning-record/);
    expect(csv.text).toContain(
      'Answer,Listening and customer insight,The town hall front desk: How did the council hear',
    );
    expect(
      (await request(t.app).get(`/cohorts/${cohortId}/learners/${ann.id}/record.csv`).set(auth(bob.token)))
        .status,
    ).toBe(403);
  });

  it('makes the cohort progress CSV readable: headings with outcome text, words, evidence, due dates, a BOM', async () => {
    for (const path of [`/cohorts/${cohortId}/progress.csv`, `/api/v1/cohorts/${cohortId}/progress.csv`]) {
      const csv = await request(t.app).get(path).set(auth(trainerToken)).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.startsWith('\uFEFF')).toBe(true);
      const lines = csv.text.slice(1).trim().split('\r\n');
      expect(lines[0]).toBe(
        [
          'Name',
          'Email',
          'Outcomes achieved (of 6)',
          'LI1: Evaluate current provision from two sources of customer evidence.',
          'LI1 evidence',
          'LI2: Segment your customers and describe two segments.',
          'LI2 evidence',
          'LI3: Tell customers what changed because of what they said.',
          'LI3 evidence',
        ].join(',') + lines[0].slice(lines[0].indexOf(',ME1:')),
      );
      expect(lines[0]).toMatch(new RegExp(`,The town hall front desk \\(due ${ukDay(inDays(10))}\\)$`));
      const annRow = lines.find((l) => l.startsWith('Ann Zoë Archer,'))!;
      expect(annRow).toMatch(
        // issue 32: LI1 waits for the trainer's review, so none is achieved yet
        /^Ann Zoë Archer,ann-records@example\.org,0,Awaiting review,Ran a complaints review with the front desk,Not started,,/,
      );
      expect(annRow).toContain(`In progress,"'=HYPERLINK(""http://evil.example"")"`);
      expect(annRow).toMatch(/,(Not started|In progress)$/); // her answer may count as starting the module
      expect(lines.find((l) => l.startsWith('Bob Baker,'))).toContain(
        'Awaiting review,Bob-only-secret evidence',
      );
    }
  });
});
