import type { Sql } from '../db/ports';
import type { ReviewDecision } from './status';
import type {
  MemberModuleStatus,
  ModuleProgress,
  ModuleStatus,
  OutcomeChange,
  OutcomeProgress,
  OutcomeStatus,
  ProgressRepo,
} from './progress.repo';

interface ModuleRow {
  module_id: string;
  status: ModuleStatus;
  started_at: string;
  completed_at: string | null;
}

interface OutcomeRow {
  outcome_id: string;
  status: OutcomeStatus;
  evidence: string;
  updated_at: string;
  review_id: number | null;
  decision: ReviewDecision | null;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: string | null;
  comment: string | null;
}

interface HistoryRow {
  outcome_id: string;
  status: OutcomeStatus;
  evidence: string;
  changed_at: string;
}

const toModule = (r: ModuleRow): ModuleProgress => ({
  moduleId: r.module_id,
  status: r.status,
  startedAt: new Date(r.started_at),
  completedAt: r.completed_at === null ? null : new Date(r.completed_at),
});

const toOutcome = (r: OutcomeRow): OutcomeProgress => ({
  outcomeId: r.outcome_id,
  status: r.status,
  evidence: r.evidence,
  updatedAt: new Date(r.updated_at),
  review:
    r.review_id === null
      ? null
      : {
          id: Number(r.review_id),
          decision: r.decision,
          decidedById: r.decided_by === null ? null : Number(r.decided_by),
          decidedBy: r.decided_by_name,
          decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
          comment: r.comment ?? '',
        },
});

// An outcome's row with the submission its claim made (the review columns are null when there is none).
const OUTCOME_COLUMNS = `p.outcome_id, p.status, p.evidence, p.updated_at, p.review_id, r.decision, r.decided_by,
  r.decided_by_name, r.decided_at, r.comment FROM outcome_progress p LEFT JOIN outcome_reviews r ON r.id = p.review_id`;

const toChange = (r: HistoryRow): OutcomeChange => ({
  outcomeId: r.outcome_id,
  status: r.status,
  evidence: r.evidence,
  changedAt: new Date(r.changed_at),
});

const MODULE_GET =
  'SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ? AND module_id = ?';
const MODULE_ALL =
  'SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ?';
const MODULE_START = `INSERT INTO module_progress (user_id, module_id, status, started_at) VALUES (?, ?, 'in_progress', ?)
  ON CONFLICT DO NOTHING`;
// The existing row's status is named with its table: PostgreSQL finds a bare `status` ambiguous (it could be EXCLUDED's).
const MODULE_COMPLETE = `INSERT INTO module_progress (user_id, module_id, status, started_at, completed_at)
  VALUES (@u, @m, 'completed', @now, @now)
  ON CONFLICT (user_id, module_id) DO UPDATE SET status = 'completed', completed_at = @now
  WHERE module_progress.status <> 'completed'`;
const MODULE_REOPEN = `UPDATE module_progress SET status = 'in_progress', completed_at = NULL
  WHERE user_id = ? AND module_id = ? AND status = 'completed'`;
const MODULE_FORGET = `DELETE FROM module_progress WHERE user_id = ? AND module_id = ? AND status = 'completed'`;
const OUTCOME_ALL = `SELECT ${OUTCOME_COLUMNS} WHERE p.user_id = ?`;
const OUTCOME_ACHIEVED = `SELECT p.outcome_id, r.decision FROM outcome_progress p
  LEFT JOIN outcome_reviews r ON r.id = p.review_id WHERE p.user_id = ? AND p.status = 'achieved'`;
/** The outcome ids come as one JSON array parameter, on both engines. */
// The module page's read in one statement (one round trip on PostgreSQL): the outcome rows come as one JSON text.
const MODULE_AND_OUTCOMES = {
  sqlite: `SELECT (SELECT status FROM module_progress WHERE user_id = @u AND module_id = @m) AS module_status,
    (SELECT json_group_array(json_array(p.outcome_id, p.status, p.evidence, p.updated_at, p.review_id, r.decision,
      r.decided_by, r.decided_by_name, r.decided_at, r.comment))
      FROM outcome_progress p LEFT JOIN outcome_reviews r ON r.id = p.review_id
      WHERE p.user_id = @u AND p.outcome_id IN (SELECT value FROM json_each(@ids))) AS outcomes`,
  postgres: `SELECT (SELECT status FROM module_progress WHERE user_id = @u AND module_id = @m) AS module_status,
    (SELECT coalesce(json_agg(json_build_array(p.outcome_id, p.status, p.evidence, p.updated_at, p.review_id,
      r.decision, r.decided_by, r.decided_by_name, r.decided_at, r.comment)), '[]')::text
      FROM outcome_progress p LEFT JOIN outcome_reviews r ON r.id = p.review_id
      WHERE p.user_id = @u AND p.outcome_id IN (SELECT jsonb_array_elements_text(@ids::jsonb))) AS outcomes`,
} as const;
const OUTCOME_GET = `SELECT ${OUTCOME_COLUMNS} WHERE p.user_id = ? AND p.outcome_id = ?`;
const REVIEW_LINK = 'UPDATE outcome_progress SET review_id = ? WHERE user_id = ? AND outcome_id = ?';
const OUTCOME_UPSERT = `INSERT INTO outcome_progress (user_id, outcome_id, status, evidence, updated_at)
  VALUES (@u, @o, @status, @evidence, @now)
  ON CONFLICT (user_id, outcome_id) DO UPDATE SET status = @status, evidence = @evidence, updated_at = @now`;
const HISTORY_INSERT =
  'INSERT INTO outcome_history (user_id, outcome_id, status, evidence, changed_at) VALUES (?, ?, ?, ?, ?)';
const HISTORY =
  'SELECT outcome_id, status, evidence, changed_at FROM outcome_history WHERE user_id = ? AND outcome_id = ? ORDER BY id DESC';
// One row per learner with 'LI1=achieved:c,ME2=in_progress': five times faster than a row per cell at 500 × 35.
const CELL = `p.outcome_id || '=' || p.status || CASE WHEN p.status <> 'achieved' OR p.review_id IS NULL THEN ''
  WHEN r.decision = 'confirmed' THEN ':c' WHEN r.decision = 'returned' THEN ':r' ELSE ':w' END`;
const COHORT_OUTCOMES = {
  sqlite: `SELECT m.user_id, group_concat(${CELL}, ',') AS cells FROM cohort_members m
    JOIN outcome_progress p ON p.user_id = m.user_id LEFT JOIN outcome_reviews r ON r.id = p.review_id
    WHERE m.cohort_id = ? AND p.status <> 'not_started' GROUP BY m.user_id`,
  postgres: `SELECT m.user_id, string_agg(${CELL}, ',') AS cells FROM cohort_members m
    JOIN outcome_progress p ON p.user_id = m.user_id LEFT JOIN outcome_reviews r ON r.id = p.review_id
    WHERE m.cohort_id = ? AND p.status <> 'not_started' GROUP BY m.user_id`,
} as const;
const COHORT_MODULES = `SELECT p.user_id, p.module_id, p.status FROM cohort_members m
  JOIN module_progress p ON p.user_id = m.user_id
  WHERE m.cohort_id = ? AND p.module_id IN (SELECT module_id FROM assignments WHERE cohort_id = ?)`;
const OUTCOMES_WITH_PROGRESS = `SELECT DISTINCT outcome_id FROM outcome_progress WHERE status <> 'not_started' OR evidence <> ''`;

export function createProgressRepo(db: Sql): ProgressRepo {
  return {
    async module(userId, moduleId) {
      const row = await db.get<ModuleRow>(MODULE_GET, [userId, moduleId]);
      return row && toModule(row);
    },
    modules: async (userId) => (await db.all<ModuleRow>(MODULE_ALL, [userId])).map(toModule),
    startModule: async (userId, moduleId, now) =>
      (await db.run(MODULE_START, [userId, moduleId, now])).changes > 0,
    completeModule: async (userId, moduleId, now) =>
      (await db.run(MODULE_COMPLETE, { u: userId, m: moduleId, now })).changes > 0,
    uncompleteModule: async (userId, moduleId, keepStarted) =>
      (await db.run(keepStarted ? MODULE_REOPEN : MODULE_FORGET, [userId, moduleId])).changes > 0,
    outcomes: async (userId) => (await db.all<OutcomeRow>(OUTCOME_ALL, [userId])).map(toOutcome),
    achievedOutcomes: async (userId) =>
      (await db.all<{ outcome_id: string; decision: ReviewDecision | null }>(OUTCOME_ACHIEVED, [userId])).map(
        (r) => ({ outcomeId: r.outcome_id, decision: r.decision }),
      ),
    async moduleAndOutcomes(userId, moduleId, outcomeIds) {
      const row = await db.get<{ module_status: ModuleStatus | null; outcomes: string }>(
        MODULE_AND_OUTCOMES[db.engine],
        { u: userId, m: moduleId, ids: JSON.stringify(outcomeIds) },
      );
      type Cells = [string, OutcomeStatus, string, string, number | null, ReviewDecision | null];
      type Decider = [number | null, string | null, string | null, string | null];
      const outcomes = JSON.parse(row?.outcomes ?? '[]') as [...Cells, ...Decider][];
      return {
        moduleStatus: row?.module_status ?? null,
        outcomes: outcomes.map((c) =>
          toOutcome({
            outcome_id: c[0],
            status: c[1],
            evidence: c[2],
            updated_at: c[3],
            review_id: c[4],
            decision: c[5],
            decided_by: c[6],
            decided_by_name: c[7],
            decided_at: c[8],
            comment: c[9],
          }),
        ),
      };
    },
    async outcome(userId, outcomeId) {
      const row = await db.get<OutcomeRow>(OUTCOME_GET, [userId, outcomeId]);
      return row && toOutcome(row);
    },
    async setOutcome(userId, outcomeId, status, evidence, now) {
      await db.run(OUTCOME_UPSERT, { u: userId, o: outcomeId, status, evidence, now });
      await db.run(HISTORY_INSERT, [userId, outcomeId, status, evidence, now]);
      return now;
    },
    async linkReview(userId, outcomeId, reviewId) {
      await db.run(REVIEW_LINK, [reviewId, userId, outcomeId]);
    },
    history: async (userId, outcomeId) =>
      (await db.all<HistoryRow>(HISTORY, [userId, outcomeId])).map(toChange),
    async cohortOutcomes(cohortId) {
      const rows = await db.all<{ user_id: number; cells: string }>(COHORT_OUTCOMES[db.engine], [cohortId]);
      const out = new Map<number, string>();
      for (const { user_id: userId, cells } of rows) out.set(userId, cells);
      return out;
    },
    cohortModules: async (cohortId): Promise<MemberModuleStatus[]> =>
      (
        await db.all<{ user_id: number; module_id: string; status: ModuleStatus }>(COHORT_MODULES, [
          cohortId,
          cohortId,
        ])
      ).map((r) => ({ userId: r.user_id, moduleId: r.module_id, status: r.status })),
    outcomesWithProgress: async () =>
      new Set((await db.all<{ outcome_id: string }>(OUTCOMES_WITH_PROGRESS)).map((r) => r.outcome_id)),
  };
}
