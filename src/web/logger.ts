import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs in production; one line per entry in development. Secrets never reach the logger: see redact. */
export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'req.headers.authorization', 'req.headers.cookie', 'evidence', 'text'],
      censor: '[redacted]',
    },
    ...(pretty
      ? {
          formatters: { level: (label: string) => ({ level: label }) },
          timestamp: pino.stdTimeFunctions.isoTime,
        }
      : { timestamp: pino.stdTimeFunctions.isoTime }),
  });
}
