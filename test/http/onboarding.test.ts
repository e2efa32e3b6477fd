import path from 'node:path';
import fs from 'node:fs';
import request from 'supertest';
import { parseCsv } from '../../src/shared/csv';
import { makeTestApp, type TestApp } from '../helpers/app';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const LISTENING = `---
id: area-listening
title: Listening to residents
summary: Hear customers and staff, and act on what you hear.
minutes: 30
area: { id: listening, short: LI }
areas: [listening]
outcomes:
  - { id: LI1, text: Evaluate current provision from two sources of resident evidence. }
  - { id: LI2, text: Segment your customers and describe two segments. }
  - { id: LI3, text: Tell customers what changed because of what they said. }
---

## What it is

Listening means acting on what residents and staff tell you.
`;

describe('onboarding many people', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it('issues every password link at once after an import, as a CSV for a mail merge', async () => {
    const admin = await t.user('admin', 'ada@example.org', 'Ada Admin');
    // half past midnight in London in summer, still the day before in UTC: the links file is named by London's day
    t.clock.set(Date.parse('2027-06-10T23:30:00Z'));
    const { agent, csrf } = await t.signIn(admin.email);
    const csv = 'email,name,role\nzoe@example.org,Zoë Ward,learner\nbob@example.org,Bob Hale,trainer\n';
    const imported = await agent
      .post('/users/import')
      .field('_csrf', csrf)
      .attach('file', Buffer.from(csv), 'p.csv');
    expect(imported.status).toBe(303);
    const users = await agent.get('/users');
    expect(users.text).toContain('2 people imported. Download their password links below');
    expect(users.text).toContain('2 people have not set a password yet');
    expect(users.text).toContain('To have Packway email them instead');

    const links = await agent.post('/users/password-links').type('form').send({ _csrf: csrf });
    expect(links.status).toBe(200);
    expect(links.headers['content-type']).toMatch(/^text\/csv/);
    expect(links.headers['content-disposition']).toMatch(
      /attachment; filename="?packway-password-links-2027-06-11\.csv/,
    );
    expect(links.text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(links.text);
    expect(rows[0]).toEqual(['Name', 'Email address', 'Role', 'Password link', 'Link expires']);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['Bob Hale', 'bob@example.org', 'Trainer'],
      ['Zoë Ward', 'zoe@example.org', 'Learner'],
    ]);
    const first = new URL(rows[1][3]);
    expect(first.origin).toBe(t.config.publicUrl);
    expect((await request(t.app).get(`${first.pathname}${first.search}`)).status).toBe(200);

    // downloading again cancels the earlier links
    const again = parseCsv(
      (await agent.post('/users/password-links').type('form').send({ _csrf: csrf })).text,
    );
    expect((await request(t.app).get(`${first.pathname}${first.search}`)).status).toBe(404);
    const second = new URL(again[1][3]);
    expect((await request(t.app).get(`${second.pathname}${second.search}`)).status).toBe(200);

    // the audit log says so in words
    const audit = await agent.get('/audit');
    expect(audit.text).toContain('Issued password links for 2 people');
    expect(audit.text).toContain('Imported 2 people from a CSV file');
  });

  it('answers the same links on the API, and nothing when everyone has a password', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    expect((await request(t.app).post('/api/v1/users/password-links').set(auth(token))).body).toEqual({
      links: [],
    });
    await request(t.app)
      .post('/api/v1/users/import')
      .set(auth(token))
      .set('Content-Type', 'text/csv')
      .send('email,name,role\nkim@example.org,Kim Lee,learner\n');
    const res = await request(t.app).post('/api/v1/users/password-links').set(auth(token));
    expect(res.status).toBe(201);
    expect(res.body.links).toEqual([
      {
        id: expect.any(Number),
        email: 'kim@example.org',
        name: 'Kim Lee',
        url: expect.stringContaining('/password/set?token='),
        expiresAt: expect.any(String),
      },
    ]);
    const learner = await t.token((await t.user('learner')).email);
    expect((await request(t.app).post('/api/v1/users/password-links').set(auth(learner))).status).toBe(403);
  });

  it('warns on the admin home while PUBLIC_URL is localhost', async () => {
    const admin = await t.user('admin');
    const { agent } = await t.signIn(admin.email);
    const home = await agent.get('/');
    expect(home.text).toContain('data-testid="public-url-warning"');
    expect(home.text).toContain('Password links will not work for anyone else yet');
    expect(home.text).toMatch(/<code>http:\/\/localhost:\d+<\/code>/);

    const real = await makeTestApp({ env: { PUBLIC_URL: 'https://learning.example.org' } });
    try {
      const a2 = await real.user('admin');
      const { agent: other } = await real.signIn(a2.email);
      const page = await other.get('/');
      expect(page.text).not.toContain('public-url-warning');
      expect(page.text).toMatch(/data-task="public-url"[\s\S]*?Completed/);
    } finally {
      await real.close();
    }
    // trainers and learners never see it
    const trainer = await t.user('trainer');
    const { agent: ta } = await t.signIn(trainer.email);
    expect((await ta.get('/')).text).not.toContain('public-url-warning');
  });

  it('ticks the first-run checklist from what is really there', async () => {
    const admin = await t.user('admin');
    const { agent } = await t.signIn(admin.email);
    const status = async (task: string) => {
      const page = (await agent.get('/')).text;
      const m = new RegExp(
        `data-task="${task}"[\\s\\S]*?govuk-task-list__status[^>]*>\\s*(?:<strong[^>]*>)?([^<]+)`,
      ).exec(page);
      return m?.[1].trim();
    };
    expect(await status('trainers')).toBe('Incomplete');
    expect(await status('learners')).toBe('Incomplete');
    expect(await status('password-links')).toBe('Cannot start yet');
    expect(await status('cohort')).toBe('Incomplete');
    expect(await status('variant')).toBe('Optional');
    expect(await status('guide')).toBe('Incomplete');
    expect((await agent.get('/')).text).toContain('You have completed 0 of 6 setup tasks');

    const trainer = await t.user('trainer');
    const token = await t.token(admin.email);
    await request(t.app)
      .post('/api/v1/users')
      .set(auth(token))
      .send({ email: 'l@example.org', name: 'L', role: 'learner' });
    expect(await status('trainers')).toBe('Completed');
    expect(await status('learners')).toBe('Completed');
    expect(await status('password-links')).toBe('In progress');
    const c = await request(t.app).post('/api/v1/cohorts').set(auth(token)).send({ name: 'Spring' });
    expect(await status('cohort')).toBe('Completed');

    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(auth(token))
      .field('name', 'Northshire')
      .attach('file', Buffer.from(LISTENING), 'l.md');
    expect(await status('variant')).toBe('In progress');
    const pub = await request(t.app).post(`/api/v1/variants/${up.body.id}/publish`).set(auth(token));
    expect(await status('variant')).toBe('Completed');
    expect(await status('pin')).toBe('Incomplete');
    await request(t.app)
      .put(`/api/v1/cohorts/${c.body.id}/variant`)
      .set(auth(token))
      .send({ variantVersionId: pub.body.versionId });
    expect(await status('pin')).toBe('Completed');

    const guide = await agent.get('/guide/operations');
    expect(guide.status).toBe(200);
    expect(guide.text).toContain('PUBLIC_URL');
    expect(guide.text).toContain('Backups');
    expect(await status('guide')).toBe('Completed');
    void trainer;
    const learnerAgent = (await t.signIn((await t.user('learner')).email)).agent;
    expect((await learnerAgent.get('/guide/operations')).status).toBe(403);
  });

  it('asks before disabling an account', async () => {
    const admin = await t.user('admin');
    const learner = await t.user('learner', 'lee@example.org', 'Lee Park');
    const { agent, csrf } = await t.signIn(admin.email);
    const show = await agent.get(`/users/${learner.id}`);
    expect(show.text).toContain(`href="/users/${learner.id}/disable"`);
    expect(show.text).not.toMatch(/name="disabled" value="true"/);
    const confirm = await agent.get(`/users/${learner.id}/disable`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Are you sure you want to disable this account?');
    expect(confirm.text).toContain('Yes, disable the account');
    const done = await agent
      .post(`/users/${learner.id}/disabled`)
      .type('form')
      .send({ _csrf: csrf, disabled: 'true' });
    expect(done.status).toBe(303);
    const after = await agent.get(`/users/${learner.id}`);
    expect(after.text).toContain('Lee Park’s account is disabled');
    expect(after.text).toContain('Enable account');
    // a disabled account's confirmation page goes back to the account
    expect((await agent.get(`/users/${learner.id}/disable`)).status).toBe(303);
  });
});

describe('publishing a variant', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  it('summarises the changes in plain English, with the line diff behind a details element', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const { agent, csrf } = await t.signIn(admin.email);
    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(auth(token))
      .field('name', 'Northshire')
      .attach('file', Buffer.from(LISTENING), 'l.md');
    expect(up.status).toBe(201);
    const draft = await agent.get(`/variants/versions/${up.body.draftId}`);
    expect(draft.text).toContain(
      'title changed (was “Listening and customer insight”); outcome LI1 reworded; text changed',
    );
    expect(draft.text).toMatch(
      /<details class="govuk-details">[\s\S]*Line-by-line changes to Listening to residents[\s\S]*pw-diff__added/,
    );
    // the summary comes first
    expect(draft.text.indexOf('data-testid="diff-summary"')).toBeLessThan(
      draft.text.indexOf('govuk-details'),
    );
    // publishing is a link to a confirmation page, not a one-click form
    expect(draft.text).toContain(`href="/variants/${up.body.id}/publish"`);

    const confirm = await agent.get(`/variants/${up.body.id}/publish`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Publish this draft as v1?');
    expect(confirm.text).toContain('outcome LI1 reworded');
    expect(confirm.text).toContain('no learner sees it until you pin their cohort to it');

    const cohort = await request(t.app)
      .post('/api/v1/cohorts')
      .set(auth(token))
      .send({ name: 'Spring leaders' });
    const pub = await agent.post(`/variants/${up.body.id}/publish`).type('form').send({ _csrf: csrf });
    expect(pub.status).toBe(303);
    expect(pub.headers.location).toMatch(/^\/variants\/versions\/\d+#pin$/);
    const version = await agent.get(pub.headers.location.replace(/#.*/, ''));
    expect(version.text).toContain('Northshire v1 is published');
    expect(version.text).toContain('data-testid="pin-offer"');
    expect(version.text).toContain(`href="/cohorts/${cohort.body.id}/variant?to=${up.body.draftId}"`);
    // nothing left to publish: the confirmation page says so
    expect((await agent.get(`/variants/${up.body.id}/publish`)).status).toBe(409);

    // the pin confirmation lists the same plain-English changes
    const pin = await agent.get(`/cohorts/${cohort.body.id}/variant?to=${up.body.draftId}`);
    expect(pin.text).toContain('Listening to residents: title changed');
  });

  it('names added and hidden modules', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const { agent } = await t.signIn(admin.email);
    const added = fs.readFileSync(
      path.join(__dirname, '..', 'fixtures', 'variants', 'northshire-hub.md'),
      'utf8',
    );
    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(auth(token))
      .field('name', 'Eastshire')
      .field('section', '06-case-studies')
      .attach('file', Buffer.from(added), 'case-local.md');
    expect(up.status).toBe(201);
    const page = await agent.get(`/variants/versions/${up.body.draftId}`);
    expect(page.text).toMatch(
      /Northshire&#39;s customer hub<\/dt>\s*<dd class="govuk-summary-list__value">module added/,
    );
    const hide = await request(t.app)
      .post('/api/v1/variants')
      .set(auth(token))
      .field('name', 'Westshire')
      .attach('file', Buffer.from('---\nid: intro-welcome\nhidden: true\n---\n'), 'intro.md');
    expect(hide.status).toBe(201);
    const hidden = await agent.get(`/variants/versions/${hide.body.draftId}`);
    expect(hidden.text).toMatch(
      /Welcome to the fixture pack<\/dt>\s*<dd class="govuk-summary-list__value">module hidden/,
    );
  });
});

describe('the audit log in words', () => {
  let t: TestApp;
  let agent: Awaited<ReturnType<TestApp['signIn']>>['agent'];
  beforeAll(async () => {
    t = await makeTestApp();
    const admin = await t.user('admin', 'ada@example.org', 'Ada Admin');
    const trainer = await t.user('trainer', 'tia@example.org', 'Tia Trainer');
    for (const n of ['ann', 'bob', 'cat']) await t.user('learner', `${n}@example.org`, n.toUpperCase());
    const tt = await t.token(trainer.email);
    const c = await request(t.app).post('/api/v1/cohorts').set(auth(tt)).send({ name: 'Spring leaders' });
    await request(t.app)
      .post(`/api/v1/cohorts/${c.body.id}/members`)
      .set(auth(tt))
      .send({ emails: ['ann@example.org', 'bob@example.org', 'cat@example.org'] });
    agent = (await t.signIn(admin.email)).agent;
  });
  afterAll(() => t.close());

  it('says what happened, not the action code', async () => {
    const page = await agent.get('/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Enrolled 3 learners in Spring leaders');
    expect(page.text).toContain('Created the cohort Spring leaders');
    expect(page.text).toContain('Signed in');
    expect(page.text).not.toContain('>cohort.enrol<');
  });

  it('filters by action, person and dates', async () => {
    const enrol = await agent.get('/audit?action=cohort.enrol');
    expect(enrol.text).toContain('1 entry matches the filters');
    expect(enrol.text).toContain('<option value="cohort.enrol" selected>Learners enrolled</option>');
    const tia = await agent.get('/audit?person=tia');
    expect(tia.text).toContain('Enrolled 3 learners');
    expect(tia.text).not.toContain('ada@example.org</td>');
    const today = new Date();
    const [d, m, y] = [today.getUTCDate(), today.getUTCMonth() + 1, today.getUTCFullYear()];
    const inRange = await agent.get(
      `/audit?from-day=${d}&from-month=${m}&from-year=${y}&to-day=${d}&to-month=${m}&to-year=${y}`,
    );
    expect(inRange.text).toContain('Enrolled 3 learners');
    const before = await agent.get(`/audit?to-day=1&to-month=1&to-year=2000`);
    expect(before.text).toContain('Nothing matches these filters');
    const bad = await agent.get('/audit?from-day=31&from-month=2&from-year=2026');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('The start date must be a real date');
    expect(bad.text).toContain('value="31"');
    const backwards = await agent.get(
      `/audit?from-day=2&from-month=1&from-year=2026&to-day=1&to-month=1&to-year=2026`,
    );
    expect(backwards.text).toContain('The end date must be the same as or after the start date');
  });

  it('pages through long logs, keeping the filters', async () => {
    for (let i = 0; i < 120; i++)
      await t.db.run(
        "INSERT INTO audit_log (at, actor_email, action, detail) VALUES (?, 'x@example.org', 'test.bulk_entry', NULL)",
        [new Date().toISOString()],
      );
    const first = await agent.get('/audit?action=test.bulk_entry');
    expect(first.text).toContain('120 entries match the filters, page 1 of 3');
    expect(first.text).toContain('href="/audit?action=test.bulk_entry&amp;page=2"');
    // an action the log does not know yet still reads as words
    expect(first.text).toContain('<option value="test.bulk_entry" selected>Test bulk entry</option>');
    const third = await agent.get('/audit?action=test.bulk_entry&page=3');
    expect(third.text).toContain('page 3 of 3');
    expect((third.text.match(/<td class="govuk-table__cell">Test bulk entry<\/td>/g) ?? []).length).toBe(20);
    expect(third.text).toContain('href="/audit?action=test.bulk_entry&amp;page=2" rel="prev"');
  });
});
