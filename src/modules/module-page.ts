import type { Module, Pack } from '../content/types';
import { escapeForTemplate as e, escapeHtml } from '../shared/html';
import { HtmlBuilder } from '../web/render';
import { viewHelpers as h } from '../web/view-helpers';

/**
 * The module page's body (what `views/modules/module.ejs` renders) for a plain GET: everything that is the same for
 * every viewer of a pack version is built once per pack, module and kind of viewer (learner or not) and kept; a request
 * adds only its own values (status tags, saved answers, the completion block, the CSRF token, the `saved` banner),
 * each through the escaper. The output is byte for byte the template's: outside production every render is checked
 * against the template (src/modules/modules.routes.ts), so a change to one that is not made to the other fails the
 * tests. Pages with problems to show (a refused form) still render through the template.
 *
 * The activity form (`work/form`) and a learning area's outcome forms (`progress/outcome-form`) are rendered by their
 * templates, through `partial`.
 */

/** What a request brings to the page (the template's locals, as the route and `modulePage` give them). */
export interface ModulePageLocals {
  pack: Pack;
  mod: Module;
  user: { role: string } | undefined;
  csrfToken: string;
  saved: unknown;
  moduleStatus: string | null;
  completesBy: string | null;
  previous: Module | null;
  next: Module | null;
  outcomes: {
    id: string;
    text: string;
    areaId: string;
    standard: string | null;
    status: string;
    evidence: string;
    updatedAt: unknown;
  }[];
  responses?: ReadonlyMap<string, { text: string; shared: boolean; updatedAt: string | Date }>;
  [key: string]: unknown;
}

/** Renders another view (a partial) with the page's locals plus `extra`, as the template's `include` would. */
export type PartialRenderer = (view: string, extra: Record<string, unknown>) => string;

interface PromptParts<T = Buffer> {
  id: string;
  /** the area heading before this prompt (with the end of the area before it), when it is the first of its area */
  areaHead: T;
  /** up to the answer text (learner) or the whole prompt (anyone else) */
  head: T;
  /** from after the answer text up to the share checkbox's `checked` */
  beforeChecked: T;
  /** from after `checked` up to the saved line's text */
  beforeSaved: T;
  /** the whole prompt for a learner who has not answered it */
  unanswered: T;
}

/** What every viewer of one kind sees of a module, as UTF-8 (encoded once, not on every response). */
interface Parts<T = Buffer> {
  /** up to "About N minutes\n      " */
  top: T;
  /** from "\n    </p>" through the prose, up to the prompts */
  middle: T;
  promptsHead: T;
  prompts: PromptParts<T>[];
  promptsTail: T;
  /** per outcome of the list (not a learning area): before and after the learner's status tag */
  outcomeList: { before: T; after: T }[];
  outcomesHead: T;
  outcomesTail: T;
  sources: T;
  /** from the end of the completion block (or the sources) to the end of the page */
  tail: T;
}

const NOT_ANSWERED_END = 'Not saved yet</p>\n    \n  </div>\n  ';
const ANSWERED_END = '</p>\n    \n  </div>\n  ';

function encoded(t: Parts<string>): Parts {
  const b = (s: string) => Buffer.from(s);
  return {
    top: b(t.top),
    middle: b(t.middle),
    promptsHead: b(t.promptsHead),
    prompts: t.prompts.map((q) => ({
      id: q.id,
      areaHead: b(q.areaHead),
      head: b(q.head),
      beforeChecked: b(q.beforeChecked),
      beforeSaved: b(q.beforeSaved),
      unanswered: b(q.unanswered),
    })),
    promptsTail: b(t.promptsTail),
    outcomeList: t.outcomeList.map((o) => ({ before: b(o.before), after: b(o.after) })),
    outcomesHead: b(t.outcomesHead),
    outcomesTail: b(t.outcomesTail),
    sources: b(t.sources),
    tail: b(t.tail),
  };
}

function savedMessage(saved: unknown): string {
  if (saved === 'completed') return 'You marked this module as complete.';
  if (saved === 'reopened') return 'This module is no longer marked as complete.';
  if (saved === 'form') return 'Your answers have been saved.';
  if (saved === 'deleted') return 'The entry has been deleted.';
  return 'Your changes have been saved.';
}

function buildParts(pack: Pack, mod: Module, learner: boolean, locals: ModulePageLocals): Parts<string> {
  const areaById = new Map(pack.areas.map((a) => [a.id, a]));
  const h2s = mod.headings.filter((x) => x.level === 2);
  const { previous: prevModule, next: nextModule } = locals;

  const top =
    `<div class="govuk-grid-row">\n  <div class="govuk-grid-column-two-thirds">\n    <span class="govuk-caption-l">${e(h.kindLabel(mod.kind))}</span>\n` +
    `    <h1 class="govuk-heading-xl">${e(mod.title)}</h1>\n    <p class="govuk-body-l">${e(mod.summary)}</p>\n` +
    `    <p class="govuk-body-s pw-meta">About ${e(mod.minutes)} minutes\n      `;

  let middle = '\n    </p>\n    ';
  if (mod.areas.length) {
    middle += '\n    <p class="govuk-body-s">Learning areas:\n      ';
    mod.areas.forEach((a, i) => {
      const area = areaById.get(a)!;
      middle += `<a class="govuk-link" href="/modules/${e(area.moduleId)}">${e(area.title)}</a>${e(i < mod.areas.length - 1 ? ', ' : '')}`;
    });
    middle += '\n    </p>\n    ';
  }
  middle += '\n    ';
  if (mod.slides.length) {
    middle +=
      `\n    <p class="govuk-body"><a class="govuk-button" data-module="govuk-button" href="/modules/${e(mod.id)}/slides">Present the ${e(mod.slides.length)} slides</a>\n` +
      `      <a class="govuk-link pw-space-left" href="/modules/${e(mod.id)}/slides?print=1">Print view, one slide a page</a></p>\n` +
      '    <ol class="govuk-list govuk-list--number">\n      ';
    for (const s of mod.slides) middle += `<li>${e(s.title)}</li>`;
    middle += '\n    </ol>\n    ';
  }
  middle += `\n\n    <div class="pw-prose">${mod.html}</div>\n\n    `;

  // work/prompts.ejs
  let promptsHead = '';
  const prompts: PromptParts<string>[] = [];
  let promptsTail = '';
  if (mod.prompts.length) {
    const canAnswer = learner;
    promptsHead = '\n      \n<h2 class="govuk-heading-l" id="your-answers">Questions by learning area</h2>\n';
    if (canAnswer)
      promptsHead +=
        '\n<p class="govuk-body">Write your answers below. They are saved to your record; your trainer can read them. Tick “Share with my cohort” to let the group see an answer in a session.</p>\n' +
        `<form method="post" action="/modules/${e(mod.id)}/responses" novalidate data-autosave-form>\n  <input type="hidden" name="_csrf" value="`;
    const byArea = pack.areas
      .map((a) => ({ area: a, prompts: mod.prompts.filter((p) => p.area === a.id) }))
      .filter((g) => g.prompts.length);
    byArea.forEach(({ area, prompts: inArea }, n) => {
      inArea.forEach((p, i) => {
        const id = `answer-${p.id}`;
        // each area's loop ends with "\n" before the next area's heading
        const areaHead =
          i === 0 ? `${n > 0 ? '\n' : ''}\n  <h3 class="govuk-heading-m">${e(area.title)}</h3>\n  ` : '';
        let head =
          `\n  \n  <div class="govuk-form-group${canAnswer ? ' govuk-character-count' : ''}"${canAnswer ? ' data-module="govuk-character-count" data-maxlength="10000"' : ''}>\n` +
          `    <label class="govuk-label govuk-label--s" for="${e(id)}">${e(p.question)}</label>\n    `;
        if (!canAnswer) {
          head += '\n  </div>\n  ';
          prompts.push({ id: p.id, areaHead, head, beforeChecked: '', beforeSaved: '', unanswered: '' });
          return;
        }
        head +=
          '\n    \n' +
          `    <textarea class="govuk-textarea govuk-js-character-count" id="${e(id)}" name="answer:${e(p.id)}" rows="5"\n` +
          `      data-autosave-url="/api/v1/me/responses/${e(mod.id)}/${e(p.id)}" data-autosave-status="${e(id)}-saved" aria-describedby="${e(id)}-saved ${e(id)}-info">`;
        const beforeChecked =
          '</textarea>\n' +
          `    <div id="${e(id)}-info" class="govuk-hint govuk-character-count__message">You can enter up to 10,000 characters</div>\n` +
          '    <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">\n      <div class="govuk-checkboxes__item">\n' +
          `        <input class="govuk-checkboxes__input" id="share-${e(p.id)}" name="share:${e(p.id)}" type="checkbox" value="1"`;
        const beforeSaved =
          '>\n' +
          `        <label class="govuk-label govuk-checkboxes__label" for="share-${e(p.id)}">Share with my cohort</label>\n      </div>\n    </div>\n` +
          `    <p class="govuk-body-s pw-meta" id="${e(id)}-saved" aria-live="polite">`;
        const unanswered = head + beforeChecked + beforeSaved + NOT_ANSWERED_END;
        prompts.push({ id: p.id, areaHead, head, beforeChecked, beforeSaved, unanswered });
      });
    });
    // the end of the last area's loop, then the end of the areas' loop
    promptsTail = byArea.length ? '\n\n' : '\n';
    if (canAnswer)
      promptsTail +=
        '\n  <button type="submit" class="govuk-button" data-module="govuk-button">Save answers</button>\n</form>\n';
    promptsTail += '\n\n    ';
  }

  // the outcomes of a module that is not a learning area: a list with the learner's status on each
  const outcomeList: Parts<string>['outcomeList'] = [];
  let outcomesHead = '';
  let outcomesTail = '';
  if (mod.kind !== 'learning-area' && mod.outcomes.length) {
    outcomesHead =
      '\n    <h2 class="govuk-heading-m" id="outcomes">Outcomes this module helps you evidence</h2>\n    <ul class="govuk-list">\n      ';
    for (const id of mod.outcomes) {
      const o = pack.outcomes.get(id);
      const text = o?.text ?? id;
      const standard = o?.standard ?? null;
      const area = o ? areaById.get(o.areaId) : undefined;
      const before = `\n      <li><strong>${e(id)}</strong> ${e(text)}${standard ? `<span class="govuk-hint govuk-!-margin-bottom-1">Standard: ${e(standard)}</span>` : ''}`;
      const href = learner
        ? `/progress/outcomes/${id}?back=${encodeURIComponent(`/modules/${mod.id}`)}`
        : `/modules/${area?.moduleId}#outcome-${id}`;
      const after = `\n        ${area ? `<a class="govuk-link govuk-body-s" href="${e(href)}">Record progress<span class="govuk-visually-hidden"> on ${e(id)}</span></a>` : ''}</li>\n      `;
      outcomeList.push({ before, after });
    }
    outcomesTail = '\n    </ul>\n    ';
  }

  let sources = '\n\n    ';
  if (mod.sources.length) {
    sources +=
      '\n    <h2 class="govuk-heading-m">References</h2>\n    <ul class="govuk-list govuk-list--bullet govuk-body-s">';
    for (const s of mod.sources) {
      const ref = h.reference(s);
      sources += `<li>${e(ref.text)}${ref.url ? ` <a class="govuk-link" href="${e(ref.url)}">${e(ref.url)}</a>` : ''}</li>`;
    }
    sources += '</ul>\n    ';
  }
  sources += '\n\n    ';

  let tail = '\n\n    ';
  if (prevModule || nextModule) {
    tail +=
      '\n    <nav class="govuk-pagination govuk-pagination--block" aria-label="Modules in the pack">\n      ';
    if (prevModule) tail += paginationLink('prev', prevModule);
    tail += '\n      ';
    if (nextModule) tail += paginationLink('next', nextModule);
    tail += '\n    </nav>\n    ';
  }
  tail += '\n  </div>\n  <div class="govuk-grid-column-one-third">\n    ';
  if (h2s.length > 1) {
    tail +=
      '\n    <aside class="pw-contents" aria-labelledby="contents-title">\n      <h2 class="govuk-heading-s" id="contents-title">Contents</h2>\n      <ul class="govuk-list govuk-body-s">\n        ';
    for (const x of h2s) tail += `<li><a class="govuk-link" href="#${e(x.anchor)}">${e(x.text)}</a></li>`;
    tail += '\n      </ul>\n    </aside>\n    ';
  }
  tail += '\n  </div>\n</div>\n';

  return {
    top,
    middle,
    promptsHead,
    prompts,
    promptsTail,
    outcomeList,
    outcomesHead,
    outcomesTail,
    sources,
    tail,
  };
}

/**
 * The parts kept for each pack: at most two per module (a learner's view and everyone else's). A pack never changes
 * once compiled, and a pack no longer in use is collected with its parts.
 */
const cache = new WeakMap<Pack, Map<string, Parts>>();

function partsFor(pack: Pack, mod: Module, learner: boolean, locals: ModulePageLocals): Parts {
  let forPack = cache.get(pack);
  if (!forPack) {
    forPack = new Map();
    cache.set(pack, forPack);
  }
  const key = learner ? `L${mod.id}` : `O${mod.id}`;
  let parts = forPack.get(key);
  if (!parts) {
    parts = encoded(buildParts(pack, mod, learner, locals));
    forPack.set(key, parts);
  }
  return parts;
}

/** The module page's body for these locals (a GET with no problems to show), as module.ejs renders it. */
export function moduleBody(locals: ModulePageLocals, partial: PartialRenderer): HtmlBuilder {
  const { pack, mod } = locals;
  const learner = locals.user?.role === 'learner';
  const p = partsFor(pack, mod, learner, locals);
  const csrf = e(locals.csrfToken);
  const out = new HtmlBuilder();
  out.text('\n');
  if (locals.saved) {
    out.text(
      '\n<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="saved-title" data-module="govuk-notification-banner">\n' +
        '  <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="saved-title">Success</h2></div>\n' +
        `  <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${e(savedMessage(locals.saved))}</p></div>\n</div>\n`,
    );
  }
  out.text('\n\n\n');
  out.bytes(p.top);
  const status = locals.moduleStatus;
  if (learner && status)
    out.text(` · <strong class="govuk-tag ${e(h.statusTag(status))}">${e(h.statusLabel(status))}</strong>`);
  out.bytes(p.middle);

  if (mod.prompts.length) {
    out.bytes(p.promptsHead);
    if (learner) out.text(`${csrf}">\n`);
    out.text('\n');
    const responses = locals.responses;
    for (const q of p.prompts) {
      out.bytes(q.areaHead);
      const r = learner ? responses?.get(q.id) : undefined;
      if (!learner) out.bytes(q.head);
      else if (!r) out.bytes(q.unanswered);
      else {
        out.bytes(q.head);
        out.text(escapeHtml(r.text));
        out.bytes(q.beforeChecked);
        if (r.shared) out.text(' checked');
        out.bytes(q.beforeSaved);
        out.text(e(`Saved ${h.dateTime(r.updatedAt)}`) + ANSWERED_END);
      }
    }
    out.bytes(p.promptsTail);
  }
  out.text('\n\n    ');

  if (mod.form) out.text(`\n      ${partial('work/form', { canAnswer: learner })}\n    `);
  out.text('\n\n    ');

  if (mod.kind === 'learning-area') {
    out.text(
      '\n    <h2 class="govuk-heading-l" id="outcomes">Learning outcomes</h2>\n    <p class="govuk-body">Each outcome is something you can show. ' +
        (learner
          ? 'Record where you are and the evidence that shows it. Your trainer sees what you record.'
          : '') +
        '</p>\n    ',
    );
    const returnTo = `/modules/${mod.id}`;
    for (const o of locals.outcomes)
      out.text(`\n      ${partial('progress/outcome-form', { o, returnTo, editable: learner })}\n    `);
    out.text('\n    ');
  } else if (locals.outcomes.length) {
    out.bytes(p.outcomesHead);
    locals.outcomes.forEach((o, i) => {
      out.bytes(p.outcomeList[i].before);
      if (learner)
        out.text(
          ` <strong class="govuk-tag ${e(h.statusTag(o.status))}">${e(h.statusLabel(o.status))}</strong>`,
        );
      out.bytes(p.outcomeList[i].after);
    });
    out.bytes(p.outcomesTail);
  }
  out.bytes(p.sources);

  if (learner) out.text(completion(locals, csrf));
  out.bytes(p.tail);
  return out;
}

/** "Your progress on this module": the learner's status and what completes the module. */
function completion(locals: ModulePageLocals, csrf: string): string {
  const { mod, moduleStatus } = locals;
  const completesBy = locals.completesBy;
  let out =
    '\n    <div class="pw-completion" id="completion">\n      <h2 class="govuk-heading-m">Your progress on this module</h2>\n      ';
  const status = moduleStatus || 'not_started';
  const tag = `<p class="govuk-body"><strong class="govuk-tag ${e(h.statusTag(status))}">${e(h.statusLabel(status))}</strong></p>\n`;
  if (moduleStatus === 'completed') {
    const how =
      completesBy === 'form'
        ? 'You completed this module when you submitted the form.'
        : completesBy === 'prompts'
          ? 'You completed this module by answering every question.'
          : 'You marked this module as complete.';
    out +=
      '\n      <p class="govuk-body"><strong class="govuk-tag govuk-tag--green">Completed</strong></p>\n' +
      `      <p class="govuk-body">${e(how)}</p>\n` +
      `      <form method="post" action="/modules/${e(mod.id)}/incomplete">\n        <input type="hidden" name="_csrf" value="${csrf}">\n` +
      `        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Mark as not complete<span class="govuk-visually-hidden">: ${e(mod.title)}</span></button>\n      </form>\n      `;
  } else if (completesBy === 'form') {
    out += `\n      ${tag}      <p class="govuk-body">This module is complete when you submit the form above.</p>\n      `;
  } else if (completesBy === 'prompts') {
    const responses = locals.responses;
    const answered = mod.prompts.filter((p) => {
      const a = responses?.get(p.id);
      return a && a.text.trim() !== '';
    }).length;
    out +=
      `\n      \n      ${tag}` +
      `      <p class="govuk-body">You have answered ${e(answered)} of ${e(mod.prompts.length)} questions. This module is complete when you have answered every question.</p>\n      `;
  } else {
    out +=
      '\n      <p class="govuk-body">When you have finished reading, mark this module as complete. You can undo this.</p>\n' +
      `      <form method="post" action="/modules/${e(mod.id)}/complete">\n        <input type="hidden" name="_csrf" value="${csrf}">\n` +
      `        <button type="submit" class="govuk-button" data-module="govuk-button">Mark as complete<span class="govuk-visually-hidden">: ${e(mod.title)}</span></button>\n      </form>\n      `;
  }
  return `${out}\n    </div>\n    `;
}

const PAGINATION_ICON = {
  prev: 'm6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z',
  next: 'm8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z',
};

/** The previous or next module link of the GOV.UK pagination block, as the module template writes it. */
function paginationLink(way: 'prev' | 'next', to: { id: string; title: string }): string {
  return (
    `\n      <div class="govuk-pagination__${way}">\n` +
    `        <a class="govuk-link govuk-pagination__link" href="/modules/${e(to.id)}" rel="${way}">\n` +
    `          <svg class="govuk-pagination__icon govuk-pagination__icon--${way}" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="${PAGINATION_ICON[way]}"></path></svg>\n` +
    `          <span class="govuk-pagination__link-title">${way === 'prev' ? 'Previous' : 'Next'}<span class="govuk-visually-hidden"> module</span></span>\n` +
    '          <span class="govuk-visually-hidden">:</span>\n' +
    `          <span class="govuk-pagination__link-label">${e(to.title)}</span>\n        </a>\n      </div>\n      `
  );
}
