import { z } from 'zod';

/** A form's answers as posted, by group id then field id; the module's form declaration checks them (forms.service). */
export type PostedValues = Record<string, unknown>;

/** What a learner submits: the answers, and the entry this one belongs to (a raid report's plan), if any. */
export interface SubmissionInput {
  values: PostedValues;
  linkedId: number | null;
}

/** `POST /api/v1/me/forms/:moduleId`. */
export const submissionApiSchema = z
  .object({
    values: z.record(z.string(), z.unknown()),
    linkedId: z.number().int().positive().nullable().optional(),
  })
  .transform((b): SubmissionInput => ({ values: b.values, linkedId: b.linkedId ?? null }));

const DATE_PART = new Set(['day', 'month', 'year']);
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
type Bag = Record<string, unknown>;
const bag = (holder: Bag, key: string): Bag =>
  (holder[key] && typeof holder[key] === 'object' && !Array.isArray(holder[key])
    ? holder[key]
    : (holder[key] = {})) as Bag;

/**
 * Turns the flat fields of a page form into nested values: `f.group.field`, a GOV.UK date input's
 * `f.group.field.day|month|year` (kept as parts, so what was typed can be shown again), an action's
 * `f.group.field.0.text` and `f.group.field.0.due.day|month|year`.
 */
export function valuesFromPageBody(body: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, raw] of Object.entries(body)) {
    const parts = key.split('.');
    if (parts[0] !== 'f' || parts.length < 3 || parts.some((p) => UNSAFE.has(p))) continue;
    const [, group, field, index, prop, part] = parts;
    const g = (out[group] ??= {});
    if (index === undefined) g[field] = raw;
    else if (DATE_PART.has(index) && prop === undefined) bag(g, field)[index] = raw;
    else {
      const list = (Array.isArray(g[field]) ? g[field] : (g[field] = [])) as Bag[];
      const i = Number(index);
      if (!Number.isInteger(i) || i < 0 || i >= 10) continue;
      const item = (list[i] ??= {});
      if (part === undefined) item[prop ?? 'text'] = raw;
      else if (prop === 'due' && DATE_PART.has(part)) bag(item, 'due')[part] = raw;
    }
  }
  return out;
}

/** The page's `linkedId` select: empty is none; anything but a positive whole number names no entry of theirs (-1). */
function linkedIdFrom(raw: unknown): number | null {
  const n = Number(raw);
  return raw === undefined || raw === '' || raw === null ? null : Number.isSafeInteger(n) && n > 0 ? n : -1;
}

/** `POST /modules/:id/submissions`: the module page's form. */
export const submissionPageSchema = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((body): SubmissionInput => ({
    values: valuesFromPageBody(body),
    linkedId: linkedIdFrom(body.linkedId),
  }));

/** `POST /actions/:id` (a page button). */
export const actionDonePageSchema = z
  .object({ done: z.enum(['0', '1'], 'Choose done or not done') })
  .transform((b) => ({ done: b.done === '1' }));

/** `PATCH /api/v1/me/actions/:id`. */
export const actionDoneApiSchema = z.object({ done: z.boolean() });

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

/** One field's answer: text, a rating, the boxes ticked, or a list of actions with due days. */
const fieldValueSchema = z.union([
  z.string(),
  z.number(),
  z.array(z.string()),
  z.array(z.object({ text: z.string(), due: z.string() })),
]);

/** A submission as the API has always sent it (its times under `created_at` and `updated_at`). */
export const submissionJsonSchema = z
  .object({
    id: z.number().int(),
    moduleId: z.string(),
    /** Answers by group id, then field id. */
    data: z.record(z.string(), z.record(z.string(), fieldValueSchema)),
    linkedId: z.number().int().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    title: z.string(),
  })
  .meta({ id: 'Submission' });

/** A rating form's numbers across the last attempts (null when the form has no rating or nothing is saved). */
export const ratingChartJsonSchema = z
  .object({
    attempts: z.array(z.object({ label: z.string() })),
    rows: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        values: z.array(z.number().nullable()),
        change: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'RatingChart' });

/** `GET /api/v1/me/forms/:moduleId`: my submissions of the module's form and, for a rating form, the chart. */
export const formHistoryJsonSchema = z
  .object({
    submissions: z.array(submissionJsonSchema),
    chart: ratingChartJsonSchema.nullable(),
  })
  .meta({ id: 'FormHistory' });

/** `GET /api/v1/me/actions`: the actions I planned in forms, with their due days. */
export const actionsJsonSchema = z
  .object({
    actions: z.array(
      z.object({
        id: z.number().int(),
        moduleId: z.string(),
        text: z.string(),
        dueOn: z.iso.date().nullable(),
        done: z.boolean(),
        overdue: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Actions' });

/** `PATCH /api/v1/me/actions/:id`. */
export const actionDoneJsonSchema = z
  .object({ id: z.number().int(), done: z.boolean() })
  .meta({ id: 'ActionDone' });

/** `/modules/:id/entries/new?plan=`: the raid plan a report is written for. */
export const newEntryQuerySchema = z.object({
  plan: z.coerce.number().int().positive().optional().catch(undefined),
});
