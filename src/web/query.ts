import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError, Invalid } from '../shared/errors';
import { isApi } from './guards';
import { zodDetails } from '../shared/validate';

/**
 * Parses a query string with a zod schema. The API answers 422 with every problem; a page answers 400,
 * since its links are made by the service and a bad query means a hand-edited address.
 */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.query);
  if (result.success) return result.data;
  const details = zodDetails(result.error);
  if (isApi(req)) throw new Invalid(details, 'The query string has problems');
  throw new HttpError(400, 'bad_query', 'The address has a problem: go back and try again', details);
}
