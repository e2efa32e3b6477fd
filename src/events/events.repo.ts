import type { Db } from '../db/sqlite/open';

export type Verb = 'experienced' | 'completed' | 'progressed' | 'answered' | 'shared' | 'planned' | 'reported' | 'assessed' | 'submitted';

export interface EventInput {
  userId: number;
  verb: Verb;
  objectType: 'module' | 'outcome' | 'prompt' | 'form';
  objectId: string;
  moduleId?: string | null;
  result?: Record<string, unknown> | null;
}

export interface EventRow {
  id: number;
  at: string;
  user_id: number;
  verb: Verb;
  object_type: string;
  object_id: string;
  module_id: string | null;
  result: string | null;
}

/** The append-only learning record. Callers write an event inside the same transaction as the change it records. */
export function createEventsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO events (at, user_id, verb, object_type, object_id, module_id, result)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const page = db.prepare(
    `SELECT e.*, u.email, u.name FROM events e JOIN users u ON u.id = e.user_id
     WHERE e.id > @after AND (@since IS NULL OR e.at >= @since)
       AND (@learner IS NULL OR e.user_id = @learner)
       AND (@cohort IS NULL OR e.user_id IN (SELECT user_id FROM cohort_members WHERE cohort_id = @cohort))
     ORDER BY e.id LIMIT @limit`,
  );
  const forUser = db.prepare('SELECT * FROM events WHERE user_id = ? ORDER BY id');
  const countForUser = db.prepare('SELECT COUNT(*) AS n FROM events WHERE user_id = ?');
  return {
    append(e: EventInput, at = new Date().toISOString()): number {
      return Number(
        insert.run(at, e.userId, e.verb, e.objectType, e.objectId, e.moduleId ?? null, e.result ? JSON.stringify(e.result) : null).lastInsertRowid,
      );
    },
    page(filter: { after: number; since: string | null; learner: number | null; cohort: number | null; limit: number }) {
      return page.all(filter) as (EventRow & { email: string; name: string })[];
    },
    forUser: (userId: number) => forUser.all(userId) as EventRow[],
    countForUser: (userId: number) => (countForUser.get(userId) as { n: number }).n,
  };
}
export type EventsRepo = ReturnType<typeof createEventsRepo>;
