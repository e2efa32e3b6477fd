// The whole suite runs twice: on SQLite (the embedded default) and on PostgreSQL (a throwaway cluster that
// test/global-setup.js starts from the machine's binaries). Without PostgreSQL installed only the SQLite run happens,
// and the run says so. Each engine has a quick project and a slow one: the route sweeps and other long tests run in
// their own project with a generous time limit, so a busy machine cannot push them over the quick projects' limit and
// `npx jest --selectProjects sqlite` stays quick while working.
const { findPgBin } = require('./test/helpers/pg-cluster');

const { transform, transformIgnorePatterns } = require('./test/helpers/jest-transform');

/** Tests that sweep every route or fuzz, or start processes and clusters (or LibreOffice) of their own. */
const SLOW = [
  'test/http/bad-requests.test.ts',
  'test/http/fuzz.test.ts',
  'test/http/hardening.test.ts',
  'test/ops/process.test.ts',
  'test/ops/backup-postgres.test.ts',
  'test/variants/variants-offthread.test.ts',
  'test/messages/instances.test.ts',
  'test/exports/trainer-pack.test.ts',
  'test/exports/pptx.test.ts',
  'test/exports/docx.test.ts',
  'test/exports/packages-http.test.ts',
].map((file) => `<rootDir>/${file}`);

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform,
  transformIgnorePatterns,
  // every test file's API responses must match the OpenAPI document (test/helpers/contract.ts)
  setupFilesAfterEnv: ['<rootDir>/test/helpers/contract-setup.ts'],
};

const engines = findPgBin() ? ['sqlite', 'postgres'] : ['sqlite'];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  projects: engines.flatMap((engine) => {
    const onEngine = { ...common, setupFiles: [`<rootDir>/test/helpers/engine-${engine}.js`] };
    return [
      {
        ...onEngine,
        displayName: engine,
        testMatch: ['**/*.test.ts'],
        testPathIgnorePatterns: ['/node_modules/', ...SLOW],
      },
      {
        ...onEngine,
        displayName: `${engine}:slow`,
        testMatch: SLOW,
        setupFilesAfterEnv: [...common.setupFilesAfterEnv, '<rootDir>/test/helpers/slow-timeout.ts'],
      },
    ];
  }),
};
