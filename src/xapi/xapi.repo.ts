import type { Db } from '../db/sqlite/open';

export interface ForwardState {
  last_event_id: number;
  failures: number;
  next_attempt_at: number;
  last_error: string | null;
}

export function createXapiRepo(db: Db) {
  const s = {
    state: db.prepare('SELECT last_event_id, failures, next_attempt_at, last_error FROM xapi_forwarding WHERE id = 1'),
    advance: db.prepare('UPDATE xapi_forwarding SET last_event_id = ?, failures = 0, next_attempt_at = 0, last_error = NULL WHERE id = 1'),
    fail: db.prepare('UPDATE xapi_forwarding SET failures = failures + 1, next_attempt_at = ?, last_error = ? WHERE id = 1'),
  };
  return {
    state: () => s.state.get() as ForwardState,
    advance: (lastEventId: number) => s.advance.run(lastEventId),
    fail: (nextAttemptAt: number, error: string) => s.fail.run(nextAttemptAt, error.slice(0, 500)),
  };
}
export type XapiRepo = ReturnType<typeof createXapiRepo>;
