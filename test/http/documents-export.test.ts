import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { docxParagraphs } from '../helpers/office';
import { makeTestApp, type TestApp } from '../helpers/app';

/** The Word downloads: a module, a section, a learning area, as pages and API; who may have them; which pack they hold. */

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const LISTENING = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'variants', 'area-listening.md'),
  'utf8',
);

let t: TestApp;
let admin: string;
let trainer: { id: number; email: string };
let learner: { id: number; email: string };
let cohortId: number;
let trainerToken: string;

/** supertest buffers a binary answer only when asked to. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The paragraphs of a downloaded document, as python-docx reads them. */
async function paragraphsOf(bytes: Buffer): Promise<{ style: string; text: string }[]> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'packway-docx-')), 'download.docx');
  fs.writeFileSync(file, bytes);
  try {
    return await docxParagraphs(file);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.token((await t.user('admin')).email);
  trainer = await t.user('trainer');
  learner = await t.user('learner');
  const { versionId } = await t.publishVariant(admin, 'Northshire', {
    fileName: 'listening.md',
    text: LISTENING,
  });
  trainerToken = await t.token(trainer.email);
  const cohort = await request(t.app)
    .post('/api/v1/cohorts')
    .set(auth(trainerToken))
    .send({ name: 'Northshire', variantId: versionId });
  expect(cohort.status).toBe(201);
  cohortId = cohort.body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(trainerToken))
    .send({ emails: [learner.email] })
    .expect(201);
});
afterAll(() => t.close());

describe.each([
  ['page', ''],
  ['API', '/api/v1'],
])('Word downloads (%s)', (_, prefix) => {
  it.each([
    ['/modules/area-listening.docx', 'area-listening.docx'],
    ['/sections/learning-areas.docx', 'learning-areas.docx'],
    ['/areas/listening.docx', 'listening-learning-area.docx'],
  ])('%s is a Word document to save', async (url, filename) => {
    const res = await request(t.app)
      .get(`${prefix}${url}`)
      .set(auth(trainerToken))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(DOCX);
    expect(res.headers['content-disposition']).toBe(`attachment; filename=${filename}`);
    const body = res.body as Buffer;
    expect(body.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  });

  it.each(['/modules/no-such-module.docx', '/sections/nope.docx', '/areas/nope.docx'])(
    '%s: an unknown id is not found',
    async (url) => {
      const res = await request(t.app).get(`${prefix}${url}`).set(auth(trainerToken));
      expect(res.status).toBe(404);
      if (prefix) expect(res.body.error.code).toBe('not_found');
      else expect(res.text).toContain('There is no');
    },
  );

  it('refuses someone signed out', async () => {
    const res = await request(t.app).get(`${prefix}/modules/area-listening.docx`);
    if (prefix) {
      expect(res.status).toBe(401);
    } else {
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
  });
});

describe('a cohort pinned to a variant downloads the variant', () => {
  it('gives a learner of the cohort the variant, and anyone else the built-in pack', async () => {
    const own = await paragraphsOf(
      (
        await request(t.app)
          .get('/api/v1/modules/area-listening.docx')
          .set(auth(await t.token(learner.email)))
          .buffer(true)
          .parse(binary)
      ).body as Buffer,
    );
    expect(own[0]).toEqual({ style: 'Title', text: 'Listening and resident insight' });
    expect(own.map((p) => p.text).join('\n')).toContain('In Northshire we say residents, not customers.');
    expect(own.map((p) => p.text).join('\n')).toMatch(/variant Northshire, version 1/);

    const base = await paragraphsOf(
      (
        await request(t.app)
          .get('/api/v1/modules/area-listening.docx')
          .set(auth(admin))
          .buffer(true)
          .parse(binary)
      ).body as Buffer,
    );
    expect(base[0].text).not.toBe('Listening and resident insight');
    expect(base.map((p) => p.text).join('\n')).not.toContain('Northshire');
  });

  it('gives the cohort’s trainer its variant with ?cohort=', async () => {
    const res = await request(t.app)
      .get(`/areas/listening.docx?cohort=${cohortId}`)
      .set(auth(trainerToken))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const paragraphs = await paragraphsOf(res.body as Buffer);
    expect(paragraphs[0]).toEqual({ style: 'Title', text: 'Listening and resident insight' });
  });

  it('refuses ?cohort= of a cohort the person is not part of', async () => {
    const other = await t.token((await t.user('trainer')).email);
    const res = await request(t.app)
      .get(`/api/v1/sections/learning-areas.docx?cohort=${cohortId}`)
      .set(auth(other));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('the links', () => {
  it('offer the module as Word on its page, and each section on the contents page', async () => {
    const { agent } = await t.signIn(learner.email);
    const page = await agent.get('/modules/area-listening');
    expect(page.text).toContain('href="/modules/area-listening.docx"');
    expect(page.text).toContain('Download as Word');
    expect(page.text).toContain('href="/areas/listening.docx"');
    const contents = await agent.get('/pack');
    for (const id of ['introduction', 'learning-areas', 'case-studies'])
      expect(contents.text).toContain(`href="/sections/${id}.docx"`);
    expect(contents.text).toContain('Download this section as Word');
  });
});
