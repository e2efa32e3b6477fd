/** One line of the audit log: who did what, to what, when and from where. */
export interface AuditEntry {
  id: number;
  at: Date;
  actorId: number | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

/** What a service records; missing fields are stored as empty. */
export interface AuditInput {
  actorId?: number | null;
  actorEmail?: string | null;
  action: string;
  target?: string | null;
  detail?: string | null;
  ip?: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}

/** The audit log: appended to by every feature, read by admins. */
export interface AuditRepo {
  record(entry: AuditInput): void;
  /** Newest first, optionally only one action. */
  list(action: string | null, limit: number, offset: number): AuditPage;
  /** Every entry a person made or that names them as its target, oldest first. */
  forUser(userId: number): AuditEntry[];
}
