import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './config';
import type { Database } from './db/ports';
import { MigrationError } from './db/migrations';
import { PackInvalidError } from './content/load';
import { createApp } from './app';
import type { Services } from './compose';
import { openRuntime } from './runtime';
import { closeCompilePool } from './content/compile-pool';
import { bootstrapAdmin } from './users/bootstrap';
import { createLogger, type Logger } from './shared/logger';

export interface RunningServer {
  server: http.Server;
  db: Database;
  port: number;
  close(): Promise<void>;
}

/**
 * config → database (migrated) → pack → compose() → createApp → listen, then the background jobs.
 * Throws with a clear message when any step fails.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const { db, pack, services } = await openRuntime(config, logger);
  try {
    await prepareFirstRun(config, services, logger);
    const sessionSecret = await services.auth.cookieSecret(config.SESSION_SECRET);
    // Stored variant versions are compiled in workers before the first request, never on a request's thread.
    const warmed = await services.packs.warm();
    if (warmed.compiled || warmed.failed.length) logger.info(warmed, 'variant versions compiled');
    const server = http.createServer(createApp(services, { ...config, sessionSecret }, logger));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, resolve);
    });
    const port = (server.address() as AddressInfo).port;
    logger.info(
      { port, host: config.HOST, pack: `${pack.id}@${pack.version}`, database: db.location },
      'Packway is serving',
    );
    await services.jobs.start();
    const close = async () => {
      await services.jobs.stop();
      await services.exportBuilds.close();
      await shutdown(server, db, config.SHUTDOWN_GRACE_MS, logger);
    };
    return { server, db, port, close };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** The first administrator: from the bootstrap settings, or through /setup with the code printed here. */
async function prepareFirstRun(config: Config, services: Services, logger: Logger): Promise<void> {
  if (await bootstrapAdmin(config, services))
    logger.info({ email: config.BOOTSTRAP_ADMIN_EMAIL }, 'first admin created');
  if ((await services.users.count()) > 0) return;
  const setupCode = await services.auth.newSetupCode();
  const where = `${config.publicUrl}/setup`;
  if (setupCode)
    logger.warn({ setupCode }, `No administrator yet: open ${where} and enter the set-up code ${setupCode}`);
  else logger.warn(`No administrator yet: open ${where} and enter the SETUP_CODE setting`);
}

/** Stops accepting connections, lets in-flight requests finish (bounded), then closes the database cleanly. */
async function shutdown(server: http.Server, db: Database, graceMs: number, logger: Logger): Promise<void> {
  logger.info('shutting down: no new connections');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // keep-alive connections become idle as their last request finishes: close them as they do
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    logger.warn('grace period over: closing remaining connections');
    server.closeAllConnections();
  }, graceMs);
  await closed;
  await closeCompilePool();
  clearInterval(sweeper);
  clearTimeout(timer);
  await db.close();
  logger.info('stopped cleanly');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL, {
    pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
  });
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    const known =
      err instanceof MigrationError || err instanceof PackInvalidError || err instanceof ConfigError;
    process.stderr.write(
      `Packway could not start: ${known ? (err as Error).message : (err as Error).stack}\n`,
    );
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) void main();
