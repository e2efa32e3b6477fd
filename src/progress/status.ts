// The one rating rule: where a learner stands on an outcome, worked out from what they claimed and what their trainer
// decided. The learner's page, the cohort's matrix (HTML and CSV), the API and the xAPI statements all call
// outcomeStatus, so they cannot disagree. Pure: no database, no clock.
import type { ReviewRule } from '../content/types';

/** What the learner set (stored in outcome_progress.status). */
export type ClaimedStatus = 'not_started' | 'in_progress' | 'achieved';

/** Where the learner stands, as every surface shows it. */
export type OutcomeStatus = 'not_started' | 'in_progress' | 'awaiting_review' | 'achieved';

export const OUTCOME_STATUSES: readonly OutcomeStatus[] = [
  'not_started',
  'in_progress',
  'awaiting_review',
  'achieved',
];

/** A trainer's decision on one submission of evidence; `null` while it waits. */
export type ReviewDecision = 'confirmed' | 'returned';

/**
 * An outcome's status from the learner's latest claim and the decision on the submission that claim made (`null`:
 * waiting; `undefined`: no submission recorded, as for claims made before reviews existed).
 * - Not started and in progress are the learner's own word.
 * - Achieved counts at once where the outcome is self-assessed; otherwise only once a trainer confirmed the evidence
 *   submitted with it. A returned submission is in progress again (the learner works on it and resubmits).
 */
export function outcomeStatus(
  claimed: ClaimedStatus,
  decision: ReviewDecision | null | undefined,
  rule: ReviewRule,
): OutcomeStatus {
  if (claimed !== 'achieved') return claimed;
  if (rule === 'self') return 'achieved';
  if (decision === 'confirmed') return 'achieved';
  if (decision === 'returned') return 'in_progress';
  return 'awaiting_review';
}

/** One thing that happened to an outcome: the learner set it, or a trainer decided on what they submitted. */
export type OutcomeHistoryEntry =
  { kind: 'claim'; status: ClaimedStatus; evidence: string } | { kind: 'decision'; decision: ReviewDecision };

/**
 * The status after a history (oldest first), by the same rule: a decision applies to the latest submission of
 * "achieved" evidence; a new claim (new evidence, or a step back) starts again, and saving the same claim again is
 * nothing. Tests and anyone replaying events use it;
 * the services keep the folded state (the claim and its submission's decision) in the database and call outcomeStatus.
 */
export function statusFromHistory(history: readonly OutcomeHistoryEntry[], rule: ReviewRule): OutcomeStatus {
  let claimed: ClaimedStatus = 'not_started';
  let evidence = '';
  let decision: ReviewDecision | null | undefined;
  for (const entry of history) {
    if (entry.kind === 'claim') {
      if (entry.status === claimed && entry.evidence === evidence) continue; // saving the same again changes nothing
      claimed = entry.status;
      evidence = entry.evidence;
      decision = entry.status === 'achieved' ? null : decision;
    } else if (claimed === 'achieved' && decision === null) {
      decision = entry.decision;
      if (entry.decision === 'returned') claimed = 'in_progress';
    }
  }
  return outcomeStatus(claimed, claimed === 'achieved' ? decision : undefined, rule);
}
