import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let learner: Awaited<ReturnType<TestApp['signIn']>>;
let token: string;

beforeAll(async () => {
  t = await makeTestApp();
  const u = await t.user('learner');
  learner = await t.signIn(u.email);
  token = await t.token(u.email);
});
afterAll(() => t.close());

describe('pages and API of the pack', () => {
  it('serves healthz without signing in', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('shows the contents grouped by section with minutes and areas', async () => {
    const res = await learner.agent.get('/pack');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Fixture pack');
    expect(res.text).toContain('href="/modules/case-town-hall"');
    expect(res.text).toContain('45 minutes');
    expect(res.text).toContain('all 2 learning areas');
  });

  it('renders a module with its outcomes and prompts', async () => {
    const res = await learner.agent.get('/modules/case-town-hall');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 class="govuk-heading-xl">The town hall front desk</h1>');
    expect(res.text).toContain('How did the council hear from its customers?');
    expect(res.text).toContain('Evaluate current provision from two sources of customer evidence.');
  });

  it('shows the learner their own status and evidence on a module, the evidence as they typed it', async () => {
    const u = await t.user('learner');
    const me = await t.signIn(u.email);
    const bearer = { Authorization: `Bearer ${await t.token(u.email)}` };
    const evidence = 'Said "thank you" <twice> & meant it,\nthen wrote it down ✓ [1, 2]';
    await request(t.app).put('/api/v1/me/outcomes/LI1').set(bearer).send({ status: 'achieved', evidence });
    await request(t.app).put('/api/v1/me/outcomes/ME1').set(bearer).send({ status: 'in_progress' });
    await request(t.app).post('/api/v1/me/modules/case-town-hall/complete').set(bearer);

    const caseStudy = (await me.agent.get('/modules/case-town-hall')).text;
    const tags = [...caseStudy.matchAll(/govuk-tag[^"]*">([^<]+)<\/strong>/g)].map((m) => m[1]);
    // issue 32: LI1 is marked achieved and waits for the trainer's review
    expect(tags).toEqual(['Completed', 'Awaiting review', 'In progress', 'Completed']);
    const area = (await me.agent.get('/modules/area-listening')).text;
    expect(area).toContain('&lt;twice&gt; &amp; meant it,\nthen wrote it down ✓ [1, 2]');
    expect(area).not.toContain('<twice>');
    // another learner's page shows none of it
    const other = (await learner.agent.get('/modules/area-listening')).text;
    expect(other).not.toContain('meant it');
  });

  it('sends a module page sent in pieces with its exact length, and no body to a HEAD request', async () => {
    const get = await learner.agent.get('/modules/case-town-hall');
    expect(get.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(get.headers['content-length'])).toBe(Buffer.byteLength(get.text));
    expect(get.text.endsWith('</html>\n')).toBe(true);
    const head = await learner.agent.head('/modules/case-town-hall');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('finds routes whatever the case of the path, as Express does, page and API alike', async () => {
    // the routers are chosen by the path's first segment: a capital letter must not send a request past them
    expect((await learner.agent.get('/MODULES/case-town-hall')).status).toBe(200);
    expect((await learner.agent.get('/Pack')).status).toBe(200);
    const api = await request(t.app)
      .get('/api/v1/Modules/case-town-hall')
      .set('Authorization', `Bearer ${token}`);
    expect(api.status).toBe(200);
  });

  it('answers 404 with a GOV.UK page for an unknown module', async () => {
    const res = await learner.agent.get('/modules/nope');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page not found');
    expect(res.text).toContain('govuk-heading-l');
  });

  it('answers 404 in the error shape from the API', async () => {
    const res = await request(t.app).get('/api/v1/modules/nope').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String), details: [] } });
  });

  it('serves the slides presentation and print view', async () => {
    const res = await learner.agent.get('/modules/slides-overview/slides');
    expect(res.status).toBe(200);
    expect(res.text.match(/data-slide="/g)).toHaveLength(3);
    expect(res.text).toContain('Speaker notes');
    expect(res.text).toContain('data-deck-next');
    const print = await learner.agent.get('/modules/slides-overview/slides?print=1');
    expect(print.text).toContain('pw-deck--print');
    expect((await learner.agent.get('/modules/case-town-hall/slides')).status).toBe(404);
  });

  it('gives the pack and a module in the shapes the API documents', async () => {
    const pack = await request(t.app).get('/api/v1/pack').set('Authorization', `Bearer ${token}`);
    expect(pack.status).toBe(200);
    expect(pack.body).toMatchObject({ id: 'fixture-pack', version: '0.1.0' });
    expect(pack.body.sections[3]).toMatchObject({
      id: 'case-studies',
      modules: [{ id: 'case-town-hall', title: 'The town hall front desk', kind: 'case-study' }],
    });
    expect(pack.body.areas[0]).toMatchObject({
      id: 'listening',
      short: 'LI',
      outcomes: expect.arrayContaining([{ id: 'LI1', text: expect.any(String), review: 'trainer' }]),
    });
    const mod = await request(t.app)
      .get('/api/v1/modules/case-town-hall')
      .set('Authorization', `Bearer ${token}`);
    expect(mod.body).toMatchObject({
      id: 'case-town-hall',
      kind: 'case-study',
      areas: ['listening', 'measuring'],
      outcomes: ['LI1', 'ME1'],
      prompts: [
        { id: 'li-1', area: 'listening', question: expect.any(String) },
        { id: 'me-1', area: 'measuring', question: expect.any(String) },
      ],
    });
    expect(mod.body.html).toContain('<h2');
  });

  it('publishes an OpenAPI 3.1 document that parses and lists the paths', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text);
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/pack',
      '/modules/{id}',
      '/auth/token',
      '/cohorts',
      '/cohorts/{id}/progress',
      '/me/outcomes/{outcomeId}',
    ])
      expect(doc.paths[p]).toBeDefined();
  });

  it('serves GOV.UK Frontend assets and the app script', async () => {
    expect((await request(t.app).get('/static/govuk/govuk-frontend.min.css')).status).toBe(200);
    expect((await request(t.app).get('/static/js/app.js')).status).toBe(200);
    expect((await request(t.app).get('/assets/images/govuk-crest.svg')).status).toBe(200);
  });

  it('explains how the pack is used in Packway on a help page linked from every footer, signed in or not', async () => {
    const help = await request(t.app).get('/help');
    expect(help.status).toBe(200);
    for (const part of ['For learners', 'For trainers', 'For learning and development teams'])
      expect(help.text).toContain(part);
    expect((await request(t.app).get('/login')).text).toContain('href="/help"');
  });
});
