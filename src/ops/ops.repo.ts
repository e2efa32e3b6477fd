import type { Db } from '../db/sqlite/open';
import { migrationLevel } from '../db/sqlite/migrate';

/** What health checks ask of the database: does it answer, and at which migration is it. */
export function createOpsRepo(db: Db) {
  const ping = db.prepare('SELECT 1 AS ok');
  return {
    ping: () => void ping.get(),
    migrationLevel: () => migrationLevel(db),
  };
}
export type OpsRepo = ReturnType<typeof createOpsRepo>;
