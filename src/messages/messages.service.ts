import crypto from 'node:crypto';
import type { UnitOfWork } from '../db/ports';
import type { AuthRepo } from '../auth/auth.repo';
import type { SsoRepo } from '../auth/sso.repo';
import { hashToken, newToken } from '../auth/password';
import type { Throttle } from '../auth/throttle';
import type { JobsRepo } from '../jobs/jobs.repo';
import type { UsersRepo, UserRecord } from '../users/users.repo';
import type { AuditRepo } from '../audit/audit.repo';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { NotFound, Conflict } from '../shared/errors';
import {
  OPTIONAL_KINDS,
  isOptional,
  type MessagesRepo,
  type MessageStatus,
  type OptionalKind,
} from './messages.repo';
import type { Outbox } from './outbox.service';
import { notices, type ModuleDue, type Unsubscribe } from './notices';
import { dateAndClockTime } from '../shared/dates';
import type { Sender } from './templates';

/** The job that answers one "forgot your password" request. */
export const RESET_KIND = 'password.reset';
export const RESET_LINK_MINUTES = 60;
export const INVITATION_HOURS = 72;

export interface MessagesSettings {
  publicUrl: string;
  service: string;
  organisation: string | null;
  /** Single sign-on is on: invitations say to sign in with the organisation's account. */
  sso: boolean;
  /** LOCAL_PASSWORDS=on. */
  localPasswords: boolean;
}

/** A module assigned in one scheduling action. */
export interface Assigned {
  moduleId: string;
  title: string;
  dueAt: string;
}

/**
 * What Packway sends and to whom: invitations, password resets, assignment messages, and (for the admin) the outbox,
 * a person's choices of what they get, and their unsubscribe links. Messages are queued in the unit of work of their
 * cause (the outbox sends them).
 */
export function createMessagesService(
  uow: UnitOfWork,
  repo: MessagesRepo,
  outbox: Outbox,
  users: UsersRepo,
  auth: AuthRepo,
  sso: Pick<SsoRepo, 'accountById'>,
  audit: AuditRepo,
  jobs: JobsRepo,
  throttle: Throttle,
  clock: Clock,
  settings: MessagesSettings,
) {
  const sender: Sender = {
    service: settings.service,
    organisation: settings.organisation,
    publicUrl: settings.publicUrl,
  };
  const write = notices(sender);

  const secret = () => auth.sharedSecret('unsubscribe', () => crypto.randomBytes(32).toString('base64url'));
  const sign = async (userId: number, kind: string) =>
    crypto
      .createHmac('sha256', await secret())
      .update(`${userId}.${kind}`)
      .digest('base64url')
      .slice(0, 32);

  /** The signed one-click address that turns one kind off for one person, and where to change every choice. */
  async function unsubscribe(userId: number, kind: OptionalKind): Promise<Unsubscribe> {
    return {
      url: `${settings.publicUrl}/unsubscribe/${userId}/${kind}/${await sign(userId, kind)}`,
      settingsUrl: `${settings.publicUrl}/account/notifications`,
    };
  }

  /** A person who signs in only through the organisation's account: no local password to set or reset. */
  async function ssoOnly(user: UserRecord): Promise<boolean> {
    if (!settings.sso) return false;
    const account = await sso.accountById(user.id);
    if (!settings.localPasswords) return !(account?.role === 'admin' && account.identity === null);
    return account?.identity !== null && account?.identity !== undefined && user.passwordHash === null;
  }

  async function passwordLink(userId: number, createdBy: number | null, minutes: number) {
    const { token, hash } = newToken();
    const expires = clock.now() + minutes * 60_000;
    const now = new Date(clock.now()).toISOString();
    await auth.expireLinksOf(userId, now);
    await auth.createLink(hash, userId, createdBy, new Date(expires).toISOString(), now);
    return { link: `${settings.publicUrl}/password/set?token=${encodeURIComponent(token)}`, expires };
  }

  /**
   * An invitation to a new person: a one-time link to set a password, or with single sign-on a link to sign in.
   * Call inside the unit of work that creates the person.
   */
  async function invite(user: UserRecord, actorId: number | null): Promise<void> {
    if (settings.sso && !settings.localPasswords) {
      await outbox.queue(write.invitation(user.name, `${settings.publicUrl}/login`, null, true), {
        userId: user.id,
        email: user.email,
      });
      return;
    }
    const { link, expires } = await passwordLink(user.id, actorId, INVITATION_HOURS * 60);
    await outbox.queue(write.invitation(user.name, link, dateAndClockTime(expires), false), {
      userId: user.id,
      email: user.email,
    });
  }

  /**
   * "Forgot your password?": throttled like sign-in, then one job queued whatever the address, so the answer takes
   * the same time and says the same whether or not the address has an account. The job decides what to send.
   */
  async function requestPasswordReset(email: string, ip: string): Promise<void> {
    const attempt = await throttle.begin(`reset:${email}`, ip);
    await attempt.fail();
    const now = clock.now();
    await jobs.enqueue(
      { kind: RESET_KIND, payload: JSON.stringify({ email: email.slice(0, 254) }), runAt: now },
      now,
    );
  }

  /** The reset job's work, in its unit of work: a link for an account with a password; nothing for a disabled one. */
  async function answerPasswordReset(email: string): Promise<'sent' | 'sso' | 'nothing'> {
    const user = await users.byEmail(email);
    if (!user || user.disabled) return 'nothing';
    if (await ssoOnly(user)) {
      await outbox.queue(write.signInWithOrganisation(user.name, `${settings.publicUrl}/login`), {
        userId: user.id,
        email: user.email,
      });
      return 'sso';
    }
    const { link } = await passwordLink(user.id, null, RESET_LINK_MINUTES);
    await outbox.queue(write.passwordReset(user.name, link, RESET_LINK_MINUTES), {
      userId: user.id,
      email: user.email,
    });
    await audit.record({ actorId: user.id, action: 'user.password_reset_sent', target: `user:${user.id}` });
    return 'sent';
  }

  /** One message per learner of the cohort for one scheduling action. Call inside its unit of work. */
  async function assigned(
    cohort: { id: number; name: string },
    learners: { id: number; email: string; name: string; disabled: boolean }[],
    modules: Assigned[],
  ): Promise<number> {
    if (modules.length === 0) return 0;
    const list: ModuleDue[] = modules.map((m) => ({
      title: m.title,
      dueOn: m.dueAt,
      url: `${settings.publicUrl}/modules/${encodeURIComponent(m.moduleId)}`,
    }));
    let queued = 0;
    for (const l of learners) {
      if (l.disabled) continue;
      const id = await outbox.queue(
        write.assignment(l.name, cohort.name, list, await unsubscribe(l.id, 'assignment')),
        {
          userId: l.id,
          email: l.email,
        },
      );
      if (typeof id === 'number') queued++;
    }
    return queued;
  }

  /** Tells a learner a trainer's decision on their evidence (unless they turned these off). Call inside its unit of work. */
  async function reviewed(
    learner: { id: number; email: string; name: string },
    r: {
      outcomeId: string;
      outcome: string;
      decision: 'confirmed' | 'returned';
      reviewer: string;
      comment: string;
    },
  ): Promise<void> {
    const url = `${settings.publicUrl}/progress/outcomes/${encodeURIComponent(r.outcomeId)}`;
    await outbox.queue(write.reviewed(learner.name, { ...r, url }, await unsubscribe(learner.id, 'review')), {
      userId: learner.id,
      email: learner.email,
    });
  }

  /** Tells a learner a badge was issued to them. Call inside the unit of work that stores the badge. */
  async function badgeIssued(
    learner: { id: number; email: string; name: string },
    b: { area: string; url: string },
  ) {
    const draft = write.badgeIssued(learner.name, {
      ...b,
      badgesUrl: `${settings.publicUrl}/account/badges`,
    });
    await outbox.queue(draft, { userId: learner.id, email: learner.email }, `badge:${b.url}`);
  }

  /** The outbox for /admin/messages, newest first. */
  async function list(status: MessageStatus | null, page: number, perPage = 50) {
    const result = await repo.list(status, perPage, (page - 1) * perPage);
    return { ...result, page, perPage, transport: outbox.transport };
  }

  async function get(id: number) {
    const m = await repo.byId(id);
    if (!m) throw new NotFound('No such message');
    return m;
  }

  /** Queues a failed message again (the same Message-ID). */
  async function resend(id: number, actor: Actor): Promise<void> {
    await get(id);
    await uow.run(async () => {
      if (!(await repo.requeue(id)))
        throw new Conflict('Only a failed message whose body is kept can be sent again');
      const now = clock.now();
      await jobs.enqueue({ kind: 'mail.send', payload: JSON.stringify({ id }), runAt: now }, now);
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'message.resend',
        target: `message:${id}`,
      });
    });
  }

  /** A test message to the administrator's own address. */
  async function sendTest(actor: Actor): Promise<number> {
    return uow.run(async () => {
      const id = (await outbox.queue(write.test(actor.name), {
        userId: actor.id,
        email: actor.email,
      })) as number;
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'message.test',
        target: `message:${id}`,
      });
      return id;
    });
  }

  /** Each optional kind, on or off, for /account/notifications. */
  async function choices(userId: number): Promise<Record<OptionalKind, boolean>> {
    const off = new Set(await repo.optOuts(userId));
    return Object.fromEntries(OPTIONAL_KINDS.map((k) => [k, !off.has(k)])) as Record<OptionalKind, boolean>;
  }

  async function setChoices(userId: number, on: readonly string[]): Promise<void> {
    await uow.run(async () => {
      for (const kind of OPTIONAL_KINDS) await repo.setOptOut(userId, kind, !on.includes(kind), clock.now());
    });
  }

  /** The one-click unsubscribe: true when the signature is right and the kind is now off. */
  async function unsubscribeBySignature(userId: number, kind: string, signature: string): Promise<boolean> {
    if (!isOptional(kind) || !Number.isSafeInteger(userId)) return false;
    const expected = Buffer.from(await sign(userId, kind));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return false;
    if (!(await users.byId(userId))) return false;
    await uow.run(() => repo.setOptOut(userId, kind, true, clock.now()));
    return true;
  }

  /** A new secret calendar address for the person (the old one stops working); answers the address. */
  async function newCalendarFeed(userId: number): Promise<string> {
    const { token, hash } = newToken(24);
    await uow.run(() => repo.setCalendarToken(userId, hash, clock.now()));
    return `${settings.publicUrl}/calendar/${token}.ics`;
  }

  return {
    invite,
    requestPasswordReset,
    answerPasswordReset,
    assigned,
    reviewed,
    badgeIssued,
    list,
    get,
    resend,
    sendTest,
    choices,
    setChoices,
    unsubscribeBySignature,
    unsubscribeLink: unsubscribe,
    newCalendarFeed,
    revokeCalendarFeed: (userId: number) => uow.run(() => repo.deleteCalendarToken(userId)),
    hasCalendarFeed: (userId: number) => repo.hasCalendarToken(userId),
    calendarUser: (token: string) => repo.calendarUser(hashToken(token)),
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
