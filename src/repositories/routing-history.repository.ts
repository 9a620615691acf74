import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { Sector } from '../domain/sector';
import type { IndexNames } from './indices';

/** How many similar routed incidents the history suggestion looks at. */
const SIMILAR = 50;

/**
 * Where similar incidents were routed before: the routed incidents of the same sector that best
 * match the text (and category, municipality as boosts), counted by organisation.
 */
export function createRoutingHistoryRepository(deps: { es: EsClient; names: IndexNames }) {
  return async (q: { sector: Sector; category?: string | undefined; municipality: string; text?: string | undefined }): Promise<{ organisationId: string; count: number }[]> => {
    const should: estypes.QueryDslQueryContainer[] = [{ term: { municipality: { value: q.municipality, boost: 2 } } }];
    if (q.category) should.push({ term: { category: { value: q.category, boost: 3 } } });
    if (q.text) should.push({ match: { text: { query: q.text.slice(0, 2000), minimum_should_match: '30%' } } });
    const res = await deps.es.search<{ organisation_id?: string }>({
      index: deps.names.incidents,
      size: SIMILAR,
      _source: ['organisation_id'],
      query: { bool: { filter: [{ term: { sector: q.sector } }, { exists: { field: 'organisation_id' } }], should, minimum_should_match: 1 } },
    });
    const counts = new Map<string, number>();
    for (const h of res.hits.hits) {
      const id = h._source?.organisation_id;
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return [...counts].map(([organisationId, count]) => ({ organisationId, count })).sort((a, b) => b.count - a.count || a.organisationId.localeCompare(b.organisationId));
  };
}
