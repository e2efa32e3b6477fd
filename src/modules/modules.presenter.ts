import type { Form, Module, Pack } from '../content/types';
import type { ModuleJson, PackJson } from './modules.schema';

/** The pack and module shapes of the API (`GET /api/v1/pack`, `GET /api/v1/modules/{id}`). */
export function packJson(pack: Pack, versionId: number | null): PackJson {
  return {
    id: pack.id,
    versionId: versionId ?? 'builtin',
    title: pack.title,
    version: pack.version,
    hash: pack.hash,
    sections: pack.sections.map((s) => ({
      id: s.id,
      title: s.title,
      kind: s.kind,
      modules: s.modules.map((m) => ({
        id: m.id,
        title: m.title,
        kind: m.kind,
        summary: m.summary,
        minutes: m.minutes,
        areas: [...m.areas],
      })),
    })),
    areas: pack.areas.map((a) => ({
      id: a.id,
      short: a.short,
      title: a.title,
      moduleId: a.moduleId,
      outcomes: a.outcomes.map((o) => ({ id: o.id, text: o.text, review: o.review })),
    })),
  };
}

/** A module's form as JSON (the compiled form is read-only; the JSON is a copy). */
export function formJson(f: Form): NonNullable<ModuleJson['form']> {
  return {
    repeatable: f.repeatable,
    groups: f.groups.map((g) => ({
      ...g,
      questions: [...g.questions],
      fields: g.fields.map((field) => ({ ...field, options: [...field.options] })),
    })),
  };
}

export function moduleJson(m: Module): ModuleJson {
  return {
    id: m.id,
    title: m.title,
    kind: m.kind,
    section: m.sectionId,
    summary: m.summary,
    minutes: m.minutes,
    areas: [...m.areas],
    outcomes: [...m.outcomes],
    html: m.html,
    ...(m.prompts.length ? { prompts: m.prompts.map((p) => ({ ...p })) } : {}),
    ...(m.slides.length ? { slides: m.slides.map((s) => ({ ...s })) } : {}),
    ...(m.form ? { form: formJson(m.form) } : {}),
    ...(m.sources.length ? { sources: [...m.sources] } : {}),
  };
}

/** The pack page's labels: each learning area's title by id. */
export function areaTitles(pack: Pack): Record<string, string> {
  return Object.fromEntries(pack.areas.map((a) => [a.id, a.title]));
}
