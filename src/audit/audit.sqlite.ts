import type { Db } from '../db/sqlite/open';
import type { AuditEntry, AuditInput, AuditPage, AuditRepo } from './audit.repo';

interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: new Date(r.at),
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    action: r.action,
    target: r.target,
    detail: r.detail,
    ip: r.ip,
  };
}

export function createAuditSqliteRepo(db: Db): AuditRepo {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_id, actor_email, action, target, detail, ip)
     VALUES (@at, @actorId, @actorEmail, @action, @target, @detail, @ip)`,
  );
  const page = db.prepare<{ action: string | null; limit: number; offset: number }, AuditRow>(
    `SELECT * FROM audit_log WHERE (@action IS NULL OR action = @action) ORDER BY id DESC LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<{ action: string | null }, { n: number }>(
    `SELECT COUNT(*) AS n FROM audit_log WHERE (@action IS NULL OR action = @action)`,
  );
  const forUser = db.prepare<[number, string], AuditRow>(
    `SELECT * FROM audit_log WHERE actor_id = ? OR target = ? ORDER BY id`,
  );
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
    list(action: string | null, limit: number, offset: number): AuditPage {
      return {
        entries: page.all({ action, limit, offset }).map(toEntry),
        total: count.get({ action })?.n ?? 0,
      };
    },
    forUser(userId: number): AuditEntry[] {
      return forUser.all(userId, `user:${userId}`).map(toEntry);
    },
  };
}
