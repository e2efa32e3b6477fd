import path from 'node:path';
import { loadConfig } from '../config';
import {
  BackupError,
  backupDatabase,
  backupPostgres,
  displayDatabaseUrl,
  restoreDatabase,
  restorePostgres,
} from '../ops/backup';

const START_AFTER_RESTORE = 'Start the app: it applies any newer migrations.';

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** `npm run backup -- FILE` and `npm run restore -- FILE` (the command is the first argument). */
async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  if ((command !== 'backup' && command !== 'restore') || !file) {
    process.stderr.write('usage: npm run backup -- FILE | npm run restore -- FILE\n');
    return 2;
  }
  try {
    const config = loadConfig();
    const target = path.resolve(file);
    const started = Date.now();
    if (config.DATABASE_URL) {
      const where = `PostgreSQL ${displayDatabaseUrl(config.DATABASE_URL)}`;
      const options = { pgBin: config.PG_BIN };
      if (command === 'backup') {
        const c = await backupPostgres(config.DATABASE_URL, target, options);
        process.stdout.write(
          `Backed up ${where} to ${c.file}: ${mib(c.bytes)} MiB, ${c.users} users, ` +
            `migration ${c.migrationLevel} (${Date.now() - started} ms)\n`,
        );
      } else {
        const c = await restorePostgres(target, config.DATABASE_URL, options);
        process.stdout.write(
          `Restored ${c.file} into ${where}: ${c.users} users, migration ${c.migrationLevel} ` +
            `(${Date.now() - started} ms). ${START_AFTER_RESTORE}\n`,
        );
      }
    } else if (command === 'backup') {
      const c = await backupDatabase(config.dbFile, target);
      process.stdout.write(
        `Backed up ${config.dbFile} to ${c.file}: ${mib(c.bytes)} MiB, ${c.users} users, ` +
          `migration ${c.migrationLevel}, integrity ok (${Date.now() - started} ms)\n`,
      );
    } else {
      const c = restoreDatabase(target, config.dbFile);
      process.stdout.write(
        `Restored ${c.file} into ${config.dbFile}: ${c.users} users, migration ${c.migrationLevel}, integrity ok. ` +
          `${START_AFTER_RESTORE}\n`,
      );
    }
    return 0;
  } catch (err) {
    process.stderr.write(
      `${command} failed: ${err instanceof BackupError ? err.message : (err as Error).stack}\n`,
    );
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
