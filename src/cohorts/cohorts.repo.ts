import type { Role } from '../shared/actor';

/** A group of learners run by one or more trainers, optionally pinned to a variant version of the pack. */
export interface Cohort {
  id: number;
  name: string;
  description: string;
  /** The pinned variant version, or null for the built-in pack. */
  variantVersionId: number | null;
  createdBy: number | null;
  createdAt: Date;
  /** When it was archived (hidden from the default list), or null. */
  archivedAt: Date | null;
}

/** A cohort in a list, with its head counts. */
export interface CohortSummary extends Cohort {
  members: number;
  assignments: number;
}

/** A trainer of a cohort. */
export interface CohortPerson {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

/** A learner in a cohort, and since when. */
export interface CohortMember extends CohortPerson {
  addedAt: Date;
  /** When they last signed in, or null if they never have. */
  lastSignedInAt: Date | null;
}

/** Something taken out of a cohort, kept so it can be put back. */
export type RemovalPayload =
  | { kind: 'member'; userId: number; addedAt: string }
  | { kind: 'trainer'; userId: number }
  | { kind: 'assignment'; moduleId: string; dueOn: string };

export interface Removal {
  id: number;
  cohortId: number;
  payload: RemovalPayload;
  removedAt: Date;
}

/** A module assigned to a cohort; `dueOn` is a day, `YYYY-MM-DD`. */
export interface Assignment {
  id: number;
  cohortId: number;
  moduleId: string;
  dueOn: string;
  createdAt: Date;
}

/** A module assigned to a learner through one of their cohorts, with how far they are in it. */
export interface AssignmentForLearner {
  moduleId: string;
  dueOn: string;
  cohortId: number;
  progress: 'in_progress' | 'completed' | null;
}

export interface CohortsRepo {
  create(
    name: string,
    description: string,
    variantVersionId: number | null,
    createdBy: number,
    createdAt: string,
  ): Promise<number>;
  update(id: number, name: string, description: string): Promise<void>;
  setVariant(id: number, versionId: number | null): Promise<void>;
  get(id: number): Promise<Cohort | undefined>;
  /** Active cohorts, or with `archived` the archived ones. */
  listAll(archived?: boolean): Promise<CohortSummary[]>;
  listForTrainer(userId: number, archived?: boolean): Promise<CohortSummary[]>;
  /** Archives (a date) or restores (null) a cohort. */
  setArchived(id: number, at: string | null): Promise<void>;
  isTrainer(cohortId: number, userId: number): Promise<boolean>;
  isMember(cohortId: number, userId: number): Promise<boolean>;
  /** When the learner joined the cohort, if they are in it. */
  memberSince(cohortId: number, userId: number): Promise<Date | undefined>;
  addTrainer(cohortId: number, userId: number): Promise<void>;
  removeTrainer(cohortId: number, userId: number): Promise<void>;
  trainers(cohortId: number): Promise<CohortPerson[]>;
  /** False when they were already a member; `addedAt` is now, or an earlier joining date restored (undo). */
  addMember(cohortId: number, userId: number, addedAt: string): Promise<boolean>;
  /** Learners who could join: enabled, not yet members, matching `q` (name or email) when given. */
  candidates(cohortId: number, q: string, limit: number): Promise<CohortPerson[]>;
  /** False when they were not a member. */
  removeMember(cohortId: number, userId: number): Promise<boolean>;
  members(cohortId: number): Promise<CohortMember[]>;
  assignments(cohortId: number): Promise<Assignment[]>;
  assignment(cohortId: number, id: number): Promise<Assignment | undefined>;
  /** Assigns a module (or moves its due date if already assigned) and answers the assignment's id. */
  upsertAssignment(cohortId: number, moduleId: string, dueOn: string, now: string): Promise<number>;
  updateAssignment(cohortId: number, id: number, dueOn: string): Promise<boolean>;
  deleteAssignment(cohortId: number, id: number): Promise<boolean>;
  /** Moves every due date of the cohort by `days`; answers how many moved. */
  shiftAssignments(cohortId: number, days: number): Promise<number>;
  recordRemoval(cohortId: number, payload: RemovalPayload, removedBy: number, at: string): Promise<number>;
  /** Removals not yet undone, since an ISO date-time, newest first. */
  removals(cohortId: number, since: string): Promise<Removal[]>;
  removal(cohortId: number, id: number): Promise<(Removal & { undone: boolean }) | undefined>;
  markUndone(id: number, at: string): Promise<void>;
  /** Every module assigned to the learner through any cohort, by due date. */
  learnerAssignments(userId: number): Promise<AssignmentForLearner[]>;
  /** The learner's cohorts, latest joined first. */
  learnerCohorts(userId: number): Promise<Cohort[]>;
  /**
   * The variant version of the learner's latest cohort (null: the built-in pack). Read from the database on every
   * call, never cached: other instances sharing the database may change memberships and pins.
   */
  latestVersionForLearner(userId: number): Promise<number | null>;
}
