export const ROLES = ['learner', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: every service takes one, never a request or a session. */
export interface Actor {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  /** The client's address, for the audit log. */
  readonly ip?: string;
  /**
   * For a learner: the variant version pinned to their latest cohort (null: the built-in pack), read with their
   * session or token in the same query, so it is never stale. Undefined when it was not read.
   */
  readonly pinnedVersionId?: number | null;
}
