import crypto from 'node:crypto';
import type { Db } from '../db/sqlite/open';
import type { EventContext, XapiRepo } from './xapi.repo';

interface ForwardingRow {
  last_event_id: number;
  failures: number;
  next_attempt_at: number;
  last_error: string | null;
}

interface ContextRow {
  id: number;
  cohort_id: number | null;
  cohort_name: string | null;
  variant_version_id: number | null;
  variant_name: string | null;
  variant_version: number | null;
}

const INSTALLATION_KEY = 'xapi.installation_id';

export function createXapiSqliteRepo(db: Db): XapiRepo {
  const s = {
    state: db.prepare<[], ForwardingRow>(
      'SELECT last_event_id, failures, next_attempt_at, last_error FROM xapi_forwarding WHERE id = 1',
    ),
    advance: db.prepare(
      'UPDATE xapi_forwarding SET last_event_id = ?, failures = 0, next_attempt_at = 0, last_error = NULL WHERE id = 1',
    ),
    fail: db.prepare(
      'UPDATE xapi_forwarding SET failures = failures + 1, next_attempt_at = ?, last_error = ? WHERE id = 1',
    ),
    claim: db.prepare<[number, number]>(
      'UPDATE xapi_forwarding SET lease_until = ? WHERE id = 1 AND lease_until <= ?',
    ),
    release: db.prepare('UPDATE xapi_forwarding SET lease_until = 0 WHERE id = 1'),
    setInstallation: db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    contexts: db.prepare<[number, number], ContextRow>(
      `SELECT e.id, e.cohort_id, c.name AS cohort_name, e.variant_version_id,
              v.name AS variant_name, vv.version AS variant_version
       FROM events e
       LEFT JOIN cohorts c ON c.id = e.cohort_id
       LEFT JOIN variant_versions vv ON vv.id = e.variant_version_id
       LEFT JOIN variants v ON v.id = vv.variant_id
       WHERE e.id BETWEEN ? AND ?`,
    ),
  };
  let installation: string | undefined;
  return {
    state() {
      const row = s.state.get()!;
      return {
        lastEventId: row.last_event_id,
        failures: row.failures,
        nextAttemptAt: row.next_attempt_at,
        lastError: row.last_error,
      };
    },
    advance(lastEventId) {
      s.advance.run(lastEventId);
    },
    fail(nextAttemptAt, error) {
      s.fail.run(nextAttemptAt, error.slice(0, 500));
    },
    claim: (now, until) => s.claim.run(until, now).changes === 1,
    release() {
      s.release.run();
    },
    installationId() {
      if (!installation) {
        s.setInstallation.run(INSTALLATION_KEY, crypto.randomUUID());
        installation = s.getSetting.get(INSTALLATION_KEY)!.value;
      }
      return installation;
    },
    contexts(fromId, toId) {
      const out = new Map<number, EventContext>();
      for (const r of s.contexts.all(fromId, toId)) {
        out.set(r.id, {
          eventId: r.id,
          cohortId: r.cohort_id,
          cohortName: r.cohort_name,
          variantVersionId: r.variant_version_id,
          variantName: r.variant_name,
          variantVersion: r.variant_version,
        });
      }
      return out;
    },
  };
}
