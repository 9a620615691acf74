/**
 * The analytics page (/analytics/): any breakdown over time, top and recurring problems, the share
 * of misinformation and a tile-grid cartogram of municipalities, drawn by the shared chart
 * components. Every number links to exactly its posts in the archive (a drill-down).
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { BarChart } from '../../shared/components/bar-chart';
import { LineChart, type LineSeries } from '../../shared/components/line-chart';
import { EmptyState } from '../../shared/components/states';
import { TileMap, type Tile } from '../../shared/components/tile-map';
import { drillHref } from '../../shared/drill';
import { navigate, onLinkClick } from '../../shared/router';
import { breakdownExportHref, createAnalyticsModel, type AnalyticsFilter, type Dimension, type Interval } from './model';

const DIM_TITLES: [Dimension, string][] = [
  ['sector', 'направление'],
  ['category', 'категория'],
  ['municipality', 'муниципалитет'],
  ['network', 'сеть'],
  ['source', 'источник'],
  ['tone', 'тональность'],
];
const MAX_GROUPS = 12;
/** A time as the charts hand it back (ISO text or milliseconds) -> one comparable key. */
const timeKey = (t: unknown): string => (t === undefined || t === '' ? '' : String(new Date(t as string | number).getTime()));

function Drill({ href, count }: { href: string; count: number }) {
  return (
    <a class="drill" href={href} onClick={onLinkClick}>
      {count}
    </a>
  );
}

export default function AnalyticsPage() {
  const model = useMemo(createAnalyticsModel, []);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => model.start(), [model]);

  const f = model.filter.value;
  useEffect(() => {
    const el = form.current;
    if (!el) return;
    (el.elements.namedItem('q') as HTMLInputElement).value = f.q;
    (el.elements.namedItem('from') as HTMLInputElement).value = f.from;
    (el.elements.namedItem('to') as HTMLInputElement).value = f.to;
    (el.elements.namedItem('interval') as HTMLSelectElement).value = f.interval;
    for (const box of el.querySelectorAll<HTMLInputElement>('input[name=dim]')) box.checked = f.dims.includes(box.value as Dimension);
  }, [f]);

  const read = (): AnalyticsFilter => {
    const d = new FormData(form.current ?? undefined);
    const dims = d.getAll('dim').map(String) as Dimension[];
    return { q: String(d.get('q') ?? '').trim(), from: String(d.get('from') ?? ''), to: String(d.get('to') ?? ''), dims: dims.length > 0 ? dims : ['sector'], interval: String(d.get('interval') ?? '') as Interval };
  };

  // The breakdown: one line per group over time, or one bar per group without an interval.
  const b = model.breakdown.value;
  const chart = useMemo(() => {
    if (!b) return null;
    const group = (labels: Record<string, string>) => b.dims.map((d) => labels[d] ?? '').join(' · ');
    const totals = new Map<string, number>();
    for (const r of b.rows) totals.set(group(r.labels), (totals.get(group(r.labels)) ?? 0) + r.count);
    const groups = [...totals.entries()].sort((x, y) => y[1] - x[1]).slice(0, MAX_GROUPS);
    const byKey = new Map(b.rows.map((r) => [`${group(r.labels)}|${timeKey(r.t)}`, r]));
    const series: LineSeries[] = groups.map(([name]) => ({ name, points: b.rows.filter((r) => r.t && group(r.labels) === name).map((r) => [r.t as string, r.count] as const) }));
    return { group, groups, byKey, series, timed: b.interval !== null };
  }, [b]);

  const top = model.top.value;
  const recurring = model.recurring.value;
  const misinfo = model.misinfo.value;
  const map = model.map.value;
  const tiles = useMemo<Tile[]>(() => (map ? map.items.flatMap((i) => (i.tile ? [{ key: i.code, name: i.name, tile: i.tile, value: i.count, href: drillHref(i.drill) }] : [])) : []), [map]);
  const misinfoSeries = useMemo<LineSeries[]>(() => (misinfo ? [{ name: 'Доля, %', points: misinfo.series.map((s) => [s.t, Math.round(s.share * 1000) / 10] as const) }] : []), [misinfo]);

  return (
    <div class="analytics-page">
      <div class="page-head">
        <h1 class="page__title">Аналитика</h1>
      </div>
      <form
        id="controls"
        ref={form}
        class="analytics-filters"
        onSubmit={(e) => {
          e.preventDefault();
          model.apply(read());
        }}
      >
        <label class="field analytics-filters__q">
          <span class="field__label">Запрос</span>
          <input id="q" name="q" type="search" autocomplete="off" spellcheck={false} maxLength={1000} />
        </label>
        <label class="field">
          <span class="field__label">С</span>
          <input id="from" name="from" type="date" />
        </label>
        <label class="field">
          <span class="field__label">По</span>
          <input id="to" name="to" type="date" />
        </label>
        <fieldset class="field analytics-dims">
          <legend class="field__label">Разбивка</legend>
          {DIM_TITLES.map(([v, t]) => (
            <label key={v}>
              <input type="checkbox" name="dim" value={v} /> {t}
            </label>
          ))}
        </fieldset>
        <label class="field">
          <span class="field__label">Интервал</span>
          <select id="interval" name="interval">
            <option value="">без времени</option>
            <option value="day">день</option>
            <option value="week">неделя</option>
            <option value="month">месяц</option>
          </select>
        </label>
        <button type="submit" class="btn btn--primary">
          Показать
        </button>
        <a id="export" class="btn btn--ghost" href={breakdownExportHref(f)} download>
          CSV
        </a>
      </form>

      {model.error.value && (
        <p id="page-message" class="page-message" role="alert">
          {model.error.value}
        </p>
      )}
      {b?.capped && (
        <p id="capped" class="page-message" role="status">
          {b.message ?? 'Показана не вся разбивка'}
        </p>
      )}

      <main class="analytics">
        <section class="analytics-panel analytics-panel--wide">
          <h2>Динамика</h2>
          {chart &&
            (chart.timed ? (
              <LineChart
                id="chart-breakdown"
                label="Динамика публикаций"
                height={320}
                series={chart.series}
                onSelect={(p) => {
                  const t = Array.isArray(p.value) ? timeKey(p.value[0]) : '';
                  const row = chart.byKey.get(`${p.seriesName ?? ''}|${t}`);
                  if (row) navigate(drillHref(row.drill));
                }}
              />
            ) : (
              <BarChart
                id="chart-breakdown"
                label="Публикации по группам"
                height={320}
                series="Публикаций"
                rows={chart.groups}
                onSelect={(p) => {
                  const row = chart.byKey.get(`${p.name}|`);
                  if (row) navigate(drillHref(row.drill));
                }}
              />
            ))}
          {b && b.rows.length === 0 && <EmptyState title="Публикаций за период нет" />}
          {b && b.rows.length > 0 && (
            <table id="breakdown-table" class="analytics-table">
              <thead>
                <tr>
                  <th>Группа</th>
                  <th>Период</th>
                  <th>Публикаций</th>
                </tr>
              </thead>
              <tbody id="breakdown-rows">
                {b.rows.slice(0, 200).map((r, i) => (
                  <tr key={i}>
                    <td>{chart?.group(r.labels)}</td>
                    <td>{r.t ? r.t.slice(0, 10) : '—'}</td>
                    <td>
                      <Drill href={drillHref(r.drill)} count={r.count} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="analytics-panel">
          <h2>Главные проблемы</h2>
          <ol id="top" class="analytics-list">
            {top?.items.map((i) => (
              <li key={i.category}>
                {i.title}: <Drill href={drillHref(i.drill)} count={i.count} /> (было {i.previous}
                {i.urgent > 0 ? `, срочных ${i.urgent}` : ''})
              </li>
            ))}
          </ol>
          {top && top.items.length === 0 && <EmptyState title="Проблем за период нет" />}
        </section>
        <section class="analytics-panel">
          <h2>Повторяющиеся проблемы по адресам</h2>
          <ol id="recurring" class="analytics-list">
            {recurring?.items.slice(0, 15).map((i, n) => (
              <li key={n}>
                {i.municipalityName}, {i.street}
                {i.houses.length ? `, д. ${i.houses.join('/')}` : ''} — {i.title}: <Drill href={drillHref(i.drill)} count={i.count} />
              </li>
            ))}
          </ol>
          {recurring && recurring.items.length === 0 && <EmptyState title="Повторов нет" hint={`Адреса, где проблема повторилась не меньше ${recurring.minRepeats} раз.`} />}
        </section>
        <section class="analytics-panel">
          <h2>Недостоверная информация</h2>
          <p id="misinfo-share" class="analytics-big">
            {misinfo && (
              <>
                <a class="drill" href={drillHref(misinfo.drill)} onClick={onLinkClick}>
                  {(misinfo.share * 100).toFixed(1)}%
                </a>{' '}
                ({misinfo.misinformation} из {misinfo.total})
              </>
            )}
          </p>
          {misinfo && (
            <LineChart
              id="chart-misinfo"
              label="Доля недостоверной информации, %"
              height={180}
              series={misinfoSeries}
              onSelect={(p) => {
                const t = Array.isArray(p.value) ? timeKey(p.value[0]) : '';
                const point = misinfo.series.find((s) => timeKey(s.t) === t);
                if (point) navigate(drillHref(point.drill));
              }}
            />
          )}
        </section>
        <section class="analytics-panel">
          <h2>Карта муниципалитетов</h2>
          {map && <TileMap id="chart-map" label="Картограмма муниципалитетов: публикаций по муниципалитетам" tiles={tiles} />}
          {map && map.items.some((i) => !i.tile) && <p class="analytics-muted">Без места на карте: {map.items.filter((i) => !i.tile).map((i) => `${i.name} (${i.count})`).join(', ')}</p>}
        </section>
      </main>
    </div>
  );
}
