/**
 * Analytics page (/analytics/): any breakdown over time, top and recurring problems, the share of
 * misinformation and a tile-grid cartogram of municipalities — ECharts through `echarts/core`
 * with the accessibility (aria) component. Every number links to its posts in the archive.
 */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { byId, el } from '../operator/dom';
import { clearError, drillHref, link, requireSession, session, showError, type Drill } from '../archive/common';

echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, AriaComponent, CanvasRenderer]);

interface Row {
  t?: string;
  labels: Record<string, string>;
  count: number;
  drill: Drill;
}

const charts = new Map<string, echarts.ECharts>();
function chart(id: string): echarts.ECharts {
  let c = charts.get(id);
  if (!c) {
    c = echarts.init(byId(id), undefined, { renderer: 'canvas' });
    charts.set(id, c);
  }
  return c;
}
/** Tooltips and labels are plain text: user-derived labels never become markup. */
const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const q = byId<HTMLInputElement>('q');
const from = byId<HTMLInputElement>('from');
const to = byId<HTMLInputElement>('to');
const interval = byId<HTMLSelectElement>('interval');

function params(): URLSearchParams {
  const p = new URLSearchParams();
  if (q.value.trim()) p.set('q', q.value.trim());
  if (from.value) p.set('from', `${from.value}T00:00:00.000Z`);
  if (to.value) p.set('to', `${to.value}T23:59:59.999Z`);
  return p;
}
function dims(): string[] {
  return [...document.querySelectorAll<HTMLInputElement>('input[name=dim]:checked')].map((i) => i.value);
}

async function loadBreakdown(): Promise<void> {
  const p = params();
  p.set('dims', dims().join(',') || 'sector');
  if (interval.value) p.set('interval', interval.value);
  byId<HTMLAnchorElement>('export').href = `/api/analytics/breakdown/export?${p.toString()}&format=csv`;
  const b = await session.request<{ rows: Row[]; capped: boolean; message?: string; dims: string[] }>('GET', `/api/analytics/breakdown?${p.toString()}`);
  const capped = byId('capped');
  capped.hidden = !b.capped;
  capped.textContent = b.message ?? '';
  const group = (r: Row) => b.dims.map((d) => r.labels[d] ?? '').join(' · ');
  const groups = [...new Set(b.rows.map(group))].slice(0, 12);
  const times = [...new Set(b.rows.map((r) => r.t ?? ''))].sort();
  const byKey = new Map(b.rows.map((r) => [`${group(r)}|${r.t ?? ''}`, r]));
  const c = chart('chart-breakdown');
  c.setOption(
    {
      aria: { enabled: true },
      tooltip: { trigger: 'item', formatter: (x: { seriesName: string; name: string; value: number }) => `${escape(x.seriesName)}<br/>${escape(x.name)}: ${x.value}` },
      legend: { type: 'scroll', top: 0 },
      grid: { top: 40, left: 50, right: 20, bottom: 30 },
      xAxis: { type: 'category', data: times.map((t) => (t ? t.slice(0, 10) : 'всего')) },
      yAxis: { type: 'value' },
      series: groups.map((g) => ({ name: g, type: interval.value ? 'line' : 'bar', data: times.map((t) => byKey.get(`${g}|${t}`)?.count ?? 0) })),
    },
    true,
  );
  c.off('click');
  c.on('click', (e) => {
    const t = times[e.dataIndex ?? 0] ?? '';
    const row = byKey.get(`${e.seriesName ?? ''}|${t}`);
    if (row) location.assign(drillHref(row.drill));
  });
  byId('breakdown-rows').replaceChildren(
    ...b.rows.slice(0, 200).map((r) => el('tr', {}, el('td', { text: group(r) }), el('td', { text: r.t ? r.t.slice(0, 10) : '—' }), el('td', {}, link(drillHref(r.drill), String(r.count), 'drill')))),
  );
}

async function loadTop(): Promise<void> {
  const t = await session.request<{ items: { title: string; count: number; previous: number; drill: Drill }[] }>('GET', `/api/analytics/top?${params().toString()}`);
  byId('top').replaceChildren(...t.items.map((i) => el('li', {}, `${i.title}: `, link(drillHref(i.drill), String(i.count), 'drill'), ` (было ${i.previous})`)));
  const r = await session.request<{ items: { street: string; houses: string[]; title: string; municipalityName: string; count: number; drill: Drill }[] }>('GET', `/api/analytics/recurring?${params().toString()}`);
  byId('recurring').replaceChildren(...r.items.slice(0, 15).map((i) => el('li', {}, `${i.municipalityName}, ${i.street}${i.houses.length ? `, д. ${i.houses.join('/')}` : ''} — ${i.title}: `, link(drillHref(i.drill), String(i.count), 'drill'))));
}

async function loadMisinfo(): Promise<void> {
  const p = params();
  p.set('interval', interval.value || 'day');
  const m = await session.request<{ share: number; misinformation: number; total: number; drill: Drill; series: { t: string; share: number; drill: Drill }[] }>('GET', `/api/analytics/misinformation?${p.toString()}`);
  byId('misinfo-share').replaceChildren(link(drillHref(m.drill), `${(m.share * 100).toFixed(1)}%`, 'drill'), ` (${m.misinformation} из ${m.total})`);
  const c = chart('chart-misinfo');
  c.setOption({ aria: { enabled: true }, tooltip: { trigger: 'axis' }, grid: { top: 10, left: 40, right: 10, bottom: 25 }, xAxis: { type: 'category', data: m.series.map((s) => s.t.slice(0, 10)) }, yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } }, series: [{ type: 'line', data: m.series.map((s) => s.share) }] }, true);
}

async function loadMap(): Promise<void> {
  const m = await session.request<{ items: { code: string; name: string; tile: [number, number] | null; count: number; drill: Drill }[] }>('GET', `/api/analytics/map?${params().toString()}`);
  const tiles = m.items.filter((i) => i.tile);
  const cols = Math.max(...tiles.map((i) => (i.tile as [number, number])[0])) + 1;
  const rows = Math.max(...tiles.map((i) => (i.tile as [number, number])[1])) + 1;
  const max = Math.max(1, ...tiles.map((i) => i.count));
  const c = chart('chart-map');
  c.setOption(
    {
      aria: { enabled: true },
      tooltip: { formatter: (x: { data: [number, number, number, string] }) => `${escape(x.data[3])}: ${x.data[2]}` },
      grid: { top: 10, left: 10, right: 10, bottom: 40 },
      xAxis: { type: 'category', data: Array.from({ length: cols }, (_, i) => i), show: false },
      yAxis: { type: 'category', data: Array.from({ length: rows }, (_, i) => rows - 1 - i), show: false },
      visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#eef3fb', '#1f5fbf'] } },
      series: [{ type: 'heatmap', data: tiles.map((i) => [(i.tile as [number, number])[0], rows - 1 - (i.tile as [number, number])[1], i.count, i.name]), label: { show: true, formatter: (x: { data: [number, number, number, string] }) => `${x.data[3].replace(/ район$/, '').slice(0, 10)}\n${x.data[2]}` } }],
    },
    true,
  );
  c.off('click');
  c.on('click', (e) => {
    const item = tiles[e.dataIndex ?? -1];
    if (item) location.assign(drillHref(item.drill));
  });
}

async function refresh(): Promise<void> {
  clearError();
  history.replaceState(null, '', `/analytics/?${params().toString()}`);
  const results = await Promise.allSettled([loadBreakdown(), loadTop(), loadMisinfo(), loadMap()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) showError(failed.reason);
}

async function main(): Promise<void> {
  await requireSession();
  const u = new URLSearchParams(location.search);
  q.value = u.get('q') ?? '';
  const monthAgo = new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10);
  from.value = (u.get('from') ?? monthAgo).slice(0, 10);
  to.value = (u.get('to') ?? new Date().toISOString()).slice(0, 10);
  byId('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    void refresh();
  });
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
  await refresh();
}

void main();
