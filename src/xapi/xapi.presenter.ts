import type { ForwardState } from './xapi.repo';

/** Forwarding as operators read it (the names of the `xapi_forwarding` columns). */
export function forwardingStatus(state: ForwardState) {
  return {
    last_event_id: state.lastEventId,
    failures: state.failures,
    next_attempt_at: state.nextAttemptAt,
    last_error: state.lastError,
  };
}
