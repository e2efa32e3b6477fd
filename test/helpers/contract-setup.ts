import fs from 'node:fs';
import { contract } from './contract-record';
import { pageProblems } from './page-checks';

// Every test file: the API responses it produced (through test/helpers/app.ts) all match the OpenAPI document, and
// every page it received keeps the rules of test/helpers/page-checks.ts.
afterAll(() => {
  if (process.env.CONTRACT_REPORT)
    fs.appendFileSync(
      process.env.CONTRACT_REPORT,
      `${expect.getState().testPath}\t${contract.checked}\t${contract.violations.length}\n`,
    );
  expect(contract.violations).toEqual([]);
  expect(pageProblems).toEqual([]);
});
