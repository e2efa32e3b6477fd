import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { makeTestApp, type TestApp } from '../helpers/app';

/**
 * Issue 32, review of evidence: an outcome a learner marks achieved waits for their trainer (the fixture pack's
 * listening area, LI, is reviewed by a trainer; its measuring area, ME, is `review: self`); the trainer confirms it or
 * returns it with feedback; the learner answers and resubmits. Through the API and the pages, on both engines, with
 * the cohort-only rule, the history in the record and the data export, the audit log and the learner's messages.
 */

let t: TestApp;
const tokens: Record<string, string> = {};
const ids: Record<string, number> = {};
let cohortA: number;
let cohortB: number;

const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
const put = (who: string, outcomeId: string, body: object) =>
  request(t.app).put(`/api/v1/me/outcomes/${outcomeId}`).set(auth(who)).send(body);
const queue = async (who: string, cohortId = cohortA) =>
  request(t.app).get(`/api/v1/cohorts/${cohortId}/reviews`).set(auth(who));
const decide = (who: string, reviewId: number, body: object) =>
  request(t.app).post(`/api/v1/reviews/${reviewId}`).set(auth(who)).send(body);
const waitingId = async (learner: string, outcomeId: string, cohortId = cohortA) => {
  const res = await queue('tess', cohortId === cohortA ? cohortA : cohortB);
  const item = (res.body.reviews as { id: number; learner: { id: number }; outcomeId: string }[]).find(
    (r) => r.learner.id === ids[learner] && r.outcomeId === outcomeId,
  );
  if (!item) throw new Error(`nothing waiting for ${learner} ${outcomeId}`);
  return item.id;
};
const outcomeOf = async (who: string, outcomeId: string) => {
  const res = await request(t.app).get('/api/v1/me/progress').set(auth(who));
  return (res.body.areas as { outcomes: { id: string }[] }[])
    .flatMap((a) => a.outcomes)
    .find((o) => o.id === outcomeId) as Record<string, unknown>;
};
const messagesTo = (who: string) =>
  t.db.all<{ kind: string; subject: string; body_text: string }>(
    'SELECT kind, subject, body_text FROM messages WHERE user_id = ? ORDER BY id',
    [ids[who]],
  );

beforeAll(async () => {
  t = await makeTestApp();
  for (const [name, role] of [
    ['tess', 'trainer'],
    ['otto', 'trainer'],
    ['ada', 'admin'],
    ['lee', 'learner'],
    ['mo', 'learner'],
    ['quiet', 'learner'],
  ] as const) {
    const u = await t.user(role, `${name}@example.org`, name[0].toUpperCase() + name.slice(1));
    ids[name] = u.id;
    tokens[name] = await t.token(u.email);
  }
  cohortA = (await request(t.app).post('/api/v1/cohorts').set(auth('tess')).send({ name: 'Alpha' })).body.id;
  cohortB = (await request(t.app).post('/api/v1/cohorts').set(auth('otto')).send({ name: 'Beta' })).body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortA}/members`)
    .set(auth('tess'))
    .send({ emails: ['lee@example.org', 'quiet@example.org'] });
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortB}/members`)
    .set(auth('otto'))
    .send({ emails: ['mo@example.org'] });
});
afterAll(() => t.close());

describe('through the API', () => {
  let reviewId: number;

  test('achieved evidence waits for review, oldest first in the cohort’s queue, with the outcome beside it', async () => {
    const first = await put('lee', 'LI1', {
      status: 'achieved',
      evidence: 'Two sources: complaints and a survey',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcomeId: 'LI1', status: 'awaiting_review' });
    t.clock.advance(1000);
    await put('quiet', 'LI2', { status: 'achieved', evidence: 'Segments: new and returning' });
    const res = await queue('tess');
    expect(res.status).toBe(200);
    expect(res.body.cohort).toEqual({ id: cohortA, name: 'Alpha' });
    expect(res.body.reviews.map((r: { outcomeId: string }) => r.outcomeId)).toEqual(['LI1', 'LI2']);
    expect(res.body.reviews[0]).toMatchObject({
      outcomeId: 'LI1',
      evidence: 'Two sources: complaints and a survey',
      decision: null,
      learner: { id: ids.lee, name: 'Lee', email: 'lee@example.org' },
      outcome: {
        id: 'LI1',
        text: 'Evaluate current provision from two sources of customer evidence.',
        area: 'Listening and customer insight',
      },
    });
    reviewId = res.body.reviews[0].id;
    expect((await outcomeOf('lee', 'LI1')).status).toBe('awaiting_review');
  });

  test('a return needs feedback (422); it sends the outcome back to in progress, tells the learner, and is final (409)', async () => {
    const bare = await decide('tess', reviewId, { decision: 'return' });
    expect(bare.status).toBe(422);
    expect(bare.body.error.details).toEqual([expect.objectContaining({ field: 'comment' })]);
    expect((await decide('tess', reviewId, { decision: 'maybe' })).status).toBe(422);

    const returned = await decide('tess', reviewId, {
      decision: 'return',
      comment: 'Say what you changed because of the survey.',
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({
      id: reviewId,
      decision: 'returned',
      decidedBy: 'Tess',
      comment: 'Say what you changed because of the survey.',
    });
    expect((await decide('tess', reviewId, { decision: 'confirm' })).status).toBe(409);

    expect(await outcomeOf('lee', 'LI1')).toMatchObject({
      status: 'in_progress',
      evidence: 'Two sources: complaints and a survey',
      returned: { by: 'Tess', comment: 'Say what you changed because of the survey.' },
      confirmed: null,
    });
    const history = await request(t.app).get('/api/v1/me/outcomes/LI1/reviews').set(auth('lee'));
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({
      outcomeId: 'LI1',
      status: 'in_progress',
      reviews: [{ id: reviewId, decision: 'returned', decidedBy: 'Tess' }],
    });
    const mail = await messagesTo('lee');
    expect(mail).toEqual([
      expect.objectContaining({ kind: 'review', subject: 'Your evidence has been returned with feedback' }),
    ]);
    expect(mail[0].body_text).toContain('Say what you changed because of the survey.');
    expect((await queue('tess')).body.reviews.map((r: { outcomeId: string }) => r.outcomeId)).toEqual([
      'LI2',
    ]);
  });

  test('the learner answers and resubmits; the trainer confirms; the history holds every decision', async () => {
    const again = await put('lee', 'LI1', {
      status: 'achieved',
      evidence: 'Two sources: complaints and a survey. We changed the opening hours.',
      note: 'Added what changed.',
    });
    expect(again.body.status).toBe('awaiting_review');
    const id = await waitingId('lee', 'LI1');
    const item = (await queue('tess')).body.reviews.find((r: { id: number }) => r.id === id);
    expect(item.note).toBe('Added what changed.');
    const confirmed = await decide('tess', id, { decision: 'confirm', comment: 'Clear and complete.' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.decision).toBe('confirmed');
    expect(await outcomeOf('lee', 'LI1')).toMatchObject({
      status: 'achieved',
      confirmed: { by: 'Tess', comment: 'Clear and complete.' },
      returned: null,
    });
    const history = await request(t.app).get('/api/v1/me/outcomes/LI1/reviews').set(auth('lee'));
    expect(history.body.status).toBe('achieved');
    expect(history.body.reviews.map((r: { decision: string }) => r.decision)).toEqual([
      'confirmed',
      'returned',
    ]);
    expect((await messagesTo('lee')).map((m) => m.subject)).toEqual([
      'Your evidence has been returned with feedback',
      'Your evidence has been confirmed',
    ]);

    const audit = await t.db.all<{ action: string; actor_id: number; target: string; detail: string }>(
      "SELECT action, actor_id, target, detail FROM audit_log WHERE action LIKE 'review.%' ORDER BY id",
    );
    expect(audit).toEqual([
      {
        action: 'review.return',
        actor_id: ids.tess,
        target: `user:${ids.lee}`,
        detail: expect.stringContaining('LI1'),
      },
      {
        action: 'review.confirm',
        actor_id: ids.tess,
        target: `user:${ids.lee}`,
        detail: expect.stringContaining('LI1'),
      },
    ]);
  });

  test('evidence changed after confirmation goes back to review; a withdrawn or replaced submission cannot be decided', async () => {
    const confirmedId = (await request(t.app).get('/api/v1/me/outcomes/LI1/reviews').set(auth('lee'))).body
      .reviews[0].id;
    const changed = await put('lee', 'LI1', { status: 'achieved', evidence: 'Rewritten evidence' });
    expect(changed.body.status).toBe('awaiting_review');
    expect((await decide('tess', confirmedId, { decision: 'return', comment: 'x' })).status).toBe(409);
    const replaced = await waitingId('lee', 'LI1');
    await put('lee', 'LI1', { status: 'in_progress', evidence: 'Rewritten evidence' });
    const withdrawn = await decide('tess', replaced, { decision: 'confirm' });
    expect(withdrawn.status).toBe(409);
    expect(withdrawn.body.error.message).toMatch(/changed or withdrawn/);
    expect((await queue('tess')).body.reviews.map((r: { outcomeId: string }) => r.outcomeId)).toEqual([
      'LI2',
    ]);
  });

  test('a self-assessed outcome is achieved at once and never queued', async () => {
    const pack = await request(t.app).get('/api/v1/pack').set(auth('lee'));
    const rules = (pack.body.areas as { outcomes: { id: string; review: string }[] }[]).flatMap((a) =>
      a.outcomes.map((o) => `${o.id}:${o.review}`),
    );
    expect(rules).toEqual(['LI1:trainer', 'LI2:trainer', 'LI3:trainer', 'ME1:self', 'ME2:self', 'ME3:self']);
    const res = await put('lee', 'ME1', { status: 'achieved', evidence: 'Chose three outcome measures' });
    expect(res.body.status).toBe('achieved');
    expect(await outcomeOf('lee', 'ME1')).toMatchObject({ status: 'achieved', confirmed: null });
    expect((await queue('tess')).body.reviews.some((r: { outcomeId: string }) => r.outcomeId === 'ME1')).toBe(
      false,
    );
  });

  test('a learner who turned these messages off gets none', async () => {
    await t.services.messages.setChoices(ids.quiet, ['assignment', 'reminder', 'self_assessment']);
    const id = await waitingId('quiet', 'LI2');
    expect((await decide('ada', id, { decision: 'return', comment: 'Name the two segments.' })).status).toBe(
      200,
    );
    expect(await messagesTo('quiet')).toEqual([]);
    expect((await outcomeOf('quiet', 'LI2')).returned).toMatchObject({
      by: 'Ada',
      comment: 'Name the two segments.',
    });
  });
});

describe('the cohort-only rule', () => {
  let moReview: number;
  beforeAll(async () => {
    await put('mo', 'LI3', { status: 'achieved', evidence: 'Told customers in the newsletter' });
    moReview = (await queue('otto', cohortB)).body.reviews[0].id;
  });

  test('a trainer of another cohort can neither see the queue nor decide', async () => {
    expect((await queue('tess', cohortB)).status).toBe(404);
    const refused = await decide('tess', moReview, { decision: 'confirm' });
    expect(refused.status).toBe(404);
    const page = await t.signIn('tess@example.org');
    const forged = await page.agent
      .post(`/cohorts/${cohortA}/reviews/${moReview}`)
      .type('form')
      .send({ _csrf: page.csrf, decision: 'confirm' });
    expect(forged.status).toBe(404);
    expect((await outcomeOf('mo', 'LI3')).status).toBe('awaiting_review');
  });

  test('a learner cannot confirm their own evidence: not by the API, not by a forged form, not from their page', async () => {
    expect((await decide('mo', moReview, { decision: 'confirm' })).status).toBe(403);
    expect((await queue('mo', cohortB)).status).toBe(403);
    const me = await t.signIn('mo@example.org');
    const forged = await me.agent
      .post(`/cohorts/${cohortB}/reviews/${moReview}`)
      .type('form')
      .send({ _csrf: me.csrf, decision: 'confirm' });
    expect(forged.status).toBe(403);
    // the outcome form takes no decision, whatever is added to it
    const own = await me.agent.post('/progress/outcomes/LI3').type('form').send({
      _csrf: me.csrf,
      status: 'achieved',
      evidence: 'Told customers in the newsletter',
      decision: 'confirm',
      returnTo: '/progress',
    });
    expect(own.status).toBe(303);
    const page = await me.agent.get('/progress/outcomes/LI3');
    expect(page.text).toContain('Awaiting review');
    expect(page.text).not.toContain('name="decision"');
    expect((await outcomeOf('mo', 'LI3')).status).toBe('awaiting_review');
  });

  test('its own trainer and any admin may decide', async () => {
    expect((await decide('otto', moReview, { decision: 'confirm' })).status).toBe(200);
    await put('mo', 'LI3', {
      status: 'achieved',
      evidence: 'Told customers in the newsletter and at the desk',
    });
    const next = (await queue('otto', cohortB)).body.reviews[0].id;
    expect((await decide('ada', next, { decision: 'confirm' })).status).toBe(200);
    expect((await outcomeOf('mo', 'LI3')).confirmed).toMatchObject({ by: 'Ada' });
  });
});

describe('through the pages', () => {
  let tess: TestAgent;
  let tessCsrf: string;
  let lee: TestAgent;
  let leeCsrf: string;
  beforeAll(async () => {
    ({ agent: tess, csrf: tessCsrf } = await t.signIn('tess@example.org'));
    ({ agent: lee, csrf: leeCsrf } = await t.signIn('lee@example.org'));
  });

  test('return with feedback, the learner answers and resubmits, the trainer confirms; the record shows who and when', async () => {
    const marked = await lee.post('/progress/outcomes/LI3').type('form').send({
      _csrf: leeCsrf,
      status: 'achieved',
      evidence: 'A “you said, we did” poster',
      returnTo: '/progress',
    });
    expect(marked.status).toBe(303);
    const matrixBefore = await tess.get(`/cohorts/${cohortA}`);
    expect(matrixBefore.text).toContain(`href="/cohorts/${cohortA}/reviews">Evidence to review (1)</a>`);
    let page = await tess.get(`/cohorts/${cohortA}/reviews`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('A “you said, we did” poster');
    expect(page.text).toContain('Tell customers what changed because of what they said.');
    const id = (await queue('tess')).body.reviews.find(
      (r: { outcomeId: string; learner: { id: number } }) =>
        r.outcomeId === 'LI3' && r.learner.id === ids.lee,
    ).id as number;
    expect(page.text).toContain(`id="review-${id}"`);
    const cell = await tess.get(`/cohorts/${cohortA}/learners/${ids.lee}/outcomes/LI3`);
    expect(cell.text).toContain('Awaiting review');
    expect(cell.text).toContain(`href="/cohorts/${cohortA}/reviews#review-${id}">Review this evidence</a>`);

    const bare = await tess
      .post(`/cohorts/${cohortA}/reviews/${id}`)
      .type('form')
      .send({ _csrf: tessCsrf, decision: 'return' });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain(`href="#r${id}-comment"`);
    const returned = await tess
      .post(`/cohorts/${cohortA}/reviews/${id}`)
      .type('form')
      .send({ _csrf: tessCsrf, decision: 'return', comment: 'Add a photo of the poster in place.' });
    expect(returned.status).toBe(303);
    expect(returned.headers.location).toBe(`/cohorts/${cohortA}/reviews?done=returned`);

    page = await lee.get('/progress/outcomes/LI3');
    expect(page.text).toContain('Returned with feedback');
    expect(page.text).toContain('Add a photo of the poster in place.');
    expect(page.text).toContain('name="note"');
    const resubmitted = await lee.post('/progress/outcomes/LI3').type('form').send({
      _csrf: leeCsrf,
      status: 'achieved',
      evidence: 'A “you said, we did” poster, photographed in the foyer',
      note: 'Photo attached to the team site.',
      returnTo: '/progress',
    });
    expect(resubmitted.status).toBe(303);

    page = await tess.get(`/cohorts/${cohortA}/reviews`);
    expect(page.text).toContain('Photo attached to the team site.');
    const next = (await queue('tess')).body.reviews.find(
      (r: { outcomeId: string; learner: { id: number } }) =>
        r.outcomeId === 'LI3' && r.learner.id === ids.lee,
    ).id;
    const confirmed = await tess
      .post(`/cohorts/${cohortA}/reviews/${next}`)
      .type('form')
      .send({ _csrf: tessCsrf, decision: 'confirm', comment: '' });
    expect(confirmed.status).toBe(303);

    page = await lee.get('/progress/outcomes/LI3');
    expect(page.text).toMatch(/confirmed by Tess on/);
    const record = await lee.get('/account/record');
    expect(record.text).toContain('Confirmed by Tess on');
    expect(record.text).toContain('Add a photo of the poster in place.');
    const confirmedCell = await tess.get(`/cohorts/${cohortA}/learners/${ids.lee}/outcomes/LI3`);
    expect(confirmedCell.text).toMatch(/Confirmed<\/dt><dd class="govuk-summary-list__value">By Tess on/);
    expect(confirmedCell.text).not.toContain('Review this evidence');
    const trainerView = await tess.get(`/cohorts/${cohortA}/learners/${ids.lee}`);
    expect(trainerView.text).toContain('Confirmed by Tess on');

    // the matrix, its evidence page and the CSV say achieved; another learner's waiting evidence stays apart
    const matrix = await tess.get(`/cohorts/${cohortA}`);
    expect(matrix.text).toContain('Awaiting review');
    const csv = await tess.get(`/cohorts/${cohortA}/progress.csv`);
    expect(csv.text).toMatch(/^Lee,lee@example\.org,\d+,.*Achieved/m);
  });

  test('every decision is in the learner’s data export, and in the trainer’s', async () => {
    const mine = await request(t.app).get('/api/v1/me/export').set(auth('lee'));
    expect(mine.status).toBe(200);
    const reviews = mine.body.record.outcomeReviews as {
      outcome_id: string;
      decision: string | null;
      comment: string;
    }[];
    expect(reviews.filter((r) => r.outcome_id === 'LI3').map((r) => [r.decision, r.comment])).toEqual([
      ['returned', 'Add a photo of the poster in place.'],
      ['confirmed', ''],
    ]);
    expect(
      reviews.some(
        (r) => r.decision === 'returned' && r.comment === 'Say what you changed because of the survey.',
      ),
    ).toBe(true);
    const trainers = await request(t.app).get('/api/v1/me/export').set(auth('tess'));
    expect(trainers.body.record.reviewsDecided.length).toBeGreaterThanOrEqual(4);
    expect(trainers.body.record.reviewsDecided[0]).not.toHaveProperty('evidence');
  });
});
