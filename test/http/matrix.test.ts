import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

/** Issue 18 item 5: the progress matrix sorts, filters, totals, dates its modules and links each cell to evidence. */

let t: TestApp;
let trainer: TestAgent;
let trainerToken: string;
let cohortId: number;
const ids: Record<string, number> = {};

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The learners' names in the order the matrix shows them. */
function rows(html: string): string[] {
  return [
    ...html.matchAll(
      /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="[^"]+">([^<]+)<\/a>/g,
    ),
  ].map((m) => m[1]);
}

beforeAll(async () => {
  t = await makeTestApp();
  const tr = await t.user('trainer', 'tess@example.org', 'Tess Trainer');
  trainerToken = await t.token(tr.email);
  trainer = (await t.signIn(tr.email)).agent;
  const tokens: Record<string, string> = {};
  for (const name of ['Cat', 'ann', 'Bob']) {
    const u = await t.user('learner', `${name.toLowerCase()}@example.org`, name);
    ids[name] = u.id;
    tokens[name] = await t.token(u.email);
  }
  // Ann and Cat sign in through the page; Bob only ever used the API, so he has never signed in
  await t.signIn('ann@example.org');
  await t.signIn('cat@example.org');
  const created = await request(t.app)
    .post('/api/v1/cohorts')
    .set(auth(trainerToken))
    .send({ name: 'Matrix' });
  cohortId = created.body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(trainerToken))
    .send({ emails: ['ann@example.org', 'bob@example.org', 'cat@example.org'] });
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/assignments`)
    .set(auth(trainerToken))
    .send({ moduleId: 'area-listening', dueAt: inDays(5) });
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/assignments`)
    .set(auth(trainerToken))
    .send({ moduleId: 'case-town-hall', dueAt: inDays(9) });
  await t.db.run("UPDATE assignments SET due_on = ? WHERE module_id = 'area-listening'", [inDays(-3)]);
  await sleep(5);
  const put = (who: string, id: string, body: object) =>
    request(t.app).put(`/api/v1/me/outcomes/${id}`).set(auth(tokens[who])).send(body);
  await put('ann', 'LI1', { status: 'achieved', evidence: 'Ran a complaints review' });
  await put('ann', 'LI2', { status: 'achieved', evidence: 'Mapped our customers' });
  await put('ann', 'ME1', { status: 'achieved', evidence: 'Set up a survey' });
  await put('Cat', 'LI1', { status: 'achieved', evidence: 'Listened' });
  await put('Cat', 'ME2', { status: 'in_progress', evidence: '' });
  await request(t.app).post('/api/v1/me/modules/area-listening/complete').set(auth(tokens.ann));
  // issue 32: listening outcomes wait for the trainer's review; Tess confirms both LI1s and leaves Ann's LI2 waiting
  const queue = await request(t.app).get(`/api/v1/cohorts/${cohortId}/reviews`).set(auth(trainerToken));
  for (const r of queue.body.reviews as { id: number; outcomeId: string }[]) {
    if (r.outcomeId === 'LI1')
      await request(t.app)
        .post(`/api/v1/reviews/${r.id}`)
        .set(auth(trainerToken))
        .send({ decision: 'confirm' });
  }
});
afterAll(() => t.close());

describe('the progress matrix', () => {
  it('sorts by name by default, and by progress either way', async () => {
    expect(rows((await trainer.get(`/cohorts/${cohortId}`)).text)).toEqual(['ann', 'Bob', 'Cat']);
    const most = await trainer.get(`/cohorts/${cohortId}?sort=progress`);
    expect(rows(most.text)).toEqual(['ann', 'Cat', 'Bob']);
    expect(most.text).toContain('Showing all 3 learners, most progress first');
    expect(most.text).toMatch(/<option value="progress" selected>/);
    expect(rows((await trainer.get(`/cohorts/${cohortId}?sort=least-progress`)).text)).toEqual([
      'Bob',
      'Cat',
      'ann',
    ]);
    // progress within the area shown: in Measuring, Ann (ME1) is ahead of Cat (ME2 in progress), then Bob
    expect(rows((await trainer.get(`/cohorts/${cohortId}?sort=least-progress&area=measuring`)).text)).toEqual(
      ['Bob', 'Cat', 'ann'],
    );
  });

  it('answers trainers asking at once each in their own order, and shows a change made while another read ran', async () => {
    const [byName, mostFirst, leastFirst, again] = await Promise.all([
      trainer.get(`/cohorts/${cohortId}`),
      trainer.get(`/cohorts/${cohortId}?sort=progress`),
      request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(trainerToken)),
      trainer.get(`/cohorts/${cohortId}?sort=least-progress`),
    ]);
    expect(rows(byName.text)).toEqual(['ann', 'Bob', 'Cat']);
    expect(rows(mostFirst.text)).toEqual(['ann', 'Cat', 'Bob']);
    expect(leastFirst.status).toBe(200);
    expect(rows(again.text)).toEqual(['Bob', 'Cat', 'ann']);

    // a read starts, a module is assigned, then the page is asked for: it must show the new module
    const running = trainer.get(`/cohorts/${cohortId}`).then((res) => res); // sent now, not when awaited
    const assigned = await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/assignments`)
      .set(auth(trainerToken))
      .send({ moduleId: 'raid-plan', dueAt: inDays(20) });
    expect(assigned.status).toBe(201);
    const after = await trainer.get(`/cohorts/${cohortId}`);
    await running;
    expect(after.text).toContain('Plan a raid');
    await request(t.app)
      .delete(`/api/v1/cohorts/${cohortId}/assignments/${assigned.body.id}`)
      .set(auth(trainerToken));
  });

  it('filters to overdue learners, to those who never signed in, and to one learning area', async () => {
    const overdue = await trainer.get(`/cohorts/${cohortId}?show=overdue`);
    expect(rows(overdue.text)).toEqual(['Bob', 'Cat']);
    expect(overdue.text).toContain('Showing 2 of 3 learners');
    const never = await trainer.get(`/cohorts/${cohortId}?show=never-signed-in`);
    expect(rows(never.text)).toEqual(['Bob']);
    const area = await trainer.get(`/cohorts/${cohortId}?area=measuring`);
    expect(area.text).toContain('<abbr title="');
    expect(area.text).toMatch(/>ME1<\/abbr>/);
    expect(area.text).not.toMatch(/>LI1<\/abbr>/);
    // the filters combine, and a filter nobody matches says so
    expect(rows((await trainer.get(`/cohorts/${cohortId}?show=never-signed-in&sort=progress`)).text)).toEqual(
      ['Bob'],
    );
    await t.db.run("UPDATE users SET last_active_at = ? WHERE email_norm = 'bob@example.org'", [
      new Date().toISOString(),
    ]);
    const none = await trainer.get(`/cohorts/${cohortId}?show=never-signed-in`);
    expect(rows(none.text)).toEqual([]);
    expect(none.text).toContain('No learners match');
    await t.db.run("UPDATE users SET last_active_at = NULL WHERE email_norm = 'bob@example.org'");
  });

  it('refuses a hand-edited sort or filter with 400, and still shows every area for an unknown one', async () => {
    expect((await trainer.get(`/cohorts/${cohortId}?sort=shoe-size`)).status).toBe(400);
    expect((await trainer.get(`/cohorts/${cohortId}?show=everyone`)).status).toBe(400);
    const unknownArea = await trainer.get(`/cohorts/${cohortId}?area=nope`);
    expect(unknownArea.status).toBe(200);
    expect(unknownArea.text).toMatch(/>LI1<\/abbr>/);
    expect(unknownArea.text).toMatch(/>ME1<\/abbr>/);
  });

  it('shows totals per learner and per outcome, last sign-in, and modules with full titles and due dates', async () => {
    const html = (await trainer.get(`/cohorts/${cohortId}`)).text;
    const row = (name: string) => new RegExp(`>${name}</a></th>(.*?)</tr>`).exec(html)![1];
    expect(row('ann')).toContain('2 of 6</td>'); // LI1 and ME1; LI2 awaits review
    expect(row('ann')).toContain(
      `<td class="w"><a href="/cohorts/${cohortId}/learners/${ids.ann}/outcomes/LI2">?<span class="pw-vh">Awaiting review</span></a></td>`,
    );
    expect(row('ann')).toContain('1 of 2</td>');
    expect(row('Bob')).toContain('Never</td>');
    expect(row('Bob')).toContain('0 of 6</td>');
    expect(row('Cat')).not.toContain('Never');
    expect(html).toContain('Last signed in');
    // full titles, not truncated, each with its due date
    expect(html).toContain(
      'Listening and customer insight<span class="pw-matrix__due pw-matrix__due--past">Was due',
    );
    expect(html).toMatch(/pw-matrix__module">[^<]+<span class="pw-matrix__due">Due \d+ \w{3} \d{4}/);
    // the foot: LI1 achieved by 2 (Ann, Cat), LI2 by none (Ann's awaits review), ME1 by 1 …; area-listening completed by 1
    const foot = /<tfoot[^>]*>(.*?)<\/tfoot>/.exec(html)![1];
    expect(foot).toContain('Achieved or completed by (of 3)');
    expect([...foot.matchAll(/<td>(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual([2, 0, 0, 1, 0, 0, 1, 0]);
    // the cue that the table scrolls sideways, in the page itself (it works without JavaScript)
    expect(html).toContain('The table scrolls sideways');
    expect(html).toContain('/static/js/matrix.js');
  });

  it('links each cell with progress to that learner’s evidence for the outcome', async () => {
    const html = (await trainer.get(`/cohorts/${cohortId}`)).text;
    const href = `/cohorts/${cohortId}/learners/${ids.ann}/outcomes/LI1`;
    expect(html).toContain(`href="${href}">✓<span class="pw-vh">Achieved</span></a>`);
    const page = await trainer.get(href);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ran a complaints review');
    expect(page.text).toContain('Listening and customer insight');
    expect(page.text).toContain('Back to the progress matrix');
    expect((await trainer.get(`/cohorts/${cohortId}/learners/${ids.ann}/outcomes/ZZ9`)).status).toBe(404);
  });

  it('keeps the evidence to the cohort’s own trainers, and to work done since the learner joined', async () => {
    const other = await t.user('trainer', 'other@example.org');
    const otherAgent = (await t.signIn(other.email)).agent;
    const href = `/cohorts/${cohortId}/learners/${ids.ann}/outcomes/LI1`;
    expect((await otherAgent.get(href)).status).toBe(404);
    // the other trainer's cohort gains Ann after she wrote her evidence: they see her status but not her words
    const otherToken = await t.token(other.email);
    const second = await request(t.app).post('/api/v1/cohorts').set(auth(otherToken)).send({ name: 'Later' });
    await sleep(5);
    await request(t.app)
      .post(`/api/v1/cohorts/${second.body.id}/members`)
      .set(auth(otherToken))
      .send({ emails: ['ann@example.org'] });
    const later = await otherAgent.get(`/cohorts/${second.body.id}/learners/${ids.ann}/outcomes/LI1`);
    expect(later.status).toBe(200);
    expect(later.text).not.toContain('Ran a complaints review');
    expect(later.text).toContain('since joining');
    // an admin (L&D) sees the whole record
    const admin = await t.user('admin', 'lnd@example.org');
    const adminAgent = (await t.signIn(admin.email)).agent;
    expect(
      (await adminAgent.get(`/cohorts/${second.body.id}/learners/${ids.ann}/outcomes/LI1`)).text,
    ).toContain('Ran a complaints review');
  });
});
