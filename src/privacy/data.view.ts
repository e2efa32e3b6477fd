import type { Pack } from '../content/types';
import type { FormValues } from '../forms/forms.repo';
import { readableForm } from '../reports/record.view';
import { viewHelpers as h } from '../web/view-helpers';
import { RECORD_SECTIONS, type SubjectExport } from './privacy.presenter';

type Row = Record<string, unknown>;

/** A column of the personal-data page: its heading and how a stored value reads. */
interface Column {
  label: string;
  show: (row: Row, pack: Pack | undefined) => string | string[];
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const when = (v: unknown): string => {
  // some tables keep instants as milliseconds since 1970 (sessions, sign-in addresses)
  if (typeof v === 'number') return v > 1e11 ? h.dateTime(new Date(v)) : String(v);
  const s = text(v);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? h.date(s) : h.dateTime(s) || s;
};
const yesNo = (v: unknown): string => (v ? 'Yes' : 'No');
const capital = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1) : s);

/** JSON stored as text ("{\"score\": 3}"), read back as lines of "Key: value"; anything else as it is. */
function jsonLines(v: unknown): string[] {
  const s = text(v);
  if (!s) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return [s];
  }
  const lines: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || value === undefined || value === '') return;
    if (Array.isArray(value)) value.forEach((x, i) => walk(x, `${path} ${i + 1}`.trim()));
    else if (typeof value === 'object')
      for (const [k, x] of Object.entries(value)) walk(x, `${path} ${k.replace(/[-_]/g, ' ')}`.trim());
    else {
      const shown = typeof value === 'boolean' ? yesNo(value) : String(value);
      lines.push(path ? `${capital(path)}: ${shown}` : shown);
    }
  };
  walk(parsed, '');
  return lines;
}

const moduleTitle = (id: unknown, pack: Pack | undefined) => pack?.modules.get(text(id))?.title ?? text(id);
const outcome = (id: unknown, pack: Pack | undefined) => {
  const o = pack?.outcomes.get(text(id));
  return o ? `${o.id}: ${o.text}` : text(id);
};

/** The plain heading and reading of every stored column; a column not named here is not shown (the JSON has it). */
const COLUMNS: Record<string, Column> = {
  cohort_name: { label: 'Cohort', show: (r) => text(r.cohort_name) },
  added_at: { label: 'Joined', show: (r) => when(r.added_at) },
  module_id: { label: 'Module', show: (r, p) => moduleTitle(r.module_id, p) },
  outcome_id: { label: 'Learning outcome', show: (r, p) => outcome(r.outcome_id, p) },
  prompt_id: {
    label: 'Question',
    show: (r, p) =>
      p?.modules.get(text(r.module_id))?.prompts.find((x) => x.id === r.prompt_id)?.question ??
      text(r.prompt_id),
  },
  status: { label: 'Status', show: (r) => h.statusLabel(text(r.status)) },
  evidence: { label: 'Evidence', show: (r) => text(r.evidence) },
  text: { label: 'Text', show: (r) => text(r.text) },
  data: {
    label: 'Answers',
    show: (r, p) => {
      let values: FormValues;
      try {
        values = JSON.parse(text(r.data)) as FormValues;
      } catch {
        return text(r.data);
      }
      return readableForm(p?.modules.get(text(r.module_id))?.form, values).flatMap((s) =>
        s.rows.map((row) => `${s.title}: ${row.label}: ${row.lines.join('; ')}`),
      );
    },
  },
  shared: { label: 'Shared with the cohort', show: (r) => yesNo(r.shared) },
  due_on: { label: 'Due by', show: (r) => when(r.due_on) },
  done: { label: 'Done', show: (r) => yesNo(r.done) },
  started_at: { label: 'Started', show: (r) => when(r.started_at) },
  completed_at: { label: 'Completed', show: (r) => when(r.completed_at) },
  at: { label: 'When', show: (r) => when(r.at) },
  verb: { label: 'What happened', show: (r) => capital(text(r.verb)) },
  object_type: { label: 'Kind', show: (r) => capital(text(r.object_type).replace(/[-_]/g, ' ')) },
  object_id: {
    label: 'About',
    show: (r, p) => (p?.modules.has(text(r.object_id)) ? moduleTitle(r.object_id, p) : text(r.object_id)),
  },
  result: { label: 'Result', show: (r) => jsonLines(r.result) },
  address: { label: 'Network address', show: (r) => text(r.address) },
  what: { label: 'What happened', show: (r) => capital(text(r.what)) },
  last_seen_at: { label: 'Last used', show: (r) => when(r.last_seen_at) },
  expires_at: { label: 'Expires', show: (r) => when(r.expires_at) },
  revoked_at: { label: 'Revoked', show: (r) => when(r.revoked_at) },
  used_at: { label: 'Used', show: (r) => when(r.used_at) },
  actor_email: { label: 'By', show: (r) => text(r.actor_email) },
  action: { label: 'Action', show: (r) => text(r.action) },
  target: { label: 'About', show: (r) => text(r.target).replace(/^user:(\d+)$/, 'Person $1') },
  detail: { label: 'Detail', show: (r) => text(r.detail) },
  ip: { label: 'Network address', show: (r) => text(r.ip) },
  name: { label: 'Name', show: (r) => text(r.name) },
  version: { label: 'Version', show: (r) => text(r.version) },
  created_at: { label: 'Created', show: (r) => when(r.created_at) },
  updated_at: { label: 'Last changed', show: (r) => when(r.updated_at) },
  changed_at: { label: 'Changed', show: (r) => when(r.changed_at) },
};

/** Which columns a section shows, in order, when its rows hold them (ids and internal keys stay in the JSON). */
const ORDER = Object.keys(COLUMNS);
const TEXT_COLUMNS = new Set(['evidence', 'text', 'data', 'result', 'detail']);

export interface ReadableSection {
  key: string;
  title: string;
  count: number;
  columns: { label: string; wide: boolean }[];
  rows: (string | string[])[][];
}

/**
 * The subject-access export as the personal-data page shows it: each section as a table with plain headings, UK
 * dates, statuses in words, module and outcome titles for ids, and stored JSON read out as "Question: answer" lines.
 */
export function readableData(exported: SubjectExport, pack: Pack | undefined, limit = 500) {
  const acct = (exported.record.account ?? {}) as Row;
  const account = [
    ['Name', text(acct.name)],
    ['Email', text(acct.email)],
    [
      'Role',
      ({ admin: 'L&D admin', trainer: 'Trainer', learner: 'Learner' } as Record<string, string>)[
        text(acct.role)
      ] ?? text(acct.role),
    ],
    ['Account created', when(acct.created_at)],
    ['Password last changed', acct.password_changed_at ? when(acct.password_changed_at) : 'Never set'],
    ['Last signed in', acct.last_active_at ? when(acct.last_active_at) : 'Never'],
    ['Disabled', yesNo(acct.disabled)],
    ['Erased', acct.erased_at ? when(acct.erased_at) : 'No'],
  ];
  const sections: ReadableSection[] = RECORD_SECTIONS.map(({ key, title }) => {
    const rows = (exported.record[key] ?? []) as Row[];
    const present = ORDER.filter((c) => rows.some((r) => c in r));
    return {
      key,
      title,
      count: rows.length,
      columns: present.map((c) => ({ label: COLUMNS[c].label, wide: TEXT_COLUMNS.has(c) })),
      rows: rows.slice(0, limit).map((r) => present.map((c) => COLUMNS[c].show(r, pack))),
    };
  });
  return { account, sections, limit };
}
