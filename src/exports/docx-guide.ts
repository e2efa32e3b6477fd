import { HeadingLevel, Paragraph, TextRun } from 'docx';
import type { Pack } from '../content/types';
import { markdownToBlocks, runsText, type Block } from './blocks';
import { DocxWriter, type DocxBlock } from './docx-blocks';
import { bodyOf, line, titleParagraph, versionParagraph, writeDocument } from './docx-document';
import type { ExportMeta } from './meta';

// The facilitator guide: each learning area's session plan, in the order the areas are run, with its time.

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
