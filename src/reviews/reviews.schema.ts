import { z } from 'zod';
import { outcomeStatusJson } from '../progress/progress.schema';
import { COMMENT_MAX } from './reviews.service';

/** A trainer's decision on one submission of evidence (the form's and the API's body). */
export const decisionSchema = z.object({
  decision: z.enum(['confirm', 'return'], { message: 'Choose whether to confirm the evidence or return it' }),
  comment: z
    .string()
    .max(COMMENT_MAX, `Your comment must be ${COMMENT_MAX.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .default('')
    .meta({ description: 'Optional when confirming; the feedback, required, when returning' }),
});

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

const decision = z.enum(['confirmed', 'returned']);

/** One submission of evidence and the decision on it, if made. */
export const reviewJsonSchema = z
  .object({
    id: z.number().int(),
    outcomeId: z.string(),
    evidence: z.string(),
    note: z.string().meta({ description: 'The learner’s answer to earlier feedback, when resubmitting' }),
    submittedAt: z.iso.datetime(),
    decision: decision.nullable().meta({ description: 'Null while the evidence waits for review' }),
    decidedBy: z.string().nullable(),
    decidedAt: z.iso.datetime().nullable(),
    comment: z.string(),
  })
  .meta({ id: 'Review' });

/** `GET /api/v1/cohorts/:id/reviews`: the evidence waiting, oldest first, with the outcome and its standard. */
export const reviewQueueJsonSchema = z
  .object({
    cohort: z.object({ id: z.number().int(), name: z.string() }),
    reviews: z.array(
      reviewJsonSchema.extend({
        learner: z.object({ id: z.number().int(), name: z.string(), email: z.email() }),
        outcome: z.object({
          id: z.string(),
          text: z.string(),
          standard: z.string().nullable(),
          area: z.string(),
        }),
      }),
    ),
  })
  .meta({ id: 'ReviewQueue' });

/** `GET /api/v1/me/outcomes/:outcomeId/reviews`: where I stand, and every submission and decision, newest first. */
export const outcomeReviewsJsonSchema = z
  .object({ outcomeId: z.string(), status: outcomeStatusJson, reviews: z.array(reviewJsonSchema) })
  .meta({ id: 'OutcomeReviews' });
