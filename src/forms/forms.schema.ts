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

/** Turns the flat fields of a page form (`f.group.field`, `f.group.field.0.text`) into nested values. */
export function valuesFromPageBody(body: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, raw] of Object.entries(body)) {
    const parts = key.split('.');
    if (parts[0] !== 'f' || parts.length < 3) continue;
    const [, group, field, index, prop] = parts;
    const g = (out[group] ??= {});
    if (index === undefined) g[field] = raw;
    else {
      const list = (Array.isArray(g[field]) ? g[field] : (g[field] = [])) as Record<string, unknown>[];
      const i = Number(index);
      if (Number.isInteger(i) && i >= 0 && i < 10) (list[i] ??= {})[prop ?? 'text'] = raw;
    }
  }
  return out;
}

/** The page's `linkedId` select: empty is none; anything but a positive whole number names no entry of theirs (-1). */
function linkedIdFrom(raw: unknown): number | null {
  const n = Number(raw);
  return raw === undefined || raw === '' || raw === null ? null : Number.isInteger(n) && n > 0 ? n : -1;
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
