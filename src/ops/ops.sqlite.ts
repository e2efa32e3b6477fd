import type { Db } from '../db/sqlite/open';
import { migrationLevel } from '../db/sqlite/migrate';
import type { OpsRepo } from './ops.repo';

export function createOpsSqliteRepo(db: Db): OpsRepo {
  const ping = db.prepare('SELECT 1 AS ok');
  return {
    ping: () => void ping.get(),
    migrationLevel: () => migrationLevel(db),
  };
}
