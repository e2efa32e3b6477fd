import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** One readable line per entry (development); otherwise JSON lines for a log shipper. */
  pretty?: boolean;
  /** Where lines go (tests capture them); standard output by default. */
  destination?: DestinationStream;
}

/** Secrets and learners' own words never reach the log: these paths are censored wherever they appear. */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'evidence',
  '*.evidence',
  'text',
  '*.text',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Turns a JSON line into `12:00:01 INFO  message key=value …` for people reading a terminal. */
function readableLine(json: string): string {
  try {
    const { time, level, msg, err, ...rest } = JSON.parse(json) as Record<string, unknown>;
    const when = typeof time === 'string' ? time.slice(11, 19) : '';
    const fields = Object.entries(rest).map(
      ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
    const stack =
      err && typeof err === 'object' && 'stack' in err
        ? `\n${String((err as { stack: unknown }).stack)}`
        : '';
    return `${when} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')} ${fields.join(' ')}${stack}\n`;
  } catch {
    return json;
  }
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    base: undefined,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty) {
    const out = options.destination ?? process.stdout;
    return pino(settings, { write: (line: string) => void out.write(readableLine(line)) });
  }
  // pino's own destination (sonic-boom on standard output) unless a test gives one
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
