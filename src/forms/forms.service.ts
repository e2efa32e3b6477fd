import type { UnitOfWork } from '../db/ports';
import type { Form, FormField, Module, Pack } from '../content/types';
import type { EventsRepo } from '../events/events.repo';
import type { Actor } from '../shared/actor';
import { isRealIsoDay } from '../shared/dates';
import { Forbidden, Invalid, NotFound, type ErrorDetail } from '../shared/errors';
import { ratingChart } from './chart';
import type { FieldValue, FormValues, FormsRepo, NewAction, Submission } from './forms.repo';
import type { SubmissionInput } from './forms.schema';

const TEXT_MAX = 500;
const TEXTAREA_MAX = 10_000;
const isRealDate = isRealIsoDay;

function checkField(
  f: FormField,
  raw: unknown,
  where: string,
  errors: ErrorDetail[],
): FieldValue | undefined {
  const fail = (message: string) => {
    errors.push({ field: where, message });
    return undefined;
  };
  const str = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
  switch (f.type) {
    case 'text':
    case 'textarea': {
      const max = f.type === 'text' ? TEXT_MAX : TEXTAREA_MAX;
      if (raw !== undefined && typeof raw !== 'string') return fail(`${f.label}: must be text`);
      if (str.length > max)
        return fail(`${f.label}: must be ${max.toLocaleString('en-GB')} characters or fewer`);
      return str || undefined;
    }
    case 'date':
      if (str && !isRealDate(str)) return fail(`${f.label}: must be a real date, like 2027-03-27`);
      return str || undefined;
    case 'rating': {
      if (!str) return undefined;
      const n = Number(str);
      if (!Number.isInteger(n) || n < f.min || n > f.max)
        return fail(`${f.label}: choose a number from ${f.min} to ${f.max}`);
      return n;
    }
    case 'select':
    case 'radios':
      if (str && !f.options.includes(str)) return fail(`${f.label}: choose one of the options`);
      return str || undefined;
    case 'checkboxes': {
      const list = raw === undefined || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
      if (!list.every((v) => typeof v === 'string' && f.options.includes(v)))
        return fail(`${f.label}: choose from the options`);
      return list.length ? (list as string[]) : undefined;
    }
    case 'actions': {
      const list = raw === undefined ? [] : Array.isArray(raw) ? raw : null;
      if (!list) return fail(`${f.label}: must be a list of actions`);
      const actions: { text: string; due: string }[] = [];
      list.slice(0, f.count).forEach((a: unknown, i) => {
        const item = (a ?? {}) as Record<string, unknown>;
        const text = typeof item.text === 'string' ? item.text.trim() : '';
        const due = typeof item.due === 'string' ? item.due.trim() : '';
        if (text.length > TEXT_MAX)
          fail(`${f.label}, action ${i + 1}: must be ${TEXT_MAX} characters or fewer`);
        else if (due && !isRealDate(due)) fail(`${f.label}, action ${i + 1}: due date must be a real date`);
        else if (!text && due) fail(`${f.label}, action ${i + 1}: write the action as well as its date`);
        else if (text) actions.push({ text, due });
      });
      if (list.length > f.count) fail(`${f.label}: at most ${f.count} actions`);
      return actions.length ? actions : undefined;
    }
  }
}

/** Validates submitted values against the form declared in front matter; unknown groups and fields are dropped. */
export function validateForm(form: Form, values: Record<string, unknown>): FormValues {
  const errors: ErrorDetail[] = [];
  const out: FormValues = {};
  for (const g of form.groups) {
    const groupIn = (values[g.id] && typeof values[g.id] === 'object' ? values[g.id] : {}) as Record<
      string,
      unknown
    >;
    for (const f of g.fields) {
      const where = `${g.id}.${f.id}`;
      const before = errors.length;
      const v = checkField(f, groupIn[f.id], where, errors);
      if (v !== undefined) (out[g.id] ??= {})[f.id] = v;
      else if (f.required && errors.length === before)
        errors.push({ field: where, message: `${g.title}: ${f.label} is required` });
    }
  }
  if (errors.length) throw new Invalid(errors);
  if (Object.keys(out).length === 0)
    throw new Invalid([{ field: 'form', message: 'Fill in at least one answer before saving' }]);
  return out;
}

/** A submission with the title it is listed under (a raid's host and date). */
export interface FormEntry extends Submission {
  title: string;
}

function titleOf(data: FormValues): string {
  const d = data.details ?? {};
  const host = typeof d.host === 'string' ? d.host : '';
  const date = typeof d['visit-date'] === 'string' ? d['visit-date'] : '';
  return [host, date].filter(Boolean).join(', ');
}

export function toEntry(s: Submission): FormEntry {
  return { ...s, title: titleOf(s.data) };
}

export function createFormsService(uow: UnitOfWork, forms: FormsRepo, events: EventsRepo) {
  function formModule(pack: Pack, moduleId: string): Module & { form: Form } {
    const mod = pack.modules.get(moduleId);
    if (!mod) throw new NotFound('No module with that id');
    if (!mod.form) throw new NotFound('This module has no form');
    return mod as Module & { form: Form };
  }

  /** Stores a form: a new attempt for a repeatable form, else the learner's one entry updated in place. */
  function submit(actor: Actor, pack: Pack, moduleId: string, input: SubmissionInput): FormEntry {
    if (actor.role !== 'learner') throw new Forbidden('Only learners fill in forms');
    const mod = formModule(pack, moduleId);
    const values = validateForm(mod.form, input.values);
    const { linkedId } = input;
    if (linkedId !== null) {
      const linked = forms.get(linkedId);
      if (!linked || linked.userId !== actor.id)
        throw new Invalid([{ field: 'linkedId', message: 'Choose one of your own entries' }]);
    }
    const actions: NewAction[] = [];
    for (const g of mod.form.groups) {
      for (const f of g.fields) {
        const v = values[g.id]?.[f.id];
        if (f.type === 'actions' && Array.isArray(v)) {
          (v as { text: string; due: string }[]).forEach((a, i) =>
            actions.push({ groupId: g.id, fieldId: f.id, position: i, text: a.text, dueOn: a.due || null }),
          );
        }
      }
    }
    const id = uow.run(() => {
      const existing = mod.form.repeatable ? undefined : forms.forModule(actor.id, moduleId)[0];
      const subId = existing
        ? (forms.update(existing.id, actor.id, values, linkedId), existing.id)
        : forms.insert(actor.id, moduleId, values, linkedId);
      forms.replaceActions(subId, actor.id, actions);
      events.append({
        userId: actor.id,
        verb: 'submitted',
        objectType: 'form',
        objectId: moduleId,
        moduleId,
        result: ratingsResult(mod.form, values),
      });
      return subId;
    });
    return toEntry(forms.get(id)!);
  }

  function forModule(userId: number, moduleId: string): FormEntry[] {
    return forms.forModule(userId, moduleId).map(toEntry);
  }

  function forUser(userId: number): FormEntry[] {
    return forms.forUser(userId).map(toEntry);
  }

  function setActionDone(actor: Actor, actionId: number, done: boolean): void {
    const action = forms.action(actionId);
    if (!action || action.userId !== actor.id) throw new NotFound('No such action');
    forms.setDone(actionId, actor.id, done);
  }

  /** The change chart of a form's ratings across attempts (the self-assessment), or null for a form without ratings. */
  function chartFor(mod: Module, submissions: Submission[]) {
    return mod.form ? ratingChart(mod.form, submissions) : null;
  }

  /** A learner's submissions to a form module with the chart of their ratings. */
  function mine(actor: Actor, pack: Pack, moduleId: string) {
    const mod = formModule(pack, moduleId);
    const submissions = forModule(actor.id, mod.id);
    return { submissions, chart: chartFor(mod, submissions) };
  }

  return {
    submit,
    forModule,
    forUser,
    mine,
    setActionDone,
    formModule,
    chartFor,
    actionsForUser: forms.actionsForUser,
    inCohort: forms.inCohort,
  };
}
export type FormsService = ReturnType<typeof createFormsService>;

function ratingsResult(form: Form, values: FormValues): Record<string, unknown> | null {
  const ratings: Record<string, number> = {};
  for (const g of form.groups)
    for (const f of g.fields)
      if (f.type === 'rating' && typeof values[g.id]?.[f.id] === 'number')
        ratings[g.id] = values[g.id][f.id] as number;
  return Object.keys(ratings).length ? { ratings, completion: true } : { completion: true };
}
