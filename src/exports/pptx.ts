import PptxGenJS from 'pptxgenjs';
import { parseFrontMatter } from '../content/frontmatter';
import { splitSlides, type SlideSource } from '../content/slides';
import type { Module } from '../content/types';
import { markdownToBlocks, runsText, type Block, type Run } from './blocks';
import { describeVersion, type ExportMeta } from './meta';
import { repairPptx } from './pptx-repair';

// A deck as a PowerPoint file a trainer can adapt: one slide per slide of the deck (slide N of the file is slide N of
// the deck), its title in the slide's title placeholder (PowerPoint's outline, accessibility checker and screen
// readers read titles from there), the body as real text, the speaker notes in the notes pane. The template is plain
// on purpose: dark text on white in Arial, so an organisation can restyle it in Office without fighting ours.

type TextRun = PptxGenJS.TextProps;
type TableRow = PptxGenJS.TableRow;

const FONT = 'Arial';
const MONO = 'Courier New';
/** GOV.UK's text colour on white: a contrast ratio above 19:1. */
const TEXT = '0B0C0C';
/** GOV.UK's secondary text colour: above 7:1 on white, for the organisation's name at the foot. */
const SECONDARY = '505A5F';
const LINK = '1D70B8';
const BORDER = 'B1B4B6';
const HEADER_FILL = 'F3F2F1';

/** LAYOUT_WIDE: 16:9 at 13.33 × 7.5 inches. */
const SLIDE_W = 13.333;
const MARGIN = 0.6;
const BODY_W = SLIDE_W - 2 * MARGIN;
const TITLE = { x: MARGIN, y: 0.35, w: BODY_W, h: 1.15 };
const BODY = { x: MARGIN, y: 1.65, w: BODY_W, h: 5.2 };
const FOOT = { x: MARGIN, y: 6.95, w: BODY_W, h: 0.4 };
const MASTER = 'PACKWAY_PLAIN';
/** The language the pages declare: PowerPoint's spelling and a screen reader's voice follow it. */
const LANG = 'en-GB';

const TITLE_SIZES = [32, 28, 24, 20, 18];
/** Body sizes tried from the largest down; below the last, PowerPoint's and Impress's own shrinking takes over. */
const BODY_SIZES = [24, 22, 20, 18, 16, 14, 13, 12, 11, 10, 9, 8];
/** Roughly how wide an average Arial character is, in ems: enough to choose a size, not to lay out. */
const CHAR_EM = 0.5;
const LINE_EM = 1.2;
/** Space before a paragraph, in ems of its size; none on a crowded slide, where every line counts. */
const paraEm = (bodySize: number) => (bodySize > 12 ? 0.35 : 0);
/** Space between a table and the text around it, in inches. */
const GAP = 0.15;

/** A slide as the writer lays it out: its title, then its body as text and tables in the order written. */
interface SlidePlan {
  title: string;
  segments: Segment[];
  notes: string;
}

type Cells = readonly (readonly Run[])[];
type Segment = { kind: 'text'; paras: Para[] } | { kind: 'table'; header: Cells; rows: readonly Cells[] };

/** One paragraph of body text: its runs and how it sits (a heading, a list item at a level, code). */
interface Para {
  runs: readonly Run[];
  heading?: boolean;
  bullet?: { level: number; number?: number } | { level: number; continued: true };
  code?: boolean;
  quote?: boolean;
}

/** The deck as a .pptx file. A deck with no slides still makes a valid file: one slide that says so. */
export async function deckToPptx(deck: Module, meta: ExportMeta): Promise<Buffer> {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };
  pptx.title = deck.title;
  pptx.subject = describeVersion(meta);
  pptx.author = meta.organisationName || meta.packTitle;
  pptx.company = meta.organisationName || meta.packTitle;
  // a whole number only (PowerPoint refuses others): the variant's version, else the first
  pptx.revision = String(meta.variant?.version ?? 1);
  pptx.defineSlideMaster({
    title: MASTER,
    background: { color: 'FFFFFF' },
    objects: [
      {
        placeholder: {
          options: {
            name: 'title',
            type: 'title',
            ...TITLE,
            fontFace: FONT,
            fontSize: TITLE_SIZES[0],
            bold: true,
            color: TEXT,
            align: 'left',
            valign: 'top',
          },
          text: '',
        },
      },
    ],
  });
  const plans = slidePlans(deck);
  plans.forEach((plan, i) => addSlide(pptx, plan, i === 0 ? meta.organisationName : ''));
  // written stored (the quickest), then made valid and deflated in one pass
  const out = await pptx.write({ outputType: 'nodebuffer' });
  return await repairPptx(Buffer.isBuffer(out) ? out : Buffer.from(out as ArrayBuffer), LANG);
}

/** What each slide holds, from the deck's Markdown (the same split the pages use). */
export function slidePlans(deck: Module): SlidePlan[] {
  const body = parseFrontMatter(deck.file, deck.source).parsed?.body ?? '';
  const sources = splitSlides(body);
  if (sources.length === 0)
    return [
      {
        title: deck.title,
        segments: [{ kind: 'text', paras: [{ runs: [{ text: 'This deck has no slides yet.' }] }] }],
        notes: '',
      },
    ];
  return sources.map((source, i) => planSlide(source, i));
}

function planSlide(source: SlideSource, index: number): SlidePlan {
  const blocks = markdownToBlocks(source.markdown);
  const at = blocks.findIndex((b) => b.kind === 'heading');
  const heading = at >= 0 ? blocks[at] : null;
  const title = heading?.kind === 'heading' ? runsText(heading.runs).trim() : '';
  const rest = at >= 0 ? [...blocks.slice(0, at), ...blocks.slice(at + 1)] : blocks;
  // every slide has a title, so the outline and a screen reader can tell the slides apart
  return { title: title || `Slide ${index + 1}`, segments: segmentsOf(rest), notes: plainText(source.notes) };
}

function segmentsOf(blocks: readonly Block[]): Segment[] {
  const segments: Segment[] = [];
  let paras: Para[] = [];
  const flush = () => {
    if (paras.length) segments.push({ kind: 'text', paras });
    paras = [];
  };
  for (const block of blocks) {
    if (block.kind === 'table') {
      flush();
      segments.push({ kind: 'table', header: block.header, rows: block.rows });
    } else paras.push(...parasOf(block, 0));
  }
  flush();
  return segments;
}

function parasOf(block: Block, level: number): Para[] {
  switch (block.kind) {
    case 'heading':
      return [{ runs: block.runs, heading: true }];
    case 'paragraph':
      return [{ runs: block.runs }];
    case 'list':
      return block.items.flatMap((item, n) =>
        item.blocks.flatMap((inner, j) => {
          if (inner.kind === 'list') return parasOf(inner, level + 1);
          const paras = parasOf(inner, level);
          if (j > 0) return paras.map((p) => ({ ...p, bullet: { level, continued: true as const } }));
          const [first, ...others] = paras;
          const bullet = block.ordered ? { level, number: block.start + n } : { level };
          return [
            { ...first, bullet },
            ...others.map((p) => ({ ...p, bullet: { level, continued: true as const } })),
          ];
        }),
      );
    case 'quote':
      return block.blocks.flatMap((b) => parasOf(b, level)).map((p) => ({ ...p, quote: true }));
    case 'code':
      return block.text
        .split('\n')
        .map((line) => ({ runs: [{ text: line || ' ', code: true }], code: true }));
    case 'table':
      // a table inside a list item or a quote: its rows as lines, cells separated by tabs
      return [block.header, ...block.rows].map((row) => ({ runs: [{ text: row.map(runsText).join('\t') }] }));
    case 'rule':
      return [];
  }
}

/** The notes' Markdown as plain text, a paragraph a line (the notes pane shows no formatting a trainer needs). */
export function plainText(markdown: string): string {
  const lines: string[] = [];
  const walk = (blocks: readonly Block[], prefix: string) => {
    for (const b of blocks) {
      if (b.kind === 'heading' || b.kind === 'paragraph') lines.push(prefix + runsText(b.runs));
      else if (b.kind === 'list')
        b.items.forEach((item, n) => walk(item.blocks, `${prefix}${b.ordered ? `${b.start + n}. ` : '• '}`));
      else if (b.kind === 'quote') walk(b.blocks, prefix);
      else if (b.kind === 'code') lines.push(b.text);
      else if (b.kind === 'table')
        [b.header, ...b.rows].forEach((r) => lines.push(r.map(runsText).join('\t')));
    }
  };
  walk(markdownToBlocks(markdown), '');
  return lines.join('\n');
}

function addSlide(pptx: PptxGenJS, plan: SlidePlan, organisation: string): void {
  const slide = pptx.addSlide({ masterName: MASTER });
  slide.addText(plan.title, {
    placeholder: 'title',
    lang: LANG,
    fontSize: titleSize(plan.title),
    fit: 'shrink',
    wrap: true,
  });
  const size = bodySize(plan.segments);
  let y = BODY.y;
  for (const segment of plan.segments) {
    const h = segmentHeight(segment, size);
    if (segment.kind === 'text') {
      slide.addText(textRuns(segment.paras, size), {
        x: BODY.x,
        y,
        w: BODY.w,
        // never past the body's foot (the text shrinks instead), never too small to hold a line
        h: Math.max(0.4, Math.min(h, BODY.y + BODY.h - y)),
        valign: 'top',
        fontFace: FONT,
        fontSize: size,
        color: TEXT,
        fit: 'shrink',
        margin: 0,
      });
    } else {
      const widths = columnWidths(segment);
      const cellSize = tableSize(segment, size);
      slide.addTable(tableRows(segment, cellSize), {
        x: BODY.x,
        y,
        w: BODY.w,
        colW: widths,
        fontFace: FONT,
        fontSize: cellSize,
        color: TEXT,
        border: { type: 'solid', pt: 1, color: BORDER },
        valign: 'top',
        margin: CELL_MARGIN,
      });
    }
    y += h + GAP;
  }
  if (organisation)
    slide.addText(organisation, {
      ...FOOT,
      lang: LANG,
      fontFace: FONT,
      fontSize: 14,
      color: SECONDARY,
      valign: 'bottom',
    });
  if (plan.notes) slide.addNotes(plan.notes);
}

function titleSize(title: string): number {
  const fits = (size: number) => linesAt(title, TITLE.w, size) * size * LINE_EM <= TITLE.h * 72;
  return TITLE_SIZES.find(fits) ?? TITLE_SIZES[TITLE_SIZES.length - 1];
}

/** The largest body size at which every segment fits the body's area (as far as an estimate can tell). */
function bodySize(segments: readonly Segment[]): number {
  const fits = (size: number) => segments.reduce((h, s) => h + segmentHeight(s, size) + GAP, -GAP) <= BODY.h;
  return BODY_SIZES.find(fits) ?? BODY_SIZES[BODY_SIZES.length - 1];
}

/** A segment's estimated height in inches at a body size. */
function segmentHeight(segment: Segment, size: number): number {
  if (segment.kind === 'text')
    return segment.paras.reduce((h, p) => {
      const s = paraSize(p, size);
      const width = BODY.w - indentOf(p) / 72;
      return h + (linesAt(runsText(p.runs), width, s, p.code) * LINE_EM + paraEm(size)) * (s / 72);
    }, 0);
  const cell = tableSize(segment, size);
  const widths = columnWidths(segment);
  const rowHeight = (row: readonly (readonly Run[])[]) =>
    Math.max(1, ...row.map((c, i) => linesAt(runsText(c), (widths[i] ?? 1) - 0.1, cell))) *
      LINE_EM *
      (cell / 72) +
    0.1;
  return (
    [segment.header, ...segment.rows].filter((r) => r.length).reduce((h, r) => h + rowHeight(r), 0) + 0.15
  );
}

function linesAt(text: string, widthInches: number, size: number, mono = false): number {
  const perLine = Math.max(1, Math.floor((widthInches * 72) / (size * (mono ? 0.6 : CHAR_EM))));
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
}

const paraSize = (p: Para, size: number) => (p.heading ? size + 4 : p.code ? Math.max(8, size - 2) : size);
/** A list level's indent in points (PowerPoint's own steps). */
const indentOf = (p: Para) => (p.bullet ? (p.bullet.level + 1) * 27 : 0) + (p.quote ? 27 : 0);
/** Inside a cell, in inches: each side. */
const CELL_MARGIN = 0.05;
/** The smallest size a table's text is set in: a table wider than that is still all there, and Office can restyle it. */
const MIN_TABLE_SIZE = 8;

/** A table's text size: a little under the body's, and small enough that each column's longest word fits unbroken. */
function tableSize(segment: Extract<Segment, { kind: 'table' }>, size: number): number {
  const widths = columnWidths(segment);
  const rows = [segment.header, ...segment.rows];
  const fitting = widths.map((w, i) => {
    const longest = Math.max(
      1,
      ...rows.flatMap((r) =>
        runsText(r[i] ?? [])
          .split(/\s+/)
          .map((word) => word.length),
      ),
    );
    // bold headers and wide letters: a word is allowed more than the average character's width
    return ((w - 2 * CELL_MARGIN) * 72) / (longest * CHAR_EM * 1.25);
  });
  return Math.max(MIN_TABLE_SIZE, Math.floor(Math.min(size - 4, ...fitting)));
}

function textRuns(paras: readonly Para[], size: number): TextRun[] {
  return paras.flatMap((p, i) => {
    const s = paraSize(p, size);
    const para = paraOptions(p, i === 0 ? 0 : s * paraEm(size));
    const runs = p.runs.length ? p.runs : [{ text: ' ' }];
    return runs.map((run, j) => ({
      text: run.lineBreak ? '\n' : run.text,
      options: {
        ...(j === 0 ? para : {}),
        ...runOptions(run, s, p),
        ...(j === runs.length - 1 ? { breakLine: true } : {}),
      },
    }));
  });
}

function paraOptions(p: Para, spaceBefore: number): PptxGenJS.TextPropsOptions {
  const options: PptxGenJS.TextPropsOptions = { paraSpaceBefore: spaceBefore };
  if (p.bullet) {
    options.indentLevel = p.bullet.level + (p.quote ? 1 : 0);
    if ('continued' in p.bullet) options.bullet = { indent: 27, characterCode: '00A0' };
    else if (p.bullet.number !== undefined)
      options.bullet = {
        type: 'number',
        numberType: 'arabicPeriod',
        numberStartAt: p.bullet.number,
        indent: 27,
      };
    else options.bullet = { indent: 27 };
  } else if (p.quote) options.indentLevel = 1;
  return options;
}

function runOptions(run: Run, size: number, p: Para): PptxGenJS.TextPropsOptions {
  const link = run.href && /^(https?:|mailto:)/i.test(run.href) ? run.href : null;
  return {
    lang: LANG,
    fontSize: size,
    fontFace: run.code || p.code ? MONO : FONT,
    color: link ? LINK : TEXT,
    ...(run.bold || p.heading ? { bold: true } : {}),
    ...(run.italic || p.quote ? { italic: true } : {}),
    ...(link ? { hyperlink: { url: link }, underline: { style: 'sng' as const } } : {}),
  };
}

/** Columns as wide as their longest text asks, within the body's width: a wide table gets narrow columns, not lost ones. */
function columnWidths(segment: Extract<Segment, { kind: 'table' }>): number[] {
  const rows = [segment.header, ...segment.rows].filter((r) => r.length);
  const count = Math.max(1, ...rows.map((r) => r.length));
  const want = Array.from({ length: count }, (_, i) =>
    Math.min(40, Math.max(6, ...rows.map((r) => runsText(r[i] ?? []).length))),
  );
  const total = want.reduce((a, b) => a + b, 0);
  return want.map((w) => (w / total) * BODY.w);
}

function tableRows(segment: Extract<Segment, { kind: 'table' }>, size: number): TableRow[] {
  const count = Math.max(segment.header.length, ...segment.rows.map((r) => r.length));
  const pad = (row: readonly (readonly Run[])[]) => Array.from({ length: count }, (_, i) => row[i] ?? []);
  const cell = (runs: readonly Run[], header: boolean): PptxGenJS.TableCell => ({
    text: runs.length
      ? runs.map((run) => ({
          text: run.lineBreak ? '\n' : run.text,
          options: runOptions({ ...run, bold: run.bold || header }, size, { runs }),
        }))
      : '',
    options: header ? { fill: { color: HEADER_FILL }, bold: true } : {},
  });
  const rows: TableRow[] = [];
  if (segment.header.length) rows.push(pad(segment.header).map((c) => cell(c, true)));
  for (const row of segment.rows) rows.push(pad(row).map((c) => cell(c, false)));
  return rows;
}
