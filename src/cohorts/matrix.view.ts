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

// Cells are the bulk of a 500 × 35 page, so each is a short string made once: a class for the colour,
// a mark for sighted users and the status as visually hidden text for screen readers.
const cell = (cls: string, mark: string, label: string) =>
  `<td class="${cls}">${mark}<span class="pw-vh">${label}</span></td>`;
const CELL: Record<string, string> = {
  achieved: cell('a', '✓', 'Achieved'),
  in_progress: cell('p', '◐', 'In progress'),
  not_started: cell('n', '', 'Not started'),
};
const MODULE_CELL: Record<string, string> = {
  completed: '<td class="a">Completed</td>',
  in_progress: '<td class="p">In progress</td>',
  not_started: '<td class="n">Not started</td>',
  overdue: '<td class="o">Overdue</td>',
};

/**
 * The progress matrix as one table: colour-coded cells (the heat map) that also carry their status as text,
 * so screen readers and the colour-blind read the same data. Built as a string: 500 × 35 cells in a few ms.
 */
export function matrixHtml(data: MatrixData, areas: readonly Area[]): string {
  const out: string[] = [];
  const outcomeCols = areas.flatMap((a) => a.outcomes.map((o) => o.id));
  out.push(
    '<table class="govuk-table pw-matrix" data-module="pw-matrix"><caption class="govuk-table__caption govuk-table__caption--m">Learners by outcome</caption>',
  );
  out.push('<colgroup><col>');
  for (const a of areas) out.push(`<col span="${a.outcomes.length}" class="pw-area-col">`);
  if (data.assignments.length) out.push(`<col span="${data.assignments.length}">`);
  out.push(
    '</colgroup><thead class="govuk-table__head"><tr class="govuk-table__row"><td class="govuk-table__header"></td>',
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
  out.push('</tr><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Learner</th>');
  for (const a of areas) {
    for (const o of a.outcomes)
      out.push(
        `<th scope="col" class="govuk-table__header pw-rot"><abbr title="${esc(o.text)}">${o.id}</abbr></th>`,
      );
  }
  for (const m of data.assignments) {
    out.push(
      `<th scope="col" class="govuk-table__header pw-rot"><abbr title="${esc(m.title)}, due ${m.dueAt}">${esc(shortTitle(m.title))}</abbr></th>`,
    );
  }
  out.push('</tr></thead><tbody class="govuk-table__body">');
  for (const l of data.learners) {
    out.push(
      `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cohorts/${data.cohort.id}/learners/${l.id}">${esc(l.name)}</a></th>`,
    );
    for (const id of outcomeCols) out.push(CELL[l.outcomes[id]] ?? CELL.not_started);
    for (const m of data.assignments) out.push(MODULE_CELL[l.modules[m.moduleId]] ?? MODULE_CELL.not_started);
    out.push('</tr>');
  }
  out.push('</tbody></table>');
  return out.join('');
}

function shortTitle(title: string): string {
  return title.length > 28 ? `${title.slice(0, 26)}…` : title;
}

/** One row per learner, one column per outcome and per assigned module. */
export function progressCsv(data: MatrixData): string {
  const header = [
    'email',
    'name',
    ...data.outcomeIds,
    ...data.assignments.map((a) => `module:${a.moduleId}`),
  ];
  const rows = data.learners.map((l) => [
    l.email,
    l.name,
    ...data.outcomeIds.map((id) => l.outcomes[id] ?? 'not_started'),
    ...data.assignments.map((a) => l.modules[a.moduleId] ?? 'not_started'),
  ]);
  return toCsv([header, ...rows]);
}
