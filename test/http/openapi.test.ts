import express from 'express';
import request from 'supertest';
import type { OpenApiDocument } from '../../src/web/openapi';
import { makeTestApp, type TestApp } from '../helpers/app';
import { withResponseValidation } from '../helpers/contract';
import { contract } from '../helpers/contract-record';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
type Doc = OpenApiDocument;
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
}

/** Every `METHOD /path` the app answers under /api/v1, in OpenAPI's `{param}` form, found by walking its routers. */
function apiRoutes(): string[] {
  const found = t
    .routes()
    .filter((r) => r.fullPath.startsWith('/api/v1/'))
    .map((r) => `${r.method.toUpperCase()} ${r.fullPath.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(found)].sort();
}

function documented(doc: Doc): string[] {
  return Object.entries(doc.paths ?? {})
    .flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

function operations(doc: Doc): [string, Operation][] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([m, op]): [string, Operation] => [
      `${m.toUpperCase()} ${path}`,
      op,
    ]),
  );
}

let t: TestApp;
let doc: Doc;
beforeAll(async () => {
  t = await makeTestApp();
  doc = (await request(t.app).get('/api/v1/openapi.json')).body as Doc;
});
afterAll(() => t.close());

describe('the OpenAPI document', () => {
  it('documents every route the API answers, and nothing it does not', () => {
    // the document is made from the contracts the API's routes register: this finds a route registered without one
    const registered = apiRoutes();
    expect(registered.length).toBeGreaterThan(30);
    expect(registered).toContain('GET /openapi.json');
    const missing = registered.filter((r) => !documented(doc).includes(r));
    const stale = documented(doc).filter((r) => !registered.includes(r));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('names, tags and summarises every operation and documents its errors with the Error schema', () => {
    const ids = new Set<string>();
    for (const [name, op] of operations(doc)) {
      expect({ name, operationId: typeof op.operationId }).toEqual({ name, operationId: 'string' });
      expect(ids.has(op.operationId!)).toBe(false);
      ids.add(op.operationId!);
      expect(op.summary).toBeTruthy();
      expect(op.tags?.length).toBe(1);
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^4\d\d$/.test(s))).toBe(true);
      if (op.security === undefined)
        expect({ name, statuses }).toEqual({ name, statuses: expect.arrayContaining(['401']) });
      if (op.requestBody)
        expect({ name, statuses }).toEqual({
          name,
          statuses: expect.arrayContaining(['400', '413', '415', '422']),
        });
    }
  });

  it('is public only where the API is: POST /auth/token, the document itself and checking a badge', () => {
    const open = operations(doc)
      .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
      .map(([name]) => name);
    expect(open.sort()).toEqual(['GET /openapi.json', 'POST /auth/token', 'POST /badges/verify']);
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);
  });

  it('has component schemas, formats, a licence and a contact', () => {
    const schemas = doc.components?.schemas ?? {};
    for (const name of [
      'User',
      'Cohort',
      'Assignment',
      'Statement',
      'StatementResult',
      'Pack',
      'Module',
      'Error',
    ])
      expect(Object.keys(schemas)).toContain(name);
    expect(doc.info.license?.name).toBeTruthy();
    expect(doc.info.contact?.url).toBeTruthy();
    const text = JSON.stringify(doc);
    expect(text).toContain('"format":"email"');
    expect(text).toContain('"format":"date-time"');
    const assign = doc.paths!['/cohorts/{id}/assignments'].post as unknown as Operation;
    const dueAt = (
      assign.requestBody!.content['application/json'].schema.properties as Record<string, object>
    ).dueAt;
    expect(dueAt).toMatchObject({
      anyOf: [
        { type: 'string', format: 'date' },
        { type: 'string', format: 'date-time' },
      ],
    });
    const more = (schemas.StatementResult as { properties: Record<string, object> }).properties.more;
    expect(more).toMatchObject({ type: 'string' });
    const cohortBody = (doc.paths!['/cohorts'].post as unknown as Operation).requestBody!.content[
      'application/json'
    ].schema;
    expect(cohortBody.required).toEqual(['name']);
  });

  it('is checked by a validator that catches a response the document does not describe', async () => {
    const before = contract.violations.length;
    const wrong = express();
    wrong.get('/api/v1/pack', (_req, res) => {
      res.json({ id: 'no sections' });
    });
    wrong.get('/api/v1/cohorts', (_req, res) => {
      res.status(418).json({});
    });
    const app = withResponseValidation(wrong, doc);
    await request(app).get('/api/v1/pack');
    await request(app).get('/api/v1/cohorts');
    const caught = contract.violations.splice(before);
    expect(caught).toEqual([
      expect.stringMatching(/^GET \/api\/v1\/pack: \/response must have required property/),
      expect.stringContaining("no schema defined for status code '418'"),
    ]);
  });
});

describe('HTTP semantics', () => {
  let admin: string;
  beforeAll(async () => {
    admin = await t.token((await t.user('admin')).email);
  });

  it('challenges every 401 with WWW-Authenticate: Bearer realm="packway"', async () => {
    const none = await request(t.app).get('/api/v1/pack');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="packway"');

    const badToken = await request(t.app)
      .get('/api/v1/pack')
      .set(auth('x'.repeat(40)));
    expect(badToken.status).toBe(401);
    expect(badToken.headers['www-authenticate']).toBe('Bearer realm="packway", error="invalid_token"');

    const wrongPassword = await request(t.app)
      .post('/api/v1/auth/token')
      .send({ email: 'nobody@example.org', password: 'not the password' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.headers['www-authenticate']).toBe('Bearer realm="packway"');

    const signInPage = await request(t.app)
      .post('/login')
      .type('form')
      .send({ email: 'nobody@example.org', password: 'not the password' });
    if (signInPage.status === 401)
      expect(signInPage.headers['www-authenticate']).toBe('Bearer realm="packway"');
  });

  it('names an uploaded variant after its file when no name is sent, and publishes with 201 and the id', async () => {
    const md = [
      '---',
      'id: case-harbour',
      'title: Harbour',
      'summary: A local case.',
      'minutes: 20',
      'areas: [listening, measuring]',
      'outcomes: [LI1]',
      'prompts:',
      '  - { id: li-1, area: listening, question: "What was heard?" }',
      '  - { id: me-1, area: measuring, question: "What was measured?" }',
      'sources: ["Illustrative"]',
      '---',
      'The harbour office listened.',
      '',
    ].join('\n');
    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(auth(admin))
      .field('section', '06-case-studies')
      .attach('file', Buffer.from(md), 'harbour-board.md');
    expect(up.status).toBe(201);
    expect(up.body.name).toBe('harbour-board');

    const pub = await request(t.app).post(`/api/v1/variants/${up.body.id}/publish`).set(auth(admin));
    expect(pub.status).toBe(201);
    expect(pub.body).toEqual({ id: up.body.draftId, versionId: up.body.draftId, version: 1 });
  });

  it('answers more: "" on the last page of GET /events', async () => {
    const res = await request(t.app).get('/api/v1/events?limit=1000').set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.body.more).toBe('');
  });
});
