export type Verb =
  | 'experienced'
  | 'completed'
  | 'progressed'
  | 'answered'
  | 'shared'
  | 'planned'
  | 'reported'
  | 'assessed'
  | 'submitted';

export type EventObjectType = 'module' | 'outcome' | 'prompt' | 'form';

/** What a service appends: the learner, what they did and to what. */
export interface EventInput {
  userId: number;
  verb: Verb;
  objectType: EventObjectType;
  objectId: string;
  moduleId?: string | null;
  result?: Record<string, unknown> | null;
}

/** One learning event, as stored. */
export interface LearningEvent {
  id: number;
  at: Date;
  userId: number;
  verb: Verb;
  objectType: EventObjectType;
  objectId: string;
  /** The module a prompt, outcome or form belongs to, when known. */
  moduleId: string | null;
  result: Record<string, unknown> | null;
}

/** An event with the learner's name and email address (what an xAPI statement's actor needs). */
export interface LearningEventWithLearner extends LearningEvent {
  email: string;
  name: string;
}

export interface EventPageFilter {
  /** Events after this id (the cursor). */
  after: number;
  /** ISO date-time: events at or after it. */
  since: string | null;
  learner: number | null;
  cohort: number | null;
  limit: number;
}

/** The append-only learning record. Callers write an event inside the same transaction as the change it records. */
export interface EventsRepo {
  /** Appends an event (at now, or at the ISO date-time given) and answers its id. */
  append(e: EventInput, at?: string): number;
  /** Events in id order, filtered; at most `limit`. */
  page(filter: EventPageFilter): LearningEventWithLearner[];
  forUser(userId: number): LearningEvent[];
  countForUser(userId: number): number;
}
