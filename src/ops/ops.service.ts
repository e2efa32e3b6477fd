import type { PackRegistry } from '../content/registry';
import type { OpsRepo } from './ops.repo';

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

/** Readiness for a load balancer: the database answers and the pack is compiled. */
export function createOpsService(repo: OpsRepo, packs: PackRegistry) {
  async function readiness(): Promise<Readiness> {
    const checks: Record<string, string> = {};
    let ready = true;
    try {
      await repo.ping();
      checks.database = `ok (migration ${await repo.migrationLevel()})`;
    } catch (err) {
      ready = false;
      checks.database = `failing: ${(err as Error).message}`;
    }
    const pack = packs.base;
    if (pack.modules.size > 0) checks.pack = `ok (${pack.id}@${pack.version}, ${pack.modules.size} modules)`;
    else {
      ready = false;
      checks.pack = 'not compiled';
    }
    return { ready, checks };
  }
  return { readiness };
}
export type OpsService = ReturnType<typeof createOpsService>;
