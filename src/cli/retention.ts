import { loadConfig } from '../config';
import { openRuntime } from '../runtime';
import { createLogger } from '../shared/logger';

/**
 * `npm run retention`: erases now the learning records of learners inactive for longer than RETENTION_MONTHS (the
 * running app also does this daily, as a background job). Runs the same jobs, so it never erases anyone twice.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const { db, services } = await openRuntime(config, createLogger('warn'));
  try {
    const due = await services.privacy.retentionDue(config.RETENTION_MONTHS);
    await services.privacy.enqueueRetentionErasures(due);
    await services.jobs.runDue(['privacy.retention-erase']);
    process.stdout.write(
      `Retention (${config.RETENTION_MONTHS} months): erased the records of ${due.length} inactive ` +
        `${due.length === 1 ? 'person' : 'people'}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

void main().then((code) => {
  process.exitCode = code;
});
