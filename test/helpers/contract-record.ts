/**
 * What the contract check saw in this test file: every API response validated against the OpenAPI document, and
 * each one that did not match it. `contract-setup.ts` fails the file when there is any violation.
 */
export const contract = {
  /** JSON responses under /api/v1 the validator checked. */
  checked: 0,
  violations: [] as string[],
};
