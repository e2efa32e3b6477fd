import type { z } from 'zod';
import type { OutcomeStatus } from '../progress/status';
import type { Submission } from './reviews.repo';
import type { QueueItem } from './reviews.service';
import type { outcomeReviewsJsonSchema, reviewJsonSchema, reviewQueueJsonSchema } from './reviews.schema';

/** One submission and its decision. */
export function reviewJson(s: Submission): z.infer<typeof reviewJsonSchema> {
  return {
    id: s.id,
    outcomeId: s.outcomeId,
    evidence: s.evidence,
    note: s.note,
    submittedAt: s.submittedAt.toISOString(),
    decision: s.decision,
    decidedBy: s.decidedBy,
    decidedAt: s.decidedAt ? s.decidedAt.toISOString() : null,
    comment: s.comment,
  };
}

/** `GET /api/v1/cohorts/:id/reviews`. */
export function reviewQueueJson(
  cohort: { id: number; name: string },
  items: QueueItem[],
): z.infer<typeof reviewQueueJsonSchema> {
  return {
    cohort,
    reviews: items.map(({ submission: s, outcome, areaTitle }) => ({
      ...reviewJson(s),
      learner: { id: s.learnerId, name: s.learnerName, email: s.learnerEmail },
      outcome: { id: outcome.id, text: outcome.text, standard: outcome.standard, area: areaTitle },
    })),
  };
}

/** `GET /api/v1/me/outcomes/:outcomeId/reviews`. */
export function outcomeReviewsJson(
  outcomeId: string,
  status: OutcomeStatus,
  reviews: Submission[],
): z.infer<typeof outcomeReviewsJsonSchema> {
  return { outcomeId, status, reviews: reviews.map(reviewJson) };
}
