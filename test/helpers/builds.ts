import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBuildsService, type BuildsService } from '../../src/exports/builds.service';
import { diskExportCache } from '../../src/exports/export-cache';
import type { ExportRunner } from '../../src/exports/export-runner';
import { createLogger } from '../../src/shared/logger';
import type { TestApp } from './app';

/**
 * A builds service over the test app's packs with a runner of the test's own (one that fails, waits or must not run),
 * and a cache in `cacheDir` (a fresh temporary folder unless given), for `t.appWith({ exportBuilds })`.
 */
export function buildsWith(
  t: TestApp,
  run: ExportRunner['run'],
  options: { organisationName?: string; cacheDir?: string } = {},
): BuildsService {
  return createBuildsService({
    packs: t.services.packs,
    versions: { published: async () => [] },
    jobs: { enqueue: async () => undefined },
    cache: diskExportCache(
      options.cacheDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'packway-builds-')),
      t.clock,
    ),
    runner: { run, close: async () => undefined },
    clock: t.clock,
    logger: createLogger('silent'),
    organisationName: options.organisationName ?? '',
    siteUrl: t.config.publicUrl,
  });
}
