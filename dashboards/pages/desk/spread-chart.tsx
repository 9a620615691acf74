/**
 * The spread chart of a claim on the shared ECharts component: copies per hour as bars, their
 * reach as a line (right axis), and the debunk's publications as markers with their reach, on one
 * time axis; a text summary below for everyone (and screen readers).
 */
import { useMemo } from 'preact/hooks';
import type { EChartsCoreOption } from 'echarts/core';
import type { ClaimDetailDto } from '../../../src/contracts/desk';
import { Chart } from '../../shared/components/chart';

type Spread = ClaimDetailDto['spread'];

// Bars and lines share the one ECharts core: register both series types. One promise for every
// call, so the chart's `init` (registered first) runs before its `setOption`, as with one import().
const loaded: { promise?: ReturnType<typeof loadBoth> } = {};
const loadBoth = () => import('../../shared/components/echarts/bar').then(() => import('../../shared/components/echarts/line'));
const load = () => (loaded.promise ??= loadBoth());
const num = new Intl.NumberFormat('ru-RU');

export function spreadOption(spread: Spread): EChartsCoreOption {
  return {
    grid: { left: 44, right: 60, top: 32, bottom: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time' },
    yAxis: [
      { type: 'value', name: 'копии', minInterval: 1 },
      { type: 'value', name: 'охват', splitLine: { show: false } },
    ],
    series: [
      {
        type: 'bar',
        name: 'Копии за час',
        barMaxWidth: 24,
        data: spread.copies.map((b) => [b.at, b.copies]),
      },
      {
        type: 'line',
        name: 'Охват копий',
        yAxisIndex: 1,
        showSymbol: false,
        data: spread.copies.map((b) => [b.at, b.reach]),
      },
      {
        type: 'line',
        name: 'Опровержения',
        yAxisIndex: 1,
        symbol: 'diamond',
        symbolSize: 12,
        lineStyle: { width: 0 },
        data: spread.publications.map((p) => [p.publishedAt, p.reach]),
      },
    ],
  };
}

export function spreadSummary(spread: Spread): string {
  const t = spread.totals;
  return `Копии: ${num.format(t.copies)} (охват ${num.format(t.reach)}); опровержения: ${t.publications} (охват ${num.format(t.publicationReach)}); за последний час ${spread.copiesLastHour}, за предыдущий ${spread.copiesPreviousHour}${spread.accelerating ? ' — распространение ускоряется' : ''}`;
}

export function SpreadChart({ spread }: { spread: Spread }) {
  const option = useMemo(() => spreadOption(spread), [spread]);
  const summary = spreadSummary(spread);
  const empty = spread.copies.length === 0 && spread.publications.length === 0;
  return (
    <div class="spread">
      {!empty && <Chart id="spread-chart" option={option} load={load} label={`Распространение: ${summary}`} height={220} />}
      <p id="spread-summary" class={`spread__summary${spread.accelerating ? ' spread__summary--alert' : ''}`}>
        {summary}
      </p>
    </div>
  );
}
