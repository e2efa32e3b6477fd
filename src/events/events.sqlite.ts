import type { Db } from '../db/sqlite/open';
import type {
  EventInput,
  EventObjectType,
  EventPageFilter,
  EventsRepo,
  LearningEvent,
  LearningEventWithLearner,
  Verb,
} from './events.repo';

interface EventRow {
  id: number;
  at: string;
  user_id: number;
  verb: Verb;
  object_type: EventObjectType;
  object_id: string;
  module_id: string | null;
  result: string | null;
}

function toEvent(r: EventRow): LearningEvent {
  return {
    id: r.id,
    at: new Date(r.at),
    userId: r.user_id,
    verb: r.verb,
    objectType: r.object_type,
    objectId: r.object_id,
    moduleId: r.module_id,
    result: r.result ? (JSON.parse(r.result) as Record<string, unknown>) : null,
  };
}

export function createEventsSqliteRepo(db: Db): EventsRepo {
  const insert = db.prepare<[string, number, Verb, EventObjectType, string, string | null, string | null]>(
    // Stamped with the cohort the learner is in now (their latest, whose pinned variant they see) and its version,
    // so a statement names the pack the learner actually had, whatever happens to the cohort later.
    `INSERT INTO events (at, user_id, verb, object_type, object_id, module_id, result, cohort_id, variant_version_id)
     SELECT p.at, p.user_id, p.verb, p.object_type, p.object_id, p.module_id, p.result, c.id, c.variant_version_id
     FROM (SELECT ? AS at, ? AS user_id, ? AS verb, ? AS object_type, ? AS object_id, ? AS module_id, ? AS result) p
     LEFT JOIN cohorts c ON c.id = (
       SELECT m.cohort_id FROM cohort_members m WHERE m.user_id = p.user_id ORDER BY m.added_at DESC, m.cohort_id DESC LIMIT 1
     )`,
  );
  const page = db.prepare<EventPageFilter, EventRow & { email: string; name: string }>(
    `SELECT e.*, u.email, u.name FROM events e JOIN users u ON u.id = e.user_id
     WHERE e.id > @after AND (@since IS NULL OR e.at >= @since)
       AND (@learner IS NULL OR e.user_id = @learner)
       AND (@cohort IS NULL OR e.user_id IN (SELECT user_id FROM cohort_members WHERE cohort_id = @cohort))
     ORDER BY e.id LIMIT @limit`,
  );
  const forUser = db.prepare<[number], EventRow>('SELECT * FROM events WHERE user_id = ? ORDER BY id');
  const countForUser = db.prepare<[number], { n: number }>(
    'SELECT COUNT(*) AS n FROM events WHERE user_id = ?',
  );
  return {
    append(e: EventInput, at = new Date().toISOString()): number {
      const result = e.result ? JSON.stringify(e.result) : null;
      return Number(
        insert.run(at, e.userId, e.verb, e.objectType, e.objectId, e.moduleId ?? null, result)
          .lastInsertRowid,
      );
    },
    page(filter: EventPageFilter): LearningEventWithLearner[] {
      return page.all(filter).map((r) => ({ ...toEvent(r), email: r.email, name: r.name }));
    },
    forUser: (userId: number) => forUser.all(userId).map(toEvent),
    countForUser: (userId: number) => countForUser.get(userId)!.n,
  };
}
