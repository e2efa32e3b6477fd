import path from 'node:path';
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
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/\S+$/,
      'must be a postgres:// URL (leave it unset for the SQLite file in DATA_DIR)',
    )
    .optional(),
  JOBS_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  JOBS_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  PG_BIN: z.string().min(1).optional(),
  DB_SYNCHRONOUS: z
    .enum(['full', 'normal', 'FULL', 'NORMAL'])
    .default('full')
    .transform((v) => v.toUpperCase() as 'FULL' | 'NORMAL'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  contentDir: string;
  /** The SQLite file, when DATABASE_URL is unset. */
  dbFile: string;
  publicUrl: string;
}

/** What the web app needs besides the settings: the cookie-signing secret every instance shares. */
export interface AppConfig extends Config {
  sessionSecret: string;
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
  return {
    ...e,
    dataDir,
    contentDir: path.resolve(e.CONTENT_DIR),
    dbFile: path.join(dataDir, 'packway.db'),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
  };
}
