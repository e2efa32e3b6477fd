/**
 * What services need of the database, whatever the engine: a unit of work. Repositories run their statements on the
 * connection the unit of work holds, so everything inside one `run` commits together or not at all.
 */
export interface UnitOfWork {
  /** Runs `work` in one transaction (nested calls join the outer one). */
  run<T>(work: () => T): T;
  /**
   * Runs `work` in a transaction shared with other writes arriving at the same moment (group commit: one fsync for
   * many writes, each in its own savepoint). Settles only after that transaction has committed.
   */
  runGrouped<T>(work: () => T): Promise<T>;
}
