import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compilePack } from '../../src/content/compile';
import { readContentDir } from '../../src/content/load';
import type { Module, Pack } from '../../src/content/types';
import { areaModules } from '../../src/exports/documents.service';
import { facilitatorGuideDocx, modulesToDocx } from '../../src/exports/docx';
import type { ExportMeta } from '../../src/exports/meta';
import { REAL_PACK } from '../helpers/app';
import { onSqlite } from '../helpers/engine';
import {
  convertToPdf,
  docxParagraphs,
  docxLinks,
  docxTables,
  pdfPageCount,
  pdfText,
  type DocxParagraph,
} from '../helpers/office';

/**
 * Every module, section and learning area of the built-in pack as Word, the facilitator guide, and modules made to be
 * awkward, each opened by readers that share no code with ours: LibreOffice converts them all to PDF in one run,
 * python-docx reads their paragraph styles and tables, poppler reads the PDFs' text. Files only: SQLite's run alone.
 */

const describeFiles = onSqlite ? describe : describe.skip;

const WELSH =
  'Croeso i’r pecyn: “Gŵyl y Gwanwyn” – dysgu ym Mhen-y-bont ar Ogwr, Llŷn ac Ynys Môn; ŵ ŷ â ê î ô û ẁ ẃ ÿ';
const LONG_TITLE =
  `A very long title ${'that goes on and on about customer focused leadership in public services '.repeat(5)}`.trim();

const edge = (id: string, title: string, body: string) =>
  [
    '---',
    `id: ${id}`,
    `title: "${title}"`,
    `summary: "An awkward module for the Word tests."`,
    'minutes: 5',
    'areas: []',
    'outcomes: []',
    '---',
    body,
  ].join('\n');

const TWELVE = Array.from({ length: 12 }, (_, i) => `Column heading ${i + 1}`);
const EDGES: Record<string, string> = {
  'edge-long-title': edge('edge-long-title', LONG_TITLE, '## A heading\n\nSome text.'),
  'edge-wide-table': edge(
    'edge-wide-table',
    'A table of twelve columns',
    [
      '## The table',
      '',
      `| ${TWELVE.join(' | ')} |`,
      `| ${TWELVE.map(() => '---').join(' | ')} |`,
      `| ${TWELVE.map((_, i) => `cell ${i + 1} with rather more words than fit comfortably`).join(' | ')} |`,
    ].join('\n'),
  ),
  'edge-welsh': edge('edge-welsh', 'Dysgu’n well – “arweinyddiaeth”', `## Ŵyl a chroeso\n\n${WELSH}`),
  'edge-code': edge(
    'edge-code',
    'A block of code',
    '## Code\n\n```yaml\nform:\n  groups:\n    - id: <details> & more\n```\n\nAnd `inline code` too.',
  ),
  'edge-image': edge(
    'edge-image',
    'An image with a relative path',
    '## A picture\n\n![Map of the service](images/map.png)\n\nSee [the map](images/map.png) and [the pack](/pack).',
  ),
};

const META: ExportMeta = {
  packTitle: 'Customer focused leadership',
  packVersion: '1.0.0',
  variant: null,
  organisationName: 'Borsetshire County Council',
  siteUrl: 'https://packway.example.org',
};

/** Headings as a reader of the Markdown sees them: `##` and `###` lines outside fenced code. */
function markdownHeadings(mod: Module): { level: number; text: string }[] {
  const body = mod.source.replace(/^---\n[\s\S]*?\n---\n/, '');
  const out: { level: number; text: string }[] = [];
  let fenced = false;
  for (const line of body.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const m = /^(#{2,3})\s+(.+?)\s*#*$/.exec(line);
    if (!fenced && m) out.push({ level: m[1].length, text: m[2] });
  }
  return out;
}

/** Text compared letter for letter, whatever the quotes, dashes and Markdown marks. */
const norm = (s: string) =>
  s
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();

/** The minutes a session plan's table adds up to, read from the Markdown source. */
function planMinutes(mod: Module): number {
  const start = mod.source.indexOf('\n## Session plan');
  const rest = mod.source.slice(start + 5);
  const plan = rest.slice(0, rest.search(/\n## /) < 0 ? undefined : rest.search(/\n## /));
  return [...plan.matchAll(/^\|\s*(\d+)\s*\|/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

interface Made {
  name: string;
  file: string;
  pdf?: string;
  modules: readonly Module[];
}

let pack: Pack;
let dir: string;
const made: Made[] = [];
const byName = new Map<string, Made>();
const paragraphs = new Map<string, DocxParagraph[]>();

describeFiles('the pack as Word documents, read by LibreOffice, python-docx and poppler', () => {
  beforeAll(async () => {
    const files = new Map(readContentDir(REAL_PACK));
    for (const [id, text] of Object.entries(EDGES)) files.set(`01-introduction/90-${id}.md`, text);
    const result = compilePack(files);
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
    pack = result.pack;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-docx-'));
    const write = async (name: string, modules: readonly Module[], bytes: Promise<Buffer>) => {
      const file = path.join(dir, `${name}.docx`);
      fs.writeFileSync(file, await bytes);
      const entry = { name, file, modules };
      made.push(entry);
      byName.set(name, entry);
    };
    for (const mod of pack.modules.values())
      await write(mod.id, [mod], modulesToDocx(mod.title, [mod], pack, META));
    for (const section of pack.sections)
      await write(
        `section-${section.id}`,
        section.modules,
        modulesToDocx(section.title, section.modules, pack, META),
      );
    for (const area of pack.areas) {
      const modules = areaModules(pack, area.id, area.moduleId);
      await write(`learning-area-${area.id}`, modules, modulesToDocx(area.title, modules, pack, META));
    }
    await write('facilitator-guide', [], facilitatorGuideDocx(pack, META));
    // the compiler refuses an empty module, so one is made by hand: a writer must cope with one all the same
    const empty: Module = {
      ...pack.modules.get('edge-code')!,
      id: 'edge-empty',
      title: 'Nothing here yet',
      summary: '',
      source: '---\nid: edge-empty\n---\n',
      html: '',
      headings: [],
      words: 0,
    };
    await write('edge-empty', [empty], modulesToDocx(empty.title, [empty], pack, META));
    const pdfs = await convertToPdf(made.map((m) => m.file));
    made.forEach((m, i) => (m.pdf = pdfs[i]));
    for (const m of made) paragraphs.set(m.name, await docxParagraphs(m.file));
  });
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('converts every document to a PDF of at least one page', async () => {
    expect(made.length).toBe(pack.modules.size + pack.sections.length + pack.areas.length + 2);
    for (const m of made) expect({ [m.name]: (await pdfPageCount(m.pdf!)) >= 1 }).toEqual({ [m.name]: true });
  });

  it('keeps every ## and ### heading of every module as Heading 1 and Heading 2, in order', () => {
    for (const mod of pack.modules.values()) {
      const got = paragraphs
        .get(mod.id)!
        .filter((p) => /^Heading [12]$/.test(p.style))
        .map((p) => `${p.style}: ${norm(p.text)}`);
      const want = markdownHeadings(mod).map((h) => `Heading ${h.level - 1}: ${norm(h.text)}`);
      // the document's own headings (questions, form, outcomes, references) come after the body's
      expect([mod.id, got.slice(0, want.length)]).toEqual([mod.id, want]);
      expect(paragraphs.get(mod.id)![0]).toEqual({ style: 'Title', text: mod.title });
    }
  });

  it('writes each case study’s questions as a numbered list, each followed by room to write', async () => {
    const cases = [...pack.modules.values()].filter((m) => m.kind === 'case-study');
    expect(cases.length).toBeGreaterThan(0);
    for (const mod of cases) {
      const numbered = paragraphs
        .get(mod.id)!
        .filter((p) => p.style === 'List Number')
        .map((p) => p.text);
      for (const prompt of mod.prompts) expect(numbered).toContain(prompt.question);
      // one empty bordered box per question
      const boxes = (await docxTables(byName.get(mod.id)!.file)).filter(
        (t) => t.rows.length === 1 && t.rows[0].join('') === '',
      );
      expect(boxes.length).toBeGreaterThanOrEqual(mod.prompts.length);
    }
  });

  it('gives each learning area its outcomes with their standards, and every module its references', async () => {
    for (const area of pack.areas) {
      const tables = await docxTables(byName.get(area.moduleId)!.file);
      const outcomes = tables.find((t) => t.rows[0]?.[0] === 'Outcome');
      expect(outcomes).toBeDefined();
      expect(outcomes!.rows.slice(1).map((r) => r[0])).toEqual(area.outcomes.map((o) => o.id));
      for (const o of area.outcomes) {
        const row = outcomes!.rows.find((r) => r[0] === o.id)!;
        expect(row[1]).toBe(o.text);
        expect(row[2]).toBe(o.standard);
      }
    }
    for (const mod of pack.modules.values()) {
      if (mod.sources.length === 0) continue;
      const ps = paragraphs.get(mod.id)!;
      const at = ps.findIndex((p) => p.style === 'Heading 1' && p.text === 'References');
      expect([mod.id, at]).not.toEqual([mod.id, -1]);
      // Debian's python-docx leaves a link's text out of a paragraph's: the address is read from the link itself
      const refs = ps.slice(at + 1).map((p) => norm(p.text));
      const links = await docxLinks(byName.get(mod.id)!.file);
      for (const source of mod.sources) {
        const url = /(https?:\/\/\S+?)[.,;)]?\s*$/.exec(source)?.[1];
        expect(refs).toContain(norm(url ? source.slice(0, source.lastIndexOf(url)) : source));
        if (url) expect(links).toContain(url);
      }
    }
  });

  it('prints forms as tables with a row for every field and the options to tick', async () => {
    const forms = [...pack.modules.values()].filter((m) => m.form);
    expect(forms.map((m) => m.id)).toEqual(
      expect.arrayContaining(['raid-plan', 'raid-report', 'activity-self-assessment']),
    );
    for (const mod of forms) {
      const text = (await docxTables(byName.get(mod.id)!.file)).flatMap((t) => t.rows.flat()).join('\n');
      for (const field of mod.form!.groups.flatMap((g) => g.fields)) {
        expect(text).toContain(field.label);
        for (const option of field.options) expect(text).toContain(`☐ ${option}`);
        if (field.type === 'rating') expect(text).toContain(`☐ ${field.min}`);
      }
    }
  });

  it('makes a section one document, each module a Heading 1 with its ## as Heading 2', () => {
    for (const section of pack.sections) {
      const ps = paragraphs.get(`section-${section.id}`)!;
      expect(ps[0]).toEqual({ style: 'Title', text: section.title });
      // a section of one module of its own name is that module's document
      if (section.modules.length === 1 && section.modules[0].title === section.title) continue;
      const h1 = ps.filter((p) => p.style === 'Heading 1').map((p) => p.text);
      expect(h1).toEqual(section.modules.map((m) => m.title));
    }
    const h2 = paragraphs
      .get('section-learning-areas')!
      .filter((p) => p.style === 'Heading 2')
      .map((p) => p.text);
    expect(h2).toContain('Session plan');
  });

  it('makes a learning area its module and the activities written for it alone', () => {
    for (const area of pack.areas) {
      const h1 = paragraphs
        .get(`learning-area-${area.id}`)!
        .filter((p) => p.style === 'Heading 1')
        .map((p) => p.text);
      expect(h1[0]).toBe(pack.modules.get(area.moduleId)!.title);
      expect(h1.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('puts the seven session plans in running order in the facilitator guide, each with its time', async () => {
    const ps = paragraphs.get('facilitator-guide')!;
    expect(ps[0]).toEqual({ style: 'Title', text: 'Facilitator guide' });
    const want = pack.areas.map((a, i) => {
      const minutes = planMinutes(pack.modules.get(a.moduleId)!);
      expect(minutes).toBeGreaterThan(0);
      return `Session ${i + 1}: ${a.title} (${minutes} minutes)`;
    });
    expect(pack.areas).toHaveLength(7);
    expect(ps.filter((p) => p.style === 'Heading 1').map((p) => p.text)).toEqual(want);
    expect(ps.filter((p) => p.style === 'Heading 2').map((p) => p.text)).toContain('Facilitator notes');
    const text = norm(await pdfText(byName.get('facilitator-guide')!.pdf!));
    for (const heading of want) expect(text).toContain(norm(heading));
  });

  it('exports awkward modules sensibly: empty, long titles, wide tables, Welsh, code and relative images', async () => {
    expect(paragraphs.get('edge-empty')![0]).toEqual({ style: 'Title', text: 'Nothing here yet' });
    expect(paragraphs.get('edge-long-title')![0]).toEqual({ style: 'Title', text: LONG_TITLE });

    const [wide] = (await docxTables(byName.get('edge-wide-table')!.file)).filter(
      (t) => t.rows[0].length === 12,
    );
    expect(wide.rows[0]).toEqual(TWELVE);
    expect(wide.layout).toBe('fixed');
    expect(wide.gridWidth).toBeLessThanOrEqual(11906 - 2 * 1440);
    const widePdf = await pdfText(byName.get('edge-wide-table')!.pdf!);
    expect(widePdf).toContain('12');

    const welsh = (await pdfText(byName.get('edge-welsh')!.pdf!)).replace(/\s+/g, ' ');
    expect(welsh).toContain('Dysgu’n well – “arweinyddiaeth”');
    for (const word of WELSH.split(' ')) expect(welsh).toContain(word);

    const code = paragraphs.get('edge-code')!.find((p) => p.style === 'Code')!;
    expect(code.text).toBe('form:\n  groups:\n    - id: <details> & more');

    const image = paragraphs.get('edge-image')!.map((p) => p.text);
    expect(image).toContain('[Image: Map of the service]');
    // a link to the pack's own page leads to the site; one to a file beside the Markdown is kept as its text
    expect(image.join('\n')).toContain('See the map and ');
    expect(await docxLinks(byName.get('edge-image')!.file)).toEqual(['https://packway.example.org/pack']);
  });
});
