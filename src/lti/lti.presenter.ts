import type { z } from 'zod';
import type { Platform } from './lti.repo';
import type { platformSchema } from './lti.schema';

export function platformJson(p: Platform): z.infer<typeof platformSchema> {
  return {
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    deploymentIds: p.deploymentIds,
    authLoginUrl: p.authLoginUrl,
    tokenUrl: p.tokenUrl,
    jwksUrl: p.jwksUrl,
    adminRole: p.adminRole,
    trustEmail: p.trustEmail,
    registeredVia: p.registeredVia,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}
