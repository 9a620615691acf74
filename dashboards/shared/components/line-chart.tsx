/** A time series chart: <LineChart series={[{ name: 'Жалобы', points: [['2026-12-01', 4], …] }]} label="…" />. */
import { useMemo } from 'preact/hooks';
import type { EChartsCoreOption } from 'echarts/core';
import { Chart, type ChartProps } from './chart';

const load = () => import('./echarts/line');

export interface LineSeries {
  name: string;
  points: readonly (readonly [time: string | number, value: number])[];
}

export function lineOption(series: readonly LineSeries[]): EChartsCoreOption {
  return {
    grid: { left: 40, right: 16, top: 28, bottom: 32 },
    legend: { top: 0 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', minInterval: 1 },
    tooltip: { trigger: 'axis' },
    series: series.map((s) => ({ type: 'line', name: s.name, showSymbol: false, data: s.points.map(([t, v]) => [t, v]) })),
  };
}

export function LineChart({ series, ...rest }: Omit<ChartProps, 'option' | 'load'> & { series: readonly LineSeries[] }) {
  const option = useMemo(() => lineOption(series), [series]);
  return <Chart {...rest} option={option} load={load} />;
}
