import {
  AlignmentType,
  BorderStyle,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  LineRuleType,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type INumberingOptions,
} from 'docx';
import { runsText, type Block, type ListItem, type Run } from './blocks';

// Blocks (src/exports/blocks.ts) as Word paragraphs and tables: headings in Word's own heading styles (so the
// navigation pane and screen readers find them), lists as numbered or bulleted Word lists with their levels, tables as
// fixed-layout tables that fit the page, and live links. Shared by every Word document Packway writes.

export type DocxBlock = Paragraph | Table;

/** Where blocks sit: indented under a list item, or in a quotation. */
interface Place {
  readonly indent?: number;
  readonly style?: string;
}

/** A4 less 2.54 cm margins each side (twips): the width a table may take. */
export const CONTENT_WIDTH = 11906 - 2 * 1440;
export const MONOSPACE = 'Consolas';
const BULLETS = ['•', '◦', '▪'];
const INDENT = 360;

/** What one document's conversion needs: where links lead, how far its headings shift, and its numbered lists. */
export class DocxWriter {
  /** The `start` of every numbered list written, each a numbering definition of its own. */
  private readonly starts = new Set<number>([1]);
  private instances = 0;

  /**
   * @param siteUrl where the pack's own links (`/modules/…`) lead; without it they are kept as text
   */
  constructor(private readonly siteUrl: string | undefined) {}

  /** A new numbered list: its own instance, so its numbers start again. */
  numberedList(start = 1): { reference: string; instance: number } {
    this.starts.add(start);
    this.instances += 1;
    return { reference: `numbers-${start}`, instance: this.instances };
  }

  /** The numbering definitions the document's lists use. */
  numbering(): INumberingOptions {
    return {
      config: [
        {
          reference: 'bullets',
          levels: levels((i) => ({ format: LevelFormat.BULLET, text: BULLETS[i % 3] })),
        },
        ...[...this.starts].map((start) => ({
          reference: `numbers-${start}`,
          levels: levels((i) => ({
            format: NUMBER_FORMATS[i % 3],
            text: `%${i + 1}.`,
            start: i === 0 ? start : 1,
          })),
        })),
      ],
    };
  }

  /** A link's address as Word should open it: absolute web and mail addresses, the pack's pages under siteUrl. */
  href(href: string): string | null {
    if (/^(https?:|mailto:)/i.test(href)) return href;
    if (href.startsWith('/') && !href.startsWith('//') && this.siteUrl)
      return `${this.siteUrl.replace(/\/$/, '')}${href}`;
    return null;
  }

  /** Runs as Word runs: bold, italic, monospace code, line breaks, and consecutive runs of one link as one link. */
  runs(runs: readonly Run[], size?: number): (TextRun | ExternalHyperlink)[] {
    const out: (TextRun | ExternalHyperlink)[] = [];
    for (let i = 0; i < runs.length;) {
      const href = runs[i].href;
      const link = href === undefined ? null : this.href(href);
      if (link === null) {
        out.push(textRun(runs[i], size));
        i += 1;
        continue;
      }
      const children: TextRun[] = [];
      while (i < runs.length && runs[i].href === href) children.push(textRun(runs[i++], size, 'Hyperlink'));
      out.push(new ExternalHyperlink({ link, children }));
    }
    return out;
  }

  /**
   * Blocks as paragraphs and tables. `shift` moves headings up (a module's `##` is Heading 1 when the module is the
   * document, Heading 2 when it is one of several).
   */
  blocks(blocks: readonly Block[], shift: number, place: Place = {}): DocxBlock[] {
    return blocks.flatMap((block) => this.block(block, shift, place));
  }

  private block(block: Block, shift: number, { indent = 0, style }: Place): DocxBlock[] {
    const at = { ...(indent > 0 ? { indent: { left: indent } } : {}), ...(style ? { style } : {}) };
    switch (block.kind) {
      case 'heading':
        return [
          new Paragraph({ heading: headingLevel(block.level - shift), children: this.runs(block.runs) }),
        ];
      case 'paragraph':
        return [new Paragraph({ ...at, children: this.runs(block.runs) })];
      case 'list':
        return this.list(block, shift, 0);
      case 'table':
        return [this.table(block.header, block.rows)];
      case 'quote':
        return this.blocks(block.blocks, shift, { indent, style: 'Quote' });
      case 'code':
        return [codeParagraph(block.text, indent)];
      case 'rule':
        return [
          new Paragraph({
            border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '999999', space: 1 } },
          }),
        ];
    }
  }

  private list(list: Extract<Block, { kind: 'list' }>, shift: number, level: number): DocxBlock[] {
    const numbering = list.ordered
      ? { ...this.numberedList(list.start), level }
      : { reference: 'bullets', level };
    const style = list.ordered ? 'ListNumber' : 'ListBullet';
    return list.items.flatMap((item) => this.listItem(item, shift, level, numbering, style));
  }

  /** An item's first paragraph carries the number or bullet; its later paragraphs line up under it. */
  private listItem(
    item: ListItem,
    shift: number,
    level: number,
    numbering: { reference: string; level: number; instance?: number },
    style: string,
  ): DocxBlock[] {
    const out: DocxBlock[] = [];
    let numbered = false;
    for (const block of item.blocks) {
      if (block.kind === 'list') {
        out.push(...this.list(block, shift, Math.min(level + 1, 8)));
      } else if (block.kind === 'paragraph' && !numbered) {
        out.push(new Paragraph({ style, numbering, children: this.runs(block.runs) }));
        numbered = true;
      } else {
        out.push(...this.blocks([block], shift, { indent: INDENT * 2 * (level + 1) }));
      }
    }
    // an item with no text of its own (only a nested list) still shows its number
    if (!numbered) out.unshift(new Paragraph({ style, numbering, children: [] }));
    return out;
  }

  /**
   * A table that fits the page whatever its columns: fixed layout, columns shared out by how much each holds, the
   * text smaller as columns grow, the header row repeated on every page.
   */
  table(header: readonly (readonly Run[])[], rows: readonly (readonly (readonly Run[])[])[]): Table {
    const columns = Math.max(header.length, ...rows.map((r) => r.length), 1);
    const shares = columnShares([header, ...rows], columns);
    const size = columns <= 4 ? 20 : columns <= 6 ? 18 : columns <= 9 ? 16 : 14;
    const cell = (runs: readonly Run[] | undefined, i: number, head: boolean) =>
      new TableCell({
        width: { size: Math.round(shares[i] * 100), type: WidthType.PERCENTAGE },
        ...(head ? { shading: { type: ShadingType.CLEAR, fill: 'E8E8E8', color: 'auto' } } : {}),
        children: [
          new Paragraph({
            spacing: { before: 40, after: 40, line: 240, lineRule: LineRuleType.AUTO },
            children: this.runs(
              (runs ?? []).map((r) => (head ? { ...r, bold: true } : r)),
              size,
            ),
          }),
        ],
      });
    const row = (cells: readonly (readonly Run[])[], head: boolean) =>
      // a long row may break across pages: one that could not would be cut off at the page's foot in Word
      new TableRow({
        tableHeader: head,
        children: Array.from({ length: columns }, (_, i) => cell(cells[i], i, head)),
      });
    return new Table({
      layout: TableLayoutType.FIXED,
      width: { size: 100, type: WidthType.PERCENTAGE },
      columnWidths: shares.map((s) => Math.floor(s * CONTENT_WIDTH)),
      // narrow columns keep more of their width for text
      ...(columns > 6 ? { margins: { left: 45, right: 45 } } : {}),
      rows: [...(header.length ? [row(header, true)] : []), ...rows.map((r) => row(r, false))],
    });
  }
}

const NUMBER_FORMATS = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];

function levels(
  format: (level: number) => Pick<ILevelsOptions, 'format' | 'text' | 'start'>,
): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    alignment: AlignmentType.LEFT,
    ...format(level),
    style: { paragraph: { indent: { left: INDENT * 2 * (level + 1), hanging: INDENT } } },
  }));
}

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
];

/** Word's heading style for a level, kept within Heading 1 to Heading 6. */
export const headingLevel = (level: number) => HEADINGS[Math.min(Math.max(level, 1), 6) - 1];

function textRun(run: Run, size: number | undefined, style?: string): TextRun {
  if (run.lineBreak) return new TextRun({ break: 1 });
  return new TextRun({
    text: run.text,
    ...(run.bold ? { bold: true } : {}),
    ...(run.italic ? { italics: true } : {}),
    ...(run.code ? { font: MONOSPACE } : {}),
    ...(size ? { size } : {}),
    ...(style ? { style } : {}),
  });
}

/** A code block: monospace, shaded, its lines and their leading spaces kept. */
function codeParagraph(text: string, indent: number): Paragraph {
  const lines = text.split('\n');
  return new Paragraph({
    style: 'Code',
    ...(indent > 0 ? { indent: { left: indent } } : {}),
    children: lines.map((line, i) => new TextRun({ text: line, ...(i > 0 ? { break: 1 } : {}) })),
  });
}

/**
 * Each column's share of the width: by the length of its longest words and its average text, so a column of
 * numbers stays narrow and one of sentences gets room, with no column under half an even share.
 */
function columnShares(rows: readonly (readonly (readonly Run[])[])[], columns: number): number[] {
  const weights = Array.from({ length: columns }, (_, i) => {
    const texts = rows.map((r) => (r[i] ? runsText(r[i]) : '')).filter((t) => t !== '');
    const longestWord = Math.max(
      3,
      ...texts.flatMap((t) => t.split(/\s+/)).map((w) => Math.min(w.length, 20)),
    );
    const average = texts.reduce((n, t) => n + t.length, 0) / Math.max(texts.length, 1);
    return Math.max(longestWord, Math.sqrt(average) * 4);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const floor = 0.5 / columns;
  const raw = weights.map((w) => Math.max(w / total, floor));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / sum);
}
