import type { UnitOfWork } from '../ports';
import { createGroupCommit } from './group-commit';
import type { Db } from './open';

/** The SQLite unit of work: better-sqlite3 transactions (savepoints when nested) and group commit for busy writes. */
export function createSqliteUnitOfWork(db: Db): UnitOfWork {
  const commits = createGroupCommit(db);
  return {
    run: (work) => db.transaction(work)(),
    runGrouped: (work) => commits.write(work),
  };
}
