import type { Pack } from '../content/types';
import type { Actor } from '../shared/actor';
import { moduleIndexFor, termsOf, type ModuleHit } from './module-index';
import type { PeopleSearchRepo, PersonHit } from './search.repo';

export const PEOPLE_LIMIT = 20;

export interface SearchResults {
  query: string;
  terms: string[];
  modules: ModuleHit[];
  /** Null for learners, who never search people. */
  people: { hits: PersonHit[]; total: number } | null;
}

/**
 * Search: the modules of the pack the person sees (titles, text, outcomes, prompts) for everyone; people for
 * trainers (the learners in their own cohorts) and admins (everyone).
 */
export function createSearchService(people: PeopleSearchRepo) {
  async function search(actor: Actor, pack: Pack, query: string): Promise<SearchResults> {
    const terms = termsOf(query);
    const modules = moduleIndexFor(pack).search(terms);
    let found: SearchResults['people'] = null;
    if (actor.role === 'admin') found = await people.search(terms, { kind: 'everyone' }, PEOPLE_LIMIT);
    else if (actor.role === 'trainer')
      found = await people.search(terms, { kind: 'trainer', trainerId: actor.id }, PEOPLE_LIMIT);
    return { query, terms, modules, people: found };
  }
  return { search };
}
export type SearchService = ReturnType<typeof createSearchService>;
