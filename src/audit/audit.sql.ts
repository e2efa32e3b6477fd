import type { Sql } from '../db/ports';
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

// CAST(@x AS TEXT) IS NULL: PostgreSQL cannot type a parameter from a bare IS NULL
const WHERE = `(CAST(@action AS TEXT) IS NULL OR a.action = @action)
  AND (CAST(@from AS TEXT) IS NULL OR a.at >= @from)
  AND (CAST(@to AS TEXT) IS NULL OR a.at < @to)
  AND (CAST(@person AS TEXT) IS NULL
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

const INSERT = `INSERT INTO audit_log (at, actor_id, actor_email, action, target, detail, ip)
  VALUES (@at, @actorId, @actorEmail, @action, @target, @detail, @ip)`;
const PAGE = `SELECT a.*, ${TARGET_NAME} AS target_name FROM audit_log a WHERE ${WHERE}
  ORDER BY a.id DESC LIMIT @limit OFFSET @offset`;
const COUNT = `SELECT COUNT(*) AS n FROM audit_log a WHERE ${WHERE}`;

export function createAuditRepo(db: Sql): AuditRepo {
  return {
    hasAction: async (action) =>
      (await db.get('SELECT 1 AS x FROM audit_log WHERE action = ? LIMIT 1', [action])) !== undefined,
    async record(e: AuditInput): Promise<void> {
      await db.run(INSERT, {
        at: new Date().toISOString(),
        actorId: e.actorId ?? null,
        actorEmail: e.actorEmail ?? null,
        action: e.action,
        target: e.target ?? null,
        detail: e.detail ?? null,
        ip: e.ip ?? null,
      });
    },
    async list(filter: AuditFilter, limit: number, offset: number): Promise<AuditPage> {
      const p = params(filter);
      const [rows, count] = await Promise.all([
        db.all<AuditRow>(PAGE, { ...p, limit, offset }),
        db.get<{ n: number }>(COUNT, p),
      ]);
      return { entries: rows.map(toEntry), total: count?.n ?? 0 };
    },
    actions: async () =>
      (await db.all<{ action: string }>('SELECT DISTINCT action FROM audit_log ORDER BY action')).map(
        (r) => r.action,
      ),
    forUser: async (userId: number) =>
      (
        await db.all<AuditRow>('SELECT * FROM audit_log WHERE actor_id = ? OR target = ? ORDER BY id', [
          userId,
          `user:${userId}`,
        ])
      ).map(toEntry),
  };
}
