#!/usr/bin/env bash
# Runs the browser tests for CI, writing jest's results to test-results/e2e.json.
cd "$(dirname "$0")/.."
npm run test:e2e --silent -- --json --outputFile=test-results/e2e.json
