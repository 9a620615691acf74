import type { CreateOrganisationInput, CreateRuleInput, ImportResult, ImportRowError, OrganisationView, RuleView, UpdateOrganisationInput, UpdateRuleInput } from '../contracts/organisations';
import type { SessionUser } from '../domain/access';
import { auditRecord, type AuditAction } from '../domain/audit';
import {
  matchingRules,
  ORGANISATION_KIND_TITLES_RU,
  ruleId,
  ruleSpecificity,
  type Organisation,
  type ResponsibilityRule,
  type RoutingSuggestion,
} from '../domain/organisation';
import type { Sector } from '../domain/sector';
import { resolveCategory, type Taxonomy } from '../domain/taxonomy';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { OrganisationsRepository } from '../repositories/organisations.repository';

/** How similar incidents were routed before: organisation id → count, for the history suggestion. */
export type RoutingHistory = (q: { sector: Sector; category?: string | undefined; municipality: string; text?: string | undefined }) => Promise<{ organisationId: string; count: number }[]>;

export interface Directory {
  organisations: Organisation[];
  rules: ResponsibilityRule[];
}

/** Share of similar incidents an organisation must have received before history suggests it. */
const HISTORY_MIN_SHARE = 0.2;

export function createOrganisationsService(deps: {
  organisations: OrganisationsRepository;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: { isKnown(code: string): boolean; nameOf(code: string): string };
  taxonomy: Taxonomy;
  /** Similar incidents routed before (ES); absent → rules only. */
  history?: RoutingHistory;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const repo = deps.organisations;

  async function audit(actor: SessionUser, action: AuditAction, target: string, details: Record<string, unknown>, ip?: string): Promise<void> {
    await deps.audit.append(auditRecord(actor, { action, outcome: 'success', target, ...(ip ? { ip } : {}), details }, now()));
  }

  function present(o: Organisation): OrganisationView {
    return { ...o, kindTitle: ORGANISATION_KIND_TITLES_RU[o.kind], municipalityName: deps.gazetteer.nameOf(o.municipality) };
  }

  function presentRule(r: ResponsibilityRule, orgs: Map<string, Organisation>): RuleView {
    return {
      id: r.id,
      sector: r.sector,
      ...(r.category ? { category: r.category, categoryTitle: resolveCategory(deps.taxonomy, r.sector, r.category).title } : {}),
      ...(r.municipality ? { municipality: r.municipality, municipalityName: deps.gazetteer.nameOf(r.municipality) } : {}),
      organisationId: r.organisationId,
      organisationName: orgs.get(r.organisationId)?.name ?? r.organisationId,
      specificity: ruleSpecificity(r),
      createdAt: r.createdAt,
    };
  }

  function checkMunicipality(code: string, field: string): void {
    if (!deps.gazetteer.isKnown(code)) throw new ValidationError(`${field}: unknown municipality code '${code}'`, { fields: [{ field, message: 'unknown municipality' }] });
  }

  function checkCategory(sector: Sector, category: string | undefined, field: string): void {
    if (category === undefined) return;
    if (!deps.taxonomy.sectors[sector].some((c) => c.code === category)) {
      throw new ValidationError(`${field}: '${category}' is not a category of sector ${sector}`, { fields: [{ field, message: 'unknown category for the sector' }] });
    }
  }

  async function mustGet(id: string): Promise<Organisation> {
    const org = await repo.get(id);
    if (!org) throw new NotFoundError('Organisation');
    return org;
  }

  return {
    present,
    async list(): Promise<OrganisationView[]> {
      return (await repo.list()).map(present);
    },
    async get(id: string): Promise<OrganisationView> {
      return present(await mustGet(id));
    },
    /** The raw record (for other services: routing, ratings, the organisation's page). */
    async find(id: string): Promise<Organisation | null> {
      return repo.get(id);
    },
    /** Organisations a user answers for (the `organisation` role's own page). */
    ofUser: (userId: string) => repo.ofUser(userId),
    async directory(): Promise<Directory> {
      const [organisations, rules] = await Promise.all([repo.list(), repo.listRules()]);
      return { organisations, rules };
    },
    /** The directory for a spreadsheet export (audited: contacts leave the system). */
    async exportDirectory(actor: SessionUser, format: string, ip?: string): Promise<Directory> {
      const d = await this.directory();
      await audit(actor, 'organisation.export', 'directory', { format, organisations: d.organisations.length, rules: d.rules.length }, ip);
      return d;
    },

    async create(actor: SessionUser, input: CreateOrganisationInput, ip?: string): Promise<OrganisationView> {
      checkMunicipality(input.municipality, 'body.municipality');
      const at = now().toISOString();
      const org: Organisation = { ...input, contacts: input.contacts, createdAt: at, updatedAt: at };
      if ((await repo.create(org)) === 'exists') throw new ConflictError(`Организация с кодом ${org.id} уже есть / organisation ${org.id} already exists`);
      await audit(actor, 'organisation.create', org.id, { kind: org.kind, municipality: org.municipality, sectors: org.sectors }, ip);
      return present(org);
    },

    async update(actor: SessionUser, id: string, patch: UpdateOrganisationInput, ip?: string): Promise<OrganisationView> {
      const org = await mustGet(id);
      if (patch.municipality !== undefined) checkMunicipality(patch.municipality, 'body.municipality');
      const next: Organisation = { ...org, ...patch, updatedAt: now().toISOString() } as Organisation;
      const changed = (Object.keys(patch) as (keyof UpdateOrganisationInput)[]).filter((k) => JSON.stringify(org[k]) !== JSON.stringify(next[k]));
      if (changed.length === 0) return present(org);
      await repo.replace(next);
      await audit(actor, 'organisation.update', id, { changed }, ip);
      return present(next);
    },

    /** Deletes an organisation and the rules that point at it (they would route nowhere). */
    async remove(actor: SessionUser, id: string, ip?: string): Promise<void> {
      await mustGet(id);
      const rules = await repo.listRules({ organisationId: id });
      for (const r of rules) await repo.deleteRule(r.id);
      await repo.delete(id);
      await audit(actor, 'organisation.delete', id, { rulesDeleted: rules.map((r) => r.id) }, ip);
    },

    async listRules(): Promise<RuleView[]> {
      const { organisations, rules } = await this.directory();
      const byId = new Map(organisations.map((o) => [o.id, o]));
      return rules.map((r) => presentRule(r, byId)).sort((a, b) => a.sector.localeCompare(b.sector) || b.specificity - a.specificity || a.id.localeCompare(b.id));
    },

    async createRule(actor: SessionUser, input: CreateRuleInput, ip?: string): Promise<RuleView> {
      checkCategory(input.sector, input.category, 'body.category');
      if (input.municipality !== undefined) checkMunicipality(input.municipality, 'body.municipality');
      const org = await repo.get(input.organisationId);
      if (!org) throw new ValidationError(`body.organisationId: unknown organisation '${input.organisationId}'`, { fields: [{ field: 'body.organisationId', message: 'unknown organisation' }] });
      const rule: ResponsibilityRule = {
        id: ruleId(input.sector, input.category, input.municipality),
        sector: input.sector,
        ...(input.category ? { category: input.category } : {}),
        ...(input.municipality ? { municipality: input.municipality } : {}),
        organisationId: org.id,
        createdAt: now().toISOString(),
      };
      if ((await repo.createRule(rule)) === 'exists') {
        const existing = await repo.getRule(rule.id);
        throw new ConflictError(`Правило для этой отрасли, категории и муниципалитета уже есть (→ ${existing?.organisationId ?? '?'}) / a rule for this key already exists`);
      }
      await audit(actor, 'routing_rule.create', rule.id, { organisationId: org.id }, ip);
      return presentRule(rule, new Map([[org.id, org]]));
    },

    async updateRule(actor: SessionUser, id: string, input: UpdateRuleInput, ip?: string): Promise<RuleView> {
      const rule = await repo.getRule(id);
      if (!rule) throw new NotFoundError('Rule');
      const org = await repo.get(input.organisationId);
      if (!org) throw new ValidationError(`body.organisationId: unknown organisation '${input.organisationId}'`, { fields: [{ field: 'body.organisationId', message: 'unknown organisation' }] });
      const updated: ResponsibilityRule = { ...rule, organisationId: org.id };
      if (rule.organisationId !== org.id) {
        await repo.saveRule(updated);
        await audit(actor, 'routing_rule.update', id, { from: rule.organisationId, organisationId: org.id }, ip);
      }
      return presentRule(updated, new Map([[org.id, org]]));
    },

    async deleteRule(actor: SessionUser, id: string, ip?: string): Promise<void> {
      const rule = await repo.getRule(id);
      if (!rule) throw new NotFoundError('Rule');
      await repo.deleteRule(id);
      await audit(actor, 'routing_rule.delete', id, { organisationId: rule.organisationId }, ip);
    },

    /**
     * Suggestions for routing an incident: the most specific matching rule first, then where
     * similar incidents went before (when that differs), best first. The operator confirms or
     * picks another.
     */
    async suggest(q: { sector: Sector; category?: string | undefined; municipality: string; text?: string | undefined }): Promise<RoutingSuggestion[]> {
      const { organisations, rules } = await this.directory();
      const byId = new Map(organisations.map((o) => [o.id, o]));
      const out: RoutingSuggestion[] = [];
      for (const rule of matchingRules(rules, q)) {
        const org = byId.get(rule.organisationId);
        if (!org || out.some((s) => s.organisationId === org.id)) continue;
        const parts = [rule.category ? `категория «${resolveCategory(deps.taxonomy, rule.sector, rule.category).title}»` : `отрасль`, rule.municipality ? deps.gazetteer.nameOf(rule.municipality) : 'вся область'];
        out.push({ organisationId: org.id, organisationName: org.name, reason: 'rule', score: 0.7 + 0.1 * ruleSpecificity(rule), explanation: `Правило: ${parts.join(', ')}` });
      }
      if (deps.history) {
        const seen = await deps.history(q);
        const total = seen.reduce((s, h) => s + h.count, 0);
        for (const h of seen) {
          const org = byId.get(h.organisationId);
          const share = total > 0 ? h.count / total : 0;
          if (!org || share < HISTORY_MIN_SHARE) continue;
          const existing = out.find((s) => s.organisationId === org.id);
          const explanation = `Похожие обращения направлялись сюда: ${h.count} из ${total}`;
          if (existing) {
            existing.explanation += `; ${explanation.toLowerCase()}`;
            existing.count = h.count;
            continue;
          }
          out.push({ organisationId: org.id, organisationName: org.name, reason: 'history', score: Math.round(share * 0.7 * 100) / 100, explanation, count: h.count });
        }
      }
      return out.sort((a, b) => b.score - a.score);
    },

    /**
     * Applies a parsed spreadsheet: every row is checked against the gazetteer, the taxonomy, the
     * directory and the other rows first; one broken row rejects the whole import (nothing is
     * written) with every row number and reason.
     */
    async importRows(actor: SessionUser, rows: { organisations?: ParsedOrganisationRow[]; rules?: ParsedRuleRow[] }, ip?: string): Promise<ImportResult> {
      const existing = await this.directory();
      const known = new Map(existing.organisations.map((o) => [o.id, o]));
      const existingRules = new Set(existing.rules.map((r) => r.id));
      const errors: ImportRowError[] = [];
      const at = now().toISOString();
      const orgs: Organisation[] = [];
      const seenOrg = new Map<string, number>();
      for (const r of rows.organisations ?? []) {
        const fail = (message: string) => errors.push({ table: 'organisations', row: r.row, message });
        const before = errors.length;
        for (const p of r.problems) fail(p);
        if (r.id) {
          const dup = seenOrg.get(r.id);
          if (dup !== undefined) fail(`дубликат кода «${r.id}» (уже в строке ${dup})`);
          else seenOrg.set(r.id, r.row);
        }
        if (r.municipality && !deps.gazetteer.isKnown(r.municipality)) fail(`неизвестный муниципалитет «${r.municipality}»`);
        if (errors.length > before || !r.id || !r.name || !r.kind || !r.municipality) continue;
        const prev = known.get(r.id);
        orgs.push({
          id: r.id,
          name: r.name,
          kind: r.kind,
          municipality: r.municipality,
          sectors: r.sectors,
          contacts: r.contacts,
          userIds: r.userIds,
          officialSourceIds: r.officialSourceIds,
          createdAt: prev?.createdAt ?? at,
          updatedAt: at,
        });
      }
      const orgIds = new Set([...known.keys(), ...seenOrg.keys()]);
      const rules: ResponsibilityRule[] = [];
      const seenRule = new Map<string, number>();
      for (const r of rows.rules ?? []) {
        const fail = (message: string) => errors.push({ table: 'rules', row: r.row, message });
        const before = errors.length;
        for (const p of r.problems) fail(p);
        if (r.sector && r.category && !deps.taxonomy.sectors[r.sector].some((c) => c.code === r.category)) fail(`категория «${r.category}» не относится к отрасли ${r.sector}`);
        if (r.municipality && !deps.gazetteer.isKnown(r.municipality)) fail(`неизвестный муниципалитет «${r.municipality}»`);
        if (r.organisationId && !orgIds.has(r.organisationId)) fail(`неизвестная организация «${r.organisationId}»`);
        if (r.sector) {
          const id = ruleId(r.sector, r.category, r.municipality);
          const dup = seenRule.get(id);
          if (dup !== undefined) fail(`дубликат правила (уже в строке ${dup})`);
          else seenRule.set(id, r.row);
        }
        if (errors.length > before || !r.sector || !r.organisationId) continue;
        rules.push({
          id: ruleId(r.sector, r.category, r.municipality),
          sector: r.sector,
          ...(r.category ? { category: r.category } : {}),
          ...(r.municipality ? { municipality: r.municipality } : {}),
          organisationId: r.organisationId,
          createdAt: at,
        });
      }
      if (errors.length > 0) {
        const fields = errors.map((e) => ({ field: `${e.table}[${e.row}]`, message: e.message }));
        const head = errors.slice(0, 20).map((e) => `${e.table === 'rules' ? 'Правила' : 'Организации'}, строка ${e.row}: ${e.message}`);
        throw new ValidationError(`Файл не импортирован, ошибки в строках: ${head.join('; ')}${errors.length > 20 ? `; … ещё ${errors.length - 20}` : ''}`, { fields, rows: errors });
      }
      await repo.bulkUpsert(orgs, rules);
      const result: ImportResult = {
        organisations: { created: orgs.filter((o) => !known.has(o.id)).length, updated: orgs.filter((o) => known.has(o.id)).length },
        rules: { created: rules.filter((r) => !existingRules.has(r.id)).length, updated: rules.filter((r) => existingRules.has(r.id)).length },
      };
      await audit(actor, 'organisation.import', 'directory', { ...result }, ip);
      return result;
    },
  };
}
export type OrganisationsService = ReturnType<typeof createOrganisationsService>;

/** One spreadsheet row of the organisations sheet after parsing; `problems` are per-cell faults. */
export interface ParsedOrganisationRow {
  row: number;
  id?: string;
  name?: string;
  kind?: Organisation['kind'];
  municipality?: string;
  sectors: Sector[];
  contacts: Organisation['contacts'];
  userIds: string[];
  officialSourceIds: string[];
  problems: string[];
}

export interface ParsedRuleRow {
  row: number;
  sector?: Sector;
  category?: string;
  municipality?: string;
  organisationId?: string;
  problems: string[];
}
