import type { Response } from 'express';

/**
 * Every 401 says how to authenticate (RFC 9110 §11.6.1): a bearer token in realm "packway" (RFC 6750 §3), with
 * `error="invalid_token"` when the token sent is unknown, expired or revoked.
 */
export function challenge(res: Response, error?: 'invalid_token'): void {
  res.setHeader('WWW-Authenticate', `Bearer realm="packway"${error ? `, error="${error}"` : ''}`);
}
