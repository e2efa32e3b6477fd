import validate from '@learninglocker/xapi-validation';
import { statementSchema } from '../../src/xapi/xapi.schema';

/** Learning Locker's validator (errors and warnings alike) and our own schema; an empty list means valid. */
export function problemsOf(statement: unknown): string[] {
  const warnings = validate(statement).map((w) =>
    `${w.path.join('.')}: ${w.constructor.name} ${JSON.stringify(w.data)}`.slice(0, 300),
  );
  const parsed = statementSchema.safeParse(statement);
  const schema = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  return [...warnings, ...schema];
}
