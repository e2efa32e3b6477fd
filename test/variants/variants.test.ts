import path from 'node:path';
import fs from 'node:fs';
import request from 'supertest';
import yazl from 'yazl';
import { makeTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let admin: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

interface ZipEntry {
  name: string;
  text?: string;
  buffer?: Buffer;
  mode?: number;
  compress?: boolean;
}

function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries)
    zip.addBuffer(e.buffer ?? Buffer.from(e.text ?? ''), e.name, {
      mode: e.mode,
      compress: e.compress ?? true,
      mtime: new Date(0),
    });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** yazl refuses unsafe names, so hostile zips get their names patched after building (same length). */
function rename(zip: Buffer, from: string, to: string): Buffer {
  expect(to.length).toBe(from.length);
  return Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1');
}

/** A local case study a variant adds (a shared fixture). */
const LOCAL_CASE = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'variants', 'northshire-hub.md'),
  'utf8',
);

const REWORDED_AREA = `---
id: area-listening
title: Listening and customer insight
summary: Hear the people you serve.
minutes: 30
area: { id: listening, short: LI }
areas: [listening]
outcomes:
  - { id: LI1, text: Evaluate current provision from two sources of resident evidence. }
  - { id: LI2, text: Segment your residents and describe two segments. }
  - { id: LI3, text: Tell residents what changed because of what they said. }
---
## What it is

In Northshire we say residents, not customers.
`;

const HIDE_INTRO = `---
id: intro-welcome
hidden: true
---
`;

async function upload(
  file: Buffer,
  filename: string,
  fields: Record<string, string> = { name: 'Northshire' },
  field = 'file',
) {
  let req = request(t.app).post('/api/v1/variants').set(auth(admin));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach(field, file, filename);
}

async function storedVersions(): Promise<number> {
  return ((await t.db.get('SELECT COUNT(*) AS n FROM variant_versions')) as { n: number }).n;
}

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.token((await t.user('admin')).email);
});
afterAll(() => t.close());

describe('hostile uploads are refused, nothing is stored, and the server stays healthy', () => {
  const cases: [string, () => Promise<request.Response>, number, RegExp][] = [
    [
      'path traversal',
      async () =>
        upload(
          rename(
            await zipOf([{ name: 'xx/06-case-studies/x.md', text: LOCAL_CASE }]),
            'xx/06-case',
            '../06-case',
          ),
          'v.zip',
        ),
      422,
      /paths with \.\. are not allowed/,
    ],
    [
      'absolute path',
      async () =>
        upload(
          rename(await zipOf([{ name: 'x06-case-studies/x.md', text: LOCAL_CASE }]), 'x06-case', '/06-case'),
          'v.zip',
        ),
      422,
      /absolute paths/,
    ],
    [
      'symlink',
      async () =>
        upload(
          await zipOf([{ name: '06-case-studies/link.md', text: '/etc/passwd', mode: 0o120777 }]),
          'v.zip',
        ),
      422,
      /symbolic links/,
    ],
    [
      'zip bomb',
      async () =>
        upload(
          await zipOf([{ name: '06-case-studies/bomb.md', buffer: Buffer.alloc(2 * 1024 * 1024 - 1, 0x61) }]),
          'v.zip',
        ),
      422,
      /compression ratio/,
    ],
    [
      'nested zip',
      async () =>
        upload(
          await zipOf([
            { name: '06-case-studies/inner.zip', buffer: await zipOf([{ name: 'a.md', text: 'x' }]) },
          ]),
          'v.zip',
        ),
      422,
      /not part of the pack layout/,
    ],
    [
      'non-zip bytes',
      async () => upload(Buffer.from('\x7fELF not a zip at all'), 'v.zip'),
      422,
      /Upload a \.zip/,
    ],
    [
      'broken zip',
      async () =>
        upload(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]), 'v.zip'),
      422,
      /not a valid zip/,
    ],
    ['empty file', async () => upload(Buffer.alloc(0), 'v.zip'), 422, /empty/],
    [
      'wrong field',
      async () => upload(Buffer.from(LOCAL_CASE), 'x.md', { name: 'Northshire' }, 'upload'),
      422,
      /send the file as "file"/,
    ],
    [
      'oversized',
      async () => upload(Buffer.alloc(9 * 1024 * 1024, 0x20), 'big.md'),
      413,
      /larger than 8 MiB/,
    ],
    [
      '---js front matter',
      async () =>
        upload(
          await zipOf([
            { name: '06-case-studies/js.md', text: "---js\n{ id: (globalThis.__pwned = 1, 'x') }\n---\nx" },
          ]),
          'v.zip',
        ),
      422,
      /front matter must be YAML/,
    ],
    [
      'YAML alias bomb',
      async () =>
        upload(
          await zipOf([
            {
              name: '06-case-studies/y.md',
              text: '---\nid: y\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\nx',
            },
          ]),
          'v.zip',
        ),
      422,
      /YAML error/,
    ],
    [
      'missing name, and no file name to take one from',
      async () => upload(Buffer.from(LOCAL_CASE), '.md', {}),
      422,
      /Enter a name for the variant/,
    ],
    [
      'not UTF-8',
      async () =>
        upload(
          await zipOf([{ name: '06-case-studies/bin.md', buffer: Buffer.from([0xff, 0xfe, 0x00, 0xd8]) }]),
          'v.zip',
        ),
      422,
      /not UTF-8/,
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, message) => {
    const before = await storedVersions();
    const res = await send();
    expect(res.status).toBe(status);
    expect(
      res.body.error.details.map((d: { message: string }) => d.message).join('\n') + res.body.error.message,
    ).toMatch(message);
    expect(await storedVersions()).toBe(before);
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
    expect((await request(t.app).get('/healthz')).status).toBe(200);
  });

  it('renders HTML and javascript: links in an uploaded module as harmless text', async () => {
    const evil = LOCAL_CASE.replace(
      'Northshire opened a hub.',
      '<script>alert(1)</script> [x](javascript:alert(1)) <iframe src="//evil"></iframe>',
    );
    const res = await upload(await zipOf([{ name: '06-case-studies/09-hub.md', text: evil }]), 'v.zip', {
      name: 'Evil test',
    });
    expect(res.status).toBe(201);
    const html = (await t.services.packs.forVersion(res.body.draftId)).modules.get(
      'case-northshire-hub',
    )!.html;
    expect(html).not.toMatch(/<script|<iframe|href="javascript:/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('lists every problem of a bad variant with file:line', async () => {
    const bad = LOCAL_CASE.replace('areas: [listening, measuring]', 'areas: [listening, nowhere]').replace(
      'area: measuring, question',
      'area: elsewhere, question',
    );
    const res = await upload(await zipOf([{ name: '06-case-studies/09-hub.md', text: bad }]), 'v.zip');
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { message: string }) => d.message)).toEqual(
      expect.arrayContaining([
        '06-case-studies/09-hub.md:6: unknown area "nowhere"',
        '06-case-studies/09-hub.md:10: prompt "me-1" is in an unknown area "elsewhere"',
      ]),
    );
  });
});

describe('overlay, diff, publish, pin', () => {
  let variantId: number;
  let v1: number;
  let cohortId: number;
  let learnerToken: string;
  let trainerToken: string;

  it('adds, replaces and hides modules, shown in the diff', async () => {
    const zip = await zipOf([
      { name: 'northshire/06-case-studies/09-hub.md', text: LOCAL_CASE },
      { name: 'northshire/03-learning-areas/01-listening.md', text: REWORDED_AREA },
      { name: 'northshire/01-introduction/02-hide.md', text: HIDE_INTRO },
    ]);
    const res = await upload(zip, 'northshire.zip');
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(201);
    variantId = res.body.id;
    expect(res.body.changes).toEqual(
      expect.arrayContaining([
        { id: 'case-northshire-hub', title: "Northshire's customer hub", change: 'added' },
        { id: 'area-listening', title: 'Listening and customer insight', change: 'replaced' },
        { id: 'intro-welcome', title: 'Welcome to the fixture pack', change: 'hidden' },
      ]),
    );
    const pack = await t.services.packs.forVersion(res.body.draftId);
    expect(pack.sections.find((s) => s.id === 'case-studies')!.modules.map((m) => m.id)).toEqual([
      'case-town-hall',
      'case-northshire-hub',
    ]);
    expect(pack.outcomes.get('LI1')!.text).toContain('resident evidence');
    expect(pack.modules.has('intro-welcome')).toBe(false);
    expect(pack.sections.find((s) => s.id === 'introduction')!.modules).toHaveLength(0);

    const { agent } = await t.signIn(
      (
        (await t.db.get("SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")) as {
          email: string;
        }
      ).email,
    );
    const diff = await agent.get(`/variants/versions/${res.body.draftId}`);
    expect(diff.text).toContain('outcome LI1 reworded');
    expect(diff.text).toContain('pw-diff__added');
    expect(diff.text).toContain('resident evidence');
  });

  it('publishes an immutable v1; the next upload is a new draft', async () => {
    const pub = await request(t.app).post(`/api/v1/variants/${variantId}/publish`).set(auth(admin));
    expect(pub.status).toBe(201);
    expect(pub.body.version).toBe(1);
    v1 = pub.body.versionId;
    // toMatchObject, not toThrow: better-sqlite3's native addon builds its SqliteError with the constructor of the
    // first test file loaded in this jest worker, whose Error is another realm's, so toThrow may not see an error
    const immutable = { message: expect.stringMatching(/immutable/) };
    await expect(
      t.db.run("UPDATE variant_versions SET files = '{}' WHERE id = ?", [v1]),
    ).rejects.toMatchObject(immutable);
    await expect(t.db.run('DELETE FROM variant_versions WHERE id = ?', [v1])).rejects.toMatchObject(
      immutable,
    );
    expect((await request(t.app).post(`/api/v1/variants/${variantId}/publish`).set(auth(admin))).status).toBe(
      409,
    );
    const again = await upload(
      Buffer.from(LOCAL_CASE.replace('Northshire opened a hub.', 'Northshire opened a bigger hub.')),
      '09-hub.md',
      { name: 'northshire', section: '06-case-studies' },
    );
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(variantId);
    expect(again.body.draftId).not.toBe(v1);
  });

  it('downloads a version as a zip that round-trips', async () => {
    const zip = await request(t.app)
      .get(`/api/v1/variants/versions/${v1}/download`)
      .set(auth(admin))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(zip.status).toBe(200);
    const again = await upload(zip.body as Buffer, 'roundtrip.zip', { name: 'Round trip' });
    expect(again.status).toBe(201);
    expect(again.body.hash).toBe((await t.services.variants.version(v1)).hash);
  });

  it('pins a cohort so its learners see the variant everywhere, keeping progress', async () => {
    const trainer = await t.user('trainer');
    trainerToken = await t.token(trainer.email);
    const learner = await t.user('learner');
    learnerToken = await t.token(learner.email);
    await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(auth(learnerToken))
      .send({ status: 'achieved', evidence: 'Before the variant' });
    const created = await request(t.app)
      .post('/api/v1/cohorts')
      .set(auth(trainerToken))
      .send({ name: 'Northshire leaders', variantId: 99999 });
    expect(created.status).toBe(422);
    cohortId = (
      await request(t.app)
        .post('/api/v1/cohorts')
        .set(auth(trainerToken))
        .send({ name: 'Northshire leaders' })
    ).body.id;
    await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/members`)
      .set(auth(trainerToken))
      .send({ userIds: [learner.id] });
    expect(
      (await request(t.app).get('/api/v1/modules/case-northshire-hub').set(auth(learnerToken))).status,
    ).toBe(404);
    expect(
      (
        await request(t.app)
          .put(`/api/v1/cohorts/${cohortId}/variant`)
          .set(auth(trainerToken))
          .send({ variantVersionId: v1 })
      ).status,
    ).toBe(200);
    expect(
      (await request(t.app).get('/api/v1/modules/case-northshire-hub').set(auth(learnerToken))).status,
    ).toBe(200);
    expect((await request(t.app).get('/modules/case-northshire-hub').set(auth(learnerToken))).status).toBe(
      200,
    );
    expect(
      (await request(t.app).get(`/api/v1/pack?cohort=${cohortId}`).set(auth(trainerToken))).body.areas[0]
        .outcomes[0].text,
    ).toContain('resident evidence');
    expect((await request(t.app).get('/api/v1/modules/intro-welcome').set(auth(learnerToken))).status).toBe(
      404,
    );
    const progress = await request(t.app).get('/api/v1/me/progress').set(auth(learnerToken));
    const li1 = progress.body.areas[0].outcomes[0];
    expect(li1).toMatchObject({
      id: 'LI1',
      status: 'awaiting_review', // issue 32: the submission made before the pin still waits for the trainer
      evidence: 'Before the variant',
      text: expect.stringContaining('resident evidence'),
    });
    const matrix = await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(auth(trainerToken));
    expect(matrix.body.learners[0].outcomes.LI1).toBe('awaiting_review');
    // leaving the cohort takes the learner back to the base pack at once (the remembered pin is forgotten)
    expect(
      (
        await request(t.app)
          .delete(`/api/v1/cohorts/${cohortId}/members/${learner.id}`)
          .set(auth(trainerToken))
      ).status,
    ).toBeLessThan(300);
    expect(
      (await request(t.app).get('/api/v1/modules/case-northshire-hub').set(auth(learnerToken))).status,
    ).toBe(404);
    await request(t.app)
      .post(`/api/v1/cohorts/${cohortId}/members`)
      .set(auth(trainerToken))
      .send({ userIds: [learner.id] });
    expect(
      (await request(t.app).get('/api/v1/modules/case-northshire-hub').set(auth(learnerToken))).status,
    ).toBe(200);
  });

  it('refuses a variant that removes an outcome with recorded progress', async () => {
    const dropped = REWORDED_AREA.replace(
      /\s+- \{ id: LI2[^\n]+/,
      '\n  - { id: LI4, text: A new outcome to keep three. }',
    );
    const zip = await zipOf([{ name: '03-learning-areas/01-listening.md', text: dropped }]);
    expect((await upload(zip, 'v.zip', { name: 'Dropper' })).status).toBe(201);
    await request(t.app)
      .put('/api/v1/me/outcomes/LI2')
      .set(auth(learnerToken))
      .send({ status: 'in_progress', evidence: 'Started' });
    const res = await upload(zip, 'v.zip', { name: 'Dropper' });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].message).toMatch(
      /outcome LI2 has recorded progress and cannot be removed/,
    );
  });

  it('lets an admin preview a draft exactly as a learner would', async () => {
    const email = (
      (await t.db.get("SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")) as {
        email: string;
      }
    ).email;
    const { agent, csrf } = await t.signIn(email);
    const draft = (await t.db.get(
      "SELECT id FROM variant_versions WHERE status = 'draft' ORDER BY id LIMIT 1",
    )) as {
      id: number;
    };
    expect(
      (await agent.post(`/variants/versions/${draft.id}/preview`).type('form').send({ _csrf: csrf })).status,
    ).toBe(303);
    const pack = await agent.get('/pack');
    expect(pack.text).toContain('You are seeing the pack as learners pinned to');
    expect(pack.text).toContain('case-northshire-hub');
    await agent.post('/variants/preview/stop').type('form').send({ _csrf: csrf });
    expect((await agent.get('/pack')).text).not.toContain('case-northshire-hub');
  });
});
