const { transform, transformIgnorePatterns } = require('./test/helpers/jest-transform');

/** Browser journeys: a separate jest run (npm run test:e2e), one server and one Chromium for the whole file. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform,
  transformIgnorePatterns,
  testTimeout: 60000,
  maxWorkers: 1,
};
