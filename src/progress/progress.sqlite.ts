import type { Db } from '../db/sqlite/open';
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
});

const toChange = (r: HistoryRow): OutcomeChange => ({
  outcomeId: r.outcome_id,
  status: r.status,
  evidence: r.evidence,
  changedAt: new Date(r.changed_at),
});

export function createProgressSqliteRepo(db: Db): ProgressRepo {
  const s = {
    moduleGet: db.prepare<[number, string], ModuleRow>(
      'SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ? AND module_id = ?',
    ),
    moduleAll: db.prepare<[number], ModuleRow>(
      'SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ?',
    ),
    moduleStart: db.prepare<[number, string, string]>(
      `INSERT INTO module_progress (user_id, module_id, status, started_at) VALUES (?, ?, 'in_progress', ?)
       ON CONFLICT DO NOTHING`,
    ),
    moduleComplete: db.prepare<[{ u: number; m: string; now: string }]>(
      `INSERT INTO module_progress (user_id, module_id, status, started_at, completed_at) VALUES (@u, @m, 'completed', @now, @now)
       ON CONFLICT (user_id, module_id) DO UPDATE SET status = 'completed', completed_at = @now WHERE status <> 'completed'`,
    ),
    moduleReopen: db.prepare<[number, string]>(
      `UPDATE module_progress SET status = 'in_progress', completed_at = NULL
       WHERE user_id = ? AND module_id = ? AND status = 'completed'`,
    ),
    moduleForget: db.prepare<[number, string]>(
      `DELETE FROM module_progress WHERE user_id = ? AND module_id = ? AND status = 'completed'`,
    ),
    outcomeAll: db.prepare<[number], OutcomeRow>(
      'SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ?',
    ),
    outcomeSome: db.prepare<[number, string], OutcomeRow>(
      'SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ? AND outcome_id IN (SELECT value FROM json_each(?))',
    ),
    outcomeGet: db.prepare<[number, string], OutcomeRow>(
      'SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ? AND outcome_id = ?',
    ),
    outcomeUpsert: db.prepare<
      [{ u: number; o: string; status: OutcomeStatus; evidence: string; now: string }]
    >(
      `INSERT INTO outcome_progress (user_id, outcome_id, status, evidence, updated_at) VALUES (@u, @o, @status, @evidence, @now)
       ON CONFLICT (user_id, outcome_id) DO UPDATE SET status = @status, evidence = @evidence, updated_at = @now`,
    ),
    historyInsert: db.prepare<[number, string, OutcomeStatus, string, string]>(
      'INSERT INTO outcome_history (user_id, outcome_id, status, evidence, changed_at) VALUES (?, ?, ?, ?, ?)',
    ),
    history: db.prepare<[number, string], HistoryRow>(
      'SELECT outcome_id, status, evidence, changed_at FROM outcome_history WHERE user_id = ? AND outcome_id = ? ORDER BY id DESC',
    ),
    // One row per learner with 'LI1=achieved,ME2=in_progress': five times faster than a row per cell at 500 × 35.
    cohortOutcomes: db
      .prepare<[number], [number, string]>(
        `SELECT m.user_id, group_concat(p.outcome_id || '=' || p.status) FROM cohort_members m
         JOIN outcome_progress p ON p.user_id = m.user_id WHERE m.cohort_id = ? AND p.status <> 'not_started' GROUP BY m.user_id`,
      )
      .raw(true),
    cohortModules: db.prepare<[number, number], { user_id: number; module_id: string; status: ModuleStatus }>(
      `SELECT p.user_id, p.module_id, p.status FROM cohort_members m
       JOIN module_progress p ON p.user_id = m.user_id
       WHERE m.cohort_id = ? AND p.module_id IN (SELECT module_id FROM assignments WHERE cohort_id = ?)`,
    ),
    outcomesWithProgress: db
      .prepare<[], [string]>(
        `SELECT DISTINCT outcome_id FROM outcome_progress WHERE status <> 'not_started' OR evidence <> ''`,
      )
      .raw(true),
  };
  return {
    module(userId, moduleId) {
      const row = s.moduleGet.get(userId, moduleId);
      return row && toModule(row);
    },
    modules: (userId) => s.moduleAll.all(userId).map(toModule),
    startModule: (userId, moduleId) =>
      s.moduleStart.run(userId, moduleId, new Date().toISOString()).changes > 0,
    completeModule: (userId, moduleId) =>
      s.moduleComplete.run({ u: userId, m: moduleId, now: new Date().toISOString() }).changes > 0,
    uncompleteModule: (userId, moduleId, keepStarted) =>
      (keepStarted ? s.moduleReopen : s.moduleForget).run(userId, moduleId).changes > 0,
    outcomes: (userId) => s.outcomeAll.all(userId).map(toOutcome),
    outcomesAmong: (userId, outcomeIds) =>
      s.outcomeSome.all(userId, JSON.stringify(outcomeIds)).map(toOutcome),
    outcome(userId, outcomeId) {
      const row = s.outcomeGet.get(userId, outcomeId);
      return row && toOutcome(row);
    },
    setOutcome(userId, outcomeId, status, evidence) {
      const now = new Date().toISOString();
      s.outcomeUpsert.run({ u: userId, o: outcomeId, status, evidence, now });
      s.historyInsert.run(userId, outcomeId, status, evidence, now);
      return now;
    },
    history: (userId, outcomeId) => s.history.all(userId, outcomeId).map(toChange),
    cohortOutcomes(cohortId) {
      const out = new Map<number, Record<string, OutcomeStatus>>();
      for (const [userId, cells] of s.cohortOutcomes.all(cohortId)) {
        const statuses: Record<string, OutcomeStatus> = {};
        for (const cell of cells.split(',')) {
          const eq = cell.indexOf('=');
          statuses[cell.slice(0, eq)] = cell.slice(eq + 1) as OutcomeStatus;
        }
        out.set(userId, statuses);
      }
      return out;
    },
    cohortModules: (cohortId): MemberModuleStatus[] =>
      s.cohortModules
        .all(cohortId, cohortId)
        .map((r) => ({ userId: r.user_id, moduleId: r.module_id, status: r.status })),
    outcomesWithProgress: () => new Set(s.outcomesWithProgress.all().map(([id]) => id)),
  };
}
