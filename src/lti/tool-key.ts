import type { Clock } from '../shared/clock';
import type { LtiTokens } from './lti.ports';
import type { LtiRepo, ToolKeyRecord } from './lti.repo';

/** Packway's current key, made (once, whichever instance asks first: the table keeps one current key) when there is none. */
export async function currentToolKey(
  repo: Pick<LtiRepo, 'currentKey' | 'insertCurrentKey'>,
  tokens: Pick<LtiTokens, 'newToolKey'>,
  clock: Clock,
): Promise<ToolKeyRecord> {
  const existing = await repo.currentKey();
  if (existing) return existing;
  const made = await tokens.newToolKey();
  await repo.insertCurrentKey({ ...made, createdAt: clock.now() });
  return (await repo.currentKey())!;
}
