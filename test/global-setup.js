// Once per jest run: build dist/ if needed (tests that start the real server run it), and start the throwaway
// PostgreSQL cluster the postgres project's tests create their databases on.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { findPgBin, startCluster } = require('./helpers/pg-cluster');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-if-needed.js')], {
    stdio: 'inherit',
  });
  if (!findPgBin()) {
    process.stderr.write(
      '\nPostgreSQL not found (no /usr/lib/postgresql/*/bin, no PG_BIN): the PostgreSQL run of the suite is SKIPPED.\n' +
        'Install Debian\'s "postgresql" package (.ci/run does) to run every test on both engines.\n\n',
    );
    return;
  }
  const cluster = await startCluster();
  globalThis.__packwayCluster = cluster;
  process.env.PACKWAY_TEST_PG_URL = cluster.url;
};
