import { escapeForTemplate as e } from '../shared/html';
import { viewHelpers as h } from '../web/view-helpers';

/**
 * The learner's home body (what `views/home/learner.ejs` renders), made here: the template's every value goes through
 * the same escaper and helpers, without EJS's `with` scope. Outside production every render is checked against the
 * template (src/web/render.ts), so a change to one that is not made to the other fails the tests.
 */

interface Assignment {
  moduleId: string;
  title: string;
  kind: string;
  dueAt: string;
  status: string;
}

interface Area {
  moduleId: string;
  title: string;
  achieved: number;
  total: number;
}

interface Action {
  text: string;
  dueOn?: string | null;
  overdue?: boolean;
}

export interface LearnerHomeLocals {
  next?: Assignment;
  after?: Assignment[];
  assignments: Assignment[];
  areas: Area[];
  extra: { actions?: Action[] };
}

export function learnerHomeBody(l: LearnerHomeLocals): string {
  const { next, after, assignments, areas, extra } = l;
  let out = '<h1 class="govuk-heading-xl">Your learning</h1>\n';
  if (next) {
    out +=
      '\n<div class="govuk-inset-text pw-next" id="next-thing">\n  <h2 class="govuk-heading-m">Next thing to do</h2>\n' +
      `  <p class="govuk-body"><a class="govuk-link govuk-!-font-weight-bold" href="/modules/${e(next.moduleId)}">${e(next.title)}</a>, due ${e(h.date(next.dueAt))}\n` +
      `    <strong class="govuk-tag ${e(h.statusTag(next.status))}">${e(h.statusLabel(next.status))}</strong></p>\n  `;
    if (after !== undefined && after.length) {
      out +=
        '\n  <p class="govuk-body-s govuk-!-margin-bottom-1">Then:</p>\n  <ul class="govuk-list govuk-body-s">\n    ';
      for (const a of after)
        out += `<li><a class="govuk-link" href="/modules/${e(a.moduleId)}">${e(a.title)}</a>, due ${e(h.date(a.dueAt))}${a.status === 'overdue' ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''}</li>`;
      out += '\n  </ul>\n  ';
    }
    out += '\n</div>\n';
  } else if (!assignments.length) {
    out +=
      '\n<p class="govuk-body">Nothing has been assigned to you yet. You can <a class="govuk-link" href="/pack">explore the learning pack</a> while you wait.</p>\n';
  } else {
    out +=
      '\n<div class="govuk-panel govuk-panel--confirmation"><h2 class="govuk-panel__title">All assigned work done</h2><div class="govuk-panel__body">Well done. Keep building your evidence on <a class="govuk-link pw-panel-link" href="/progress">your progress page</a>.</div></div>\n';
  }
  out +=
    '\n<div class="govuk-grid-row">\n  <div class="govuk-grid-column-two-thirds">\n    <h2 class="govuk-heading-l">Assigned modules</h2>\n    ';
  if (assignments.length) {
    out +=
      '\n    <table class="govuk-table">\n      <caption class="govuk-table__caption govuk-table__caption--s">In order of due date</caption>\n' +
      '      <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Module</th><th scope="col" class="govuk-table__header">Due</th><th scope="col" class="govuk-table__header">Status</th></tr></thead>\n' +
      '      <tbody class="govuk-table__body">\n      ';
    for (const a of assignments)
      out +=
        '\n        <tr class="govuk-table__row">\n' +
        `          <td class="govuk-table__cell"><a class="govuk-link" href="/modules/${e(a.moduleId)}">${e(a.title)}</a><br><span class="govuk-body-s pw-meta">${e(h.kindLabel(a.kind))}</span></td>\n` +
        `          <td class="govuk-table__cell">${e(h.date(a.dueAt))}</td>\n` +
        `          <td class="govuk-table__cell"><strong class="govuk-tag ${e(h.statusTag(a.status))}">${e(h.statusLabel(a.status))}</strong></td>\n        </tr>\n      `;
    out += '\n      </tbody>\n    </table>\n    ';
  } else out += '<p class="govuk-body">None yet.</p>';
  out +=
    '\n  </div>\n  <div class="govuk-grid-column-one-third">\n    <h2 class="govuk-heading-m">Progress by learning area</h2>\n    <ul class="govuk-list">\n      ';
  for (const a of areas)
    out +=
      '\n      <li class="pw-area-progress">\n' +
      `        <a class="govuk-link govuk-body-s" href="/modules/${e(a.moduleId)}">${e(a.title)}</a>\n` +
      `        <span class="pw-bar" aria-hidden="true"><span class="pw-bar__fill pw-w-${e(Math.round((a.achieved / a.total) * 20) * 5)}"></span></span>\n` +
      `        <span class="govuk-body-s">${e(a.achieved)} of ${e(a.total)} outcomes achieved</span>\n      </li>\n      `;
  out +=
    '\n    </ul>\n    <p class="govuk-body-s"><a class="govuk-link" href="/progress">See all your progress</a></p>\n    ';
  if (extra.actions && extra.actions.length) {
    out +=
      '\n    <h2 class="govuk-heading-m">Your open actions</h2>\n    <ul class="govuk-list govuk-body-s">';
    for (const a of extra.actions)
      out += `<li>${e(a.text)}${e(a.dueOn ? `, by ${h.date(a.dueOn)}` : '')}${a.overdue ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''}</li>`;
    out += '</ul>\n    ';
  }
  return `${out}\n  </div>\n</div>\n`;
}
