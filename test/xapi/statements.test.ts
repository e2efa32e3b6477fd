import path from 'node:path';
import fs from 'node:fs';
import request from 'supertest';
import yazl from 'yazl';
import { makeTestApp, type TestApp } from '../helpers/app';
import { registrationId, statementId, uuidV5 } from '../../src/xapi/statements';
import type { Activity, Statement } from '../../src/xapi/xapi.schema';
import { problemsOf } from './validate';

const PUBLIC_URL = 'https://learning.example.org';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A local case study a variant adds (a shared fixture). */
const VARIANT_CASE = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'variants', 'northshire-hub.md'),
  'utf8',
);

/** The self-assessment rated 0–10 instead of 1–5. */
const TEN_POINT_SELF_ASSESSMENT = `---
id: activity-self-assessment
title: Self-assessment (ten-point)
summary: Rate yourself.
minutes: 30
areas: [listening, measuring]
outcomes: [LI1]
form:
  repeatable: true
  groups:
    - id: listening
      title: Listening
      area: listening
      fields:
        - { id: rating, type: rating, label: 'Where are you now?', min: 0, max: 10, required: true }
    - id: measuring
      title: Measuring
      area: measuring
      fields:
        - { id: rating, type: rating, label: 'Where are you now?', min: 0, max: 10, required: true }
---

Rate each row.
`;

function zipOf(entries: { name: string; text: string }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.text), e.name, { mtime: new Date(0) });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

let t: TestApp;
let admin: string;
let trainer: string;
let ann: { id: number; token: string };
let bob: { id: number; token: string };
let northshire: number;
let plain: number;
let statements: Statement[];

/** Every event type: module experienced/completed, outcome progressed, answered, shared, forms (raid plan, raid report, self-assessment). */
async function work(token: string, moduleId: string, promptId: string, rating: [number, number]) {
  const ok = (res: request.Response) => {
    if (res.status >= 300) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  ok(await request(t.app).get(`/modules/${moduleId}`).set(auth(token)));
  ok(
    await request(t.app)
      .put(`/api/v1/me/responses/${moduleId}/${promptId}`)
      .set(auth(token))
      .send({ text: 'They heard the queues first', shared: true }),
  );
  ok(await request(t.app).post(`/api/v1/me/modules/${moduleId}/complete`).set(auth(token)));
  ok(
    await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(auth(token))
      .send({ status: 'achieved', evidence: 'done' }),
  );
  const plan = ok(
    await request(t.app)
      .post('/api/v1/me/forms/raid-plan')
      .set(auth(token))
      .send({
        values: { details: { host: 'Northshire NHS Trust', 'visit-date': '2025-03-01', purpose: 'See' } },
      }),
  );
  ok(
    await request(t.app)
      .post('/api/v1/me/forms/raid-report')
      .set(auth(token))
      .send({
        linkedId: plan.body.id,
        values: {
          details: { host: 'Northshire NHS Trust', 'visit-date': '2025-03-01' },
          'next-steps': { 'will-try': 'A panel' },
        },
      }),
  );
  ok(
    await request(t.app)
      .post('/api/v1/me/forms/activity-self-assessment')
      .set(auth(token))
      .send({ values: { listening: { rating: rating[0] }, measuring: { rating: rating[1] } } }),
  );
}

async function allStatements(): Promise<{ statements: Statement[]; more: string }> {
  const res = await request(t.app).get('/api/v1/events?limit=1000').set(auth(admin));
  expect(res.status).toBe(200);
  return res.body as { statements: Statement[]; more: string };
}

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL } });
  admin = await t.token((await t.user('admin')).email);
  trainer = await t.token((await t.user('trainer')).email);
  const a = await t.user('learner', 'Ann.Example@Example.ORG', 'Ann');
  const b = await t.user('learner', 'bob@example.org', 'Bob');
  ann = { id: a.id, token: await t.token(a.email) };
  bob = { id: b.id, token: await t.token(b.email) };

  const upload = await request(t.app)
    .post('/api/v1/variants')
    .set(auth(admin))
    .field('name', 'Northshire')
    .attach(
      'file',
      await zipOf([
        { name: 'northshire/06-case-studies/09-hub.md', text: VARIANT_CASE },
        { name: 'northshire/07-activities/01-self-assessment.md', text: TEN_POINT_SELF_ASSESSMENT },
      ]),
      'northshire.zip',
    );
  if (upload.status !== 201) throw new Error(JSON.stringify(upload.body));
  expect(
    (await request(t.app).post(`/api/v1/variants/${upload.body.id}/publish`).set(auth(admin))).status,
  ).toBe(201);
  const v1 = (await t.db.get<{ id: number }>(
    "SELECT id FROM variant_versions WHERE variant_id = ? AND status = 'published'",
    [upload.body.id],
  ))!.id;

  const cohort = async (name: string, learner: number) => {
    const id = (await request(t.app).post('/api/v1/cohorts').set(auth(trainer)).send({ name })).body
      .id as number;
    await request(t.app)
      .post(`/api/v1/cohorts/${id}/members`)
      .set(auth(trainer))
      .send({ userIds: [learner] });
    return id;
  };
  northshire = await cohort('Northshire leaders', ann.id);
  const pinned = await request(t.app)
    .put(`/api/v1/cohorts/${northshire}/variant`)
    .set(auth(trainer))
    .send({ variantVersionId: v1 });
  expect(pinned.status).toBe(200);
  plain = await cohort('Plain leaders', bob.id);

  await work(ann.token, 'case-northshire-hub', 'li-1', [10, 0]);
  await work(bob.token, 'case-town-hall', (await firstPrompt('case-town-hall', bob.token)) ?? '', [5, 1]);
  const page = await allStatements();
  statements = page.statements;
  expect(page.more).toBe('');
});
afterAll(() => t.close());

async function firstPrompt(moduleId: string, token: string): Promise<string | undefined> {
  const res = await request(t.app).get(`/api/v1/modules/${moduleId}`).set(auth(token));
  return (res.body.prompts as { id: string }[] | undefined)?.[0]?.id;
}

const of = (who: number, verb: string, objectIdEnd: string) =>
  statements.find(
    (s) =>
      s.actor.name === (who === ann.id ? 'Ann' : 'Bob') &&
      s.verb.display['en-GB'] === verb &&
      s.object.id.endsWith(objectIdEnd),
  )!;

describe('xAPI statements', () => {
  it('covers every event type, and every statement passes Learning Locker’s validator with no warnings', () => {
    const kinds = new Set(statements.map((s) => `${s.verb.display['en-GB']} ${s.object.definition.type}`));
    expect([...kinds].sort()).toEqual([
      'answered http://adlnet.gov/expapi/activities/question',
      'completed http://adlnet.gov/expapi/activities/module',
      'experienced http://adlnet.gov/expapi/activities/module',
      'progressed http://adlnet.gov/expapi/activities/objective',
      'responded http://adlnet.gov/expapi/activities/assessment',
      'shared http://adlnet.gov/expapi/activities/question',
    ]);
    for (const form of ['raid-plan/form', 'raid-report/form', 'activity-self-assessment/form'])
      for (const who of [ann.id, bob.id]) expect(of(who, 'responded', form)).toBeDefined();
    for (const s of statements) {
      expect({ id: s.id, problems: problemsOf(s) }).toEqual({ id: s.id, problems: [] });
      expect(s).not.toHaveProperty('version');
    }
  });

  it('has real UUIDs, unique, stable for the event and different on another installation', async () => {
    const v5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(statements.every((s) => v5.test(s.id))).toBe(true);
    expect(new Set(statements.map((s) => s.id)).size).toBe(statements.length);
    expect((await allStatements()).statements.map((s) => s.id)).toEqual(statements.map((s) => s.id));
    const installation = (
      (await t.db.get("SELECT value FROM settings WHERE key = 'xapi.installation_id'")) as { value: string }
    ).value;
    expect(statements[0].id).toBe(statementId(installation, 1));
    // the RFC 9562 test vector: DNS namespace, "www.example.com"
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );

    const other = await makeTestApp({ env: { PUBLIC_URL } });
    try {
      const learner = await other.user('learner');
      const token = await other.token(learner.email);
      await request(other.app)
        .put('/api/v1/me/outcomes/LI1')
        .set(auth(token))
        .send({ status: 'in_progress' });
      const adminToken = await other.token((await other.user('admin')).email);
      const theirs = (await request(other.app).get('/api/v1/events').set(auth(adminToken))).body
        .statements as Statement[];
      expect(theirs).toHaveLength(1);
      expect(theirs[0].id).not.toBe(statements[0].id);
      expect(problemsOf(theirs[0])).toEqual([]);
      // a learner in no cohort: the pack in grouping, no registration
      expect(theirs[0].context.registration).toBeUndefined();
      expect(theirs[0].context.contextActivities!.grouping!.map((a) => a.id)).toEqual([
        `${PUBLIC_URL}/packs/fixture-pack/versions/0.1.0`,
      ]);
    } finally {
      await other.close();
    }
  });

  it('puts every activity under PUBLIC_URL with one type per id, named from the pack the learner had', () => {
    const types = new Map<string, Set<string>>();
    const activities: Activity[] = statements.flatMap((s) => [
      s.object,
      ...(s.context.contextActivities?.parent ?? []),
      ...(s.context.contextActivities?.grouping ?? []),
    ]);
    for (const a of activities) {
      expect(a.id.startsWith(`${PUBLIC_URL}/`)).toBe(true);
      types.set(a.id, (types.get(a.id) ?? new Set()).add(a.definition.type));
    }
    for (const [id, set] of types) expect({ id, types: [...set] }).toEqual({ id, types: [[...set][0]] });

    // a module that exists only in Ann's cohort's variant is named from that variant
    expect(of(ann.id, 'experienced', '/modules/case-northshire-hub').object.definition.name).toEqual({
      'en-GB': "Northshire's customer hub",
    });
    expect(of(ann.id, 'answered', '/prompts/li-1').object.definition.name['en-GB']).toBe(
      'What did the hub hear first?',
    );
    expect(of(ann.id, 'responded', 'activity-self-assessment/form').object.definition.name['en-GB']).toBe(
      'Form: Self-assessment (ten-point)',
    );
    expect(of(bob.id, 'responded', 'activity-self-assessment/form').object.definition.name['en-GB']).toBe(
      'Form: Self-assessment',
    );
  });

  it('groups by pack version and cohort, with the enrolment as registration and parents only where real', async () => {
    const installation = (await t.db.get<{ value: string }>(
      "SELECT value FROM settings WHERE key = 'xapi.installation_id'",
    ))!.value;
    for (const s of statements) {
      const mine =
        s.actor.name === 'Ann' ? { cohort: northshire, id: ann.id } : { cohort: plain, id: bob.id };
      expect(s.context.registration).toBe(registrationId(installation, mine.cohort, mine.id));
      const grouping = s.context.contextActivities!.grouping!;
      expect(grouping.map((a) => a.id)).toEqual([
        mine.cohort === northshire
          ? expect.stringMatching(
              new RegExp(`^${PUBLIC_URL}/packs/fixture-pack/versions/0\\.1\\.0/variants/\\d+$`),
            )
          : `${PUBLIC_URL}/packs/fixture-pack/versions/0.1.0`,
        `${PUBLIC_URL}/cohorts/${mine.cohort}`,
      ]);
      expect(grouping[1].definition.name['en-GB']).toBe(
        mine.cohort === northshire ? 'Northshire leaders' : 'Plain leaders',
      );
    }
    expect(of(ann.id, 'experienced', 'case-northshire-hub').context.registration).not.toBe(
      of(bob.id, 'experienced', 'case-town-hall').context.registration,
    );
    expect(
      of(ann.id, 'experienced', 'case-northshire-hub').context.contextActivities!.grouping![0].definition
        .name['en-GB'],
    ).toBe('Fixture pack 0.1.0 (Northshire v1)');

    const parents = (s: Statement) => s.context.contextActivities?.parent?.map((p) => p.id);
    expect(parents(of(ann.id, 'experienced', '/modules/case-northshire-hub'))).toBeUndefined();
    expect(parents(of(ann.id, 'completed', '/modules/case-northshire-hub'))).toBeUndefined();
    expect(parents(of(ann.id, 'answered', '/prompts/li-1'))).toEqual([
      `${PUBLIC_URL}/modules/case-northshire-hub`,
    ]);
    expect(parents(of(ann.id, 'progressed', '/outcomes/LI1'))).toEqual([
      `${PUBLIC_URL}/modules/area-listening`,
    ]);
    expect(parents(of(ann.id, 'responded', '/raid-plan/form'))).toEqual([`${PUBLIC_URL}/modules/raid-plan`]);
    for (const s of statements) expect(parents(s) ?? []).not.toContain(s.object.id);
  });

  it('scores a rating on its own scale and lowercases the mbox', () => {
    const ten = of(ann.id, 'responded', 'activity-self-assessment/form').result!;
    expect(ten.score).toEqual({ raw: 10, min: 0, max: 20, scaled: 0.5 });
    expect(ten.extensions![`${PUBLIC_URL}/xapi/extensions/ratings`]).toEqual({
      listening: { value: 10, min: 0, max: 10 },
      measuring: { value: 0, min: 0, max: 10 },
    });
    const five = of(bob.id, 'responded', 'activity-self-assessment/form').result!;
    expect(five.score).toEqual({ raw: 6, min: 2, max: 10, scaled: 0.5 });
    expect(of(ann.id, 'responded', 'raid-plan/form').result).toEqual({ completion: true });
    for (const s of statements) expect(s.actor.mbox).toBe(s.actor.mbox.toLowerCase());
    expect(
      statements
        .filter((s) => s.actor.name === 'Ann')
        .every((s) => s.actor.mbox === 'mailto:ann.example@example.org'),
    ).toBe(true);
  });

  it('uses extension IRIs under PUBLIC_URL/xapi/extensions/ that resolve to JSON-LD, without signing in', async () => {
    const iris = new Set<string>();
    for (const s of statements) for (const k of Object.keys(s.result?.extensions ?? {})) iris.add(k);
    const types = new Set(
      statements.flatMap((s) => s.context.contextActivities?.grouping ?? []).map((a) => a.definition.type),
    );
    expect([...iris].sort()).toEqual([
      `${PUBLIC_URL}/xapi/extensions/outcome-status`,
      `${PUBLIC_URL}/xapi/extensions/ratings`,
    ]);
    for (const iri of [...iris, ...[...types].filter((x) => x.startsWith(PUBLIC_URL))]) {
      const res = await request(t.app).get(iri.slice(PUBLIC_URL.length));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
      const doc = JSON.parse(res.text) as Record<string, unknown>;
      expect(doc['@id']).toBe(iri);
      expect(doc).toHaveProperty('@context');
      expect(doc).toHaveProperty('prefLabel.en');
      expect(doc).toHaveProperty('definition.en');
    }
    expect((await request(t.app).get('/xapi/extensions/nothing-here')).status).toBe(404);
  });

  it('pages with `more` as the next page’s address, and "" on the last page', async () => {
    const first = await request(t.app).get(`/api/v1/events?learner=${ann.id}&limit=3`).set(auth(admin));
    expect(first.body.more).toMatch(/^\/api\/v1\/events\?/);
    let more: string = first.body.more;
    let n = first.body.statements.length;
    while (more) {
      const next = await request(t.app).get(more).set(auth(admin));
      n += next.body.statements.length;
      more = next.body.more;
      expect(typeof more).toBe('string');
    }
    expect(n).toBe(statements.filter((s) => s.actor.name === 'Ann').length);
  });
});
