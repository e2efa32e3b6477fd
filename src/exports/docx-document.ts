import {
  Document,
  Footer,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
  BorderStyle,
  ShadingType,
  type IStylesOptions,
} from 'docx';
import { parseFrontMatter } from '../content/frontmatter';
import type { Module } from '../content/types';
import { headingLevel, MONOSPACE, type DocxBlock, type DocxWriter } from './docx-blocks';
import { describeVersion, type ExportMeta } from './meta';

// What every Packway Word document shares: its styles, its title and version lines, its properties and footer.

/** A module's Markdown body (after its front matter). */
export const bodyOf = (mod: Module): string => parseFrontMatter(mod.file, mod.source).parsed?.body ?? '';

export function titleParagraph(title: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title.trim() || 'Untitled')] });
}

export const versionParagraph = (meta: ExportMeta): Paragraph =>
  new Paragraph({ style: 'Hint', children: [new TextRun(`From ${describeVersion(meta)}`)] });

export const line = (text: string): Paragraph => new Paragraph({ children: [new TextRun(text)] });

export const heading = (text: string, level: number): Paragraph =>
  new Paragraph({ heading: headingLevel(level), children: [new TextRun(text)] });

/** The document: properties saying which pack and version it is from, the styles, lists and a footer. */
export async function writeDocument(
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
                  new TextRun({ children: [PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] }),
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

/** The styles every Packway Word document uses: plain, readable, and named as Word names them. */
export function documentStyles(): IStylesOptions {
  // the outline level is what Word's navigation pane and a table of contents read, whatever the style's name
  const heading = (size: number, before: number, outlineLevel: number) => ({
    run: { size, bold: true, color: '0B0C0C', font: 'Arial' },
    paragraph: { spacing: { before, after: 120 }, keepNext: true, keepLines: true, outlineLevel },
  });
  return {
    default: {
      document: {
        // spelling is checked as British English, the pack's language
        run: { font: 'Arial', size: 22, language: { value: 'en-GB' } },
        paragraph: { spacing: { after: 120, line: 276, lineRule: LineRuleType.AUTO } },
      },
      title: {
        run: { size: 48, bold: true, font: 'Arial', color: '0B0C0C' },
        paragraph: { spacing: { after: 240 } },
      },
      heading1: heading(36, 360, 0),
      heading2: heading(30, 300, 1),
      heading3: heading(26, 240, 2),
      heading4: heading(24, 200, 3),
      heading5: heading(22, 200, 4),
      heading6: heading(22, 200, 5),
    },
    paragraphStyles: [
      // the library writes no Normal style; the others are based on it, and Word's style list expects one
      { id: 'Normal', name: 'Normal', quickFormat: true },
      {
        id: 'ListBullet',
        name: 'List Bullet',
        basedOn: 'Normal',
        quickFormat: true,
        paragraph: { spacing: { after: 60 } },
      },
      {
        id: 'ListNumber',
        name: 'List Number',
        basedOn: 'Normal',
        quickFormat: true,
        paragraph: { spacing: { after: 60 } },
      },
      {
        id: 'Code',
        name: 'Code',
        basedOn: 'Normal',
        run: { font: MONOSPACE, size: 19 },
        paragraph: {
          spacing: { before: 60, after: 120, line: 240, lineRule: LineRuleType.AUTO },
          shading: { type: ShadingType.CLEAR, fill: 'F3F2F1', color: 'auto' },
        },
      },
      {
        id: 'Quote',
        name: 'Quote',
        basedOn: 'Normal',
        paragraph: {
          indent: { left: 567 },
          border: { left: { style: BorderStyle.SINGLE, size: 24, color: 'B1B4B6', space: 8 } },
        },
      },
      { id: 'Hint', name: 'Hint', basedOn: 'Normal', run: { color: '505A5F', size: 20 } },
      { id: 'Subtitle', name: 'Subtitle', basedOn: 'Normal', run: { color: '505A5F', size: 26 } },
    ],
  };
}
