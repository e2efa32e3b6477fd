import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { compilePack, summarise } from '../../src/content/compile';
import { readContentDir } from '../../src/content/load';
import type { Pack } from '../../src/content/types';
import { makeTestApp, REAL_PACK, type TestApp } from '../helpers/app';

/** The built-in pack in content/: its shape, and every module rendered on its page. */

let pack: Pack;
beforeAll(() => {
  const result = compilePack(readContentDir(REAL_PACK));
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  pack = result.pack;
});

const AREAS = ['shared-purpose', 'empowerment', 'customer-advocacy', 'listening', 'measuring', 'agility', 'co-production'];

describe('the built-in pack', () => {
  it('has the eight sections in order', () => {
    expect(pack.sections.map((s) => s.kind)).toEqual([
      'introduction', 'behaviours', 'learning-area', 'raid-guidelines', 'case-study-guidelines', 'case-study', 'activity', 'slides',
    ]);
    for (const s of pack.sections) expect({ section: s.id, modules: s.modules.length > 0 }).toEqual({ section: s.id, modules: true });
  });

  it('has the seven learning areas, each with 3 to 5 outcomes that ask for evidence', () => {
    expect(pack.areas.map((a) => a.id)).toEqual(AREAS);
    for (const area of pack.areas) {
      expect(area.outcomes.length).toBeGreaterThanOrEqual(3);
      expect(area.outcomes.length).toBeLessThanOrEqual(5);
      for (const o of area.outcomes) {
        expect(o.id.startsWith(area.short)).toBe(true);
        expect(o.text).not.toMatch(/^(understand|know|be aware)/i);
      }
    }
  });

  it('has six historical case studies, each with prompts in all seven areas and its sources', () => {
    const cases = pack.sections.find((s) => s.kind === 'case-study')!.modules;
    expect(cases).toHaveLength(6);
    for (const c of cases) {
      expect({ id: c.id, areas: [...new Set(c.prompts.map((p) => p.area))].sort() }).toEqual({ id: c.id, areas: [...AREAS].sort() });
      expect(c.sources.length).toBeGreaterThan(0);
      expect(c.words).toBeGreaterThanOrEqual(800);
    }
  });

  it('has the STOP/START self-assessment as a form with rating, evidence and three actions per row', () => {
    const sa = [...pack.modules.values()].find((m) => m.id.includes('self-assessment'))!;
    expect(sa.form).toBeDefined();
    expect(sa.form!.groups.map((g) => g.title.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/STOP excluding.*START involving/),
      expect.stringMatching(/STOP controlling.*START empowering/),
      expect.stringMatching(/STOP .*START listening/),
      expect.stringMatching(/STOP blocking.*START evolving/),
      expect.stringMatching(/STOP competing.*START connecting/),
    ]);
    for (const g of sa.form!.groups) {
      expect(g.fields.map((f) => f.type)).toEqual(['rating', 'textarea', 'actions']);
      expect(g.fields[2].count).toBe(3);
      expect(g.questions.length).toBeGreaterThan(0);
    }
  });

  it('has an activity for every learning area, and a raid plan and report as forms mapped to the areas', () => {
    const activities = pack.sections.find((s) => s.kind === 'activity')!.modules;
    for (const area of AREAS) expect({ area, served: activities.some((a) => a.areas.includes(area)) }).toEqual({ area, served: true });
    for (const id of ['raid-plan', 'raid-report']) {
      const form = pack.modules.get(id)!.form!;
      expect(form.groups.filter((g) => g.area).map((g) => g.area).sort()).toEqual([...AREAS].sort());
    }
  });

  it('has at least 30 slides, every one with speaker notes', () => {
    const slides = pack.sections.find((s) => s.kind === 'slides')!.modules.flatMap((m) => m.slides);
    expect(slides.length).toBeGreaterThanOrEqual(30);
    expect(slides.filter((s) => !s.notesHtml)).toEqual([]);
  });

  it('has at least 15,000 words, with the length each section asks for', () => {
    expect(summarise(pack).words).toBeGreaterThanOrEqual(15000);
    const words = (kind: string) => pack.sections.find((s) => s.kind === kind)!.modules.reduce((n, m) => n + m.words, 0);
    expect(words('introduction')).toBeGreaterThanOrEqual(1200);
    expect(words('behaviours')).toBeGreaterThanOrEqual(1200);
    expect(words('raid-guidelines')).toBeGreaterThanOrEqual(1200);
    expect(words('case-study-guidelines')).toBeGreaterThanOrEqual(800);
    for (const m of pack.sections.find((s) => s.kind === 'learning-area')!.modules) expect({ id: m.id, enough: m.words >= 500 }).toEqual({ id: m.id, enough: true });
  });

  it('shares no run of twelve words with the source documents (when they are beside the checkout)', () => {
    const seeds = path.join(REAL_PACK, '..', '..', 'shared', 'seeds');
    if (!fs.existsSync(seeds)) return; // the seeds live outside the repository; scripts/check-copy.py runs the same check
    const words = (text: string) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
    const grams = new Set<string>();
    for (const f of fs.readdirSync(seeds).filter((n) => n.endsWith('.txt'))) {
      const w = words(fs.readFileSync(path.join(seeds, f), 'utf8'));
      for (let i = 0; i + 12 <= w.length; i++) grams.add(w.slice(i, i + 12).join(' '));
    }
    const copied: string[] = [];
    for (const m of pack.modules.values()) {
      const w = words(m.source);
      for (let i = 0; i + 12 <= w.length; i++) if (grams.has(w.slice(i, i + 12).join(' '))) copied.push(`${m.file}: ${w.slice(i, i + 12).join(' ')}`);
    }
    expect(copied).toEqual([]);
  });
});

describe('every module of the built-in pack renders on its page', () => {
  let t: TestApp;
  let agent: Awaited<ReturnType<TestApp['signIn']>>['agent'];
  beforeAll(async () => {
    t = makeTestApp({ content: REAL_PACK });
    const learner = await t.user('learner');
    agent = (await t.signIn(learner.email)).agent;
  });
  afterAll(() => t.close());

  it('for a learner, with its title, and slide decks in presentation mode', async () => {
    for (const m of pack.modules.values()) {
      const res = await agent.get(`/modules/${m.id}`);
      expect({ id: m.id, status: res.status }).toEqual({ id: m.id, status: 200 });
      expect(res.text).toContain(m.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&#34;'));
      if (m.slides.length) expect((await agent.get(`/modules/${m.id}/slides`)).status).toBe(200);
    }
    const contents = await agent.get('/pack');
    expect(contents.status).toBe(200);
    for (const s of pack.sections) expect(contents.text).toContain(s.title);
  });

  it('through the API', async () => {
    const learner = await t.user('learner');
    const token = await t.token(learner.email);
    for (const m of pack.modules.values()) {
      const res = await request(t.app).get(`/api/v1/modules/${m.id}`).set('Authorization', `Bearer ${token}`);
      expect({ id: m.id, status: res.status }).toEqual({ id: m.id, status: 200 });
    }
  });
});
