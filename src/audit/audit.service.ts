import type { AuditEntry, AuditFilter, AuditRepo } from './audit.repo';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditListing {
  entries: AuditEntry[];
  total: number;
  page: number;
  pages: number;
  filter: AuditFilter;
  /** Every action recorded so far (for the filter's choices). */
  actions: string[];
}

/** Reading the audit log, a page at a time (admins only: the routes guard it). */
export function createAuditService(repo: AuditRepo) {
  async function list(filter: AuditFilter, page: number): Promise<AuditListing> {
    const [{ entries, total }, actions] = await Promise.all([
      repo.list(filter, AUDIT_PAGE_SIZE, (page - 1) * AUDIT_PAGE_SIZE),
      repo.actions(),
    ]);
    return {
      entries,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
      filter,
      actions,
    };
  }
  return { list };
}
export type AuditService = ReturnType<typeof createAuditService>;
