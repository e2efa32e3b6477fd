import type { Db } from '../db/sqlite/open';
import type { Answer, ResponsesRepo, SharedAnswer, SharedModuleCount } from './responses.repo';

interface ResponseRow {
  user_id: number;
  module_id: string;
  prompt_id: string;
  text: string;
  shared: number;
  updated_at: string;
}

function toAnswer(r: ResponseRow): Answer {
  return {
    userId: r.user_id,
    moduleId: r.module_id,
    promptId: r.prompt_id,
    text: r.text,
    shared: r.shared === 1,
    updatedAt: new Date(r.updated_at),
  };
}

export function createResponsesSqliteRepo(db: Db): ResponsesRepo {
  const upsert = db.prepare<{ u: number; m: string; p: string; text: string; shared: number; now: string }>(
    `INSERT INTO responses (user_id, module_id, prompt_id, text, shared, updated_at) VALUES (@u, @m, @p, @text, @shared, @now)
     ON CONFLICT (user_id, module_id, prompt_id) DO UPDATE SET text = @text, shared = @shared, updated_at = @now`,
  );
  const get = db.prepare<[number, string, string], ResponseRow>(
    'SELECT * FROM responses WHERE user_id = ? AND module_id = ? AND prompt_id = ?',
  );
  const forModule = db.prepare<[number, string], ResponseRow>(
    'SELECT * FROM responses WHERE user_id = ? AND module_id = ?',
  );
  const forUser = db.prepare<[number], ResponseRow>(
    'SELECT * FROM responses WHERE user_id = ? ORDER BY module_id, prompt_id',
  );
  const sharedInCohort = db.prepare<[number, string], ResponseRow & { name: string }>(
    `SELECT r.*, u.name FROM responses r JOIN cohort_members m ON m.user_id = r.user_id AND m.cohort_id = ?
     JOIN users u ON u.id = r.user_id WHERE r.shared = 1 AND r.module_id = ? ORDER BY r.prompt_id, r.updated_at`,
  );
  const sharedModulesInCohort = db.prepare<[number], { module_id: string; n: number }>(
    `SELECT r.module_id, COUNT(*) AS n FROM responses r JOIN cohort_members m ON m.user_id = r.user_id AND m.cohort_id = ?
     WHERE r.shared = 1 GROUP BY r.module_id`,
  );
  return {
    save(userId, moduleId, promptId, text, shared) {
      const now = new Date();
      upsert.run({
        u: userId,
        m: moduleId,
        p: promptId,
        text,
        shared: shared ? 1 : 0,
        now: now.toISOString(),
      });
      return now;
    },
    get(userId, moduleId, promptId) {
      const row = get.get(userId, moduleId, promptId);
      return row && toAnswer(row);
    },
    forModule: (userId, moduleId) => forModule.all(userId, moduleId).map(toAnswer),
    forUser: (userId) => forUser.all(userId).map(toAnswer),
    sharedInCohort: (cohortId, moduleId): SharedAnswer[] =>
      sharedInCohort.all(cohortId, moduleId).map((r) => ({ ...toAnswer(r), name: r.name })),
    sharedModulesInCohort: (cohortId): SharedModuleCount[] =>
      sharedModulesInCohort.all(cohortId).map((r) => ({ moduleId: r.module_id, count: r.n })),
  };
}
