import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
let admin: string;
let trainer: string;
let otherTrainer: string;
let learner: string;
let pinnedLearner: string;
let samId: number;
let cohortId: number;

/** A variant that rewords the listening module ("residents, not customers"). */
const RESIDENTS = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'variants', 'area-listening.md'),
  'utf8',
);

beforeAll(async () => {
  t = await makeTestApp();
  const a = await t.user('admin', 'admin@example.org', 'Ada Admin');
  admin = await t.token(a.email);
  trainer = await t.token((await t.user('trainer', 'tia@example.org', 'Tia Trainer')).email);
  otherTrainer = await t.token((await t.user('trainer', 'otto@example.org', 'Otto Other')).email);
  const sam = await t.user('learner', 'sam.jones@example.org', 'Sam Jones');
  samId = sam.id;
  learner = await t.token(sam.email);
  await t.user('learner', 'samira@example.org', 'Samira Khan');
  const pinned = await t.user('learner', 'pat@example.org', 'Pat Émile');
  pinnedLearner = await t.token(pinned.email);

  const c = await request(t.app).post('/api/v1/cohorts').set(auth(trainer)).send({ name: 'Spring leaders' });
  cohortId = c.body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(trainer))
    .send({ emails: ['sam.jones@example.org'] });

  // a variant that rewords the listening module, pinned to a second cohort with Pat in it
  const up = await request(t.app)
    .post('/api/v1/variants')
    .set(auth(admin))
    .field('name', 'Northshire')
    .attach('file', Buffer.from(RESIDENTS), 'listening.md');
  expect(up.status).toBe(201);
  const pub = await request(t.app).post(`/api/v1/variants/${up.body.id}/publish`).set(auth(admin));
  const c2 = await request(t.app).post('/api/v1/cohorts').set(auth(admin)).send({ name: 'Northshire group' });
  expect(c2.status).toBe(201);
  const pin = await request(t.app)
    .put(`/api/v1/cohorts/${c2.body.id}/variant`)
    .set(auth(admin))
    .send({ variantVersionId: pub.body.versionId });
  expect(pin.status).toBe(200);
  await request(t.app)
    .post(`/api/v1/cohorts/${c2.body.id}/members`)
    .set(auth(admin))
    .send({ emails: ['pat@example.org'] });
});
afterAll(() => t.close());

describe('search: the pack for everyone', () => {
  it('finds modules by title, text and outcome, with the words marked', async () => {
    const res = await request(t.app).get('/api/v1/search?q=segment').set(auth(learner));
    expect(res.status).toBe(200);
    const hit = res.body.modules.find((m: { id: string }) => m.id === 'area-listening');
    expect(hit).toMatchObject({ title: 'Listening and customer insight', url: '/modules/area-listening' });
    expect(hit.outcomes).toEqual([{ id: 'LI2', text: 'Segment your customers and describe two segments.' }]);
    // learners never see people
    expect(res.body.learners).toEqual([]);

    const byTitle = await request(t.app).get('/api/v1/search?q=town hall').set(auth(learner));
    expect(byTitle.body.modules[0].id).toBe('case-town-hall');
    const text = await request(t.app).get('/api/v1/search?q=front desk redesigns').set(auth(learner));
    expect(text.body.modules[0].id).toBe('case-town-hall');
    expect(text.body.modules[0].snippetSegments).toContainEqual({ text: 'redesigns', match: true });
  });

  it("searches the pack the person sees: their cohort's variant", async () => {
    const base = await request(t.app).get('/api/v1/search?q=residents').set(auth(learner));
    expect(base.body.modules).toEqual([]);
    const pinned = await request(t.app).get('/api/v1/search?q=residents').set(auth(pinnedLearner));
    expect(pinned.body.modules[0].id).toBe('area-listening');
    expect(pinned.body.modules[0].title).toBe('Listening and resident insight');
  });

  it('shows the form, a no-results state and highlighted results on the page', async () => {
    const { agent } = await t.signIn('sam.jones@example.org');
    const empty = await agent.get('/search');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('data-testid="search-empty"');
    expect(empty.text).toContain('Search the learning pack');
    const none = await agent.get('/search?q=zzyzx');
    expect(none.text).toContain('No results for “zzyzx”');
    const found = await agent.get('/search?q=front');
    expect(found.text).toContain('<mark class="pw-mark">front</mark>');
    // the searcher's words are escaped, never markup
    const hostile = await agent.get(`/search?q=${encodeURIComponent('<script>x</script>')}`);
    expect(hostile.text).not.toContain('<script>x</script>');
    expect(hostile.status).toBe(200);
  });

  it('refuses an over-long query and takes FTS syntax as plain words', async () => {
    const long = await request(t.app)
      .get(`/api/v1/search?q=${'a'.repeat(101)}`)
      .set(auth(admin));
    expect(long.status).toBe(422);
    const syntax = await request(t.app)
      .get(`/api/v1/search?q=${encodeURIComponent('sam" OR NEAR(* -')}`)
      .set(auth(admin));
    expect(syntax.status).toBe(200);
  });

  it('needs a signed-in person', async () => {
    expect((await request(t.app).get('/api/v1/search?q=x')).status).toBe(401);
  });
});

describe('search: people for trainers and admins', () => {
  it('admins find anyone by part of their name or email address', async () => {
    const res = await request(t.app).get('/api/v1/search?q=sam').set(auth(admin));
    expect(res.body.learners.map((p: { name: string }) => p.name).sort()).toEqual([
      'Sam Jones',
      'Samira Khan',
    ]);
    expect(res.body.learnersTotal).toBe(2);
    const byEmail = await request(t.app).get('/api/v1/search?q=jones@example').set(auth(admin));
    expect(byEmail.body.learners).toEqual([
      {
        id: samId,
        name: 'Sam Jones',
        email: 'sam.jones@example.org',
        role: 'learner',
        url: `/users/${samId}`,
      },
    ]);
    const accents = await request(t.app).get('/api/v1/search?q=emile').set(auth(admin));
    expect(accents.body.learners.map((p: { name: string }) => p.name)).toEqual(['Pat Émile']);
    const staff = await request(t.app).get('/api/v1/search?q=tia').set(auth(admin));
    expect(staff.body.learners[0]).toMatchObject({ name: 'Tia Trainer', role: 'trainer' });
  });

  it('trainers find only the learners in their own cohorts, linked to their record', async () => {
    const res = await request(t.app).get('/api/v1/search?q=sam').set(auth(trainer));
    expect(res.body.learners).toEqual([
      {
        id: samId,
        name: 'Sam Jones',
        email: 'sam.jones@example.org',
        role: 'learner',
        url: `/cohorts/${cohortId}/learners/${samId}`,
      },
    ]);
    const other = await request(t.app).get('/api/v1/search?q=sam').set(auth(otherTrainer));
    expect(other.body.learners).toEqual([]);
    // staff are never found by trainers
    expect((await request(t.app).get('/api/v1/search?q=ada').set(auth(trainer))).body.learners).toEqual([]);
  });

  it('keeps the index in step with accounts (renames, erasure)', async () => {
    await t.db.run("UPDATE users SET name = 'Samantha Jones' WHERE id = ?", [samId]);
    const renamed = await request(t.app).get('/api/v1/search?q=samantha').set(auth(admin));
    expect(renamed.body.learners.map((p: { id: number }) => p.id)).toEqual([samId]);
    const old = await request(t.app).get('/api/v1/search?q=sam jones').set(auth(admin));
    expect(old.body.learners.map((p: { id: number }) => p.id)).toEqual([samId]);
    await t.db.run("UPDATE users SET name = 'Sam Jones' WHERE id = ?", [samId]);
    expect((await request(t.app).get('/api/v1/search?q=samantha').set(auth(admin))).body.learners).toEqual(
      [],
    );
  });

  it('marks the matched words of a person on the page', async () => {
    const { agent } = await t.signIn('tia@example.org');
    const page = await agent.get('/search?q=jon');
    expect(page.text).toContain('Sam <mark class="pw-mark">Jones</mark>');
    expect(page.text).toContain('1 learner');
  });
});
