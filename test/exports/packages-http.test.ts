import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { csrfFrom, makeTestApp, PASSWORD, REAL_PACK, type TestApp } from '../helpers/app';
import { buildsWith } from '../helpers/builds';
import { binary, unzip } from '../helpers/zip';
import { zipPackage } from '../../src/exports/packages';

// The SCORM 1.2, SCORM 2004 and cmi5 packages through HTTP, as trainers and admins download them: built in the export
// worker, served from the cache the second time, one section or one module alone, a variant version's own content,
// and the page that explains them. What is inside a package (schemas, players) is test/exports/packages.test.ts's
// and the e2e tests'; this checks the pipeline and the product around them.

const VARIANT_TITLE = 'Plan a Northshire <listening> & "front door"';
const FORMATS = ['scorm12', 'scorm2004', 'cmi5'] as const;
const manifestOf = (format: string) => (format === 'cmi5' ? 'cmi5.xml' : 'imsmanifest.xml');

/** `attachment; filename=NAME`, quoted or not (Express quotes a name only when it must). */
const attachment = (name: string) =>
  new RegExp(`^attachment; filename="?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?$`);

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('packages for other learning systems, through HTTP', () => {
  let t: TestApp;
  let tokens: { trainer: string; admin: string; learner: string };
  let trainerPages: TestAgent;
  let adminPages: TestAgent;
  const figures: Record<string, number> = {};

  /** Asks the API until the package is ready (the first request started it), then downloads it. */
  async function fetchPackage(
    url: string,
    token: string,
  ): Promise<{ zip: Buffer; ms: number; res: request.Response }> {
    const started = performance.now();
    for (;;) {
      const res = await request(t.app).get(url).set(bearer(token)).buffer(true).parse(binary);
      if (res.status === 200) return { zip: res.body as Buffer, ms: performance.now() - started, res };
      expect(res.status).toBe(202);
      expect(performance.now() - started).toBeLessThan(60_000);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await makeTestApp({ content: REAL_PACK });
    const [trainer, admin, learner] = await Promise.all([
      t.user('trainer'),
      t.user('admin'),
      t.user('learner'),
    ]);
    tokens = {
      trainer: await t.token(trainer.email),
      admin: await t.token(admin.email),
      learner: await t.token(learner.email),
    };
    trainerPages = (await t.signIn(trainer.email)).agent;
    adminPages = (await t.signIn(admin.email)).agent;
  });

  afterAll(async () => {
    await t.services.exportBuilds.close();
    await t.close();
    console.log(`package figures: ${JSON.stringify(figures)}`);
  });

  it('are for trainers and admins only, of a version, format and part that exist', async () => {
    await request(t.app)
      .get('/packs/builtin/export/scorm12.zip')
      .expect(303)
      .expect('location', /^\/login/);
    await request(t.app)
      .get('/packs/builtin/export')
      .expect(303)
      .expect('location', /^\/login/);
    await request(t.app).get('/api/v1/packs/builtin/export/scorm12.zip').expect(401);
    await request(t.app)
      .get('/api/v1/packs/builtin/export/scorm12.zip')
      .set(bearer(tokens.learner))
      .expect(403);
    await request(t.app).get('/api/v1/packs/builtin/export/cmi5').set(bearer(tokens.learner)).expect(403);
    const learner = (await t.signIn((await t.user('learner')).email)).agent;
    await learner.get('/packs/builtin/export/scorm2004.zip').expect(403);
    await learner.get('/packs/builtin/export').expect(403);
    expect((await learner.get('/pack').expect(200)).text).not.toContain('/packs/builtin/export');

    const api = (url: string) => request(t.app).get(`/api/v1${url}`).set(bearer(tokens.trainer));
    // an unknown version, format, section or module is no file at all
    for (const url of [
      '/packs/99999/export/scorm12.zip',
      '/packs/latest/export/scorm12',
      '/packs/builtin/export/scorm3.zip',
      '/packs/builtin/export/SCORM12',
      '/packs/builtin/export/trainer-pack.zip',
      '/packs/builtin/export/scorm12.zip?module=no-such-module',
      '/packs/builtin/export/cmi5?section=no-such-section',
    ]) {
      const res = await api(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.body.error.code).toBe('not_found');
    }
    // a section and a module at once is a bad request, said as the API says every one
    const both = await api(
      '/packs/builtin/export/scorm12.zip?section=case-studies&module=case-dudley-golden-thread',
    );
    expect(both.status).toBe(422);
    expect(both.body.error.details).toEqual([expect.objectContaining({ field: 'module' })]);
    await trainerPages.get('/packs/builtin/export/scorm3.zip').expect(404);
    await trainerPages.get('/packs/builtin/export/scorm12.zip?module=no-such-module').expect(404);
    await trainerPages.get('/packs/builtin/export/scorm12?section=a&module=b').expect(400);
    await trainerPages.get('/packs/424242/export').expect(404);
    // nothing was started for any of them
    expect(fs.existsSync(path.join(t.dir, 'exports'))).toBe(false);
  });

  it('has a page that explains each standard, linked from /pack for trainers and admins', async () => {
    for (const agent of [trainerPages, adminPages]) {
      const pack = await agent.get('/pack').expect(200);
      expect(pack.text).toContain('href="/packs/builtin/export"');
      const page = await agent.get('/packs/builtin/export').expect(200);
      expect(page.text.match(/<h1/g)).toHaveLength(1);
      expect(page.text).toContain('Use this pack in another learning system');
      for (const [format, name] of [
        ['scorm12', 'SCORM 1.2'],
        ['scorm2004', 'SCORM 2004 (4th edition)'],
        ['cmi5', 'cmi5'],
      ]) {
        expect(page.text).toContain(`href="/packs/builtin/export/${format}.zip"`);
        expect(page.text).toContain(`Download the whole pack as ${name}`);
      }
      expect(page.text).toContain('ESR');
      expect(page.text).toContain('learning record store');
      expect(page.text).toContain('value="section:case-studies"');
      expect(page.text).toContain('value="module:case-dudley-golden-thread"');
    }
  });

  it('checks the choice of one section or one module, and sends a good one to its package', async () => {
    const bad = await trainerPages.get('/packs/builtin/export?format=scorm9&part=module:nothing').expect(400);
    expect(bad.text).toContain('govuk-error-summary');
    expect(bad.text).toContain('href="#format"');
    expect(bad.text).toContain('href="#part"');
    expect(bad.text).toContain('<title>Error: Use this pack in another learning system');
    const empty = await trainerPages.get('/packs/builtin/export?format=cmi5&part=').expect(400);
    expect(empty.text).toContain('Choose a section or a module of the pack from the list');
    expect(empty.text).not.toContain('href="#format"');
    expect(empty.text).toMatch(/value="cmi5" checked/);
    const good = await trainerPages
      .get('/packs/builtin/export?format=scorm2004&part=section:case-studies')
      .expect(303);
    expect(good.headers.location).toBe('/packs/builtin/export/scorm2004.zip?section=case-studies');
    const mod = await trainerPages
      .get('/packs/builtin/export?format=scorm12&part=module:case-dudley-golden-thread')
      .expect(303);
    expect(mod.headers.location).toBe('/packs/builtin/export/scorm12.zip?module=case-dudley-golden-thread');
  });

  it('are built off the request thread in each format, then served from the cache: the same bytes', async () => {
    const pack = t.services.packs.base;
    for (const [i, format] of FORMATS.entries()) {
      // trainers and admins alike; the first request starts the build
      const token = i % 2 ? tokens.admin : tokens.trainer;
      const url = `/api/v1/packs/builtin/export/${format}.zip`;
      const first = await request(t.app).get(url).set(bearer(token));
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ kind: format, part: null, versionId: 'builtin', download: url });
      const cold = await fetchPackage(url, token);
      figures[`${format}ColdMs`] = Math.round(cold.ms);
      figures[`${format}Bytes`] = cold.zip.length;
      expect(cold.res.headers['content-type']).toBe('application/zip');
      expect(cold.res.headers['content-disposition']).toMatch(
        attachment(`customer-focused-leadership-1.0.0-${format}.zip`),
      );
      const entries = await unzip(cold.zip);
      const names = entries.map((e) => e.name);
      expect(names).toContain(manifestOf(format));
      expect(names).toContain('index.html');
      expect(names.filter((n) => n.startsWith('modules/'))).toHaveLength(pack.modules.size);
      const manifest = entries.find((e) => e.name === manifestOf(format))!.data.toString('utf8');
      expect(manifest).toContain('Customer focused leadership');

      const started = performance.now();
      const warm = await request(t.app)
        .get(url)
        .set(bearer(i % 2 ? tokens.trainer : tokens.admin))
        .buffer(true)
        .parse(binary)
        .expect(200);
      figures[`${format}WarmMs`] = Math.round(performance.now() - started);
      expect((warm.body as Buffer).equals(cold.zip)).toBe(true);
      const status = await request(t.app)
        .get(`/api/v1/packs/builtin/export/${format}`)
        .set(bearer(tokens.trainer))
        .expect(200);
      expect(status.body).toMatchObject({ status: 'ready', bytes: cold.zip.length, total: entries.length });
    }
    // one file per format on disk, none half-written
    for (const format of FORMATS) {
      const onDisk = fs.readdirSync(path.join(t.dir, 'exports', format));
      expect(onDisk.filter((n) => n.endsWith('.zip'))).toHaveLength(1);
      expect(onDisk.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
    // the pages: the file once ready, with its name; the page for other learning systems says it is ready
    const page = await trainerPages
      .get('/packs/builtin/export/scorm12.zip')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(page.headers['content-disposition']).toMatch(
      attachment('customer-focused-leadership-1.0.0-scorm12.zip'),
    );
    const choices = await adminPages.get('/packs/builtin/export').expect(200);
    expect(choices.text).toContain('customer-focused-leadership-1.0.0-cmi5.zip (ZIP,');
    const progress = await adminPages.get('/packs/builtin/export/scorm2004').expect(200);
    expect(progress.text).toContain('The SCORM 2004 package is ready');
    expect(progress.text).toContain('href="/packs/builtin/export/scorm2004.zip"');
  });

  it('makes a package of one section or one module, each cached on its own', async () => {
    const pack = t.services.packs.base;
    const section = pack.sections.find((s) => s.id === 'case-studies')!;
    // the page first: the download while it builds goes to its progress page, which names the part
    const asked = await trainerPages
      .get('/packs/builtin/export/scorm2004.zip?section=case-studies')
      .expect(303);
    expect(asked.headers.location).toBe('/packs/builtin/export/scorm2004?section=case-studies');
    const progress = await trainerPages.get(asked.headers.location).expect(200);
    expect(progress.text).toMatch(/Preparing the SCORM 2004 package|The SCORM 2004 package is ready/);
    expect(progress.text).toContain(`section “${section.title}”`);

    const bySection = await fetchPackage(
      '/api/v1/packs/builtin/export/scorm2004.zip?section=case-studies',
      tokens.trainer,
    );
    expect(bySection.res.headers['content-disposition']).toMatch(
      attachment('customer-focused-leadership-1.0.0-scorm2004-section-case-studies.zip'),
    );
    const sectionNames = (await unzip(bySection.zip)).map((e) => e.name);
    expect(sectionNames.filter((n) => n.startsWith('modules/')).sort()).toEqual(
      section.modules.map((m) => `modules/${m.id}.html`).sort(),
    );

    const byModule = await fetchPackage(
      '/api/v1/packs/builtin/export/cmi5.zip?module=case-dudley-golden-thread',
      tokens.admin,
    );
    const entries = await unzip(byModule.zip);
    expect(entries.map((e) => e.name).filter((n) => n.startsWith('modules/'))).toEqual([
      'modules/case-dudley-golden-thread.html',
    ]);
    const structure = entries.find((e) => e.name === 'cmi5.xml')!.data.toString('utf8');
    expect(structure.match(/<au /g)).toHaveLength(1);
    expect(
      fs.readdirSync(path.join(t.dir, 'exports', 'cmi5')).filter((n) => n.endsWith('.zip')),
    ).toHaveLength(2);
    const status = await request(t.app)
      .get('/api/v1/packs/builtin/export/cmi5?module=case-dudley-golden-thread')
      .set(bearer(tokens.trainer))
      .expect(200);
    expect(status.body).toMatchObject({
      status: 'ready',
      part: {
        scope: 'module',
        id: 'case-dudley-golden-thread',
        title: pack.modules.get('case-dudley-golden-thread')!.title,
      },
      download: '/api/v1/packs/builtin/export/cmi5.zip?module=case-dudley-golden-thread',
    });
  });

  it('makes a published variant version its own packages, with the variant’s modules, prepared when it is published', async () => {
    const original = fs.readFileSync(path.join(REAL_PACK, '07-activities', '05-listening-plan.md'), 'utf8');
    const tailored = original.replace(/^title: .*$/m, `title: '${VARIANT_TITLE}'`);
    const added = [
      '---',
      'id: northshire-front-door',
      'title: The Northshire front door',
      'summary: How residents reach the council.',
      'minutes: 10',
      'areas: [listening]',
      'outcomes: []',
      '---',
      '',
      'Residents reach the council through one front door.',
      '',
    ].join('\n');
    const upload = await zipPackage([
      { path: '07-activities/05-listening-plan.md', data: tailored },
      { path: '07-activities/10-northshire-front-door.md', data: added },
    ]);
    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(bearer(tokens.admin))
      .field('name', 'Northshire')
      .attach('file', upload, 'northshire.zip')
      .expect(201);
    const draftId = up.body.draftId as number;
    await request(t.app).get(`/api/v1/packs/${draftId}/export/scorm12`).set(bearer(tokens.admin)).expect(404);
    await request(t.app).post(`/api/v1/variants/${up.body.id}/publish`).set(bearer(tokens.admin)).expect(201);

    // publishing asked for the trainer's pack and the three whole-pack packages to be made in the background
    const jobs = await t.db.all<{ unique_key: string }>(
      "SELECT unique_key FROM jobs WHERE kind = 'exports.prepare' ORDER BY unique_key",
    );
    expect(jobs.map((j) => j.unique_key)).toEqual(
      ['cmi5', 'scorm12', 'scorm2004', 'trainer-pack'].map((k) => `${k}:${draftId}`),
    );

    const agent = (await t.signIn((await t.user('trainer')).email)).agent;
    const page = await agent.get(`/packs/${draftId}/export`).expect(200);
    expect(page.text).toContain('variant Northshire, version');
    const { zip, res } = await fetchPackage(`/api/v1/packs/${draftId}/export/scorm2004.zip`, tokens.trainer);
    expect(res.headers['content-disposition']).toMatch(attachment(`northshire-v1-1.0.0-scorm2004.zip`));
    const entries = await unzip(zip);
    const manifest = entries.find((e) => e.name === 'imsmanifest.xml')!.data.toString('utf8');
    expect(manifest).toContain('Plan a Northshire &lt;listening&gt; &amp;');
    expect(manifest).toContain('variant Northshire');
    const variantPack = await t.services.packs.forVersion(draftId);
    expect(entries.filter((e) => e.name.startsWith('modules/'))).toHaveLength(variantPack.modules.size);
    expect(variantPack.modules.has('northshire-front-door')).toBe(true);
    expect(entries.map((e) => e.name)).toContain('modules/northshire-front-door.html');
    expect(manifest).toContain('The Northshire front door');
  });

  it('shows a failed build as a page with a way to try again, for that part of the pack, never a 500', async () => {
    let attempts = 0;
    const failing = buildsWith(t, async () => {
      attempts++;
      throw new Error('the zip writer broke');
    });
    const app = t.appWith({ exportBuilds: failing });
    const signedIn = request.agent(app);
    const login = await csrfFrom(signedIn, '/login');
    await signedIn
      .post('/login')
      .type('form')
      .send({ email: (await t.user('trainer')).email, password: PASSWORD, _csrf: login })
      .expect(303);
    const asked = await signedIn.get('/packs/builtin/export/cmi5.zip?section=case-studies').expect(303);
    const progressUrl = '/packs/builtin/export/cmi5?section=case-studies';
    expect(asked.headers.location).toBe(progressUrl);
    let page = await signedIn.get(progressUrl);
    for (let i = 0; i < 50 && !page.text.includes('could not be prepared'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      page = await signedIn.get(progressUrl);
    }
    expect(page.status).toBe(200);
    expect(page.text).toContain('The cmi5 package could not be prepared');
    expect(page.text).toContain(`action="${progressUrl}"`);
    expect(page.text).not.toContain('the zip writer broke'); // the reason is for admins
    const api = await request(app)
      .get('/api/v1/packs/builtin/export/cmi5.zip?section=case-studies')
      .set(bearer(tokens.trainer))
      .expect(503);
    expect(api.body.error).toMatchObject({ code: 'export_failed' });
    expect(api.body.error.message).toContain('POST /packs/{versionId}/export/{format}');
    expect(attempts).toBe(1);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await signedIn
      .post(progressUrl)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303)
      .expect('location', progressUrl);
    for (let i = 0; i < 50 && attempts < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toBe(2);
    const retried = await request(app)
      .post('/api/v1/packs/builtin/export/cmi5?section=case-studies')
      .set(bearer(tokens.admin))
      .expect(202);
    expect(retried.body).toMatchObject({ kind: 'cmi5', part: { scope: 'section', id: 'case-studies' } });
  });
});
