import type { AuditEntry, AuditRepo } from './audit.repo';

export const AUDIT_PAGE_SIZE = 100;

export interface AuditListing {
  entries: AuditEntry[];
  total: number;
  page: number;
  pages: number;
  action: string | null;
}

/** Reading the audit log, a page at a time (admins only: the routes guard it). */
export function createAuditService(repo: AuditRepo) {
  function list(action: string | null, page: number): AuditListing {
    const { entries, total } = repo.list(action, AUDIT_PAGE_SIZE, (page - 1) * AUDIT_PAGE_SIZE);
    return { entries, total, page, pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)), action };
  }
  return { list };
}
export type AuditService = ReturnType<typeof createAuditService>;
