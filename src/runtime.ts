import { compose, type Services } from './compose';
import type { Config } from './config';
import { loadPack } from './content/load';
import type { Pack } from './content/types';
import { openDatabase } from './db/open';
import type { Database } from './db/ports';
import type { Logger } from './shared/logger';

export interface Runtime {
  db: Database;
  pack: Pack;
  services: Services;
}

/** What every entry point (the server, the CLIs) starts from: the database migrated, the pack compiled, services composed. */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const db = openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    poolSize: config.DB_POOL_SIZE,
    synchronous: config.DB_SYNCHRONOUS,
    onIdleError: (err) => logger.warn({ err }, 'a database connection was lost (it is replaced on next use)'),
  });
  try {
    const { applied, level } = await db.migrate();
    // not `level`: pino writes its own level under that key, and a second one would overwrite it for log readers
    if (applied.length) logger.info({ applied, migrationLevel: level }, 'database migrated');
    const pack = loadPack(config.contentDir);
    return { db, pack, services: compose({ db, pack, config, logger }) };
  } catch (err) {
    await db.close();
    throw err;
  }
}
