import { HttpError } from '../shared/errors';

/**
 * A launch that did not end in a session. `message` is for the person (shown on the page in the platform's frame);
 * `reason` is for the log and the audit trail, and may name what the platform sent.
 */
export class LaunchRefused extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly reason: string,
    /** The platform the launch came from, when known (for the audit trail). */
    readonly platform: string | null = null,
  ) {
    super(status, 'launch_refused', message);
  }
}
