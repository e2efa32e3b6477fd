import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

/** `PUT /api/v1/cohorts/{id}/variant`: a typo must never silently move a cohort back to the built-in pack. */

let t: TestApp;
let admin: string;
let cohortId: number;
let versionId: number;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const LISTENING = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'variants', 'area-listening.md'),
  'utf8',
);

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.token((await t.user('admin')).email);
  ({ versionId } = await t.publishVariant(admin, 'Northshire', {
    fileName: 'listening.md',
    text: LISTENING,
  }));
  cohortId = (await request(t.app).post('/api/v1/cohorts').set(auth(admin)).send({ name: 'Northshire' })).body
    .id;
});
afterAll(() => t.close());

const pin = (body: unknown) =>
  request(t.app)
    .put(`/api/v1/cohorts/${cohortId}/variant`)
    .set(auth(admin))
    .send(body as object);
const pinned = async () =>
  (await request(t.app).get(`/api/v1/cohorts/${cohortId}`).set(auth(admin))).body.variantVersionId as unknown;

it('pins a version by its integer id and unpins with null', async () => {
  expect((await pin({ variantVersionId: versionId })).body).toEqual({
    id: cohortId,
    variantVersionId: versionId,
  });
  expect(await pinned()).toBe(versionId);
  expect((await pin({ variantVersionId: null })).body).toEqual({ id: cohortId, variantVersionId: null });
  expect(await pinned()).toBeNull();
});

it.each([
  ['a string id', { variantVersionId: String(1) }],
  ['a missing field', {}],
  ['a misspelt field', { variantVersion: 1 }],
  ['a fraction', { variantVersionId: 1.5 }],
  ['zero', { variantVersionId: 0 }],
  ['false', { variantVersionId: false }],
])('answers 422 for %s and leaves the pin as it was', async (_, body) => {
  await pin({ variantVersionId: versionId });
  const res = await pin(body);
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('invalid');
  expect(res.body.error.details[0].field).toBe('variantVersionId');
  expect(await pinned()).toBe(versionId);
});
