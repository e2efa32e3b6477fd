import type { Db } from '../db/sqlite/open';

export interface AuditEntry {
  id: number;
  at: string;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

export interface AuditInput {
  actorId?: number | null;
  actorEmail?: string | null;
  action: string;
  target?: string | null;
  detail?: string | null;
  ip?: string | null;
}

export function createAuditRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_id, actor_email, action, target, detail, ip)
     VALUES (@at, @actorId, @actorEmail, @action, @target, @detail, @ip)`,
  );
  const page = db.prepare(
    `SELECT * FROM audit_log WHERE (@action IS NULL OR action = @action) ORDER BY id DESC LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE (@action IS NULL OR action = @action)`);
  const forUser = db.prepare(`SELECT * FROM audit_log WHERE actor_id = ? OR target = ? ORDER BY id`);
  return {
    record(e: AuditInput): void {
      insert.run({
        at: new Date().toISOString(),
        actorId: e.actorId ?? null,
        actorEmail: e.actorEmail ?? null,
        action: e.action,
        target: e.target ?? null,
        detail: e.detail ?? null,
        ip: e.ip ?? null,
      });
    },
    list(action: string | null, limit: number, offset: number): { entries: AuditEntry[]; total: number } {
      return {
        entries: page.all({ action, limit, offset }) as AuditEntry[],
        total: (count.get({ action }) as { n: number }).n,
      };
    },
    forUser(userId: number): AuditEntry[] {
      return forUser.all(userId, `user:${userId}`) as AuditEntry[];
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
