import type { FormField, FormGroup, Module, Pack } from '../../content/types';
import { escapeHtml as e } from '../../shared/html';

/**
 * The module's questions and form inside a package, as plain GOV.UK form markup. Every input has a `name` the packaged
 * runtime keys the learner's answers by (`q:PROMPT`, `f:GROUP.FIELD`, `o:OUTCOME:status|evidence`) and nothing posts
 * anywhere: the runtime stores what is typed in the learning system.
 */

/** A required field is marked so the runtime can refuse an incomplete form, as Packway does, before it counts as submitted. */
const req = (f: FormField): string => (f.required ? ' required' : '');

const idOf = (name: string): string => 'pw-' + name.replace(/[^a-zA-Z0-9_-]/g, '-');

function hint(id: string, text: string | undefined): string {
  return text ? `<div class="govuk-hint" id="${id}-hint">${e(text)}</div>` : '';
}

function choices(
  type: 'radio' | 'checkbox',
  name: string,
  options: readonly string[],
  required = false,
): string {
  const kind = type === 'radio' ? 'radios' : 'checkboxes';
  const items = options.map((opt, i) => {
    const id = `${idOf(name)}-${i}`;
    // one required radio makes its whole group required
    const attrs = `id="${id}" name="${e(name)}" type="${type}" value="${e(opt)}"${required && i === 0 ? ' required' : ''}`;
    return (
      `<div class="govuk-${kind}__item"><input class="govuk-${kind}__input" ${attrs}>` +
      `<label class="govuk-label govuk-${kind}__label" for="${id}">${e(opt)}</label></div>`
    );
  });
  return `<div class="govuk-${kind} govuk-${kind}--small">${items.join('')}</div>`;
}

const labelText = (f: FormField): string => `${e(f.label)}${f.required ? '' : ' (optional)'}`;

function fieldset(f: FormField, name: string, inner: string): string {
  const id = idOf(name);
  return (
    `<div class="govuk-form-group"><fieldset class="govuk-fieldset"${f.hint ? ` aria-describedby="${id}-hint"` : ''}>` +
    `<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${labelText(f)}</legend>` +
    `${hint(id, f.hint)}${inner}</fieldset></div>`
  );
}

/** A labelled control of its own: `control` is given the attributes every one of them has. */
function single(f: FormField, name: string, control: (attrs: string) => string): string {
  const id = idOf(name);
  const attrs = `id="${id}" name="${e(name)}"${f.hint ? ` aria-describedby="${id}-hint"` : ''}${req(f)}`;
  const label = `<label class="govuk-label govuk-label--s" for="${id}">${labelText(f)}</label>`;
  return `<div class="govuk-form-group">${label}${hint(id, f.hint)}${control(attrs)}</div>`;
}

function field(g: FormGroup, f: FormField): string {
  const name = `f:${g.id}.${f.id}`;
  switch (f.type) {
    case 'textarea':
      return single(f, name, (attrs) => `<textarea class="govuk-textarea" ${attrs} rows="5"></textarea>`);
    case 'text':
    case 'date':
      return single(f, name, (attrs) => `<input class="govuk-input" ${attrs} type="${f.type}">`);
    case 'select': {
      const options = ['', ...f.options]
        .map((o) => `<option value="${e(o)}">${e(o || 'Choose')}</option>`)
        .join('');
      return single(f, name, (attrs) => `<select class="govuk-select" ${attrs}>${options}</select>`);
    }
    case 'rating': {
      const scale = Array.from({ length: f.max - f.min + 1 }, (_, i) => String(f.min + i));
      return fieldset(f, name, choices('radio', name, scale, f.required));
    }
    case 'radios':
      return fieldset(f, name, choices('radio', name, f.options, f.required));
    case 'checkboxes':
      return fieldset(f, name, choices('checkbox', name, f.options));
    case 'actions': {
      const rows = Array.from({ length: f.count }, (_, i) => {
        const id = `${idOf(name)}-${i}`;
        const input = `<input class="govuk-input" id="${id}" name="${e(name)}.${i}" type="text">`;
        return `<div class="govuk-form-group"><label class="govuk-label" for="${id}">Action ${i + 1}</label>${input}</div>`;
      });
      return fieldset(f, name, rows.join(''));
    }
  }
}

/** The case-study questions, grouped by learning area as on the module page. */
export function promptsHtml(pack: Pack, mod: Module): string {
  const groups = pack.areas
    .map((a) => ({ area: a, prompts: mod.prompts.filter((p) => p.area === a.id) }))
    .filter((g) => g.prompts.length);
  const body = groups.map(({ area, prompts }) => {
    const items = prompts.map((p) => {
      const id = idOf(`q:${p.id}`);
      return (
        `<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="${id}">${e(p.question)}</label>` +
        `<textarea class="govuk-textarea" id="${id}" name="q:${e(p.id)}" rows="5" data-pw-question="${e(p.id)}"></textarea></div>`
      );
    });
    return `<h3 class="govuk-heading-m">${e(area.title)}</h3>${items.join('')}`;
  });
  return (
    `<h2 class="govuk-heading-l" id="your-answers">Questions by learning area</h2>` +
    `<form class="pw-package-work" data-pw-work="prompts" novalidate>${body.join('')}` +
    `<button type="submit" class="govuk-button">Save answers</button></form>`
  );
}

/** The activity's form: one set of answers (the package keeps the latest, where Packway keeps every entry). */
export function formHtml(mod: Module): string {
  if (!mod.form) return '';
  const groups = mod.form.groups.map((g) => {
    const fields = g.fields.map((f) => field(g, f)).join('');
    const desc = g.description ? `<p class="govuk-body">${e(g.description)}</p>` : '';
    return `<h3 class="govuk-heading-m">${e(g.title)}</h3>${desc}${fields}`;
  });
  return (
    `<h2 class="govuk-heading-l" id="form">Your answers</h2>` +
    `<form class="pw-package-work" data-pw-work="form" novalidate>${groups.join('')}` +
    `<button type="submit" class="govuk-button">Submit the form</button></form>`
  );
}

/** The module's outcomes, each with the learner's status and evidence, reported to the learning system as objectives. */
export function outcomesHtml(pack: Pack, mod: Module): string {
  if (!mod.outcomes.length) return '';
  const items = mod.outcomes.map((id) => {
    const o = pack.outcomes.get(id);
    const name = `o:${id}`;
    const status = [
      ['not_started', 'Not started'],
      ['in_progress', 'In progress'],
      ['achieved', 'Achieved'],
    ].map(([value, label]) => {
      const rid = `${idOf(name)}-${value}`;
      const input = `<input class="govuk-radios__input" id="${rid}" name="${e(name)}:status" type="radio" value="${value}">`;
      return `<div class="govuk-radios__item">${input}<label class="govuk-label govuk-radios__label" for="${rid}">${label}</label></div>`;
    });
    const standard = o?.standard ? `<div class="govuk-hint">Standard: ${e(o.standard)}</div>` : '';
    const evidence = `${idOf(name)}-evidence`;
    return (
      `<div class="pw-outcome" data-pw-outcome="${e(id)}">` +
      `<h3 class="govuk-heading-s"><span class="pw-outcome-id">${e(id)}</span> ${e(o?.text ?? id)}</h3>${standard}` +
      `<div class="govuk-form-group"><fieldset class="govuk-fieldset">` +
      `<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Where are you with ${e(id)}?</legend>` +
      `<div class="govuk-radios govuk-radios--small govuk-radios--inline">${status.join('')}</div></fieldset>` +
      `<p class="govuk-body-s pw-meta" data-pw-earlier="${e(id)}" hidden></p></div>` +
      `<div class="govuk-form-group"><label class="govuk-label" for="${evidence}">Evidence for ${e(id)}</label>` +
      `<textarea class="govuk-textarea" id="${evidence}" name="${e(name)}:evidence" rows="3"></textarea></div></div>`
    );
  });
  return (
    `<h2 class="govuk-heading-l" id="outcomes">Learning outcomes</h2>` +
    `<p class="govuk-body">Record where you are with each outcome this module helps you evidence.</p>` +
    `<form class="pw-package-work" data-pw-work="outcomes" novalidate>${items.join('')}` +
    `<button type="submit" class="govuk-button govuk-button--secondary">Save outcomes</button></form>`
  );
}
