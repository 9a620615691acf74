import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { IncidentDoc } from './incidents.repository';
import type { IndexNames } from './indices';

/** Read-only incident queries of routing, SLA and ratings (issue 11). */
export function createIncidentQueriesRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  const search = async (query: estypes.QueryDslQueryContainer, size: number, sort: estypes.Sort): Promise<IncidentDoc[]> => {
    const res = await es.search<IncidentDoc>({ index: names.incidents, size, query, sort });
    return res.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
  };
  return {
    /** Incidents routed to an organisation, newest routing first. */
    byOrganisation: (organisationId: string, limit: number) => search({ term: { organisation_id: organisationId } }, limit, [{ routed_at: { order: 'desc', unmapped_type: 'date' } }, { id: 'asc' }]),
    /** Every incident routed within [from, to) — the raw input of ratings (bounded). */
    routedBetween: (from: string, to: string, limit = 10_000) => search({ bool: { filter: [{ exists: { field: 'organisation_id' } }, { range: { routed_at: { gte: from, lt: to } } }] } }, limit, [{ routed_at: 'asc' }, { id: 'asc' }]),
    /** Open routed incidents with an answer due (the SLA board). */
    openRouted: (limit = 5000, scope: { sectors?: readonly string[]; municipalities?: readonly string[]; organisationId?: string } = {}) =>
      search(
        {
          bool: {
            filter: [
              { exists: { field: 'organisation_id' } },
              { terms: { status: ['routed', 'answered', 'reopened', 'taken'] } },
              ...(scope.sectors ? [{ terms: { sector: [...scope.sectors] } }] : []),
              ...(scope.municipalities ? [{ terms: { municipality: [...scope.municipalities] } }] : []),
              ...(scope.organisationId ? [{ term: { organisation_id: scope.organisationId } }] : []),
            ],
          },
        },
        limit,
        [{ due_at: 'asc' }, { id: 'asc' }],
      ),
  };
}
export type IncidentQueriesRepository = ReturnType<typeof createIncidentQueriesRepository>;
