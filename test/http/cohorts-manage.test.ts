import type TestAgent from 'supertest/lib/agent';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

/** Issue 18 item 6: editing, archiving, copying, picking learners, scheduling, moving dates, confirm and undo. */

let t: TestApp;
let agent: TestAgent;
let csrf: string;
let cohortId: number;
const ids: Record<string, number> = {};

const form = (url: string, body: Record<string, unknown> = {}) =>
  agent
    .post(url)
    .type('form')
    .send({ _csrf: csrf, ...body });
/** The success banner's message on the page a form redirected to. */
async function flashAfter(res: { status: number; headers: Record<string, string> }): Promise<string> {
  expect(res.status).toBe(303);
  const page = await agent.get(res.headers.location);
  const m = /govuk-notification-banner__heading">([^<]*)</.exec(page.text);
  return m ? m[1].replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'") : '';
}
const day = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { day: String(Number(d)), month: String(Number(m)), year: y };
};
const long = (iso: string) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
const dueDates = async () =>
  Object.fromEntries(
    (
      await t.db.all<{ module_id: string; due_on: string }>(
        'SELECT module_id, due_on FROM assignments WHERE cohort_id = ? ORDER BY due_on',
        [cohortId],
      )
    ).map((r) => [r.module_id, r.due_on]),
  );

beforeAll(async () => {
  t = await makeTestApp();
  const tr = await t.user('trainer', 'tess@example.org', 'Tess Trainer');
  ids.tess = tr.id;
  ids.cleo = (await t.user('trainer', 'cleo@example.org', 'Cleo Cotrainer')).id;
  for (const name of ['Ann Able', 'Bob Baker', 'Cat Cole', 'Dan Dunn']) {
    const u = await t.user('learner', `${name.split(' ')[0].toLowerCase()}@example.org`, name);
    ids[name.split(' ')[0].toLowerCase()] = u.id;
  }
  ({ agent, csrf } = await t.signIn(tr.email));
  const res = await form('/cohorts', {
    name: 'Spring leaders',
    description: 'Heads of service, spring 2027',
  });
  cohortId = Number(/\/cohorts\/(\d+)/.exec(res.headers.location)![1]);
});
afterAll(() => t.close());

describe('a cohort’s details', () => {
  it('shows the description, and renames with a message saying what changed', async () => {
    expect((await agent.get(`/cohorts/${cohortId}`)).text).toContain('Heads of service, spring 2027');
    expect((await agent.get('/cohorts')).text).toContain('Heads of service, spring 2027');
    const edit = await agent.get(`/cohorts/${cohortId}/edit`);
    expect(edit.text).toContain('value="Spring leaders"');
    expect(
      await flashAfter(
        await form(`/cohorts/${cohortId}/edit`, { name: 'Summer leaders', description: 'Heads of service' }),
      ),
    ).toBe('Renamed “Spring leaders” to “Summer leaders”. Description updated');
    const manage = await agent.get(`/cohorts/${cohortId}/manage`);
    expect(manage.text).toContain('<h1 class="govuk-heading-xl">Summer leaders</h1>');
    expect(manage.text).toContain('Heads of service');
    const bad = await form(`/cohorts/${cohortId}/edit`, { name: ' ', description: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Enter a name for the cohort');
    expect(bad.text).toContain('Change the cohort’s details');
  });
});

describe('enrolling by picking from a list', () => {
  it('searches learners not yet in the cohort and enrols the ones ticked', async () => {
    const all = await agent.get(`/cohorts/${cohortId}/members/choose`);
    expect(all.text).toContain('Ann Able');
    expect(all.text).toContain('Dan Dunn');
    expect(all.text).not.toContain('Tess Trainer</label>');
    const some = await agent.get(`/cohorts/${cohortId}/members/choose?q=BAK`);
    expect(some.text).toContain('Bob Baker');
    expect(some.text).not.toContain('Ann Able');
    const none = await form(`/cohorts/${cohortId}/members/choose`, {});
    expect(none.status).toBe(422);
    expect(none.text).toContain('Select at least one learner');
    const res = await agent
      .post(`/cohorts/${cohortId}/members/choose`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&userIds=${ids.ann}&userIds=${ids.bob}&userIds=${ids.cat}`);
    expect(await flashAfter(res)).toBe('Enrolled Ann Able, Bob Baker and Cat Cole');
    const after = await agent.get(`/cohorts/${cohortId}/members/choose`);
    expect(after.text).not.toContain('Ann Able');
    expect(after.text).toContain('Dan Dunn');
  });
});

describe('assigning several modules with a schedule, and moving every due date', () => {
  it('spaces the due dates in the pack’s order', async () => {
    const page = await agent.get(`/cohorts/${cohortId}/assignments/schedule`);
    expect(page.status).toBe(200);
    const start = inDays(10);
    const bad = await form(`/cohorts/${cohortId}/assignments/schedule`, {
      'startOn-day': '',
      everyDays: 'weekly',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Select at least one module');
    expect(bad.text).toContain('Enter a due date');
    expect(bad.text).toContain('must be a whole number');
    const past = day(inDays(-1));
    const refused = await form(`/cohorts/${cohortId}/assignments/schedule`, {
      moduleIds: ['case-town-hall'],
      'startOn-day': past.day,
      'startOn-month': past.month,
      'startOn-year': past.year,
      everyDays: '7',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('The first due date must be today or in the future');
    const s = day(start);
    const res = await agent
      .post(`/cohorts/${cohortId}/assignments/schedule`)
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(csrf)}&moduleIds=case-town-hall&moduleIds=area-listening&moduleIds=area-measuring` +
          `&startOn-day=${s.day}&startOn-month=${s.month}&startOn-year=${s.year}&everyDays=7`,
      );
    const due = await dueDates();
    // the pack's order: the two learning areas come before the case study
    expect(due).toEqual({
      'area-listening': start,
      'area-measuring': inDaysFrom(start, 7),
      'case-town-hall': inDaysFrom(start, 14),
    });
    expect(await flashAfter(res)).toBe(
      `3 modules assigned, due from ${long(start)} to ${long(inDaysFrom(start, 14))}`,
    );
  });

  it('moves every due date later or earlier, never into the past', async () => {
    const before = await dueDates();
    const res = await form(`/cohorts/${cohortId}/assignments/shift`, { days: '3', direction: 'later' });
    expect(await flashAfter(res)).toBe(
      `3 due dates moved 3 days later: the first is now due ${long(inDaysFrom(before['area-listening'], 3))}`,
    );
    expect((await dueDates())['case-town-hall']).toBe(inDaysFrom(before['case-town-hall'], 3));
    const tooFar = await form(`/cohorts/${cohortId}/assignments/shift`, { days: '30', direction: 'earlier' });
    expect(tooFar.status).toBe(422);
    expect(tooFar.text).toContain('That would put 3 due dates in the past');
    expect(
      (await form(`/cohorts/${cohortId}/assignments/shift`, { days: '0', direction: 'later' })).status,
    ).toBe(422);
    expect(
      await flashAfter(
        await form(`/cohorts/${cohortId}/assignments/shift`, { days: '1', direction: 'earlier' }),
      ),
    ).toMatch(/^3 due dates moved 1 day earlier/);
  });
});

describe('removing, with a confirmation first and an undo after', () => {
  it('asks before removing a learner, then lets the trainer put them back as they were', async () => {
    const joined = (
      await t.services.cohorts.detail(cohortId, {
        id: ids.tess,
        email: 'tess@example.org',
        name: 'Tess',
        role: 'trainer',
      })
    ).members.find((m) => m.id === ids.ann)!.addedAt;
    const manage = await agent.get(`/cohorts/${cohortId}/manage`);
    expect(manage.text).toContain(`href="/cohorts/${cohortId}/members/${ids.ann}/remove"`);
    const confirm = await agent.get(`/cohorts/${cohortId}/members/${ids.ann}/remove`);
    expect(confirm.text).toContain('Remove Ann Able from Summer leaders?');
    expect(confirm.text).toContain('Nothing they have written is deleted');
    expect(await flashAfter(await form(`/cohorts/${cohortId}/members/${ids.ann}/remove`))).toBe(
      'Ann Able removed from the cohort. Their work is kept; you can undo this below.',
    );
    const after = await agent.get(`/cohorts/${cohortId}/manage`);
    expect(after.text).toContain('Recently removed');
    const undo = /action="(\/cohorts\/\d+\/removals\/\d+\/undo)"/.exec(after.text)![1];
    expect(await flashAfter(await form(undo))).toBe('Ann Able is back in the cohort');
    const back = (
      await t.services.cohorts.detail(cohortId, {
        id: ids.tess,
        email: 'tess@example.org',
        name: 'Tess',
        role: 'trainer',
      })
    ).members.find((m) => m.id === ids.ann)!;
    expect(back.addedAt).toEqual(joined); // the same joining date: what the trainer may see is unchanged
    expect((await form(undo)).status).toBe(404);
    expect((await agent.get(`/cohorts/${cohortId}/manage`)).text).not.toContain('Recently removed');
  });

  it('asks before removing an assignment or a trainer, and undoes both', async () => {
    const { aid } = (await t.db.get<{ aid: number }>(
      "SELECT id AS aid FROM assignments WHERE cohort_id = ? AND module_id = 'case-town-hall'",
      [cohortId],
    ))!;
    const due = (await dueDates())['case-town-hall'];
    const confirm = await agent.get(`/cohorts/${cohortId}/assignments/${aid}/remove`);
    expect(confirm.text).toContain('Stop assigning “The town hall front desk”?');
    expect(
      await flashAfter(await form(`/cohorts/${cohortId}/assignments/${aid}`, { action: 'remove' })),
    ).toBe('“The town hall front desk” is no longer assigned; you can undo this below.');
    expect((await dueDates())['case-town-hall']).toBeUndefined();
    let manage = await agent.get(`/cohorts/${cohortId}/manage`);
    let undo = /action="(\/cohorts\/\d+\/removals\/\d+\/undo)"/.exec(manage.text)![1];
    expect(await flashAfter(await form(undo))).toBe(
      `“The town hall front desk” is assigned again, due ${long(due)}`,
    );
    expect((await dueDates())['case-town-hall']).toBe(due);

    await form(`/cohorts/${cohortId}/trainers`, { trainerEmail: 'cleo@example.org' });
    const c = await agent.get(`/cohorts/${cohortId}/trainers/${ids.cleo}/remove`);
    expect(c.text).toContain('Remove Cleo Cotrainer as a trainer of Summer leaders?');
    expect(await flashAfter(await form(`/cohorts/${cohortId}/trainers/${ids.cleo}/remove`))).toBe(
      'Cleo Cotrainer is no longer a trainer of this cohort; you can undo this below.',
    );
    manage = await agent.get(`/cohorts/${cohortId}/manage`);
    undo = /action="(\/cohorts\/\d+\/removals\/\d+\/undo)"/.exec(manage.text)![1];
    expect(await flashAfter(await form(undo))).toBe('Cleo Cotrainer is a trainer of this cohort again');
  });
});

describe('archiving and copying', () => {
  it('copies a cohort with its learners and assignments', async () => {
    const page = await agent.get(`/cohorts/${cohortId}/copy`);
    expect(page.text).toContain('value="Copy of Summer leaders"');
    const res = await agent
      .post(`/cohorts/${cohortId}/copy`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&name=Autumn+leaders&include=members&include=assignments`);
    expect(await flashAfter(res)).toBe(
      '“Autumn leaders” created as a copy, with 3 learners and 3 assigned modules',
    );
    const copyId = Number(/\/cohorts\/(\d+)/.exec(res.headers.location)![1]);
    expect(copyId).not.toBe(cohortId);
    const manage = await agent.get(`/cohorts/${copyId}/manage`);
    expect(manage.text).toContain('Ann Able');
    expect(manage.text).toContain('The town hall front desk');
    expect(manage.text).toContain('Cleo Cotrainer');
    const bare = await form(`/cohorts/${cohortId}/copy`, { name: 'Empty copy' });
    expect(await flashAfter(bare)).toBe('“Empty copy” created as a copy, with no learners and no modules');
  });

  it('archives a cohort out of the default list and its learners’ to-do lists, and restores it', async () => {
    const ann = await t.token('ann@example.org');
    const mine = async () =>
      (
        await agent.get('/api/v1/me/assignments').set('Authorization', `Bearer ${ann}`)
      ).body.assignments.filter(
        (a: { cohortId?: number }) => a.cohortId === undefined || a.cohortId === cohortId,
      ).length;
    const before = await mine();
    expect(await flashAfter(await form(`/cohorts/${cohortId}/archive`))).toContain(
      '“Summer leaders” archived',
    );
    expect((await agent.get('/cohorts')).text).not.toContain('>Summer leaders</a>');
    const archived = await agent.get('/cohorts?view=archived');
    expect(archived.text).toContain('>Summer leaders</a>');
    expect((await agent.get(`/cohorts/${cohortId}/manage`)).text).toContain('Restore this cohort');
    expect(await mine()).toBeLessThan(before);
    expect(await flashAfter(await form(`/cohorts/${cohortId}/restore`))).toBe(
      '“Summer leaders” restored: it is back in your list of cohorts',
    );
    expect((await agent.get('/cohorts')).text).toContain('>Summer leaders</a>');
    expect((await agent.get('/cohorts?view=everything')).status).toBe(400);
  });
});

function inDaysFrom(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
