import type { Db } from '../db/sqlite/open';
import type { AuditEntry, AuditFilter, AuditInput, AuditPage, AuditRepo } from './audit.repo';

interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
  target_name?: string | null;
}

function toEntry(r: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    id: r.id,
    at: new Date(r.at),
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    action: r.action,
    target: r.target,
    detail: r.detail,
    ip: r.ip,
  };
  if (r.target_name !== undefined) entry.targetName = r.target_name;
  return entry;
}

type FilterParams = {
  action: string | null;
  person: string | null;
  from: string | null;
  to: string | null;
};

/** `target` is `kind:id`: the name comes from the row it names (a primary-key look-up per listed entry). */
const TARGET_NAME = `CASE
    WHEN a.target LIKE 'user:%' THEN (SELECT name FROM users WHERE id = CAST(substr(a.target, 6) AS INTEGER))
    WHEN a.target LIKE 'cohort:%' THEN (SELECT name FROM cohorts WHERE id = CAST(substr(a.target, 8) AS INTEGER))
    WHEN a.target LIKE 'variant:%' THEN (SELECT name FROM variants WHERE id = CAST(substr(a.target, 9) AS INTEGER))
  END`;

const WHERE = `(@action IS NULL OR a.action = @action)
  AND (@from IS NULL OR a.at >= @from)
  AND (@to IS NULL OR a.at < @to)
  AND (@person IS NULL
    OR lower(a.actor_email) LIKE @person ESCAPE '\\'
    OR a.actor_id IN (SELECT id FROM users WHERE lower(name) LIKE @person ESCAPE '\\' OR email_norm LIKE @person ESCAPE '\\')
    OR a.target IN (SELECT 'user:' || id FROM users WHERE lower(name) LIKE @person ESCAPE '\\' OR email_norm LIKE @person ESCAPE '\\'))`;

/** The filter as SQL parameters: days become an [inclusive, exclusive) range of ISO instants. */
function params(f: AuditFilter): FilterParams {
  const nextDay = (day: string) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  return {
    action: f.action,
    person: f.person ? `%${f.person.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
    from: f.from ? `${f.from}T00:00:00.000Z` : null,
    to: f.to ? `${nextDay(f.to)}T00:00:00.000Z` : null,
  };
}

export function createAuditSqliteRepo(db: Db): AuditRepo {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_id, actor_email, action, target, detail, ip)
     VALUES (@at, @actorId, @actorEmail, @action, @target, @detail, @ip)`,
  );
  const page = db.prepare<FilterParams & { limit: number; offset: number }, AuditRow>(
    `SELECT a.*, ${TARGET_NAME} AS target_name FROM audit_log a WHERE ${WHERE}
     ORDER BY a.id DESC LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<FilterParams, { n: number }>(
    `SELECT COUNT(*) AS n FROM audit_log a WHERE ${WHERE}`,
  );
  const forUser = db.prepare<[number, string], AuditRow>(
    `SELECT * FROM audit_log WHERE actor_id = ? OR target = ? ORDER BY id`,
  );
  const actions = db.prepare<[], { action: string }>('SELECT DISTINCT action FROM audit_log ORDER BY action');
  const has = db.prepare<[string], { x: number }>('SELECT 1 AS x FROM audit_log WHERE action = ? LIMIT 1');
  return {
    hasAction: (action) => has.get(action) !== undefined,
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
    list(filter: AuditFilter, limit: number, offset: number): AuditPage {
      const p = params(filter);
      return {
        entries: page.all({ ...p, limit, offset }).map(toEntry),
        total: count.get(p)?.n ?? 0,
      };
    },
    actions: () => actions.all().map((r) => r.action),
    forUser(userId: number): AuditEntry[] {
      return forUser.all(userId, `user:${userId}`).map(toEntry);
    },
  };
}
