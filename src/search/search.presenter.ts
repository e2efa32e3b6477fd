import type { Segment } from './search.repo';
import type { SearchResultsJson } from './search.schema';
import type { SearchResults } from './search.service';

const plain = (s: Segment[]) => s.map((x) => x.text).join('');

/** Where a person found by search is shown: a trainer's learner record in a shared cohort, or the admin's user page. */
export function personUrl(p: { id: number; cohortId: number | null }): string {
  return p.cohortId ? `/cohorts/${p.cohortId}/learners/${p.id}` : `/users/${p.id}`;
}

/** `GET /api/v1/search`. */
export function searchJson(r: SearchResults): SearchResultsJson {
  return {
    query: r.query,
    modules: r.modules.map((m) => ({
      id: m.module.id,
      title: m.module.title,
      section: m.section,
      url: `/modules/${encodeURIComponent(m.module.id)}`,
      snippet: plain(m.snippet),
      snippetSegments: m.snippet,
      outcomes: m.outcomes.map((o) => ({ id: o.id, text: plain(o.text) })),
    })),
    learners: (r.people?.hits ?? []).map((p) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      url: personUrl(p),
    })),
    learnersTotal: r.people?.total ?? 0,
  };
}
