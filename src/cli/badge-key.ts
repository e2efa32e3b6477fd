import { loadConfig } from '../config';
import { openRuntime } from '../runtime';
import { createLogger } from '../shared/logger';

/**
 * `npm run badges:rotate-key`: retires the Open Badges issuer's signing key and makes a new one in the database
 * (every instance signs with it from the next badge). Badges signed before still verify: the old public key stays
 * published at its address. Prints the new key's address, never a secret.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const { db, services } = await openRuntime(config, createLogger('warn'));
  try {
    const key = await services.badges.rotateKey();
    process.stdout.write(
      `Badges: new signing key ${key}; the old one verifies what it signed and signs no more\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

void main().then((code) => {
  process.exitCode = code;
});
