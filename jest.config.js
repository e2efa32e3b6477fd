// The whole suite runs twice: on SQLite (the embedded default) and on PostgreSQL (a throwaway cluster that
// test/global-setup.js starts from the machine's binaries). Without PostgreSQL installed only the SQLite run happens,
// and the run says so.
const { findPgBin } = require('./test/helpers/pg-cluster');

const { transform, transformIgnorePatterns } = require('./test/helpers/jest-transform');

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform,
  transformIgnorePatterns,
  // every test file's API responses must match the OpenAPI document (test/helpers/contract.ts)
  setupFilesAfterEnv: ['<rootDir>/test/helpers/contract-setup.ts'],
};

const engines = findPgBin() ? ['sqlite', 'postgres'] : ['sqlite'];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  projects: engines.map((engine) => ({
    ...common,
    displayName: engine,
    setupFiles: [`<rootDir>/test/helpers/engine-${engine}.js`],
  })),
};
