import type { z } from 'zod';
import { Invalid, type ErrorDetail } from './errors';

/** Parses input with a zod schema, or throws Invalid listing every problem by field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new Invalid(zodDetails(result.error));
}

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: issue.path.filter((p) => typeof p !== 'symbol').join('.') || '(body)',
    message: issue.message,
  }));
}
