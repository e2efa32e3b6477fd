import type { Module, Pack } from '../../content/types';
import { escapeHtml as e } from '../../shared/html';
import { viewHelpers } from '../../web/view-helpers';
import { describeVersion, type ExportMeta } from '../meta';
import { formHtml, outcomesHtml, promptsHtml } from './fields';

export type PackageFormat = 'scorm12' | 'scorm2004' | 'cmi5';

/** How a module is completed, the rule Packway applies (src/pages/pages.service.ts): the form, every question, or marking. */
export type CompletesBy = 'form' | 'prompts' | 'marking';
export function completesByOf(mod: Module): CompletesBy {
  if (mod.form) return 'form';
  return mod.prompts.length ? 'prompts' : 'marking';
}

/** Where a module's page is inside the package; the manifests name the same path. */
export const modulePath = (mod: Module): string => `modules/${mod.id}.html`;

/**
 * A module's compiled HTML made fit for a package: a link to another page of the app (`/modules/…`) becomes its text, as
 * the learning system, not the page, moves between modules (following it inside the SCO's frame would end its session),
 * and a link to another site opens in a new window so the module stays open.
 */
export function packagedBody(html: string): string {
  return html
    .replace(/<a\b[^>]*\bhref="\/[^"]*"[^>]*>([\s\S]*?)<\/a>/g, '<span class="pw-module-ref">$1</span>')
    .replace(/<a href="(https?:)/g, '<a target="_blank" rel="noopener noreferrer" href="$1');
}

const listItems = (texts: readonly string[]): string => texts.map((t) => `<li>${e(t)}</li>`).join('');

function page(opts: {
  title: string;
  meta: ExportMeta;
  root: string;
  body: string;
  data?: string;
  script: boolean;
}): string {
  const script = opts.script ? `\n<script src="${opts.root}assets/package-runtime.js" defer></script>` : '';
  return `<!DOCTYPE html>
<html lang="en-GB" class="govuk-template govuk-template--rebranded">
<head>
<meta charset="utf-8">
<title>${e(opts.title)} – ${e(opts.meta.packTitle)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${opts.root}assets/images/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${opts.root}assets/govuk-frontend.min.css">
<link rel="stylesheet" href="${opts.root}assets/app.css">${script}
</head>
<body class="govuk-template__body"${opts.data ?? ''}>
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="pw-header"><div class="govuk-service-navigation"><div class="govuk-width-container">
<span class="govuk-service-navigation__service-name">${e(describeVersion(opts.meta))}</span>
</div></div></header>
<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
${opts.body}
</main></div>
</body>
</html>
`;
}

const RULE: Record<CompletesBy, string> = {
  form: 'This module is complete when you submit the form above.',
  prompts: 'This module is complete when you have answered every question.',
  marking: 'When you have finished reading, mark this module as complete.',
};

function completionHtml(by: CompletesBy): string {
  const button =
    by === 'marking'
      ? '<button type="button" class="govuk-button" data-pw-mark-complete>Mark as complete</button>'
      : '';
  return `<div class="pw-completion" id="completion">
<h2 class="govuk-heading-m">Your progress on this module</h2>
<p class="govuk-body">${RULE[by]}</p>${button}
<div class="govuk-warning-text" data-pw-trimmed hidden>
<span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"></strong>
</div>
<p class="govuk-body" data-pw-status role="status"></p>
</div>`;
}

/** One module as a page of its own: the pack's rendering of it, its questions, form and outcomes, and its progress. */
export function modulePage(pack: Pack, meta: ExportMeta, mod: Module, format: PackageFormat): string {
  const by = completesByOf(mod);
  const slides = mod.slides.length
    ? `<h2 class="govuk-heading-m">Slides</h2><ol class="govuk-list govuk-list--number">${listItems(mod.slides.map((s) => s.title))}</ol>`
    : '';
  const refs = mod.sources
    .map((s) => {
      const ref = viewHelpers.reference(s);
      const link = ref.url
        ? ` <a class="govuk-link" target="_blank" rel="noopener noreferrer" href="${e(ref.url)}">${e(ref.url)}</a>`
        : '';
      return `<li>${e(ref.text)}${link}</li>`;
    })
    .join('');
  const body = `<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<span class="govuk-caption-l">${e(viewHelpers.kindLabel(mod.kind))}</span>
<h1 class="govuk-heading-xl">${e(mod.title)}</h1>
<p class="govuk-body-l">${e(mod.summary)}</p>
<p class="govuk-body-s pw-meta">About ${mod.minutes} minutes</p>
${slides}
<div class="pw-prose">${packagedBody(mod.html)}</div>
${mod.prompts.length ? promptsHtml(pack, mod) : ''}
${formHtml(mod)}
${outcomesHtml(pack, mod)}
${refs.length ? `<h2 class="govuk-heading-m">References</h2><ul class="govuk-list govuk-list--bullet govuk-body-s">${refs}</ul>` : ''}
${completionHtml(by)}
</div></div>`;
  const data =
    ` data-pw-format="${format}" data-pw-module="${e(mod.id)}" data-pw-completes-by="${by}"` +
    ` data-pw-questions="${mod.prompts.length}" data-pw-outcomes="${e(mod.outcomes.join(' '))}"`;
  return page({ title: mod.title, meta, root: '../', body, data, script: true });
}

/** The contents page: every module of the package by section, for a learning system that shows the package's own start. */
export function contentsPage(
  meta: ExportMeta,
  sections: { title: string; modules: readonly Module[] }[],
): string {
  const list = sections.map(
    (s) =>
      `<h2 class="govuk-heading-m">${e(s.title)}</h2><ul class="govuk-list">` +
      s.modules
        .map(
          (m) =>
            `<li><a class="govuk-link" href="${modulePath(m)}">${e(m.title)}</a>` +
            ` <span class="pw-meta">about ${m.minutes} minutes</span></li>`,
        )
        .join('') +
      '</ul>',
  );
  const body =
    `<h1 class="govuk-heading-xl">${e(meta.packTitle)}</h1>` +
    `<p class="govuk-body">${e(describeVersion(meta))}. Each module is tracked on its own by your learning system: ` +
    'open modules from its course page so your progress is recorded.</p>' +
    list.join('');
  return page({ title: 'Contents', meta, root: '', body, script: false });
}
