import { toCsv } from '../shared/csv';
import { escapeHtml } from '../shared/html';
import type { Area, Pack } from '../content/types';
import type { MatrixLearner } from './cohorts.service';

interface MatrixData {
  cohort: { id: number; name: string };
  pack: Pack;
  outcomeIds: string[];
  assignments: { moduleId: string; title: string; dueAt: string }[];
  learners: MatrixLearner[];
}

const esc = escapeHtml;

const SHORT_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'Europe/London',
});
/** A day (`YYYY-MM-DD`) or an instant as `3 Mar 2027`. */
export function shortDate(value: string | Date): string {
  return SHORT_DATE.format(typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : value);
}

// Cells are the bulk of a 500 × 35 page, so each is a short string made once: a class for the colour,
// a mark for sighted users and the status as visually hidden text for screen readers. A cell with progress is a link
// to its evidence (the learner's href prefix is made once per row).
const LABEL: Record<string, [cls: string, mark: string, label: string]> = {
  achieved: ['a', '✓', 'Achieved'],
  in_progress: ['p', '◐', 'In progress'],
  not_started: ['n', '', 'Not started'],
};
const PLAIN_CELL = '<td class="n"><span class="pw-vh">Not started</span></td>';
const linkedCell = (status: string) => {
  const [cls, mark, label] = LABEL[status] ?? LABEL.not_started;
  return [`<td class="${cls}"><a href="`, `">${mark}<span class="pw-vh">${label}</span></a></td>`];
};
const LINKED: Record<string, string[]> = {
  achieved: linkedCell('achieved'),
  in_progress: linkedCell('in_progress'),
};
const MODULE_CELL: Record<string, string> = {
  completed: '<td class="a">Completed</td>',
  in_progress: '<td class="p">In progress</td>',
  not_started: '<td class="n">Not started</td>',
  overdue: '<td class="o">Overdue</td>',
};

export interface MatrixTableOptions {
  /** The learners to show, in order (the cohort's, filtered and sorted). */
  learners: MatrixLearner[];
  sort: 'name' | 'progress' | 'least-progress';
  /** Day of today, `YYYY-MM-DD` (for "due" against "was due"). */
  today: string;
}

/**
 * The progress matrix as one table: colour-coded cells (the heat map) that also carry their status as text,
 * so screen readers and the colour-blind read the same data. Each learner's row starts with when they last signed in
 * and their totals; the foot of the table totals each outcome and module. Built as a string: 500 × 35 cells in a few ms.
 */
export function matrixHtml(data: MatrixData, areas: readonly Area[], options?: MatrixTableOptions): string {
  const learners = options?.learners ?? data.learners;
  const sort = options?.sort ?? 'name';
  const out: string[] = [];
  const outcomeCols = areas.flatMap((a) => a.outcomes.map((o) => o.id));
  const achievedBy = new Array<number>(outcomeCols.length).fill(0);
  const completedBy = new Array<number>(data.assignments.length).fill(0);
  const lead = 4;
  out.push(
    '<table class="govuk-table pw-matrix" data-module="pw-matrix"><caption class="govuk-table__caption govuk-table__caption--m">Learners by outcome</caption>',
  );
  out.push(`<colgroup><col><col span="${lead - 1}">`);
  for (const a of areas) out.push(`<col span="${a.outcomes.length}" class="pw-area-col">`);
  if (data.assignments.length) out.push(`<col span="${data.assignments.length}">`);
  out.push(
    `</colgroup><thead class="govuk-table__head"><tr class="govuk-table__row"><td class="govuk-table__header" colspan="${lead}"></td>`,
  );
  for (const a of areas) {
    out.push(
      `<th scope="colgroup" colspan="${a.outcomes.length}" class="govuk-table__header pw-area-head">${esc(a.title)}</th>`,
    );
  }
  if (data.assignments.length)
    out.push(
      `<th scope="colgroup" colspan="${data.assignments.length}" class="govuk-table__header pw-area-head">Assigned modules</th>`,
    );
  const byName = sort === 'name' ? ' aria-sort="ascending"' : '';
  const byProgress =
    sort === 'progress'
      ? ' aria-sort="descending"'
      : sort === 'least-progress'
        ? ' aria-sort="ascending"'
        : '';
  out.push(
    `</tr><tr class="govuk-table__row"><th scope="col" class="govuk-table__header"${byName}>Learner</th>` +
      '<th scope="col" class="govuk-table__header pw-matrix__meta">Last signed in</th>' +
      `<th scope="col" class="govuk-table__header pw-matrix__meta"${byProgress}>Outcomes achieved</th>` +
      '<th scope="col" class="govuk-table__header pw-matrix__meta">Modules completed</th>',
  );
  for (const a of areas) {
    for (const o of a.outcomes)
      out.push(
        `<th scope="col" class="govuk-table__header pw-rot"><abbr title="${esc(o.text)}">${o.id}</abbr></th>`,
      );
  }
  const on = options?.today ?? new Date().toISOString().slice(0, 10);
  for (const m of data.assignments) {
    out.push(
      `<th scope="col" class="govuk-table__header pw-matrix__module">${esc(m.title)}<span class="pw-matrix__due${m.dueAt < on ? ' pw-matrix__due--past' : ''}">${m.dueAt < on ? 'Was due' : 'Due'} ${shortDate(m.dueAt)}</span></th>`,
    );
  }
  out.push('</tr></thead><tbody class="govuk-table__body">');
  const totalOutcomes = outcomeCols.length;
  const totalModules = data.assignments.length;
  for (const l of learners) {
    const base = `/cohorts/${data.cohort.id}/learners/${l.id}`;
    const cells: string[] = [];
    let achieved = 0;
    for (let i = 0; i < totalOutcomes; i++) {
      const id = outcomeCols[i];
      const status = l.outcomes[id];
      const linked = LINKED[status];
      if (linked) {
        cells.push(linked[0], base, '/outcomes/', id, linked[1]);
        if (status === 'achieved') {
          achieved++;
          achievedBy[i]++;
        }
      } else cells.push(PLAIN_CELL);
    }
    let completed = 0;
    for (let i = 0; i < totalModules; i++) {
      const status = l.modules[data.assignments[i].moduleId];
      if (status === 'completed') {
        completed++;
        completedBy[i]++;
      }
      cells.push(MODULE_CELL[status] ?? MODULE_CELL.not_started);
    }
    out.push(
      `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"><a class="govuk-link" href="${base}">${esc(l.name)}</a></th>`,
      l.lastSignedInAt
        ? `<td class="pw-matrix__meta">${shortDate(l.lastSignedInAt)}</td>`
        : '<td class="pw-matrix__meta pw-matrix__never">Never</td>',
      `<td class="pw-matrix__meta">${achieved} of ${totalOutcomes}</td>`,
      `<td class="pw-matrix__meta">${totalModules ? `${completed} of ${totalModules}` : '–'}</td>`,
      cells.join(''),
      '</tr>',
    );
  }
  out.push('</tbody><tfoot class="pw-matrix__totals"><tr class="govuk-table__row">');
  out.push(
    `<th scope="row" class="govuk-table__header" colspan="${lead}">Achieved or completed by (of ${learners.length})</th>`,
  );
  for (const n of achievedBy) out.push(`<td>${n}</td>`);
  for (const n of completedBy) out.push(`<td>${n}</td>`);
  out.push('</tr></tfoot></table>');
  return out.join('');
}

const CSV_STATUS: Record<string, string> = {
  achieved: 'Achieved',
  in_progress: 'In progress',
  not_started: 'Not started',
  completed: 'Completed',
  overdue: 'Overdue',
};
const CSV_DAY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const csvDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : CSV_DAY.format(d);
};

/**
 * The progress spreadsheet: one row per learner; a column per outcome headed by its text, with the learner's
 * evidence beside it when `evidence` is given (learner id → outcome id → text); a column per assigned module headed
 * by its title and due date. Values read as the page does ("Achieved"); a byte-order mark tells Excel it is UTF-8.
 */
export function progressCsv(
  data: MatrixData,
  evidence?: ReadonlyMap<number, Record<string, string>>,
): string {
  const outcomeHead = (id: string) => {
    const o = data.pack.outcomes.get(id);
    return o ? `${id}: ${o.text}` : id;
  };
  const header = [
    'Name',
    'Email',
    `Outcomes achieved (of ${data.outcomeIds.length})`,
    ...data.outcomeIds.flatMap((id) => (evidence ? [outcomeHead(id), `${id} evidence`] : [outcomeHead(id)])),
    ...data.assignments.map((a) => `${a.title} (due ${csvDay(a.dueAt)})`),
  ];
  const rows = data.learners.map((l) => [
    l.name,
    l.email,
    String(l.achieved),
    ...data.outcomeIds.flatMap((id) => {
      const status = CSV_STATUS[l.outcomes[id] ?? 'not_started'] ?? l.outcomes[id];
      return evidence ? [status, evidence.get(l.id)?.[id] ?? ''] : [status];
    }),
    ...data.assignments.map(
      (a) => CSV_STATUS[l.modules[a.moduleId] ?? 'not_started'] ?? l.modules[a.moduleId],
    ),
  ]);
  return toCsv([header, ...rows], { bom: true });
}
