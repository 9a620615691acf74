import type { EsClient } from '../adapters/elasticsearch';
import type { Organisation, OrganisationKind, ResponsibilityRule } from '../domain/organisation';
import type { Sector } from '../domain/sector';
import type { IndexNames } from './indices';

interface OrganisationDoc {
  id: string;
  name: string;
  kind: OrganisationKind;
  municipality: string;
  sectors: Sector[];
  contacts: Organisation['contacts'];
  user_ids: string[];
  official_source_ids: string[];
  created_at: string;
  updated_at: string;
}

interface RuleDoc {
  id: string;
  sector: Sector;
  category?: string;
  municipality?: string;
  organisation_id: string;
  created_at: string;
}

const toOrgDoc = (o: Organisation): OrganisationDoc => ({
  id: o.id,
  name: o.name,
  kind: o.kind,
  municipality: o.municipality,
  sectors: o.sectors,
  contacts: o.contacts,
  user_ids: o.userIds,
  official_source_ids: o.officialSourceIds,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
});

const fromOrgDoc = (d: OrganisationDoc): Organisation => ({
  id: d.id,
  name: d.name,
  kind: d.kind,
  municipality: d.municipality,
  sectors: d.sectors ?? [],
  contacts: d.contacts ?? {},
  userIds: d.user_ids ?? [],
  officialSourceIds: d.official_source_ids ?? [],
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

const toRuleDoc = (r: ResponsibilityRule): RuleDoc => ({
  id: r.id,
  sector: r.sector,
  ...(r.category ? { category: r.category } : {}),
  ...(r.municipality ? { municipality: r.municipality } : {}),
  organisation_id: r.organisationId,
  created_at: r.createdAt,
});

const fromRuleDoc = (d: RuleDoc): ResponsibilityRule => ({
  id: d.id,
  sector: d.sector,
  ...(d.category ? { category: d.category } : {}),
  ...(d.municipality ? { municipality: d.municipality } : {}),
  organisationId: d.organisation_id,
  createdAt: d.created_at,
});

/** A region has dozens to a few thousand organisations and rules: one page reads them all. */
const MAX = 10_000;

function statusOf(err: unknown): number | undefined {
  return (err as { meta?: { statusCode?: number } }).meta?.statusCode;
}

/**
 * The organisation directory and the responsibility rules, in two small ES indices. Ids are the
 * organisation code and the rule key, so a duplicate is an id conflict ES refuses atomically.
 * Writes wait for refresh: a list right after a change sees it.
 */
export function createOrganisationsRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    async create(org: Organisation): Promise<'created' | 'exists'> {
      try {
        await es.index({ index: names.organisationsIndex, id: org.id, op_type: 'create', document: toOrgDoc(org), refresh: true });
        return 'created';
      } catch (err) {
        if (statusOf(err) === 409) return 'exists';
        throw err;
      }
    },
    async replace(org: Organisation): Promise<void> {
      await es.index({ index: names.organisationsIndex, id: org.id, document: toOrgDoc(org), refresh: true });
    },
    async get(id: string): Promise<Organisation | null> {
      const res = await es.get<OrganisationDoc>({ index: names.organisationsIndex, id }, { ignore: [404] });
      return res.found && res._source ? fromOrgDoc(res._source) : null;
    },
    async list(): Promise<Organisation[]> {
      const res = await es.search<OrganisationDoc>({ index: names.organisations, size: MAX, query: { match_all: {} }, sort: [{ 'name.raw': 'asc' as const }] });
      return res.hits.hits.flatMap((h) => (h._source ? [fromOrgDoc(h._source)] : []));
    },
    /** Organisations a user answers for. */
    async ofUser(userId: string): Promise<Organisation[]> {
      const res = await es.search<OrganisationDoc>({ index: names.organisations, size: 100, query: { term: { user_ids: userId } } });
      return res.hits.hits.flatMap((h) => (h._source ? [fromOrgDoc(h._source)] : []));
    },
    async delete(id: string): Promise<boolean> {
      const res = await es.delete({ index: names.organisationsIndex, id, refresh: true }, { ignore: [404] });
      return res.result === 'deleted';
    },

    async listRules(filter: { organisationId?: string } = {}): Promise<ResponsibilityRule[]> {
      const res = await es.search<RuleDoc>({
        index: names.routingRules,
        size: MAX,
        query: filter.organisationId ? { term: { organisation_id: filter.organisationId } } : { match_all: {} },
        sort: [{ id: 'asc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [fromRuleDoc(h._source)] : []));
    },
    async createRule(rule: ResponsibilityRule): Promise<'created' | 'exists'> {
      try {
        await es.index({ index: names.routingRulesIndex, id: rule.id, op_type: 'create', document: toRuleDoc(rule), refresh: true });
        return 'created';
      } catch (err) {
        if (statusOf(err) === 409) return 'exists';
        throw err;
      }
    },
    async getRule(id: string): Promise<ResponsibilityRule | null> {
      const res = await es.get<RuleDoc>({ index: names.routingRulesIndex, id }, { ignore: [404] });
      return res.found && res._source ? fromRuleDoc(res._source) : null;
    },
    /** Rewrites an existing rule (its id, the key, stays). */
    async saveRule(rule: ResponsibilityRule): Promise<void> {
      await es.index({ index: names.routingRulesIndex, id: rule.id, document: toRuleDoc(rule), refresh: true });
    },
    async deleteRule(id: string): Promise<boolean> {
      const res = await es.delete({ index: names.routingRulesIndex, id, refresh: true }, { ignore: [404] });
      return res.result === 'deleted';
    },

    /**
     * Writes a whole validated import in one bulk request (index = upsert by id). The service has
     * validated every row first, so this either writes everything or fails on the backend.
     */
    async bulkUpsert(orgs: readonly Organisation[], rules: readonly ResponsibilityRule[]): Promise<void> {
      const operations: unknown[] = [];
      for (const o of orgs) operations.push({ index: { _index: names.organisationsIndex, _id: o.id } }, toOrgDoc(o));
      for (const r of rules) operations.push({ index: { _index: names.routingRulesIndex, _id: r.id } }, toRuleDoc(r));
      if (operations.length === 0) return;
      const res = await es.bulk({ operations, refresh: true });
      if (res.errors) {
        const first = res.items.find((i) => i.index?.error)?.index?.error;
        throw new Error(`organisation import: bulk write failed (${first?.type ?? 'unknown'})`);
      }
    },
  };
}
export type OrganisationsRepository = ReturnType<typeof createOrganisationsRepository>;
