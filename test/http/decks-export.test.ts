import request from 'supertest';
import type { Test } from 'supertest';
import { readZip } from '../../src/variants/zip';
import { makeTestApp, type TestApp } from '../helpers/app';

/** Issue 29 item 1: any deck as PowerPoint, from its page, presenter mode and the API, for whoever may see the deck. */

const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const DECK = 'slides-overview';
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The variant's deck replaces the built-in one: a different title and slides, so a download shows which it is. */
const VARIANT_DECK = `---
id: slides-overview
title: Northshire overview deck
summary: The Northshire version of the overview.
minutes: 20
areas: [listening]
outcomes: []
---

## Residents first in Northshire

- We say residents, not customers

Note: Time: 20 minutes. Open with the Northshire residents’ panel.
`;

let t: TestApp;
let admin: string;
let learnerToken: string;
let learnerEmail: string;
let cohortId: number;

const binary = (req: Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

async function parts(body: Buffer): Promise<Map<string, string>> {
  const read = await readZip(body, () => (name) => name);
  expect(read.problems).toEqual([]);
  return read.files;
}

beforeAll(async () => {
  t = await makeTestApp({ env: { ORGANISATION_NAME: 'Riverside Council' } });
  admin = await t.token((await t.user('admin')).email);
  const learner = await t.user('learner');
  learnerEmail = learner.email;
  learnerToken = await t.token(learner.email);
  const { versionId } = await t.publishVariant(admin, 'Northshire', {
    fileName: 'overview.md',
    text: VARIANT_DECK,
  });
  cohortId = (
    await request(t.app)
      .post('/api/v1/cohorts')
      .set(auth(admin))
      .send({ name: 'Northshire leaders', variantId: versionId })
  ).body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(auth(admin))
    .send({ userIds: [learner.id] })
    .expect(201);
});
afterAll(() => t.close());

describe('a deck as PowerPoint', () => {
  it('is sent from the page route and the API as a .pptx attachment named after the deck', async () => {
    for (const path of [`/modules/${DECK}/slides.pptx`, `/api/v1/modules/${DECK}/slides.pptx`]) {
      const res = await binary(request(t.app).get(path).set(auth(admin)));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(PPTX);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${DECK}.pptx"`);
      expect(res.headers['cache-control']).toBe('private');
      const body = res.body as Buffer;
      expect(body.subarray(0, 4).equals(ZIP_MAGIC)).toBe(true);
      const files = await parts(body);
      expect([...files.keys()].filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n))).toHaveLength(3);
      expect(files.get('ppt/slides/slide1.xml')).toContain('Why customer focus');
      expect(files.get('ppt/slides/slide1.xml')).toContain('Riverside Council');
      expect(files.get('docProps/core.xml')).toContain('Fixture pack 0.1.0');
    }
  });

  it('answers 404 for an unknown module and for a module that is not a deck', async () => {
    for (const id of ['no-such-module', 'intro-welcome']) {
      const page = await request(t.app).get(`/modules/${id}/slides.pptx`).set(auth(admin));
      expect(page.status).toBe(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const api = await request(t.app).get(`/api/v1/modules/${id}/slides.pptx`).set(auth(admin));
      expect(api.status).toBe(404);
      expect(api.body.error).toMatchObject({ code: 'not_found' });
    }
  });

  it('is for signed-in people only', async () => {
    const page = await request(t.app).get(`/modules/${DECK}/slides.pptx`);
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/login/);
    const api = await request(t.app).get(`/api/v1/modules/${DECK}/slides.pptx`);
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBeDefined();
  });

  it('gives a learner pinned to a variant the variant’s deck, and its trainer the same with ?cohort=', async () => {
    const mine = await binary(request(t.app).get(`/modules/${DECK}/slides.pptx`).set(auth(learnerToken)));
    expect(mine.status).toBe(200);
    const files = await parts(mine.body as Buffer);
    expect(files.get('ppt/slides/slide1.xml')).toContain('Residents first in Northshire');
    expect(files.has('ppt/slides/slide2.xml')).toBe(false);
    expect(files.get('docProps/core.xml')).toContain('variant Northshire, version 1');
    expect(files.get('ppt/notesSlides/notesSlide1.xml')).toContain('Time: 20 minutes.');
    const staff = await binary(
      request(t.app).get(`/api/v1/modules/${DECK}/slides.pptx?cohort=${cohortId}`).set(auth(admin)),
    );
    expect(staff.status).toBe(200);
    expect((staff.body as Buffer).equals(mine.body as Buffer)).toBe(true);
    const base = await binary(request(t.app).get(`/modules/${DECK}/slides.pptx`).set(auth(admin)));
    expect((await parts(base.body as Buffer)).get('ppt/slides/slide1.xml')).not.toContain('Northshire');
  });

  it('is linked from the deck’s page, its slides page and presenter mode', async () => {
    const { agent } = await t.signIn(learnerEmail);
    const link = `href="/modules/${DECK}/slides.pptx" download>Download as PowerPoint</a>`;
    for (const path of [`/modules/${DECK}`, `/modules/${DECK}/slides`, `/modules/${DECK}/slides/notes`]) {
      const res = await agent.get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain(link);
    }
    // the audience's window shows slides only
    expect((await agent.get(`/modules/${DECK}/slides/present`)).text).not.toContain('slides.pptx');
  });
});
