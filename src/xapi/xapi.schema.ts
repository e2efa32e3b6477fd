import { z } from 'zod';
import { isoDayOf } from '../shared/dates';

/** `GET /api/v1/events`: which statements, from where, how many. */
export const eventsQuerySchema = z.object({
  since: z
    .string()
    .datetime({ offset: true, message: 'since must be an ISO 8601 date-time' })
    .refine((v) => isoDayOf(v) !== null, 'since must be a real date-time')
    .optional(),
  cohort: z.coerce.number().int().positive().optional(),
  learner: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().min(0).optional().default(0),
  limit: z.coerce.number().int().min(1).max(1000).optional().default(200),
});
export type EventsQuery = z.infer<typeof eventsQuerySchema>;

/** A language map (`{"en-GB": "…"}`). */
const languageMap = z.record(z.string(), z.string());

/** Extensions: IRI (under `PUBLIC_URL/xapi/extensions/`) → value. */
const extensions = z.record(z.string(), z.unknown());

const activityDefinition = z.object({
  name: languageMap,
  description: languageMap.optional(),
  type: z.url(),
});

/** An xAPI Activity; the same id always carries the same `definition.type`. */
export const activitySchema = z.object({
  objectType: z.literal('Activity'),
  id: z.url(),
  definition: activityDefinition,
});
export type Activity = z.infer<typeof activitySchema>;

/** A score: `min <= raw <= max`, and `scaled` = (raw − min) / (max − min) in 0..1. */
const scoreSchema = z.object({
  raw: z.number(),
  min: z.number(),
  max: z.number(),
  scaled: z.number().min(-1).max(1),
});

/**
 * One xAPI 1.0.3 statement as Packway produces it (`GET /api/v1/events` and the LRS forwarder).
 * `version` is deliberately absent (the LRS sets it); `id` is a name-based UUID stable for the event.
 */
export const statementSchema = z.object({
  id: z.uuid(),
  actor: z.object({
    objectType: z.literal('Agent'),
    name: z.string(),
    /** `mailto:` and the email address in lower case. */
    mbox: z.string().regex(/^mailto:[^A-Z]+$/),
  }),
  verb: z.object({ id: z.url(), display: languageMap }),
  object: activitySchema,
  result: z
    .object({
      completion: z.boolean().optional(),
      success: z.boolean().optional(),
      response: z.string().optional(),
      score: scoreSchema.optional(),
      extensions: extensions.optional(),
    })
    .optional(),
  context: z.object({
    /** The learner's enrolment in the cohort (UUID from installation, cohort and learner). */
    registration: z.uuid().optional(),
    platform: z.string(),
    language: z.string(),
    contextActivities: z
      .object({
        /** The prompt's module, or the outcome's learning area; absent when there is no real parent. */
        parent: z.array(activitySchema).optional(),
        /** The pack (its version in the id and name) and the cohort. */
        grouping: z.array(activitySchema).optional(),
      })
      .optional(),
    extensions: extensions.optional(),
  }),
  timestamp: z.iso.datetime({ offset: true }),
});
export type Statement = z.infer<typeof statementSchema>;

/** `GET /api/v1/events`: a page of statements; `more` is `""` on the last page. */
export const statementPageSchema = z.object({
  statements: z.array(statementSchema),
  more: z.string(),
});
