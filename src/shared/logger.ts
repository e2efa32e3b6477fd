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

/** Where each logger made here writes its lines (pino's stream, or the readable-line writer). */
const streams = new WeakMap<Logger, { write(line: string): unknown }>();

/**
 * A writer of one kind of info line that skips pino's per-call work (redaction, child bindings, serialisers) for a
 * line whose fields are known to need none: the same JSON pino would write (`level`, `time`, the fields, `msg`), to the
 * same place, when info is on. Undefined when this logger was not made by createLogger (a child, or a test's own): then
 * the caller logs through pino.
 */
export function infoLineWriter(logger: Logger): ((fieldsJson: string, msg: string) => void) | undefined {
  const stream = streams.get(logger);
  if (!stream) return undefined;
  return (fieldsJson, msg) => {
    if (logger.levelVal > 30) return; // info is off (the level can change while running)
    stream.write(
      `{"level":30,"time":"${new Date().toISOString()}",${fieldsJson},"msg":${JSON.stringify(msg)}}\n`,
    );
  };
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    base: undefined,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  let logger: Logger;
  if (options.pretty) {
    const out = options.destination ?? process.stdout;
    logger = pino(settings, { write: (line: string) => void out.write(readableLine(line)) });
  } else {
    // pino's own destination (sonic-boom on standard output) unless a test gives one
    logger = options.destination ? pino(settings, options.destination) : pino(settings);
  }
  streams.set(
    logger,
    (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym],
  );
  return logger;
}
