/** Pure parts of the archive and analytics page models: URL <-> filter, facet clauses, links. */
import { describe, expect, it } from 'vitest';
import { drillHref } from '../../dashboards/shared/drill';
import { exportHref, facetClause, filterFromForm, filterFromUrl, urlOf } from '../../dashboards/pages/archive/model';
import { breakdownExportHref, filterFromUrl as analyticsFilter } from '../../dashboards/pages/analytics/model';

describe('archive model', () => {
  it('quotes facet values that are not one word', () => {
    expect(facetClause('municipality', 'omsk')).toBe('municipality:omsk');
    expect(facetClause('source', 'vk group')).toBe('source:"vk group"');
    expect(facetClause('source', 'a"b c')).toBe('source:"ab c"');
  });

  it('turns form days into whole UTC days and round-trips through the URL', () => {
    const f = filterFromForm('  вода ', '2026-12-01', '2026-12-05', 'relevance');
    expect(f).toEqual({ q: 'вода', from: '2026-12-01T00:00:00.000Z', to: '2026-12-05T23:59:59.999Z', sort: 'relevance' });
    expect(filterFromUrl(new URLSearchParams(urlOf(f)))).toEqual(f);
    expect(filterFromForm('x', 'bad', '', 'date')).toEqual({ q: 'x', from: '', to: '', sort: 'date' });
  });

  it('builds export and drill-down links with the query encoded', () => {
    expect(exportHref({ q: 'a b', from: '', to: '', sort: 'date' }, 'xlsx')).toBe('/api/archive/export?q=a+b&format=xlsx');
    expect(drillHref({ q: 'sector:housing', from: '2026-12-01T00:00:00.000Z' })).toBe('/archive/?q=sector%3Ahousing&from=2026-12-01T00%3A00%3A00.000Z');
  });
});

describe('analytics model', () => {
  it('defaults to the last 30 days by sector per day and ignores unknown dimensions', () => {
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(analyticsFilter(new URLSearchParams(), now)).toEqual({ q: '', from: '2026-11-06', to: '2026-12-06', dims: ['sector'], interval: 'day' });
    expect(analyticsFilter(new URLSearchParams('dims=tone,evil&interval=none'), now)).toMatchObject({ dims: ['tone'], interval: '' });
  });

  it('exports the breakdown the page shows', () => {
    expect(breakdownExportHref({ q: '', from: '2026-12-01', to: '2026-12-02', dims: ['sector', 'municipality'], interval: '' })).toBe(
      '/api/analytics/breakdown/export?from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-02T23%3A59%3A59.999Z&dims=sector%2Cmunicipality&format=csv',
    );
  });
});
