import type { Sql } from '../db/ports';
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

const UPSERT = `INSERT INTO responses (user_id, module_id, prompt_id, text, shared, updated_at) VALUES (@u, @m, @p, @text, @shared, @now)
  ON CONFLICT (user_id, module_id, prompt_id) DO UPDATE SET text = @text, shared = @shared, updated_at = @now`;
const GET = 'SELECT * FROM responses WHERE user_id = ? AND module_id = ? AND prompt_id = ?';
const FOR_MODULE = 'SELECT * FROM responses WHERE user_id = ? AND module_id = ?';
const FOR_USER = 'SELECT * FROM responses WHERE user_id = ? ORDER BY module_id, prompt_id';
const SHARED_IN_COHORT = `SELECT r.*, u.name FROM responses r JOIN cohort_members m ON m.user_id = r.user_id AND m.cohort_id = ?
  JOIN users u ON u.id = r.user_id WHERE r.shared = 1 AND r.module_id = ? ORDER BY r.prompt_id, r.updated_at`;
const SHARED_MODULES_IN_COHORT = `SELECT r.module_id, COUNT(*) AS n
  FROM responses r JOIN cohort_members m ON m.user_id = r.user_id AND m.cohort_id = ?
  WHERE r.shared = 1 GROUP BY r.module_id`;

export function createResponsesRepo(db: Sql): ResponsesRepo {
  return {
    async save(userId, moduleId, promptId, text, shared, now) {
      await db.run(UPSERT, {
        u: userId,
        m: moduleId,
        p: promptId,
        text,
        shared: shared ? 1 : 0,
        now: now.toISOString(),
      });
      return now;
    },
    async get(userId, moduleId, promptId) {
      const row = await db.get<ResponseRow>(GET, [userId, moduleId, promptId]);
      return row && toAnswer(row);
    },
    forModule: async (userId, moduleId) =>
      (await db.all<ResponseRow>(FOR_MODULE, [userId, moduleId])).map(toAnswer),
    forUser: async (userId) => (await db.all<ResponseRow>(FOR_USER, [userId])).map(toAnswer),
    sharedInCohort: async (cohortId, moduleId): Promise<SharedAnswer[]> =>
      (await db.all<ResponseRow & { name: string }>(SHARED_IN_COHORT, [cohortId, moduleId])).map((r) => ({
        ...toAnswer(r),
        name: r.name,
      })),
    sharedModulesInCohort: async (cohortId): Promise<SharedModuleCount[]> =>
      (await db.all<{ module_id: string; n: number }>(SHARED_MODULES_IN_COHORT, [cohortId])).map((r) => ({
        moduleId: r.module_id,
        count: r.n,
      })),
  };
}
