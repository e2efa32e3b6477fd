import type { Logger } from 'pino';
import type { Role } from '../users/users.schema';

declare global {
  namespace Express {
    interface User {
      id: number;
      email: string;
      name: string;
      role: Role;
      /** See Actor.pinnedVersionId. */
      pinnedVersionId?: number | null;
    }
    interface Request {
      /** How the request was signed in, if at all. */
      authVia?: 'session' | 'bearer';
      /** The session's hashed id and CSRF token (page sessions only). */
      sessionInfo?: {
        idHash: string;
        csrfToken: string;
        previewVersionId: number | null;
        /** The origin that may frame this session's pages (a session made by an LTI launch), else null. */
        frameOrigin: string | null;
      };
      requestId: string;
      /** Leaves a message for the next page of this browser session (a no-op for API callers). */
      flash(text: string): Promise<void>;
      /** The logger bound to this request's id: every line it writes carries `reqId`. */
      log: Logger;
    }
  }
}

export {};
