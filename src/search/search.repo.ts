import type { Role } from '../shared/actor';

/** Text with the matched words marked. */
export type Segment = { text: string; match: boolean };

export interface PersonHit {
  id: number;
  name: string;
  email: string;
  role: Role;
  /** Name and email with the matched words marked. */
  nameSegments: Segment[];
  emailSegments: Segment[];
  /** For a trainer: a cohort of theirs the person is in (for a link to the learner's record). */
  cohortId: number | null;
}

/** Whose accounts a search may find: everyone (admins) or the learners in a trainer's cohorts. */
export type PeopleScope = { kind: 'everyone' } | { kind: 'trainer'; trainerId: number };

/** Full-text search over people (names and email addresses), kept in step with accounts by the database. */
export interface PeopleSearchRepo {
  /** `terms` are plain words; each must match the start of a word in the name or email. Best matches first. */
  search(terms: string[], scope: PeopleScope, limit: number): Promise<{ hits: PersonHit[]; total: number }>;
}
