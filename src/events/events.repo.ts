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

export interface ForwardCursor {
  tx: number;
  id: number;
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
  /** `at` (ISO 8601) is when it happened: the service's time, the same as the change it records. */
  append(e: EventInput, at: string): Promise<number>;
  /** Events in id order, filtered; at most `limit`. */
  page(filter: EventPageFilter): Promise<LearningEventWithLearner[]>;
  /**
   * The next events to forward after the cursor (`tx`, `id`), in commit order: only events whose transaction has
   * committed and can no longer be overtaken by one still running. `tx` is 0 where the engine commits in id order.
   */
  forwardable(after: ForwardCursor, limit: number): Promise<(LearningEventWithLearner & { tx: number })[]>;
  forUser(userId: number): Promise<LearningEvent[]>;
  countForUser(userId: number): Promise<number>;
}
