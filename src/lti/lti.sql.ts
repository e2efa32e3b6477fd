import type { Sql } from '../db/ports';
import type { Role } from '../shared/actor';
import type {
  LtiAccount,
  LtiRepo,
  PendingDeepLink,
  PendingLaunch,
  Platform,
  RosterContext,
  ScoreTarget,
  ToolKeyRecord,
} from './lti.repo';

interface PlatformRow {
  id: number;
  name: string;
  issuer: string;
  client_id: string;
  auth_login_url: string;
  token_url: string;
  jwks_url: string;
  admin_role: Role;
  trust_email: number;
  registered_via: 'manual' | 'dynamic';
  created_at: number;
}

interface KeyRow {
  kid: string;
  public_jwk: string;
  private_jwk: string;
  is_current: number | null;
  created_at: number;
  publish_until: number | null;
}

interface LaunchRow {
  state_hash: string;
  platform_id: number;
  nonce: string;
  target_link_uri: string;
  expires_at: number;
}

interface AccountRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: number;
  has_password: number;
  subject: string | null;
}

const PLATFORM = `SELECT id, name, issuer, client_id, auth_login_url, token_url, jwks_url, admin_role, trust_email,
  registered_via, created_at FROM lti_platforms`;
const KEY = 'SELECT kid, public_jwk, private_jwk, is_current, created_at, publish_until FROM lti_tool_keys';
const ACCOUNT = `SELECT u.id, u.email, u.name, u.role, u.disabled,
    CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password,
    (SELECT i.subject FROM lti_identities i WHERE i.user_id = u.id AND i.issuer = @issuer) AS subject
  FROM users u`;

interface ContextRow {
  id: number;
  cohort_id: number;
  issuer: string;
  deployment_id: string;
  memberships_url: string | null;
}

const CONTEXT = 'SELECT id, cohort_id, issuer, deployment_id, memberships_url FROM lti_contexts';

const toContext = (r: ContextRow): RosterContext => ({
  id: Number(r.id),
  cohortId: Number(r.cohort_id),
  issuer: r.issuer,
  deploymentId: r.deployment_id,
  membershipsUrl: r.memberships_url,
});

interface DeepLinkRow {
  id_hash: string;
  platform_id: number;
  deployment_id: string;
  user_id: number;
  cohort_id: number | null;
  return_url: string;
  data: string | null;
  accept_multiple: number;
  expires_at: number;
}

const DEEP_LINK_COLUMNS =
  'id_hash, platform_id, deployment_id, user_id, cohort_id, return_url, data, accept_multiple, expires_at';

const toDeepLink = (r: DeepLinkRow): PendingDeepLink => ({
  idHash: r.id_hash,
  platformId: Number(r.platform_id),
  deploymentId: r.deployment_id,
  userId: Number(r.user_id),
  cohortId: r.cohort_id === null ? null : Number(r.cohort_id),
  returnUrl: r.return_url,
  data: r.data,
  acceptMultiple: Boolean(r.accept_multiple),
  expiresAt: Number(r.expires_at),
});

const toKey = (r: KeyRow): ToolKeyRecord => ({
  kid: r.kid,
  publicJwk: JSON.parse(r.public_jwk) as Record<string, unknown>,
  privateJwk: JSON.parse(r.private_jwk) as Record<string, unknown>,
  current: r.is_current === 1,
  createdAt: Number(r.created_at),
  publishUntil: r.publish_until === null ? null : Number(r.publish_until),
});

const toLaunch = (r: LaunchRow): PendingLaunch => ({
  stateHash: r.state_hash,
  platformId: Number(r.platform_id),
  nonce: r.nonce,
  targetLinkUri: r.target_link_uri,
  expiresAt: Number(r.expires_at),
});

const toAccount = (r: AccountRow): LtiAccount => ({
  id: Number(r.id),
  email: r.email,
  name: r.name,
  role: r.role,
  disabled: Boolean(r.disabled),
  hasPassword: Boolean(r.has_password),
  subjectAtIssuer: r.subject,
});

export function createLtiRepo(db: Sql): LtiRepo {
  async function withDeployments(rows: PlatformRow[]): Promise<Platform[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const deployments = await db.all<{ platform_id: number; deployment_id: string }>(
      `SELECT platform_id, deployment_id FROM lti_deployments WHERE platform_id IN (${ids.map(() => '?').join(', ')})
        ORDER BY deployment_id`,
      ids,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      issuer: r.issuer,
      clientId: r.client_id,
      deploymentIds: deployments
        .filter((d) => Number(d.platform_id) === Number(r.id))
        .map((d) => d.deployment_id),
      authLoginUrl: r.auth_login_url,
      tokenUrl: r.token_url,
      jwksUrl: r.jwks_url,
      adminRole: r.admin_role,
      trustEmail: Boolean(r.trust_email),
      registeredVia: r.registered_via,
      createdAt: Number(r.created_at),
    }));
  }
  const account = (row: AccountRow | undefined) => (row ? toAccount(row) : undefined);

  return {
    platforms: async () => withDeployments(await db.all<PlatformRow>(`${PLATFORM} ORDER BY name, id`)),
    async platform(id) {
      return (await withDeployments(await db.all<PlatformRow>(`${PLATFORM} WHERE id = ?`, [id])))[0];
    },
    platformsByIssuer: async (issuer) =>
      withDeployments(await db.all<PlatformRow>(`${PLATFORM} WHERE issuer = ? ORDER BY id`, [issuer])),
    async insertPlatform(p, createdBy, now, via = 'manual') {
      const row = await db.get<{ id: number }>(
        `INSERT INTO lti_platforms (name, issuer, client_id, auth_login_url, token_url, jwks_url, admin_role, trust_email,
            created_by, created_at, registered_via)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, client_id) DO NOTHING RETURNING id`,
        [
          p.name,
          p.issuer,
          p.clientId,
          p.authLoginUrl,
          p.tokenUrl,
          p.jwksUrl,
          p.adminRole,
          p.trustEmail ? 1 : 0,
          createdBy,
          now,
          via,
        ],
      );
      if (!row) return undefined;
      for (const deploymentId of new Set(p.deploymentIds))
        await db.run('INSERT INTO lti_deployments (platform_id, deployment_id) VALUES (?, ?)', [
          row.id,
          deploymentId,
        ]);
      return Number(row.id);
    },
    deletePlatform: async (id) => (await db.run('DELETE FROM lti_platforms WHERE id = ?', [id])).changes > 0,

    publishedKeys: async (now) =>
      (
        await db.all<KeyRow>(
          `${KEY} WHERE is_current = 1 OR publish_until > ? ORDER BY CASE WHEN is_current = 1 THEN 0 ELSE 1 END, created_at DESC`,
          [now],
        )
      ).map(toKey),
    async currentKey() {
      const row = await db.get<KeyRow>(`${KEY} WHERE is_current = 1`);
      return row ? toKey(row) : undefined;
    },
    async insertCurrentKey(key) {
      const result = await db.run(
        `INSERT INTO lti_tool_keys (kid, public_jwk, private_jwk, is_current, created_at) VALUES (?, ?, ?, 1, ?)
          ON CONFLICT DO NOTHING`,
        [key.kid, JSON.stringify(key.publicJwk), JSON.stringify(key.privateJwk), key.createdAt],
      );
      return result.changes > 0;
    },
    async retireCurrentKey(now, publishUntil) {
      await db.run(
        'UPDATE lti_tool_keys SET is_current = NULL, retired_at = ?, publish_until = ? WHERE is_current = 1',
        [now, publishUntil],
      );
    },
    deleteUnpublishedKeys: async (now) =>
      (await db.run('DELETE FROM lti_tool_keys WHERE is_current IS NULL AND publish_until <= ?', [now]))
        .changes,

    async saveLaunch(p) {
      await db.run(
        `INSERT INTO lti_logins (state_hash, platform_id, nonce, target_link_uri, expires_at)
          VALUES (@stateHash, @platformId, @nonce, @targetLinkUri, @expiresAt)`,
        { ...p },
      );
    },
    async takeLaunch(stateHash) {
      const row = await db.get<LaunchRow>(
        `DELETE FROM lti_logins WHERE state_hash = ?
          RETURNING state_hash, platform_id, nonce, target_link_uri, expires_at`,
        [stateHash],
      );
      return row ? toLaunch(row) : undefined;
    },
    deleteExpiredLaunches: async (now) =>
      (await db.run('DELETE FROM lti_logins WHERE expires_at <= ?', [now])).changes,

    accountByIdentity: async (issuer, subject) =>
      account(
        await db.get<AccountRow>(
          `${ACCOUNT} JOIN lti_identities l ON l.user_id = u.id WHERE l.issuer = @issuer AND l.subject = @subject`,
          { issuer, subject },
        ),
      ),
    accountByEmail: async (email, issuer) =>
      account(await db.get<AccountRow>(`${ACCOUNT} WHERE u.email_norm = lower(@email)`, { issuer, email })),
    async link(userId, issuer, subject, now) {
      await db.run(
        'INSERT INTO lti_identities (user_id, issuer, subject, created_at, last_launch_at) VALUES (?, ?, ?, ?, ?)',
        [userId, issuer, subject, now, now],
      );
    },
    async recordLaunch(issuer, subject, now) {
      await db.run('UPDATE lti_identities SET last_launch_at = ? WHERE issuer = ? AND subject = ?', [
        now,
        issuer,
        subject,
      ]);
    },
    async setRole(userId, role) {
      await db.run('UPDATE users SET role = ? WHERE id = ?', [role, userId]);
    },
    framedSessions: async (userId) =>
      (
        await db.all<{ id_hash: string }>(
          'SELECT id_hash FROM sessions WHERE user_id = ? AND frame_origin IS NOT NULL ORDER BY created_at DESC LIMIT 20',
          [userId],
        )
      ).map((r) => r.id_hash),

    async context(key) {
      const row = await db.get<{ id: number; cohort_id: number; title: string }>(
        'SELECT id, cohort_id, title FROM lti_contexts WHERE issuer = ? AND deployment_id = ? AND context_id = ?',
        [key.issuer, key.deploymentId, key.contextId],
      );
      return row ? { id: Number(row.id), cohortId: Number(row.cohort_id), title: row.title } : undefined;
    },
    async insertContext(key, cohortId, title, endpoints, now) {
      const row = await db.get<{ id: number }>(
        `INSERT INTO lti_contexts (issuer, deployment_id, context_id, cohort_id, title, memberships_url, lineitems_url,
            created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          key.issuer,
          key.deploymentId,
          key.contextId,
          cohortId,
          title,
          endpoints.membershipsUrl,
          endpoints.lineitemsUrl,
          now,
        ],
      );
      return Number(row!.id);
    },
    async updateContext(id, title, endpoints) {
      await db.run(
        `UPDATE lti_contexts SET title = ?, memberships_url = COALESCE(?, memberships_url),
            lineitems_url = COALESCE(?, lineitems_url) WHERE id = ?`,
        [title, endpoints.membershipsUrl, endpoints.lineitemsUrl, id],
      );
    },
    async upsertResourceLink(link, now) {
      await db.run(
        `INSERT INTO lti_resource_links (issuer, deployment_id, resource_link_id, context_row_id, module_id, title,
            lineitem_url, created_at, last_launch_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (issuer, deployment_id, resource_link_id) DO UPDATE SET context_row_id = excluded.context_row_id,
            module_id = excluded.module_id, title = excluded.title,
            lineitem_url = COALESCE(excluded.lineitem_url, lti_resource_links.lineitem_url),
            last_launch_at = excluded.last_launch_at`,
        [
          link.issuer,
          link.deploymentId,
          link.resourceLinkId,
          link.contextRowId,
          link.moduleId,
          link.title,
          link.lineitemUrl,
          now,
          now,
        ],
      );
    },
    async scoreTargets(userId, moduleId) {
      // the platform is the registration holding the link's deployment at the link's issuer (the lowest id should
      // an issuer ever register one deployment under two client ids)
      const rows = await db.all<{ id: number; platform_id: number; lineitem_url: string; subject: string }>(
        `SELECT l.id, MIN(p.id) AS platform_id, l.lineitem_url, i.subject
          FROM lti_resource_links l
          JOIN lti_contexts c ON c.id = l.context_row_id
          JOIN cohort_members m ON m.cohort_id = c.cohort_id AND m.user_id = @userId
          JOIN lti_identities i ON i.user_id = @userId AND i.issuer = l.issuer
          JOIN lti_platforms p ON p.issuer = l.issuer
          JOIN lti_deployments d ON d.platform_id = p.id AND d.deployment_id = l.deployment_id
          WHERE l.module_id = @moduleId AND l.lineitem_url IS NOT NULL
          GROUP BY l.id, l.lineitem_url, i.subject
          ORDER BY l.id`,
        { userId, moduleId },
      );
      return rows.map((r): ScoreTarget => ({
        linkRowId: Number(r.id),
        platformId: Number(r.platform_id),
        lineitemUrl: r.lineitem_url,
        subject: r.subject,
      }));
    },

    async contextOfCohort(cohortId) {
      const row = await db.get<ContextRow>(`${CONTEXT} WHERE cohort_id = ? ORDER BY id LIMIT 1`, [cohortId]);
      return row ? toContext(row) : undefined;
    },
    rosterContexts: async () =>
      (await db.all<ContextRow>(`${CONTEXT} WHERE memberships_url IS NOT NULL ORDER BY id`)).map(toContext),
    async platformOf(issuer, deploymentId) {
      const rows = await db.all<PlatformRow>(
        `${PLATFORM} WHERE issuer = ? AND id IN (SELECT platform_id FROM lti_deployments WHERE deployment_id = ?)
          ORDER BY id LIMIT 1`,
        [issuer, deploymentId],
      );
      return (await withDeployments(rows))[0];
    },
    linkedMembers: async (cohortId, issuer) =>
      (
        await db.all<{ user_id: number; email: string; added_at: string }>(
          `SELECT m.user_id, u.email, m.added_at FROM cohort_members m JOIN users u ON u.id = m.user_id
            WHERE m.cohort_id = ? AND EXISTS (SELECT 1 FROM lti_identities i WHERE i.user_id = m.user_id AND i.issuer = ?)`,
          [cohortId, issuer],
        )
      ).map((r) => ({ userId: Number(r.user_id), email: r.email, addedAt: r.added_at })),
    async markLeft(cohortId, userId, addedAt, leftAt) {
      await db.run(
        `INSERT INTO lti_left_members (cohort_id, user_id, added_at, left_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (cohort_id, user_id) DO UPDATE SET left_at = excluded.left_at`,
        [cohortId, userId, addedAt, leftAt],
      );
    },
    async takeLeft(cohortId, userId) {
      const row = await db.get<{ added_at: string }>(
        'DELETE FROM lti_left_members WHERE cohort_id = ? AND user_id = ? RETURNING added_at',
        [cohortId, userId],
      );
      return row?.added_at;
    },

    async saveDeepLink(d) {
      await db.run(
        `INSERT INTO lti_deep_links (${DEEP_LINK_COLUMNS})
          VALUES (@idHash, @platformId, @deploymentId, @userId, @cohortId, @returnUrl, @data, @acceptMultiple, @expiresAt)`,
        { ...d, acceptMultiple: d.acceptMultiple ? 1 : 0 },
      );
    },
    async deepLink(idHash) {
      const row = await db.get<DeepLinkRow>(
        `SELECT ${DEEP_LINK_COLUMNS} FROM lti_deep_links WHERE id_hash = ?`,
        [idHash],
      );
      return row ? toDeepLink(row) : undefined;
    },
    async takeDeepLink(idHash) {
      const row = await db.get<DeepLinkRow>(
        `DELETE FROM lti_deep_links WHERE id_hash = ? RETURNING ${DEEP_LINK_COLUMNS}`,
        [idHash],
      );
      return row ? toDeepLink(row) : undefined;
    },
    deleteExpiredDeepLinks: async (now) =>
      (await db.run('DELETE FROM lti_deep_links WHERE expires_at <= ?', [now])).changes,
  };
}
