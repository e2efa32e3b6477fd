#!/usr/bin/env node
// `npm run lint:api`: writes the generated OpenAPI document to a temporary file and lints it with Redocly CLI
// (redocly.yaml: the recommended rules). Fails on any error or warning, so the document stays clean.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const { buildOpenApiDocument } = require(path.join(root, 'dist', 'src', 'web', 'openapi.js'));
const { apiOperations, apiRoutes } = require(path.join(root, 'dist', 'src', 'routes.js'));

// the contracts are recorded as the API's routers are made; no route runs, so the services are never called
const operations = apiOperations(apiRoutes({}, { publicUrl: 'http://localhost:3000' }));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-openapi-'));
const file = path.join(dir, 'openapi.json');
fs.writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(operations), null, 2)}\n`);
const cli = require.resolve('@redocly/cli/bin/cli.js');
const config = ['--config', path.join(root, 'redocly.yaml')];
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

// the readable report first, then the counts from the JSON report (Redocly exits 0 on warnings)
spawnSync(process.execPath, [cli, 'lint', file, ...config], { stdio: 'inherit', env, cwd: root });
const report = spawnSync(process.execPath, [cli, 'lint', file, ...config, '--format', 'json'], {
  encoding: 'utf8',
  env,
  cwd: root,
});
fs.rmSync(dir, { recursive: true, force: true });
let totals;
try {
  totals = JSON.parse(report.stdout).totals;
} catch {
  process.stderr.write(`lint:api: could not read Redocly's report\n${report.stdout}\n${report.stderr}\n`);
  process.exit(1);
}
process.stdout.write(`lint:api: ${totals.errors} errors, ${totals.warnings} warnings\n`);
process.exit(totals.errors + totals.warnings === 0 ? 0 : 1);
