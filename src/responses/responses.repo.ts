import type { Db } from '../db/sqlite/open';

export interface ResponseRow {
  user_id: number;
  module_id: string;
  prompt_id: string;
  text: string;
  shared: number;
  updated_at: string;
}

export function createResponsesRepo(db: Db) {
  const s = {
    upsert: db.prepare(
      `INSERT INTO responses (user_id, module_id, prompt_id, text, shared, updated_at) VALUES (@u, @m, @p, @text, @shared, @now)
       ON CONFLICT (user_id, module_id, prompt_id) DO UPDATE SET text = @text, shared = @shared, updated_at = @now`,
    ),
    get: db.prepare('SELECT * FROM responses WHERE user_id = ? AND module_id = ? AND prompt_id = ?'),
    forModule: db.prepare('SELECT * FROM responses WHERE user_id = ? AND module_id = ?'),
    forUser: db.prepare('SELECT * FROM responses WHERE user_id = ? ORDER BY module_id, prompt_id'),
    sharedInCohort: db.prepare(
      `SELECT r.*, u.name FROM responses r JOIN cohort_members m ON m.user_id = r.user_id AND m.cohort_id = ?
       JOIN users u ON u.id = r.user_id WHERE r.shared = 1 AND r.module_id = ? ORDER BY r.prompt_id, r.updated_at`,
    ),
    sharedModulesInCohort: db.prepare(
      `SELECT r.module_id, COUNT(*) AS n FROM responses r JOIN cohort_members m ON m.user_id = r.user_id AND m.cohort_id = ?
       WHERE r.shared = 1 GROUP BY r.module_id`,
    ),
  };
  return {
    save(userId: number, moduleId: string, promptId: string, text: string, shared: boolean): string {
      const now = new Date().toISOString();
      s.upsert.run({ u: userId, m: moduleId, p: promptId, text, shared: shared ? 1 : 0, now });
      return now;
    },
    get: (userId: number, moduleId: string, promptId: string) => s.get.get(userId, moduleId, promptId) as ResponseRow | undefined,
    forModule: (userId: number, moduleId: string) => s.forModule.all(userId, moduleId) as ResponseRow[],
    forUser: (userId: number) => s.forUser.all(userId) as ResponseRow[],
    sharedInCohort: (cohortId: number, moduleId: string) => s.sharedInCohort.all(cohortId, moduleId) as (ResponseRow & { name: string })[],
    sharedModulesInCohort: (cohortId: number) => s.sharedModulesInCohort.all(cohortId) as { module_id: string; n: number }[],
  };
}
export type ResponsesRepo = ReturnType<typeof createResponsesRepo>;
