import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { makeTestApp, REAL_PACK, type TestApp } from '../helpers/app';
import { whatItAsks } from '../../src/forms/forms.messages';

// Issue 18, item 3: forms people can fill in. The real pack, so the messages are the ones learners read.
let t: TestApp;
let ann: { agent: TestAgent; csrf: string; token: string };
let bob: { token: string };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY = 86400_000;

beforeAll(async () => {
  t = await makeTestApp({ content: REAL_PACK });
  t.clock.set(Date.parse('2027-03-27T12:00:00Z'));
  const a = await t.user('learner', 'ann@example.org', 'Ann');
  const b = await t.user('learner', 'bob@example.org', 'Bob');
  ann = { ...(await t.signIn(a.email)), token: await t.token(a.email) };
  bob = { token: await t.token(b.email) };
});
afterAll(() => t.close());

const summaryLinks = (html: string) =>
  [...html.matchAll(/<div class="govuk-error-summary[\s\S]*?<\/ul>/g)]
    .flatMap((m) => [...m[0].matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)])
    .map((m) => ({ href: m[1], text: m[2].replace(/&#39;/g, "'").replace(/&amp;/g, '&') }));

const plan = (agent: TestAgent, body: Record<string, string>, url = '/modules/raid-plan/submissions') =>
  agent
    .post(url)
    .type('form')
    .send({ _csrf: ann.csrf, ...body });

describe('plain-English errors, one per field in page order, values kept', () => {
  it('words each field as a person would', () => {
    expect(whatItAsks('How far have you made this shift?')).toBe('how far you have made this shift');
    expect(whatItAsks('Host organisation')).toBe('the host organisation');
    expect(whatItAsks('What you want to find out')).toBe('what you want to find out');
    expect(whatItAsks('Have you agreed how you will handle confidential information?')).toBe(
      'whether you have agreed how you will handle confidential information',
    );
  });

  it('refuses an empty self-assessment with "Enter how far you have made this shift", never the row title and "is required"', async () => {
    const res = await plan(ann.agent, {}, '/modules/activity-self-assessment/submissions');
    expect(res.status).toBe(422);
    const links = summaryLinks(res.text);
    expect(links).toHaveLength(5);
    expect(links[0]).toEqual({
      href: 'f-involving-rating',
      text: 'Enter how far you have made this shift (Stop excluding, start involving)',
    });
    expect(res.text).not.toContain('is required');
    expect(res.text).not.toMatch(/STOP|→/);
  });

  it('shows a raid plan’s problems in the order of the page, keeping every date part typed', async () => {
    const res = await plan(ann.agent, {
      'f.details.host': '',
      'f.details.visit-date.day': '31',
      'f.details.visit-date.month': '4',
      'f.details.visit-date.year': '2027',
      'f.details.purpose': 'See their patient panel',
      'f.details.sponsor': 'x'.repeat(501),
    });
    expect(res.status).toBe(422);
    expect(summaryLinks(res.text)).toEqual([
      { href: 'f-details-host', text: 'Enter the host organisation' },
      { href: 'f-details-visit-date', text: 'Date of the visit must be a real date' },
      { href: 'f-details-sponsor', text: 'Your sponsor must be 500 characters or fewer' },
    ]);
    // the summary links land on the first box of the date input
    expect(res.text).toContain(
      'id="f-details-visit-date" name="f.details.visit-date.day" type="text" inputmode="numeric" value="31"',
    );
    expect(res.text).toContain('name="f.details.visit-date.month" type="text" inputmode="numeric" value="4"');
    expect(res.text).toContain(
      'name="f.details.visit-date.year" type="text" inputmode="numeric" value="2027"',
    );
    expect(res.text).toContain('See their patient panel</textarea>');
    expect(res.text).not.toContain('type="date"');
  });

  it('says which part of a date is missing', async () => {
    const res = await plan(ann.agent, {
      'f.details.host': 'Town hall',
      'f.details.visit-date.day': '3',
      'f.details.purpose': 'Y',
    });
    expect(summaryLinks(res.text).map((l) => l.text)).toEqual([
      'Date of the visit must include a month and year',
    ]);
  });

  it('names an action’s bad due date on that action, and keeps it', async () => {
    const res = await plan(
      ann.agent,
      {
        'f.involving.rating': '2',
        'f.empowering.rating': '3',
        'f.listening.rating': '3',
        'f.evolving.rating': '3',
        'f.connecting.rating': '3',
        'f.involving.actions.0.text': 'Ask the panel',
        'f.involving.actions.0.due.day': '30',
        'f.involving.actions.0.due.month': '2',
        'f.involving.actions.0.due.year': '2027',
        'f.involving.actions.1.due.day': '1',
        'f.involving.actions.1.due.month': '5',
        'f.involving.actions.1.due.year': '2027',
      },
      '/modules/activity-self-assessment/submissions',
    );
    expect(res.status).toBe(422);
    expect(summaryLinks(res.text)).toEqual([
      {
        href: 'f-involving-actions-0-due',
        text: 'Due date for action 1 must be a real date (Stop excluding, start involving)',
      },
      {
        href: 'f-involving-actions-1-text',
        text: 'Enter action 2, or remove its due date (Stop excluding, start involving)',
      },
    ]);
    expect(res.text).toContain('value="Ask the panel"');
    expect(res.text).toContain(
      'name="f.involving.actions.0.due.day" type="text" inputmode="numeric" value="30"',
    );
  });

  it('keeps a too-long case-study answer that was not saved, with a plain message', async () => {
    const long = 'a'.repeat(10_001);
    const res = await ann.agent
      .post('/modules/case-warwickshire-one-front-door/responses')
      .type('form')
      .send({ _csrf: ann.csrf, [`answer:${await firstPrompt()}`]: long });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/Your answer to ‘[^’]+’ must be 10,000 characters or fewer/);
    expect(res.text).toContain(`>${long}</textarea>`);
  });
});

async function firstPrompt(): Promise<string> {
  const page = await ann.agent.get('/modules/case-warwickshire-one-front-door');
  return /name="answer:([^"]+)"/.exec(page.text)![1];
}

describe('long answers and dates on the page', () => {
  it('puts a GOV.UK character count on every long answer, and a date input for every date', async () => {
    const page = await ann.agent.get('/modules/raid-plan');
    expect(page.text).toContain('data-module="govuk-character-count" data-maxlength="10000"');
    expect(page.text).toContain('You can enter up to 10,000 characters');
    expect(page.text).toContain('class="govuk-date-input"');
    expect(page.text).not.toContain('type="date"');
    expect(page.text).not.toMatch(/<textarea[^>]*name="f\.[^>]*maxlength/);
    const sa = await ann.agent.get('/modules/activity-self-assessment');
    expect(sa.text).toContain('name="f.involving.actions.0.due.day"');
    expect(sa.text).not.toContain('type="date"');
    const prompts = await ann.agent.get('/modules/case-warwickshire-one-front-door');
    expect(prompts.text).toContain('govuk-js-character-count');
  });
});

describe('raid plans and reports', () => {
  let planId: number;
  it('stores a plan from the date input and lists it with a UK date', async () => {
    const res = await plan(ann.agent, {
      'f.details.host': 'Northshire NHS Trust',
      'f.details.visit-date.day': '1',
      'f.details.visit-date.month': '3',
      'f.details.visit-date.year': '2027',
      'f.details.purpose': 'See their patient panel',
    });
    expect(res.status).toBe(303);
    const mine = await request(t.app).get('/api/v1/me/forms/raid-plan').set(auth(ann.token));
    planId = mine.body.submissions[0].id;
    expect(mine.body.submissions[0].data.details['visit-date']).toBe('2027-03-01');
    const page = await ann.agent.get('/modules/raid-plan');
    expect(page.text).toContain('Northshire NHS Trust, 1 March 2027');
    expect(page.text).not.toContain('2027-03-01');
    const progress = await ann.agent.get('/progress');
    expect(progress.text).toContain(`/modules/raid-report/entries/new?plan=${planId}`);
  });

  it('lets its author change it, keeping what was typed when a change is refused', async () => {
    const edit = await ann.agent.get(`/modules/raid-plan/entries/${planId}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('Change your raid plan');
    expect(edit.text).toContain('value="Northshire NHS Trust"');
    const bad = await plan(
      ann.agent,
      {
        'f.details.host': 'Northshire Trust',
        'f.details.visit-date.day': '',
        'f.details.visit-date.month': '',
        'f.details.visit-date.year': '',
        'f.details.purpose': 'Patient panel',
      },
      `/modules/raid-plan/entries/${planId}`,
    );
    expect(bad.status).toBe(422);
    expect(summaryLinks(bad.text)).toEqual([
      { href: 'f-details-visit-date', text: 'Enter the date of the visit' },
    ]);
    expect(bad.text).toContain('value="Northshire Trust"');
    const good = await plan(
      ann.agent,
      {
        'f.details.host': 'Northshire Trust',
        'f.details.visit-date.day': '2',
        'f.details.visit-date.month': '3',
        'f.details.visit-date.year': '2027',
        'f.details.purpose': 'Patient panel',
      },
      `/modules/raid-plan/entries/${planId}`,
    );
    expect(good.status).toBe(303);
    const mine = await request(t.app).get('/api/v1/me/forms/raid-plan').set(auth(ann.token));
    expect(mine.body.submissions).toHaveLength(1);
    expect(mine.body.submissions[0].title).toBe('Northshire Trust, 2 March 2027');
  });

  it('does not let anyone else see, change or delete it', async () => {
    const { agent, csrf } = await t.signIn('bob@example.org');
    expect((await agent.get(`/modules/raid-plan/entries/${planId}`)).status).toBe(404);
    expect(
      (
        await agent
          .post(`/modules/raid-plan/entries/${planId}`)
          .type('form')
          .send({ _csrf: csrf, 'f.details.host': 'Mine now' })
      ).status,
    ).toBe(404);
    expect(
      (await agent.post(`/modules/raid-plan/entries/${planId}/delete`).type('form').send({ _csrf: csrf }))
        .status,
    ).toBe(404);
    expect((await ann.agent.get(`/modules/raid-report/entries/${planId}`)).status).toBe(404);
  });

  it('starts a report from its plan, which takes the plan’s host and date', async () => {
    const page = await ann.agent.get(`/modules/raid-report/entries/new?plan=${planId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="Northshire Trust"');
    expect(page.text).toContain(`<option value="${planId}" selected>`);
    expect(page.text).toContain('name="f.details.visit-date.day" type="text" inputmode="numeric" value="2"');
    // left blank, the host and date come from the plan
    const res = await plan(
      ann.agent,
      { linkedId: String(planId), 'f.next-steps.will-try': 'A customer panel' },
      '/modules/raid-report/entries',
    );
    expect(res.status).toBe(303);
    const reports = await request(t.app).get('/api/v1/me/forms/raid-report').set(auth(ann.token));
    expect(reports.body.submissions[0]).toMatchObject({
      linkedId: planId,
      title: 'Northshire Trust, 2 March 2027',
      data: { details: { host: 'Northshire Trust', 'visit-date': '2027-03-02' } },
    });
  });

  it('refuses a visit report dated in the future', async () => {
    const res = await plan(
      ann.agent,
      {
        'f.details.host': 'Town hall',
        'f.details.visit-date.day': '28',
        'f.details.visit-date.month': '3',
        'f.details.visit-date.year': '2027',
        'f.next-steps.will-try': 'Z',
      },
      '/modules/raid-report/submissions',
    );
    expect(res.status).toBe(422);
    expect(summaryLinks(res.text)).toEqual([
      { href: 'f-details-visit-date', text: 'Date of the visit must be today or in the past' },
    ]);
    const api = await request(t.app)
      .post('/api/v1/me/forms/raid-report')
      .set(auth(ann.token))
      .send({
        values: { details: { host: 'X', 'visit-date': '2027-04-01' }, 'next-steps': { 'will-try': 'Z' } },
      });
    expect(api.status).toBe(422);
    // a plan may be for a visit still to come; today's report is fine
    const today = await request(t.app)
      .post('/api/v1/me/forms/raid-report')
      .set(auth(ann.token))
      .send({
        values: { details: { host: 'X', 'visit-date': '2027-03-27' }, 'next-steps': { 'will-try': 'Z' } },
      });
    expect(today.status).toBe(201);
  });

  it('refuses linking a report to someone else’s plan, first in the list', async () => {
    const bobPlan = await request(t.app)
      .post('/api/v1/me/forms/raid-plan')
      .set(auth(bob.token))
      .send({ values: { details: { host: 'X', 'visit-date': '2027-05-01', purpose: 'Y' } } });
    const res = await plan(
      ann.agent,
      { linkedId: String(bobPlan.body.id), 'f.details.host': '' },
      '/modules/raid-report/submissions',
    );
    expect(res.status).toBe(422);
    expect(summaryLinks(res.text).map((l) => l.href)).toEqual([
      'linkedId',
      'f-details-host',
      'f-details-visit-date',
      'f-next-steps-will-try',
    ]);
  });

  it('lets its author delete a plan after confirming; the report keeps its answers', async () => {
    const confirm = await ann.agent.get(`/modules/raid-plan/entries/${planId}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Are you sure you want to delete this raid plan?');
    const res = await ann.agent
      .post(`/modules/raid-plan/entries/${planId}/delete`)
      .type('form')
      .send({ _csrf: ann.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/modules/raid-plan?saved=deleted#previous');
    const plans = await request(t.app).get('/api/v1/me/forms/raid-plan').set(auth(ann.token));
    expect(plans.body.submissions).toHaveLength(0);
    const reports = await request(t.app).get('/api/v1/me/forms/raid-report').set(auth(ann.token));
    const linked = reports.body.submissions.find((s: { title: string }) => s.title.startsWith('Northshire'));
    expect(linked.linkedId).toBeNull();
    expect(linked.data.details.host).toBe('Northshire Trust');
  });
});

describe('the self-assessment', () => {
  const ratings = (n: number) =>
    Object.fromEntries(
      ['involving', 'empowering', 'listening', 'evolving', 'connecting'].map((g) => [
        `f.${g}.rating`,
        String(n),
      ]),
    );

  it('starts a second attempt from the last answers, dates each attempt, and draws a readable chart', async () => {
    const first = await plan(
      ann.agent,
      {
        ...ratings(2),
        'f.involving.evidence': 'Staff survey',
        'f.involving.actions.0.text': 'Ask the panel',
        'f.involving.actions.0.due.day': '10',
        'f.involving.actions.0.due.month': '4',
        'f.involving.actions.0.due.year': '2027',
      },
      '/modules/activity-self-assessment/submissions',
    );
    expect(first.status).toBe(303);
    t.clock.advance(90 * DAY);
    ann = { ...ann, ...(await t.signIn('ann@example.org')) }; // three months on: a new session
    const page = await ann.agent.get('/modules/activity-self-assessment');
    expect(page.text).toContain('We have filled in your answers from your last attempt on');
    expect(page.text).toMatch(
      /id="f-involving-rating-1" name="f.involving.rating" type="radio" value="2" checked/,
    );
    expect(page.text).toContain('Staff survey</textarea>');
    // actions are not copied: they are listed, and ticked off, on their own
    expect(page.text).not.toContain('value="Ask the panel"');
    expect(page.text).toContain('(by 10 April 2027)');

    const second = await plan(ann.agent, ratings(4), '/modules/activity-self-assessment/submissions');
    expect(second.status).toBe(303);
    const after = await ann.agent.get('/modules/activity-self-assessment');
    const svg = /<svg[\s\S]*?<\/svg>/.exec(after.text)![0];
    expect(svg).toContain('font-family="arial, sans-serif"');
    expect(svg).toContain('font-size="16"');
    expect(svg).toContain('width="288"');
    // attempts are dated by when they were saved, by the service's clock: 27 March, then 90 days on
    expect(svg).toContain('Attempt 1, 27 March 2027');
    expect(svg).toContain('Attempt 2, 25 June 2027');
    expect(after.text).toContain('class="pw-chart-table" role="region"');
    expect(after.text).toMatch(/Attempt 2<span class="pw-attempt-date">\d+ [A-Z][a-z]{2,3} \d{4}<\/span>/);
    // a token lasts a day by the same clock: the one from three months ago has expired
    const api = await request(t.app)
      .get('/api/v1/me/forms/activity-self-assessment')
      .set(auth(await t.token('ann@example.org')));
    expect(api.body.chart.attempts).toEqual([{ label: 'Attempt 1' }, { label: 'Attempt 2' }]);
    expect(api.body.chart.rows[0]).toMatchObject({ values: [2, 4], change: 2 });
  });
});
