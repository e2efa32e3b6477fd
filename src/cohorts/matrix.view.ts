// The progress matrix is built in code, not by an EJS template, for a measured reason: a cohort's table has a cell per
// learner and outcome, and each learner's row is kept as bytes until something in it changes (rowsFor), so a reload
// during a workshop rebuilds only the rows of learners who recorded something. The benchmark's matrix rows (README)
// are met this way; the rest of the page (views/cohorts/matrix.ejs) is a template like every other.
import { toCsv } from '../shared/csv';
import { longDate, shortDate } from '../shared/dates';
import { escapeHtml } from '../shared/html';
import { HtmlBuilder } from '../web/render';
import type { Area, Pack } from '../content/types';
import type { MatrixLearner } from './matrix.service';

interface MatrixData {
  cohort: { id: number; name: string };
  pack: Pack;
  outcomeIds: string[];
  assignments: { moduleId: string; title: string; dueAt: string }[];
  learners: MatrixLearner[];
  /** Today (London, `YYYY-MM-DD`), for "due" against "was due". */
  today: string;
}

const esc = escapeHtml;

// Cells are the bulk of a 500 × 35 page, so each is a short string made once: a class for the colour,
// a mark for sighted users and the status as visually hidden text for screen readers. A cell with progress is a link
// to its evidence (the learner's href prefix is made once per row).
const LABEL: Record<string, [cls: string, mark: string, label: string]> = {
  achieved: ['a', '✓', 'Achieved'],
  awaiting_review: ['w', '?', 'Awaiting review'],
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
  awaiting_review: linkedCell('awaiting_review'),
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
}

/** One learner's row as sent, what it was made from, and what the table's foot counts from it. */
interface Row {
  /** what the row is made from besides the learner's id (see sameRow): the same inputs, the same bytes */
  name: string;
  lastSignedIn: number | null;
  statuses: string;
  modules: string;
  html: Buffer;
  /** indexes of the outcome columns achieved, and of the module columns completed */
  achievedCols: number[];
  completedCols: number[];
}

/**
 * Rows already built, per pack, per table (cohort, outcome columns and assigned modules), per learner: a row changes
 * only when its learner's name, last sign-in or statuses do, so a trainer reloading the matrix
 * during a workshop rebuilds only the rows of learners who recorded something. Few tables are kept per pack, and a
 * pack no longer in use is collected with its rows.
 */
const rowCache = new WeakMap<object, Map<string, Map<number, Row>>>();
const TABLES_KEPT = 8;

function rowsFor(pack: object, table: string, learners: number): Map<number, Row> {
  let tables = rowCache.get(pack);
  if (!tables) {
    tables = new Map();
    rowCache.set(pack, tables);
  }
  let rows = tables.get(table);
  if (rows) {
    tables.delete(table); // most recently used last
    if (rows.size > 2 * learners + 16) rows.clear(); // learners who left the cohort
  } else {
    rows = new Map();
    if (tables.size >= TABLES_KEPT) tables.delete(tables.keys().next().value!);
  }
  tables.set(table, rows);
  return rows;
}

/**
 * What a learner's row is made from: the statuses as the database gave them (`cells`: outcome id = status, those not
 * started absent) when the learner came from the matrix query, otherwise read from `outcomes` for these columns; and
 * the assigned modules' statuses.
 */
function statusesOf(l: MatrixLearner, outcomeCols: readonly string[]): string {
  if (l.cells !== undefined) return l.cells;
  let statuses = '';
  for (const id of outcomeCols) statuses += `${l.outcomes[id] ?? ''},`;
  return statuses;
}

function modulesOf(l: MatrixLearner, moduleIds: readonly string[]): string {
  let modules = '';
  for (const id of moduleIds) modules += `${l.modules[id] ?? ''},`;
  return modules;
}

/** The header cells of each outcome (same for every cohort on this pack and these columns). */
const outcomeHeads = new WeakMap<object, Map<string, string>>();

function outcomeHeadCells(pack: object, areas: readonly Area[], columns: string): string {
  let forPack = outcomeHeads.get(pack);
  if (!forPack) {
    forPack = new Map();
    outcomeHeads.set(pack, forPack);
  }
  let html = forPack.get(columns);
  if (html === undefined) {
    html = '';
    for (const a of areas) {
      for (const o of a.outcomes)
        html += `<th scope="col" class="govuk-table__header pw-rot"><abbr title="${esc(o.text)}">${o.id}</abbr></th>`;
    }
    if (forPack.size >= TABLES_KEPT) forPack.clear();
    forPack.set(columns, html);
  }
  return html;
}

/**
 * The progress matrix as one table: colour-coded cells (the heat map) that also carry their status as text,
 * so screen readers and the colour-blind read the same data. Each learner's row starts with when they last signed in
 * and their totals; the foot of the table totals each outcome and module. Built as UTF-8 pieces (an HtmlBuilder, which
 * reads as the HTML string in a template): each learner's row is kept encoded until it changes (rowsFor).
 */
export function matrixHtml(
  data: MatrixData,
  areas: readonly Area[],
  options?: MatrixTableOptions,
): HtmlBuilder {
  const learners = options?.learners ?? data.learners;
  const sort = options?.sort ?? 'name';
  const out = new HtmlBuilder();
  const outcomeCols = areas.flatMap((a) => a.outcomes.map((o) => o.id));
  const moduleIds = data.assignments.map((a) => a.moduleId);
  const achievedBy = new Array<number>(outcomeCols.length).fill(0);
  const completedBy = new Array<number>(data.assignments.length).fill(0);
  const lead = 4;
  let head =
    '<table class="govuk-table pw-matrix" data-module="pw-matrix">' +
    '<caption class="govuk-table__caption govuk-table__caption--m">Learners by outcome</caption>' +
    `<colgroup><col><col span="${lead - 1}">`;
  for (const a of areas) head += `<col span="${a.outcomes.length}" class="pw-area-col">`;
  if (data.assignments.length) head += `<col span="${data.assignments.length}">`;
  head +=
    '</colgroup><thead class="govuk-table__head"><tr class="govuk-table__row">' +
    `<td class="govuk-table__header" colspan="${lead}"></td>`;
  for (const a of areas) {
    head += `<th scope="colgroup" colspan="${a.outcomes.length}" class="govuk-table__header pw-area-head">${esc(a.title)}</th>`;
  }
  if (data.assignments.length)
    head += `<th scope="colgroup" colspan="${data.assignments.length}" class="govuk-table__header pw-area-head">Assigned modules</th>`;
  const byName = sort === 'name' ? ' aria-sort="ascending"' : '';
  const byProgress =
    sort === 'progress'
      ? ' aria-sort="descending"'
      : sort === 'least-progress'
        ? ' aria-sort="ascending"'
        : '';
  head +=
    `</tr><tr class="govuk-table__row"><th scope="col" class="govuk-table__header"${byName}>Learner</th>` +
    '<th scope="col" class="govuk-table__header pw-matrix__meta">Last signed in</th>' +
    `<th scope="col" class="govuk-table__header pw-matrix__meta"${byProgress}>Outcomes achieved</th>` +
    '<th scope="col" class="govuk-table__header pw-matrix__meta">Modules completed</th>';
  const columns = outcomeCols.join(',');
  head += outcomeHeadCells(data.pack, areas, columns);
  const on = data.today;
  for (const m of data.assignments) {
    const past = m.dueAt < on;
    head +=
      `<th scope="col" class="govuk-table__header pw-matrix__module">${esc(m.title)}` +
      `<span class="pw-matrix__due${past ? ' pw-matrix__due--past' : ''}">${past ? 'Was due' : 'Due'} ${shortDate(m.dueAt)}</span></th>`;
  }
  head += '</tr></thead><tbody class="govuk-table__body">';
  out.text(head);

  const rows = rowsFor(data.pack, `${data.cohort.id}|${columns}|${moduleIds.join(',')}`, learners.length);
  for (const l of learners) {
    const statuses = statusesOf(l, outcomeCols);
    const modules = modulesOf(l, moduleIds);
    const lastSignedIn = l.lastSignedInAt ? l.lastSignedInAt.getTime() : null;
    let row = rows.get(l.id);
    if (
      !row ||
      row.statuses !== statuses ||
      row.modules !== modules ||
      row.name !== l.name ||
      row.lastSignedIn !== lastSignedIn
    ) {
      row = {
        ...buildRow(data.cohort.id, l, outcomeCols, moduleIds),
        name: l.name,
        lastSignedIn,
        statuses,
        modules,
      };
      rows.set(l.id, row);
    }
    out.bytes(row.html);
    for (const i of row.achievedCols) achievedBy[i]++;
    for (const i of row.completedCols) completedBy[i]++;
  }
  let foot =
    '</tbody><tfoot class="pw-matrix__totals"><tr class="govuk-table__row">' +
    `<th scope="row" class="govuk-table__header" colspan="${lead}">Achieved or completed by (of ${learners.length})</th>`;
  for (const n of achievedBy) foot += `<td>${n}</td>`;
  for (const n of completedBy) foot += `<td>${n}</td>`;
  out.text(`${foot}</tr></tfoot></table>`);
  return out;
}

function buildRow(
  cohortId: number,
  l: MatrixLearner,
  outcomeCols: readonly string[],
  moduleIds: readonly string[],
): Pick<Row, 'html' | 'achievedCols' | 'completedCols'> {
  const base = `/cohorts/${cohortId}/learners/${l.id}`;
  const cells: string[] = [];
  const achievedCols: number[] = [];
  const completedCols: number[] = [];
  for (let i = 0; i < outcomeCols.length; i++) {
    const id = outcomeCols[i];
    const status = l.outcomes[id];
    const linked = LINKED[status];
    if (linked) {
      cells.push(linked[0], base, '/outcomes/', id, linked[1]);
      if (status === 'achieved') achievedCols.push(i);
    } else cells.push(PLAIN_CELL);
  }
  for (let i = 0; i < moduleIds.length; i++) {
    const status = l.modules[moduleIds[i]];
    if (status === 'completed') completedCols.push(i);
    cells.push(MODULE_CELL[status] ?? MODULE_CELL.not_started);
  }
  const totalOutcomes = outcomeCols.length;
  const totalModules = moduleIds.length;
  const html =
    '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">' +
    `<a class="govuk-link" href="${base}">${esc(l.name)}</a></th>` +
    (l.lastSignedInAt
      ? `<td class="pw-matrix__meta">${shortDate(l.lastSignedInAt)}</td>`
      : '<td class="pw-matrix__meta pw-matrix__never">Never</td>') +
    `<td class="pw-matrix__meta">${achievedCols.length} of ${totalOutcomes}</td>` +
    `<td class="pw-matrix__meta">${totalModules ? `${completedCols.length} of ${totalModules}` : '–'}</td>` +
    `${cells.join('')}</tr>`;
  return { html: Buffer.from(html), achievedCols, completedCols };
}

const CSV_STATUS: Record<string, string> = {
  achieved: 'Achieved',
  awaiting_review: 'Awaiting review',
  in_progress: 'In progress',
  not_started: 'Not started',
  completed: 'Completed',
  overdue: 'Overdue',
};
const csvDay = (day: string) => longDate(day) || day;

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
