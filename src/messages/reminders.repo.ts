/** One assigned module of one learner that a reminder is due for. */
export interface DueItem {
  userId: number;
  email: string;
  name: string;
  cohortId: number;
  variantVersionId: number | null;
  moduleId: string;
  dueOn: string;
  kind: 'due_soon' | 'overdue';
}

/** One trainer's cohort, for the weekly summary. */
export interface DigestCohort {
  trainerId: number;
  trainerEmail: string;
  trainerName: string;
  cohortId: number;
  cohortName: string;
  /** Learners with at least one assigned module past due and not completed. */
  overdue: string[];
  /** Learners who have never signed in. */
  neverSignedIn: string[];
  /** Learners who recorded evidence on an outcome since `since`. */
  newEvidence: string[];
}

/** A learner who took the self-assessment once, long enough ago. */
export interface SelfAssessmentDue {
  userId: number;
  email: string;
  name: string;
  moduleId: string;
  firstAt: string;
}

/** What the reminder job reads: due dates, a trainer's cohorts, self-assessments; and what it has sent. */
export interface RemindersRepo {
  /**
   * Reminders due on `today` and not yet sent: due soon (due from today up to `horizon`) when `horizon` is set, and
   * overdue (due from `overdueFrom` up to yesterday), for learners of active cohorts who have not completed the module.
   */
  due(today: string, horizon: string | null, overdueFrom: string): Promise<DueItem[]>;
  markReminded(item: DueItem, now: number): Promise<void>;
  /** Each trainer's active cohorts: overdue on `today`, never signed in, evidence since `since` (ISO time). */
  digest(today: string, since: string): Promise<DigestCohort[]>;
  /** Learners whose only self-assessment attempt of `moduleId` was made before `before`. */
  selfAssessmentsDue(moduleIds: string[], before: string): Promise<SelfAssessmentDue[]>;
}
