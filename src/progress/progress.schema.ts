import { z } from 'zod';

export const EVIDENCE_MAX = 5000;

export const outcomeUpdateSchema = z.object({
  status: z.enum(['not_started', 'in_progress', 'achieved'], {
    message: 'Choose a status: not started, in progress or achieved',
  }),
  evidence: z
    .string()
    .max(EVIDENCE_MAX, `Evidence must be ${EVIDENCE_MAX.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .default(''),
  note: z
    .string()
    .max(
      EVIDENCE_MAX,
      `Your answer to the feedback must be ${EVIDENCE_MAX.toLocaleString('en-GB')} characters or fewer`,
    )
    .optional()
    .default('')
    .meta({ description: 'When resubmitting returned evidence: your answer to the trainer’s feedback' }),
});

/** A learner's status on one outcome, with evidence (required for "achieved", checked by the service). */
export type OutcomeUpdate = z.output<typeof outcomeUpdateSchema>;

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

/** Where a learner stands on an outcome (src/progress/status.ts): achieved evidence may wait for a trainer's review. */
export const outcomeStatusJson = z
  .enum(['not_started', 'in_progress', 'awaiting_review', 'achieved'])
  .meta({ id: 'OutcomeStatus' });
const outcomeStatus = outcomeStatusJson;
/** Who confirmed an outcome, or returned it with feedback, and when. */
const decidedJson = z.object({ by: z.string(), at: z.iso.datetime(), comment: z.string() });

/** `GET /api/v1/me/assignments`: each assigned module with its due day and status. */
export const learnerAssignmentsJsonSchema = z
  .object({
    assignments: z.array(
      z.object({
        moduleId: z.string(),
        title: z.string(),
        kind: z.string(),
        dueAt: z.iso.date(),
        status: z.enum(['not_started', 'in_progress', 'completed', 'overdue']),
        cohortId: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'LearnerAssignments' });

/** One learning area with the learner's status on each of its outcomes. */
export const areaProgressJsonSchema = z
  .object({
    id: z.string(),
    short: z.string(),
    title: z.string(),
    moduleId: z.string(),
    outcomes: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        status: outcomeStatus,
        evidence: z.string(),
        updatedAt: z.iso.datetime().nullable(),
        confirmed: decidedJson.nullable().meta({ description: 'Who confirmed the evidence and when' }),
        returned: decidedJson
          .nullable()
          .meta({ description: 'The feedback on evidence returned and not yet resubmitted' }),
      }),
    ),
    achieved: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'AreaProgress' });

/** `GET /api/v1/me/progress`. */
export const learnerProgressJsonSchema = z
  .object({ areas: z.array(areaProgressJsonSchema) })
  .meta({ id: 'LearnerProgress' });

/** `POST /api/v1/me/modules/:id/complete`. */
export const moduleCompletedJsonSchema = z
  .object({ moduleId: z.string(), status: z.literal('completed') })
  .meta({ id: 'ModuleCompleted' });

/** `PUT /api/v1/me/outcomes/:outcomeId`: the outcome as saved. */
export const outcomeSavedJsonSchema = z
  .object({
    outcomeId: z.string(),
    status: outcomeStatus,
    evidence: z.string(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'OutcomeSaved' });
