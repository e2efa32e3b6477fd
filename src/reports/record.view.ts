import type { Form, FormField } from '../content/types';
import type { FieldValue, FormValues } from '../forms/forms.repo';
import type { FormEntry } from '../forms/forms.service';
import { toCsv } from '../shared/csv';
import { viewHelpers as h } from '../web/view-helpers';
import type { ReportsService } from './reports.service';

/** A learning record as the service builds it: for a trainer (with the cohort) or for the person themselves. */
export type LearnerRecordData = Awaited<ReturnType<ReportsService['ownRecord']>>;

/** One answer in a form, as a document shows it: the field's label and its value as lines of text. */
export interface ReadableRow {
  label: string;
  lines: string[];
}

/** One group of a form (a heading and its answered fields). */
export interface ReadableSection {
  title: string;
  rows: ReadableRow[];
}

/** "details" → "Details", "visit-date" → "Visit date": for answers to fields a pack no longer declares. */
function humanise(key: string): string {
  const words = key.replace(/[-_]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}

/** A field's answer as lines of text, in UK dates and plain words; no lines when it was left blank. */
export function answerLines(field: FormField | undefined, value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value
      .map((v) => {
        if (typeof v === 'string') return v.trim();
        const text = (v.text ?? '').trim();
        if (!text) return '';
        return v.due ? `${text} (by ${h.date(v.due) || v.due})` : text;
      })
      .filter(Boolean);
  }
  if (typeof value === 'number') {
    return field?.type === 'rating' && field.max ? [`${value} out of ${field.max}`] : [String(value)];
  }
  const text = value.trim();
  if (!text) return [];
  if (field?.type === 'date') return [h.date(text) || text];
  return [text];
}

/**
 * A form's answers as a document: its groups in the form's order under their titles, each answered field under its
 * label; unanswered fields and groups are left out. Answers to groups or fields a pack no longer declares follow.
 */
export function readableForm(form: Form | undefined, data: FormValues): ReadableSection[] {
  const out: ReadableSection[] = [];
  const seen = new Set<string>();
  for (const group of form?.groups ?? []) {
    const values = data[group.id] ?? {};
    const rows: ReadableRow[] = [];
    for (const field of group.fields) {
      seen.add(`${group.id}/${field.id}`);
      const lines = answerLines(field, values[field.id]);
      if (lines.length) rows.push({ label: field.label, lines });
    }
    for (const [fieldId, value] of Object.entries(values)) {
      if (seen.has(`${group.id}/${fieldId}`)) continue;
      seen.add(`${group.id}/${fieldId}`);
      const lines = answerLines(undefined, value);
      if (lines.length) rows.push({ label: humanise(fieldId), lines });
    }
    seen.add(group.id);
    if (rows.length) out.push({ title: group.title, rows });
  }
  for (const [groupId, values] of Object.entries(data)) {
    if (seen.has(groupId)) continue;
    const rows = Object.entries(values ?? {})
      .map(([fieldId, value]) => ({ label: humanise(fieldId), lines: answerLines(undefined, value) }))
      .filter((r) => r.lines.length);
    if (rows.length) out.push({ title: humanise(groupId), rows });
  }
  return out;
}

/** A raid's name: the host organisation and the day of the visit, in words ("Riverside Council, 3 March 2027"). */
function raidTitle(entry: FormEntry | undefined, fallback: string): string {
  const details = entry?.data.details ?? {};
  const host = typeof details.host === 'string' ? details.host.trim() : '';
  const day = typeof details['visit-date'] === 'string' ? h.date(details['visit-date']) : '';
  return [host, day].filter(Boolean).join(', ') || fallback;
}

/** The record as a document: every label in words, UK dates, blank answers left out, answers by learning area. */
export function readableRecord(record: LearnerRecordData) {
  const { pack } = record;
  const moduleOrder = new Map([...pack.modules.keys()].map((id, i) => [id, i]));
  const areaTitle = new Map(pack.areas.map((a) => [a.id, a.title]));

  // Answers: only those with text (an empty save is not an answer), by learning area in the pack's order, then module
  const answered = record.answers.filter((a) => a.text.trim() !== '');
  const areaIds = [...pack.areas.map((a) => a.id), ''];
  const answersByArea = areaIds
    .map((areaId) => {
      const inArea = answered
        .filter((a) => (areaTitle.has(a.area) ? a.area : '') === areaId)
        .sort((x, y) => (moduleOrder.get(x.moduleId) ?? 1e9) - (moduleOrder.get(y.moduleId) ?? 1e9));
      const modules: { id: string; title: string; answers: typeof inArea }[] = [];
      for (const a of inArea) {
        let m = modules.find((x) => x.id === a.moduleId);
        if (!m) modules.push((m = { id: a.moduleId, title: a.moduleTitle, answers: [] }));
        m.answers.push(a);
      }
      return { id: areaId, title: areaTitle.get(areaId) ?? 'Other questions', modules };
    })
    .filter((a) => a.modules.length);

  const raids = record.raids.map((raid, i) => {
    const parts = [
      { label: 'Plan', entry: raid.plan, form: pack.modules.get('raid-plan')?.form },
      { label: 'Report', entry: raid.report, form: pack.modules.get('raid-report')?.form },
    ]
      .filter((p) => p.entry)
      .map((p) => ({
        label: p.label,
        updatedAt: p.entry!.updatedAt,
        sections: readableForm(p.form, p.entry!.data),
      }));
    return { title: raidTitle(raid.plan ?? raid.report, `Raid ${i + 1}`), parts };
  });

  const otherForms = record.otherForms
    .map((s) => ({
      title: s.module?.title ?? humanise(s.moduleId),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      sections: readableForm(s.module?.form, s.data),
    }))
    .filter((s) => s.sections.length);

  const actions = record.actions
    .filter((a) => a.text.trim() !== '')
    .map((a) => ({
      text: a.text,
      dueOn: a.dueOn,
      status: a.done ? 'Done' : a.overdue ? 'Overdue' : 'To do',
      tag: a.done ? 'govuk-tag--green' : a.overdue ? 'govuk-tag--red' : 'govuk-tag--grey',
      module: pack.modules.get(a.moduleId)?.title ?? '',
    }));

  return {
    learner: record.learner,
    assignments: record.assignments,
    areas: record.areas,
    achieved: record.areas.reduce((n, a) => n + a.achieved, 0),
    outcomes: record.areas.reduce((n, a) => n + a.total, 0),
    answersByArea,
    raids,
    assessments: record.assessments,
    actions,
    otherForms,
  };
}

/**
 * The learning record as one CSV table a spreadsheet can filter: one row per outcome, assigned module, answer,
 * action and form answer, with readable headings and values, UK dates, and a byte-order mark for Excel.
 */
export function recordCsv(record: LearnerRecordData): string {
  const r = readableRecord(record);
  const header = [
    'Section',
    'Learning area',
    'Item',
    'Status',
    'Due by',
    'Last updated',
    'Evidence or answer',
  ];
  const rows: string[][] = [];
  for (const a of r.assignments) {
    rows.push(['Assigned module', '', a.title, h.statusLabel(a.status), h.date(a.dueAt), '', '']);
  }
  for (const area of r.areas) {
    for (const o of area.outcomes) {
      rows.push([
        'Outcome',
        area.title,
        `${o.id} ${o.text}`,
        h.statusLabel(o.status) +
          (o.confirmed ? ` (confirmed by ${o.confirmed.by}, ${h.date(o.confirmed.at)})` : ''),
        '',
        h.date(o.updatedAt),
        o.evidence,
      ]);
    }
  }
  for (const area of r.answersByArea) {
    for (const m of area.modules) {
      for (const a of m.answers) {
        rows.push([
          'Answer',
          area.id ? area.title : '',
          `${m.title}: ${a.question}`,
          '',
          '',
          h.date(a.updatedAt),
          a.text,
        ]);
      }
    }
  }
  for (const raid of r.raids) {
    for (const part of raid.parts) {
      for (const s of part.sections) {
        for (const row of s.rows) {
          rows.push([
            `Raid ${part.label.toLowerCase()}`,
            '',
            `${raid.title}: ${s.title}: ${row.label}`,
            '',
            '',
            h.date(part.updatedAt),
            row.lines.join('\n'),
          ]);
        }
      }
    }
  }
  for (const f of r.otherForms) {
    for (const s of f.sections) {
      for (const row of s.rows) {
        rows.push([
          'Activity',
          '',
          `${f.title}: ${s.title}: ${row.label}`,
          '',
          '',
          h.date(f.updatedAt),
          row.lines.join('\n'),
        ]);
      }
    }
  }
  const chart = r.assessments.chart;
  for (const row of chart?.rows ?? []) {
    row.values.forEach((v, i) => {
      if (v === null) return;
      rows.push([
        'Self-assessment',
        '',
        `${row.title}: ${chart!.attempts[i]?.label ?? ''}`,
        '',
        '',
        '',
        String(v),
      ]);
    });
  }
  for (const a of r.actions) {
    rows.push(['Action', '', a.text, a.status, h.date(a.dueOn), '', a.module]);
  }
  return toCsv([header, ...rows], { bom: true });
}
