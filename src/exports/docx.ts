import { Document, Footer, HeadingLevel, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import { parseFrontMatter } from '../content/frontmatter';
import { splitSlides } from '../content/slides';
import type { Module, ModuleKind, Outcome, Pack } from '../content/types';
import { markdownToBlocks, runsText, type Block, type Run } from './blocks';
import { DocxWriter, documentStyles, headingLevel, type DocxBlock } from './docx-blocks';
import { formDocx, promptsDocx } from './docx-work';
import { describeVersion, type ExportMeta } from './meta';

// The pack as Word documents a trainer can adapt: one module, a learning area or a whole section in one document,
// and the facilitator guide (the seven areas' session plans in running order). Pure: a pack in, the file's bytes out.

const KIND_LABELS: Record<ModuleKind, string> = {
  introduction: 'Introduction',
  behaviours: 'Behaviours',
  'learning-area': 'Learning area',
  'raid-guidelines': 'Organisational raids',
  'case-study-guidelines': 'Case study guidelines',
  'case-study': 'Case study',
  activity: 'Activity',
  slides: 'Slides',
};

/**
 * One module, an area or a whole section as one document. A module alone (titled as itself) has its `##` headings as
 * Heading 1; otherwise each module is a Heading 1 (on a new page) and its `##` headings are Heading 2.
 */
export async function modulesToDocx(
  title: string,
  modules: readonly Module[],
  pack: Pack,
  meta: ExportMeta,
): Promise<Buffer> {
  const writer = new DocxWriter(meta.siteUrl);
  // a document of one module is that module: its title is the document's; a section of one module keeps both
  const single = modules.length === 1 && modules[0].title === title;
  const children: DocxBlock[] = [titleParagraph(title), versionParagraph(meta)];
  if (!single && modules.length > 0) {
    children.push(line(`Contents: ${modules.map((m, i) => `${i + 1}. ${m.title}`).join(' · ')}`));
  }
  modules.forEach((mod, i) => {
    if (!single)
      children.push(
        new Paragraph({
          heading: HeadingLevel.HEADING_1,
          pageBreakBefore: i > 0,
          children: [new TextRun(mod.title)],
        }),
      );
    children.push(...moduleParts(mod, pack, writer, single ? 1 : 2));
  });
  return writeDocument(writer, children, meta, {
    title,
    subject: single ? `${KIND_LABELS[modules[0].kind]}: ${title}` : title,
    keywords: keywordsOf(modules, pack),
  });
}

/** Everything of one module: its summary and time, its body, its questions or form, its outcomes, its references. */
function moduleParts(mod: Module, pack: Pack, writer: DocxWriter, level: number): DocxBlock[] {
  const areaTitles = mod.areas.map((id) => pack.areas.find((a) => a.id === id)?.title ?? id);
  const facts = [
    KIND_LABELS[mod.kind],
    `about ${mod.minutes} minutes`,
    ...(areaTitles.length === pack.areas.length && areaTitles.length > 1
      ? [`all ${areaTitles.length} learning areas`]
      : areaTitles.length > 0
        ? [`learning areas: ${areaTitles.join(', ')}`]
        : []),
  ];
  return [
    ...(mod.summary ? [new Paragraph({ style: 'Subtitle', children: [new TextRun(mod.summary)] })] : []),
    new Paragraph({ style: 'Hint', children: [new TextRun(facts.join(' · '))] }),
    ...bodyParts(mod, writer, 2 - level),
    ...promptsDocx(mod, pack, writer, level),
    ...formDocx(mod, level),
    ...outcomesParts(mod, pack, writer, level),
    ...referencesParts(mod, writer, level),
  ];
}

/** The module's Markdown body; a deck's slides each with its speaker notes after it. */
function bodyParts(mod: Module, writer: DocxWriter, shift: number): DocxBlock[] {
  const body = bodyOf(mod);
  if (mod.slides.length === 0) return writer.blocks(markdownToBlocks(body), shift);
  return splitSlides(body).flatMap((slide) => [
    ...writer.blocks(markdownToBlocks(slide.markdown), shift),
    ...(slide.notes
      ? [
          new Paragraph({
            style: 'Quote',
            keepNext: true,
            children: [new TextRun({ text: 'Speaker notes', bold: true })],
          }),
          ...writer.blocks(markdownToBlocks(slide.notes), shift, { style: 'Quote' }),
        ]
      : []),
  ]);
}

const bodyOf = (mod: Module): string => parseFrontMatter(mod.file, mod.source).parsed?.body ?? '';

/** A learning area's outcomes with their standards as a table; another module's outcomes as a list. */
function outcomesParts(mod: Module, pack: Pack, writer: DocxWriter, level: number): DocxBlock[] {
  const area = pack.areas.find((a) => a.moduleId === mod.id);
  const outcomes: readonly Outcome[] =
    area?.outcomes ?? mod.outcomes.flatMap((id) => pack.outcomes.get(id) ?? []);
  if (outcomes.length === 0) return [];
  if (area || mod.kind === 'learning-area') {
    const cell = (text: string, bold = false): Run[] => [{ text, ...(bold ? { bold } : {}) }];
    return [
      heading('Learning outcomes', level),
      line('Each outcome is something a learner can show; the standard says what evidence is enough.'),
      writer.table(
        [cell('Outcome'), cell('What to do'), cell('What counts as achieved')],
        outcomes.map((o) => [
          cell(o.id, true),
          cell(o.text),
          cell(o.standard ?? 'No standard is given in this pack.'),
        ]),
      ),
    ];
  }
  return [
    heading('Outcomes this module helps you evidence', level),
    ...outcomes.map(
      (o) =>
        new Paragraph({
          style: 'ListBullet',
          numbering: { reference: 'bullets', level: 0 },
          children: [new TextRun({ text: `${o.id} `, bold: true }), new TextRun(o.text)],
        }),
    ),
  ];
}

/** "References": each source as written, its web address a live link. */
function referencesParts(mod: Module, writer: DocxWriter, level: number): DocxBlock[] {
  if (mod.sources.length === 0) return [];
  return [
    heading('References', level),
    ...mod.sources.map((source) => {
      const match = /\s*(https?:\/\/\S+?)[.,;)]?\s*$/.exec(source);
      const runs: Run[] = match
        ? [{ text: `${source.slice(0, match.index).trim()} ` }, { text: match[1], href: match[1] }]
        : [{ text: source }];
      return new Paragraph({
        style: 'ListBullet',
        numbering: { reference: 'bullets', level: 0 },
        children: writer.runs(runs),
      });
    }),
  ];
}

export interface SessionPlan {
  readonly title: string;
  /** The plan's total minutes: its table's minutes added up, else the time its text states; null when neither. */
  readonly minutes: number | null;
  /** The plan's blocks, without its own `## Session plan` heading. */
  readonly blocks: readonly Block[];
}

/** Each learning area's `## Session plan` (up to the next `##`), in the pack's running order. */
export function sessionPlans(pack: Pack): SessionPlan[] {
  return pack.areas.map((area) => {
    const mod = pack.modules.get(area.moduleId);
    const blocks = mod ? markdownToBlocks(bodyOf(mod)) : [];
    const start = blocks.findIndex(
      (b) => b.kind === 'heading' && b.level <= 2 && /^session plan/i.test(runsText(b.runs).trim()),
    );
    if (start < 0) return { title: area.title, minutes: null, blocks: [] };
    const rest = blocks.slice(start + 1);
    const end = rest.findIndex((b) => b.kind === 'heading' && b.level <= 2);
    const plan = end < 0 ? rest : rest.slice(0, end);
    return { title: area.title, minutes: planMinutes(plan), blocks: plan };
  });
}

/** The minutes a plan adds up to: a table column headed Minutes (or Time), else "a 90-minute session" in its text. */
function planMinutes(plan: readonly Block[]): number | null {
  for (const block of plan) {
    if (block.kind !== 'table') continue;
    const column = block.header.findIndex((h) => /^\s*(minutes|mins?|time)\b/i.test(runsText(h)));
    if (column < 0) continue;
    const total = block.rows.reduce(
      (n, row) => n + (Number(/\d+/.exec(row[column] ? runsText(row[column]) : '')?.[0]) || 0),
      0,
    );
    if (total > 0) return total;
  }
  for (const block of plan) {
    if (block.kind !== 'paragraph') continue;
    const stated = /(\d+)[-\s]minute\b/i.exec(runsText(block.runs));
    if (stated) return Number(stated[1]);
  }
  return null;
}

/** "90 minutes", "1 hour 30 minutes" for totals. */
export function minutesText(minutes: number): string {
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hours${rest ? ` ${rest} minutes` : ''}`;
}

/** The heading a session plan has in the facilitator guide: its running number, its area and its time. */
export const sessionHeading = (plan: SessionPlan, i: number): string =>
  `Session ${i + 1}: ${plan.title} (${plan.minutes === null ? 'no session plan' : `${plan.minutes} minutes`})`;

/** The facilitator guide: the seven areas' session plans in running order, each a Heading 1 with its time. */
export async function facilitatorGuideDocx(pack: Pack, meta: ExportMeta): Promise<Buffer> {
  const writer = new DocxWriter(meta.siteUrl);
  const plans = sessionPlans(pack);
  const total = plans.reduce((n, p) => n + (p.minutes ?? 0), 0);
  const children: DocxBlock[] = [
    titleParagraph('Facilitator guide'),
    versionParagraph(meta),
    line(
      `The session plans of the ${plans.length} learning areas, in the order they are run` +
        (total > 0 ? `: ${minutesText(total)} in all.` : '.'),
    ),
    line(
      `Contents: ${plans.map((p, i) => `${i + 1}. ${p.title}${p.minutes === null ? '' : ` (${p.minutes} minutes)`}`).join(' · ')}`,
    ),
  ];
  plans.forEach((plan, i) => {
    const area = pack.areas[i];
    children.push(
      new Paragraph({
        heading: HeadingLevel.HEADING_1,
        pageBreakBefore: i > 0,
        children: [new TextRun(sessionHeading(plan, i))],
      }),
      new Paragraph({
        style: 'Hint',
        children: [
          new TextRun(
            `Outcomes ${area.outcomes.map((o) => o.id).join(', ') || 'none'} · from the module “${area.title}”`,
          ),
        ],
      }),
      ...(plan.blocks.length > 0
        ? writer.blocks(plan.blocks, 1)
        : [line('This learning area has no session plan in this version of the pack.')]),
    );
  });
  return writeDocument(writer, children, meta, {
    title: 'Facilitator guide',
    subject: `Facilitator guide: ${pack.title}`,
    keywords: ['facilitator guide', 'session plans', ...pack.areas.map((a) => a.title)].join(', '),
  });
}

function titleParagraph(title: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title.trim() || 'Untitled')] });
}

const versionParagraph = (meta: ExportMeta): Paragraph =>
  new Paragraph({ style: 'Hint', children: [new TextRun(`From ${describeVersion(meta)}`)] });

const line = (text: string): Paragraph => new Paragraph({ children: [new TextRun(text)] });

const heading = (text: string, level: number): Paragraph =>
  new Paragraph({ heading: headingLevel(level), children: [new TextRun(text)] });

function keywordsOf(modules: readonly Module[], pack: Pack): string {
  const kinds = new Set(modules.map((m) => KIND_LABELS[m.kind]));
  const areas = new Set(
    modules.flatMap((m) => m.areas).map((id) => pack.areas.find((a) => a.id === id)?.title ?? id),
  );
  return [...kinds, ...areas].join(', ');
}

/** The document: properties saying which pack and version it is from, the styles, lists and a footer. */
async function writeDocument(
  writer: DocxWriter,
  children: DocxBlock[],
  meta: ExportMeta,
  props: { title: string; subject: string; keywords: string },
): Promise<Buffer> {
  const version = describeVersion(meta);
  const doc = new Document({
    title: props.title,
    subject: props.subject,
    creator: meta.organisationName || 'Packway',
    lastModifiedBy: 'Packway',
    description: `From ${version}. Edits made in Word stay in this copy.`,
    keywords: props.keywords,
    styles: documentStyles(),
    numbering: writer.numbering(),
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                style: 'Hint',
                children: [
                  new TextRun(`${version} · page `),
                  new TextRun({ children: [PageNumber.CURRENT] }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return await Packer.toBuffer(doc);
}
