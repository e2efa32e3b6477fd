import type { ReviewDecision } from '../progress/status';

/** One submission of evidence for review, and the decision on it once made. */
export interface Submission {
  id: number;
  learnerId: number;
  outcomeId: string;
  /** The evidence as submitted (the learner may change it later: that is a new submission). */
  evidence: string;
  /** What the learner said when resubmitting (their answer to the feedback), possibly empty. */
  note: string;
  submittedAt: Date;
  decision: ReviewDecision | null;
  decidedById: number | null;
  /** The reviewer's name when they decided (kept after their account is gone). */
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string;
}

/** A submission with its learner, and whether it is still the one their claim stands on (else it is superseded). */
export interface SubmissionWithLearner extends Submission {
  learnerName: string;
  learnerEmail: string;
  /** Their account is disabled (they are sent nothing). */
  learnerDisabled: boolean;
  /** The learner still claims the outcome achieved on this submission. */
  current: boolean;
}

export interface NewDecision {
  decision: ReviewDecision;
  deciderId: number;
  deciderName: string;
  comment: string;
}

/** Submissions of evidence and trainers' decisions on them: the review history. */
export interface ReviewsRepo {
  /** Records a submission and answers its id. */
  submit(learnerId: number, outcomeId: string, evidence: string, note: string, now: string): Promise<number>;
  get(id: number): Promise<SubmissionWithLearner | undefined>;
  /** Records the decision; false when the submission was already decided (the caller answers 409). */
  decide(id: number, d: NewDecision, now: string): Promise<boolean>;
  /** The cohort members' current submissions still waiting, oldest first. */
  waitingInCohort(cohortId: number): Promise<SubmissionWithLearner[]>;
  /** Every submission of a learner (one outcome's when given), newest first. */
  forLearner(learnerId: number, outcomeId?: string): Promise<Submission[]>;
}
