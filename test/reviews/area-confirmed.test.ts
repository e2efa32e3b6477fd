import request from 'supertest';
import type { Actor } from '../../src/shared/actor';
import type { AreaConfirmation } from '../../src/reviews/area-watch';
import { makeTestApp, type TestApp } from '../helpers/app';

/**
 * Issue 32, the interface the badges feature builds on: reviews.areaConfirmed(learnerId, areaId) says whether every
 * outcome of an area is confirmed (with who confirmed each and when), and reviews.onAreaChange(listener) is told,
 * inside the deciding transaction, when an area becomes confirmed and when it stops being.
 */

let t: TestApp;
let learnerToken: string;
let learnerId: number;
let trainer: Actor;
const heard: (AreaConfirmation & { at: string })[] = [];

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
  const tr = await t.user('trainer', 'rita@example.org', 'Rita Reviewer');
  trainer = { id: tr.id, email: tr.email, name: 'Rita Reviewer', role: 'trainer' };
  const l = await t.user('learner', 'lee@example.org', 'Lee Learner');
  learnerId = l.id;
  learnerToken = await t.token(l.email);
  const cohort = await request(t.app)
    .post('/api/v1/cohorts')
    .set(auth(await t.token(tr.email)))
    .send({ name: 'Badged' });
  await request(t.app)
    .post(`/api/v1/cohorts/${cohort.body.id}/members`)
    .set(auth(await t.token(tr.email)))
    .send({ emails: [l.email] });
  t.services.reviews.onAreaChange(async (c) => {
    heard.push({
      learnerId: c.learnerId,
      areaId: c.areaId,
      confirmed: c.confirmed,
      outcomes: c.outcomes,
      at: c.at,
    });
  });
});
afterAll(() => t.close());

const claim = (id: string, evidence: string) =>
  request(t.app)
    .put(`/api/v1/me/outcomes/${id}`)
    .set(auth(learnerToken))
    .send({ status: 'achieved', evidence });

async function confirmWaiting(outcomeId: string, comment = '') {
  const [latest] = await t.services.reviews.history(learnerId, outcomeId);
  return t.services.reviews.decide(latest.id, { decision: 'confirm', comment }, trainer);
}

test('an area is confirmed once a trainer confirmed every outcome; the listener hears it become and stop being so', async () => {
  for (const id of ['LI1', 'LI2', 'LI3']) {
    const res = await claim(id, `What I did for ${id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('awaiting_review');
  }
  expect(await t.services.reviews.areaConfirmed(learnerId, 'listening')).toMatchObject({
    confirmed: false,
    outcomes: [],
  });

  await confirmWaiting('LI1', 'Good sources');
  t.clock.advance(60_000);
  await confirmWaiting('LI2');
  expect(heard).toEqual([]);
  const partial = await t.services.reviews.areaConfirmed(learnerId, 'listening');
  expect(partial.confirmed).toBe(false);
  expect(partial.outcomes.map((o) => o.id)).toEqual(['LI1', 'LI2']);

  t.clock.advance(60_000);
  await confirmWaiting('LI3');
  const whole = await t.services.reviews.areaConfirmed(learnerId, 'listening');
  expect(whole).toMatchObject({ learnerId, areaId: 'listening', confirmed: true });
  expect(whole.outcomes.map((o) => [o.id, o.confirmedBy, o.confirmedById, o.comment])).toEqual([
    ['LI1', 'Rita Reviewer', trainer.id, 'Good sources'],
    ['LI2', 'Rita Reviewer', trainer.id, ''],
    ['LI3', 'Rita Reviewer', trainer.id, ''],
  ]);
  expect(
    whole.outcomes[2].confirmedAt.getTime() - whole.outcomes[0].confirmedAt.getTime(),
  ).toBeGreaterThanOrEqual(120_000);
  expect(heard).toEqual([{ ...whole, at: whole.outcomes[2].confirmedAt.toISOString() }]);

  // the other area is untouched; an unknown one is a 404
  expect((await t.services.reviews.areaConfirmed(learnerId, 'measuring')).confirmed).toBe(false);
  await expect(t.services.reviews.areaConfirmed(learnerId, 'nowhere')).rejects.toMatchObject({ status: 404 });

  // evidence changed after confirmation goes back to review: the area is no longer confirmed, and the listener hears it
  const changed = await claim('LI2', 'What I did for LI2, told better');
  expect(changed.body.status).toBe('awaiting_review');
  expect(heard).toHaveLength(2);
  expect(heard[1]).toMatchObject({ areaId: 'listening', confirmed: false });
  expect(heard[1].outcomes.map((o) => o.id)).toEqual(['LI1', 'LI3']);

  // confirmed again: heard again (a new badge is the badges feature's business)
  await confirmWaiting('LI2');
  expect(heard).toHaveLength(3);
  expect(heard[2].confirmed).toBe(true);
});

test('saving the same evidence again is no change, and a listener that throws undoes the decision', async () => {
  const again = await claim('LI1', 'What I did for LI1');
  expect(again.body.status).toBe('achieved');
  expect(heard).toHaveLength(3);

  await claim('ME1', 'm1');
  await claim('ME2', 'm2');
  await claim('ME3', 'm3');
  await confirmWaiting('ME1');
  await confirmWaiting('ME2');
  t.services.reviews.onAreaChange(async (c) => {
    if (c.areaId === 'measuring') throw new Error('the badge could not be written');
  });
  await expect(confirmWaiting('ME3')).rejects.toThrow('the badge could not be written');
  expect((await t.services.reviews.areaConfirmed(learnerId, 'measuring')).confirmed).toBe(false);
  const [latest] = await t.services.reviews.history(learnerId, 'ME3');
  expect(latest.decision).toBeNull();
});
