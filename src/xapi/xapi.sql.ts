import crypto from 'node:crypto';
import type { Sql } from '../db/ports';
import type { EventContext, XapiRepo } from './xapi.repo';

interface ForwardingRow {
  last_event_id: number;
  last_tx: number;
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

const STATE =
  'SELECT last_event_id, last_tx, failures, next_attempt_at, last_error FROM xapi_forwarding WHERE id = 1';
/**
 * The lease is one row, taken by one atomic UPDATE: on SQLite writes are serialized; on PostgreSQL a second
 * instance's UPDATE waits for the first's row lock, then re-reads the row and finds the lease taken (0 changes).
 * The lease's end is also its token: the holder's writes (cursor, failures, release) only land while it still holds
 * it, so an instance whose lease ran out can never move the cursor back or free another instance's lease.
 */
const CLAIM = 'UPDATE xapi_forwarding SET lease_until = ? WHERE id = 1 AND lease_until <= ?';
const ADVANCE = `UPDATE xapi_forwarding SET last_tx = ?, last_event_id = ?, failures = 0, next_attempt_at = 0, last_error = NULL
  WHERE id = 1 AND lease_until = ?`;
const FAIL = `UPDATE xapi_forwarding SET failures = failures + 1, next_attempt_at = ?, last_error = ?
  WHERE id = 1 AND lease_until = ?`;
const RELEASE = 'UPDATE xapi_forwarding SET lease_until = 0 WHERE id = 1 AND lease_until = ?';
const SET_INSTALLATION = 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING';
const GET_SETTING = 'SELECT value FROM settings WHERE key = ?';
const CONTEXTS = `SELECT e.id, e.cohort_id, c.name AS cohort_name, e.variant_version_id,
    v.name AS variant_name, vv.version AS variant_version
  FROM events e
  LEFT JOIN cohorts c ON c.id = e.cohort_id
  LEFT JOIN variant_versions vv ON vv.id = e.variant_version_id
  LEFT JOIN variants v ON v.id = vv.variant_id
  WHERE e.id BETWEEN ? AND ?`;

export function createXapiRepo(db: Sql): XapiRepo {
  let installation: string | undefined;
  return {
    async state() {
      const row = (await db.get<ForwardingRow>(STATE))!;
      return {
        lastEventId: row.last_event_id,
        lastTx: row.last_tx,
        failures: row.failures,
        nextAttemptAt: row.next_attempt_at,
        lastError: row.last_error,
      };
    },
    advance: async (lastTx, lastEventId, lease) =>
      (await db.run(ADVANCE, [lastTx, lastEventId, lease])).changes === 1,
    async fail(nextAttemptAt, error, lease) {
      await db.run(FAIL, [nextAttemptAt, error.slice(0, 500), lease]);
    },
    claim: async (now, until) => (await db.run(CLAIM, [until, now])).changes === 1,
    async release(lease) {
      await db.run(RELEASE, [lease]);
    },
    async installationId() {
      if (!installation) {
        // two instances (or two calls) may race to create it: the first insert wins and everyone reads that one
        await db.run(SET_INSTALLATION, [INSTALLATION_KEY, crypto.randomUUID()]);
        installation = (await db.get<{ value: string }>(GET_SETTING, [INSTALLATION_KEY]))!.value;
      }
      return installation;
    },
    async contexts(fromId, toId) {
      const out = new Map<number, EventContext>();
      for (const r of await db.all<ContextRow>(CONTEXTS, [fromId, toId])) {
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
