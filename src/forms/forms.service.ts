import type { UnitOfWork } from '../db/ports';
import type { Form, FormField, Module, Pack } from '../content/types';
import type { EventsRepo } from '../events/events.repo';
import type { Actor } from '../shared/actor';
import { isoOf, systemClock, todayOf, type Clock } from '../shared/clock';
import { ukDate } from '../shared/dates';
import { checkDate, requiredMessage, subjectOf, tooLongMessage } from './forms.messages';
import { Forbidden, Invalid, NotFound, type ErrorDetail } from '../shared/errors';
import { ratingChart } from './chart';
import type { FieldValue, FormValues, FormsRepo, NewAction, Submission } from './forms.repo';
import type { SubmissionInput } from './forms.schema';

const TEXT_MAX = 500;
const TEXTAREA_MAX = 10_000;

/** Dates that must not be in the future: a visit report is written after the visit. */
const PAST_ONLY: Record<string, readonly string[]> = { 'raid-report': ['details.visit-date'] };

/** What validation needs beyond the form: today's date and which dates must be today or earlier. */
export interface FormRules {
  today?: string;
  pastOnly?: readonly string[];
}

function checkField(
  f: FormField,
  raw: unknown,
  where: string,
  errors: ErrorDetail[],
  name: (label: string) => string,
  rules: FormRules,
): FieldValue | undefined {
  const fail = (message: string, field = where) => {
    errors.push({ field, message });
    return undefined;
  };
  const str = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
  switch (f.type) {
    case 'text':
    case 'textarea': {
      const max = f.type === 'text' ? TEXT_MAX : TEXTAREA_MAX;
      if (raw !== undefined && typeof raw !== 'string')
        return fail(name(`${subjectOf(f.label)} must be text`));
      if (str.length > max) return fail(name(tooLongMessage(f.label, max)));
      return str || undefined;
    }
    case 'date': {
      const d = checkDate(raw, f.label);
      if (d.kind === 'problem') return fail(name(d.message));
      if (d.kind === 'empty') return undefined;
      if (rules.today && rules.pastOnly?.includes(where) && d.iso > rules.today)
        return fail(name(`${subjectOf(f.label)} must be today or in the past`));
      return d.iso;
    }
    case 'rating': {
      if (!str) return undefined;
      const n = Number(str);
      if (!Number.isInteger(n) || n < f.min || n > f.max)
        return fail(name(`${upperFirst(requiredMessage(f))} from ${f.min} to ${f.max}`));
      return n;
    }
    case 'select':
    case 'radios':
      if (str && !f.options.includes(str)) return fail(name(`${requiredMessage(f)} from the options`));
      return str || undefined;
    case 'checkboxes': {
      const list = raw === undefined || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
      if (!list.every((v) => typeof v === 'string' && f.options.includes(v)))
        return fail(name(`${requiredMessage(f)} from the options`));
      return list.length ? (list as string[]) : undefined;
    }
    case 'actions': {
      const list = raw === undefined ? [] : Array.isArray(raw) ? raw : null;
      if (!list) return fail(name(`${subjectOf(f.label)} must be a list of actions`));
      const actions: { text: string; due: string }[] = [];
      list.slice(0, f.count).forEach((a: unknown, i) => {
        const item = (a ?? {}) as Record<string, unknown>;
        const text = typeof item.text === 'string' ? item.text.trim() : '';
        const due = checkDate(item.due, `Due date for action ${i + 1}`);
        const at = `${where}.${i}`;
        if (text.length > TEXT_MAX) fail(name(tooLongMessage(`Action ${i + 1}`, TEXT_MAX)), `${at}.text`);
        else if (!text && due.kind !== 'empty')
          fail(name(`Enter action ${i + 1}, or remove its due date`), `${at}.text`);
        if (due.kind === 'problem') fail(name(due.message), `${at}.due`);
        else if (text && text.length <= TEXT_MAX)
          actions.push({ text, due: due.kind === 'ok' ? due.iso : '' });
      });
      if (list.length > f.count) fail(name(`Write at most ${f.count} actions`));
      return actions.length ? actions : undefined;
    }
  }
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Validates submitted values against the form declared in front matter; unknown groups and fields are dropped.
 * Problems come one per field, in the order of the page, in plain English; a label used in several groups (the
 * self-assessment's "How far have you made this shift?") names its group too.
 */
export function validateForm(form: Form, values: Record<string, unknown>, rules: FormRules = {}): FormValues {
  const errors: ErrorDetail[] = [];
  const out: FormValues = {};
  const labelCount = new Map<string, number>();
  for (const g of form.groups)
    for (const f of g.fields) labelCount.set(f.label, (labelCount.get(f.label) ?? 0) + 1);
  for (const g of form.groups) {
    const groupIn = (values[g.id] && typeof values[g.id] === 'object' ? values[g.id] : {}) as Record<
      string,
      unknown
    >;
    for (const f of g.fields) {
      const where = `${g.id}.${f.id}`;
      const name = (message: string) =>
        (labelCount.get(f.label) ?? 0) > 1 ? `${message} (${g.title})` : message;
      const before = errors.length;
      const v = checkField(f, groupIn[f.id], where, errors, name, rules);
      if (v !== undefined) (out[g.id] ??= {})[f.id] = v;
      else if (f.required && errors.length === before)
        errors.push({ field: where, message: name(requiredMessage(f)) });
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
  const date = typeof d['visit-date'] === 'string' ? ukDate(d['visit-date']) : '';
  return [host, date].filter(Boolean).join(', ');
}

export function toEntry(s: Submission): FormEntry {
  return { ...s, title: titleOf(s.data) };
}

export function createFormsService(
  uow: UnitOfWork,
  forms: FormsRepo,
  events: EventsRepo,
  clock: Clock = systemClock,
) {
  function formModule(pack: Pack, moduleId: string): Module & { form: Form } {
    const mod = pack.modules.get(moduleId);
    if (!mod) throw new NotFound('No module with that id');
    if (!mod.form) throw new NotFound('This module has no form');
    return mod as Module & { form: Form };
  }

  /** The learner's own entry, or NotFound (someone else's entry is not theirs to see or change). */
  async function ownEntry(actor: Actor, moduleId: string, entryId: number): Promise<Submission> {
    const entry = Number.isInteger(entryId) ? await forms.get(entryId) : undefined;
    if (!entry || entry.userId !== actor.id || entry.moduleId !== moduleId)
      throw new NotFound('No such entry');
    return entry;
  }

  /**
   * Checks the answers: the linked entry first (it is at the top of the page), then each field in page order. A
   * report linked to a plan takes the plan's host and date when they are left blank.
   */
  async function checked(
    actor: Actor,
    mod: Module & { form: Form },
    input: SubmissionInput,
    self?: number,
  ): Promise<FormValues> {
    const { linkedId } = input;
    const linkProblem: ErrorDetail[] = [];
    let values = input.values;
    if (linkedId !== null) {
      const linked = linkedId === self ? undefined : await forms.get(linkedId);
      if (!linked || linked.userId !== actor.id)
        linkProblem.push({ field: 'linkedId', message: 'Select one of your own raid plans, or none' });
      else values = withLinkedDetails(values, linked.data);
    }
    let problems: ErrorDetail[] = [];
    let valid: FormValues = {};
    try {
      valid = validateForm(mod.form, values, { today: todayOf(clock), pastOnly: PAST_ONLY[mod.id] });
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      problems = err.details;
    }
    if (linkProblem.length)
      throw new Invalid([...linkProblem, ...problems.filter((d) => d.field !== 'form')]);
    if (problems.length) throw new Invalid(problems);
    return valid;
  }

  function actionsOf(form: Form, values: FormValues): NewAction[] {
    const actions: NewAction[] = [];
    for (const g of form.groups) {
      for (const f of g.fields) {
        const v = values[g.id]?.[f.id];
        if (f.type === 'actions' && Array.isArray(v)) {
          (v as { text: string; due: string }[]).forEach((a, i) =>
            actions.push({ groupId: g.id, fieldId: f.id, position: i, text: a.text, dueOn: a.due || null }),
          );
        }
      }
    }
    return actions;
  }

  async function recordSubmitted(actor: Actor, mod: Module & { form: Form }, values: FormValues) {
    await events.append(
      {
        userId: actor.id,
        verb: 'submitted',
        objectType: 'form',
        objectId: mod.id,
        moduleId: mod.id,
        result: ratingsResult(mod.form, values),
      },
      isoOf(clock),
    );
  }

  /** Stores a form: a new attempt for a repeatable form, else the learner's one entry updated in place. */
  async function submit(
    actor: Actor,
    pack: Pack,
    moduleId: string,
    input: SubmissionInput,
  ): Promise<FormEntry> {
    if (actor.role !== 'learner') throw new Forbidden('Only learners fill in forms');
    const mod = formModule(pack, moduleId);
    const values = await checked(actor, mod, input);
    const { linkedId } = input;
    const actions = actionsOf(mod.form, values);
    const id = await uow.run(async () => {
      const existing = mod.form.repeatable ? undefined : (await forms.forModule(actor.id, moduleId))[0];
      let subId: number;
      if (existing) {
        await forms.update(existing.id, actor.id, values, linkedId, isoOf(clock));
        subId = existing.id;
      } else subId = await forms.insert(actor.id, moduleId, values, linkedId, isoOf(clock));
      await forms.replaceActions(subId, actor.id, actions);
      await recordSubmitted(actor, mod, values);
      return subId;
    });
    return toEntry((await forms.get(id))!);
  }

  /** Changes one of the learner's own entries (a raid plan or report, an attempt); its actions are written again. */
  async function update(
    actor: Actor,
    pack: Pack,
    moduleId: string,
    entryId: number,
    input: SubmissionInput,
  ): Promise<FormEntry> {
    if (actor.role !== 'learner') throw new Forbidden('Only learners fill in forms');
    const mod = formModule(pack, moduleId);
    const entry = await ownEntry(actor, moduleId, entryId);
    const values = await checked(actor, mod, input, entry.id);
    await uow.run(async () => {
      await forms.update(entry.id, actor.id, values, input.linkedId, isoOf(clock));
      await forms.replaceActions(entry.id, actor.id, actionsOf(mod.form, values));
      await recordSubmitted(actor, mod, values);
    });
    return toEntry((await forms.get(entry.id))!);
  }

  /** Deletes one of the learner's own entries and its actions; a report linked to a deleted plan keeps its answers. */
  async function remove(actor: Actor, moduleId: string, entryId: number): Promise<void> {
    if (actor.role !== 'learner') throw new Forbidden('Only learners fill in forms');
    const entry = await ownEntry(actor, moduleId, entryId);
    await uow.run(() => forms.remove(entry.id, actor.id));
  }

  /** One of the learner's own entries, for its edit and delete pages. */
  async function entry(actor: Actor, pack: Pack, moduleId: string, entryId: number) {
    const mod = formModule(pack, moduleId);
    return { mod, entry: toEntry(await ownEntry(actor, moduleId, entryId)) };
  }

  /**
   * What a new entry starts from: the last attempt's answers for a form with ratings (a second self-assessment
   * starts where the first ended), without its actions (those are listed, and ticked off, on their own); else nothing.
   */
  function startingValues(mod: Module, submissions: Submission[]): FormValues | null {
    const last = submissions[0];
    if (!mod.form?.repeatable || !last) return null;
    if (!mod.form.groups.some((g) => g.fields.some((f) => f.type === 'rating'))) return null;
    const out: FormValues = {};
    for (const g of mod.form.groups)
      for (const f of g.fields) {
        const v = last.data[g.id]?.[f.id];
        if (v !== undefined && f.type !== 'actions') (out[g.id] ??= {})[f.id] = v;
      }
    return out;
  }

  /** A report's plan, for "Write the report" from a plan: its host and date, and its id to link to. */
  async function linkedStart(
    actor: Actor,
    planId: number,
  ): Promise<{ linkedId: number; values: FormValues } | null> {
    const plan = Number.isInteger(planId) ? await forms.get(planId) : undefined;
    if (!plan || plan.userId !== actor.id) return null;
    return { linkedId: plan.id, values: withLinkedDetails({}, plan.data) as FormValues };
  }

  async function forModule(userId: number, moduleId: string): Promise<FormEntry[]> {
    return (await forms.forModule(userId, moduleId)).map(toEntry);
  }

  async function forUser(userId: number): Promise<FormEntry[]> {
    return (await forms.forUser(userId)).map(toEntry);
  }

  async function setActionDone(actor: Actor, actionId: number, done: boolean): Promise<void> {
    const action = await forms.action(actionId);
    if (!action || action.userId !== actor.id) throw new NotFound('No such action');
    await forms.setDone(actionId, actor.id, done);
  }

  /** The change chart of a form's ratings across attempts (the self-assessment), or null for a form without ratings. */
  function chartFor(mod: Module, submissions: Submission[]) {
    return mod.form ? ratingChart(mod.form, submissions) : null;
  }

  /** A learner's submissions to a form module with the chart of their ratings. */
  async function mine(actor: Actor, pack: Pack, moduleId: string) {
    const mod = formModule(pack, moduleId);
    const submissions = await forModule(actor.id, mod.id);
    return { submissions, chart: chartFor(mod, submissions) };
  }

  return {
    submit,
    update,
    remove,
    entry,
    startingValues,
    linkedStart,
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

const isBlank = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && !v.trim()) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every(isBlank));

/** A report linked to a plan takes the plan's host and date where the report leaves them blank. */
function withLinkedDetails(values: Record<string, unknown>, linked: FormValues): Record<string, unknown> {
  const from = linked.details ?? {};
  const into = {
    ...((values.details && typeof values.details === 'object' ? values.details : {}) as object),
  };
  const details = into as Record<string, unknown>;
  for (const key of ['host', 'visit-date'])
    if (isBlank(details[key]) && typeof from[key] === 'string') details[key] = from[key];
  return { ...values, details };
}

function ratingsResult(form: Form, values: FormValues): Record<string, unknown> | null {
  const ratings: Record<string, number> = {};
  for (const g of form.groups)
    for (const f of g.fields)
      if (f.type === 'rating' && typeof values[g.id]?.[f.id] === 'number')
        ratings[g.id] = values[g.id][f.id] as number;
  return Object.keys(ratings).length ? { ratings, completion: true } : { completion: true };
}
