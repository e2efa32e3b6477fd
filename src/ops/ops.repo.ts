/** What health checks ask of the database: does it answer, and at which migration is it. */
export interface OpsRepo {
  /** Throws when the database does not answer. */
  ping(): void;
  /** The highest migration applied. */
  migrationLevel(): number;
}
