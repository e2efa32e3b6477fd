import fs from 'node:fs';
import { contract } from './contract-record';

// Every test file: the API responses it produced (through test/helpers/app.ts) all match the OpenAPI document.
afterAll(() => {
  if (process.env.CONTRACT_REPORT)
    fs.appendFileSync(
      process.env.CONTRACT_REPORT,
      `${expect.getState().testPath}\t${contract.checked}\t${contract.violations.length}\n`,
    );
  expect(contract.violations).toEqual([]);
});
