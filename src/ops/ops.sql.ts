import type { Database } from '../db/ports';
import type { OpsRepo } from './ops.repo';

/** Health checks ask the database itself: whichever engine, it knows how to answer and its migration level. */
export function createOpsRepo(db: Pick<Database, 'ping' | 'migrationLevel'>): OpsRepo {
  return {
    ping: () => db.ping(),
    migrationLevel: () => db.migrationLevel(),
  };
}
