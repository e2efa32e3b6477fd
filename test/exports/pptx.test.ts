import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPack } from '../../src/content/load';
import { splitSlides } from '../../src/content/slides';
import type { Module, Pack } from '../../src/content/types';
import type { ExportMeta } from '../../src/exports/meta';
import { deckToPptx } from '../../src/exports/pptx';
import { notesParagraphs, onePropertiesPerParagraph } from '../../src/exports/pptx-repair';
import { readZip } from '../../src/variants/zip';
import { REAL_PACK } from '../helpers/app';
import { onSqlite } from '../helpers/engine';
import { convertToPdf, hasOfficeReaders, PDF_WITH_NOTES, pdfPageCount, pdfText } from '../helpers/office';

/**
 * Issue 29 items 1 and 6: every deck of the built-in pack, and decks made to be awkward, as PowerPoint files that an
 * independent reader (LibreOffice Impress, then poppler) opens with each slide's title on its slide and its notes on
 * its notes page. No database: this runs on the SQLite project only.
 */

const ORGANISATION = 'Riverside Council';
const describeWithOffice = onSqlite && hasOfficeReaders() ? describe : describe.skip;

let pack: Pack;
let meta: ExportMeta;
let dir: string;

/** A hand-made deck: a built-in deck's module with other Markdown. */
function deckOf(id: string, title: string, body: string): Module {
  const base = [...pack.modules.values()].find((m) => m.kind === 'slides')!;
  const source = `---\nid: ${id}\ntitle: "${title}"\nsummary: Edge case.\nminutes: 10\nareas: []\noutcomes: []\n---\n${body}`;
  return { ...base, id, title, file: `08-slides/${id}.md`, source };
}

const LONG_TITLE =
  'What the Aspire research found about customer focused leadership when demand outstrips resource, and what ' +
  'that means for leaders in councils, the National Health Service and central government who must choose ' +
  'where scarce money goes while keeping customers at the centre of every decision they make';
const WIDE_HEADER = Array.from({ length: 12 }, (_, i) => `Column ${i + 1}`);
const WIDE_ROW = Array.from({ length: 12 }, (_, i) => `cell-${i + 1}-text`);
const LONG_BODY = Array.from(
  { length: 30 },
  (_, i) => `- Point ${i + 1}: customers help design what is provided`,
);

/** The edge decks: what each holds, and text each slide page must show (beyond its title). */
const EDGES = [
  {
    id: 'edge-empty',
    title: 'A deck with nothing in it yet',
    body: '\n',
    shows: [['This deck has no slides yet.']],
  },
  {
    id: 'edge-long-title',
    title: 'Long title',
    body: `## ${LONG_TITLE}\n\n- One point\n\nNote: Time: 2 minutes. Keep it short.\n`,
    shows: [['One point']],
  },
  {
    id: 'edge-wide-table',
    title: 'Wide table',
    body: `## Twelve columns\n\n| ${WIDE_HEADER.join(' | ')} |\n|${' --- |'.repeat(12)}\n| ${WIDE_ROW.join(' | ')} |\n\nNote: Time: 3 minutes. Read across.\n`,
    shows: [[...WIDE_HEADER, ...WIDE_ROW]],
  },
  {
    id: 'edge-welsh',
    title: 'Croeso i’r cwrs',
    body:
      '## Gwrando ar “drigolion” – ŵ ŷ â\n\n- Mae’r tîm yn ‘gwrando’\n\nNote: Time: 4 minutes. Dywedwch “bore da” – ŵyr.\n' +
      '---\n## Second slide\n\nNote: Time: 1 minute. Two.\n',
    shows: [['Mae’r tîm yn ‘gwrando’'], []],
  },
  {
    id: 'edge-code-image',
    title: 'Code and images',
    body:
      '## Code and a picture\n\n```\nconst answer = 42;\n```\n\n![A chart of rising demand](img/chart.png)\n\n' +
      'Note: Time: 2 minutes. Point at the chart.\n\n- Ask who has seen one\n- Ask what it left out\n',
    shows: [['const answer = 42;', '[Image: A chart of rising demand]']],
  },
  {
    id: 'edge-long-body',
    title: 'Long body',
    body: `## Thirty points\n\n${LONG_BODY.join('\n')}\n\nNote: Time: 5 minutes. Too much on one slide.\n---\nNote: notes only\n`,
    shows: [['Point 1:', 'Point 30:'], []],
  },
];

/** Text as poppler lays it out, with every run of white space made one space. */
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
/**
 * Without any white space or curly quotes: a long title or note wraps where the reader pleases (even after a hyphen),
 * and the pages' heading list keeps straight quotes where the slide shows typographic ones.
 */
const bare = (text: string) => text.replace(/\s+/g, '').replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
/** A notes page's text without its page number, which poppler sets on whichever line of the notes it meets. */
const withoutPageNumber = (text: string) => text.replace(/ {8,}\d+ *$/gm, '');

/** A compiled slide's notes as text: from the HTML the pages show, not from the writer's own plain text. */
const notesText = (html: string) =>
  squash(
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  );

interface Made {
  deck: Module;
  file: string;
  titles: string[];
  notes: string[];
  minutes: (number | null)[];
  shows: string[][];
}

const made: Made[] = [];
let pdfs: string[] = [];

beforeAll(async () => {
  if (!onSqlite || !hasOfficeReaders()) return;
  pack = loadPack(REAL_PACK);
  meta = { packTitle: pack.title, packVersion: pack.version, variant: null, organisationName: ORGANISATION };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-pptx-'));
  const decks = [...pack.modules.values()].filter((m) => m.slides.length > 0);
  expect(decks).toHaveLength(12);
  for (const deck of decks)
    made.push({
      deck,
      file: '',
      titles: deck.slides.map((s) => s.title),
      notes: deck.slides.map((s) => notesText(s.notesHtml)),
      minutes: deck.slides.map((s) => s.minutes),
      shows: deck.slides.map(() => []),
    });
  for (const edge of EDGES) {
    const deck = deckOf(edge.id, edge.title, edge.body);
    const sources = splitSlides(edge.body);
    made.push({
      deck,
      file: '',
      titles: sources.length
        ? sources.map((s, i) => /^#+ (.*)$/m.exec(s.markdown)?.[1] ?? `Slide ${i + 1}`)
        : [edge.title],
      notes: sources.length ? sources.map((s) => squash(s.notes.replace(/^- /gm, '• '))) : [''],
      minutes: sources.length
        ? sources.map((s) => Number(/^Time: (\d+)/.exec(s.notes)?.[1]) || null)
        : [null],
      shows: edge.shows,
    });
  }
  for (const m of made) {
    m.file = path.join(dir, `${m.deck.id}.pptx`);
    fs.writeFileSync(m.file, await deckToPptx(m.deck, meta));
  }
  // one LibreOffice run for every file: its start-up is most of the time
  pdfs = await convertToPdf(
    made.map((m) => m.file),
    PDF_WITH_NOTES,
  );
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describeWithOffice('decks as PowerPoint, read by LibreOffice Impress', () => {
  it('makes a slide page for every slide, then a notes page for every slide (as LibreOffice 7.4 prints notes)', async () => {
    for (const [i, m] of made.entries()) {
      expect({ deck: m.deck.id, pages: await pdfPageCount(pdfs[i]) }).toEqual({
        deck: m.deck.id,
        pages: 2 * m.titles.length,
      });
    }
  });

  it('puts each slide’s title on its own page, the organisation’s name on the first slide only', async () => {
    for (const [i, m] of made.entries()) {
      for (const [n, title] of m.titles.entries()) {
        const page = await pdfText(pdfs[i], n + 1);
        expect({ deck: m.deck.id, slide: n + 1, hasTitle: bare(page).includes(bare(title)) }).toEqual({
          deck: m.deck.id,
          slide: n + 1,
          hasTitle: true,
        });
        expect(page.includes(ORGANISATION)).toBe(n === 0);
        for (const text of m.shows[n] ?? []) expect(squash(page)).toContain(text);
      }
    }
  });

  it('puts each slide’s speaker notes, with their time, on that slide’s notes page', async () => {
    for (const [i, m] of made.entries()) {
      const count = m.titles.length;
      for (const [n, notes] of m.notes.entries()) {
        const page = withoutPageNumber(await pdfText(pdfs[i], count + n + 1));
        expect({ deck: m.deck.id, slide: n + 1, notes: bare(page).includes(bare(notes)) }).toEqual({
          deck: m.deck.id,
          slide: n + 1,
          notes: true,
        });
        const minutes = m.minutes[n];
        if (minutes !== null) expect(squash(page)).toContain(`Time: ${minutes} minute`);
      }
    }
    // a note of several paragraphs keeps them: each list item starts its own line
    const listed = made.findIndex((m) => m.deck.id === 'edge-code-image');
    const page = await pdfText(pdfs[listed], 2);
    expect(page).toMatch(/^\s*• Ask who has seen one\s*$/m);
    expect(page).toMatch(/^\s*• Ask what it left out\s*$/m);
    // and in the file each is a paragraph of the notes pane, not a line break inside one
    const notes = (await readZip(fs.readFileSync(made[listed].file), () => (n) => n)).files.get(
      'ppt/notesSlides/notesSlide1.xml',
    );
    expect(notes).toContain(
      '<a:p><a:r><a:rPr lang="en-GB" dirty="0"/><a:t>• Ask who has seen one</a:t></a:r></a:p>',
    );
    // every slide of the built-in pack has its time
    expect(made.slice(0, 12).every((m) => m.minutes.every((x) => x !== null))).toBe(true);
  });
});

describe('the .pptx file itself, unzipped', () => {
  const itWithPack = onSqlite ? it : it.skip;

  itWithPack(
    'holds each title in a title placeholder, and the pack and version in the file’s properties',
    async () => {
      const real = loadPack(REAL_PACK);
      const deck = real.modules.get('slides-overview')!;
      const file = await deckToPptx(deck, {
        packTitle: real.title,
        packVersion: real.version,
        variant: { name: 'Northshire', version: 3 },
        organisationName: ORGANISATION,
      });
      const { files, problems } = await readZip(file, () => (name) => name);
      expect(problems).toEqual([]);
      expect(files.has('ppt/presentation.xml')).toBe(true);
      for (const [n, slide] of deck.slides.entries()) {
        const xml = files.get(`ppt/slides/slide${n + 1}.xml`)!;
        const shapes = xml.split('</p:sp>');
        const titleShape = shapes.find((s) => /<p:ph\b[^>]*\btype="title"/.test(s));
        expect(titleShape).toBeDefined();
        expect(titleShape).toContain(
          `<a:t>${slide.title.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}</a:t>`,
        );
        // one paragraph's properties at most, and first: what the schema allows
        for (const p of xml.match(/<a:p>[\s\S]*?<\/a:p>/g) ?? [])
          expect(
            (p.match(/<a:pPr\b/g) ?? []).length <= 1 &&
              (!p.includes('<a:pPr') || p.startsWith('<a:p><a:pPr')),
          ).toBe(true);
      }
      expect(files.has(`ppt/slides/slide${deck.slides.length + 1}.xml`)).toBe(false);
      const core = files.get('docProps/core.xml')!;
      expect(core).toContain(`<dc:title>${deck.title}</dc:title>`);
      expect(core).toContain(`${real.title} ${real.version} (variant Northshire, version 3)`);
      expect(files.get('docProps/app.xml')).toContain(ORGANISATION);
      // the slide size is 16:9
      expect(files.get('ppt/presentation.xml')).toMatch(/<p:sldSz cx="12192000" cy="6858000"/);
    },
  );
});

describe('styled text in a list', () => {
  const itWithPack = onSqlite ? it : it.skip;

  itWithPack(
    'keeps a bullet whose text is bold, italic or a link, with one paragraph properties, first',
    async () => {
      const real = loadPack(REAL_PACK);
      const base = real.modules.get('slides-overview')!;
      const source =
        '---\nid: styled\ntitle: Styled\n---\n## Styled\n\n- **Bold** start and *italic* end\n' +
        '  - a [link](https://www.gov.uk/) inside\n\n1. **one**\n2. two\n';
      const file = await deckToPptx(
        { ...base, id: 'styled', source },
        meta ?? {
          packTitle: real.title,
          packVersion: real.version,
          variant: null,
          organisationName: ORGANISATION,
        },
      );
      const xml = (await readZip(file, () => (n) => n)).files.get('ppt/slides/slide1.xml')!;
      const paragraphs = xml.match(/<a:p>[\s\S]*?<\/a:p>/g) ?? [];
      for (const p of paragraphs) {
        expect((p.match(/<a:pPr\b/g) ?? []).length).toBeLessThanOrEqual(1);
        if (p.includes('<a:pPr')) expect(p.startsWith('<a:p><a:pPr')).toBe(true);
      }
      const bold = paragraphs.find((p) => p.includes('<a:t>Bold</a:t>'))!;
      expect(bold).toMatch(/^<a:p><a:pPr[^>]*><a:buSzPct val="100000"\/><a:buChar /);
      expect(bold).toContain('b="1"');
      expect(bold).toContain('i="1"');
      const link = paragraphs.find((p) => p.includes('<a:t>link</a:t>'))!;
      expect(link).toMatch(/^<a:p><a:pPr lvl="1"[^>]*>.*<a:buChar /);
      expect(link).toContain('<a:hlinkClick r:id=');
      const rels = (await readZip(file, () => (n) => n)).files.get('ppt/slides/_rels/slide1.xml.rels')!;
      expect(rels).toContain('Target="https://www.gov.uk/"');
      const numbered = paragraphs.filter((p) => p.includes('<a:buAutoNum'));
      expect(numbered.map((p) => /startAt="(\d+)"/.exec(p)?.[1])).toEqual(['1', '2']);
    },
  );
});

describe('one paragraph properties per paragraph', () => {
  it('keeps the first properties of a paragraph and drops the ones written before later runs', () => {
    const xml =
      '<a:p><a:pPr marL="1"><a:buChar char="•"/></a:pPr><a:r><a:t>one </a:t></a:r>' +
      '<a:pPr indent="0" marL="0"><a:buNone/></a:pPr><a:r><a:t>bold</a:t></a:r></a:p>' +
      '<a:p><a:r><a:t>plain</a:t></a:r><a:pPr/><a:r><a:t>x</a:t></a:r></a:p>';
    expect(onePropertiesPerParagraph(xml)).toBe(
      '<a:p><a:pPr marL="1"><a:buChar char="•"/></a:pPr><a:r><a:t>one </a:t></a:r><a:r><a:t>bold</a:t></a:r></a:p>' +
        '<a:p><a:r><a:t>plain</a:t></a:r><a:r><a:t>x</a:t></a:r></a:p>',
    );
  });
});

describe('notes as paragraphs', () => {
  it('makes each line of a note written as one run a paragraph of its own', () => {
    const xml =
      '<a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>Time: 2 minutes.\r\n• Ask &amp; listen</a:t></a:r>' +
      '<a:endParaRPr lang="en-US" dirty="0"/></a:p>';
    expect(notesParagraphs(xml, 'en-GB')).toBe(
      '<a:p><a:r><a:rPr lang="en-GB" dirty="0"/><a:t>Time: 2 minutes.</a:t></a:r></a:p>' +
        '<a:p><a:r><a:rPr lang="en-GB" dirty="0"/><a:t>• Ask &amp; listen</a:t></a:r>' +
        '<a:endParaRPr lang="en-US" dirty="0"/></a:p>',
    );
  });
});
