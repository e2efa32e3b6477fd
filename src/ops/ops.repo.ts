/** What health checks ask of the database: does it answer, and at which migration is it. */
export interface OpsRepo {
  /** Rejects when the database does not answer. */
  ping(): Promise<void>;
  /** The highest migration applied. */
  migrationLevel(): Promise<number>;
}
