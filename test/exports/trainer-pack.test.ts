import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { csrfFrom, makeTestApp, PASSWORD, REAL_PACK, type TestApp } from '../helpers/app';
import { onSqlite } from '../helpers/engine';
import { buildsWith } from '../helpers/builds';
import { binary, unzip, type ZipEntry } from '../helpers/zip';
import { convertToPdf, pdfPageCount } from '../helpers/office';
import type { Pack } from '../../src/content/types';

// The trainer's pack of the built-in pack, made once through HTTP as a trainer: every file in it is where it should
// be and opens in LibreOffice; the second download comes from the cache; a variant version gets its own; /healthz
// answers throughout the build. Slow project (jest.config.js): the build and LibreOffice take tens of seconds.

const ORGANISATION = 'Northshire Council';
const VARIANT_PHRASE = 'Northshire residents meet the listening panel every month';

/** What the zip must hold for a pack: one .pptx per deck, one .docx per other module, in its section's folder. */
function expectedFolders(pack: Pack): Map<string, { pptx: number; docx: number }> {
  const folders = new Map<string, { pptx: number; docx: number }>();
  for (const s of pack.sections) {
    if (s.modules.length === 0) continue;
    const decks = s.modules.filter((m) => m.kind === 'slides' && m.slides.length > 0).length;
    folders.set(s.dir, { pptx: decks, docx: s.modules.length - decks });
  }
  return folders;
}

function checkLayout(entries: ZipEntry[], pack: Pack): void {
  const names = entries.map((e) => e.name);
  expect(names).toContain('Facilitator guide.docx');
  expect(names).toContain('README.txt');
  for (const [dir, want] of expectedFolders(pack)) {
    const inDir = names.filter((n) => n.startsWith(`${dir}/`));
    expect({ dir, pptx: inDir.filter((n) => n.endsWith('.pptx')).length }).toEqual({ dir, pptx: want.pptx });
    expect({ dir, docx: inDir.filter((n) => n.endsWith('.docx')).length }).toEqual({ dir, docx: want.docx });
  }
  // nothing else: no stray folder, no empty file
  expect(names.length).toBe(2 + [...expectedFolders(pack).values()].reduce((n, f) => n + f.pptx + f.docx, 0));
  for (const e of entries)
    expect({ name: e.name, empty: e.data.length === 0 }).toEqual({ name: e.name, empty: false });
}

async function signInOn(app: request.SuperTestStatic | http.RequestListener, email: string) {
  const agent = request.agent(app as http.RequestListener);
  const csrf = await csrfFrom(agent, '/login');
  await agent.post('/login').type('form').send({ email, password: PASSWORD, _csrf: csrf }).expect(303);
  return agent;
}

describe('the trainer’s pack', () => {
  let t: TestApp;
  let trainer: { id: number; email: string };
  let trainerToken: string;
  let adminToken: string;
  let learnerToken: string;
  let learner: { id: number; email: string };
  let server: http.Server;
  let baseUrl: string;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    t = await makeTestApp({ content: REAL_PACK, env: { ORGANISATION_NAME: ORGANISATION } });
    trainer = await t.user('trainer');
    const admin = await t.user('admin');
    learner = await t.user('learner');
    [trainerToken, adminToken, learnerToken] = await Promise.all([
      t.token(trainer.email),
      t.token(admin.email),
      t.token(learner.email),
    ]);
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.services.exportBuilds.close();
    await t.close();
    // the figures a person reads in the test output (the bench measures the built server)
    console.log(`trainer's pack figures: ${JSON.stringify(figures)}`);
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('is for trainers and admins only, of a version that exists', async () => {
    await request(t.app)
      .get('/packs/builtin/trainer-pack.zip')
      .expect(303)
      .expect('location', /^\/login/);
    await request(t.app).get('/api/v1/packs/builtin/trainer-pack.zip').expect(401);
    await request(t.app).get('/api/v1/packs/builtin/trainer-pack').set(bearer(learnerToken)).expect(403);
    await request(t.app).get('/api/v1/packs/builtin/trainer-pack.zip').set(bearer(learnerToken)).expect(403);
    const learnerPages = await signInOn(t.app, (await t.user('learner')).email);
    await learnerPages.get('/packs/builtin/trainer-pack.zip').expect(403);
    await learnerPages.get('/packs/builtin/trainer-pack').expect(403);
    const pack = await learnerPages.get('/pack').expect(200);
    expect(pack.text).not.toContain('trainer’s pack');
    for (const bad of ['999999', 'latest', '0', '-1', '1.5', 'builtin2'])
      await request(t.app).get(`/api/v1/packs/${bad}/trainer-pack`).set(bearer(trainerToken)).expect(404);
    const page = await (await signInOn(t.app, trainer.email)).get('/packs/12345/trainer-pack.zip');
    expect(page.status).toBe(404);
    // asking about versions that do not exist started nothing
    expect(fs.existsSync(path.join(t.dir, 'exports'))).toBe(false);
  });

  it('says which version a person sees: builtin, or the pinned variant version', async () => {
    const res = await request(t.app).get('/api/v1/pack').set(bearer(trainerToken)).expect(200);
    expect(res.body.versionId).toBe('builtin');
  });

  it('is built once off the request thread, with progress, while /healthz keeps answering; every file opens', async () => {
    const agent = await signInOn(t.app, trainer.email);
    const before = await agent.get('/pack').expect(200);
    expect(before.text).toContain('href="/packs/builtin/trainer-pack"');

    // /healthz every 50 ms from the start of the build to its end, timed from outside the app
    let polling = true;
    const latencies: number[] = [];
    const healthz = (async () => {
      while (polling) {
        const started = performance.now();
        const res = await fetch(`${baseUrl}/healthz`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`/healthz answered ${res.status} during the build`);
        latencies.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const started = performance.now();
    const first = await agent.get('/packs/builtin/trainer-pack.zip').expect(303);
    expect(first.headers.location).toBe('/packs/builtin/trainer-pack');
    const progressPage = await agent.get('/packs/builtin/trainer-pack').expect(200);
    expect(progressPage.text).toContain('Preparing the trainer’s pack');
    expect(progressPage.text).toContain('src="/static/js/export-progress.js"');
    // the page's script asks the API with the browser's session
    expect((await agent.get('/api/v1/packs/builtin/trainer-pack').expect(200)).body.status).toBe('building');
    const api = await request(t.app).get('/api/v1/packs/builtin/trainer-pack.zip').set(bearer(adminToken));
    expect(api.status).toBe(202);
    expect(api.body.status).toBe('building');

    const seen = new Set<string>();
    let status: { status: string; done: number; total: number; bytes?: number; builtAt?: string };
    for (;;) {
      status = (
        await request(t.app).get('/api/v1/packs/builtin/trainer-pack').set(bearer(trainerToken)).expect(200)
      ).body;
      seen.add(status.status === 'building' && status.done > 0 ? 'building with files made' : status.status);
      if (status.status !== 'building') break;
      expect(performance.now() - started).toBeLessThan(150_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    figures.coldBuildMs = Math.round(performance.now() - started);
    polling = false;
    await healthz;
    expect(status.status).toBe('ready');
    expect(seen).toEqual(new Set(['building', 'building with files made', 'ready']));
    expect(status.total).toBeGreaterThan(40);
    expect(status.done).toBe(status.total);
    figures.healthzPolls = latencies.length;
    figures.healthzMaxMs = Math.round(Math.max(...latencies));
    figures.healthzMedianMs = Math.round(latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)]);
    // the server answered throughout: many polls, none held for anything like the build's length
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(Math.max(2_000, figures.coldBuildMs / 4));

    const ready = await agent.get('/packs/builtin/trainer-pack').expect(200);
    expect(ready.text).toContain('The trainer’s pack is ready');
    const packPage = await agent.get('/pack').expect(200);
    expect(packPage.text).toContain('href="/packs/builtin/trainer-pack.zip"');

    const download = await agent
      .get('/packs/builtin/trainer-pack.zip')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="?trainers-pack-customer-focused-leadership-1\.0\.0\.zip"?$/,
    );
    const zip = download.body as Buffer;
    expect(zip.length).toBe(status.bytes);
    figures.zipBytes = zip.length;
    const entries = await unzip(zip);
    figures.files = entries.length;
    expect(entries.length).toBe(status.total);
    checkLayout(entries, t.services.packs.base);

    const readme = entries.find((e) => e.name === 'README.txt')!.data.toString('utf8');
    expect(readme).toContain('Pack: Customer focused leadership 1.0.0');
    expect(readme).toContain(`Made by Packway for ${ORGANISATION} on `);
    expect(readme).toContain('Edits made in Office stay in Office');
    expect(readme).toMatch(/tailor the pack for everyone[\s\S]*variant/);
    for (const e of entries.filter((x) => x.name !== 'README.txt'))
      expect({ listed: readme.includes(e.name.split('/').pop()!) }).toEqual({ listed: true });

    // every .pptx and .docx opens in LibreOffice (one run for them all); a deck has a page per slide
    if (!onSqlite) return; // the files are the same on either engine: LibreOffice reads them once
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-tpack-'));
    try {
      const office = entries.filter((e) => /\.(pptx|docx)$/.test(e.name));
      const files = office.map((e, i) => {
        const file = path.join(dir, `f${String(i).padStart(3, '0')}${path.extname(e.name)}`);
        fs.writeFileSync(file, e.data);
        return file;
      });
      const opened = performance.now();
      const pdfs = await convertToPdf(files);
      figures.libreOfficeMs = Math.round(performance.now() - opened);
      const decks = new Map(
        t.services.packs.base.sections
          .find((s) => s.kind === 'slides')!
          .modules.map((m, i) => [`${String(i + 1).padStart(2, '0')} `, m.slides.length]),
      );
      for (const [i, e] of office.entries()) {
        const pages = await pdfPageCount(pdfs[i]);
        expect({ file: e.name, opens: pages > 0 }).toEqual({ file: e.name, opens: true });
        if (e.name.endsWith('.pptx')) {
          const slides = decks.get(path.basename(e.name).slice(0, 3));
          expect({ file: e.name, pages }).toEqual({ file: e.name, pages: slides });
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is served from the cache the second time: at once, the same bytes, and still there after a restart', async () => {
    const first = await request(t.app)
      .get('/api/v1/packs/builtin/trainer-pack.zip')
      .set(bearer(trainerToken))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const started = performance.now();
    const again = await request(t.app)
      .get('/api/v1/packs/builtin/trainer-pack.zip')
      .set(bearer(adminToken))
      .buffer(true)
      .parse(binary)
      .expect(200);
    figures.warmMs = Math.round(performance.now() - started);
    expect(figures.warmMs).toBeLessThan(2_000);
    expect((again.body as Buffer).equals(first.body as Buffer)).toBe(true);
    // a new process over the same DATA_DIR finds it on disk, built, without building again
    const fresh = buildsWith(t, () => Promise.reject(new Error('a cached export must not be built again')), {
      organisationName: ORGANISATION,
      cacheDir: t.dir,
    });
    const trainerActor = { id: trainer.id, email: trainer.email, role: 'trainer' as const, name: 'T' };
    const status = await fresh.status('trainer-pack', 'builtin', trainerActor);
    expect(status.status).toBe('ready');
    const onDisk = fs.readdirSync(path.join(t.dir, 'exports', 'trainer-pack'));
    expect(onDisk.filter((n) => n.endsWith('.zip'))).toHaveLength(1);
    expect(onDisk.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('makes a published variant version its own pack, with the variant’s content, when it is published', async () => {
    const original = fs.readFileSync(path.join(REAL_PACK, '07-activities', '05-listening-plan.md'), 'utf8');
    const tailored = original
      .replace(/^title: .*$/m, 'title: "Build a Northshire listening plan"')
      .replace(/\n---\n/, `\n---\n\n${VARIANT_PHRASE}.\n`);
    const up = await request(t.app)
      .post('/api/v1/variants')
      .set(bearer(adminToken))
      .field('name', 'Northshire')
      .attach('file', Buffer.from(tailored), '05-listening-plan.md')
      .expect(201);
    const draftId = up.body.draftId as number;
    // a draft has no trainer's pack: no cohort can be pinned to it, and it may be replaced at any moment
    await request(t.app).get(`/api/v1/packs/${draftId}/trainer-pack`).set(bearer(adminToken)).expect(404);
    await request(t.app).post(`/api/v1/variants/${up.body.id}/publish`).set(bearer(adminToken)).expect(201);

    // publishing enqueued the build; the job runs it, so the first download is ready at once
    await t.services.jobs.runDue(['exports.prepare']);
    const status = await request(t.app)
      .get(`/api/v1/packs/${draftId}/trainer-pack`)
      .set(bearer(trainerToken))
      .expect(200);
    expect(status.body).toMatchObject({ status: 'ready', versionId: draftId });
    expect(status.body.label).toBe('Customer focused leadership 1.0.0 (variant Northshire, version 1)');

    // what a cohort pinned to it sees is what its trainer downloads
    const cohort = await request(t.app)
      .post('/api/v1/cohorts')
      .set(bearer(trainerToken))
      .send({ name: 'Northshire pilot', variantId: draftId })
      .expect(201);
    const seen = await request(t.app)
      .get(`/api/v1/pack?cohort=${cohort.body.id}`)
      .set(bearer(trainerToken))
      .expect(200);
    expect(seen.body.versionId).toBe(draftId);
    // a learner of the cohort sees the same version, without naming the cohort
    await request(t.app)
      .post(`/api/v1/cohorts/${cohort.body.id}/members`)
      .set(bearer(trainerToken))
      .send({ userIds: [learner.id] })
      .expect(201);
    const learnerSees = await request(t.app).get('/api/v1/pack').set(bearer(learnerToken)).expect(200);
    expect(learnerSees.body.versionId).toBe(draftId);
    const agent = await signInOn(t.app, trainer.email);
    const packPage = await agent.get(`/pack?cohort=${cohort.body.id}`).expect(200);
    expect(packPage.text).toContain(`href="/packs/${draftId}/trainer-pack.zip"`);

    const download = await agent
      .get(`/packs/${draftId}/trainer-pack.zip`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(download.headers['content-disposition']).toMatch(
      /filename="?trainers-pack-northshire-v1-1\.0\.0\.zip"?$/,
    );
    const entries = await unzip(download.body as Buffer);
    checkLayout(entries, await t.services.packs.forVersion(draftId));
    const tailoredDoc = entries.find(
      (e) => e.name === '07-activities/05 Build a Northshire listening plan.docx',
    );
    expect(tailoredDoc).toBeDefined();
    const inner = await unzip(tailoredDoc!.data);
    const xml = inner.find((e) => e.name === 'word/document.xml')!.data.toString('utf8');
    expect(xml).toContain(VARIANT_PHRASE);
    const readme = entries.find((e) => e.name === 'README.txt')!.data.toString('utf8');
    expect(readme).toContain('Pack: Customer focused leadership 1.0.0 (variant Northshire, version 1)');
    expect(entries.map((e) => e.name)).not.toContain('07-activities/05 Build a listening plan.docx');
  });

  it('shares one build between everyone who asks while it runs', async () => {
    let runs = 0;
    let finish: () => void = () => undefined;
    const shared = buildsWith(
      t,
      (job, progress) => {
        runs++;
        progress(1, 2);
        return new Promise((resolve) => {
          finish = () => {
            fs.writeFileSync(job.file, 'zip');
            resolve({ files: 2, bytes: 3, heapPeakMb: 1 });
          };
        });
      },
      { organisationName: ORGANISATION },
    );
    const app = t.appWith({ exportBuilds: shared });
    const asking = await Promise.all(
      [trainerToken, adminToken, trainerToken, adminToken].map((token, i) =>
        request(app)
          .get(i % 2 ? '/api/v1/packs/builtin/trainer-pack.zip' : '/api/v1/packs/builtin/trainer-pack')
          .set(bearer(token)),
      ),
    );
    expect(asking.map((r) => r.status)).toEqual([200, 202, 200, 202]);
    for (let i = 0; i < 50 && runs === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const during = await request(app)
      .get('/api/v1/packs/builtin/trainer-pack')
      .set(bearer(trainerToken))
      .expect(200);
    expect(during.body).toMatchObject({ status: 'building', done: 1, total: 2 });
    expect(runs).toBe(1);
    finish();
    let after = during;
    for (let i = 0; i < 50 && after.body.status === 'building'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = await request(app)
        .get('/api/v1/packs/builtin/trainer-pack')
        .set(bearer(trainerToken))
        .expect(200);
    }
    expect(after.body).toMatchObject({ status: 'ready', bytes: 3, total: 2 });
    expect(runs).toBe(1);
  });

  it('shows a failed build as a page with a way to try again, never a 500', async () => {
    let attempts = 0;
    const failing = buildsWith(
      t,
      async () => {
        attempts++;
        throw new Error('the writer broke');
      },
      { organisationName: ORGANISATION },
    );
    const app = t.appWith({ exportBuilds: failing });
    const agent = await signInOn(app, trainer.email);
    await agent.get('/packs/builtin/trainer-pack.zip').expect(303);
    let page = await agent.get('/packs/builtin/trainer-pack').expect(200);
    for (let i = 0; i < 50 && !page.text.includes('could not be prepared'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      page = await agent.get('/packs/builtin/trainer-pack').expect(200);
    }
    expect(page.text).toContain('The trainer’s pack could not be prepared');
    expect(page.text).toContain('Try again');
    expect(page.text).not.toContain('the writer broke'); // the reason is for admins
    expect(attempts).toBe(1);
    // asking again does not rebuild a failed export on every visit
    await agent
      .get('/packs/builtin/trainer-pack.zip')
      .expect(303)
      .expect('location', '/packs/builtin/trainer-pack');
    const api = await request(app)
      .get('/api/v1/packs/builtin/trainer-pack.zip')
      .set(bearer(trainerToken))
      .expect(503);
    expect(api.body.error.code).toBe('export_failed');
    expect(attempts).toBe(1);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agent.post('/packs/builtin/trainer-pack').type('form').send({ _csrf: csrf }).expect(303);
    for (let i = 0; i < 50 && attempts < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toBe(2);
    const retried = await request(app)
      .post('/api/v1/packs/builtin/trainer-pack')
      .set(bearer(adminToken))
      .expect(202);
    expect(['building', 'failed']).toContain(retried.body.status);
    const adminPage = await (
      await signInOn(app, (await t.user('admin')).email)
    ).get('/packs/builtin/trainer-pack');
    expect(adminPage.text).toContain('the writer broke');
  });
});
