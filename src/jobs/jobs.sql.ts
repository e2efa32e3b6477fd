import type { Sql } from '../db/ports';
import type { ClaimedJob, JobsRepo, NewJob } from './jobs.repo';

interface JobRow {
  id: number;
  kind: string;
  unique_key: string | null;
  payload: string;
  attempts: number;
}

// PostgreSQL: rows another worker is claiming are skipped, not waited for. SQLite: the claim runs under
// BEGIN IMMEDIATE (the caller's unit of work), which already lets one writer at a time in.
const CLAIM = {
  sqlite: (
    kinds: string,
  ) => `UPDATE jobs SET lease_until = @leaseUntil, leased_by = @worker, attempts = attempts + 1
    WHERE id IN (SELECT id FROM jobs WHERE kind IN (${kinds}) AND run_at <= @now
                 AND (lease_until IS NULL OR lease_until < @now) ORDER BY run_at, id LIMIT @limit)
    RETURNING id, kind, unique_key, payload, attempts`,
  postgres: (
    kinds: string,
  ) => `UPDATE jobs SET lease_until = @leaseUntil, leased_by = @worker, attempts = attempts + 1
    WHERE id IN (SELECT id FROM jobs WHERE kind IN (${kinds}) AND run_at <= @now
                 AND (lease_until IS NULL OR lease_until < @now) ORDER BY run_at, id LIMIT @limit
                 FOR UPDATE SKIP LOCKED)
    RETURNING id, kind, unique_key, payload, attempts`,
} as const;

const toJob = (r: JobRow): ClaimedJob => ({
  id: r.id,
  kind: r.kind,
  uniqueKey: r.unique_key,
  payload: r.payload,
  attempts: r.attempts,
});

export function createJobsRepo(db: Sql): JobsRepo {
  return {
    async enqueue(job: NewJob, now: number) {
      await db.run(
        `INSERT INTO jobs (kind, unique_key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (unique_key) DO NOTHING`,
        [job.kind, job.uniqueKey ?? null, job.payload ?? '{}', job.runAt, now],
      );
    },
    async claim(kinds, worker, now, leaseUntil, limit) {
      // the kinds are the runner's own constants, bound as parameters all the same
      const names = Object.fromEntries(kinds.map((k, i) => [`k${i}`, k]));
      const list = kinds.map((_, i) => `@k${i}`).join(', ');
      const rows = await db.all<JobRow>(CLAIM[db.engine](list), { ...names, leaseUntil, worker, now, limit });
      return rows.map(toJob).sort((a, b) => a.id - b.id);
    },
    async complete(id, worker) {
      return (await db.run('DELETE FROM jobs WHERE id = ? AND leased_by = ?', [id, worker])).changes === 1;
    },
    async reschedule(id, worker, runAt) {
      const result = await db.run(
        `UPDATE jobs SET run_at = ?, lease_until = NULL, leased_by = NULL, attempts = 0, last_error = NULL
         WHERE id = ? AND leased_by = ?`,
        [runAt, id, worker],
      );
      return result.changes === 1;
    },
    async fail(id, worker, runAt, error) {
      await db.run(
        `UPDATE jobs SET run_at = ?, lease_until = NULL, leased_by = NULL, last_error = ?
         WHERE id = ? AND leased_by = ?`,
        [runAt, error.slice(0, 1000), id, worker],
      );
    },
    async backlog(now) {
      const row = await db.get<{ due: number | null; leased: number | null }>(
        `SELECT SUM(CASE WHEN run_at <= ? AND (lease_until IS NULL OR lease_until < ?) THEN 1 ELSE 0 END) AS due,
                SUM(CASE WHEN lease_until >= ? THEN 1 ELSE 0 END) AS leased
         FROM jobs`,
        [now, now, now],
      );
      return { due: row?.due ?? 0, leased: row?.leased ?? 0 };
    },
  };
}
