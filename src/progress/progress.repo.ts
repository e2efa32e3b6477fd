import type { ClaimedStatus, ReviewDecision } from './status';

/** What the learner set: the status every surface shows comes from it by outcomeStatus (./status). */
export type OutcomeStatus = ClaimedStatus;
export type ModuleStatus = 'in_progress' | 'completed';

/** The submission the learner's current claim made, and what a trainer decided on it (`decision` null: waiting). */
export interface CurrentReview {
  id: number;
  decision: ReviewDecision | null;
  decidedById: number | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string;
}

/** A learner's status on one outcome, with the evidence they wrote. */
export interface OutcomeProgress {
  outcomeId: string;
  status: OutcomeStatus;
  evidence: string;
  updatedAt: Date;
  /** Null when the claim never went for review (not yet achieved, or the review history was erased). */
  review: CurrentReview | null;
}

/** One past state of an outcome (newest first when listed). */
export interface OutcomeChange {
  outcomeId: string;
  status: OutcomeStatus;
  evidence: string;
  changedAt: Date;
}

/** A learner's state on one module: some work saved (in progress) or completed; no row when nothing is done. */
export interface ModuleProgress {
  moduleId: string;
  status: ModuleStatus;
  startedAt: Date;
  completedAt: Date | null;
}

/** One cohort member's state on one module the cohort is assigned. */
export interface MemberModuleStatus {
  userId: number;
  moduleId: string;
  status: ModuleStatus;
}

export interface ProgressRepo {
  module(userId: number, moduleId: string): Promise<ModuleProgress | undefined>;
  modules(userId: number): Promise<ModuleProgress[]>;
  /** Marks a module in progress; false when the learner had already opened it. */
  startModule(userId: number, moduleId: string, now: string): Promise<boolean>;
  /** Marks a module completed; false when it already was. */
  completeModule(userId: number, moduleId: string, now: string): Promise<boolean>;
  /** Undoes a completion: back to in progress (work kept) or no row at all (nothing done); false when not completed. */
  uncompleteModule(userId: number, moduleId: string, keepStarted: boolean): Promise<boolean>;
  outcomes(userId: number): Promise<OutcomeProgress[]>;
  /** The outcomes this learner claims achieved, with their submission's decision (no evidence to read). */
  achievedOutcomes(userId: number): Promise<{ outcomeId: string; decision: ReviewDecision | null }[]>;
  /** Only the named outcomes (a module page shows a handful of the 35). */
  /** The learner's status on a module and their progress on some outcomes (its own), in one read. */
  moduleAndOutcomes(
    userId: number,
    moduleId: string,
    outcomeIds: readonly string[],
  ): Promise<{ moduleStatus: ModuleStatus | null; outcomes: OutcomeProgress[] }>;
  outcome(userId: number, outcomeId: string): Promise<OutcomeProgress | undefined>;
  /** Sets an outcome and appends to its history; answers when (ISO date-time), for the event recording it. */
  setOutcome(
    userId: number,
    outcomeId: string,
    status: OutcomeStatus,
    evidence: string,
    now: string,
  ): Promise<string>;
  /** Points the learner's claim at the submission it made (null: none). */
  linkReview(userId: number, outcomeId: string, reviewId: number | null): Promise<void>;
  history(userId: number, outcomeId: string): Promise<OutcomeChange[]>;
  /**
   * Each member's outcome claims as one text, `LI1=achieved:c,LI2=achieved:w,ME2=in_progress` (outcomes not started are
   * absent; an achieved claim carries its submission's decision: `c` confirmed, `r` returned, `w` waiting, none when
   * it never went for review).
   */
  cohortOutcomes(cohortId: number): Promise<Map<number, string>>;
  /** Each member's state on the cohort's assigned modules (modules not opened are absent). */
  cohortModules(cohortId: number): Promise<MemberModuleStatus[]>;
  /** Outcome ids anyone has progress or evidence on (a variant may not delete them). */
  outcomesWithProgress(): Promise<Set<string>>;
}
