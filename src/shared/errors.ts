import { z } from 'zod';

export interface ErrorDetail {
  field: string;
  message: string;
}

/** An error that carries its HTTP status; services throw these and one handler renders them. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export class NotFound extends HttpError {
  constructor(message = 'Page not found') {
    super(404, 'not_found', message);
  }
}

export class Unauthorized extends HttpError {
  /** `invalid_token` when a bearer token was sent but is unknown, expired or revoked (RFC 6750 §3.1). */
  constructor(
    message = 'Sign in to continue',
    readonly bearerError?: 'invalid_token',
  ) {
    super(401, 'unauthorized', message);
  }
}

export class Forbidden extends HttpError {
  constructor(message = 'You do not have permission to do that') {
    super(403, 'forbidden', message);
  }
}

export class Invalid extends HttpError {
  constructor(details: ErrorDetail[], message = 'There is a problem with what you sent') {
    super(422, 'invalid', message, details);
  }
}

export class Conflict extends HttpError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(409, 'conflict', message, details);
  }
}

export class TooLarge extends HttpError {
  constructor(message = 'The request is too large') {
    super(413, 'too_large', message);
  }
}

export class TooManyRequests extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too_many_requests',
      `Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
    );
  }
}

export class Unavailable extends HttpError {
  constructor(message = 'The service is unavailable. Try again later.') {
    super(503, 'unavailable', message);
  }
}

/** The one error body every API error answers with (the error handler writes it; the OpenAPI document names it Error). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;
