import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase, type Db } from './db/open';
import { migrate, MigrationError } from './db/migrate';
import { loadPack, PackInvalidError } from './content/load';
import { PackRegistry } from './content/registry';
import { createApp } from './app';
import { closeCompilePool } from './content/compile-pool';
import { bootstrapAdmin } from './users/bootstrap';
import { createLogger, type Logger } from './web/logger';

export interface RunningServer {
  server: http.Server;
  db: Db;
  port: number;
  close(): Promise<void>;
}

/** config → database (migrated) → content → app.listen. Throws with a clear message when any step fails. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const db = openDatabase(config.dbFile, config.DB_SYNCHRONOUS);
  try {
    const { applied, level } = migrate(db);
    if (applied.length) logger.info({ applied, level }, 'database migrated');
    const pack = loadPack(config.contentDir);
    const registry = new PackRegistry(pack);
    const app = createApp({ db, pack: registry, config, logger });
    if (await bootstrapAdmin(config, app.services)) logger.info({ email: config.BOOTSTRAP_ADMIN_EMAIL }, 'first admin created');
    if (app.services.users.count() === 0) {
      const setupCode = app.services.auth.newSetupCode();
      const where = `${config.publicUrl}/setup`;
      if (setupCode) logger.warn({ setupCode }, `No administrator yet: open ${where} and enter the set-up code ${setupCode}`);
      else logger.warn(`No administrator yet: open ${where} and enter the SETUP_CODE setting`);
    }
    // Stored variant versions are compiled in workers before the first request, never on a request's thread.
    const warmed = await app.services.variants.warmStoredVersions();
    if (warmed.compiled || warmed.failed.length) logger.info(warmed, 'variant versions compiled');
    const server = http.createServer(app);
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, resolve);
    });
    const port = (server.address() as AddressInfo).port;
    logger.info({ port, host: config.HOST, pack: `${pack.id}@${pack.version}` }, 'Packway is serving');
    const close = () => shutdown(server, db, config.SHUTDOWN_GRACE_MS, logger);
    return { server, db, port, close };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Stops accepting connections, lets in-flight requests finish (bounded), then closes the database cleanly. */
async function shutdown(server: http.Server, db: Db, graceMs: number, logger: Logger): Promise<void> {
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
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
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
  const logger = createLogger(config.LOG_LEVEL, { pretty: config.NODE_ENV === 'development' && process.stdout.isTTY });
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    const known = err instanceof MigrationError || err instanceof PackInvalidError || err instanceof ConfigError;
    process.stderr.write(`Packway could not start: ${known ? (err as Error).message : (err as Error).stack}\n`);
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
