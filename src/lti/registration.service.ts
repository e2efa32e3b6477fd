import { z } from 'zod';
import type { AuditRepo } from '../audit/audit.repo';
import type { UnitOfWork } from '../db/ports';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { LaunchRefused } from './lti.errors';
import { ServiceUnavailable, type LtiRegistrar } from './lti.ports';
import type { LtiRepo, Platform } from './lti.repo';

export const LTI_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];

const PLATFORM_CONFIG = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const ASK =
  'Ask whoever looks after your learning platform, or register it by hand on Packway’s Learning platforms page.';

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/**
 * A web address Packway may call for a registration: https, or http on loopback where allowed (a platform on the same
 * machine, in development and the tests). The registration page is public, so in production loopback is refused: it
 * would let anyone make Packway call services on its own machine.
 */
export function callableUrl(value: string, allowLoopback: boolean): URL | null {
  const url = URL.parse(value);
  if (!url || url.username || url.password) return null;
  if (LOOPBACK.test(url.hostname))
    return allowLoopback && ['http:', 'https:'].includes(url.protocol) ? url : null;
  return url.protocol === 'https:' ? url : null;
}

/** What Packway needs of the platform's OpenID configuration (LTI Dynamic Registration §3.4). */
function configurationSchemaFor(allowLoopback: boolean) {
  const address = z
    .string()
    .max(2000)
    .refine((v) => callableUrl(v, allowLoopback) !== null);
  return z.object({
    issuer: address,
    authorization_endpoint: address,
    token_endpoint: address,
    jwks_uri: address,
    registration_endpoint: address,
    [PLATFORM_CONFIG]: z
      .object({
        product_family_code: z.string().max(200).optional(),
        version: z.string().max(100).optional(),
      })
      .optional(),
  });
}

/** What Packway needs of the platform's answer: the client id it was given, and its deployment. */
const registeredSchema = z.object({
  client_id: z.string().min(1).max(255),
  [TOOL_CONFIG]: z.object({ deployment_id: z.string().min(1).max(255).optional() }).optional(),
});

export interface DynamicRegistration {
  platform: Platform;
  /** The origin of the configuration address: the page may be framed by it, and posts its close message there. */
  origin: string;
}

export interface LtiRegistrationDeps {
  uow: UnitOfWork;
  repo: LtiRepo;
  registrar: LtiRegistrar;
  audit: AuditRepo;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  /** The service's name, as the platform lists the tool. */
  toolName: string;
  /** Platforms on loopback addresses may register (development and tests; never in production). */
  allowLoopback: boolean;
}

/**
 * LTI Dynamic Registration (Moodle 4.1+ and others): the platform opens Packway's registration address with its
 * configuration's address and a one-time token; Packway reads the configuration, registers itself there, and keeps
 * the platform it was given. The token is the authority: no Packway sign-in is involved.
 */
export function createLtiRegistration(deps: LtiRegistrationDeps) {
  const { uow, repo, registrar, audit, clock, logger, publicUrl, toolName, allowLoopback } = deps;
  const configurationSchema = configurationSchemaFor(allowLoopback);
  const at = (path: string) => new URL(path, publicUrl).href;

  /** Packway's configuration as the registration endpoint takes it (OpenID client metadata with the LTI extension). */
  function toolConfiguration(): Record<string, unknown> {
    return {
      application_type: 'web',
      response_types: ['id_token'],
      grant_types: ['implicit', 'client_credentials'],
      initiate_login_uri: at('/lti/login'),
      redirect_uris: [at('/lti/launch')],
      client_name: toolName,
      jwks_uri: at('/lti/jwks'),
      logo_uri: at('/assets/images/favicon.svg'),
      token_endpoint_auth_method: 'private_key_jwt',
      scope: LTI_SCOPES.join(' '),
      [TOOL_CONFIG]: {
        domain: new URL(publicUrl).host,
        target_link_uri: at('/'),
        claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
        messages: [
          { type: 'LtiResourceLinkRequest', target_link_uri: at('/') },
          { type: 'LtiDeepLinkingRequest', target_link_uri: at('/lti/launch'), label: toolName },
        ],
      },
    };
  }

  const refuse = (status: number, message: string, reason: string, platform: string | null = null) =>
    new LaunchRefused(status, message, reason, platform);

  /** Registers, or refuses with a plain message and an `lti.registration-refused` audit entry. */
  async function register(
    input: { openidConfiguration: string; registrationToken: string | null },
    ip: string,
  ): Promise<DynamicRegistration> {
    try {
      return await attempt(input, ip);
    } catch (err) {
      if (err instanceof LaunchRefused)
        await audit.record({
          action: 'lti.registration-refused',
          detail: `${input.openidConfiguration.slice(0, 200)}: ${err.reason}`.slice(0, 500),
          ip,
        });
      throw err;
    }
  }

  /** Packway as a Canvas developer key (LTI key, "Paste JSON"): its addresses, scopes and deep linking placements. */
  function canvasConfiguration(): Record<string, unknown> {
    const placement = (name: string) => ({
      placement: name,
      message_type: 'LtiDeepLinkingRequest',
      target_link_uri: at('/lti/launch'),
    });
    return {
      title: toolName,
      description: 'Customer focused leadership: modules, cohorts and progress, launched from your courses.',
      oidc_initiation_url: at('/lti/login'),
      target_link_uri: at('/'),
      public_jwk_url: at('/lti/jwks'),
      scopes: LTI_SCOPES,
      extensions: [
        {
          domain: new URL(publicUrl).host,
          platform: 'canvas.instructure.com',
          privacy_level: 'public',
          settings: {
            text: toolName,
            icon_url: at('/assets/images/favicon.svg'),
            placements: [placement('link_selection'), placement('assignment_selection')],
          },
        },
      ],
      custom_fields: {},
    };
  }

  async function attempt(
    input: { openidConfiguration: string; registrationToken: string | null },
    ip: string,
  ): Promise<DynamicRegistration> {
    const configUrl = callableUrl(input.openidConfiguration, allowLoopback);
    if (!configUrl)
      throw refuse(
        400,
        `The learning platform did not give Packway a usable address for its configuration. ${ASK}`,
        'bad openid_configuration',
      );
    let config: z.infer<ReturnType<typeof configurationSchemaFor>>;
    let answer: z.infer<typeof registeredSchema>;
    try {
      const read = configurationSchema.safeParse(await registrar.configuration(configUrl.href));
      if (!read.success)
        throw refuse(
          502,
          `The learning platform’s configuration is not one Packway can use. ${ASK}`,
          'configuration malformed',
        );
      config = read.data;
      // the configuration speaks for the platform at the address it was read from (Dynamic Registration §3.5.1)
      if (new URL(config.issuer).host !== configUrl.host)
        throw refuse(
          400,
          `The learning platform’s configuration names another platform. ${ASK}`,
          `issuer ${config.issuer} is not on ${configUrl.host}`,
        );
      const registered = registeredSchema.safeParse(
        await registrar.register(config.registration_endpoint, input.registrationToken, toolConfiguration()),
      );
      if (!registered.success)
        throw refuse(
          502,
          `The learning platform did not confirm Packway’s registration. ${ASK}`,
          'registration answer malformed',
        );
      answer = registered.data;
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      logger.warn({ err }, 'LTI dynamic registration failed');
      throw refuse(
        502,
        `Packway could not register with the learning platform: it did not answer or refused. Try again. ${ASK}`,
        err.message,
      );
    }
    const deploymentId = answer[TOOL_CONFIG]?.deployment_id;
    if (!deploymentId)
      throw refuse(
        502,
        `The learning platform did not say which deployment Packway is. ${ASK}`,
        'no deployment_id',
      );
    const family = config[PLATFORM_CONFIG]?.product_family_code;
    const name =
      `${family ? `${family[0].toUpperCase()}${family.slice(1)}` : 'Learning platform'} at ${new URL(config.issuer).host}`.slice(
        0,
        100,
      );
    const platform = await uow.run(async () => {
      const id = await repo.insertPlatform(
        {
          name,
          issuer: config.issuer,
          clientId: answer.client_id,
          deploymentIds: [deploymentId],
          authLoginUrl: config.authorization_endpoint,
          tokenUrl: config.token_endpoint,
          jwksUrl: config.jwks_uri,
          adminRole: 'trainer',
          trustEmail: false,
        },
        null,
        clock.now(),
        'dynamic',
      );
      if (id === undefined)
        throw refuse(
          409,
          `Packway is already registered with this learning platform under this client ID. ${ASK}`,
          'already registered',
        );
      await audit.record({
        action: 'lti.platform-registered',
        target: `lti-platform:${id}`,
        detail: `${name} (${config.issuer}, client ${answer.client_id}), dynamic registration`,
        ip,
      });
      return (await repo.platform(id))!;
    });
    return { platform, origin: configUrl.origin };
  }

  return { register, toolConfiguration, canvasConfiguration };
}

export type LtiRegistration = ReturnType<typeof createLtiRegistration>;
