import type { Db } from '../db/open';

export function createOpsRepo(db: Db) {
  const ping = db.prepare('SELECT 1 AS ok');
  return {
    ping: () => ping.get(),
  };
}
