// The slow projects' time limit per test and hook (jest reads `testTimeout` only from the top-level config).
jest.setTimeout(180_000);
