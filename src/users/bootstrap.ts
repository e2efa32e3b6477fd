import type { Config } from '../config';
import { Conflict } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { createUserSchema } from './users.schema';
import type { UsersService } from './users.service';

/**
 * With BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD set and no users yet, creates that first admin (once, however
 * many instances start).
 */
export async function bootstrapAdmin(
  config: Config,
  services: { users: Pick<UsersService, 'count' | 'create'> },
): Promise<boolean> {
  if (!config.BOOTSTRAP_ADMIN_EMAIL || !config.BOOTSTRAP_ADMIN_PASSWORD) return false;
  if ((await services.users.count()) > 0) return false;
  const admin = parseInput(createUserSchema, {
    email: config.BOOTSTRAP_ADMIN_EMAIL,
    name: 'Administrator',
    role: 'admin',
    password: config.BOOTSTRAP_ADMIN_PASSWORD,
  });
  try {
    await services.users.create(admin, null);
  } catch (err) {
    // instances starting together: another one created this admin a moment ago
    if (err instanceof Conflict) return false;
    throw err;
  }
  return true;
}
