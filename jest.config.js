/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.js',
  // every test file's API responses must match the OpenAPI document (test/helpers/contract.ts)
  setupFilesAfterEnv: ['<rootDir>/test/helpers/contract-setup.ts'],
};
