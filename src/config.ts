import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

type SsoRole = 'learner' | 'trainer' | 'admin';
const SSO_ROLES: readonly string[] = ['learner', 'trainer', 'admin'];

/** `App.Role=packway-role,…`: which values of the role claim give which Packway role (claim values match exactly). */
function parseRoleMap(text: string, ctx: z.RefinementCtx): Record<string, SsoRole> {
  const map: Record<string, SsoRole> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    const [value, role] = [
      pair.slice(0, eq).trim(),
      pair
        .slice(eq + 1)
        .trim()
        .toLowerCase(),
    ];
    if (eq <= 0 || !SSO_ROLES.includes(role)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${pair}": expected claim-value=learner|trainer|admin, separated by commas`,
      });
      return map;
    }
    map[value] = role as SsoRole;
  }
  return map;
}

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
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ALLOWED_TENANTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
  OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  OIDC_ROLE_MAP: z
    .string()
    .default('Packway.Admin=admin,Packway.Trainer=trainer,Packway.Learner=learner')
    .transform((v, ctx) => parseRoleMap(v, ctx)),
  OIDC_DEFAULT_ROLE: z.enum(['learner', 'trainer', 'admin', 'none']).default('learner'),
  OIDC_BUTTON_TEXT: z.string().trim().min(1).max(80).default('Sign in with your organisation account'),
  LOCAL_PASSWORDS: z.enum(['on', 'off']).default('on'),
  // mail (issue 28): how messages leave, and when reminders and summaries are sent
  MAIL_TRANSPORT: z.enum(['smtp', 'notify', 'log']).default('log'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465')
    .optional(),
  MAIL_FROM: z.string().trim().min(3).optional(),
  MAIL_REPLY_TO: z.string().email().optional(),
  NOTIFY_API_KEY: z
    .string()
    .regex(
      /^.+-[0-9a-f-]{36}-[0-9a-f-]{36}$/,
      'must be a GOV.UK Notify API key: name-<service id>-<secret>, as Notify shows it',
    )
    .optional(),
  NOTIFY_TEMPLATE_ID: z.string().uuid('must be the id of the Notify email template').optional(),
  NOTIFY_BASE_URL: z.string().url().default('https://api.notifications.service.gov.uk'),
  REMINDER_DAYS_BEFORE: z.coerce.number().int().min(0).max(60).default(3),
  REMINDER_CHECK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  TRAINER_DIGEST_DAY: z
    .enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'off'])
    .default('monday'),
  SELF_ASSESSMENT_REPEAT_WEEKS: z.coerce.number().int().min(0).max(104).default(12),
  DB_SYNCHRONOUS: z
    .enum(['full', 'normal', 'FULL', 'NORMAL'])
    .default('full')
    .transform((v) => v.toUpperCase() as 'FULL' | 'NORMAL'),
});

export type Env = z.infer<typeof envSchema>;

/** Single sign-on with OpenID Connect, when OIDC_ISSUER is set. */
export interface SsoConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  /** Tenant ids (Entra `tid`) allowed to sign in; empty when the issuer alone decides. */
  allowedTenants: string[];
  roleClaim: string;
  roleMap: Record<string, SsoRole>;
  /** The role of someone whose claim gives none; 'none' refuses them. */
  defaultRole: SsoRole | 'none';
  /** Where the provider sends people back: PUBLIC_URL + /login/sso/callback, as registered at the provider. */
  redirectUri: string;
  /** Where the provider sends people after signing out there. */
  postLogoutRedirectUri: string;
  buttonText: string;
}

/** How messages leave (MAIL_TRANSPORT and its settings), checked at start. */
export type MailConfig =
  | { transport: 'log' }
  | { transport: 'smtp'; url: string; from: string; replyTo: string | undefined }
  | { transport: 'notify'; apiKey: string; templateId: string; baseUrl: string };

export interface Config extends Env {
  mail: MailConfig;
  /** Set when single sign-on is configured. */
  sso: SsoConfig | undefined;
  /** false when LOCAL_PASSWORDS=off: only break-glass administrators may sign in with a password. */
  localPasswords: boolean;
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
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    ...e,
    sso: ssoConfig(e, publicUrl),
    mail: mailConfig(e),
    localPasswords: e.LOCAL_PASSWORDS === 'on',
    dataDir,
    contentDir: path.resolve(e.CONTENT_DIR),
    dbFile: path.join(dataDir, 'packway.db'),
    publicUrl,
  };
}

/** The settings MAIL_TRANSPORT needs, each named when it is missing. */
function mailConfig(e: Env): MailConfig {
  const missing = (setting: string) =>
    new ConfigError(`Invalid settings:\n  ${setting}: required when MAIL_TRANSPORT=${e.MAIL_TRANSPORT}`);
  if (e.MAIL_TRANSPORT === 'smtp') {
    if (!e.SMTP_URL) throw missing('SMTP_URL');
    if (!e.MAIL_FROM) throw missing('MAIL_FROM');
    return { transport: 'smtp', url: e.SMTP_URL, from: e.MAIL_FROM, replyTo: e.MAIL_REPLY_TO };
  }
  if (e.MAIL_TRANSPORT === 'notify') {
    if (!e.NOTIFY_API_KEY) throw missing('NOTIFY_API_KEY');
    if (!e.NOTIFY_TEMPLATE_ID) throw missing('NOTIFY_TEMPLATE_ID');
    return {
      transport: 'notify',
      apiKey: e.NOTIFY_API_KEY,
      templateId: e.NOTIFY_TEMPLATE_ID,
      baseUrl: e.NOTIFY_BASE_URL.replace(/\/$/, ''),
    };
  }
  return { transport: 'log' };
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

function ssoConfig(e: Env, publicUrl: string): SsoConfig | undefined {
  const invalid = (setting: string, message: string) =>
    new ConfigError(`Invalid settings:\n  ${setting}: ${message}`);
  if (!e.OIDC_ISSUER) {
    if (e.LOCAL_PASSWORDS === 'off')
      throw invalid('LOCAL_PASSWORDS', 'off needs single sign-on: set OIDC_ISSUER and OIDC_CLIENT_ID');
    return undefined;
  }
  const issuer = new URL(e.OIDC_ISSUER);
  // a provider over plain http is only ever a test or development one on this machine
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname)))
    throw invalid(
      'OIDC_ISSUER',
      'must be an https:// address (http:// is accepted only on 127.0.0.1 or localhost)',
    );
  if (!e.OIDC_CLIENT_ID) throw invalid('OIDC_CLIENT_ID', 'required when OIDC_ISSUER is set');
  return {
    issuer,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    allowedTenants: e.OIDC_ALLOWED_TENANTS ?? [],
    roleClaim: e.OIDC_ROLE_CLAIM,
    roleMap: e.OIDC_ROLE_MAP,
    defaultRole: e.OIDC_DEFAULT_ROLE,
    redirectUri: `${publicUrl}/login/sso/callback`,
    postLogoutRedirectUri: `${publicUrl}/login?signed-out=1`,
    buttonText: e.OIDC_BUTTON_TEXT,
  };
}
