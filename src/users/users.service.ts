import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { AuthRepo } from '../auth/auth.repo';
import { hashPassword, newToken } from '../auth/password';
import { isoOf, type Clock } from '../shared/clock';
import { parseCsv } from '../shared/csv';
import type { Actor as FullActor } from '../shared/actor';
import { Conflict, Invalid, NotFound, type ErrorDetail } from '../shared/errors';
import { zodDetails } from '../shared/validate';
import { importRowSchema, passwordSchema, type CreateUserInput, type Role } from './users.schema';
import type { UserRecord, UserSearchResult, UsersRepo } from './users.repo';

/** Who did something, for the audit log. */
export type Actor = Pick<FullActor, 'id' | 'email' | 'ip'>;

export const PASSWORD_LINK_HOURS = 72;

/** Queues an invitation to a new person, inside the unit of work that creates them (the messages service). */
export type Inviter = (user: UserRecord, actorId: number | null) => Promise<void>;

export function createUsersService(
  uow: UnitOfWork,
  users: UsersRepo,
  auth: AuthRepo,
  audit: AuditRepo,
  clock: Clock,
  invite: Inviter = async () => undefined,
) {
  const now = () => isoOf(clock);

  /** Creates a person; with `invite` (and no password given) they are sent an invitation in the same transaction. */
  async function create(data: CreateUserInput, actor: Actor | null): Promise<UserRecord> {
    if (await users.byEmail(data.email)) {
      throw new Conflict('A user with that email address already exists', [
        { field: 'email', message: 'A user with that email address already exists' },
      ]);
    }
    const passwordHash = data.password ? await hashPassword(data.password) : null;
    const id = await uow.run(async () => {
      const newId = await users.insert(
        { email: data.email, name: data.name, role: data.role, passwordHash },
        now(),
      );
      await audit.record({
        actorId: actor?.id,
        actorEmail: actor?.email,
        action: 'user.create',
        target: `user:${newId}`,
        detail: data.role,
        ip: actor?.ip,
      });
      if (data.invite && !data.password) await invite((await users.byId(newId))!, actor?.id ?? null);
      return newId;
    });
    return (await users.byId(id))!;
  }

  /**
   * CSV `email,name,role`: every row checked; all created in one transaction, or none with a report per row. With
   * `inviteAll` each person is sent an invitation in that transaction.
   */
  async function importCsv(csv: string, actor: Actor, inviteAll = false): Promise<UserRecord[]> {
    const rows = parseCsv(csv);
    const header = rows.shift()?.map((h) => h.trim().toLowerCase());
    if (!header || header.join(',') !== 'email,name,role') {
      throw new Invalid([{ field: 'row 1', message: 'The first row must be the header: email,name,role' }]);
    }
    const details: ErrorDetail[] = [];
    const seen = new Set<string>();
    const valid: { email: string; name: string; role: Role }[] = [];
    for (const [i, cells] of rows.entries()) {
      const rowNo = i + 2;
      if (cells.length === 1 && cells[0].trim() === '') continue;
      if (cells.length !== 3) {
        details.push({
          field: `row ${rowNo}`,
          message: `Expected 3 values (email,name,role), found ${cells.length}`,
        });
        continue;
      }
      const parsed = importRowSchema.safeParse({
        email: cells[0],
        name: cells[1],
        role: cells[2].trim().toLowerCase(),
      });
      if (!parsed.success) {
        for (const d of zodDetails(parsed.error))
          details.push({ field: `row ${rowNo}`, message: `${d.field}: ${d.message}` });
        continue;
      }
      const key = parsed.data.email.toLowerCase();
      if (seen.has(key))
        details.push({
          field: `row ${rowNo}`,
          message: `email: ${parsed.data.email} appears twice in the file`,
        });
      else if (await users.byEmail(key))
        details.push({
          field: `row ${rowNo}`,
          message: `email: ${parsed.data.email} already has an account`,
        });
      seen.add(key);
      valid.push(parsed.data);
    }
    if (valid.length === 0 && details.length === 0)
      details.push({ field: 'file', message: 'The file has no rows after the header' });
    if (details.length > 0)
      throw new Invalid(details, 'The file was not imported: fix every row listed and upload it again');
    const ids = await uow.run(async () => {
      const created: number[] = [];
      for (const u of valid) {
        const newId = await users.insert({ ...u, passwordHash: null }, now());
        if (inviteAll) await invite((await users.byId(newId))!, actor.id);
        created.push(newId);
      }
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'user.import',
        detail: `${created.length} users`,
        ip: actor.ip,
      });
      return created;
    });
    const out: UserRecord[] = [];
    for (const id of ids) out.push((await users.byId(id))!);
    return out;
  }

  async function get(id: number): Promise<UserRecord> {
    const u = await users.byId(id);
    if (!u) throw new NotFound('No such user');
    return u;
  }

  /** One page of accounts, with how many match in all. */
  async function search(
    q: string | null,
    role: Role | null,
    limit: number,
    offset: number,
  ): Promise<UserSearchResult> {
    return users.search(q, role, limit, offset);
  }

  async function count(): Promise<number> {
    return users.count();
  }

  async function changeRole(id: number, role: Role, actor: Actor): Promise<void> {
    const u = await users.byId(id);
    if (!u) throw new NotFound('No such user');
    if (u.role === role) return;
    if (u.role === 'admin' && !u.disabled && (await users.activeAdmins()) <= 1) {
      throw new Conflict('You cannot remove the last admin', [
        { field: 'role', message: 'Keep at least one admin' },
      ]);
    }
    await uow.run(async () => {
      await users.setRole(id, role);
      await auth.deleteSessionsOf(id);
      await auth.revokeTokensOf(id, now());
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'user.role',
        target: `user:${id}`,
        detail: `${u.role} -> ${role}`,
        ip: actor.ip,
      });
    });
  }

  async function setDisabled(id: number, disabled: boolean, actor: Actor): Promise<void> {
    const u = await users.byId(id);
    if (!u) throw new NotFound('No such user');
    if (disabled && u.role === 'admin' && !u.disabled && (await users.activeAdmins()) <= 1) {
      throw new Conflict('You cannot disable the last admin', [
        { field: 'disabled', message: 'Keep at least one admin' },
      ]);
    }
    await uow.run(async () => {
      await users.setDisabled(id, disabled);
      if (disabled) {
        await auth.deleteSessionsOf(id);
        await auth.revokeTokensOf(id, now());
        await auth.expireLinksOf(id, now());
      }
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: disabled ? 'user.disable' : 'user.enable',
        target: `user:${id}`,
        ip: actor.ip,
      });
    });
  }

  /** A one-time link to set a password; only its hash is stored. */
  async function issuePasswordLink(
    id: number,
    actor: Actor | null,
  ): Promise<{ token: string; expiresAt: string }> {
    const u = await users.byId(id);
    if (!u) throw new NotFound('No such user');
    const { token, hash } = newToken();
    const expiresAt = new Date(clock.now() + PASSWORD_LINK_HOURS * 3600_000).toISOString();
    await uow.run(async () => {
      await auth.expireLinksOf(id, now());
      await auth.createLink(hash, id, actor?.id ?? null, expiresAt, now());
      await audit.record({
        actorId: actor?.id,
        actorEmail: actor?.email,
        action: 'user.password_link',
        target: `user:${id}`,
        ip: actor?.ip,
      });
    });
    return { token, expiresAt };
  }

  /**
   * A fresh one-time link for everyone who cannot sign in yet (no password, not disabled), in one transaction: for
   * handing out after an import. Each new link cancels the person's earlier one.
   */
  async function issuePendingLinks(
    actor: Actor,
  ): Promise<{ user: UserRecord; token: string; issuedAt: string; expiresAt: string }[]> {
    const pending = await users.withoutPassword();
    if (pending.length === 0) return [];
    const issuedAt = now();
    const expiresAt = new Date(clock.now() + PASSWORD_LINK_HOURS * 3600_000).toISOString();
    return uow.run(async () => {
      const out: { user: UserRecord; token: string; issuedAt: string; expiresAt: string }[] = [];
      for (const user of pending) {
        const { token, hash } = newToken();
        await auth.expireLinksOf(user.id, now());
        await auth.createLink(hash, user.id, actor.id, expiresAt, now());
        out.push({ user, token, issuedAt, expiresAt });
      }
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'user.password_links',
        detail: `${out.length} links`,
        ip: actor.ip,
      });
      return out;
    });
  }

  /** Accounts still waiting for their first password (not disabled). */
  async function withoutPassword(): Promise<UserRecord[]> {
    return users.withoutPassword();
  }

  async function setPassword(id: number, password: string, ip?: string): Promise<void> {
    const checked = passwordSchema.safeParse(password);
    if (!checked.success)
      throw new Invalid(zodDetails(checked.error).map((d) => ({ ...d, field: 'password' })));
    const hash = await hashPassword(password);
    await uow.run(async () => {
      await users.setPassword(id, hash, now());
      await auth.revokeTokensOf(id, now());
      await auth.deleteSessionsOf(id);
      await auth.expireLinksOf(id, now());
      await audit.record({ actorId: id, action: 'user.password_set', target: `user:${id}`, ip });
    });
  }

  return {
    create,
    importCsv,
    get,
    changeRole,
    setDisabled,
    issuePasswordLink,
    issuePendingLinks,
    withoutPassword,
    setPassword,
    search,
    count,
    countByRole: () => users.countByRole(),
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
