import {
  BorderStyle,
  HeightRule,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { FormField, FormGroup, Module, Pack } from '../content/types';
import { CONTENT_WIDTH, headingLevel, type DocxBlock, type DocxWriter } from './docx-blocks';

// A module's work on paper: case-study questions as a numbered list with a box to write in after each, and forms
// (the raid plan and report, the self-assessments) as tables a trainer can print and hand out: one row per field,
// its label on the left and room to write, the scale's numbers or the options to tick on the right.

const BOX = 'BFC1C3';
const border = { style: BorderStyle.SINGLE, size: 6, color: BOX };
const borders = { top: border, bottom: border, left: border, right: border };
/** Room to write, in twips (1 cm is about 567). */
const ROOM = { questionBox: 2270, text: 620, textarea: 2000, date: 620, action: 800, choice: 0 } as const;
const TICK = '☐';

/** "Questions by learning area": each area's questions numbered, each followed by a box to write the answer in. */
export function promptsDocx(mod: Module, pack: Pack, writer: DocxWriter, level: number): DocxBlock[] {
  const byArea = pack.areas
    .map((area) => ({ title: area.title, prompts: mod.prompts.filter((p) => p.area === area.id) }))
    .filter((g) => g.prompts.length > 0);
  const unplaced = mod.prompts.filter((p) => !pack.areas.some((a) => a.id === p.area));
  if (unplaced.length > 0) byArea.push({ title: 'Other questions', prompts: unplaced });
  if (byArea.length === 0) return [];
  const out: DocxBlock[] = [
    new Paragraph({ heading: headingLevel(level), children: [new TextRun('Questions by learning area')] }),
    new Paragraph({
      style: 'Hint',
      children: [new TextRun('Write your answer in the box after each question.')],
    }),
  ];
  for (const group of byArea) {
    out.push(new Paragraph({ heading: headingLevel(level + 1), children: [new TextRun(group.title)] }));
    const numbering = { ...writer.numberedList(), level: 0 };
    for (const prompt of group.prompts) {
      out.push(
        new Paragraph({
          style: 'ListNumber',
          numbering,
          keepNext: true,
          children: [new TextRun(prompt.question)],
        }),
        answerBox(ROOM.questionBox),
        new Paragraph({ children: [] }),
      );
    }
  }
  return out;
}

/** One bordered, empty box the width of the page: somewhere to write. */
function answerBox(height: number): Table {
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: [CONTENT_WIDTH],
    rows: [
      new TableRow({
        cantSplit: true,
        height: { value: height, rule: HeightRule.ATLEAST },
        children: [new TableCell({ borders, children: [new Paragraph({ children: [] })] })],
      }),
    ],
  });
}

/** A form on paper: each group a heading, its description and questions, then its fields as a table. */
export function formDocx(mod: Module, level: number): DocxBlock[] {
  const form = mod.form;
  if (!form || form.groups.length === 0) return [];
  const out: DocxBlock[] = [
    new Paragraph({ heading: headingLevel(level), children: [new TextRun('Form to fill in')] }),
    new Paragraph({
      style: 'Hint',
      keepNext: true,
      children: [
        new TextRun(
          form.repeatable
            ? 'Print a copy for each one you fill in. Fields not marked optional are needed.'
            : 'Fields not marked optional are needed.',
        ),
      ],
    }),
  ];
  for (const group of form.groups) out.push(...groupDocx(group, level + 1));
  return out;
}

function groupDocx(group: FormGroup, level: number): DocxBlock[] {
  const out: DocxBlock[] = [
    new Paragraph({ heading: headingLevel(level), children: [new TextRun(group.title)] }),
  ];
  if (group.description) out.push(new Paragraph({ children: [new TextRun(group.description)] }));
  if (group.questions.length > 0) {
    out.push(
      new Paragraph({
        keepNext: true,
        children: [new TextRun({ text: 'Questions to consider', bold: true })],
      }),
    );
    for (const q of group.questions)
      out.push(
        new Paragraph({
          style: 'ListBullet',
          numbering: { reference: 'bullets', level: 0 },
          children: [new TextRun(q)],
        }),
      );
  }
  if (group.fields.length > 0) {
    out.push(
      new Table({
        layout: TableLayoutType.FIXED,
        width: { size: 100, type: WidthType.PERCENTAGE },
        columnWidths: [Math.round(CONTENT_WIDTH * 0.35), CONTENT_WIDTH - Math.round(CONTENT_WIDTH * 0.35)],
        rows: group.fields.flatMap((field) => fieldRows(field)),
      }),
      new Paragraph({ children: [] }),
    );
  }
  return out;
}

/** A field's row(s): actions are one row each, every other field one row. */
function fieldRows(field: FormField): TableRow[] {
  if (field.type === 'actions') {
    return Array.from({ length: Math.max(field.count, 1) }, (_, i) =>
      row(
        [
          [new TextRun({ text: `${field.label}: action ${i + 1}`, bold: true })],
          [new TextRun({ text: 'Do by (date):', color: '505A5F', size: 18 })],
        ],
        ROOM.action,
      ),
    );
  }
  const label = [
    new TextRun({ text: field.label, bold: true }),
    ...(field.required ? [] : [new TextRun({ text: ' (optional)' })]),
  ];
  const hint = field.hint ? [new TextRun({ text: field.hint, color: '505A5F', size: 18 })] : [];
  return [row([label, ...(hint.length ? [hint] : [])], ROOM[roomOf(field)], answerOf(field))];
}

function roomOf(field: FormField): keyof typeof ROOM {
  if (field.type === 'textarea' || field.type === 'date' || field.type === 'text') return field.type;
  return 'choice';
}

/** What the answer cell shows before anyone writes: the options to tick, the scale, or a date's parts. */
function answerOf(field: FormField): Paragraph[] {
  switch (field.type) {
    case 'rating':
      return [
        new Paragraph({
          children: [
            new TextRun(
              Array.from({ length: field.max - field.min + 1 }, (_, i) => `${TICK} ${field.min + i}`).join(
                '     ',
              ),
            ),
          ],
        }),
      ];
    case 'select':
    case 'radios':
    case 'checkboxes':
      return [
        ...(field.type === 'checkboxes'
          ? [
              new Paragraph({
                children: [new TextRun({ text: 'Tick all that apply', color: '505A5F', size: 18 })],
              }),
            ]
          : []),
        ...field.options.map((option) => new Paragraph({ children: [new TextRun(`${TICK} ${option}`)] })),
      ];
    case 'date':
      return [
        new Paragraph({
          children: [new TextRun({ text: 'Day ____  Month ____  Year ________', color: '505A5F' })],
        }),
      ];
    default:
      return [new Paragraph({ children: [] })];
  }
}

/** A row of the form's table: the label's paragraphs on the left (shaded), the answer on the right. */
function row(
  labelLines: TextRun[][],
  height: number,
  answer: Paragraph[] = [new Paragraph({ children: [] })],
): TableRow {
  return new TableRow({
    cantSplit: true,
    ...(height > 0 ? { height: { value: height, rule: HeightRule.ATLEAST } } : {}),
    children: [
      new TableCell({
        borders,
        shading: { type: ShadingType.CLEAR, fill: 'F3F2F1', color: 'auto' },
        children: labelLines.map((children) => new Paragraph({ children })),
      }),
      new TableCell({ borders, children: answer }),
    ],
  });
}
