import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { compilePack, summarise } from '../../src/content/compile';
import { readContentDir } from '../../src/content/load';
import type { Pack } from '../../src/content/types';
import { makeTestApp, REAL_PACK, type TestApp } from '../helpers/app';

/** The built-in pack in content/: its shape, and every module rendered on its page. */

let pack: Pack;
beforeAll(async () => {
  const result = compilePack(readContentDir(REAL_PACK));
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  pack = result.pack;
});

const REPORT_TITLE = 'What are the characteristics of customer focussed leadership and how can this be achieved in a climate where demand inevitably outstrips resource';

/** The text under a `## heading`, up to the next `## `. */
function sectionOf(source: string, heading: string): string {
  const start = source.indexOf(`\n## ${heading}`);
  if (start < 0) return '';
  const rest = source.slice(start + heading.length + 4);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Every `## Session plan`: the total it states ("A 90-minute session …") and the minutes of its table rows. */
function sessionPlans(source: string): { stated: number; rows: number[]; text: string }[] {
  return source.split(/\n(?=## )/).filter((part) => part.startsWith('## Session plan')).map((text) => {
    const stated = Number(/A (\d+)-minute session/.exec(text)?.[1] ?? NaN);
    const rows = text.split('\n').filter((l) => /^\|\s*\d+\s*\|/.test(l)).map((l) => Number(/^\|\s*(\d+)/.exec(l)![1]));
    return { stated, rows, text };
  });
}

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
    // no block capitals or arrows: screen readers spell out the one and read the other aloud
    expect(sa.form!.groups.map((g) => g.title)).toEqual([
      'Stop excluding, start involving',
      'Stop controlling, start empowering',
      'Stop assuming, start listening',
      'Stop blocking, start evolving',
      'Stop competing, start connecting',
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

  it('gives every outcome a standard, every learning area a rubric and a session plan that adds up', () => {
    const summary = summarise(pack);
    expect(summary.outcomesWithoutStandard).toEqual([]);
    for (const area of pack.areas) {
      const mod = pack.modules.get(area.moduleId)!;
      const rubric = sectionOf(mod.source, 'What counts as achieved');
      expect({ area: area.id, rubric: area.outcomes.filter((o) => !rubric.includes(o.id)).map((o) => o.id) }).toEqual({ area: area.id, rubric: [] });
      expect({ area: area.id, plan: sessionPlans(mod.source).length }).toEqual({ area: area.id, plan: 1 });
      for (const o of area.outcomes) expect(o.text).not.toMatch(/^(understand|know|be aware|influence)\b/i);
    }
  });

  it('has session plans whose timings add up, with facilitator notes, materials and what learners produce', () => {
    const plans = [...pack.modules.values()].flatMap((m) => sessionPlans(m.source).map((p) => ({ id: m.id, ...p })));
    expect(plans.length).toBeGreaterThanOrEqual(7 + 1 + 1 + 3 + 3);
    for (const p of plans) {
      expect({ id: p.id, total: p.rows.reduce((n, r) => n + r, 0) }).toEqual({ id: p.id, total: p.stated });
      for (const part of ['### Facilitator notes', '### Materials', '### What learners produce']) expect({ id: p.id, part, has: p.text.includes(part) }).toEqual({ id: p.id, part, has: true });
    }
    const withPlan = new Set(plans.map((p) => p.id));
    for (const id of ['raid-debrief', 'intro-running-action-learning', 'intro-readiness-conversations', 'intro-sponsor-reviews', 'intro-top-team-stage-1', 'intro-top-team-stage-2', 'intro-top-team-stage-3']) {
      expect({ id, plan: withPlan.has(id) }).toEqual({ id, plan: true });
    }
    expect(withPlan.has(pack.sections.find((s) => s.kind === 'case-study-guidelines')!.modules[0].id)).toBe(true);
  });

  it('gives every learning area and case study references a reader can follow, and never shows a file name', () => {
    const cited = [...pack.modules.values()].filter((m) => m.kind === 'learning-area' || m.kind === 'case-study');
    for (const m of cited) {
      expect({ id: m.id, references: m.sources.length > 0 }).toEqual({ id: m.id, references: true });
      expect({ id: m.id, report: m.sources.some((s) => /Latham/.test(s) && /2015/.test(s)) }).toEqual({ id: m.id, report: true });
    }
    const fileName = /\b\d{3}_[0-9a-f]{16}\.txt\b|\bseeds?\//;
    for (const m of pack.modules.values()) {
      expect({ id: m.id, shown: fileName.test(m.html) || m.sources.some((s) => fileName.test(s)) }).toEqual({ id: m.id, shown: false });
    }
    const sourcesPage = pack.modules.get('intro-sources')!;
    expect(sourcesPage.html).toContain('Latham');
    expect(sourcesPage.html.match(/https?:\/\//g)?.length ?? 0).toBeGreaterThan(10);
  });

  it('has a deck per learning area, a research, a raids and a case-study deck, every slide timed and with notes', () => {
    const decks = pack.sections.find((s) => s.kind === 'slides')!.modules;
    for (const area of pack.areas) expect({ area: area.id, deck: decks.some((d) => d.areas.length === 1 && d.areas[0] === area.id) }).toEqual({ area: area.id, deck: true });
    for (const id of ['slides-research-findings', 'slides-raids', 'slides-case-study-session']) expect(decks.map((d) => d.id)).toContain(id);
    const summary = summarise(pack);
    expect(summary.slidesWithoutNotes).toEqual([]);
    expect(summary.decksOffTime).toEqual([]);
  });

  it('serves chief executives and top teams, and keeps platform instructions out of the pack', () => {
    const ids = [...pack.modules.keys()];
    expect(ids.filter((id) => /top-team-stage-\d/.test(id))).toHaveLength(3);
    expect(pack.modules.get('activity-top-team-self-assessment')?.form).toBeDefined();
    for (const m of pack.modules.values()) {
      expect({ id: m.id, platform: /\bPackway\b|on the platform|Mark as complete/.test(m.source) }).toEqual({ id: m.id, platform: false });
      const headings = m.source.split('\n').filter((l) => /^#{1,4} /.test(l));
      expect({ id: m.id, headings: headings.filter((h) => /→|\b[A-Z]{4,}\b/.test(h.replace(/\b(NHS|HR|CMI|PSED|LGA|ADL)\b/g, ''))) }).toEqual({ id: m.id, headings: [] });
    }
  });

  it('shares no run of twelve words with the source documents (when they are beside the checkout)', () => {
    const seeds = path.join(REAL_PACK, '..', '..', 'shared', 'seeds');
    if (!fs.existsSync(seeds)) return; // the seeds live outside the repository; scripts/check-copy.py runs the same check
    const words = (text: string) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
    // the 2015 report's title is quoted in references, as a citation must
    const title = words(REPORT_TITLE).join(' ');
    const cited = (text: string) => words(words(text).join(' ').split(title).join(' '));
    const grams = new Set<string>();
    for (const f of fs.readdirSync(seeds).filter((n) => n.endsWith('.txt'))) {
      const w = words(fs.readFileSync(path.join(seeds, f), 'utf8'));
      for (let i = 0; i + 12 <= w.length; i++) grams.add(w.slice(i, i + 12).join(' '));
    }
    const copied: string[] = [];
    for (const m of pack.modules.values()) {
      const w = cited(m.source);
      for (let i = 0; i + 12 <= w.length; i++) if (grams.has(w.slice(i, i + 12).join(' '))) copied.push(`${m.file}: ${w.slice(i, i + 12).join(' ')}`);
    }
    expect(copied).toEqual([]);
  });
});

describe('every module of the built-in pack renders on its page', () => {
  let t: TestApp;
  let agent: Awaited<ReturnType<TestApp['signIn']>>['agent'];
  beforeAll(async () => {
    t = await makeTestApp({ content: REAL_PACK });
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
