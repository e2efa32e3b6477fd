import { loadConfig } from '../config';
import { openRuntime } from '../runtime';
import { createLogger } from '../shared/logger';

/** `npm run retention`: erases the learning records of learners inactive for longer than RETENTION_MONTHS. */
function main(): number {
  const config = loadConfig();
  const { db, services } = openRuntime(config, createLogger('warn'));
  try {
    const erased = services.privacy.applyRetention(config.RETENTION_MONTHS);
    process.stdout.write(
      `Retention (${config.RETENTION_MONTHS} months): erased the records of ${erased} inactive ${erased === 1 ? 'person' : 'people'}\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}

process.exitCode = main();
