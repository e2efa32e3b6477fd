import { compose, type Services } from './compose';
import type { Config } from './config';
import { loadPack } from './content/load';
import type { Pack } from './content/types';
import { migrate } from './db/sqlite/migrate';
import { openDatabase, type Db } from './db/sqlite/open';
import type { Logger } from './shared/logger';

export interface Runtime {
  db: Db;
  pack: Pack;
  services: Services;
}

/** What every entry point (the server, the CLIs) starts from: the database migrated, the pack compiled, services composed. */
export function openRuntime(config: Config, logger: Logger): Runtime {
  const db = openDatabase(config.dbFile, config.DB_SYNCHRONOUS);
  try {
    const { applied, level } = migrate(db);
    if (applied.length) logger.info({ applied, level }, 'database migrated');
    const pack = loadPack(config.contentDir);
    return { db, pack, services: compose({ db, pack, config, logger }) };
  } catch (err) {
    db.close();
    throw err;
  }
}
