import { z } from 'zod';
import { ROLES } from '../shared/actor';

/** An https address, or http on loopback (a platform on the same machine, in development and the tests). */
function endpoint(what: string) {
  const message = `Enter ${what} as a full https address`;
  return z
    .string({ error: message })
    .trim()
    .min(1, message)
    .max(2000, `${what[0].toUpperCase()}${what.slice(1)} must be 2000 characters or fewer`)
    .refine((v) => {
      const url = URL.parse(v);
      if (!url || url.hash || url.username || url.password) return false;
      return (
        url.protocol === 'https:' ||
        (url.protocol === 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname))
      );
    }, message);
}

const name = z
  .string({ error: 'Enter a name for the platform' })
  .trim()
  .min(1, 'Enter a name for the platform')
  .max(100, 'The name must be 100 characters or fewer');
const clientId = z
  .string({ error: 'Enter the client ID the platform gave Packway' })
  .trim()
  .min(1, 'Enter the client ID the platform gave Packway')
  .max(255, 'The client ID must be 255 characters or fewer');
const deploymentIds = z
  .array(z.string().trim().min(1).max(255, 'A deployment ID must be 255 characters or fewer'), {
    error: 'Enter at least one deployment ID',
  })
  .min(1, 'Enter at least one deployment ID')
  .max(50, 'Enter 50 deployment IDs or fewer');

const common = {
  name,
  issuer: endpoint("the platform's issuer"),
  clientId,
  authLoginUrl: endpoint("the platform's OIDC login address"),
  tokenUrl: endpoint("the platform's token address"),
  jwksUrl: endpoint("the platform's key set (JWKS) address"),
  adminRole: z.enum(ROLES, { error: 'Choose the role an LMS administrator gets' }).default('trainer'),
};

/** `POST /api/v1/lti/platforms`. */
export const platformInputSchema = z
  .object({
    ...common,
    deploymentIds,
    trustEmail: z.boolean().default(false),
  })
  .meta({ id: 'LtiPlatformInput' });

/** The /admin/lti form: deployment IDs one a line, the email box ticked or not. */
export const platformFormSchema = z.object({
  ...common,
  deploymentIds: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(/[\r\n,]+/)
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    deploymentIds,
  ),
  trustEmail: z.preprocess((v) => v === 'yes', z.boolean()),
});

export type PlatformInput = z.infer<typeof platformInputSchema>;

export const platformSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    deploymentIds: z.array(z.string()),
    authLoginUrl: z.string(),
    tokenUrl: z.string(),
    jwksUrl: z.string(),
    adminRole: z.enum(ROLES),
    trustEmail: z.boolean(),
    registeredVia: z.enum(['manual', 'dynamic']),
    createdAt: z.string().describe('ISO 8601'),
  })
  .meta({ id: 'LtiPlatform' });

export const platformListSchema = z.object({ platforms: z.array(platformSchema) });
export const platformParams = z.object({ id: z.coerce.number().int().positive() });

/** What a platform sends to start a launch (third-party initiated login), by GET or POST. */
export const loginInitiationSchema = z.object({
  iss: z.string().min(1).max(2000),
  login_hint: z.string().min(1).max(2000),
  target_link_uri: z.string().min(1).max(2000),
  lti_message_hint: z.string().max(4000).optional(),
  lti_deployment_id: z.string().max(255).optional(),
  client_id: z.string().max(255).optional(),
});
export type LoginInitiation = z.infer<typeof loginInitiationSchema>;

/** The platform's answer to the authentication request (form_post). */
export const launchFormSchema = z.object({
  id_token: z.string().min(1).max(64_000),
  state: z.string().min(1).max(500),
});

/** The platform's answer when it would not authenticate the person (OIDC error response, form_post). */
export const platformError = z.object({
  error: z.string().min(1).max(200),
  error_description: z.string().max(1000).optional(),
  state: z.string().min(1).max(500),
});

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
const shortText = z.string().max(2000);

/** The LTI claims of a resource link launch, as the specification shapes them (extra claims are kept). */
export const launchClaimsSchema = z.object({
  sub: z.string().min(1).max(255),
  nonce: z.string().min(1),
  azp: z.string().optional(),
  email: z.string().max(254).optional(),
  email_verified: z.boolean().optional(),
  name: shortText.optional(),
  given_name: shortText.optional(),
  family_name: shortText.optional(),
  [`${CLAIM}message_type`]: z.string(),
  [`${CLAIM}version`]: z.string(),
  [`${CLAIM}deployment_id`]: z.string().min(1).max(255),
  [`${CLAIM}target_link_uri`]: z.string().max(2000),
  [`${CLAIM}roles`]: z.array(z.string().max(500)).max(100),
  // every resource link launch has one (checked with the message type); a deep linking request has none
  [`${CLAIM}resource_link`]: z
    .object({
      id: z.string().min(1).max(255),
      title: shortText.optional(),
      description: z.string().optional(),
    })
    .optional(),
  'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': z
    .object({
      deep_link_return_url: z.string().min(1).max(2000),
      accept_types: z.array(z.string().max(100)).max(20),
      accept_multiple: z.boolean().optional(),
      data: z.string().max(4000).optional(),
      title: shortText.optional(),
    })
    .optional(),
  [`${CLAIM}context`]: z
    .object({
      id: z.string().min(1).max(255),
      label: shortText.optional(),
      title: shortText.optional(),
      type: z.array(z.string()).optional(),
    })
    .optional(),
  [`${CLAIM}custom`]: z.record(z.string(), z.unknown()).optional(),
  [`${CLAIM}launch_presentation`]: z
    .object({ return_url: z.string().optional(), document_target: z.string().optional() })
    .optional(),
  'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': z
    .object({ context_memberships_url: z.string().max(2000) })
    .optional(),
  'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': z
    .object({ lineitems: z.string().max(2000).optional(), lineitem: z.string().max(2000).optional() })
    .optional(),
});
export type LaunchClaims = z.infer<typeof launchClaimsSchema>;
export const LTI_CLAIM = CLAIM;

/** An "Open in a new window" link of a framed page (see SessionSupport.newWindowLink). */
export const windowLinkSchema = z.object({
  u: z.coerce.number().int().positive(),
  to: z.string().min(1).max(2000),
  until: z.string().max(20),
  sig: z.string().max(100),
});

/** `POST /api/v1/lti/keys/rotate`: Packway's new key, and the one still published beside it. */
export const rotatedKeySchema = z
  .object({
    kid: z.string().describe('The key id of the new current key'),
    previousKid: z
      .string()
      .nullable()
      .describe('The key it replaced, published for another day (null when there was none)'),
  })
  .meta({ id: 'LtiRotatedKey' });

/** `POST /api/v1/cohorts/{id}/lti-sync`: what a roster sync changed. */
export const rosterSyncSchema = z
  .object({
    cohortId: z.number().int(),
    listed: z.number().int().describe('Members the platform listed, active or not'),
    created: z.number().int().describe('Accounts made for people new to Packway'),
    enrolled: z.number().int().describe('Learners who joined the cohort (or came back to it)'),
    trainersAdded: z.number().int().describe('People who teach the course, made trainers of the cohort'),
    left: z
      .number()
      .int()
      .describe('Learners no longer listed: they left the cohort; their records are kept'),
    skipped: z
      .number()
      .int()
      .describe('Listed people Packway could not take in (no email address, or one it will not link)'),
  })
  .meta({ id: 'LtiRosterSync' });

/** The instructor's choice on the deep linking picker: module ids (one, or several when the platform takes several). */
export const deepLinkChoiceSchema = z.object({
  modules: z
    .union([z.string(), z.array(z.string())], { error: 'Choose at least one module' })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().trim().min(1).max(200)).min(1, 'Choose at least one module').max(200)),
});

/** `GET /lti/register`: what the platform opens Packway's registration page with. */
export const registrationQuerySchema = z.object({
  openid_configuration: z.string().min(1).max(2000),
  registration_token: z.string().max(4000).optional(),
});
