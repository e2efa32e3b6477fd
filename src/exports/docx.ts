import { HeadingLevel, Paragraph, TextRun } from 'docx';
import { splitSlides } from '../content/slides';
import type { Module, ModuleKind, Outcome, Pack } from '../content/types';
import { markdownToBlocks, type Run } from './blocks';
import { DocxWriter, type DocxBlock } from './docx-blocks';
import { bodyOf, heading, line, titleParagraph, versionParagraph, writeDocument } from './docx-document';
import { formDocx, promptsDocx } from './docx-work';
import type { ExportMeta } from './meta';

export { facilitatorGuideDocx, sessionPlans, type SessionPlan } from './docx-guide';

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
  if (modules.length === 0) children.push(line('There are no modules here in this version of the pack.'));
  else if (!single)
    children.push(line(`Contents: ${modules.map((m, i) => `${i + 1}. ${m.title}`).join(' · ')}`));
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

function keywordsOf(modules: readonly Module[], pack: Pack): string {
  const kinds = new Set(modules.map((m) => KIND_LABELS[m.kind]));
  const areas = new Set(
    modules.flatMap((m) => m.areas).map((id) => pack.areas.find((a) => a.id === id)?.title ?? id),
  );
  return [...kinds, ...areas].join(', ');
}
