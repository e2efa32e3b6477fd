import { Router } from 'express';
import type { Config } from '../config';
import { publicRoute } from '../web/guards';
import { renderPage } from '../web/render';

/** When the accessibility statement was prepared and the service last tested (update both after each review). */
export const STATEMENT_PREPARED = '2026-11-23';

/** Who runs this copy of Packway and how to reach them: settings chosen by the organisation, shown on its own pages. */
export interface SiteContact {
  organisation: string | null;
  supportEmail: string | null;
  privacyEmail: string | null;
  publicUrl: string;
  retentionMonths: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  lrs: boolean;
}

export function siteContact(config: Config): SiteContact {
  return {
    organisation: config.ORGANISATION_NAME ?? null,
    supportEmail: config.SUPPORT_EMAIL ?? null,
    privacyEmail: config.DPO_EMAIL ?? config.SUPPORT_EMAIL ?? null,
    publicUrl: config.publicUrl,
    retentionMonths: config.RETENTION_MONTHS,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: config.SESSION_ABSOLUTE_HOURS,
    lrs: Boolean(config.XAPI_LRS_URL),
  };
}

/**
 * The service's own pages, linked from every page's footer and open to everyone, signed in or not: contact,
 * accessibility statement, privacy notice and cookies.
 */
export function siteRoutes(config: Config): Router {
  const router = Router();
  const site = siteContact(config);
  const page = (path: string, view: string, title: string) =>
    router.get(path, publicRoute, (req, res) =>
      renderPage(req, res, view, { title, site, prepared: STATEMENT_PREPARED }),
    );
  page('/contact', 'site/contact', 'Contact and help');
  page('/accessibility', 'site/accessibility', 'Accessibility statement for Packway');
  page('/privacy', 'site/privacy', 'Privacy notice');
  page('/cookies', 'site/cookies', 'Cookies');
  return router;
}
