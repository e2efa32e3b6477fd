import type { Db } from '../db/sqlite/open';
import type { XapiRepo } from './xapi.repo';

interface ForwardingRow {
  last_event_id: number;
  failures: number;
  next_attempt_at: number;
  last_error: string | null;
}

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
  };
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
  };
}
