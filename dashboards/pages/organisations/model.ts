/**
 * The organisation directory admin page (`/organisations/`, `organisations:manage`): the
 * directory with filters (search, kind, municipality, sector — in the URL), create/edit/delete,
 * responsibility rules (most specific wins), spreadsheet import (all or nothing) and export.
 * Every change is audited by the server.
 */
import { signal } from '@preact/signals';
import type { CreateOrganisationInput, ImportResult, OrganisationView, RuleView } from '../../../src/contracts/organisations';
import type { Meta } from '../../../src/contracts/meta';
import { api, ApiError, upload } from '../../shared/api';
import { errorText } from '../../shared/session';

export interface DirectoryFilter {
  q: string;
  kind: string;
  municipality: string;
  sector: string;
}

/** The filter from the URL query (unknown keys ignored). */
export function filterFromQuery(query: { get(key: string): string | null }): DirectoryFilter {
  return { q: query.get('q') ?? '', kind: query.get('kind') ?? '', municipality: query.get('municipality') ?? '', sector: query.get('sector') ?? '' };
}

/** The organisations a filter keeps: text in name, code, contacts; kind, municipality, sector exact. */
export function filterOrganisations(items: readonly OrganisationView[], f: DirectoryFilter): OrganisationView[] {
  const q = f.q.trim().toLocaleLowerCase('ru');
  return items.filter((o) => {
    if (f.kind && o.kind !== f.kind) return false;
    if (f.municipality && o.municipality !== f.municipality) return false;
    if (f.sector && !(o.sectors as string[]).includes(f.sector)) return false;
    if (!q) return true;
    const hay = [o.name, o.id, o.kindTitle, o.municipalityName, o.contacts.email ?? '', o.contacts.phone ?? '', o.contacts.address ?? ''].join(' ').toLocaleLowerCase('ru');
    return hay.includes(q);
  });
}

/** Rules in the order they apply: most specific first, then by sector. */
export function sortRules(rules: readonly RuleView[]): RuleView[] {
  return [...rules].sort((a, b) => b.specificity - a.specificity || a.sector.localeCompare(b.sector) || a.id.localeCompare(b.id));
}

/** The form's values: comma-separated lists as text. */
export interface OrganisationFormValues extends Record<string, unknown> {
  id: string;
  name: string;
  kind: string;
  municipality: string;
  sectors: string[];
  email: string;
  phone: string;
  address: string;
  website: string;
  userIds: string;
}

export const EMPTY_FORM: OrganisationFormValues = { id: '', name: '', kind: 'other', municipality: '', sectors: [], email: '', phone: '', address: '', website: '', userIds: '' };

export function formFromOrganisation(o: OrganisationView): OrganisationFormValues {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    municipality: o.municipality,
    sectors: [...o.sectors],
    email: o.contacts.email ?? '',
    phone: o.contacts.phone ?? '',
    address: o.contacts.address ?? '',
    website: o.contacts.website ?? '',
    userIds: o.userIds.join(', '),
  };
}

/** The request body from the form (empty contacts left out, the user list split on commas). */
export function bodyFromForm(v: OrganisationFormValues): CreateOrganisationInput {
  const contacts: CreateOrganisationInput['contacts'] = {};
  if (v.email.trim()) contacts.email = v.email.trim();
  if (v.phone.trim()) contacts.phone = v.phone.trim();
  if (v.address.trim()) contacts.address = v.address.trim();
  if (v.website.trim()) contacts.website = v.website.trim();
  return {
    id: v.id.trim(),
    name: v.name.trim(),
    kind: v.kind as CreateOrganisationInput['kind'],
    municipality: v.municipality,
    sectors: v.sectors as CreateOrganisationInput['sectors'],
    contacts,
    userIds: v.userIds
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    officialSourceIds: [],
  };
}

/** Field paths the form shows errors beside (server paths, `body.` dropped). */
export const FORM_FIELDS = ['id', 'name', 'kind', 'municipality', 'sectors', 'contacts.email', 'contacts.phone', 'contacts.address', 'contacts.website', 'userIds'] as const;

/** The rows a refused import names: «Организации, строка 3: unknown sector». */
export function importErrors(err: unknown): string[] {
  if (!(err instanceof ApiError) || err.status !== 400) return [];
  return err.fields.map((f) => {
    const m = /^(organisations|rules)\[(\d+)\]$/.exec(f.field);
    return m ? `${m[1] === 'rules' ? 'Правила' : 'Организации'}, строка ${m[2]}: ${f.message}` : `${f.field}: ${f.message}`;
  });
}

export function createDirectoryModel() {
  const items = signal<OrganisationView[]>([]);
  const rules = signal<RuleView[]>([]);
  const meta = signal<Meta | null>(null);
  const error = signal<string | null>(null);
  const loaded = signal(false);
  const importing = signal(false);
  const importResult = signal<ImportResult | null>(null);
  const importProblems = signal<{ message: string; rows: string[] } | null>(null);

  const load = async (): Promise<void> => {
    try {
      const [orgs, rs] = await Promise.all([api('GET /api/organisations'), api('GET /api/routing-rules')]);
      items.value = orgs.items;
      rules.value = sortRules(rs.items);
      if (!meta.value) meta.value = await api('GET /api/meta');
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loaded.value = true;
    }
  };

  const remove = async (id: string): Promise<boolean> => {
    try {
      await api('DELETE /api/organisations/:id', { params: { id } });
      await load();
      return true;
    } catch (e) {
      error.value = errorText(e);
      return false;
    }
  };

  /** Points a rule at another organisation (the rule's key stays). */
  const updateRule = async (id: string, organisationId: string): Promise<boolean> => {
    try {
      await api('PATCH /api/routing-rules/:id', { params: { id }, body: { organisationId } });
      await load();
      return true;
    } catch (e) {
      error.value = errorText(e);
      return false;
    }
  };

  const removeRule = async (id: string): Promise<boolean> => {
    try {
      await api('DELETE /api/routing-rules/:id', { params: { id } });
      await load();
      return true;
    } catch (e) {
      error.value = errorText(e);
      return false;
    }
  };

  const importFile = async (file: File, table: 'organisations' | 'rules'): Promise<boolean> => {
    const xlsx = /\.xlsx$/i.test(file.name);
    importing.value = true;
    importResult.value = null;
    importProblems.value = null;
    try {
      importResult.value = await upload(
        'POST /api/organisations/import',
        file,
        xlsx ? { format: 'xlsx' } : { format: 'csv', table },
        xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      );
      await load();
      return true;
    } catch (e) {
      const rows = importErrors(e);
      importProblems.value = { message: e instanceof ApiError && e.status === 400 ? 'Файл не импортирован: ничего не изменено.' : errorText(e), rows };
      return false;
    } finally {
      importing.value = false;
    }
  };

  return { items, rules, meta, error, loaded, importing, importResult, importProblems, load, remove, updateRule, removeRule, importFile };
}
export type DirectoryModel = ReturnType<typeof createDirectoryModel>;
