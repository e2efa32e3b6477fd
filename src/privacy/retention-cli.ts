import { loadConfig } from '../config';
import { openDatabase } from '../db/open';
import { migrate } from '../db/migrate';
import { createAuditRepo } from '../audit/audit.repo';
import { createPrivacyRepo } from './privacy.repo';
import { createPrivacyService } from './privacy.service';

/** `npm run retention`: erases the learning records of learners inactive for longer than RETENTION_MONTHS. */
function main(): number {
  const config = loadConfig();
  const db = openDatabase(config.dbFile, config.DB_SYNCHRONOUS);
  try {
    migrate(db);
    const privacy = createPrivacyService(db, createPrivacyRepo(db), createAuditRepo(db));
    const erased = privacy.applyRetention(config.RETENTION_MONTHS);
    process.stdout.write(`Retention (${config.RETENTION_MONTHS} months): erased the records of ${erased} inactive ${erased === 1 ? 'person' : 'people'}\n`);
    return 0;
  } finally {
    db.close();
  }
}

process.exitCode = main();
