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
});

/** A learner's status on one outcome, with evidence (required for "achieved", checked by the service). */
export type OutcomeUpdate = z.output<typeof outcomeUpdateSchema>;
