import request from 'supertest';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let trainerToken: string;
let otherTrainerToken: string;
let learners: { id: number; email: string; token: string }[];
let cohortId: number;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await makeTestApp();
  trainerToken = await t.token((await t.user('trainer', 'trainer@example.org')).email);
  otherTrainerToken = await t.token((await t.user('trainer', 'other@example.org')).email);
  learners = [];
  for (const name of ['Ann', 'Bob', 'Cat']) {
    const u = await t.user('learner', `${name.toLowerCase()}@example.org`, name);
    learners.push({ ...u, token: await t.token(u.email) });
  }
  const res = await request(t.app)
    .post('/api/v1/cohorts')
    .set(auth(trainerToken))
    .send({ name: 'Spring leaders' });
  expect(res.status).toBe(201);
  cohortId = res.body.id;
});
afterAll(() => t.close());

describe('cohorts and assignments', () => {
  it('enrols learners by email, all or nothing', async () => {
    const bad = await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/members`)
      .set(auth(trainerToken))
      .send({ emails: ['ann@example.org', 'ghost@example.org', 'trainer@example.org'] });
    expect(bad.status).toBe(422);
    // the same words whether the address is unknown, a trainer's or a disabled account's: roles are not disclosed
    expect(bad.body.error.details).toEqual([
      { field: 'emails.1', message: 'ghost@example.org: not a learner you can enrol' },
      { field: 'emails.2', message: 'trainer@example.org: not a learner you can enrol' },
    ]);
    const ok = await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/members`)
      .set(auth(trainerToken))
      .send({ emails: learners.map((l) => l.email) });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ added: 3, alreadyMembers: 0 });
    const detail = await request(t.app).get(`/api/v1/cohorts/${cohortId}`).set(auth(trainerToken));
    expect(detail.body.members.map((m: { name: string }) => m.name)).toEqual(['Ann', 'Bob', 'Cat']);
  });

  it('validates assignments: unknown module, past date, bad date', async () => {
    const post = (body: object) =>
      request(t.app).post(`/api/v1/cohorts/${cohortId}/assignments`).set(auth(trainerToken)).send(body);
    expect((await post({ moduleId: 'nope', dueAt: inDays(7) })).body.error.details).toEqual([
      { field: 'moduleId', message: expect.any(String) },
    ]);
    expect((await post({ moduleId: 'case-town-hall', dueAt: inDays(-1) })).body.error.details).toEqual([
      { field: 'dueAt', message: 'Due date must be today or in the future' },
    ]);
    expect((await post({ moduleId: 'case-town-hall', dueAt: '2027-02-30' })).status).toBe(422);
    expect((await post({ moduleId: 'case-town-hall' })).status).toBe(422);
    const ok = await post({ moduleId: 'case-town-hall', dueAt: `${inDays(7)}T17:00:00Z` });
    expect(ok.status).toBe(201);
    expect((await post({ moduleId: 'area-listening', dueAt: inDays(3) })).status).toBe(201);
  });

  it('shows the learner their modules in due-date order, and computes overdue', async () => {
    const ann = learners[0];
    const res = await request(t.app).get('/api/v1/me/assignments').set(auth(ann.token));
    expect(
      res.body.assignments.map((a: { moduleId: string; status: string }) => [a.moduleId, a.status]),
    ).toEqual([
      ['area-listening', 'not_started'],
      ['case-town-hall', 'not_started'],
    ]);
    await t.db.run("UPDATE assignments SET due_on = ? WHERE module_id = 'area-listening'", [inDays(-2)]);
    const later = await request(t.app).get('/api/v1/me/assignments').set(auth(ann.token));
    expect(later.body.assignments[0]).toMatchObject({
      moduleId: 'area-listening',
      status: 'overdue',
      title: 'Listening and customer insight',
    });
    const home = await request(t.app).get('/').set(auth(ann.token)).set('Accept', 'text/html');
    expect(home.text).toContain('Next thing to do');
    expect(home.text).toContain('Overdue');
  });

  it('lists a module assigned by two cohorts once, at the earlier date, and leaves out archived cohorts', async () => {
    const cat = learners[2];
    const cohort = async (name: string, assigned: [string, string][]) => {
      const id = (await request(t.app).post('/api/v1/cohorts').set(auth(trainerToken)).send({ name })).body
        .id;
      await request(t.app)
        .post(`/api/v1/cohorts/${id}/members`)
        .set(auth(trainerToken))
        .send({ emails: [cat.email] });
      for (const [moduleId, dueAt] of assigned) {
        const res = await request(t.app)
          .post(`/api/v1/cohorts/${id}/assignments`)
          .set(auth(trainerToken))
          .send({ moduleId, dueAt });
        expect(res.status).toBe(201);
      }
      return id as number;
    };
    const sooner = await cohort('Sooner', [
      ['case-town-hall', inDays(1)],
      ['area-listening', inDays(30)],
    ]);
    const archived = await cohort('Archived', [['area-measuring', inDays(2)]]);
    await t.db.run('UPDATE cohorts SET archived_at = ? WHERE id = ?', [new Date().toISOString(), archived]);
    await request(t.app).post('/api/v1/me/modules/case-town-hall/complete').set(auth(cat.token));

    const res = await request(t.app).get('/api/v1/me/assignments').set(auth(cat.token));
    expect(
      res.body.assignments.map((a: { moduleId: string; dueAt: string; status: string; cohortId: number }) => [
        a.moduleId,
        a.dueAt,
        a.status,
        a.cohortId,
      ]),
    ).toEqual([
      ['area-listening', inDays(-2), 'overdue', cohortId], // the first cohort's date, two days past
      ['case-town-hall', inDays(1), 'completed', sooner], // the second's, sooner than the first's in 7 days
    ]);
  });

  it('fills the matrix and CSV after a scripted sequence of learner actions, with events', async () => {
    const [ann, bob] = learners;
    await request(t.app).get('/modules/case-town-hall').set(auth(ann.token));
    expect(
      (await request(t.app).post('/api/v1/me/modules/case-town-hall/complete').set(auth(ann.token))).body,
    ).toEqual({ moduleId: 'case-town-hall', status: 'completed' });
    const put = (l: { token: string }, id: string, body: object) =>
      request(t.app).put(`/api/v1/me/outcomes/${id}`).set(auth(l.token)).send(body);
    expect((await put(ann, 'LI1', { status: 'achieved', evidence: 'Ran a complaints review' })).status).toBe(
      200,
    );
    // issue 32: the listening area is reviewed by a trainer, so LI1 waits until the cohort's trainer confirms it
    const queue = await request(t.app).get(`/api/v1/cohorts/${cohortId}/reviews`).set(auth(trainerToken));
    expect(queue.body.reviews.map((r: { outcomeId: string }) => r.outcomeId)).toEqual(['LI1']);
    expect(
      (
        await request(t.app)
          .post(`/api/v1/reviews/${queue.body.reviews[0].id}`)
          .set(auth(trainerToken))
          .send({ decision: 'confirm' })
      ).status,
    ).toBe(200);
    expect((await put(ann, 'ME2', { status: 'in_progress' })).status).toBe(200);
    expect((await put(bob, 'LI2', { status: 'in_progress', evidence: 'Drafting segments' })).status).toBe(
      200,
    );
    // Opening a module is not progress (issue 18); saving one of its answers is.
    await request(t.app).get('/modules/case-town-hall').set(auth(bob.token));
    await request(t.app)
      .put('/api/v1/me/responses/case-town-hall/li-1')
      .set(auth(bob.token))
      .send({ text: 'Started' });

    const m = await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(trainerToken));
    expect(m.status).toBe(200);
    expect(m.body.cohort).toEqual({ id: cohortId, name: 'Spring leaders' });
    expect(m.body.outcomes).toEqual(['LI1', 'LI2', 'LI3', 'ME1', 'ME2', 'ME3']);
    const byName = Object.fromEntries(m.body.learners.map((l: { name: string }) => [l.name, l]));
    expect(byName.Ann.outcomes).toMatchObject({ LI1: 'achieved', ME2: 'in_progress', LI2: 'not_started' });
    expect(byName.Ann.completedModules).toEqual(['case-town-hall']);
    expect(byName.Bob.outcomes.LI2).toBe('in_progress');
    expect(byName.Bob.modules['case-town-hall']).toBe('in_progress');
    expect(byName.Cat.modules['area-listening']).toBe('overdue');

    const csv = await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress.csv`).set(auth(trainerToken));
    // issue 18: readable headings and values, evidence beside each outcome, due dates, a byte-order mark for Excel
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csv.text.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^Name,Email,Outcomes achieved \(of 6\),LI1: Evaluate current provision from two sources of customer evidence\.,LI1 evidence,LI2: /,
    );
    expect(lines[0]).toMatch(
      /,Listening and customer insight \(due \d{1,2} [A-Z][a-z]+ \d{4}\),The town hall front desk \(due \d{1,2} [A-Z][a-z]+ \d{4}\)$/,
    );
    expect(lines[1]).toBe(
      'Ann,ann@example.org,1,Achieved,Ran a complaints review,Not started,,Not started,,Not started,,In progress,,Not started,,Overdue,Completed',
    );

    const page = await request(t.app)
      .get(`/cohorts/${cohortId}`)
      .set(auth(trainerToken))
      .set('Accept', 'text/html');
    expect(page.status).toBe(200);
    // Ann's row: LI1 achieved, ME2 in progress, the area module overdue, the case study completed; colour and text in each cell
    const annRow = /<tr[^>]*><th scope="row"[^>]*><a[^>]*>Ann<\/a><\/th>(.*?)<\/tr>/.exec(page.text)![1];
    expect(
      annRow
        .match(/<td class="(\w)">/g)!
        .map((c) => c.slice(11, 12))
        .join(''),
    ).toBe('annnpnoa');
    // issue 18: a cell with progress links to the learner's evidence for that outcome
    expect(annRow).toContain(
      `<td class="a"><a href="/cohorts/${cohortId}/learners/${ann.id}/outcomes/LI1">✓<span class="pw-vh">Achieved</span></a></td>`,
    );
    expect(annRow).toContain('<span class="pw-vh">In progress</span>');
    expect(page.text).toContain('Key');
    const filtered = await request(t.app).get(`/cohorts/${cohortId}?area=measuring`).set(auth(trainerToken));
    expect(filtered.text).not.toContain('>LI1</abbr>');
    expect(filtered.text).toContain('>ME1</abbr>');

    const events = await t.db.all('SELECT verb, object_id FROM events WHERE user_id = ? ORDER BY id', [
      ann.id,
    ]);
    expect(events).toEqual([
      { verb: 'completed', object_id: 'case-town-hall' },
      { verb: 'progressed', object_id: 'LI1' }, // marked achieved: awaiting review
      { verb: 'progressed', object_id: 'LI1' }, // confirmed: achieved
      { verb: 'progressed', object_id: 'ME2' },
    ]);
  });

  it('writes no event and no change when an update is refused or changes nothing', async () => {
    const cat = learners[2];
    const before = await t.db.get('SELECT COUNT(*) AS n FROM events');
    expect(
      (await request(t.app).put('/api/v1/me/outcomes/LI1').set(auth(cat.token)).send({ status: 'achieved' }))
        .status,
    ).toBe(422);
    expect(
      (await request(t.app).put('/api/v1/me/outcomes/LI1').set(auth(cat.token)).send({ status: 'done' }))
        .status,
    ).toBe(422);
    expect(
      (
        await request(t.app)
          .put('/api/v1/me/outcomes/ZZ1')
          .set(auth(cat.token))
          .send({ status: 'in_progress' })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.app)
          .put('/api/v1/me/outcomes/LI1')
          .set(auth(cat.token))
          .send({ status: 'in_progress', evidence: 'x'.repeat(5001) })
      ).status,
    ).toBe(422);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM events')).toEqual(before);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM outcome_progress WHERE user_id = ?', [cat.id])).toEqual({
      n: 0,
    });
    await request(t.app)
      .put('/api/v1/me/outcomes/LI3')
      .set(auth(cat.token))
      .send({ status: 'in_progress', evidence: 'a' });
    await request(t.app)
      .put('/api/v1/me/outcomes/LI3')
      .set(auth(cat.token))
      .send({ status: 'in_progress', evidence: 'a' });
    expect(
      await t.db.get("SELECT COUNT(*) AS n FROM events WHERE user_id = ? AND verb = 'progressed'", [cat.id]),
    ).toEqual({ n: 1 });
    await request(t.app)
      .put('/api/v1/me/outcomes/LI3')
      .set(auth(cat.token))
      .send({ status: 'achieved', evidence: 'Done it' });
    expect(
      await t.db.all('SELECT status FROM outcome_history WHERE user_id = ? ORDER BY id', [cat.id]),
    ).toEqual([{ status: 'in_progress' }, { status: 'achieved' }]);
  });
});

describe('isolation', () => {
  it('keeps another trainer out of the cohort, on pages and API', async () => {
    for (const path of [
      `/api/v1/cohorts/${cohortId}`,
      `/api/v1/cohorts/${cohortId}/progress`,
      `/api/v1/cohorts/${cohortId}/progress.csv`,
    ]) {
      expect((await request(t.app).get(path).set(auth(otherTrainerToken))).status).toBe(404);
    }
    expect(
      (
        await request(t.app)
          .post(`/api/v1/cohorts/${cohortId}/members`)
          .set(auth(otherTrainerToken))
          .send({ emails: ['ann@example.org'] })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.app)
          .post(`/api/v1/cohorts/${cohortId}/assignments`)
          .set(auth(otherTrainerToken))
          .send({ moduleId: 'case-town-hall', dueAt: inDays(5) })
      ).status,
    ).toBe(404);
    const list = await request(t.app).get('/api/v1/cohorts').set(auth(otherTrainerToken));
    expect(list.body.cohorts).toEqual([]);
  });

  it('lets a co-trainer in once added, and an admin always', async () => {
    const { agent, csrf } = await t.signIn('trainer@example.org');
    expect(
      (
        await agent
          .post(`/cohorts/${cohortId}/trainers`)
          .type('form')
          .send({ _csrf: csrf, trainerEmail: 'other@example.org' })
      ).status,
    ).toBe(303);
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(otherTrainerToken))).status,
    ).toBe(200);
    const adminToken = await t.token((await t.user('admin')).email);
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(adminToken))).status,
    ).toBe(200);
  });

  it('keeps learners out of cohort progress and other people’s records', async () => {
    const ann = learners[0];
    expect(
      (await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(ann.token))).status,
    ).toBe(403);
    const bobProgress = await request(t.app).get('/api/v1/me/progress').set(auth(learners[1].token));
    const annProgress = await request(t.app).get('/api/v1/me/progress').set(auth(ann.token));
    const status = (body: { areas: { outcomes: { id: string; status: string }[] }[] }, id: string) =>
      body.areas.flatMap((a) => a.outcomes).find((o) => o.id === id)!.status;
    expect(status(annProgress.body, 'LI1')).toBe('achieved');
    expect(status(bobProgress.body, 'LI1')).toBe('not_started');
    expect(
      (await request(t.app).get(`/cohorts/${cohortId}/learners/${learners[1].id}`).set(auth(ann.token)))
        .status,
    ).toBe(403);
  });
});
