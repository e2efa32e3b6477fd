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
}
