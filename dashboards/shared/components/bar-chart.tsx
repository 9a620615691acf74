/** A bar chart of named values: <BarChart rows={[['ЖКХ', 12], ['Дороги', 5]]} series="Инциденты" label="…" />. */
import { useMemo } from 'preact/hooks';
import type { EChartsCoreOption } from 'echarts/core';
import { Chart, escapeHtml, type ChartProps } from './chart';

const load = () => import('./echarts/bar');

export function barOption(rows: readonly (readonly [name: string, value: number])[], seriesName: string, opts: { horizontal?: boolean } = {}): EChartsCoreOption {
  const category = { type: 'category', data: rows.map(([n]) => n), axisLabel: { interval: 0, overflow: 'truncate', width: 120 } };
  const value = { type: 'value', minInterval: 1 };
  return {
    grid: { left: opts.horizontal ? 130 : 40, right: 16, top: 16, bottom: 32 },
    xAxis: opts.horizontal ? value : category,
    yAxis: opts.horizontal ? { ...category, inverse: true } : value,
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${escapeHtml(p.name)}: ${p.value}` },
    series: [{ type: 'bar', name: seriesName, data: rows.map(([, v]) => v) }],
  };
}

export function BarChart({ rows, series, horizontal, ...rest }: Omit<ChartProps, 'option' | 'load'> & { rows: readonly (readonly [string, number])[]; series: string; horizontal?: boolean }) {
  const option = useMemo(() => barOption(rows, series, { horizontal }), [rows, series, horizontal]);
  return <Chart {...rest} option={option} load={load} />;
}
