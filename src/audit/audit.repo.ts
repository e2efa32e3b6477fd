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
  /** The target's name now (a person, cohort or variant), when it still exists. */
  targetName?: string | null;
}

/** Which entries to list: any field left null matches everything. */
export interface AuditFilter {
  action: string | null;
  /** Part of a name or email address: the person who acted, or the person acted on. */
  person: string | null;
  /** Days, `YYYY-MM-DD`, both included. */
  from: string | null;
  to: string | null;
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
  record(entry: AuditInput): Promise<void>;
  /** Newest first, filtered, with each target's name. */
  list(filter: AuditFilter, limit: number, offset: number): Promise<AuditPage>;
  /** Every action recorded so far, for the filter. */
  actions(): Promise<string[]>;
  /** Whether any entry has this action. */
  hasAction(action: string): Promise<boolean>;
  /** Every entry a person made or that names them as its target, oldest first. */
  forUser(userId: number): Promise<AuditEntry[]>;
}
