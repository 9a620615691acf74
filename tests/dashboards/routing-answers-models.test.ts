/** Page model logic of /organisation/ and /organisations/ (issue 11): pure functions, no services. */
import { describe, expect, it } from 'vitest';
import type { OrganisationView, RuleView } from '../../src/contracts/organisations';
import type { DeskIncident } from '../../src/contracts/response';
import { ApiError } from '../../dashboards/shared/api';
import { countdowns, nextStage, sortForDesk } from '../../dashboards/pages/organisation/model';
import { bodyFromForm, filterFromQuery, filterOrganisations, formFromOrganisation, importErrors, sortRules } from '../../dashboards/pages/organisations/model';

const H = 3600_000;
const NOW = Date.parse('2026-03-02T06:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function inc(id: string, over: Partial<DeskIncident> = {}): DeskIncident {
  return {
    id, status: 'routed', sector: 'housing', category: 'housing.water', municipality: 'omsk', municipalityName: 'Омск', text: 'Нет воды', url: 'https://vk.com/wall-1_2',
    routedAt: iso(NOW - H), interimDueAt: iso(NOW + 2 * H), finalDueAt: iso(NOW + 100 * H), interimAnsweredAt: null, finalAnsweredAt: null, answers: [], version: 'v1', ...over,
  };
}

function org(id: string, over: Partial<OrganisationView> = {}): OrganisationView {
  return {
    id, name: id, kind: 'utility', kindTitle: 'РСО', municipality: 'omsk', municipalityName: 'Омск', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [],
    createdAt: iso(NOW), updatedAt: iso(NOW), ...over,
  };
}

describe('organisation desk model', () => {
  it('asks for the interim answer first, then the final, then nothing', () => {
    expect(nextStage(inc('a'))).toBe('interim');
    expect(nextStage(inc('a', { interimAnsweredAt: iso(NOW) }))).toBe('final');
    expect(nextStage(inc('a', { interimAnsweredAt: iso(NOW), finalAnsweredAt: iso(NOW) }))).toBeNull();
    expect(nextStage(inc('a', { status: 'closed' }))).toBeNull();
  });

  it('shows both countdowns: left, overdue, or when answered', () => {
    const [interim, final] = countdowns(inc('a', { interimDueAt: iso(NOW - 30 * 60_000) }), NOW);
    expect(interim?.state).toBe('overdue');
    expect(interim?.left).toContain('просрочено');
    expect(final?.state).toBe('ok');
    expect(final?.left).toContain('осталось');
    const answered = countdowns(inc('a', { interimAnsweredAt: iso(NOW - H) }), NOW)[0];
    expect(answered?.answeredAt).toBe(iso(NOW - H));
    // The last hour before a deadline is «soon».
    expect(countdowns(inc('a', { interimDueAt: iso(NOW + 20 * 60_000) }), NOW)[0]?.state).toBe('soon');
  });

  it('lists the most urgent open stage first and answered incidents last', () => {
    const items = [
      inc('done', { interimAnsweredAt: iso(NOW), finalAnsweredAt: iso(NOW) }),
      inc('final-soon', { interimAnsweredAt: iso(NOW), finalDueAt: iso(NOW + H) }),
      inc('interim-late', { interimDueAt: iso(NOW - H) }),
      inc('interim-later', { interimDueAt: iso(NOW + 3 * H) }),
    ];
    expect(sortForDesk(items).map((i) => i.id)).toEqual(['interim-late', 'final-soon', 'interim-later', 'done']);
  });
});

describe('organisation directory model', () => {
  const items = [
    org('omsk-vodokanal', { name: 'АО «ОмскВодоканал»', contacts: { phone: '8 (3812) 55-12-40' } }),
    org('tara-uk', { name: 'ООО «УК Тара»', kind: 'management_company', kindTitle: 'Управляющая компания', municipality: 'tara', municipalityName: 'Тарский район' }),
    org('minzdrav', { name: 'Министерство здравоохранения', kind: 'oiv', kindTitle: 'ОИВ', sectors: ['health'] }),
  ];

  it('filters by text (any case, contacts too), kind, municipality and sector from the URL', () => {
    const f = (q: string) => filterOrganisations(items, filterFromQuery(new URLSearchParams(q))).map((o) => o.id);
    expect(f('')).toEqual(['omsk-vodokanal', 'tara-uk', 'minzdrav']);
    expect(f('q=водоканал')).toEqual(['omsk-vodokanal']);
    expect(f('q=55-12')).toEqual(['omsk-vodokanal']);
    expect(f('kind=oiv')).toEqual(['minzdrav']);
    expect(f('municipality=tara')).toEqual(['tara-uk']);
    expect(f('sector=health')).toEqual(['minzdrav']);
    expect(f('sector=housing&municipality=omsk')).toEqual(['omsk-vodokanal']);
  });

  it('round-trips the form: empty contacts dropped, users split on commas', () => {
    const v = formFromOrganisation(org('x', { contacts: { email: 'a@b.ru' }, userIds: ['u1', 'u2'] }));
    expect(v.userIds).toBe('u1, u2');
    const body = bodyFromForm({ ...v, userIds: ' u1, ,u3 ', phone: '  ' });
    expect(body.contacts).toEqual({ email: 'a@b.ru' });
    expect(body.userIds).toEqual(['u1', 'u3']);
  });

  it('orders rules most specific first', () => {
    const rule = (id: string, specificity: number): RuleView => ({ id, sector: 'housing', organisationId: 'o', organisationName: 'O', specificity, createdAt: iso(NOW) });
    expect(sortRules([rule('a', 0), rule('c', 3), rule('b', 1)]).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it("names the refused import's rows in Russian", () => {
    const err = new ApiError(400, 'validation_failed', 'Файл не импортирован', [
      { field: 'organisations[3]', message: 'unknown municipality' },
      { field: 'rules[2]', message: 'unknown organisation' },
    ]);
    expect(importErrors(err)).toEqual(['Организации, строка 3: unknown municipality', 'Правила, строка 2: unknown organisation']);
    expect(importErrors(new ApiError(403, 'forbidden', 'no'))).toEqual([]);
  });
});
