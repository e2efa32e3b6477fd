/** One answer in a form: text, a rating, chosen options, or a list of actions with optional due dates. */
export type FieldValue = string | number | string[] | { text: string; due: string }[];
/** A form's answers by group id, then field id. */
export type FormValues = Record<string, Record<string, FieldValue>>;

/** One filled-in form (an activity declared in front matter): a learner's entry, or one attempt of a repeatable form. */
export interface Submission {
  id: number;
  userId: number;
  moduleId: string;
  data: FormValues;
  /** The entry this one belongs to (a raid report names its plan), if any. */
  linkedId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A submission in a cohort, with the name of the member who wrote it. */
export interface CohortSubmission extends Submission {
  name: string;
}

/** An action a learner wrote in a form, which they tick off later. */
export interface Action {
  id: number;
  submissionId: number;
  userId: number;
  /** The module whose form holds it. */
  moduleId: string;
  groupId: string;
  fieldId: string;
  position: number;
  text: string;
  /** A day, `YYYY-MM-DD`, or none. */
  dueOn: string | null;
  done: boolean;
}

export interface NewAction {
  groupId: string;
  fieldId: string;
  position: number;
  text: string;
  dueOn: string | null;
}

/** Form submissions and the actions written in them. */
export interface FormsRepo {
  /** Stores a new submission and answers its id. */
  /** `now` (ISO 8601) stamps the submission: the service's time. */
  insert(
    userId: number,
    moduleId: string,
    data: FormValues,
    linkedId: number | null,
    now: string,
  ): Promise<number>;
  /** Replaces a submission's answers (only the owner's). */
  update(id: number, userId: number, data: FormValues, linkedId: number | null, now: string): Promise<void>;
  get(id: number): Promise<Submission | undefined>;
  /** Deletes a submission (only the owner's) and its actions; entries linked to it are kept, unlinked. */
  remove(id: number, userId: number): Promise<boolean>;
  /** One person's submissions to one module, newest first. */
  forModule(userId: number, moduleId: string): Promise<Submission[]>;
  /** Every submission of one person, oldest first. */
  forUser(userId: number): Promise<Submission[]>;
  /** A cohort's submissions to one module made since each member joined, newest first. */
  inCohort(cohortId: number, moduleId: string): Promise<CohortSubmission[]>;
  /** Replaces the actions of a submission. */
  replaceActions(submissionId: number, userId: number, actions: NewAction[]): Promise<void>;
  /** One person's actions: open first, then by due date. */
  actionsForUser(userId: number): Promise<Action[]>;
  /** Marks an action done or not; false when it is not this person's. */
  setDone(id: number, userId: number, done: boolean): Promise<boolean>;
  action(id: number): Promise<Action | undefined>;
}
