import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).default('./content'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  SETUP_CODE: z.string().min(8, 'must be at least 8 characters').optional(),
  PUBLIC_URL: z.string().url().optional(),
  TRUST_PROXY: bool.default(false),
  SESSION_IDLE_MINUTES: positiveInt.default(60),
  SESSION_ABSOLUTE_HOURS: positiveInt.default(12),
  API_TOKEN_HOURS: positiveInt.default(24),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  RETENTION_MONTHS: positiveInt.default(36),
  XAPI_LRS_URL: z.string().url().optional(),
  XAPI_LRS_USERNAME: z.string().optional(),
  XAPI_LRS_PASSWORD: z.string().optional(),
  XAPI_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  SHUTDOWN_GRACE_MS: positiveInt.default(10000),
  // who runs this copy of Packway: shown on the contact, privacy, accessibility and cookies pages
  ORGANISATION_NAME: z.string().trim().min(1).max(200).optional(),
  SUPPORT_EMAIL: z.string().email().optional(),
  DPO_EMAIL: z.string().email().optional(),
  DB_SYNCHRONOUS: z
    .enum(['full', 'normal', 'FULL', 'NORMAL'])
    .default('full')
    .transform((v) => v.toUpperCase() as 'FULL' | 'NORMAL'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'SESSION_SECRET'> {
  sessionSecret: string;
  dataDir: string;
  contentDir: string;
  dbFile: string;
  publicUrl: string;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; a bad value names its setting. Unknown variables are ignored. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(e.BOOTSTRAP_ADMIN_PASSWORD)) {
    throw new ConfigError(
      'Invalid settings:\n  BOOTSTRAP_ADMIN_PASSWORD: set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD, or neither',
    );
  }
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) {
    throw new ConfigError(
      'Invalid settings:\n  PUBLIC_URL: required when NODE_ENV=production: the address people use (e.g. https://learning.example.org);' +
        ' it starts links in e-mails and every xAPI activity id, which must not change with the port or host',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const { SESSION_SECRET, ...rest } = e;
  return {
    ...rest,
    dataDir,
    contentDir: path.resolve(e.CONTENT_DIR),
    dbFile: path.join(dataDir, 'packway.db'),
    sessionSecret: SESSION_SECRET ?? readOrCreateSecret(dataDir),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
  };
}

/** SESSION_SECRET defaults to a random value generated once and kept in DATA_DIR. */
function readOrCreateSecret(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
