import type { Sql } from '../db/ports';
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

/**
 * Stamped with the cohort the learner is in now (their latest, whose pinned variant they see) and its version, so a
 * statement names the pack the learner actually had, whatever happens to the cohort later. One statement: the stamp
 * is read and the row written together. The casts give PostgreSQL the parameters' types (a bare parameter in a
 * select list would be text, and `user_id` is compared and stored as a number).
 */
const INSERT = `INSERT INTO events (at, user_id, verb, object_type, object_id, module_id, result, cohort_id, variant_version_id)
  SELECT p.at, p.user_id, p.verb, p.object_type, p.object_id, p.module_id, p.result, c.id, c.variant_version_id
  FROM (SELECT CAST(? AS TEXT) AS at, CAST(? AS BIGINT) AS user_id, CAST(? AS TEXT) AS verb,
               CAST(? AS TEXT) AS object_type, CAST(? AS TEXT) AS object_id, CAST(? AS TEXT) AS module_id,
               CAST(? AS TEXT) AS result) p
  LEFT JOIN cohorts c ON c.id = (
    SELECT m.cohort_id FROM cohort_members m WHERE m.user_id = p.user_id ORDER BY m.added_at DESC, m.cohort_id DESC LIMIT 1
  )
  RETURNING id`;

/**
 * Filters left null match everything. PostgreSQL types a parameter where it first meets it: a bare `@x IS NULL` ahead
 * of `col = @x` leaves it undetermined ("could not determine data type of parameter"), hence the casts.
 */
const PAGE = `SELECT e.*, u.email, u.name FROM events e JOIN users u ON u.id = e.user_id
  WHERE e.id > @after AND (CAST(@since AS TEXT) IS NULL OR e.at >= @since)
    AND (CAST(@learner AS BIGINT) IS NULL OR e.user_id = @learner)
    AND (CAST(@cohort AS BIGINT) IS NULL
      OR e.user_id IN (SELECT user_id FROM cohort_members WHERE cohort_id = @cohort))
  ORDER BY e.id LIMIT @limit`;

/** See EventsRepo.forwardable: SQLite commits one writer at a time, so id order is commit order there. */
const FORWARDABLE = {
  sqlite: `SELECT e.*, 0 AS tx, u.email, u.name FROM events e JOIN users u ON u.id = e.user_id
    WHERE e.id > @id ORDER BY e.id LIMIT @limit`,
  postgres: `SELECT e.*, u.email, u.name FROM events e JOIN users u ON u.id = e.user_id
    WHERE (e.tx, e.id) > (CAST(@tx AS BIGINT), CAST(@id AS BIGINT))
      AND e.tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ORDER BY e.tx, e.id LIMIT @limit`,
} as const;

export function createEventsRepo(db: Sql): EventsRepo {
  return {
    async append(e: EventInput, at: string): Promise<number> {
      const result = e.result ? JSON.stringify(e.result) : null;
      const row = await db.get<{ id: number }>(INSERT, [
        at,
        e.userId,
        e.verb,
        e.objectType,
        e.objectId,
        e.moduleId ?? null,
        result,
      ]);
      return row!.id;
    },
    async page(filter: EventPageFilter): Promise<LearningEventWithLearner[]> {
      const rows = await db.all<EventRow & { email: string; name: string }>(PAGE, {
        after: filter.after,
        since: filter.since,
        learner: filter.learner,
        cohort: filter.cohort,
        limit: filter.limit,
      });
      return rows.map((r) => ({ ...toEvent(r), email: r.email, name: r.name }));
    },
    async forwardable(after, limit) {
      const rows = await db.all<EventRow & { tx: number; email: string; name: string }>(
        FORWARDABLE[db.engine],
        {
          tx: after.tx,
          id: after.id,
          limit,
        },
      );
      return rows.map((r) => ({ ...toEvent(r), email: r.email, name: r.name, tx: r.tx }));
    },
    forUser: async (userId: number) =>
      (await db.all<EventRow>('SELECT * FROM events WHERE user_id = ? ORDER BY id', [userId])).map(toEvent),
    countForUser: async (userId: number) =>
      (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE user_id = ?', [userId]))?.n ?? 0,
  };
}
