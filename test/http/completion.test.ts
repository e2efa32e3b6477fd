import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

// Issue 18, items 1 and 2: completion that means something, and "Your progress" as a task list.
let t: TestApp;
let trainer: string;
let cohortId: number;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
  trainer = await t.token((await t.user('trainer')).email);
  cohortId = (await request(t.app).post('/api/v1/cohorts').set(auth(trainer)).send({ name: 'Completion' }))
    .body.id;
});
afterAll(() => t.close());

interface Learner {
  id: number;
  agent: TestAgent;
  csrf: string;
  token: string;
}

async function learner(): Promise<Learner> {
  const u = await t.user('learner');
  const { agent, csrf } = await t.signIn(u.email);
  return { id: u.id, agent, csrf, token: await t.token(u.email) };
}

const statusOf = async (userId: number, moduleId: string) =>
  (
    await t.db.get<{ status: string }>(
      'SELECT status FROM module_progress WHERE user_id = ? AND module_id = ?',
      [userId, moduleId],
    )
  )?.status ?? 'not_started';

const count = async (table: string) =>
  (await t.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;

describe('completion', () => {
  it('writes nothing when a learner opens a module page: opening is not progress', async () => {
    const me = await learner();
    const before = [await count('module_progress'), await count('events')];
    for (const id of ['intro-welcome', 'case-town-hall', 'activity-reflection', 'area-listening']) {
      const res = await me.agent.get(`/modules/${id}`);
      expect(res.status).toBe(200);
    }
    expect([await count('module_progress'), await count('events')]).toEqual(before);
    expect(await statusOf(me.id, 'case-town-hall')).toBe('not_started');
    const page = await me.agent.get('/modules/case-town-hall');
    expect(page.text).toContain('You have answered 0 of 2 questions');
    expect(page.text).not.toContain('action="/modules/case-town-hall/complete"');
  });

  it('completes a form module when its form is submitted', async () => {
    const me = await learner();
    const page = await me.agent.get('/modules/activity-reflection');
    expect(page.text).toContain('This module is complete when you submit the form');
    const res = await me.agent.post('/modules/activity-reflection/submissions').type('form').send({
      _csrf: me.csrf,
      'f.reflection.heard': 'Queues at the front desk',
      'f.reflection.channel': 'Front line',
    });
    expect(res.status).toBe(303);
    expect(await statusOf(me.id, 'activity-reflection')).toBe('completed');
    const after = await me.agent.get('/modules/activity-reflection');
    expect(after.text).toContain('You completed this module when you submitted the form.');
    expect(after.text).toContain('action="/modules/activity-reflection/incomplete"');
  });

  it('does not complete a form module when the form is refused', async () => {
    const me = await learner();
    const res = await me.agent
      .post('/modules/activity-reflection/submissions')
      .type('form')
      .send({ _csrf: me.csrf, 'f.reflection.heard': '' });
    expect(res.status).toBe(422);
    expect(await statusOf(me.id, 'activity-reflection')).toBe('not_started');
  });

  it('marks a module in progress at the first answer and completes it when every prompt is answered', async () => {
    const me = await learner();
    const first = await me.agent
      .post('/modules/case-town-hall/responses')
      .type('form')
      .send({ _csrf: me.csrf, 'answer:li-1': 'They held a listening day', 'answer:me-1': '' });
    expect(first.status).toBe(303);
    expect(await statusOf(me.id, 'case-town-hall')).toBe('in_progress');
    expect((await me.agent.get('/modules/case-town-hall')).text).toContain(
      'You have answered 1 of 2 questions',
    );
    await me.agent
      .post('/modules/case-town-hall/responses')
      .type('form')
      .send({ _csrf: me.csrf, 'answer:li-1': 'They held a listening day', 'answer:me-1': 'Repeat contacts' });
    expect(await statusOf(me.id, 'case-town-hall')).toBe('completed');
    const verbs = await t.db.all(
      "SELECT verb FROM events WHERE user_id = ? AND object_type = 'module' ORDER BY id",
      [me.id],
    );
    expect(verbs).toEqual([{ verb: 'experienced' }, { verb: 'completed' }]);
    const page = await me.agent.get('/modules/case-town-hall');
    expect(page.text).toContain('You completed this module by answering every question.');
  });

  it('completes through the API when the last answer is saved (as the page autosaves)', async () => {
    const me = await learner();
    const put = (prompt: string, text: string) =>
      request(t.app).put(`/api/v1/me/responses/case-town-hall/${prompt}`).set(auth(me.token)).send({ text });
    expect((await put('li-1', 'Listening day')).status).toBe(200);
    expect(await statusOf(me.id, 'case-town-hall')).toBe('in_progress');
    expect((await put('me-1', 'Repeat contacts')).status).toBe(200);
    expect(await statusOf(me.id, 'case-town-hall')).toBe('completed');
  });

  it('marks a reading module complete, and the learner can undo it', async () => {
    const me = await learner();
    const page = await me.agent.get('/modules/intro-welcome');
    expect(page.text).toContain('action="/modules/intro-welcome/complete"');
    const done = await me.agent.post('/modules/intro-welcome/complete').type('form').send({ _csrf: me.csrf });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/modules/intro-welcome?saved=completed#completion');
    expect(await statusOf(me.id, 'intro-welcome')).toBe('completed');
    const completed = await me.agent.get(done.headers.location);
    expect(completed.text).toContain('You marked this module as complete.');
    expect(completed.text).toContain('Mark as not complete');

    const undo = await me.agent
      .post('/modules/intro-welcome/incomplete')
      .type('form')
      .send({ _csrf: me.csrf });
    expect(undo.status).toBe(303);
    expect(undo.headers.location).toBe('/modules/intro-welcome?saved=reopened#completion');
    expect(await statusOf(me.id, 'intro-welcome')).toBe('not_started');
    const reopened = await me.agent.get(undo.headers.location);
    expect(reopened.text).toContain('This module is no longer marked as complete.');
    expect(reopened.text).toContain('action="/modules/intro-welcome/complete"');
  });

  it('undoing a completion keeps the module in progress when work is saved on it', async () => {
    const me = await learner();
    await me.agent.post('/modules/activity-reflection/submissions').type('form').send({
      _csrf: me.csrf,
      'f.reflection.heard': 'Complaints about letters',
    });
    expect(await statusOf(me.id, 'activity-reflection')).toBe('completed');
    await me.agent.post('/modules/activity-reflection/incomplete').type('form').send({ _csrf: me.csrf });
    expect(await statusOf(me.id, 'activity-reflection')).toBe('in_progress');
    expect(await t.db.get('SELECT COUNT(*) AS n FROM submissions WHERE user_id = ?', [me.id])).toEqual({
      n: 1,
    });
    const refused = await me.agent.post('/modules/intro-welcome/incomplete').type('form').send({});
    expect(refused.status).toBe(403);
  });

  it('links to the previous and next module in pack order', async () => {
    const me = await learner();
    const first = await me.agent.get('/modules/intro-welcome');
    expect(first.text).not.toContain('rel="prev"');
    expect(first.text).toMatch(/href="\/modules\/area-listening" rel="next"/);
    const mid = await me.agent.get('/modules/case-town-hall');
    expect(mid.text).toMatch(/href="\/modules\/raid-report" rel="prev"/);
    expect(mid.text).toMatch(/href="\/modules\/activity-self-assessment" rel="next"/);
    expect(mid.text).toContain('<span class="govuk-pagination__link-label">Self-assessment');
  });

  it('shows the next thing to do by due date, not by status', async () => {
    const me = await learner();
    await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/members`)
      .set(auth(trainer))
      .send({ userIds: [me.id] });
    const assign = (moduleId: string, days: number) =>
      request(t.app)
        .post(`/api/v1/cohorts/${cohortId}/assignments`)
        .set(auth(trainer))
        .send({ moduleId, dueAt: inDays(days) });
    await assign('case-town-hall', 14);
    await assign('intro-welcome', 3);
    await assign('area-listening', 7);
    // Work started on the module due last must not jump the queue.
    await me.agent
      .post('/modules/case-town-hall/responses')
      .type('form')
      .send({ _csrf: me.csrf, 'answer:li-1': 'Started' });
    const next = (html: string) =>
      /Next thing to do<\/h2>\s*<p class="govuk-body"><a [^>]*href="([^"]+)"/.exec(html)?.[1];
    const home = await me.agent.get('/');
    expect(next(home.text)).toBe('/modules/intro-welcome');
    expect(home.text).toMatch(/Then:[\s\S]*area-listening[\s\S]*case-town-hall/);
    await me.agent.post('/modules/intro-welcome/complete').type('form').send({ _csrf: me.csrf });
    expect(next((await me.agent.get('/')).text)).toBe('/modules/area-listening');
    await me.agent.post('/modules/area-listening/complete').type('form').send({ _csrf: me.csrf });
    expect(next((await me.agent.get('/')).text)).toBe('/modules/case-town-hall');
  });
});

describe('your progress', () => {
  it('is a task list by learning area, one row per outcome with its status on the right', async () => {
    const me = await learner();
    await request(t.app)
      .put('/api/v1/me/outcomes/LI2')
      .set(auth(me.token))
      .send({ status: 'achieved', evidence: 'Ran a complaints review' });
    // issue 32: LI2 waits for the trainer's review; ME2 is self-assessed, achieved at once
    await request(t.app)
      .put('/api/v1/me/outcomes/ME2')
      .set(auth(me.token))
      .send({ status: 'achieved', evidence: 'A baseline and a target' });
    const res = await me.agent.get('/progress');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<form method="post" action="/outcomes/');
    expect(
      res.text.match(/class="govuk-task-list__item govuk-task-list__item--with-link" id="outcome-/g),
    ).toHaveLength(6);
    const row = /<li [^>]*id="outcome-LI2">([\s\S]*?)<\/li>/.exec(res.text)![1];
    expect(row).toContain('href="/progress/outcomes/LI2?back=%2Fprogress"');
    expect(row).toContain('aria-describedby="outcome-LI2-status"');
    expect(row).toMatch(
      /<div class="govuk-task-list__status" id="outcome-LI2-status"><strong class="govuk-tag govuk-tag--blue">Awaiting review<\/strong><\/div>/,
    );
    expect(res.text).toMatch(
      /<div class="govuk-task-list__status" id="outcome-ME2-status"><strong class="govuk-tag govuk-tag--green">Achieved<\/strong><\/div>/,
    );
    expect(res.text).toMatch(
      /<h3 class="govuk-heading-m" id="area-listening">Listening and customer insight<\/h3>/,
    );
    expect(res.text).toContain('0 of 3 achieved'); // listening: LI2 not yet confirmed
    expect(res.text).toContain('1 of 3 achieved'); // measuring: ME2
  });

  it('shows assigned modules, answers and actions as the help and the self-assessment promise', async () => {
    const me = await learner();
    await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/members`)
      .set(auth(trainer))
      .send({ userIds: [me.id] });
    await me.agent
      .post('/modules/case-town-hall/responses')
      .type('form')
      .send({ _csrf: me.csrf, 'answer:li-1': 'A listening day' });
    const res = await me.agent.get('/progress');
    expect(res.text).toContain('id="assigned"');
    expect(res.text).toMatch(
      /href="\/modules\/intro-welcome"[^>]*>[^<]+<\/a>\s*<div class="govuk-task-list__hint">/,
    );
    expect(res.text).toContain('1 of 2 questions answered');
    expect(res.text).toContain('href="/modules/case-town-hall#your-answers"');
    expect(res.text).toContain('id="your-actions"');
    expect(res.text).toContain('id="self-assessment"');
  });

  it('edits one outcome on its own page with a back link to where the learner came from', async () => {
    const me = await learner();
    const page = await me.agent.get('/progress/outcomes/LI1?back=/modules/case-town-hall');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/modules/case-town-hall" class="govuk-back-link">Back</a>');
    expect(page.text).toContain('<input type="hidden" name="returnTo" value="/modules/case-town-hall">');
    expect(page.text).toContain('data-module="govuk-character-count"');
    const fromProgress = await me.agent.get('/progress/outcomes/LI1');
    expect(fromProgress.text).toContain(
      '<a href="/progress" class="govuk-back-link">Back to your progress</a>',
    );
    const evil = await me.agent.get('/progress/outcomes/LI1?back=//evil.example');
    expect(evil.text).toContain('<a href="/progress" class="govuk-back-link">');

    const saved = await me.agent.post('/progress/outcomes/LI1').type('form').send({
      _csrf: me.csrf,
      status: 'in_progress',
      evidence: 'Drafting',
      returnTo: '/modules/case-town-hall',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/modules/case-town-hall?saved=LI1#outcome-LI1');
    const back = await me.agent
      .post('/progress/outcomes/LI1')
      .type('form')
      .send({ _csrf: me.csrf, status: 'achieved', evidence: 'Done it', returnTo: '/progress' });
    expect(back.headers.location).toBe('/progress?saved=LI1#outcome-LI1');
    expect((await me.agent.get(back.headers.location)).text).toContain('Your progress on');
    expect((await me.agent.get('/progress/outcomes/LI1')).text).toContain('Earlier versions (1)');
    expect((await me.agent.get('/progress/outcomes/NOPE')).status).toBe(404);
  });

  it('shows an outcome page error on that page, with what the learner chose kept', async () => {
    const me = await learner();
    const res = await me.agent
      .post('/progress/outcomes/LI1')
      .type('form')
      .send({ _csrf: me.csrf, status: 'achieved', evidence: '', returnTo: '/modules/area-listening' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Error: LI1:');
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('href="#LI1-evidence"');
    expect(res.text).toContain('id="LI1-evidence-error"');
    expect(res.text).toContain('<a href="/modules/area-listening" class="govuk-back-link">');
    expect(res.text).toMatch(/value="achieved" checked/);
    expect(res.text).not.toContain('<h1 class="govuk-heading-xl">Your progress</h1>');
    const noStatus = await me.agent
      .post('/progress/outcomes/LI1')
      .type('form')
      .send({ _csrf: me.csrf, evidence: 'Some', returnTo: '/progress' });
    expect(noStatus.status).toBe(422);
    expect(noStatus.text).toContain('href="#LI1-status"');
    expect(noStatus.text).toContain('id="LI1-status"');
    expect(noStatus.text).toContain('>Some</textarea>');
  });

  it("shows a learning-area page's outcome form errors on that page, not on /progress", async () => {
    const me = await learner();
    const res = await me.agent
      .post('/outcomes/LI1')
      .type('form')
      .send({ _csrf: me.csrf, status: 'achieved', evidence: '', returnTo: '/modules/area-listening' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<h1 class="govuk-heading-xl">Listening and customer insight</h1>');
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('id="LI1-evidence-error"');
    expect(res.text).not.toContain('<h1 class="govuk-heading-xl">Your progress</h1>');
    expect(await t.db.get('SELECT COUNT(*) AS n FROM outcome_progress WHERE user_id = ?', [me.id])).toEqual({
      n: 0,
    });
  });

  it('links outcomes on other modules to their own edit page, coming back to the module', async () => {
    const me = await learner();
    const res = await me.agent.get('/modules/case-town-hall');
    expect(res.text).toContain('href="/progress/outcomes/LI1?back=%2Fmodules%2Fcase-town-hall"');
  });
});
