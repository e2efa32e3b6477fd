import type { Db } from '../db/sqlite/open';

export type OutcomeStatus = 'not_started' | 'in_progress' | 'achieved';

export interface OutcomeProgressRow {
  outcome_id: string;
  status: OutcomeStatus;
  evidence: string;
  updated_at: string;
}

export interface ModuleProgressRow {
  module_id: string;
  status: 'in_progress' | 'completed';
  started_at: string;
  completed_at: string | null;
}

export function createProgressRepo(db: Db) {
  const s = {
    moduleGet: db.prepare('SELECT * FROM module_progress WHERE user_id = ? AND module_id = ?'),
    moduleAll: db.prepare('SELECT module_id, status, started_at, completed_at FROM module_progress WHERE user_id = ?'),
    moduleStart: db.prepare(
      `INSERT INTO module_progress (user_id, module_id, status, started_at) VALUES (?, ?, 'in_progress', ?)
       ON CONFLICT DO NOTHING`,
    ),
    moduleComplete: db.prepare(
      `INSERT INTO module_progress (user_id, module_id, status, started_at, completed_at) VALUES (@u, @m, 'completed', @now, @now)
       ON CONFLICT (user_id, module_id) DO UPDATE SET status = 'completed', completed_at = @now WHERE status <> 'completed'`,
    ),
    outcomeAll: db.prepare('SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ?'),
    outcomeSome: db.prepare(
      'SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ? AND outcome_id IN (SELECT value FROM json_each(?))',
    ),
    outcomeGet: db.prepare('SELECT outcome_id, status, evidence, updated_at FROM outcome_progress WHERE user_id = ? AND outcome_id = ?'),
    outcomeUpsert: db.prepare(
      `INSERT INTO outcome_progress (user_id, outcome_id, status, evidence, updated_at) VALUES (@u, @o, @status, @evidence, @now)
       ON CONFLICT (user_id, outcome_id) DO UPDATE SET status = @status, evidence = @evidence, updated_at = @now`,
    ),
    historyInsert: db.prepare(
      'INSERT INTO outcome_history (user_id, outcome_id, status, evidence, changed_at) VALUES (?, ?, ?, ?, ?)',
    ),
    history: db.prepare('SELECT outcome_id, status, evidence, changed_at FROM outcome_history WHERE user_id = ? AND outcome_id = ? ORDER BY id DESC'),
    // One row per learner with 'LI1=achieved,ME2=in_progress': five times faster than a row per cell at 500 × 35.
    cohortOutcomes: db
      .prepare(
        `SELECT m.user_id, group_concat(p.outcome_id || '=' || p.status) FROM cohort_members m
         JOIN outcome_progress p ON p.user_id = m.user_id WHERE m.cohort_id = ? AND p.status <> 'not_started' GROUP BY m.user_id`,
      )
      .raw(true),
    cohortModules: db.prepare(
      `SELECT p.user_id, p.module_id, p.status FROM cohort_members m
       JOIN module_progress p ON p.user_id = m.user_id
       WHERE m.cohort_id = ? AND p.module_id IN (SELECT module_id FROM assignments WHERE cohort_id = ?)`,
    ),
    outcomesWithProgress: db.prepare(`SELECT DISTINCT outcome_id FROM outcome_progress WHERE status <> 'not_started' OR evidence <> ''`),
  };
  return {
    module: (userId: number, moduleId: string) => s.moduleGet.get(userId, moduleId) as ModuleProgressRow | undefined,
    modules: (userId: number) => s.moduleAll.all(userId) as ModuleProgressRow[],
    startModule: (userId: number, moduleId: string) => s.moduleStart.run(userId, moduleId, new Date().toISOString()).changes > 0,
    completeModule: (userId: number, moduleId: string) =>
      s.moduleComplete.run({ u: userId, m: moduleId, now: new Date().toISOString() }).changes > 0,
    outcomes: (userId: number) => s.outcomeAll.all(userId) as OutcomeProgressRow[],
    /** Only the named outcomes (a module page shows a handful of the 35). */
    outcomesAmong: (userId: number, outcomeIds: readonly string[]) => s.outcomeSome.all(userId, JSON.stringify(outcomeIds)) as OutcomeProgressRow[],
    outcome: (userId: number, outcomeId: string) => s.outcomeGet.get(userId, outcomeId) as OutcomeProgressRow | undefined,
    setOutcome(userId: number, outcomeId: string, status: OutcomeStatus, evidence: string): string {
      const now = new Date().toISOString();
      s.outcomeUpsert.run({ u: userId, o: outcomeId, status, evidence, now });
      s.historyInsert.run(userId, outcomeId, status, evidence, now);
      return now;
    },
    history: (userId: number, outcomeId: string) =>
      s.history.all(userId, outcomeId) as { outcome_id: string; status: OutcomeStatus; evidence: string; changed_at: string }[],
    /** Each member's outcome statuses (outcomes not started are absent). */
    cohortOutcomes: (cohortId: number): Map<number, Record<string, OutcomeStatus>> => {
      const out = new Map<number, Record<string, OutcomeStatus>>();
      for (const [userId, cells] of s.cohortOutcomes.all(cohortId) as [number, string][]) {
        const statuses: Record<string, OutcomeStatus> = {};
        for (const cell of cells.split(',')) {
          const eq = cell.indexOf('=');
          statuses[cell.slice(0, eq)] = cell.slice(eq + 1) as OutcomeStatus;
        }
        out.set(userId, statuses);
      }
      return out;
    },
    cohortModules: (cohortId: number) =>
      s.cohortModules.all(cohortId, cohortId) as { user_id: number; module_id: string; status: string }[],
    outcomesWithProgress: () => new Set((s.outcomesWithProgress.all() as { outcome_id: string }[]).map((r) => r.outcome_id)),
  };
}
export type ProgressRepo = ReturnType<typeof createProgressRepo>;
